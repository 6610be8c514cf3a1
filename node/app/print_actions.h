// Printing a disclosure for the 公开栏 and checking a printed sheet, for the commands and the
// web pages. No network is needed for either.
//
// Thread-safety: one call at a time per NodeSession.
#ifndef GONGKAI_NODE_APP_PRINT_ACTIONS_H_
#define GONGKAI_NODE_APP_PRINT_ACTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "node/app/node_session.h"
#include "node/sheets/disclosure_sheet.h"
#include "node/sheets/sheet_verify.h"
#include "node/workflow/disclosure_view.h"
#include "node/workflow/workflow.h"
#include "printing/pdf_render.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrPrintQueue[] = "print.queue";

struct PrintRequest {
  std::string disclosure;              // the id a person typed (a prefix)
  std::optional<std::string> version;  // a version id prefix; default the current version
  std::string pdf_path;                // where the A3 PDF is written
  std::optional<std::string> printer;  // a CUPS queue: the PDF is also sent there
  int64_t copies = 1;                  // 1..kMaxCopies
  std::optional<std::string> by;       // who posts it (ActorFor)
};

struct PrintOutcome {
  std::string disclosure_id;
  VersionFact version;
  DisclosureSheet sheet;
  RenderReport report;
  bool approved = false;  // township approval: without it the sheet carries the watermark
  // Set when this node recorded the posting (张贴): an approved version of its own region,
  // and, with a printer, only once the queue took the job.
  std::optional<WriteResult> posting;
};

// The A3 sheet of the version `version_id` as it would be posted (the QR code carries the
// hub log index when this node holds the hub's receipt), rendered to `pdf_path`. Prints
// nothing and records nothing: the page preview and PrintDisclosure share it.
struct RenderedSheet {
  DisclosureSheet sheet;
  RenderReport report;
};
Result<RenderedSheet> RenderVersionSheet(NodeSession& session, std::string_view version_id,
                                         const std::string& pdf_path);

// 打印 (and 登记张贴): renders the version to request.pdf_path, sends it to the queue when
// one is given (`lp -d QUEUE -n COPIES -o media=A3`, no shell), and records the posting as
// above. Errors: workflow.* (no such disclosure or version; a draft only), the sheet's and
// the renderer's errors, print.queue (lp missing, or the queue refused the job: the PDF is
// written and no posting is recorded). REQUIRES: a session opened with need_key.
Result<PrintOutcome> PrintDisclosure(NodeSession& session, const PrintRequest& request);

// Sends `pdf` to the CUPS queue; `note` ends every error message.
Status SendToPrinter(const std::string& queue, const std::string& pdf, int64_t copies,
                     const std::string& note);

// Checks the text of a sheet's QR code against this replica (trailing white space ignored).
Result<SheetVerification> VerifySheet(NodeSession& session, std::string_view payload);

}  // namespace gongkai

#endif  // GONGKAI_NODE_APP_PRINT_ACTIONS_H_
