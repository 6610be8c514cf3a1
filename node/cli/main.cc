// gongkai: the node command of a village, township or county office.
#include <vector>

#include "node/cli/cli.h"
#include "node/cli/commands.h"

int main(int argc, char** argv) {
  using gongkai::CommandSpec;
  std::vector<CommandSpec> commands;
  for (auto group : {gongkai::InitCommands, gongkai::NodeCommands, gongkai::WorkflowCommands,
                     gongkai::BundleCommands, gongkai::PrintCommands, gongkai::SyncCommands,
                     gongkai::ProofCommands, gongkai::UiCommands,
                     gongkai::DoctorCommands, gongkai::NodeBackupCommands}) {
    for (CommandSpec& spec : group()) commands.push_back(std::move(spec));
  }
  return gongkai::RunCommandLine("gongkai", "gongkai：村务、财务、惠农补贴三级公开（离线可用）",
                                 commands, argc, argv);
}
