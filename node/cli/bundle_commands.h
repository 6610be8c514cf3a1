// `bundle export` and `bundle import` for any replica: the node's (gongkai) and the
// county's (gongkai-hub) run the same code on their own replica and key.
#ifndef GONGKAI_NODE_CLI_BUNDLE_COMMANDS_H_
#define GONGKAI_NODE_CLI_BUNDLE_COMMANDS_H_

#include <functional>

#include "node/cli/cli.h"
#include "node/exchange/exchange.h"
#include "node/replica/replica.h"
#include "protocol/keys.h"

namespace gongkai {

// Runs `bundle export` against `replica` with `key` (prints the report; returns the exit code).
int RunBundleExport(const Args& args, const Replica& replica, const SecretKey& key);

// Runs `bundle import FILE` against `replica`; `after_import` (may be empty) runs on success
// before the report is printed (the hub appends the new envelopes to its log there).
// Exits 1 when any envelope was refused, after printing which and why.
int RunBundleImport(const Args& args, Replica& replica,
                    const std::function<Status(const ImportReport&)>& after_import = {});

// The option lists of both commands.
std::vector<OptionSpec> BundleExportOptions();

}  // namespace gongkai

#endif  // GONGKAI_NODE_CLI_BUNDLE_COMMANDS_H_
