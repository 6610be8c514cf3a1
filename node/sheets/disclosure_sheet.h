// BuildSheetForVersion: a disclosure version held in the replica -> the printing/ sheet
// model, ready for RenderSheetPdf (printing/pdf_render.h).
//
// What the sheet shows, and where it comes from:
//   place names     certificate rows (node/sheets/sheet_places.h), or options.places
//   title, table    the version's body and items (node/sheets/sheet_items.h), laid out by
//                   MakeSubsidySheet / MakeFinanceSheet / MakeAffairsSheet; the text of a
//                   finance or subsidy body prints as paragraphs above the table
//   公开时间, 公示期  publicity_from / publicity_to
//   审核状态         the version's status (node/workflow/disclosure_view.h StatusLabel)
//   review chain    every supervision and township review of the version, oldest first:
//                   stage, reviewer (and the certificate name of the node that signed it),
//                   decision with comment, Beijing time of its HLC; on a finance sheet the
//                   last review of each stage is also the printed opinion
//   监督电话          this node's settings kSettingPhone*; one not set prints as a blank line
//                   to fill by hand (kBlankToFill)
//   QR code         node/sheets/sheet_payload.h, with options.hub_log_index when given
//   watermark       unless the status is approved: a sheet that is submitted, returned,
//                   superseded or withdrawn prints kUnapprovedWatermark on every page
// A disclosure of a township or the county (no village) names that unit in its titles and
// seal (“龙蟠镇（公章）”) where a village's sheet names the village.
//
// The whole version is checked before anything is returned: item lines exactly 1..
// item_count, the content hash of its fields and items (so the QR code names what is
// printed), every body and item member (sheet_items.h), a finance statement's closing
// balance equal to opening + income − expense, and ValidateSheet (printing/sheet.h).
// Thread-safety: reads through the replica's connection; one thread at a time.
#ifndef GONGKAI_NODE_SHEETS_DISCLOSURE_SHEET_H_
#define GONGKAI_NODE_SHEETS_DISCLOSURE_SHEET_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "node/replica/replica.h"
#include "node/sheets/sheet_facts.h"
#include "node/sheets/sheet_payload.h"
#include "node/sheets/sheet_places.h"
#include "printing/layouts.h"
#include "printing/sheet.h"
#include "protocol/status.h"

namespace gongkai {

// Settings (node-local, UTF-8 text) of the 监督电话 printed on sheets, set on the node that
// prints: the village's committee, the township's office, the county's office.
inline constexpr char kSettingPhoneVillage[] = "phone.village";
inline constexpr char kSettingPhoneTownship[] = "phone.township";
inline constexpr char kSettingPhoneCounty[] = "phone.county";
inline constexpr size_t kMaxPhoneBytes = 64;
// Printed for a phone that is not set: a line to fill in by hand.
inline constexpr char kBlankToFill[] = "______________";

inline constexpr char kErrSheetPhone[] = "disclosure_sheet.phone";
inline constexpr char kErrSheetBalance[] = "disclosure_sheet.balance";

struct DisclosureSheetOptions {
  // The hub's audit log index of the envelope that carried the version, when known; it is
  // put in the QR payload.
  std::optional<uint64_t> hub_log_index;
  // Place names to print instead of those of the certificates (empty = from certificates).
  SheetPlaces places;
  // The county's masking for printing. Items hold only masked numbers already (the village
  // masks them at import); this can hide more, never reveal.
  SheetMaskPolicy mask;
};

struct DisclosureSheet {
  Sheet sheet;  // ready for RenderSheetPdf
  // What the layout builder was given.
  std::variant<AffairsNotice, FinanceNotice, SubsidyNotice> input;
  SheetVersionFacts facts;  // the version, its reviews and status
  SheetPayload payload;     // FormatSheetPayload(payload) == sheet.qr_payload
};

// Builds the sheet of the version `version_id` (its full id, or a unique prefix of at least
// kMinIdPrefix digits).
// Errors: from ResolveVersionId and ReadSheetVersionFacts (workflow.input, .not_found,
// .ambiguous; kErrSheetRow); sheet_payload.* (a content_hash that cannot make a payload);
// kErrSheetPlaceName; kErrSheetItemCount (items held are not lines 1..item_count: kUnavailable
// when some have not arrived yet); kErrSheetContentHash (fields and items do not hash to the
// version's content_hash); json.*, kErrSheetItemKey and kErrSheetItemValue for a body or
// item (with its place); kErrSheetDate, kErrSheetPeriod; kErrSheetBalance; kErrSheetPhone (a
// setting that is not UTF-8 or is longer than kMaxPhoneBytes); sheet.* from ValidateSheet;
// sql.*.
Result<DisclosureSheet> BuildSheetForVersion(const Replica& replica, std::string_view version_id,
                                             const DisclosureSheetOptions& options = {});

// One step of the printed review chain for `review`: 村务监督委员会审核 / 乡镇审核, the
// reviewer (with `signer_name`, the signing node's certificate name, when known),
// 同意/退回 with the comment, and the Beijing time.
ReviewStep SheetReviewStep(const ReviewFact& review, std::string_view signer_name);

}  // namespace gongkai

#endif  // GONGKAI_NODE_SHEETS_DISCLOSURE_SHEET_H_
