#include "hub/audit/audit_overdue.h"

#include <algorithm>
#include <map>

#include "node/replica/sql.h"

namespace gongkai {

namespace {

constexpr std::string_view kFinanceSql = R"sql(
SELECT v.region, v.disclosure_id,
       (SELECT min(l.received_at) FROM review r
          JOIN provenance p ON p.tbl = 'review' AND p.pk = r.review_id
          JOIN log_entry l ON l.envelope_id = p.envelope_id
         WHERE r.version_id = v.version_id AND r.region = v.region
           AND r.stage = 'township' AND r.decision = 'approve'),
       EXISTS(SELECT 1 FROM review r
               WHERE r.version_id = v.version_id AND r.region = v.region
                 AND r.stage = 'township' AND r.decision = 'return')
  FROM disclosure_version v
 WHERE v.category = 'finance' AND v.period = ?1
   AND NOT EXISTS(SELECT 1 FROM withdrawal w
                   WHERE w.disclosure_id = v.disclosure_id AND w.region = v.region)
 ORDER BY v.region, v.hlc, v.version_id
)sql";

constexpr std::string_view kSubsidySql = R"sql(
SELECT v.region, v.disclosure_id, v.version_id, v.title, v.publicity_from, v.publicity_to,
       min(l.received_at)
  FROM disclosure_version v
  JOIN review r ON r.version_id = v.version_id AND r.region = v.region
               AND r.stage = 'township' AND r.decision = 'approve'
  LEFT JOIN provenance p ON p.tbl = 'review' AND p.pk = r.review_id
  LEFT JOIN log_entry l ON l.envelope_id = p.envelope_id
 WHERE v.category = 'subsidy' AND v.publicity_from BETWEEN ?1 AND ?2
 GROUP BY v.version_id
 ORDER BY v.region, v.publicity_from, v.version_id
)sql";

int64_t DayNumber(const CivilDate& date) { return DaysFromCivil(date); }

}  // namespace

Result<std::vector<FinanceDue>> JudgeFinance(sqlite3* db,
                                             const std::vector<std::string>& village_regions,
                                             const Period& period, int64_t deadline_day,
                                             int64_t now_ms) {
  std::map<std::string, FinanceDue> by_region;
  for (const std::string& region : village_regions) {
    FinanceDue& due = by_region[region];
    due.region = region;
    due.period = period.text;
    due.deadline = PeriodDeadline(period, deadline_day);
    due.held = "none";
  }
  GK_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, kFinanceSql));
  stmt.Bind(1, std::string_view(period.text));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    auto it = by_region.find(stmt.ColumnText(0));
    if (it == by_region.end()) continue;
    FinanceDue& due = it->second;
    if (!stmt.ColumnIsNull(2)) {
      const int64_t at = stmt.ColumnInt(2);
      if (!due.approved_at || at < *due.approved_at) {
        due.approved_at = at;
        due.disclosure_id = stmt.ColumnText(1);
      }
    }
    if (!due.approved_at) {
      // Rows come in HLC order: the latest version held decides what the village waits for.
      due.held = stmt.ColumnInt(3) != 0 ? "returned" : "submitted";
      due.disclosure_id = stmt.ColumnText(1);
    }
  }
  std::vector<FinanceDue> out;
  for (const std::string& region : village_regions) {
    FinanceDue due = by_region[region];
    if (due.approved_at) {
      due.held = "approved";
      if (*due.approved_at < due.deadline.ends_at_ms) {
        due.state = "on_time";
      } else {
        due.state = "late";
        due.days_late = std::max<int64_t>(
            1, DayNumber(BeijingCivilDate(*due.approved_at)) - DayNumber(due.deadline.day));
      }
    } else {
      due.state = now_ms >= due.deadline.ends_at_ms ? "missing" : "pending";
    }
    out.push_back(std::move(due));
  }
  return out;
}

Result<OverdueReport> AuditOverdue(sqlite3* db, const NodeDirectory& nodes,
                                   std::string_view period_text, const AuditSettings& settings,
                                   int64_t now_ms) {
  Result<Period> period = ParsePeriod(period_text);
  if (!period.ok()) {
    return Status::Invalid(
        kErrAuditInput, "期间须写作 2026、2026Q3 或 2026-07，不能是 " + std::string(period_text));
  }
  OverdueReport report;
  report.period = *period;
  report.deadline = PeriodDeadline(*period, settings.finance_deadline_day);
  report.min_publicity_days = settings.subsidy_min_publicity_days;
  const std::vector<std::string> villages =
      nodes.VillagesEnrolledBefore(report.deadline.ends_at_ms);
  report.villages = static_cast<int64_t>(villages.size());
  GK_ASSIGN_OR_RETURN(std::vector<FinanceDue> judged,
                      JudgeFinance(db, villages, *period, settings.finance_deadline_day, now_ms));
  for (FinanceDue& due : judged) {
    if (due.state == "pending") ++report.pending;
    if (due.state == "late" || due.state == "missing") report.finance.push_back(std::move(due));
  }

  GK_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, kSubsidySql));
  const std::string first = period->first.ToString();
  const std::string last = period->last.ToString();
  stmt.Bind(1, std::string_view(first)).Bind(2, std::string_view(last));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ShortPublicity s;
    s.region = stmt.ColumnText(0);
    s.disclosure_id = stmt.ColumnText(1);
    s.version_id = stmt.ColumnText(2);
    s.title = stmt.ColumnText(3);
    s.publicity_from = stmt.ColumnText(4);
    s.publicity_to = stmt.ColumnText(5);
    if (!stmt.ColumnIsNull(6)) s.approved_at = stmt.ColumnInt(6);
    std::optional<CivilDate> from = ParseClerkDate(s.publicity_from, false);
    std::optional<CivilDate> to = ParseClerkDate(s.publicity_to, false);
    if (!from || !to) continue;  // the writers' checks make this unreachable for honest rows
    s.declared_days = DayNumber(*to) - DayNumber(*from) + 1;
    s.effective_days = s.declared_days;
    if (s.approved_at) {
      const int64_t approved_day = DayNumber(BeijingCivilDate(*s.approved_at));
      s.effective_days = std::min(s.declared_days, DayNumber(*to) - approved_day + 1);
    }
    if (s.declared_days < settings.subsidy_min_publicity_days ||
        s.effective_days < settings.subsidy_min_publicity_days) {
      report.subsidy.push_back(std::move(s));
    }
  }
  return report;
}

}  // namespace gongkai
