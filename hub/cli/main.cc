// gongkai-hub: the county office's hub — keys and enrolment, the county replica, the
// audit log.
#include <vector>

#include "hub/cli/commands.h"
#include "node/cli/cli.h"

int main(int argc, char** argv) {
  using gongkai::CommandSpec;
  std::vector<CommandSpec> commands;
  for (auto group :
       {gongkai::CountyCommands, gongkai::ServeCommands, gongkai::TlsCommands,
        gongkai::AuditVerifyCommands, gongkai::AuditCommands, gongkai::CountyConfigCommands,
        gongkai::HubDoctorCommands, gongkai::HubBackupCommands, gongkai::ConsoleCommands}) {
    for (CommandSpec& spec : group()) commands.push_back(std::move(spec));
  }
  return gongkai::RunCommandLine(
      "gongkai-hub", "gongkai-hub：县级汇聚节点（登记、吊销、汇聚、审计）", commands, argc, argv);
}
