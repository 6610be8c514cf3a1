// Reading disclosures back from the facts: every version, review, withdrawal and posting of
// a disclosure, and the status that follows from them (node/README.md "Status").
//
// Status of a version:
//   superseded  another version names it as parent_version;
//   withdrawn   a withdrawal row names its disclosure;
//   approved / returned   the township review of this version with the highest hlc;
//   submitted   none of the above.
// Only facts in the version's own region count. A village writes only its region and a
// township writes its reviews in the village's region (protocol/schema.h), so a row in
// another region that names the version or its disclosure (a neighbouring village
// declaring it superseded or withdrawn, a township reviewing a village not its own) comes
// from someone without say over it: it is kept and listed, but changes no status.
// The current version is the one no other version names as parent; when there are two or
// more such (two edits of one parent, or two first versions) the disclosure is in
// conflict: all are kept, the one with the highest hlc is shown as current, and a person
// resolves it by editing (the new version's parent is the current one).
// A disclosure with no version but a local draft has status draft.
// Thread-safety: reads through the caller's connection.
#ifndef GONGKAI_NODE_WORKFLOW_DISCLOSURE_VIEW_H_
#define GONGKAI_NODE_WORKFLOW_DISCLOSURE_VIEW_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/workflow/workflow.h"
#include "protocol/status.h"

namespace gongkai {

enum class DisclosureStatus { kDraft, kSubmitted, kReturned, kApproved, kWithdrawn, kSuperseded };

std::string_view StatusName(DisclosureStatus status);         // "draft", "submitted", ...
std::string_view StatusLabel(DisclosureStatus status);        // "草稿", "待审核", ...
Result<DisclosureStatus> ParseStatus(std::string_view name);  // workflow.input otherwise

struct ReviewFact {
  std::string review_id;
  std::string version_id;
  std::string stage;     // supervision | township
  std::string decision;  // approve | return
  std::string comment;
  std::string reviewer;
  std::string origin;
  uint64_t hlc = 0;
  std::string region;
};

struct VersionFact {
  std::string version_id;
  std::string parent_version;
  std::string category;
  std::string title;
  std::string period;
  std::string body;
  std::string publicity_from;
  std::string publicity_to;
  int64_t item_count = 0;
  std::string content_hash;
  std::string author;
  std::string origin;
  uint64_t hlc = 0;
  std::string region;
  std::vector<ReviewFact> reviews;  // of this version in its region, in hlc order
  DisclosureStatus status = DisclosureStatus::kSubmitted;

  // The latest review of `stage`, or nullptr.
  const ReviewFact* LatestReview(std::string_view stage) const;
};

struct WithdrawalFact {
  std::string withdrawal_id;
  std::string version_id;
  std::string reason;
  std::string author;
  std::string origin;
  uint64_t hlc = 0;
  std::string region;
};

struct PostingFact {
  std::string posting_id;
  std::string version_id;
  std::string posted_by;
  int64_t copies = 0;
  std::string origin;
  uint64_t hlc = 0;
};

struct DisclosureState {
  std::string id;
  std::string region;
  Category category = Category::kAffairs;
  std::string title;
  std::string period;
  DisclosureStatus status = DisclosureStatus::kDraft;
  bool conflict = false;
  std::vector<VersionFact> versions;  // in hlc order
  std::vector<WithdrawalFact> withdrawals;
  std::vector<PostingFact> postings;
  std::optional<Draft> draft;

  // The current version, or nullptr when there is none (draft only).
  const VersionFact* current() const;
  const VersionFact* FindVersion(std::string_view version_id) const;

 private:
  friend Result<std::optional<DisclosureState>> LoadDisclosure(sqlite3*, std::string_view);
  int current_index_ = -1;
};

// Everything known of `disclosure_id` (exact id), or nullopt when neither a version nor a
// draft exists.
Result<std::optional<DisclosureState>> LoadDisclosure(sqlite3* db, std::string_view disclosure_id);

struct ListFilter {
  std::optional<DisclosureStatus> status;
  std::optional<Category> category;
  std::string region;  // "" = all held; else the region's subtree
};

// Every disclosure held (with versions or only a draft) that passes the filter, the most
// recently changed first. Versions, reviews and drafts are not loaded into the result
// beyond what DisclosureState needs; each entry is complete.
Result<std::vector<DisclosureState>> ListDisclosures(sqlite3* db, const ListFilter& filter);

// The version whose id starts with `prefix` within the disclosure: workflow.not_found,
// workflow.ambiguous.
Result<const VersionFact*> FindVersionByPrefix(const DisclosureState& state,
                                               std::string_view prefix);

// The wall time of an HLC in China (UTC+8) as "2024-10-15 09:30".
std::string HlcBeijingTime(uint64_t hlc);

}  // namespace gongkai

#endif  // GONGKAI_NODE_WORKFLOW_DISCLOSURE_VIEW_H_
