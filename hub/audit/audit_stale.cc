#include "hub/audit/audit_stale.h"

#include <algorithm>

#include "node/replica/sql.h"

namespace gongkai {

Result<std::vector<StaleNode>> NodeContacts(sqlite3* db, const NodeDirectory& nodes,
                                            int64_t now_ms) {
  GK_ASSIGN_OR_RETURN(Statement own,
                      Statement::Prepare(db,
                                         "SELECT count(*), max(l.received_at) FROM journal j "
                                         "JOIN log_entry l ON l.envelope_id = j.envelope_id "
                                         "WHERE j.origin = ?"));
  GK_ASSIGN_OR_RETURN(Statement pushed,
                      Statement::Prepare(db,
                                         "SELECT max(l.received_at) FROM journal j "
                                         "JOIN log_entry l ON l.envelope_id = j.envelope_id "
                                         "WHERE j.source = ?"));
  GK_ASSIGN_OR_RETURN(Statement refused,
                      Statement::Prepare(db,
                                         "SELECT max(last_received_at) FROM refused_envelope "
                                         "WHERE source = ?"));
  std::vector<StaleNode> out;
  for (const auto& [id, node] : nodes.nodes) {
    if (node.is_hub) continue;
    StaleNode s;
    s.node = node;
    own.Reset();
    own.Bind(1, std::string_view(id));
    GK_ASSIGN_OR_RETURN(bool row, own.Step());
    if (row) {
      s.envelopes = own.ColumnInt(0);
      if (!own.ColumnIsNull(1)) s.last_contact = own.ColumnInt(1);
    }
    // Envelopes it pushed for others, and pushes the hub refused: both came in a request
    // the node signed, so it was in contact.
    for (Statement* contact : {&pushed, &refused}) {
      contact->Reset();
      contact->Bind(1, "node:" + id);
      GK_ASSIGN_OR_RETURN(row, contact->Step());
      if (row && !contact->ColumnIsNull(0)) {
        const int64_t at = contact->ColumnInt(0);
        s.last_contact = std::max(s.last_contact.value_or(at), at);
      }
    }
    if (s.last_contact)
      s.days_silent = std::max<int64_t>(0, (now_ms - *s.last_contact) / kMsPerDay);
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const StaleNode& a, const StaleNode& b) {
    return a.node.region != b.node.region ? a.node.region < b.node.region
                                          : a.node.node_id < b.node.node_id;
  });
  return out;
}

Result<std::vector<StaleNode>> AuditStale(sqlite3* db, const NodeDirectory& nodes, int64_t days,
                                          int64_t now_ms) {
  if (days < 1 || days > kMaxStaleDays) {
    return Status::Invalid(kErrAuditInput,
                           "天数须在 1 到 " + std::to_string(kMaxStaleDays) + " 之间");
  }
  GK_ASSIGN_OR_RETURN(std::vector<StaleNode> contacts, NodeContacts(db, nodes, now_ms));
  const int64_t cutoff = now_ms - days * kMsPerDay;
  std::vector<StaleNode> out;
  for (StaleNode& s : contacts) {
    if (!s.node.revoked.empty()) continue;
    if (s.last_contact && *s.last_contact >= cutoff) continue;
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const StaleNode& a, const StaleNode& b) {
    const int64_t la = a.last_contact.value_or(INT64_MIN);
    const int64_t lb = b.last_contact.value_or(INT64_MIN);
    if (la != lb) return la < lb;
    return a.node.region != b.node.region ? a.node.region < b.node.region
                                          : a.node.node_id < b.node.node_id;
  });
  return out;
}

}  // namespace gongkai
