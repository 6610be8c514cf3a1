#include "node/cli/bundle_commands.h"

#include <iostream>

#include "node/app/exchange_actions.h"
#include "node/cli/commands.h"
#include "node/exchange/peer_state.h"
#include "node/json/json_text.h"
#include "node/replica/sql.h"
#include "protocol/region.h"

namespace gongkai {

namespace {

std::string StepName(ExchangeStep step) {
  switch (step) {
    case ExchangeStep::kWriting:
      return "写出";
    case ExchangeStep::kReading:
      return "读取校验";
    case ExchangeStep::kApplying:
      return "导入";
  }
  return "处理";
}

ExchangeProgressFn TerminalProgress() {
  return [](const ExchangeProgress& p) { Progress(StepName(p.step), p.done, p.total); };
}

int RunExportCommand(const Args& args) {
  return WithNodeSession(args, true, [&](NodeSession& session) {
    return RunBundleExport(args, *session.replica, *session.key);
  });
}

int RunImportCommand(const Args& args) {
  return WithNodeSession(
      args, false, [&](NodeSession& session) { return RunBundleImport(args, *session.replica); });
}

}  // namespace

std::vector<OptionSpec> BundleExportOptions() {
  return {{"out", "FILE", "数据包写到此文件（如 U 盘上的路径）"},
          {"for", "CODE", "只写对方区划可收的数据（对方的区划代码）；不给则写出全部"},
          {"all", "", "不参考对方上次告知的已有数据，全部写出"}};
}

int RunBundleExport(const Args& args, const Replica& replica, const SecretKey& key) {
  std::optional<std::string> out = args.Get("out");
  if (!out)
    return ReportFailure(Status::Invalid(kErrCliUsage, "请用 --out 指定数据包文件"), args.json());
  BundleExportRequest request;
  request.out = *out;
  request.for_region = args.Get("for").value_or("");
  request.ignore_peer_have = args.Has("all");
  if (!args.json()) request.progress = TerminalProgress();
  Result<BundleExportOutcome> exported = ExportBundleFile(replica, key, request);
  if (!exported.ok()) return ReportFailure(exported.status(), args.json());
  const ExportReport* report = &exported->report;
  const bool used_peer_have = exported->used_peer_have;
  const std::string& for_region = request.for_region;
  if (args.json()) {
    JsonObject o;
    o.Set("path", report->path.string());
    o.Set("envelopes", static_cast<int64_t>(report->envelopes));
    o.Set("left_out", static_cast<int64_t>(report->left_out));
    o.Set("bytes", static_cast<int64_t>(report->bytes));
    o.Set("for", for_region);
    o.SetRaw("used_peer_have", used_peer_have ? "true" : "false");
    std::cout << o.ToString() << "\n";
  } else {
    std::cout << "已写出数据包 " << report->path.string() << "：" << report->envelopes
              << " 个数据包，" << report->bytes << " 字节";
    if (!for_region.empty()) std::cout << "（供 " << for_region << "）";
    std::cout << "\n";
    if (used_peer_have) std::cout << "  已按对方上次告知的已有数据，只写出对方缺少的部分。\n";
    if (report->left_out > 0) {
      std::cout << "  还有 " << report->left_out << " 个因超过单个文件上限未写入，请再导出一次。\n";
    }
  }
  return kExitOk;
}

int RunBundleImport(const Args& args, Replica& replica,
                    const std::function<Status(const ImportReport&)>& after_import) {
  const std::string path = args.positional()[0];
  Result<ImportReport> report = ImportBundleFile(
      replica, path, args.json() ? ExchangeProgressFn() : TerminalProgress(), after_import);
  if (!report.ok()) return ReportFailure(report.status(), args.json());
  if (args.json()) {
    JsonObject o;
    o.Set("path", path);
    o.Set("maker", NodeIdHex(report->maker));
    o.Set("maker_region", report->maker_region);
    o.Set("envelopes", static_cast<int64_t>(report->envelopes));
    o.Set("applied", static_cast<int64_t>(report->applied));
    o.Set("duplicate", static_cast<int64_t>(report->duplicate));
    o.Set("out_of_scope", static_cast<int64_t>(report->out_of_scope));
    o.Set("refused", static_cast<int64_t>(report->refused_count));
    std::vector<std::string> refused;
    for (const RefusedEnvelope& r : report->refused) {
      JsonObject e;
      e.Set("envelope", HashHex(r.id));
      e.Set("origin", NodeIdHex(r.origin));
      e.Set("seq", static_cast<int64_t>(r.seq));
      e.Set("region", r.region);
      e.Set("code", r.status.code());
      e.Set("message", ChineseMessage(r.status));
      refused.push_back(e.ToString());
    }
    o.SetRaw("refusals", JsonArray(refused));
    std::cout << o.ToString() << "\n";
  } else {
    std::cout << "已导入 " << path << "（来自 " << report->maker_region << " 节点 "
              << NodeIdHex(report->maker).substr(0, 8) << "）：新增 " << report->applied
              << "，已有 " << report->duplicate << "，不属本节点范围 " << report->out_of_scope
              << "，拒收 " << report->refused_count << "\n";
    for (const RefusedEnvelope& r : report->refused) {
      std::cout << "  拒收 " << HashHex(r.id).substr(0, 12) << "（节点 "
                << NodeIdHex(r.origin).substr(0, 8) << " 序号 " << r.seq << "）："
                << ChineseMessage(r.status) << " [" << r.status.code() << "]\n";
    }
  }
  return report->all_accepted() ? kExitOk : kExitFailed;
}

std::vector<CommandSpec> BundleCommands() {
  std::vector<CommandSpec> commands;
  {
    CommandSpec spec{"bundle export", "", "写出数据包文件，用 U 盘带给上级或下级节点（离线交换）"};
    spec.options = BundleExportOptions();
    spec.details =
        "例：乡镇为石庙村写出：gongkai bundle export --for 511304100201 --out "
        "/media/usb/石庙村.gkb\n"
        "对方导入后回写的数据包里带有它已有数据的清单，下次只写出它缺少的部分。";
    spec.run = RunExportCommand;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"bundle import", "FILE", "导入数据包文件：整体校验签名后逐个校验导入"};
    spec.min_args = spec.max_args = 1;
    spec.details =
        "文件被改动或不完整时整体拒收，不导入任何内容。单个数据包不合规则时拒收该包并说明原因，其余"
        "照常导入。";
    spec.run = RunImportCommand;
    commands.push_back(spec);
  }
  return commands;
}

}  // namespace gongkai
