// The subcommands of `gongkai`, grouped by file. Each returns its CommandSpecs (with their
// run functions); node/cli/main.cc lists them all.
#ifndef GONGKAI_NODE_CLI_COMMANDS_H_
#define GONGKAI_NODE_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "node/cli/cli.h"
#include "node/replica/replica.h"
#include "protocol/backup_file.h"

namespace gongkai {

// new, edit, discard, submit, review, withdraw, list, show, history (commands_workflow.cc)
std::vector<CommandSpec> WorkflowCommands();
// init (commands_init.cc)
std::vector<CommandSpec> InitCommands();
// bundle export, bundle import (bundle_commands.cc)
std::vector<CommandSpec> BundleCommands();
// print, verify-sheet (commands_print.cc)
std::vector<CommandSpec> PrintCommands();
// Prints the digest of --region (default `default_region`) of `replica`, for the
// `digest` commands of gongkai and gongkai-hub; returns the exit code.
int PrintRegionDigest(const Args& args, const Replica& replica, std::string_view default_region);
// status, digest, config, alarms (commands_node.cc)
std::vector<CommandSpec> NodeCommands();

// sync (commands_sync.cc)
std::vector<CommandSpec> SyncCommands();

// verify-proof (commands_proof.cc)
std::vector<CommandSpec> ProofCommands();

// ui (commands_ui.cc)
std::vector<CommandSpec> UiCommands();

// backup, restore (commands_backup.cc) of a home of `kind`, in which `required` files (its
// key files) must be; NodeBackupCommands for gongkai.
std::vector<CommandSpec> BackupCommands(BackupKind kind, std::vector<std::string> required);
std::vector<CommandSpec> NodeBackupCommands();

// The keys `gongkai config set` takes (commands_node.cc); rebuild keeps them.
std::vector<std::string_view> NodeConfigKeys();

// doctor (commands_doctor.cc)
std::vector<CommandSpec> DoctorCommands();
// Prints doctor's checks (a ✓ / ! / ✗ list with the advice, or --json
// {"ok":bool,"checks":[{"id","status","message","advice"}]}); returns kExitOk only when every
// check is ok, else kExitFailed. Shared by gongkai doctor and gongkai-hub doctor.
struct DoctorCheck;
int PrintDoctorChecks(const Args& args, const std::vector<DoctorCheck>& checks);

}  // namespace gongkai

#endif  // GONGKAI_NODE_CLI_COMMANDS_H_
