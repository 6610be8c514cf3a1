// The disclosure workflow on one node: local drafts, and the facts a person adds to the
// synced tables (a submitted version, a review, a withdrawal, a posting).
//
// A draft (node-local table `draft`, id = the disclosure id) never leaves the node. Submit
// turns it into an immutable disclosure_version row with its disclosure_item rows, in ONE
// envelope, and deletes the draft in the same transaction. Editing a disclosure that already
// has versions starts a draft based on its current version; the next submit writes a version
// whose parent_version is that one, which voids every review of the earlier version.
//
// The formats of the rows are in node/README.md "Disclosures". The content hash of a
// version is SHA-256 over (all integers big-endian, every text as u32 length + UTF-8):
//   "gongkai-content-1", disclosure_id, category, title, period, body, publicity_from,
//   publicity_to, u32 item count, then each item's data text.
// It pins what a sheet shows; the QR code of a printed sheet carries its first digits.
//
// Who may do what (checked here with a clear message, and again by every receiver through
// protocol/schema.h write rules):
//   new / edit / submit / withdraw  a village, township or county node, for its own region;
//   review on a village node        stage "supervision" (村务监督委员会) of its own versions;
//   review on a township node       stage "township" of its villages' versions;
//   an auditor node                 nothing.
// A return needs a comment. A version can be reviewed once per stage; a superseded or
// withdrawn one not at all.
//
// Thread-safety: one call at a time per Replica (node/replica/capture.h).
#ifndef GONGKAI_NODE_WORKFLOW_WORKFLOW_H_
#define GONGKAI_NODE_WORKFLOW_WORKFLOW_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/replica/capture.h"
#include "node/intake/import_error.h"
#include "node/replica/replica.h"
#include "protocol/disclosure_limits.h"
#include "protocol/hlc.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrWorkflowInput[] = "workflow.input";
inline constexpr char kErrWorkflowNotFound[] = "workflow.not_found";
inline constexpr char kErrWorkflowAmbiguous[] = "workflow.ambiguous";
inline constexpr char kErrWorkflowRole[] = "workflow.role";
inline constexpr char kErrWorkflowState[] = "workflow.state";
inline constexpr char kErrWorkflowStale[] = "workflow.stale";
// More than protocol/disclosure_limits.h kMaxDisclosureItems rows in one version.
inline constexpr char kErrWorkflowTooManyItems[] = "workflow.too_many_items";

inline constexpr size_t kMaxTitleBytes = 300;
inline constexpr size_t kMaxBodyBytes = 256 * 1024;
inline constexpr size_t kMaxCommentBytes = 2000;
inline constexpr size_t kMaxPersonBytes = 100;
inline constexpr int64_t kMaxPublicityDays = 366;
inline constexpr int64_t kMaxCopies = 100;
// Shortest id prefix a person may type.
inline constexpr size_t kMinIdPrefix = 6;

enum class Category { kAffairs, kFinance, kSubsidy };

std::string_view CategoryName(Category category);   // "affairs", "finance", "subsidy"
std::string_view CategoryLabel(Category category);  // "村务公开", "财务公开", "惠农补贴公示"
// workflow.input for anything else.
Result<Category> ParseCategory(std::string_view name);

// Default 公示期 per category, in days.
int64_t DefaultPublicityDays(Category category);

// 16 random bytes as 32 lowercase hex digits.
std::string NewFactId();

// What `new` sets and `edit` changes. A field left empty keeps its value (edit) or takes
// its default (new).
struct DraftInput {
  std::optional<Category> category;  // new only
  std::optional<std::string> title;
  std::optional<std::string> period;  // calendar.h ParsePeriod forms
  std::optional<std::string> body_text;
  std::optional<std::string> import_path;  // CSV or XLSX; finance and subsidy
  std::optional<int64_t> publicity_days;
  std::optional<std::string> publicity_from;  // YYYY-MM-DD; default: the submit day
  std::optional<std::string> subsidy_name;
  std::optional<std::vector<std::string>> attachments;  // affairs
  std::optional<std::vector<std::string>> table_headers;  // affairs, with table_rows
  std::optional<std::vector<std::vector<std::string>>> table_rows;
  std::optional<int64_t> opening_cents;  // finance: 期初余额 when the file has none
  std::optional<std::string> author;      // 填报人
};

