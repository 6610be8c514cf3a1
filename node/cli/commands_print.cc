// gongkai print | verify-sheet
#include <iostream>

#include "node/app/print_actions.h"
#include "node/cli/commands.h"
#include "node/json/json_text.h"
#include "node/sheets/disclosure_sheet.h"
#include "node/sheets/sheet_log_index.h"
#include "node/sheets/sheet_verify.h"
#include "node/workflow/disclosure_view.h"
#include "node/workflow/workflow.h"
#include "printing/pdf_render.h"

namespace gongkai {

namespace {

int PrintReport(const Args& args, const PrintRequest& request, const PrintOutcome& printed) {
  const std::string* out = &request.pdf_path;
  const DisclosureSheet* sheet = &printed.sheet;
  const RenderReport& report = printed.report;
  const VersionFact* version = &printed.version;
  const bool approved = printed.approved;
  const bool posts = printed.posting.has_value();
  const std::optional<WriteResult>& posting = printed.posting;
  const int64_t n = request.copies;
  if (args.json()) {
    JsonObject o;
    o.Set("pdf", *out);
    o.Set("version_id", version->version_id);
    o.Set("pages", report.page_count);
    o.SetRaw("landscape", report.landscape ? "true" : "false");
    o.SetRaw("approved", approved ? "true" : "false");
    o.Set("qr_payload", sheet->sheet.qr_payload);
    if (sheet->payload.log_index) o.SetRaw("log_index", std::to_string(*sheet->payload.log_index));
    o.Set("posting_id", posting ? posting->fact_id : "");
    std::vector<std::string> missing;
    for (const MissingGlyph& g : report.missing_glyphs) {
      JsonObject m;
      m.Set("character", g.character);
      m.Set("where", g.where);
      missing.push_back(m.ToString());
    }
    o.SetRaw("missing_glyphs", JsonArray(missing));
    o.Set("printer", args.Get("printer").value_or(""));
    std::cout << o.ToString() << "\n";
  } else {
    std::cout << "已生成 " << *out << "（A3" << (report.landscape ? " 横向" : "") << "，共 "
              << report.page_count << " 页）\n";
    if (sheet->payload.log_index) {
      std::cout << "  二维码含县级日志序号 " << *sheet->payload.log_index << "。\n";
    }
    if (posts) {
      std::cout << "  已登记张贴 " << n << " 份（版本 " << version->version_id.substr(0, 8)
                << "）。\n";
    } else if (approved) {
      std::cout << "  该版本属于区划 " << version->region
                << "，由其本级节点登记张贴；本机只打印，不登记。\n";
    } else {
      std::cout << "  注意：该版本尚未经乡镇审核通过，打印件带有“未经乡镇审核 "
                   "不得张贴”水印，仅供核对。\n";
    }
    for (const MissingGlyph& g : report.missing_glyphs) {
      std::cout << "  警告：字体缺少“" << g.character << "”（U+" << std::hex
                << static_cast<uint32_t>(g.code_point) << std::dec << "，" << g.where
                << "），打印件上该字显示为方框，请手写补正。\n";
    }
  }
  if (args.Has("printer") && !args.json())
    std::cout << "  已送打印机 " << *args.Get("printer") << "。\n";
  return kExitOk;
}

int RunPrint(const Args& args) {
  std::optional<std::string> out = args.Get("out");
  if (!out)
    return ReportFailure(Status::Invalid(kErrCliUsage, "请用 --out 指定 PDF 文件"), args.json());
  Result<std::optional<int64_t>> copies = args.GetInt("copies", 1, kMaxCopies);
  if (!copies.ok()) return ReportFailure(copies.status(), args.json());
  const PrintRequest request{args.positional()[0], args.Get("version"), *out,
                             args.Get("printer"),  copies->value_or(1), args.Get("by")};
  return RunNodeAction(
      args, true,
      [&](NodeSession& session, std::vector<ImportError>*) {
        return PrintDisclosure(session, request);
      },
      [&](const PrintOutcome& printed) { return PrintReport(args, request, printed); });
}

int PrintVerification(const Args& args, const SheetVerification& verification) {
  const SheetVerification* verified = &verification;
  if (args.json()) {
    JsonObject o;
    o.Set("code", verified->code());
    o.Set("status", StatusName(verified->status));
    o.SetRaw("postable", verified->postable() ? "true" : "false");
    o.Set("disclosure_id", verified->payload.disclosure_id);
    o.Set("version_id", verified->payload.version_id);
    if (verified->payload.log_index)
      o.SetRaw("log_index", std::to_string(*verified->payload.log_index));
    if (verified->receipt_log_index) {
      o.SetRaw("receipt_log_index", std::to_string(*verified->receipt_log_index));
    }
    o.SetRaw("log_index_checked", verified->log_index_checked() ? "true" : "false");
    o.Set("summary", verified->Summary());
    std::cout << o.ToString() << "\n";
  } else {
    std::cout << verified->Summary() << "\n";
  }
  return verified->postable() ? kExitOk : kExitFailed;
}

int RunVerifySheet(const Args& args) {
  return RunNodeAction(
      args, false,
      [&](NodeSession& session, std::vector<ImportError>*) {
        return VerifySheet(session, args.positional()[0]);
      },
      [&](const SheetVerification& verified) { return PrintVerification(args, verified); });
}

}  // namespace

std::vector<CommandSpec> PrintCommands() {
  std::vector<CommandSpec> commands;
  {
    CommandSpec spec{"print", "ID",
                     "打印公开栏 A3 公示单（PDF，可直接送打印机）；已审核的版本登记张贴"};
    spec.options = {{"out", "FILE.pdf", "PDF 文件"},
                    {"version", "V", "打印指定版本（默认当前版本）"},
                    {"printer", "QUEUE", "送到此 CUPS 打印队列（lp -o media=A3）"},
                    {"copies", "N", "份数（默认 1）"},
                    {"by", "NAME", "登记张贴的经办人"}};
    spec.min_args = spec.max_args = 1;
    spec.details =
        "未经乡镇审核通过的版本也能打印，但带有“不得张贴”水印，且不登记张贴。不需要网络。";
    spec.run = RunPrint;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"verify-sheet", "PAYLOAD", "核对公示单上的二维码内容：是否为审核通过的版本"};
    spec.min_args = spec.max_args = 1;
    spec.details =
        "退出码 0 "
        "表示该公示单对应已审核通过的当前版本，可以张贴；否则说明原因（已退回、已被取代、已撤回或内"
        "容不符）。";
    spec.run = RunVerifySheet;
    commands.push_back(spec);
  }
  return commands;
}

}  // namespace gongkai
