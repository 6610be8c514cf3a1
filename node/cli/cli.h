// The command-line framework shared by `gongkai` and `gongkai-hub`: subcommands with
// declared options, `--help` text generated from the declarations, `--json` output, and
// errors printed in Chinese with their stable code.
//
// Every command takes --home DIR, --json and --help. Options are written `--name VALUE` or
// `--name=VALUE`; flags take no value. An unknown option, a missing value, a repeated
// option that is not repeatable, or a wrong number of arguments is a usage error (exit 2)
// with the command's help. `--` ends the options.
//
// Exit codes: 0 success, 1 the command failed, 2 usage error.
// Thread-safety: single-threaded command code.
#ifndef GONGKAI_NODE_CLI_CLI_H_
#define GONGKAI_NODE_CLI_CLI_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/app/node_session.h"
#include "node/app/status_message.h"
#include "node/intake/import_error.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

inline constexpr char kErrCliUsage[] = "cli.usage";

struct OptionSpec {
  std::string_view name;        // "title" for --title
  std::string_view value_name;  // "T"; empty for a flag
  std::string_view help;        // one line, Chinese
  bool repeatable = false;
};

class Args;

struct CommandSpec {
  std::string_view name;     // "review", or "bundle export"
  std::string_view args;     // "ID" (for the usage line)
  std::string_view summary;  // one line, Chinese
  std::vector<OptionSpec> options = {};
  size_t min_args = 0;
  size_t max_args = 0;
  std::string_view details = {};  // paragraphs after the options, may be empty
  std::function<int(const Args&)> run = {};
};

class Args {
 public:
  bool Has(std::string_view name) const;
  std::optional<std::string> Get(std::string_view name) const;
  std::vector<std::string> GetAll(std::string_view name) const;
  // The integer value of an option; cli.usage when it is not a decimal integer within
  // [min, max].
  Result<std::optional<int64_t>> GetInt(std::string_view name, int64_t min, int64_t max) const;
  const std::vector<std::string>& positional() const { return positional_; }
  bool json() const { return Has("json"); }

 private:
  friend Result<Args> ParseArgs(const CommandSpec&, const std::vector<std::string>&);
  std::map<std::string, std::vector<std::string>, std::less<>> options_;
  std::vector<std::string> positional_;
};

// Parses the words after the command name. `--help` is recorded as the flag "help" and
// stops checking the number of arguments.
Result<Args> ParseArgs(const CommandSpec& spec, const std::vector<std::string>& words);

// The help of one command, in Chinese.
std::string CommandHelp(std::string_view program, const CommandSpec& spec);
// The list of commands.
std::string ProgramHelp(std::string_view program, std::string_view summary,
                        const std::vector<CommandSpec>& commands);

// Runs the command named by argv (commands of two words, like "bundle export", are matched
// first). Prints help for `program --help`, `program help CMD` and `program CMD --help`.
int RunCommandLine(std::string_view program, std::string_view summary,
                   const std::vector<CommandSpec>& commands, int argc, char** argv);

// A failure, printed to stderr as "错误：<Chinese sentence>（<code>）", with every import
// error on its own line; with --json also as {"error":{...}} on stdout. Returns
// kExitFailed (kExitUsage for cli.usage).
// A database failure found corrupt (sql.corrupt) also names the database file the command
// opened (NoteDatabaseFile) and says what to do.
int ReportFailure(const Status& status, bool json, const std::vector<ImportError>& errors = {});

// The database file of this command's home, for ReportFailure. OpenCommandSession notes the
// node's; gongkai-hub notes the hub's.
void NoteDatabaseFile(std::string path);

// ChineseMessage(status): node/app/status_message.h.

// The home directory: --home, else $GONGKAI_HOME (or $GONGKAI_HUB_HOME for the hub), else
// ~/.gongkai (~/.gongkai-hub). cli.usage when none can be found.
Result<std::string> HomeDir(const Args& args, bool hub);

// The node home of `args` (HomeDir) opened as OpenNodeSession (node/app/node_session.h) does.
Result<NodeSession> OpenCommandSession(const Args& args, bool need_key);

// The shape every node command shares: open the node's home (with its key when need_key),
// run one action of node/app, report its failure with every import error it collected, or
// render its result. `action(NodeSession&, std::vector<ImportError>*)` returns a Result<T>;
// `render(const T&)` prints it and returns the exit code.
template <typename Action, typename Render>
int RunNodeAction(const Args& args, bool need_key, Action&& action, Render&& render);

// Opens the node home of `args` (OpenCommandSession) and runs `body(NodeSession&)`, which
// returns the exit code; a home that does not open is reported as a failure.
template <typename Body>
int WithNodeSession(const Args& args, bool need_key, Body&& body) {
  Result<NodeSession> session = OpenCommandSession(args, need_key);
  if (!session.ok()) return ReportFailure(session.status(), args.json());
  return body(*session);
}

template <typename Action, typename Render>
int RunNodeAction(const Args& args, bool need_key, Action&& action, Render&& render) {
  return WithNodeSession(args, need_key, [&](NodeSession& session) {
    std::vector<ImportError> errors;
    auto result = action(session, &errors);
    if (!result.ok()) return ReportFailure(result.status(), args.json(), errors);
    return render(*result);
  });
}

// Prints `json` with --json, else `text`, on stdout (each ends in a newline when not empty);
// returns `exit_code`.
int Emit(const Args& args, std::string_view json, std::string_view text, int exit_code = kExitOk);

// Reads a passphrase: from --passphrase-file when given (first line), else from the
// terminal without echo (asked twice when `confirm`). cli.usage without a terminal.
Result<std::string> ReadPassphrase(const Args& args, std::string_view prompt, bool confirm);

// Prints a progress line on stderr ("\r导入 340/1000") when stderr is a terminal; a final
// call with done == total ends the line.
void Progress(std::string_view what, uint64_t done, uint64_t total);

}  // namespace gongkai

#endif  // GONGKAI_NODE_CLI_CLI_H_
