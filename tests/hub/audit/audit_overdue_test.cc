#include "hub/audit/audit_overdue.h"

#include <doctest/doctest.h>

#include "tests/hub/audit_query_fixture.h"

namespace gongkai {
namespace {

using testing::AuditCounty;
using testing::BeijingMs;

struct Audited {
  AuditCounty c;
  testing::AuditScenario s = testing::RunAuditScenario(c);
  County county = c.OpenForAudit();
  NodeDirectory nodes = Load();

  NodeDirectory Load() {
    auto loaded = LoadNodeDirectory(county.replica().db(), NodeIdHex(county.hub_key().node_id()));
    REQUIRE(loaded.ok());
    return std::move(*loaded);
  }
  Result<OverdueReport> Overdue(std::string_view period, const AuditSettings& settings = {}) {
    return AuditOverdue(county.replica().db(), nodes, period, settings, s.audit_at);
  }
};

// The scenario is built once for the read-only checks of this file (it takes seconds).
Audited& Shared() {
  static Audited audited;
  return audited;
}

TEST_CASE("a quarter approved after the deadline is late, one never submitted is missing") {
  Audited& a = Shared();
  auto report = a.Overdue("2026Q3");
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  CHECK(report->deadline.day == CivilDate{2026, 10, 15});
  CHECK(report->villages == 3);  // 青龙村 is revoked
  CHECK(report->pending == 0);
  REQUIRE(report->finance.size() == 2);
  const FinanceDue& late = report->finance[0];
  CHECK(late.region == testing::kAuditVillageB);
  CHECK(late.state == "late");
  CHECK(late.held == "approved");
  CHECK(late.disclosure_id == a.s.finance_b);
  // The township's approval reached the hub on 10-17 11:00, whatever 金凤村's clock said.
  CHECK(late.approved_at == BeijingMs(2026, 10, 17, 11));
  CHECK(late.days_late == 2);
  const FinanceDue& missing = report->finance[1];
  CHECK(missing.region == testing::kAuditVillageC);
  CHECK(missing.state == "missing");
  CHECK(missing.held == "none");
  CHECK_FALSE(missing.approved_at.has_value());
  // No subsidy list's 公示期 starts in Q3.
  CHECK(report->subsidy.empty());
}

TEST_CASE("a later deadline day makes the late quarter on time") {
  Audited& a = Shared();
  AuditSettings settings;
  settings.finance_deadline_day = 20;
  auto report = a.Overdue("2026Q3", settings);
  REQUIRE(report.ok());
  CHECK(report->deadline.day == CivilDate{2026, 10, 20});
  // 金凤村's approval of 10-17 is on time; 白鹤村 still has until the end of 10-20.
  CHECK(report->finance.empty());
  CHECK(report->pending == 1);
}

TEST_CASE("subsidy lists approved with a short 公示期, declared or left after approval") {
  Audited& a = Shared();
  auto report = a.Overdue("2026Q4");
  REQUIRE(report.ok());
  // Q4 finance is not due until 2027-01-15: nothing is late, three villages are pending.
  CHECK(report->finance.empty());
  CHECK(report->pending == 3);
  REQUIRE(report->subsidy.size() == 2);
  const ShortPublicity& declared = report->subsidy[0];   // 公示 from 10-06
  const ShortPublicity& short_one = report->subsidy[1];  // 公示 from 10-09
  CHECK(declared.disclosure_id == a.s.subsidy_late);
  CHECK(declared.publicity_from == "2026-10-06");
  CHECK(declared.publicity_to == "2026-10-12");
  CHECK(declared.declared_days == 7);
  CHECK(declared.effective_days == 3);  // approved 10-10: 10-10, 10-11, 10-12
  CHECK(declared.approved_at == BeijingMs(2026, 10, 10, 17));
  CHECK(short_one.disclosure_id == a.s.subsidy_short);
  CHECK(short_one.publicity_from == "2026-10-09");
  CHECK(short_one.publicity_to == "2026-10-11");
  CHECK(short_one.declared_days == 3);
  CHECK(short_one.effective_days == 3);
  // With a minimum of 3 days, neither is short.
  AuditSettings lenient;
  lenient.subsidy_min_publicity_days = 3;
  auto relaxed = a.Overdue("2026Q4", lenient);
  REQUIRE(relaxed.ok());
  CHECK(relaxed->subsidy.empty());
}

TEST_CASE("villages enrolled after a deadline are not judged for it") {
  Audited& a = Shared();
  // Q2 was due on 07-15; every village was enrolled on 10-01.
  auto report = a.Overdue("2026Q2");
  REQUIRE(report.ok());
  CHECK(report->villages == 0);
  CHECK(report->finance.empty());
  CHECK(report->pending == 0);
}

TEST_CASE("overdue refuses a period it cannot read") {
  Audited& a = Shared();
  CHECK(a.Overdue("2026第三季度").status().code() == kErrAuditInput);
  CHECK(a.Overdue("").status().code() == kErrAuditInput);
}

TEST_CASE("a monthly and a yearly period have their deadlines in the following month") {
  auto month = ParsePeriod("2026-07");
  REQUIRE(month.ok());
  CHECK(PeriodDeadline(*month, 15).day == CivilDate{2026, 8, 15});
  auto year = ParsePeriod("2026");
  REQUIRE(year.ok());
  CHECK(PeriodDeadline(*year, 10).day == CivilDate{2027, 1, 10});
  // The deadline day ends at midnight Beijing time.
  auto q4 = ParsePeriod("2026Q4");
  REQUIRE(q4.ok());
  CHECK(PeriodDeadline(*q4, 15).ends_at_ms == testing::BeijingMs(2027, 1, 16));
}

}  // namespace
}  // namespace gongkai
