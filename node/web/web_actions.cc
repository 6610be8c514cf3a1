#include "node/web/web_actions.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "node/exchange/hub_client.h"
#include "node/exchange/tls_pin.h"
#include "node/replica/sql.h"
#include "node/sheets/disclosure_sheet.h"
#include "node/sheets/sheet_log_index.h"
#include "printing/pdf_render.h"

namespace gongkai {

namespace {

std::optional<std::string> By(const std::string& by) {
  if (by.empty()) return std::nullopt;
  return by;
}

Result<std::string> SettingText(const Replica& replica, const char* name) {
  GK_ASSIGN_OR_RETURN(std::optional<Bytes> value, replica.GetSetting(name));
  if (!value) return std::string();
  return std::string(value->begin(), value->end());
}

}  // namespace

Result<Draft> WebCreateDraft(NodeSession& session, const DraftInput& input,
                             std::vector<ImportError>* errors) {
  return CreateDraft(*session.replica, input, WallClockMs(), errors);
}

Result<Draft> WebEditDraft(NodeSession& session, const std::string& id, const DraftInput& input,
                           std::vector<ImportError>* errors) {
  return EditDraft(*session.replica, id, input, WallClockMs(), errors);
}

Status WebDiscardDraft(NodeSession& session, const std::string& id) {
  return DiscardDraft(*session.replica, id);
}

Result<WriteResult> WebSubmit(NodeSession& session, const std::string& id, const std::string& by) {
  return Submit(*session.replica, session.ActorFor(By(by)), id);
}

Result<WriteResult> WebReview(NodeSession& session, const std::string& id, Decision decision,
                              const std::string& comment, const std::string& by) {
  return Review(*session.replica, session.ActorFor(By(by)), id, decision, comment);
}

Result<WriteResult> WebWithdraw(NodeSession& session, const std::string& id,
                                const std::string& reason, const std::string& by) {
  return Withdraw(*session.replica, session.ActorFor(By(by)), id, reason);
}

Result<WriteResult> WebRecordPosting(NodeSession& session, const std::string& id,
                                     const std::string& version_id, int64_t copies,
                                     const std::string& by) {
  return RecordPosting(*session.replica, session.ActorFor(By(by)), id, version_id, copies);
}

Status WebRenderSheet(NodeSession& session, const std::string& version_id, const std::string& out) {
  DisclosureSheetOptions options;
  GK_ASSIGN_OR_RETURN(options.hub_log_index, VersionLogIndex(session.replica->db(), version_id));
  GK_ASSIGN_OR_RETURN(DisclosureSheet sheet,
                      BuildSheetForVersion(*session.replica, version_id, options));
  RenderReport report;
  return RenderSheetPdf(sheet.sheet, out, &report);
}

Status WebSendToPrinter(const std::string& queue, const std::string& pdf, int64_t copies) {
  const std::string copies_text = std::to_string(copies);
  const pid_t child = fork();
  if (child < 0) return Status::IoError(kErrWebPrint, "无法启动 lp");
  if (child == 0) {
    execlp("lp", "lp", "-d", queue.c_str(), "-n", copies_text.c_str(), "-o", "media=A3",
           pdf.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status)) {
    return Status::IoError(kErrWebPrint, "lp 未正常结束");
  }
  if (WEXITSTATUS(status) == 127) {
    return Status::Unavailable(kErrWebPrint, "找不到 lp 命令（请安装 cups-client）");
  }
  if (WEXITSTATUS(status) != 0) {
    return Status::Unavailable(kErrWebPrint, "打印队列 " + queue + " 不接受任务（lp 退出码 " +
                                                 std::to_string(WEXITSTATUS(status)) + "）");
  }
  return Status::Ok();
}

std::vector<std::string> PrinterQueues() {
  std::vector<std::string> queues;
  FILE* pipe = popen("lpstat -e 2>/dev/null", "r");
  if (pipe == nullptr) return queues;
  char line[512];
  while (fgets(line, sizeof line, pipe) != nullptr) {
    std::string name(line);
    while (!name.empty() && (name.back() == '\n' || name.back() == '\r' || name.back() == ' '))
      name.pop_back();
    if (!name.empty()) queues.push_back(name);
  }
  pclose(pipe);
  return queues;
}

Result<SyncReport> WebSync(NodeSession& session) {
  Replica& replica = *session.replica;
  GK_ASSIGN_OR_RETURN(std::string url, SettingText(replica, kSettingHub));
  if (url.empty()) {
    return Status::Invalid(kErrSyncUrl,
                           "没有汇聚服务器地址：请先用 gongkai config set hub URL 设置");
  }
  GK_ASSIGN_OR_RETURN(std::string pin, SettingText(replica, kSettingHubTlsPin));
  GK_ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                      HubClient::Create(url, *session.key, {}, {}, pin));
  const int64_t now = WallClockMs();
  Result<SyncReport> report = SyncWithHub(replica, *client, now);
  // As `gongkai sync` records it (best effort; the sync's own outcome is what is reported).
  auto stmt = Statement::Prepare(
      replica.db(),
      "INSERT INTO sync_state(peer, last_attempt_at, last_success_at, last_result)"
      " VALUES (?1, ?2, CASE WHEN ?3 = '' THEN ?2 END, ?3) ON CONFLICT(peer) DO UPDATE SET"
      " last_attempt_at=?2, last_success_at=CASE WHEN ?3 = '' THEN ?2 ELSE last_success_at END,"
      " last_result=?3");
  if (stmt.ok()) {
    stmt->Bind(1, "hub").Bind(2, now).Bind(3, report.ok() ? std::string() : report.status().code());
    (void)stmt->Step();
  }
  return report;
}

Result<ExportReport> WebExportBundle(NodeSession& session, const std::filesystem::path& dir,
                                     const std::string& for_region) {
  ExportOptions options;
  options.for_region = for_region;
  const std::string name = (for_region.empty() ? session.identity.region
                                               : session.identity.region + "-to-" + for_region) +
                           "-" + std::to_string(WallClockMs() / 1000) + ".gkb";
  return ExportBundle(*session.replica, *session.key, dir / name, options);
}

Result<ImportReport> WebImportBundle(NodeSession& session, const std::filesystem::path& path) {
  return ImportBundle(*session.replica, path);
}

}  // namespace gongkai
