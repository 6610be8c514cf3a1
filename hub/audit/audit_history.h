// `gongkai-hub audit history`: every fact of a disclosure or of a region's subtree — each
// version, review, withdrawal and posting — with who wrote it (the node's id, and its name
// and role from its certificate), the writer's HLC (what its clock claimed) and the hub's
// receipt of the envelope that brought it (log index, hub clock). Ordered by HLC, which
// follows cause (a review's HLC is later than the version it read), ties by fact id.
// Thread-safety: reads through the caller's connection.
#ifndef GONGKAI_HUB_AUDIT_AUDIT_HISTORY_H_
#define GONGKAI_HUB_AUDIT_AUDIT_HISTORY_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/audit/audit_common.h"
#include "protocol/status.h"

namespace gongkai {

struct HistoryEvent {
  std::string kind;  // version | review | withdrawal | posting
  std::string fact_id;
  std::string disclosure_id;
  std::string version_id;
  std::string region;
  std::string category;  // of the disclosure's versions; "" when no version is held
  std::string what;  // a Chinese sentence: 提交《…》第 2 版 / 乡镇审核：退回（意见） / …
  std::string person;     // author, reviewer or posted_by
  std::string origin;     // the writing node's id
  std::string node_name;  // from its certificate; "" when unknown
  std::string node_role;
  int64_t hlc = 0;
  std::optional<int64_t> log_index;
  std::optional<int64_t> received_at;  // hub clock, ms
  std::string envelope_id;  // the envelope that brought it (for `audit proof`); "" if unknown
};

struct HistoryQuery {
  std::string disclosure_id;  // exact id; or ""
  std::string region;         // a region and its subtree; or ""
};

// The facts matching the query (both criteria when both are given). audit.input when both
// are empty. Errors: sql.*.
Result<std::vector<HistoryEvent>> AuditHistory(sqlite3* db, const NodeDirectory& nodes,
                                               const HistoryQuery& query);

}  // namespace gongkai

#endif  // GONGKAI_HUB_AUDIT_AUDIT_HISTORY_H_
