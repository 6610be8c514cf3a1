#include "node/web/home_data.h"

#include "node/exchange/hub_refusal.h"
#include "node/replica/alarm.h"
#include "node/replica/sql.h"
#include "node/workflow/disclosure_view.h"
#include "node/workflow/finance_due.h"

namespace gongkai {

Result<mstch::map> SyncSummary(NodeSession& session) {
  sqlite3* db = session.replica->db();
  mstch::map out;
  GK_ASSIGN_OR_RETURN(std::optional<int64_t> last,
                      QueryInt(db, "SELECT ifnull(max(last_success_at), 0) FROM sync_state"));
  const int64_t last_ms = last.value_or(0);
  out["never_synced"] = last_ms == 0;
  if (last_ms > 0)
    out["last_sync"] = HlcBeijingTime(static_cast<uint64_t>(last_ms) << kHlcCounterBits);
  const std::string me = NodeIdHex(session.identity.node_id);
  GK_ASSIGN_OR_RETURN(
      std::optional<int64_t> pending,
      QueryInt(db, "SELECT count(*) FROM journal WHERE origin = '" + me + "' AND status = 'own'"));
  out["pending_out"] = std::to_string(pending.value_or(0));
  out["has_pending_out"] = pending.value_or(0) > 0;
  GK_ASSIGN_OR_RETURN(std::vector<Alarm> alarms, ListAlarms(db));
  mstch::array alarm_rows;
  for (const Alarm& a : alarms)
    alarm_rows.push_back(mstch::map{{"message", a.message}, {"kind", a.kind}});
  out["alarms"] = alarm_rows;
  out["has_alarms"] = !alarm_rows.empty();
  GK_ASSIGN_OR_RETURN(std::vector<HubRefusal> refusals, ListHubRefusals(db));
  mstch::array refusal_rows;
  for (const HubRefusal& r : refusals) {
    refusal_rows.push_back(
        mstch::map{{"code", r.code}, {"message", r.message}, {"permanent", r.permanent}});
  }
  out["refusals"] = refusal_rows;
  out["has_refusals"] = !refusal_rows.empty();
  return out;
}

Result<int64_t> FinanceDeadlineDay(NodeSession& session) {
  return FinanceDeadlineDayAt(*session.replica, session.identity.region);
}

}  // namespace gongkai
