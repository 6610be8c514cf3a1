// gongkai print | verify-sheet
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>

#include "node/cli/commands.h"
#include "node/sheets/disclosure_sheet.h"
#include "node/workflow/disclosure_view.h"
#include "node/json/json_text.h"
#include "node/app/node_session.h"
#include "node/sheets/sheet_log_index.h"
#include "node/sheets/sheet_verify.h"
#include "node/workflow/workflow.h"
#include "printing/pdf_render.h"

namespace gongkai {

namespace {

inline constexpr char kErrPrintQueue[] = "print.queue";

// Sends `pdf` to the CUPS queue with `lp -d QUEUE -n COPIES -o media=A3 PDF` (no shell: the
// queue name is passed as is). `note` ends every error message.
Status SendToPrinter(const std::string& queue, const std::string& pdf, int64_t copies,
                     const std::string& note) {
  const std::string copies_text = std::to_string(copies);
  const pid_t child = fork();
  if (child < 0) return Status::IoError(kErrPrintQueue, "无法启动 lp" + note);
  if (child == 0) {
    execlp("lp", "lp", "-d", queue.c_str(), "-n", copies_text.c_str(), "-o", "media=A3",
           pdf.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status)) {
    return Status::IoError(kErrPrintQueue, "lp 未正常结束" + note);
  }
  if (WEXITSTATUS(status) == 127) {
    return Status::Unavailable(kErrPrintQueue, "找不到 lp 命令（请安装 cups-client）" + note);
  }
  if (WEXITSTATUS(status) != 0) {
    return Status::Unavailable(kErrPrintQueue, "打印队列 " + queue + " 不接受任务（lp 退出码 " +
                                                   std::to_string(WEXITSTATUS(status)) +
                                                   "，原因见上方 lp 的提示；用 lpstat -p 查看有哪些打印队列）" +
                                                   note);
  }
  return Status::Ok();
}

int RunPrint(const Args& args) {
  std::optional<std::string> out = args.Get("out");
  if (!out) return ReportFailure(Status::Invalid(kErrCliUsage, "请用 --out 指定 PDF 文件"), args.json());
  Result<std::optional<int64_t>> copies = args.GetInt("copies", 1, kMaxCopies);
  if (!copies.ok()) return ReportFailure(copies.status(), args.json());
  Result<NodeSession> session = OpenCommandSession(args, true);
  if (!session.ok()) return ReportFailure(session.status(), args.json());
  Result<std::string> id = ResolveDisclosureId(session->replica->db(), args.positional()[0]);
  if (!id.ok()) return ReportFailure(id.status(), args.json());
  Result<std::optional<DisclosureState>> state = LoadDisclosure(session->replica->db(), *id);
  if (!state.ok()) return ReportFailure(state.status(), args.json());
  const VersionFact* version = (*state)->current();
  if (std::optional<std::string> wanted = args.Get("version")) {
    Result<const VersionFact*> found = FindVersionByPrefix(**state, *wanted);
    if (!found.ok()) return ReportFailure(found.status(), args.json());
    version = *found;
  }
  if (version == nullptr) {
    return ReportFailure(Status::Invalid(kErrWorkflowState, "该公开事项还只是草稿：提交后才能打印"), args.json());
  }
  // The hub log index goes into the QR payload when this node holds the hub's receipt.
  DisclosureSheetOptions options;
  Result<std::optional<uint64_t>> log_index = VersionLogIndex(session->replica->db(), version->version_id);
  if (!log_index.ok()) return ReportFailure(log_index.status(), args.json());
  options.hub_log_index = *log_index;
  Result<DisclosureSheet> sheet = BuildSheetForVersion(*session->replica, version->version_id, options);
  if (!sheet.ok()) return ReportFailure(sheet.status(), args.json());
  RenderReport report;
  Status rendered = RenderSheetPdf(sheet->sheet, *out, &report);
  if (!rendered.ok()) return ReportFailure(rendered, args.json());
  const bool approved = version->status == DisclosureStatus::kApproved;
  const int64_t n = copies->value_or(1);
  // Only the node of the version's own region posts it (workflow.h RecordPosting); another
  // node (the township checking a village's sheet) prints it without a posting.
  Result<NodeIdentity> self = session->replica->Identity();
  if (!self.ok()) return ReportFailure(self.status(), args.json());
  const bool posts = approved && self->region == version->region;
  // A posting records what went to the board: with --printer, only once lp took the job.
  if (std::optional<std::string> queue = args.Get("printer")) {
    const std::string note = "。PDF 已生成：" + *out +
                             (posts ? "；未登记张贴。可排除故障后重新运行本命令，或手动打印该 PDF 后"
                                         "不加 --printer 再运行一次以登记张贴"
                                       : "");
    Status sent = SendToPrinter(*queue, *out, n, note);
    if (!sent.ok()) return ReportFailure(sent, args.json());
  }
  std::optional<WriteResult> posting;
  if (posts) {
    Result<WriteResult> recorded =
        RecordPosting(*session->replica, session->ActorFor(args.Get("by")), *id, version->version_id, n);
    if (!recorded.ok()) return ReportFailure(recorded.status(), args.json());
    posting = std::move(*recorded);
  }
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
    std::cout << "已生成 " << *out << "（A3" << (report.landscape ? " 横向" : "") << "，共 " << report.page_count
              << " 页）\n";
    if (sheet->payload.log_index) {
      std::cout << "  二维码含县级日志序号 " << *sheet->payload.log_index << "。\n";
    }
    if (posts) {
      std::cout << "  已登记张贴 " << n << " 份（版本 " << version->version_id.substr(0, 8) << "）。\n";
    } else if (approved) {
      std::cout << "  该版本属于区划 " << version->region << "，由其本级节点登记张贴；本机只打印，不登记。\n";
    } else {
      std::cout << "  注意：该版本尚未经乡镇审核通过，打印件带有“未经乡镇审核 不得张贴”水印，仅供核对。\n";
    }
    for (const MissingGlyph& g : report.missing_glyphs) {
      std::cout << "  警告：字体缺少“" << g.character << "”（U+" << std::hex << static_cast<uint32_t>(g.code_point)
                << std::dec << "，" << g.where << "），打印件上该字显示为方框，请手写补正。\n";
    }
  }
  if (args.Has("printer") && !args.json()) std::cout << "  已送打印机 " << *args.Get("printer") << "。\n";
  return kExitOk;
}

int RunVerifySheet(const Args& args) {
  Result<NodeSession> session = OpenCommandSession(args, false);
  if (!session.ok()) return ReportFailure(session.status(), args.json());
  std::string payload = args.positional()[0];
  while (!payload.empty() && (payload.back() == '\n' || payload.back() == '\r' || payload.back() == ' ')) {
    payload.pop_back();
  }
  Result<SheetVerification> verified = VerifySheetPayload(*session->replica, payload);
  if (!verified.ok()) return ReportFailure(verified.status(), args.json());
  if (args.json()) {
    JsonObject o;
    o.Set("code", verified->code());
    o.Set("status", StatusName(verified->status));
    o.SetRaw("postable", verified->postable() ? "true" : "false");
    o.Set("disclosure_id", verified->payload.disclosure_id);
    o.Set("version_id", verified->payload.version_id);
    if (verified->payload.log_index) o.SetRaw("log_index", std::to_string(*verified->payload.log_index));
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

}  // namespace

std::vector<CommandSpec> PrintCommands() {
  std::vector<CommandSpec> commands;
  {
    CommandSpec spec{"print", "ID", "打印公开栏 A3 公示单（PDF，可直接送打印机）；已审核的版本登记张贴"};
    spec.options = {{"out", "FILE.pdf", "PDF 文件"},
                    {"version", "V", "打印指定版本（默认当前版本）"},
                    {"printer", "QUEUE", "送到此 CUPS 打印队列（lp -o media=A3）"},
                    {"copies", "N", "份数（默认 1）"},
                    {"by", "NAME", "登记张贴的经办人"}};
    spec.min_args = spec.max_args = 1;
    spec.details = "未经乡镇审核通过的版本也能打印，但带有“不得张贴”水印，且不登记张贴。不需要网络。";
    spec.run = RunPrint;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"verify-sheet", "PAYLOAD", "核对公示单上的二维码内容：是否为审核通过的版本"};
    spec.min_args = spec.max_args = 1;
    spec.details = "退出码 0 表示该公示单对应已审核通过的当前版本，可以张贴；否则说明原因（已退回、已被取代、已撤回或内容不符）。";
    spec.run = RunVerifySheet;
    commands.push_back(spec);
  }
  return commands;
}

}  // namespace gongkai
