// What a replica holds about one disclosure version, as a printed sheet and its
// verification need it: the version row, its reviews, what replaced or withdrew it, and its
// standing.
//
// Standing (the rules of the disclosure facts), first that applies:
//   superseded  another version of the same disclosure names it as parent_version;
//   withdrawn   a withdrawal row of its disclosure exists;
//   approved    the township review with the highest hlc (ties: highest review_id) approves;
//   returned    that review returns it;
//   submitted   there is no township review.
// Only facts in the version's own region count: a village writes only its region, and a
// township writes its review rows in the village's region, so a row elsewhere that names
// this version (another village declaring it superseded, a township reviewing a village
// that is not its own) was written by someone without say over it and is ignored. A review
// must also name the version's disclosure.
// A disclosure with two first versions, or two versions with one parent, is in conflict
// (flagged, both kept).
//
// Thread-safety: uses the caller's connection; one thread at a time.
#ifndef GONGKAI_NODE_SHEET_FACTS_H_
#define GONGKAI_NODE_SHEET_FACTS_H_

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/hlc.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr size_t kMinVersionPrefixDigits = 6;

inline constexpr char kErrSheetVersionId[] = "disclosure_sheet.version_id";  // malformed
inline constexpr char kErrSheetUnknownVersion[] = "disclosure_sheet.unknown_version";
inline constexpr char kErrSheetAmbiguousVersion[] = "disclosure_sheet.ambiguous_version";
inline constexpr char kErrSheetRow[] = "disclosure_sheet.row";  // a stored value out of range

enum class SheetStanding { kSubmitted, kApproved, kReturned, kSuperseded, kWithdrawn };

// "submitted", "approved", "returned", "superseded", "withdrawn".
std::string_view SheetStandingName(SheetStanding standing);
// "待乡镇审核", "乡镇审核通过", "乡镇退回", "已被新版本取代", "已撤回".
std::string_view SheetStandingLabel(SheetStanding standing);

// A disclosure_version row.
struct SheetVersionRow {
  std::string version_id;
  std::string disclosure_id;
  std::string parent_version;  // "" for the first version
  std::string category;        // affairs | finance | subsidy
  std::string title;
  std::string period;
  std::string body;
  std::string publicity_from;
  std::string publicity_to;
  int64_t item_count = 0;
  std::string content_hash;
  std::string author;
  std::string origin;
  Hlc hlc = 0;
  std::string region;
};

struct SheetReview {
  std::string review_id;
  std::string stage;     // supervision | township
  std::string decision;  // approve | return
  std::string comment;
  std::string reviewer;
  std::string origin;       // the node that signed it
  std::string signer_name;  // that node's certificate name, "" when no certificate is held
  Hlc hlc = 0;
};

struct SheetWithdrawal {
  std::string withdrawal_id;
  std::string version_id;  // current when it was withdrawn
  std::string reason;
  std::string author;
  Hlc hlc = 0;
};

struct SheetVersionFacts {
  SheetVersionRow version;
  std::vector<SheetReview> reviews;           // of this version, by hlc then review_id
  std::vector<std::string> superseded_by;     // child versions, by hlc then version_id
  std::optional<SheetWithdrawal> withdrawal;  // the earliest of its disclosure
  bool conflict = false;
  SheetStanding standing = SheetStanding::kSubmitted;

  // The township review that decides approved/returned (the last one), or null.
  const SheetReview* DecidingReview() const;
  // The last review of `stage`, or null.
  const SheetReview* LastReview(std::string_view stage) const;
};

// Finds a version by its id or a unique prefix of it (kMinVersionPrefixDigits..32 lowercase
// hex digits) and returns its full id.
// Errors: kErrSheetVersionId (not 6..32 lowercase hex digits), kErrSheetUnknownVersion
// (NotFound), kErrSheetAmbiguousVersion (a prefix of two or more), sql.*.
Result<std::string> ResolveVersionId(sqlite3* db, std::string_view id_or_prefix);

// Reads everything above for the version `version_id` (the full id).
// Errors: kErrSheetUnknownVersion (NotFound), kErrSheetRow (an hlc that no clock makes),
// sql.*.
Result<SheetVersionFacts> ReadSheetVersionFacts(sqlite3* db, std::string_view version_id);

}  // namespace gongkai

#endif  // GONGKAI_NODE_SHEET_FACTS_H_
