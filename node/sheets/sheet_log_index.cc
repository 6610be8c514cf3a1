#include "node/sheets/sheet_log_index.h"

#include <string>

#include "node/replica/provenance.h"
#include "node/sheets/sheet_facts.h"
#include "node/replica/sql.h"

namespace gongkai {

Result<std::optional<uint64_t>> VersionLogIndex(sqlite3* db, std::string_view version_id) {
  // hub_receipt is created by the first sync; a node that never synced has none.
  GK_ASSIGN_OR_RETURN(
      std::optional<int64_t> has_table,
      QueryInt(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?",
               "hub_receipt"));
  if (!has_table || *has_table == 0) return std::optional<uint64_t>();
  GK_ASSIGN_OR_RETURN(std::optional<std::string> envelope,
                      ProvenanceOf(db, "disclosure_version", version_id));
  if (!envelope) return std::optional<uint64_t>();
  GK_ASSIGN_OR_RETURN(
      std::optional<int64_t> index,
      QueryInt(db, "SELECT log_index FROM hub_receipt WHERE envelope_id=?", *envelope));
  if (!index) return std::optional<uint64_t>();
  if (*index < 0) {
    return Status::Invalid(kErrSheetRow,
                           "本机所存县级回执的日志序号为负数：" + std::to_string(*index));
  }
  return std::optional<uint64_t>(static_cast<uint64_t>(*index));
}

}  // namespace gongkai
