#include "node/cli/cli.h"

#include <termios.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "node/json/json_text.h"
#include "node/replica/sql.h"

namespace gongkai {

namespace {

const OptionSpec kCommonOptions[] = {
    {"home", "DIR", "数据目录（默认 $GONGKAI_HOME 或 ~/.gongkai）"},
    {"json", "", "以 JSON 输出，便于脚本处理"},
    {"help", "", "显示本说明"},
};

const OptionSpec* FindOption(const CommandSpec& spec, std::string_view name) {
  for (const OptionSpec& option : spec.options) {
    if (option.name == name) return &option;
  }
  for (const OptionSpec& option : kCommonOptions) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

Status Usage(std::string message) { return Status::Invalid(kErrCliUsage, std::move(message)); }

int DoRun(const CommandSpec& spec, std::string_view program,
          const std::vector<std::string>& words) {
  Result<Args> args = ParseArgs(spec, words);
  if (!args.ok()) {
    std::cerr << "错误：" << args.status().message() << "\n\n" << CommandHelp(program, spec);
    return kExitUsage;
  }
  if (args->Has("help")) {
    std::cout << CommandHelp(program, spec);
    return kExitOk;
  }
  return spec.run(*args);
}

}  // namespace

bool Args::Has(std::string_view name) const { return options_.find(name) != options_.end(); }

std::optional<std::string> Args::Get(std::string_view name) const {
  auto it = options_.find(name);
  if (it == options_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::GetAll(std::string_view name) const {
  auto it = options_.find(name);
  return it == options_.end() ? std::vector<std::string>{} : it->second;
}

Result<std::optional<int64_t>> Args::GetInt(std::string_view name, int64_t min, int64_t max) const {
  std::optional<std::string> text = Get(name);
  if (!text) return std::optional<int64_t>();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return Usage("--" + std::string(name) + " 须为 " + std::to_string(min) + " 到 " +
                 std::to_string(max) + " 之间的整数");
  }
  return std::optional<int64_t>(value);
}

Result<Args> ParseArgs(const CommandSpec& spec, const std::vector<std::string>& words) {
  Args args;
  bool options_done = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (options_done || word.size() < 2 || word.compare(0, 2, "--") != 0) {
      args.positional_.push_back(word);
      continue;
    }
    if (word == "--") {
      options_done = true;
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const OptionSpec* option = FindOption(spec, name);
    if (option == nullptr) return Usage("不认识的选项 --" + name);
    if (option->value_name.empty()) {
      if (value) return Usage("选项 --" + name + " 不带值");
    } else if (!value) {
      if (i + 1 >= words.size())
        return Usage("选项 --" + name + " 需要一个值（" + std::string(option->value_name) + "）");
      value = words[++i];
    }
    auto& values = args.options_[name];
    if (!values.empty() && !option->repeatable) return Usage("选项 --" + name + " 只能给一次");
    values.push_back(value.value_or(""));
  }
  if (args.Has("help")) return args;
  if (args.positional_.size() < spec.min_args) {
    return Usage(spec.args.empty() ? "缺少参数" : "缺少参数 " + std::string(spec.args));
  }
  if (args.positional_.size() > spec.max_args) {
    return Usage("多余的参数“" + args.positional_[spec.max_args] + "”");
  }
  return args;
}

std::string CommandHelp(std::string_view program, const CommandSpec& spec) {
  std::string out = "用法：" + std::string(program) + " " + std::string(spec.name);
  if (!spec.args.empty()) out += " " + std::string(spec.args);
  out += " [选项]\n\n" + std::string(spec.summary) + "\n\n选项：\n";
  auto line = [&out](const OptionSpec& option) {
    std::string left = "  --" + std::string(option.name);
    if (!option.value_name.empty()) left += " " + std::string(option.value_name);
    if (left.size() < 26) left.resize(26, ' ');
    out +=
        left + " " + std::string(option.help) + (option.repeatable ? "（可多次给出）" : "") + "\n";
  };
  for (const OptionSpec& option : spec.options) line(option);
  for (const OptionSpec& option : kCommonOptions) line(option);
  if (!spec.details.empty()) out += "\n" + std::string(spec.details) + "\n";
  return out;
}

std::string ProgramHelp(std::string_view program, std::string_view summary,
                        const std::vector<CommandSpec>& commands) {
  std::string out = std::string(summary) + "\n\n用法：" + std::string(program) +
                    " 命令 [参数] [选项]\n\n命令：\n";
  for (const CommandSpec& spec : commands) {
    std::string left = "  " + std::string(spec.name);
    if (left.size() < 20) left.resize(20, ' ');
    out += left + " " + std::string(spec.summary) + "\n";
  }
  out += "\n每个命令都接受 --home DIR、--json 和 --help；" + std::string(program) +
         " 命令 --help 显示该命令的说明。\n";
  return out;
}

int RunCommandLine(std::string_view program, std::string_view summary,
                   const std::vector<CommandSpec>& commands, int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "--help" || words[0] == "-h" ||
      (words[0] == "help" && words.size() == 1)) {
    std::cout << ProgramHelp(program, summary, commands);
    return words.empty() ? kExitUsage : kExitOk;
  }
  if (words[0] == "--version") {
    std::cout << program << " 1\n";
    return kExitOk;
  }
  bool help = false;
  if (words[0] == "help") {
    help = true;
    words.erase(words.begin());
  }
  for (int n : {3, 2, 1}) {
    if (words.size() < static_cast<size_t>(n)) continue;
    std::string name = words[0];
    for (int i = 1; i < n; ++i) name += " " + words[i];
    for (const CommandSpec& spec : commands) {
      if (spec.name != name) continue;
      std::vector<std::string> rest(words.begin() + n, words.end());
      if (help) rest.push_back("--help");
      return DoRun(spec, program, rest);
    }
  }
  // A group name alone ("bundle") lists its commands.
  std::string listed;
  for (const CommandSpec& spec : commands) {
    if (spec.name.substr(0, words[0].size() + 1) == words[0] + " ") {
      listed += "  " + std::string(program) + " " + std::string(spec.name) + "  " +
                std::string(spec.summary) + "\n";
    }
  }
  if (!listed.empty()) {
    std::cerr << "请给出子命令：\n" << listed;
    return kExitUsage;
  }
  std::cerr << "错误：没有命令“" << words[0] << "”。\n\n"
            << ProgramHelp(program, summary, commands);
  return kExitUsage;
}

namespace {
std::string& NotedDatabaseFile() {
  static std::string* path = new std::string();
  return *path;
}
}  // namespace

void NoteDatabaseFile(std::string path) { NotedDatabaseFile() = std::move(path); }

int ReportFailure(const Status& status, bool json, const std::vector<ImportError>& errors) {
  std::cerr << "错误：" << ChineseMessage(status) << " [" << status.code() << "]\n";
  const std::string& database = NotedDatabaseFile();
  const bool corrupt = status.code() == kErrSqlCorrupt && !database.empty();
  if (corrupt) {
    std::cerr << "  损坏的数据库文件：" << database << "\n"
              << "  请不要删除或覆盖它：先停止使用本程序，把这个文件和同一目录中的密钥文件"
                 "各复制一份留存，再打电话给县政务公开办（见 README「数据库损坏」）\n";
  }
  for (const ImportError& e : errors) std::cerr << "  " << e.message << " [" << e.code << "]\n";
  if (json) {
    JsonObject error;
    error.Set("code", status.code());
    error.Set("message", ChineseMessage(status));
    if (corrupt) error.Set("file", database);
    std::vector<std::string> details;
    for (const ImportError& e : errors) {
      JsonObject o;
      o.Set("code", e.code);
      o.Set("file", e.file);
      o.Set("row", e.row);
      o.Set("column", e.column);
      o.Set("message", e.message);
      details.push_back(o.ToString());
    }
    error.SetRaw("details", JsonArray(details));
    JsonObject out;
    out.SetRaw("error", error.ToString());
    std::cout << out.ToString() << "\n";
  }
  return status.code() == kErrCliUsage ? kExitUsage : kExitFailed;
}

Result<std::string> HomeDir(const Args& args, bool hub) {
  if (std::optional<std::string> home = args.Get("home")) {
    if (home->empty()) return Usage("--home 不能为空");
    return *home;
  }
  if (const char* env = std::getenv(hub ? "GONGKAI_HUB_HOME" : "GONGKAI_HOME"); env && *env) {
    return std::string(env);
  }
  if (const char* user_home = std::getenv("HOME"); user_home && *user_home) {
    return std::string(user_home) + (hub ? "/.gongkai-hub" : "/.gongkai");
  }
  return Usage("请用 --home 指定数据目录");
}

Result<std::string> ReadPassphrase(const Args& args, std::string_view prompt, bool confirm) {
  if (std::optional<std::string> file = args.Get("passphrase-file")) {
    std::ifstream in(*file);
    if (!in) return Usage("无法读取口令文件 " + *file);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return Usage("口令文件 " + *file + " 的第一行为空");
    return line;
  }
  if (!isatty(STDIN_FILENO))
    return Usage("没有终端可输入口令：请用 --passphrase-file 给出口令文件");
  auto ask = [](std::string_view text) -> std::string {
    std::cerr << text << std::flush;
    termios old_mode{};
    tcgetattr(STDIN_FILENO, &old_mode);
    termios silent = old_mode;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    std::string line;
    std::getline(std::cin, line);
    tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
    std::cerr << "\n";
    return line;
  };
  std::string first = ask(prompt);
  if (first.empty()) return Usage("口令不能为空");
  if (confirm && ask("请再输入一次：") != first) return Usage("两次输入的口令不一致");
  return first;
}

void Progress(std::string_view what, uint64_t done, uint64_t total) {
  if (!isatty(STDERR_FILENO)) return;
  std::fprintf(stderr, "\r%.*s %llu/%llu", static_cast<int>(what.size()), what.data(),
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
  if (done >= total) std::fputc('\n', stderr);
  std::fflush(stderr);
}

Result<NodeSession> OpenCommandSession(const Args& args, bool need_key) {
  GK_ASSIGN_OR_RETURN(std::string home, HomeDir(args, false));
  NoteDatabaseFile((std::filesystem::path(home) / kReplicaFileName).string());
  return OpenNodeSession(home, need_key);
}

int Emit(const Args& args, std::string_view json, std::string_view text, int exit_code) {
  const std::string_view out = args.json() ? json : text;
  std::cout << out;
  if (!out.empty() && out.back() != '\n') std::cout << "\n";
  return exit_code;
}

}  // namespace gongkai
