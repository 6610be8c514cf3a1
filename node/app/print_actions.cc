#include "node/app/print_actions.h"

#include <sys/wait.h>
#include <unistd.h>

#include "node/sheets/sheet_log_index.h"

namespace gongkai {

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
    return Status::Unavailable(
        kErrPrintQueue, "打印队列 " + queue + " 不接受任务（lp 退出码 " +
                            std::to_string(WEXITSTATUS(status)) +
                            "，原因见上方 lp 的提示；用 lpstat -p 查看有哪些打印队列）" + note);
  }
  return Status::Ok();
}

Result<RenderedSheet> RenderVersionSheet(NodeSession& session, std::string_view version_id,
                                         const std::string& pdf_path) {
  // The hub log index goes into the QR payload when this node holds the hub's receipt.
  DisclosureSheetOptions options;
  GK_ASSIGN_OR_RETURN(options.hub_log_index, VersionLogIndex(session.replica->db(), version_id));
  GK_ASSIGN_OR_RETURN(DisclosureSheet sheet,
                      BuildSheetForVersion(*session.replica, version_id, options));
  RenderedSheet rendered{std::move(sheet), {}};
  GK_RETURN_IF_ERROR(RenderSheetPdf(rendered.sheet.sheet, pdf_path, &rendered.report));
  return rendered;
}

Result<PrintOutcome> PrintDisclosure(NodeSession& session, const PrintRequest& request) {
  Replica& replica = *session.replica;
  GK_ASSIGN_OR_RETURN(std::string id, ResolveDisclosureId(replica.db(), request.disclosure));
  GK_ASSIGN_OR_RETURN(std::optional<DisclosureState> state, LoadDisclosure(replica.db(), id));
  if (!state) return Status::NotFound(kErrWorkflowNotFound, "没有编号为 " + id + " 的公开事项");
  const VersionFact* version = state->current();
  if (request.version) {
    GK_ASSIGN_OR_RETURN(version, FindVersionByPrefix(*state, *request.version));
  }
  if (version == nullptr) {
    return Status::Invalid(kErrWorkflowState, "该公开事项还只是草稿：提交后才能打印");
  }
  GK_ASSIGN_OR_RETURN(RenderedSheet rendered,
                      RenderVersionSheet(session, version->version_id, request.pdf_path));
  PrintOutcome outcome{id,    *version,    std::move(rendered.sheet), std::move(rendered.report),
                       false, std::nullopt};
  outcome.approved = version->status == DisclosureStatus::kApproved;
  // Only the node of the version's own region posts it (workflow.h RecordPosting); another
  // node (the township checking a village's sheet) prints it without a posting.
  GK_ASSIGN_OR_RETURN(NodeIdentity self, replica.Identity());
  const bool posts = outcome.approved && self.region == version->region;
  // A posting records what went to the board: with a printer, only once lp took the job.
  if (request.printer) {
    const std::string note =
        "。PDF 已生成：" + request.pdf_path +
        (posts ? "；未登记张贴。可排除故障后重新运行本命令，或手动打印该 PDF 后"
                 "不加 --printer 再运行一次以登记张贴"
               : "");
    GK_RETURN_IF_ERROR(SendToPrinter(*request.printer, request.pdf_path, request.copies, note));
  }
  if (posts) {
    GK_ASSIGN_OR_RETURN(WriteResult posting,
                        RecordPosting(replica, session.ActorFor(request.by), id,
                                      version->version_id, request.copies));
    outcome.posting = std::move(posting);
  }
  return outcome;
}

Result<SheetVerification> VerifySheet(NodeSession& session, std::string_view payload) {
  while (!payload.empty() &&
         (payload.back() == '\n' || payload.back() == '\r' || payload.back() == ' ')) {
    payload.remove_suffix(1);
  }
  return VerifySheetPayload(*session.replica, payload);
}

}  // namespace gongkai
