// VerifySheetPayload: what `gongkai verify-sheet` tells a person holding a printed sheet,
// from the QR payload on it (node/sheets/sheet_payload.h) and this node's replica.
//
// Checks, in order; the first that fails is the answer:
//   1. the payload parses (sheet_payload.* codes);
//   2. the replica holds the version (kErrSheetVerifyUnknown: not yet synced here, or made
//      up);
//   3. the version belongs to the payload's disclosure (kErrSheetVerifyDisclosure);
//   4. the payload's 16 hash digits are the start of the version's content_hash
//      (kErrSheetVerifyHash);
//   5. the version's content as held (fields and items) hashes to its content_hash
//      (kErrSheetItemCount when items are still missing, kErrSheetContentHash);
//   6. when the payload carries a hub log index and this node holds the hub's receipt for
//      the envelope that carried the version (node/sheets/sheet_log_index.h), the two indexes are
//      equal (kErrSheetVerifyLogIndex).
// A payload changed in any field therefore fails 2, 3 or 4 (or 6): it is refused, never
// matched to another version.
// When all hold, the result gives the version's status (node/workflow/disclosure_view.h) with its
// stable code (kSheetVerify*): approved (the sheet may be posted, and by whom and when it
// was approved), or returned, submitted, superseded (by which versions) or withdrawn (when,
// why): the sheet must come down.
// A payload's log index that this node cannot check (no receipt here: the version came
// from another node, or was not synced) is reported as unchecked.
// Thread-safety: reads through the replica's connection; one thread at a time.
#ifndef GONGKAI_NODE_SHEETS_SHEET_VERIFY_H_
#define GONGKAI_NODE_SHEETS_SHEET_VERIFY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "node/replica/replica.h"
#include "node/sheets/sheet_facts.h"
#include "node/sheets/sheet_payload.h"
#include "node/sheets/sheet_places.h"
#include "protocol/status.h"

namespace gongkai {

// Refusals.
inline constexpr char kErrSheetVerifyUnknown[] = "sheet_verify.unknown";  // kNotFound
inline constexpr char kErrSheetVerifyDisclosure[] = "sheet_verify.disclosure_mismatch";
inline constexpr char kErrSheetVerifyHash[] = "sheet_verify.hash_mismatch";  // kDenied
inline constexpr char kErrSheetVerifyLogIndex[] = "sheet_verify.log_index_mismatch";  // kDenied

// Outcomes of a payload that matches a version held.
inline constexpr char kSheetVerifyApproved[] = "sheet_verify.approved";
inline constexpr char kSheetVerifySubmitted[] = "sheet_verify.submitted";
inline constexpr char kSheetVerifyReturned[] = "sheet_verify.returned";
inline constexpr char kSheetVerifySuperseded[] = "sheet_verify.superseded";
inline constexpr char kSheetVerifyWithdrawn[] = "sheet_verify.withdrawn";

struct SheetVerification {
  SheetPayload payload;
  SheetVersionFacts facts;  // the version (title, category, region, period, author), reviews
  DisclosureStatus status = DisclosureStatus::kSubmitted;
  // The township review that decides approved/returned, when there is one.
  std::optional<ReviewFact> deciding_review;
  // Names of the version's places, as far as the replica knows them (empty when not).
  SheetPlaces places;
  // The log index of this node's hub receipt for the version's envelope, when it holds one.
  // With a payload log index, equal to it (check 6).
  std::optional<uint64_t> receipt_log_index;
  // The payload's log index was compared with a receipt held here.
  bool log_index_checked() const { return payload.log_index && receipt_log_index; }

  // True only for an approved version: the sheet may stay on the board.
  bool postable() const { return status == DisclosureStatus::kApproved; }
  // kSheetVerify* of the status.
  std::string_view code() const;
  // A few sentences in Chinese for the person at the board: what the sheet is, its
  // status, who approved or returned it and when, what replaced or withdrew it.
  std::string Summary() const;
};

// Verifies `payload_text` (exactly the payload: trim a scanner's line end first).
// Errors: sheet_payload.*, kErrSheetVerifyUnknown, kErrSheetVerifyDisclosure,
// kErrSheetVerifyHash, kErrSheetItemCount, kErrSheetContentHash, kErrSheetVerifyLogIndex,
// kErrSheetRow, sql.*.
Result<SheetVerification> VerifySheetPayload(const Replica& replica, std::string_view payload_text);

}  // namespace gongkai

#endif  // GONGKAI_NODE_SHEETS_SHEET_VERIFY_H_
