// `gongkai-hub audit stale`: enrolled nodes, not revoked, whose data has not reached the hub
// for N days.
//
// A node's last contact is the latest hub receipt time (log_entry.received_at, hub clock)
// of an envelope it signed, of one it pushed on another's behalf (journal.source
// "node:<id>"), or of a push of its that the hub refused (refused_envelope.source
// "node:<id>", last_received_at), whichever is later. A village whose envelopes travel by USB
// through its township counts as in contact when they reach the hub: what matters to the county is
// that its disclosures arrive. A node that pulls without writing anything leaves no trace in the
// hub database and counts as silent. Never synced: none of its envelopes has reached the hub.
// The hub itself is not listed.
// Thread-safety: reads through the caller's connection.
#ifndef GONGKAI_HUB_AUDIT_AUDIT_STALE_H_
#define GONGKAI_HUB_AUDIT_AUDIT_STALE_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/audit/audit_common.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr int64_t kMaxStaleDays = 3650;

struct StaleNode {
  AuditNode node;
  std::optional<int64_t> last_contact;  // hub clock, ms; nullopt: never synced
  int64_t envelopes = 0;                // of its own that reached the hub
  std::optional<int64_t> days_silent;   // whole days since last contact
};

// Every node but the hub, revoked ones included, with its last contact as above (days_silent
// counted to now_ms), ordered by region, then node id: the console's list of nodes.
// Errors: sql.*.
Result<std::vector<StaleNode>> NodeContacts(sqlite3* db, const NodeDirectory& nodes,
                                            int64_t now_ms);

// Nodes with no contact since now_ms - days. audit.input unless 1 <= days <= kMaxStaleDays.
// Ordered: never synced first, then longest silent; ties by region. Errors: sql.*.
Result<std::vector<StaleNode>> AuditStale(sqlite3* db, const NodeDirectory& nodes, int64_t days,
                                          int64_t now_ms);

}  // namespace gongkai

#endif  // GONGKAI_HUB_AUDIT_AUDIT_STALE_H_
