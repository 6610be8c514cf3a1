// gongkai-hub doctor
#include "hub/app/hub_doctor.h"
#include "hub/cli/commands.h"
#include "node/cli/commands.h"

namespace gongkai {

namespace {

int RunHubDoctorCommand(const Args& args) {
  Result<std::string> home = HomeDir(args, true);
  if (!home.ok()) return ReportFailure(home.status(), args.json());
  return PrintDoctorChecks(args, RunHubDoctor(*home));
}

}  // namespace

std::vector<CommandSpec> HubDoctorCommands() {
  CommandSpec spec{"doctor", "",
                   "自检：县级目录、数据库、密钥文件、TLS 证书、汇聚日志、久未联系的节点、拒收"};
  spec.details =
      "每项一行：✓ 正常，! 需要注意，✗ 出错，并说明怎么办。\n"
      "全部正常时退出码为 0；有任何一项需要注意或出错时为 1。";
  spec.run = RunHubDoctorCommand;
  return {spec};
}

}  // namespace gongkai
