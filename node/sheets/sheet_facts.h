// What a replica holds about one disclosure version, as a printed sheet and its
// verification need it: the version with its reviews and status (node/workflow/disclosure_view.h,
// whose rules decide it: superseded, withdrawn, approved / returned by the latest township
// review, submitted; facts outside the version's region do not count), the versions that
// replaced it, the withdrawal of its disclosure, whether the disclosure is in conflict, and
// the certificate names of the nodes that signed its reviews.
// Thread-safety: uses the caller's connection; one thread at a time.
#ifndef GONGKAI_NODE_SHEETS_SHEET_FACTS_H_
#define GONGKAI_NODE_SHEETS_SHEET_FACTS_H_

#include <sqlite3.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/workflow/disclosure_view.h"
#include "printing/sheet.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrSheetRow[] = "disclosure_sheet.row";  // a stored value out of range
inline constexpr char kErrSheetItemCount[] = "disclosure_sheet.item_count";
inline constexpr char kErrSheetContentHash[] = "disclosure_sheet.content_hash";

struct SheetVersionFacts {
  std::string disclosure_id;
  VersionFact version;                       // with its reviews (hlc order) and status
  std::vector<std::string> superseded_by;    // versions of its region naming it as parent
  std::optional<WithdrawalFact> withdrawal;  // the earliest of its disclosure in its region
  bool conflict = false;                     // the disclosure has two current versions
  // Certificate name of each node that signed a review of the version; a signer whose
  // certificate row is not held is absent.
  std::map<std::string, std::string> signer_names;

  // The township review that decides approved/returned (the latest), or null.
  const ReviewFact* DecidingReview() const { return version.LatestReview("township"); }
  // The certificate name of `origin`, or "".
  std::string SignerName(std::string_view origin) const;
};

// The full id of the version whose id is `id_or_prefix` or starts with it
// (kMinIdPrefix..32 lowercase hex digits, as people type ids).
// Errors: workflow.input (not 6..32 lowercase hex digits), workflow.not_found,
// workflow.ambiguous (a prefix of two or more versions), sql.*.
Result<std::string> ResolveVersionId(sqlite3* db, std::string_view id_or_prefix);

// Reads the facts above for the version `version_id` (its full id).
// Errors: workflow.not_found; kErrSheetRow (an hlc no clock makes); sql.*.
Result<SheetVersionFacts> ReadSheetVersionFacts(sqlite3* db, std::string_view version_id);

// The data of the version's items, lines 1..item_count in order (items of its own region).
// Errors: kErrSheetItemCount: kTooLarge for an item_count outside 0..kMaxSheetRows,
// kUnavailable when fewer lines are held (not all have arrived: sync again), kInvalid for a
// gap or lines past item_count; sql.*.
Result<std::vector<std::string>> ReadVersionItems(sqlite3* db, const VersionFact& version);

// OK when the version's content_hash is the ContentHash (node/workflow/workflow.h) of its fields and
// `items`: what a sheet prints is what its QR code names. kErrSheetContentHash otherwise.
Status CheckVersionContent(const SheetVersionFacts& facts, const std::vector<std::string>& items);

}  // namespace gongkai

#endif  // GONGKAI_NODE_SHEETS_SHEET_FACTS_H_
