#include "hub/audit/audit_report.h"

#include <algorithm>
#include <map>

#include "hub/audit/audit_overdue.h"
#include "node/intake/sheet_dates.h"
#include "node/replica/sql.h"

namespace gongkai {

namespace {

constexpr std::string_view kFirstVersionsSql = R"sql(
SELECT v.region, v.category, min(l.received_at)
  FROM disclosure_version v
  JOIN provenance p ON p.tbl = 'disclosure_version' AND p.pk = v.version_id
  JOIN log_entry l ON l.envelope_id = p.envelope_id
 GROUP BY v.disclosure_id, v.region
)sql";

constexpr std::string_view kTownshipReviewsSql = R"sql(
SELECT r.region, r.decision, lr.received_at, lv.received_at
  FROM review r
  JOIN provenance pr ON pr.tbl = 'review' AND pr.pk = r.review_id
  JOIN log_entry lr ON lr.envelope_id = pr.envelope_id
  LEFT JOIN provenance pv ON pv.tbl = 'disclosure_version' AND pv.pk = r.version_id
  LEFT JOIN log_entry lv ON lv.envelope_id = pv.envelope_id
 WHERE r.stage = 'township' AND lr.received_at >= ?1 AND lr.received_at < ?2
)sql";

void AddInto(ReportRow& total, const ReportRow& row) {
  total.affairs += row.affairs;
  total.finance += row.finance;
  total.subsidy += row.subsidy;
  total.returns += row.returns;
  total.approvals += row.approvals;
  total.total_approval_ms += row.total_approval_ms;
  total.timed_approvals += row.timed_approvals;
  total.worst_approval_ms = std::max(total.worst_approval_ms, row.worst_approval_ms);
  total.late += row.late;
  total.missing += row.missing;
}

}  // namespace

Result<std::vector<ReportRow>> AuditYearReport(sqlite3* db, const NodeDirectory& nodes,
                                               int64_t year, const AuditSettings& settings,
                                               int64_t now_ms) {
  if (year < kMinReportYear || year > kMaxReportYear) {
    return Status::Invalid(kErrAuditInput, "年份须在 " + std::to_string(kMinReportYear) + " 到 " +
                                               std::to_string(kMaxReportYear) + " 之间");
  }
  const int y = static_cast<int>(year);
  const int64_t begin = DaysFromCivil({y, 1, 1}) * kMsPerDay - kBeijingOffsetMs;
  const int64_t end = DaysFromCivil({y + 1, 1, 1}) * kMsPerDay - kBeijingOffsetMs;
  std::map<std::string, ReportRow> rows;  // by region
  auto row_of = [&](const std::string& region) -> ReportRow& {
    ReportRow& row = rows[region];
    row.region = region;
    return row;
  };
  for (const auto& [id, node] : nodes.nodes) {
    if (node.role == "village" && node.revoked.empty()) row_of(node.region);
  }

  GK_ASSIGN_OR_RETURN(Statement versions, Statement::Prepare(db, kFirstVersionsSql));
  while (true) {
    GK_ASSIGN_OR_RETURN(bool more, versions.Step());
    if (!more) break;
    const int64_t at = versions.ColumnInt(2);
    if (at < begin || at >= end) continue;
    ReportRow& row = row_of(versions.ColumnText(0));
    const std::string category = versions.ColumnText(1);
    if (category == "affairs") ++row.affairs;
    if (category == "finance") ++row.finance;
    if (category == "subsidy") ++row.subsidy;
  }

  GK_ASSIGN_OR_RETURN(Statement reviews, Statement::Prepare(db, kTownshipReviewsSql));
  reviews.Bind(1, begin).Bind(2, end);
  while (true) {
    GK_ASSIGN_OR_RETURN(bool more, reviews.Step());
    if (!more) break;
    ReportRow& row = row_of(reviews.ColumnText(0));
    if (reviews.ColumnText(1) == "return") {
      ++row.returns;
      continue;
    }
    ++row.approvals;
    if (reviews.ColumnIsNull(3)) continue;
    const int64_t took = std::max<int64_t>(0, reviews.ColumnInt(2) - reviews.ColumnInt(3));
    row.total_approval_ms += took;
    ++row.timed_approvals;
    row.worst_approval_ms = std::max(row.worst_approval_ms, took);
  }

  for (int q = 1; q <= 4; ++q) {
    GK_ASSIGN_OR_RETURN(Period period, ParsePeriod(std::to_string(y) + "Q" + std::to_string(q)));
    const std::vector<std::string> villages = nodes.VillagesEnrolledBefore(
        PeriodDeadline(period, settings.finance_deadline_day).ends_at_ms);
    GK_ASSIGN_OR_RETURN(std::vector<FinanceDue> judged,
                        JudgeFinance(db, villages, period, settings.finance_deadline_day, now_ms));
    for (const FinanceDue& due : judged) {
      if (due.state == "late") ++rows[due.region].late;
      if (due.state == "missing") ++rows[due.region].missing;
    }
  }

  std::vector<ReportRow> out;
  ReportRow county;
  county.kind = "county";
  std::map<std::string, ReportRow> townships;
  for (auto& [region, row] : rows) {
    row.kind = "region";
    row.name = nodes.RegionName(region);
    if (region.size() >= 9) {
      row.township = region.substr(0, 9);
      row.township_name = nodes.RegionName(row.township);
    }
    AddInto(county, row);
  }
  // Townships' subtotals follow their last row.
  std::string current;
  ReportRow subtotal;
  auto flush = [&] {
    if (!current.empty()) out.push_back(subtotal);
  };
  for (auto& [region, row] : rows) {
    if (row.township != current) {
      flush();
      current = row.township;
      subtotal = ReportRow();
      subtotal.kind = "township";
      subtotal.township = current;
      subtotal.township_name = row.township_name;
      subtotal.region = current;
      subtotal.name = "（" + row.township_name + "合计）";
    }
    out.push_back(row);
    if (!current.empty()) AddInto(subtotal, row);
  }
  flush();
  if (!rows.empty()) {
    county.region = rows.begin()->first.substr(0, 6);
    county.name = "（全县合计）";
  }
  out.push_back(county);
  return out;
}

}  // namespace gongkai
