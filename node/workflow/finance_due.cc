// FinanceDue (node/workflow/finance_due.h).
#include "node/workflow/finance_due.h"

#include "node/replica/county_setting.h"
#include "protocol/region.h"

namespace gongkai {

namespace {

constexpr int64_t kListedAfterDeadlineDays = 60;

int Rank(std::string_view state) {
  if (state == "approved") return 4;
  if (state == "submitted") return 3;
  if (state == "returned") return 2;
  if (state == "draft") return 1;
  return 0;
}

std::string StateOf(const DisclosureState& s) {
  switch (s.status) {
    case DisclosureStatus::kApproved:
      return "approved";
    case DisclosureStatus::kSubmitted:
      return "submitted";
    case DisclosureStatus::kReturned:
      return "returned";
    case DisclosureStatus::kDraft:
      return "draft";
    default:
      return "none";
  }
}

}  // namespace

int64_t FinanceDeadlineDayOf(std::string_view setting) {
  if (setting.empty() || setting.size() > 2 ||
      setting.find_first_not_of("0123456789") != std::string_view::npos) {
    return kDefaultFinanceDeadlineDay;
  }
  const int64_t day = std::stoll(std::string(setting));
  return day >= 1 && day <= 28 ? day : kDefaultFinanceDeadlineDay;
}

Result<int64_t> FinanceDeadlineDayAt(const Replica& replica, std::string_view region) {
  GK_ASSIGN_OR_RETURN(std::optional<int64_t> county,
                      CountySetting(replica.db(), kSettingFinanceDeadlineDay, CountyOf(region)));
  if (county && *county >= 1 && *county <= 28) return *county;
  GK_ASSIGN_OR_RETURN(std::optional<Bytes> own, replica.GetSetting(kSettingFinanceDeadlineDay));
  return FinanceDeadlineDayOf(own ? std::string(own->begin(), own->end()) : std::string());
}

std::vector<FinanceDueItem> FinanceDue(const std::vector<DisclosureState>& held,
                                       std::string_view region, int64_t deadline_day,
                                       int64_t now_ms) {
  const int64_t today = BeijingDayNumber(now_ms);
  const Period current = QuarterOf(CivilFromDays(today));
  const Period previous = QuarterOf(CivilFromDays(DaysFromCivil(current.first) - 1));
  std::vector<FinanceDueItem> out;
  for (const Period* period : {&previous, &current}) {
    FinanceDueItem item;
    item.period = period->text;
    const Deadline deadline = PeriodDeadline(*period, deadline_day);
    item.deadline = deadline.day;
    item.days_left = DaysFromCivil(deadline.day) - today;
    item.ended = today > DaysFromCivil(period->last);
    if (item.days_left < -kListedAfterDeadlineDays) continue;
    item.state = "none";
    for (const DisclosureState& s : held) {
      if (s.category != Category::kFinance || s.region != region || s.period != period->text) {
        continue;
      }
      const std::string state = StateOf(s);
      if (Rank(state) > Rank(item.state)) {
        item.state = state;
        item.disclosure_id = s.id;
      }
    }
    out.push_back(item);
  }
  return out;
}

std::vector<std::string> LateFinancePeriods(const std::vector<DisclosureState>& held,
                                            std::string_view region, int64_t deadline_day,
                                            int64_t now_ms) {
  std::vector<std::string> late;
  for (const FinanceDueItem& item : FinanceDue(held, region, deadline_day, now_ms)) {
    if (item.ended && item.days_left < 0 && item.state != "approved") late.push_back(item.period);
  }
  return late;
}

}  // namespace gongkai