struct Draft {
  std::string id;  // the disclosure id
  Category category = Category::kAffairs;
  std::string title;
  std::string period;
  std::string body;                // the JSON body (node/README.md)
  std::vector<std::string> items;  // each a JSON object text
  int64_t publicity_days = 0;
  std::string publicity_from;  // "" = the submit day
  std::string author;
  std::string based_on;  // "" for a new disclosure, else the version it edits
  int64_t updated_at = 0;
};

// Creates a draft and returns its id. An import that fails returns its summary status
// and fills *errors (may be null) with every error of the file; nothing is written.
// Errors: workflow.input, workflow.role, import.*.
Result<Draft> CreateDraft(Replica& replica, const DraftInput& input, int64_t now_ms,
                          std::vector<ImportError>* errors = nullptr);

// Changes the draft of `disclosure_id`, starting one from the current version when the
// disclosure has versions but no draft. Errors as CreateDraft, and workflow.not_found,
// workflow.state (withdrawn), workflow.role (not this node's region).
Result<Draft> EditDraft(Replica& replica, std::string_view disclosure_id, const DraftInput& input,
                        int64_t now_ms, std::vector<ImportError>* errors = nullptr);

// The draft of `disclosure_id`, or nullopt.
Result<std::optional<Draft>> LoadDraft(sqlite3* db, std::string_view disclosure_id);

// Removes a draft (nothing synced is touched).
Status DiscardDraft(Replica& replica, std::string_view disclosure_id);

// The full id of the disclosure (with versions or only a draft) whose id starts with
// `prefix`. workflow.input (too short, not hex), workflow.not_found, workflow.ambiguous.
Result<std::string> ResolveDisclosureId(sqlite3* db, std::string_view prefix);

// What a person writes into the synced tables.
struct Actor {
  const SecretKey* key = nullptr;  // the node key
  HlcClock* clock = nullptr;       // HlcClock(wall, replica.LastHlc())
  std::string person;              // the name recorded as author / reviewer / posted_by
  int64_t now_ms = 0;              // wall clock, for default dates
};

struct WriteResult {
  std::string fact_id;  // version, review, withdrawal or posting id
  CapturedEnvelope envelope;
};

// The content hash (file comment) of the given fields, as 64 hex digits.
std::string ContentHash(std::string_view disclosure_id, std::string_view category,
                        std::string_view title, std::string_view period, std::string_view body,
                        std::string_view publicity_from, std::string_view publicity_to,
                        const std::vector<std::string>& items);

// Submits the draft: one version (parent = draft.based_on) with its items, in one envelope;
// the draft is deleted in the same transaction. workflow.not_found (no draft),
// workflow.input (no items for finance/subsidy), workflow.stale (the version it edits was
// superseded meanwhile), workflow.state (withdrawn).
Result<WriteResult> Submit(Replica& replica, const Actor& actor, std::string_view disclosure_id,
                           const CaptureFaults& faults = {});

enum class Decision { kApprove, kReturn };

// Reviews the current version of the disclosure (see the file comment for who and when).
Result<WriteResult> Review(Replica& replica, const Actor& actor, std::string_view disclosure_id,
                           Decision decision, std::string_view comment);

// Withdraws the disclosure. The reason is required.
Result<WriteResult> Withdraw(Replica& replica, const Actor& actor, std::string_view disclosure_id,
                             std::string_view reason);

// Records that `version_id` was printed and posted, `copies` sheets.
Result<WriteResult> RecordPosting(Replica& replica, const Actor& actor,
                                  std::string_view disclosure_id, std::string_view version_id,
                                  int64_t copies);

}  // namespace gongkai

#endif  // GONGKAI_NODE_WORKFLOW_WORKFLOW_H_
