// The subcommands of `gongkai`, grouped by file. Each returns its CommandSpecs (with their
// run functions); node/main.cc lists them all.
#ifndef GONGKAI_NODE_COMMANDS_H_
#define GONGKAI_NODE_COMMANDS_H_

#include <vector>

#include "node/cli.h"

namespace gongkai {

// new, edit, discard, submit, review, withdraw, list, show, history (commands_workflow.cc)
std::vector<CommandSpec> WorkflowCommands();
// init (commands_init.cc)
std::vector<CommandSpec> InitCommands();
// bundle export, bundle import (bundle_commands.cc)
std::vector<CommandSpec> BundleCommands();
// print, verify-sheet (commands_print.cc)
std::vector<CommandSpec> PrintCommands();
// status, digest, config, alarms (commands_node.cc)
std::vector<CommandSpec> NodeCommands();

// sync (commands_sync.cc)
std::vector<CommandSpec> SyncCommands();

}  // namespace gongkai

#endif  // GONGKAI_NODE_COMMANDS_H_
