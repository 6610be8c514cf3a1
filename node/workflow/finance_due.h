// The clerk's reminder of the quarterly finance disclosure (财务公开): for the quarter just
// ended and the current one, the deadline (day `deadline_day` of the month after the
// quarter, Beijing time; node/intake/calendar.h PeriodDeadline) and where the village's own
// finance disclosures for that quarter stand, as this node holds them.
//
// This is a reminder, not the county's judgement: the county decides lateness by when its hub
// received the township's approval (hub/audit/audit_overdue.h), which a village learns only
// after syncing. The quarter just ended is listed until its deadline is 60 days past.
// Thread-safety: none needed (pure).
#ifndef GONGKAI_NODE_WORKFLOW_FINANCE_DUE_H_
#define GONGKAI_NODE_WORKFLOW_FINANCE_DUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "node/intake/calendar.h"
#include "node/replica/replica.h"
#include "node/workflow/disclosure_view.h"

namespace gongkai {

// The key of the county's deadline day: in the county_setting rows the county sends, and in
// the node's own settings (`gongkai config set finance.deadline_day N`, 1..28), which count
// only until a county row has arrived.
inline constexpr char kSettingFinanceDeadlineDay[] = "finance.deadline_day";

struct FinanceDueItem {
  std::string period;  // "2026Q3"
  CivilDate deadline;
  int64_t days_left = 0;  // to the end of the deadline day; negative once it has passed
  bool ended = false;     // the quarter is over (a disclosure can be made)
  // Where the village stands: none | draft | submitted | returned | approved.
  std::string state;
  std::string disclosure_id;  // the disclosure concerned, or ""
};

// `held`: the disclosures this node holds (ListDisclosures); only finance disclosures of
// `region` count, withdrawn and superseded ones not. The best state wins
// (approved > submitted > returned > draft).
std::vector<FinanceDueItem> FinanceDue(const std::vector<DisclosureState>& held,
                                       std::string_view region, int64_t deadline_day,
                                       int64_t now_ms);

// The periods among FinanceDue's whose quarter has ended and whose deadline has passed
// without an approved finance disclosure of `region` ("2026Q3"): what the township's overview
// counts as late for a village (so for at most 60 days after the deadline, as FinanceDue).
std::vector<std::string> LateFinancePeriods(const std::vector<DisclosureState>& held,
                                            std::string_view region, int64_t deadline_day,
                                            int64_t now_ms);

// The deadline day a node's setting text gives: 1..28, else kDefaultFinanceDeadlineDay.
int64_t FinanceDeadlineDayOf(std::string_view setting);

// The deadline day in force at the node of `replica` in `region`: the county's (its last
// county_setting row for finance.deadline_day, node/replica/county_setting.h, when 1..28),
// else the node's own setting (FinanceDeadlineDayOf), else the default. Errors: sql.*.
Result<int64_t> FinanceDeadlineDayAt(const Replica& replica, std::string_view region);

}  // namespace gongkai

#endif  // GONGKAI_NODE_WORKFLOW_FINANCE_DUE_H_
