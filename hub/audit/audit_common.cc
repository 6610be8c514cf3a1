#include "hub/audit/audit_common.h"

#include <algorithm>

#include "hub/log/log_schema.h"
#include "node/intake/sheet_dates.h"
#include "node/replica/sql.h"

namespace gongkai {

Status PrepareAuditTables(sqlite3* db) { return CreateLogTables(db); }

const AuditNode* NodeDirectory::Find(std::string_view node_id) const {
  auto it = nodes.find(std::string(node_id));
  return it == nodes.end() ? nullptr : &it->second;
}

std::string NodeDirectory::RegionName(std::string_view region) const {
  auto it = region_names.find(std::string(region));
  return it == region_names.end() ? std::string(region) : it->second;
}

std::vector<std::string> NodeDirectory::VillagesEnrolledBefore(int64_t before_ms) const {
  std::vector<std::string> out;
  for (const auto& [id, node] : nodes) {
    if (node.role != "village" || !node.revoked.empty()) continue;
    auto enrolled = region_enrolled_ms.find(node.region);
    if (enrolled == region_enrolled_ms.end() || enrolled->second >= before_ms) continue;
    out.push_back(node.region);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<NodeDirectory> LoadNodeDirectory(sqlite3* db, std::string_view hub_node_id) {
  NodeDirectory directory;
  GK_ASSIGN_OR_RETURN(
      Statement certs,
      Statement::Prepare(db,
                         "SELECT node_id, role, subject_region, name, hlc FROM certificate "
                         "ORDER BY hlc, node_id"));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, certs.Step());
    if (!row) break;
    AuditNode node;
    node.node_id = certs.ColumnText(0);
    node.role = certs.ColumnText(1);
    node.region = certs.ColumnText(2);
    node.name = certs.ColumnText(3);
    node.is_hub = node.node_id == hub_node_id;
    node.enrolled_ms = HlcMs(certs.ColumnInt(4));
    // The region's name: the village or township node's; a later certificate (a new key for
    // the same office) names it the same way or better.
    if (node.role != "auditor") directory.region_names[node.region] = node.name;
    // Rows come in HLC order: the first one seen is the earliest.
    directory.region_enrolled_ms.emplace(node.region, node.enrolled_ms);
    directory.nodes[node.node_id] = std::move(node);
  }
  GK_ASSIGN_OR_RETURN(Statement revoked,
                      Statement::Prepare(db, "SELECT node_id, reason FROM revocation"));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, revoked.Step());
    if (!row) break;
    auto it = directory.nodes.find(revoked.ColumnText(0));
    if (it == directory.nodes.end()) continue;
    const std::string reason = revoked.ColumnText(1);
    if (it->second.revoked != "compromised") it->second.revoked = reason;
  }
  return directory;
}

Result<std::optional<RowReceipt>> ReceiptOfRow(sqlite3* db, std::string_view table,
                                               std::string_view pk) {
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT l.idx, l.received_at FROM provenance p "
                                         "JOIN log_entry l ON l.envelope_id = p.envelope_id "
                                         "WHERE p.tbl = ? AND p.pk = ?"));
  stmt.Bind(1, table).Bind(2, pk);
  GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<RowReceipt>();
  return std::optional<RowReceipt>(RowReceipt{stmt.ColumnInt(0), stmt.ColumnInt(1)});
}

int64_t HlcMs(int64_t hlc) { return static_cast<int64_t>(HlcPhysicalMs(static_cast<Hlc>(hlc))); }

std::string BeijingMinuteText(int64_t ms) {
  const int64_t local = ms + kBeijingOffsetMs;
  int64_t days = local / kMsPerDay;
  int64_t in_day = local % kMsPerDay;
  if (in_day < 0) {
    in_day += kMsPerDay;
    --days;
  }
  const CivilDate date = CivilFromDays(days);
  const int64_t minutes = in_day / 60000;
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d", date.year, date.month, date.day,
                static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
  return text;
}

std::string TownshipOf(std::string_view village_region) {
  return std::string(village_region.substr(0, 9));
}

}  // namespace gongkai
