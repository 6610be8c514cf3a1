// The subcommands of `gongkai-hub`, grouped by file; hub/cli/main.cc lists them all.
#ifndef GONGKAI_HUB_CLI_COMMANDS_H_
#define GONGKAI_HUB_CLI_COMMANDS_H_

#include <vector>

#include "node/cli/cli.h"

namespace gongkai {

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

}  // namespace gongkai

#endif  // GONGKAI_HUB_CLI_COMMANDS_H_
