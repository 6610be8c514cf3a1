// gongkai-hub config set | show: the county's audit settings (hub/audit/audit_settings.h).
#include <iostream>
#include <string>

#include "hub/app/county_actions.h"
#include "hub/audit/audit_settings.h"
#include "hub/cli/commands.h"
#include "hub/county/county.h"
#include "node/json/json_text.h"

namespace gongkai {

namespace {

int RunConfigSet(const Args& args) {
  const std::string& key = args.positional()[0];
  const std::string& value = args.positional()[1];
  return RunHubAction(
      args,
      [&](County& county) -> Result<bool> {
        GK_RETURN_IF_ERROR(SetCountySetting(county, key, value));
        // A setting sent to the nodes is an envelope of the county's: into the log now.
        GK_RETURN_IF_ERROR(AppendToCountyLog(county));
        return true;
      },
      [&](bool) {
        JsonObject o;
        o.Set("key", key);
        o.Set("value", std::stoll(value));
        return Emit(args, o.ToString(), "已设置 " + key + " = " + value);
      });
}

int PrintSettings(const Args& args, const std::vector<AuditSettingValue>& found) {
  const std::vector<AuditSettingValue>* values = &found;
  if (args.json()) {
    JsonObject o;
    for (const AuditSettingValue& v : *values) o.Set(v.info->key, v.value);
    std::cout << o.ToString() << "\n";
    return kExitOk;
  }
  for (const AuditSettingValue& v : *values) {
    std::cout << v.info->key << " = " << v.value << (v.set ? "" : "（默认）") << "    "
              << v.info->meaning << "\n";
  }
  return kExitOk;
}

int RunConfigShow(const Args& args) {
  return RunHubAction(
      args, [](County& county) { return ShowAuditSettings(county.replica()); },
      [&](const std::vector<AuditSettingValue>& values) { return PrintSettings(args, values); });
}

}  // namespace

std::vector<CommandSpec> CountyConfigCommands() {
  std::vector<CommandSpec> commands;
  {
    CommandSpec spec{"config set", "KEY VALUE",
                     "设置县级审计参数（财务公开期限、公示期最少天数等）"};
    spec.min_args = spec.max_args = 2;
    spec.details =
        "可设置：finance.deadline_day subsidy.min_publicity_days audit.clock_skew_hours "
        "audit.stale_days";
    spec.run = RunConfigSet;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"config show", "", "显示县级审计参数"};
    spec.run = RunConfigShow;
    commands.push_back(spec);
  }
  return commands;
}

}  // namespace gongkai
