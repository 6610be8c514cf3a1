// The actions the pages take, each the one place a page handler reaches the workflow,
// sheets and exchange rooms. They call the same functions the `gongkai` commands call
// (node/cli/commands_*.cc), so no workflow rule is written twice; when node/app grows an
// action function for one of them, the body here becomes that one call.
// Thread-safety: one call at a time per NodeSession (the server holds one lock).
#ifndef GONGKAI_NODE_WEB_WEB_ACTIONS_H_
#define GONGKAI_NODE_WEB_WEB_ACTIONS_H_

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "node/app/node_session.h"
#include "node/exchange/exchange.h"
#include "node/exchange/hub_sync.h"
#include "node/intake/import_error.h"
#include "node/workflow/disclosure_view.h"
#include "node/workflow/workflow.h"

namespace gongkai {

inline constexpr char kErrWebPrint[] = "print.queue";

Result<Draft> WebCreateDraft(NodeSession& session, const DraftInput& input,
                             std::vector<ImportError>* errors);
Result<Draft> WebEditDraft(NodeSession& session, const std::string& id, const DraftInput& input,
                           std::vector<ImportError>* errors);
Status WebDiscardDraft(NodeSession& session, const std::string& id);
Result<WriteResult> WebSubmit(NodeSession& session, const std::string& id, const std::string& by);
Result<WriteResult> WebReview(NodeSession& session, const std::string& id, Decision decision,
                              const std::string& comment, const std::string& by);
Result<WriteResult> WebWithdraw(NodeSession& session, const std::string& id,
                                const std::string& reason, const std::string& by);
Result<WriteResult> WebRecordPosting(NodeSession& session, const std::string& id,
                                     const std::string& version_id, int64_t copies,
                                     const std::string& by);

// The A3 PDF of `version_id`, written to `out` (as `gongkai print --out`, without posting).
Status WebRenderSheet(NodeSession& session, const std::string& version_id, const std::string& out);

// Sends a PDF to the CUPS queue (`lp -d QUEUE -n COPIES -o media=A3`, no shell).
Status WebSendToPrinter(const std::string& queue, const std::string& pdf, int64_t copies);

// The CUPS queues (`lpstat -e`), empty when there are none or no lpstat.
std::vector<std::string> PrinterQueues();

// Syncs with the saved hub (setting kSettingHub and its TLS pin), recording the attempt in
// sync_state as `gongkai sync` does.
Result<SyncReport> WebSync(NodeSession& session);

// Writes a bundle into `dir` named <region>-<time>.gkb for `for_region` ("" = all).
Result<ExportReport> WebExportBundle(NodeSession& session, const std::filesystem::path& dir,
                                     const std::string& for_region);
Result<ImportReport> WebImportBundle(NodeSession& session, const std::filesystem::path& path);

}  // namespace gongkai

#endif  // GONGKAI_NODE_WEB_WEB_ACTIONS_H_
