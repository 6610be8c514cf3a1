#include "hub/audit/audit_alarms.h"

#include <algorithm>
#include <cstdlib>

#include "node/replica/sql.h"

namespace gongkai {

namespace {

constexpr std::string_view kRefusedEnvelopesSql = R"sql(
SELECT code, count(*), sum(times), count(DISTINCT origin), min(received_at),
       max(last_received_at)
  FROM refused_envelope GROUP BY code ORDER BY sum(times) DESC, code
)sql";

constexpr std::string_view kRefusedRequestsSql = R"sql(
SELECT code, count(*), count(*), count(DISTINCT node_id), min(received_ms), max(received_ms)
  FROM refused_request GROUP BY code ORDER BY count(*) DESC, code
)sql";

constexpr std::string_view kRevokedEnvelopesSql = R"sql(
SELECT origin, sum(times), max(last_received_at) FROM refused_envelope
 WHERE code IN ('apply.revoked', 'exchange.maker_revoked', 'hub.revoked_retired',
                'hub.revoked_compromised') AND origin IS NOT NULL
 GROUP BY origin ORDER BY max(last_received_at) DESC, origin
)sql";

constexpr std::string_view kRevokedRequestsSql = R"sql(
SELECT node_id, count(*), max(received_ms) FROM refused_request
 WHERE code = 'serve.revoked_node' GROUP BY node_id ORDER BY max(received_ms) DESC, node_id
)sql";

// Per origin: envelopes, beyond the threshold, largest and smallest offset, and the offset
// nearest zero.
constexpr std::string_view kClocksSql = R"sql(
SELECT j.origin, count(*),
       sum(abs((j.hlc >> 16) - l.received_at) > ?1),
       max((j.hlc >> 16) - l.received_at), min((j.hlc >> 16) - l.received_at),
       min(abs((j.hlc >> 16) - l.received_at))
  FROM journal j JOIN log_entry l ON l.envelope_id = j.envelope_id
 WHERE j.origin <> ?2
 GROUP BY j.origin
)sql";

Status ReadRefused(sqlite3* db, std::string_view sql, std::string_view what,
                   std::vector<RefusedByCode>& out) {
  GK_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, sql));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Ok();
    out.push_back(RefusedByCode{std::string(what), stmt.ColumnText(0), stmt.ColumnInt(1),
                                stmt.ColumnInt(2), stmt.ColumnInt(3), stmt.ColumnInt(4),
                                stmt.ColumnInt(5)});
  }
}

Status ReadRevoked(sqlite3* db, const NodeDirectory& nodes, std::string_view sql,
                   std::string_view what, std::vector<RevokedAttempt>& out) {
  GK_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, sql));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Ok();
    RevokedAttempt a;
    a.what = std::string(what);
    a.node_id = stmt.ColumnText(0);
    a.attempts = stmt.ColumnInt(1);
    a.last_at = stmt.ColumnInt(2);
    if (const AuditNode* node = nodes.Find(a.node_id)) {
      a.name = node->name;
      a.region = node->region;
      a.revoked = node->revoked;
    }
    out.push_back(std::move(a));
  }
}

}  // namespace

Result<AlarmsReport> AuditAlarms(sqlite3* db, const NodeDirectory& nodes,
                                 int64_t clock_skew_hours) {
  AlarmsReport report;
  report.threshold_ms = clock_skew_hours * 3600 * 1000;
  GK_ASSIGN_OR_RETURN(report.equivocations, ListAlarms(db));
  GK_ASSIGN_OR_RETURN(
      std::optional<int64_t> tables,
      QueryInt(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
               "refused_request"));
  report.has_request_table = tables.value_or(0) > 0;
  GK_RETURN_IF_ERROR(ReadRefused(db, kRefusedEnvelopesSql, "envelope", report.refused));
  if (report.has_request_table) {
    GK_RETURN_IF_ERROR(ReadRefused(db, kRefusedRequestsSql, "request", report.refused));
  }
  GK_RETURN_IF_ERROR(ReadRevoked(db, nodes, kRevokedEnvelopesSql, "envelope", report.revoked));
  if (report.has_request_table) {
    GK_RETURN_IF_ERROR(ReadRevoked(db, nodes, kRevokedRequestsSql, "request", report.revoked));
  }

  std::string hub_id;
  for (const auto& [id, node] : nodes.nodes) {
    if (node.is_hub) hub_id = id;
  }
  GK_ASSIGN_OR_RETURN(Statement clocks, Statement::Prepare(db, kClocksSql));
  clocks.Bind(1, report.threshold_ms).Bind(2, std::string_view(hub_id));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, clocks.Step());
    if (!row) break;
    if (clocks.ColumnInt(2) == 0) continue;
    ClockOffset c;
    c.node_id = clocks.ColumnText(0);
    c.envelopes = clocks.ColumnInt(1);
    c.beyond = clocks.ColumnInt(2);
    const int64_t ahead = clocks.ColumnInt(3);
    const int64_t behind = clocks.ColumnInt(4);
    c.worst_ms = std::llabs(ahead) >= std::llabs(behind) ? ahead : behind;
    c.closest_ms = clocks.ColumnInt(5);
    if (const AuditNode* node = nodes.Find(c.node_id)) {
      c.name = node->name;
      c.region = node->region;
    }
    report.clocks.push_back(std::move(c));
  }
  std::sort(report.clocks.begin(), report.clocks.end(),
            [](const ClockOffset& a, const ClockOffset& b) {
              const int64_t wa = std::llabs(a.worst_ms), wb = std::llabs(b.worst_ms);
              return wa != wb ? wa > wb : a.node_id < b.node_id;
            });
  return report;
}

}  // namespace gongkai
