#include "node/app/node_status.h"

#include "node/replica/sql.h"

namespace gongkai {

Result<NodeStatus> ReadNodeStatus(NodeSession& session) {
  sqlite3* db = session.replica->db();
  NodeStatus status;
  GK_ASSIGN_OR_RETURN(std::vector<DisclosureState> all, ListDisclosures(db, {}));
  for (const DisclosureState& s : all) {
    ++status.disclosures[s.status];
    if (s.conflict) ++status.conflicts;
  }
  status.node_id = NodeIdHex(session.identity.node_id);
  status.name = session.node_name;
  status.role = session.identity.role;
  status.region = session.identity.region;
  auto count = [db](const std::string& sql) -> int64_t {
    Result<std::optional<int64_t>> n = QueryInt(db, sql);
    return n.ok() ? n->value_or(0) : -1;
  };
  status.envelopes = count("SELECT count(*) FROM journal");
  status.own_envelopes =
      count("SELECT count(*) FROM journal WHERE origin = '" + status.node_id + "'");
  status.pending_envelopes = count("SELECT count(*) FROM journal WHERE origin = '" +
                                   status.node_id + "' AND status = 'own'");
  status.alarms = count("SELECT count(*) FROM alarm");
  status.last_sync_ms = count("SELECT ifnull(max(last_success_at), 0) FROM sync_state");
  GK_ASSIGN_OR_RETURN(std::vector<HubRefusal> refusals, ListHubRefusals(db));
  status.hub_refused = static_cast<int64_t>(refusals.size());
  for (const HubRefusal& r : refusals) status.hub_refused_withheld += r.permanent ? 1 : 0;
  return status;
}

Result<NodeAlarms> ReadNodeAlarms(NodeSession& session) {
  NodeAlarms out;
  GK_ASSIGN_OR_RETURN(out.alarms, ListAlarms(session.replica->db()));
  GK_ASSIGN_OR_RETURN(out.refusals, ListHubRefusals(session.replica->db()));
  return out;
}

}  // namespace gongkai
