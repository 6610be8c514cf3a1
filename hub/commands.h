// The subcommands of `gongkai-hub`, grouped by file; hub/main.cc lists them all.
#ifndef GONGKAI_HUB_COMMANDS_H_
#define GONGKAI_HUB_COMMANDS_H_

#include <vector>

#include "node/cli.h"

namespace gongkai {

// init, enroll, revoke, nodes (commands_county.cc)
std::vector<CommandSpec> CountyCommands();

// serve (commands_serve.cc)
std::vector<CommandSpec> ServeCommands();

// audit verify, audit proof (commands_audit_verify.cc)
std::vector<CommandSpec> AuditVerifyCommands();

}  // namespace gongkai

#endif  // GONGKAI_HUB_COMMANDS_H_
