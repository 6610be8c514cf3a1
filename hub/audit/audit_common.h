// What every audit query of the county hub needs: who each node is (from the certificate and
// revocation rows), when the hub received a synced row (its envelope's log entry), and times
// in Beijing time.
//
// The hub's receipt time of a row is `log_entry.received_at` of the envelope that brought it
// (provenance -> log_entry): the hub's own clock, which a village cannot set. A writer's HLC
// is what the writer's clock claimed and is shown beside it, never used to judge lateness.
// Every query REQUIRES the hub's log tables (PrepareAuditTables), which a hub home that has
// never served or imported a bundle does not have yet.
// Thread-safety: reads through the caller's connection.
#ifndef GONGKAI_HUB_AUDIT_AUDIT_COMMON_H_
#define GONGKAI_HUB_AUDIT_AUDIT_COMMON_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/intake/calendar.h"
#include "protocol/status.h"

namespace gongkai {

// Error codes.
inline constexpr char kErrAuditInput[] = "audit.input";  // a bad argument (kInvalid)

// Creates the hub's log tables when missing (hub/log/log_schema.h CreateLogTables: empty tables,
// the layout version checked). Errors: log.schema_version, sql.*.
Status PrepareAuditTables(sqlite3* db);

struct AuditNode {
  std::string node_id;  // 32 hex
  std::string role;     // village | township | county | auditor
  std::string region;
  std::string name;
  std::string revoked;      // "" | retired | compromised (compromised wins)
  int64_t enrolled_ms = 0;  // its certificate row's HLC, ms (the county hub's clock)
  bool is_hub = false;
};

// Every node with a certificate row, by node id, and the names of regions.
struct NodeDirectory {
  std::map<std::string, AuditNode> nodes;
  std::map<std::string, std::string> region_names;  // region code -> name of its node
  // Region code -> when its first certificate was issued (ms of the certificate row's HLC,
  // written by the county hub's own clock): from then on the region is on the system.
  std::map<std::string, int64_t> region_enrolled_ms;

  // The node, or nullptr.
  const AuditNode* Find(std::string_view node_id) const;
  // The name of the region's node; for a region without one, the code itself.
  std::string RegionName(std::string_view region) const;
  // The regions of enrolled, unrevoked village nodes whose first certificate was issued
  // before `before_ms`, sorted, each once. A village enrolled after a deadline is not
  // expected to have met it in the system.
  std::vector<std::string> VillagesEnrolledBefore(int64_t before_ms) const;
};

// Reads certificate and revocation rows. `hub_node_id` marks the hub. Errors: sql.*.
Result<NodeDirectory> LoadNodeDirectory(sqlite3* db, std::string_view hub_node_id);

// The hub's receipt of the envelope that brought a synced row.
struct RowReceipt {
  int64_t log_index = 0;
  int64_t received_at = 0;  // hub clock, ms
};
// nullopt when the row (table, primary key text) has no provenance or its envelope is not in
// the log. Errors: sql.*.
Result<std::optional<RowReceipt>> ReceiptOfRow(sqlite3* db, std::string_view table,
                                               std::string_view pk);

// "2026-09-21 14:33" in Beijing time (UTC+8), for milliseconds since the epoch.
std::string BeijingMinuteText(int64_t ms);
// Milliseconds of the physical part of an HLC.
int64_t HlcMs(int64_t hlc);

// Deadline and PeriodDeadline: node/intake/calendar.h.

// A 12-digit village code's township (its first 9 digits).
std::string TownshipOf(std::string_view village_region);

}  // namespace gongkai

#endif  // GONGKAI_HUB_AUDIT_AUDIT_COMMON_H_
