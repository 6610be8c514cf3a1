#include "node/app/node_status.h"

#include <string>

#include "node/app/exchange_actions.h"
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
  GK_ASSIGN_OR_RETURN(std::optional<HubClockMeasure> clock, LoadHubClockMeasure(*session.replica));
  if (clock) {
    status.hub_clock_offset_ms = clock->offset_ms;
    status.hub_clock_measured_at = clock->measured_at;
  }
  GK_ASSIGN_OR_RETURN(std::optional<Bytes> restored,
                      session.replica->GetSetting(kSettingRestoredFrom));
  if (restored) {
    const std::string text(restored->begin(), restored->end());
    status.restored_from_backup_ms = text.find_first_not_of("0123456789") == std::string::npos &&
                                             !text.empty() && text.size() < 19
                                         ? std::stoll(text)
                                         : 1;
  }
  GK_ASSIGN_OR_RETURN(std::vector<HubRefusal> refusals, ListHubRefusals(db));
  status.hub_refused = static_cast<int64_t>(refusals.size());
  for (const HubRefusal& r : refusals) status.hub_refused_withheld += r.permanent ? 1 : 0;
  return status;
}

std::string DescribeClockOffset(int64_t offset_ms) {
  if (offset_ms >= -kClockWarnMs && offset_ms <= kClockWarnMs) return "";
  const bool behind = offset_ms > 0;
  const uint64_t magnitude =
      behind ? static_cast<uint64_t>(offset_ms) : 0 - static_cast<uint64_t>(offset_ms);
  const uint64_t minutes_total = magnitude / 60000;
  const uint64_t days = minutes_total / (24 * 60);
  const uint64_t hours = minutes_total / 60 % 24;
  const uint64_t minutes = minutes_total % 60;
  std::string text = std::string("本机时钟比汇聚服务器") + (behind ? "慢" : "快") + " ";
  if (days > 0) text += std::to_string(days) + " 天 ";
  if (days > 0 || hours > 0) text += std::to_string(hours) + " 小时";
  if (days == 0) text += (hours > 0 ? " " : "") + std::to_string(minutes) + " 分钟";
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

Result<NodeAlarms> ReadNodeAlarms(NodeSession& session) {
  NodeAlarms out;
  GK_ASSIGN_OR_RETURN(out.alarms, ListAlarms(session.replica->db()));
  GK_ASSIGN_OR_RETURN(out.refusals, ListHubRefusals(session.replica->db()));
  return out;
}

}  // namespace gongkai
