// gongkai sync: push to and pull from the county hub (node/exchange/hub_sync.h).
#include <iostream>
#include <string>

#include "node/app/exchange_actions.h"
#include "node/cli/commands.h"
#include "node/exchange/hub_client.h"
#include "node/exchange/hub_sync.h"
#include "node/json/json_text.h"

namespace gongkai {

namespace {

int PrintSync(const Args& args, const SyncOutcome& outcome) {
  const std::string& url = outcome.hub_url;
  const SyncReport* report = &outcome.report;
  if (args.json()) {
    JsonObject out;
    out.Set("hub", url);
    out.Set("pushed", static_cast<int64_t>(report->pushed));
    out.Set("push_applied", static_cast<int64_t>(report->push_applied));
    out.Set("push_duplicate", static_cast<int64_t>(report->push_duplicate));
    out.Set("receipts", static_cast<int64_t>(report->receipts));
    out.Set("pulled", static_cast<int64_t>(report->pulled));
    out.Set("pull_applied", static_cast<int64_t>(report->pull_applied));
    out.Set("pull_duplicate", static_cast<int64_t>(report->pull_duplicate));
    out.Set("pull_out_of_scope", static_cast<int64_t>(report->pull_out_of_scope));
    out.Set("pull_rounds", static_cast<int64_t>(report->pull_rounds));
    out.Set("checkpoint_size", static_cast<int64_t>(report->checkpoint_size));
    std::vector<std::string> refused;
    for (const SyncRefusal& r : report->refused) {
      JsonObject item;
      item.Set("id", r.envelope_id);
      item.Set("code", r.code);
      item.Set("message", r.message);
      item.Set("by", r.pushed ? "hub" : "node");
      refused.push_back(item.ToString());
    }
    out.SetRaw("refused", JsonArray(refused));
    out.Set("withheld", static_cast<int64_t>(report->withheld));
    std::cout << out.ToString() << "\n";
  } else {
    std::cout << "已与汇聚服务器 " << url << " 同步\n"
              << "  推送 " << report->pushed << "（新 " << report->push_applied << "，已有 "
              << report->push_duplicate << "，回执 " << report->receipts << "）\n"
              << "  拉取 " << report->pulled << "（新 " << report->pull_applied << "，已有 "
              << report->pull_duplicate << "）\n"
              << "  县级日志 " << report->checkpoint_size << " 条";
    if (report->had_checkpoint)
      std::cout << "（上次 " << report->previous_checkpoint_size << " 条，一致）";
    std::cout << "\n";
    for (const SyncRefusal& r : report->refused) {
      std::cout << "  被" << (r.pushed ? "汇聚服务器" : "本节点") << "拒绝 "
                << r.envelope_id.substr(0, 12) << "：" << r.message << "（" << r.code << "）\n";
    }
    if (report->withheld > 0) {
      std::cout << "  另有 " << report->withheld
                << " 个数据包曾被汇聚服务器拒收且无法补救，不再送出（gongkai alarms 查看）\n";
    }
  }
  return report->refused.empty() ? kExitOk : kExitFailed;
}

int RunSync(const Args& args) {
  return RunNodeAction(
      args, true,
      [&](NodeSession& session, std::vector<ImportError>*) {
        return SyncNow(session, args.Get("hub"));
      },
      [&](const SyncOutcome& outcome) { return PrintSync(args, outcome); });
}

}  // namespace

std::vector<CommandSpec> SyncCommands() {
  CommandSpec spec{"sync", "", "与县汇聚服务器同步（推送本节点的数据包并拉取缺少的）"};
  spec.options = {
      {"hub", "URL", "汇聚服务器地址，如 http://10.0.0.1:8440；默认取 gongkai config 的 hub"}};
  spec.details =
      "推送汇聚服务器尚未出具回执的数据包，保存回执；再拉取本节点缺少的数据包直到没有剩余；"
      "最后核对县级日志检查点与上次同步时一致（否则报告 hub history rewritten 并拒绝）。"
      "有数据包被拒绝时退出码为 1。";
  spec.run = RunSync;
  return {spec};
}

}  // namespace gongkai
