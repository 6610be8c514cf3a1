// gongkai doctor
#include <iostream>

#include "node/app/doctor.h"
#include "node/cli/commands.h"
#include "node/json/json_text.h"

namespace gongkai {

namespace {

std::string_view LevelMark(CheckLevel level) {
  switch (level) {
    case CheckLevel::kOk:
      return "✓";
    case CheckLevel::kWarn:
      return "!";
    case CheckLevel::kFail:
      return "✗";
  }
  return "✗";
}

}  // namespace

int PrintDoctorChecks(const Args& args, const std::vector<DoctorCheck>& checks) {
  const bool all_ok = DoctorAllOk(checks);
  if (args.json()) {
    std::vector<std::string> items;
    for (const DoctorCheck& c : checks) {
      JsonObject o;
      o.Set("id", c.id);
      o.Set("status", CheckLevelName(c.level));
      o.Set("message", c.message);
      o.Set("advice", c.advice);
      items.push_back(o.ToString());
    }
    JsonObject out;
    out.SetRaw("ok", all_ok ? "true" : "false");
    out.SetRaw("checks", JsonArray(items));
    std::cout << out.ToString() << "\n";
  } else {
    int warnings = 0, failures = 0;
    for (const DoctorCheck& c : checks) {
      std::cout << LevelMark(c.level) << " " << c.message << "\n";
      if (c.level != CheckLevel::kOk && !c.advice.empty()) {
        std::cout << "    怎么办：" << c.advice << "\n";
      }
      warnings += c.level == CheckLevel::kWarn;
      failures += c.level == CheckLevel::kFail;
    }
    if (all_ok) {
      std::cout << "\n全部正常。\n";
    } else {
      std::cout << "\n有 " << failures << " 项出错、" << warnings
                << " 项需要注意：请按“怎么办”处理，或把以上内容念给县级技术人员听。\n";
    }
  }
  return all_ok ? kExitOk : kExitFailed;
}

namespace {

int RunDoctor(const Args& args) {
  Result<std::string> home = HomeDir(args, false);
  if (!home.ok()) return ReportFailure(home.status(), args.json());
  DoctorOptions options;
  options.printer = args.Get("printer");
  return PrintDoctorChecks(args, RunNodeDoctor(*home, options));
}

}  // namespace

std::vector<CommandSpec> DoctorCommands() {
  std::vector<CommandSpec> commands;
  CommandSpec spec{"doctor", "",
                   "自检：数据目录、数据库、证书、时钟、汇聚服务器、待送出数据包、打印机、字体"};
  spec.options = {{"printer", "QUEUE", "检查这个 CUPS 打印队列（默认检查系统默认打印机）"}};
  spec.details =
      "每项一行：✓ 正常，! 需要注意，✗ 出错，并说明怎么办。\n"
      "全部正常时退出码为 0；有任何一项需要注意或出错时为 1。\n"
      "未设置汇聚服务器地址（只用U盘同步）算正常；连汇聚服务器最多等 5 秒。";
  spec.run = RunDoctor;
  commands.push_back(spec);
  return commands;
}

}  // namespace gongkai
