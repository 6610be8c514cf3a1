// `gongkai-hub audit report --year Y`: the year's disclosure work per township and village,
// with a subtotal per township and a county total.
//
// Every figure is judged by the hub's receipt times (log_entry.received_at), in Beijing time:
//   disclosures by category  disclosures whose first version reached the hub in Y
//   returns                  township reviews "return" received in Y
//   approvals                township reviews "approve" received in Y
//   average / worst time     from the hub's receipt of a version to the hub's receipt of its
//                            township approval, over the approvals of Y. A version that sat on
//                            a village PC before it was synced starts counting when it arrived;
//                            an approval made offline counts when it arrived.
//   late / missing           finance quarters Q1..Q4 of Y, judged as `audit overdue`
//                            (audit_overdue.h), for enrolled, unrevoked villages whose first
//                            certificate came before the quarter's deadline; a quarter
//                            whose deadline has not passed is neither.
// Rows: one per region with activity in Y or an enrolled village, in code order, so a
// township's own row (9 digits) comes before its villages; then each township's subtotal
// (kind "township") and the county total (kind "county").
// Thread-safety: reads through the caller's connection.
#ifndef GONGKAI_HUB_AUDIT_AUDIT_REPORT_H_
#define GONGKAI_HUB_AUDIT_AUDIT_REPORT_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "hub/audit/audit_common.h"
#include "hub/audit/audit_settings.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr int64_t kMinReportYear = 2000;
inline constexpr int64_t kMaxReportYear = 2200;

struct ReportRow {
  std::string kind;      // region | township | county
  std::string township;  // 9-digit code ("" for the county total and county-level rows)
  std::string township_name;
  std::string region;  // the row's region; the township's or county's code for totals
  std::string name;
  int64_t affairs = 0;
  int64_t finance = 0;
  int64_t subsidy = 0;
  int64_t returns = 0;
  int64_t approvals = 0;
  int64_t total_approval_ms = 0;  // sum over approvals with both receipts
  int64_t timed_approvals = 0;
  int64_t worst_approval_ms = 0;
  int64_t late = 0;
  int64_t missing = 0;

  // Average time to approval in ms; 0 when none was timed.
  int64_t average_approval_ms() const {
    return timed_approvals == 0 ? 0 : total_approval_ms / timed_approvals;
  }
};

// audit.input for a year outside kMinReportYear..kMaxReportYear. Errors: sql.*.
Result<std::vector<ReportRow>> AuditYearReport(sqlite3* db, const NodeDirectory& nodes,
                                               int64_t year, const AuditSettings& settings,
                                               int64_t now_ms);

}  // namespace gongkai

#endif  // GONGKAI_HUB_AUDIT_AUDIT_REPORT_H_
