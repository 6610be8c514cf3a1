#include "node/web/web_actions.h"

#include <cstdio>

#include "node/app/disclosure_actions.h"
#include "node/app/exchange_actions.h"
#include "node/app/print_actions.h"

namespace gongkai {

namespace {

std::optional<std::string> By(const std::string& by) {
  if (by.empty()) return std::nullopt;
  return by;
}

Result<WriteResult> WriteOf(Result<DisclosureWrite> done) {
  if (!done.ok()) return done.status();
  return std::move(done->write);
}

}  // namespace

Result<Draft> WebCreateDraft(NodeSession& session, const DraftInput& input,
                             std::vector<ImportError>* errors) {
  return NewDisclosure(session, input, errors);
}

Result<Draft> WebEditDraft(NodeSession& session, const std::string& id, const DraftInput& input,
                           std::vector<ImportError>* errors) {
  return EditDisclosure(session, id, input, errors);
}

Status WebDiscardDraft(NodeSession& session, const std::string& id) {
  return DiscardDisclosureDraft(session, id).status();
}

Result<WriteResult> WebSubmit(NodeSession& session, const std::string& id, const std::string& by) {
  return WriteOf(SubmitDisclosure(session, id, By(by)));
}

Result<WriteResult> WebReview(NodeSession& session, const std::string& id, Decision decision,
                              const std::string& comment, const std::string& by) {
  return WriteOf(ReviewDisclosure(session, id, decision, comment, By(by)));
}

Result<WriteResult> WebWithdraw(NodeSession& session, const std::string& id,
                                const std::string& reason, const std::string& by) {
  return WriteOf(WithdrawDisclosure(session, id, reason, By(by)));
}

Result<WriteResult> WebRecordPosting(NodeSession& session, const std::string& id,
                                     const std::string& version_id, int64_t copies,
                                     const std::string& by) {
  return RecordPosting(*session.replica, session.ActorFor(By(by)), id, version_id, copies);
}

Status WebRenderSheet(NodeSession& session, const std::string& version_id, const std::string& out) {
  return RenderVersionSheet(session, version_id, out).status();
}

Status WebSendToPrinter(const std::string& queue, const std::string& pdf, int64_t copies) {
  return SendToPrinter(queue, pdf, copies, "");
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
  GK_ASSIGN_OR_RETURN(SyncOutcome outcome, SyncNow(session, std::nullopt));
  return std::move(outcome.report);
}

Result<ExportReport> WebExportBundle(NodeSession& session, const std::filesystem::path& dir,
                                     const std::string& for_region) {
  BundleExportRequest request;
  request.for_region = for_region;
  const std::string name = (for_region.empty() ? session.identity.region
                                               : session.identity.region + "-to-" + for_region) +
                           "-" + std::to_string(WallClockMs() / 1000) + ".gkb";
  request.out = dir / name;
  GK_ASSIGN_OR_RETURN(BundleExportOutcome outcome,
                      ExportBundleFile(*session.replica, *session.key, request));
  return std::move(outcome.report);
}

Result<ImportReport> WebImportBundle(NodeSession& session, const std::filesystem::path& path) {
  return ImportBundleFile(*session.replica, path, {});
}

}  // namespace gongkai
