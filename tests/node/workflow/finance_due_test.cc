// The clerk's quarterly finance reminder (node/workflow/finance_due.h).
#include <doctest/doctest.h>

#include "node/workflow/finance_due.h"

namespace gongkai {
namespace {

constexpr char kVillage[] = "511304100201";

// Milliseconds at 10:00 Beijing time on the given day.
int64_t BeijingMs(int year, int month, int day) {
  return DaysFromCivil(CivilDate{year, month, day}) * 86'400'000 + 2 * 3'600'000;
}

DisclosureState Held(const std::string& id, const std::string& region, Category category,
                     const std::string& period, DisclosureStatus status) {
  DisclosureState s;
  s.id = id;
  s.region = region;
  s.category = category;
  s.period = period;
  s.status = status;
  return s;
}

TEST_CASE("the quarter just ended and the current one, with the village's own state") {
  const std::vector<DisclosureState> held = {
      Held("a", kVillage, Category::kFinance, "2026Q3", DisclosureStatus::kWithdrawn),
      Held("b", kVillage, Category::kFinance, "2026Q3", DisclosureStatus::kSubmitted),
      Held("c", kVillage, Category::kFinance, "2026Q3", DisclosureStatus::kDraft),
      Held("d", "511304100202", Category::kFinance, "2026Q3", DisclosureStatus::kApproved),
      Held("e", kVillage, Category::kAffairs, "2026Q3", DisclosureStatus::kApproved),
  };
  std::vector<FinanceDueItem> due = FinanceDue(held, kVillage, 15, BeijingMs(2026, 10, 10));
  REQUIRE(due.size() == 2);
  CHECK(due[0].period == "2026Q3");
  CHECK(due[0].deadline == CivilDate{2026, 10, 15});
  CHECK(due[0].days_left == 5);
  CHECK(due[0].ended);
  CHECK(due[0].state == "submitted");  // the draft and the withdrawn one rank lower
  CHECK(due[0].disclosure_id == "b");
  CHECK(due[1].period == "2026Q4");
  CHECK(due[1].deadline == CivilDate{2027, 1, 15});
  CHECK_FALSE(due[1].ended);
  CHECK(due[1].state == "none");
  CHECK(due[1].disclosure_id.empty());
}

TEST_CASE("the county's day, a passed deadline, and when the old quarter drops off") {
  std::vector<FinanceDueItem> due = FinanceDue({}, kVillage, 20, BeijingMs(2026, 12, 6));
  REQUIRE(due.size() == 2);
  CHECK(due[0].deadline == CivilDate{2026, 10, 20});
  CHECK(due[0].days_left == -47);
  CHECK(due[0].state == "none");
  // Sixty days after the deadline the quarter is no longer a reminder.
  due = FinanceDue({}, kVillage, 20, BeijingMs(2026, 12, 20));
  REQUIRE(due.size() == 1);
  CHECK(due[0].period == "2026Q4");
  // The first quarter's predecessor is the last of the year before.
  due = FinanceDue({}, kVillage, 15, BeijingMs(2027, 1, 3));
  REQUIRE(due.size() == 2);
  CHECK(due[0].period == "2026Q4");
  CHECK(due[1].period == "2027Q1");
}

TEST_CASE("late: the quarter ended, its deadline passed, and no approved finance disclosure") {
  const std::vector<DisclosureState> submitted = {
      Held("b", kVillage, Category::kFinance, "2026Q3", DisclosureStatus::kSubmitted)};
  const std::vector<DisclosureState> approved = {
      Held("a", kVillage, Category::kFinance, "2026Q3", DisclosureStatus::kApproved)};
  // On the deadline day itself nothing is late yet; the day after, the submitted one is.
  CHECK(LateFinancePeriods(submitted, kVillage, 15, BeijingMs(2026, 10, 15)).empty());
  CHECK(LateFinancePeriods(submitted, kVillage, 15, BeijingMs(2026, 10, 16)) ==
        std::vector<std::string>{"2026Q3"});
  CHECK(LateFinancePeriods({}, kVillage, 15, BeijingMs(2026, 12, 6)) ==
        std::vector<std::string>{"2026Q3"});
  CHECK(LateFinancePeriods(approved, kVillage, 15, BeijingMs(2026, 10, 16)).empty());
  // Another village's approval does not count for this one.
  CHECK(LateFinancePeriods(approved, "511304100202", 15, BeijingMs(2026, 10, 16)) ==
        std::vector<std::string>{"2026Q3"});
  // The current quarter is never late; the old one drops off 60 days after its deadline.
  CHECK(LateFinancePeriods({}, kVillage, 15, BeijingMs(2026, 12, 20)).empty());
}

TEST_CASE("the deadline day setting") {
  CHECK(FinanceDeadlineDayOf("") == kDefaultFinanceDeadlineDay);
  CHECK(FinanceDeadlineDayOf("7") == 7);
  CHECK(FinanceDeadlineDayOf("28") == 28);
  CHECK(FinanceDeadlineDayOf("29") == kDefaultFinanceDeadlineDay);
  CHECK(FinanceDeadlineDayOf("0") == kDefaultFinanceDeadlineDay);
  CHECK(FinanceDeadlineDayOf("1a") == kDefaultFinanceDeadlineDay);
}

}  // namespace
}  // namespace gongkai
