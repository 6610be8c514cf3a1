// The subcommands of `gongkai-hub`, grouped by file; hub/cli/main.cc lists them all.
#ifndef GONGKAI_HUB_CLI_COMMANDS_H_
#define GONGKAI_HUB_CLI_COMMANDS_H_

#include <functional>
#include <utility>
#include <vector>

#include "hub/county/county.h"
#include "node/cli/cli.h"

namespace gongkai {

// Opens the hub home of `args` (HomeDir(args, true)) and runs `body(County&)`, which
// returns the exit code; a home that does not open is reported as a failure.
template <typename Body>
int WithCounty(const Args& args, Body&& body) {
  Result<std::string> home = HomeDir(args, true);
  if (!home.ok()) return ReportFailure(home.status(), args.json());
  NoteDatabaseFile((std::filesystem::path(*home) / kReplicaFileName).string());
  Result<County> county = OpenCounty(*home);
  if (!county.ok()) return ReportFailure(county.status(), args.json());
  return body(*county);
}

// The shape every hub command shares: open the hub home, run one action of hub/app (or of
// the hub's rooms) on the County, report its failure, or render its result.
// `action(County&)` returns a Result<T>; `render(const T&)` prints it and returns the exit code.
template <typename Action, typename Render>
int RunHubAction(const Args& args, Action&& action, Render&& render) {
  return WithCounty(args, [&](County& county) {
    auto result = action(county);
    if (!result.ok()) return ReportFailure(result.status(), args.json());
    return render(*result);
  });
}

// init, enroll, revoke, nodes (commands_county.cc)
std::vector<CommandSpec> CountyCommands();

// enroll --region: one-time tokens for online enrolment (commands_enrol.cc); `enroll`
// dispatches to it.
int RunEnrollOnline(const Args& args);
// tls init, tls fingerprint (commands_enrol.cc)
std::vector<CommandSpec> TlsCommands();

// serve (commands_serve.cc)
std::vector<CommandSpec> ServeCommands();

// audit verify, audit proof (commands_audit_verify.cc)
std::vector<CommandSpec> AuditVerifyCommands();

// audit history, stale, overdue, report, alarms (commands_audit.cc)
std::vector<CommandSpec> AuditCommands();

// config set, show: the county's audit settings (commands_config.cc)
std::vector<CommandSpec> CountyConfigCommands();

// doctor (commands_doctor.cc)
std::vector<CommandSpec> HubDoctorCommands();
// backup, restore of the hub's home (commands_county.cc)
std::vector<CommandSpec> HubBackupCommands();
// gongkai-hub console, console user add|list|remove (commands_console.cc).
std::vector<CommandSpec> ConsoleCommands();

// The servers' stop: BlockStopSignals before any thread starts (SIGTERM and SIGINT then go
// to no thread but the waiter), then RunUntilStopSignal runs `run` and calls `stop` (again
// until `run` has returned) when either signal comes.
void BlockStopSignals();
void RunUntilStopSignal(const std::function<void()>& run, const std::function<void()>& stop);

// "ADDRESS:PORT" (port 0: any free one) as given to --listen; cli.usage otherwise.
Result<std::pair<std::string, int>> ParseListen(const std::string& text);

}  // namespace gongkai

#endif  // GONGKAI_HUB_CLI_COMMANDS_H_
