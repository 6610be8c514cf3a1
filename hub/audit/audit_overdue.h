// `gongkai-hub audit overdue --period P`: villages late with their finance disclosure for a
// period, and subsidy lists approved with too short a 公示期.
//
// Finance. Each enrolled, unrevoked village whose first certificate was issued before the
// deadline must have a finance disclosure for period P approved by its township by the
// deadline (audit_common.h PeriodDeadline, day
// `finance.deadline_day` of the month after P). The time that counts is the hub's receipt of
// the township's approving review (log_entry.received_at, the hub's clock), never the HLC the
// township or village wrote: their clocks can be wrong or set back, the hub's receipt bounds
// when the approval existed. So an approval made on time offline but delivered after the
// deadline is late, and the village or township learns to sync before the deadline. The
// earliest such receipt among the versions of the village's not-withdrawn finance
// disclosures for P counts (a later new version does not undo an approval that was posted).
// States: on_time; late (approved, received after the deadline); missing (the deadline has
// passed with no approval received: `held` says what the hub holds instead — none, submitted
// or returned); pending (not approved, deadline not yet passed).
//
// Subsidy. A subsidy list whose 公示期 starts within P and whose version has a township
// approval is listed when its declared 公示期 (publicity_to − publicity_from + 1 days) is
// shorter than `subsidy.min_publicity_days`, or when the days left of it after the hub
// received the approval (publicity_to − the Beijing date of that receipt + 1, at most the
// declared days) are: a list approved halfway through its 公示期 was not on the board for the
// whole of it.
// Thread-safety: reads through the caller's connection.
#ifndef GONGKAI_HUB_AUDIT_AUDIT_OVERDUE_H_
#define GONGKAI_HUB_AUDIT_AUDIT_OVERDUE_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/audit/audit_common.h"
#include "hub/audit/audit_settings.h"
#include "node/intake/calendar.h"
#include "protocol/status.h"

namespace gongkai {

struct FinanceDue {
  std::string region;  // the village
  std::string period;  // normalised
  Deadline deadline;
  std::string state;          // on_time | late | missing | pending
  std::string held;           // missing/pending: none | submitted | returned; else approved
  std::string disclosure_id;  // the approved (or latest held) disclosure; or ""
  std::optional<int64_t> approved_at;  // hub receipt of the approval, ms
  int64_t days_late = 0;  // late: days from the deadline day to the receipt day (≥ 1)
};

// The finance state of each of `village_regions` for one period, in their order; one scan
// of the period's finance versions for all of them. Errors: sql.*.
Result<std::vector<FinanceDue>> JudgeFinance(sqlite3* db,
                                             const std::vector<std::string>& village_regions,
                                             const Period& period, int64_t deadline_day,
                                             int64_t now_ms);

struct ShortPublicity {
  std::string region;
  std::string disclosure_id;
  std::string version_id;
  std::string title;
  std::string publicity_from;  // YYYY-MM-DD
  std::string publicity_to;
  int64_t declared_days = 0;
  int64_t effective_days = 0;  // after the approval's receipt; may be 0 or less
  std::optional<int64_t> approved_at;
};

struct OverdueReport {
  Period period;
  Deadline deadline;
  int64_t min_publicity_days = 0;
  int64_t villages = 0;                 // villages judged (enrolled before the deadline)
  std::vector<FinanceDue> finance;      // late and missing only, by region
  int64_t pending = 0;                  // not yet due and not yet approved
  std::vector<ShortPublicity> subsidy;  // by region, then 公示期 start
};

// audit.input when `period` does not parse (calendar.h ParsePeriod forms). Errors: sql.*.
Result<OverdueReport> AuditOverdue(sqlite3* db, const NodeDirectory& nodes, std::string_view period,
                                   const AuditSettings& settings, int64_t now_ms);

}  // namespace gongkai

#endif  // GONGKAI_HUB_AUDIT_AUDIT_OVERDUE_H_
