#include "hub/audit/audit_report.h"

#include <doctest/doctest.h>

#include "tests/hub/audit_query_fixture.h"

namespace gongkai {
namespace {

using testing::AuditCounty;

constexpr int64_t kHour = 3'600'000;

// The figures below are worked out by hand from the scenario (tests/hub/audit_query_fixture.h):
//   Every village was enrolled on 10-01, after the Q1 and Q2 deadlines (04-15, 07-15), so
//   only Q3 (due 10-15) is judged; Q4 is not yet due.
//   石庙村 finance 24 h, subsidies 4 h, 8 h, 2 h to approval; Q3 on time.
//   金凤村 finance returned once, resubmitted, approved 2 h after the new version reached
//   the hub; Q3 late.
//   白鹤村 nothing: Q3 missing.
// The scenario, built once for this file's read-only checks (it takes seconds).
struct Built {
  AuditCounty c;
  testing::AuditScenario s = testing::RunAuditScenario(c);
  County county = c.OpenForAudit();
};
Built& Shared() {
  static Built built;
  return built;
}

TEST_CASE("report per village, township subtotal and county total, checked by hand") {
  Built& built = Shared();
  County& county = built.county;
  testing::AuditScenario& s = built.s;
  auto nodes = LoadNodeDirectory(county.replica().db(), NodeIdHex(county.hub_key().node_id()));
  REQUIRE(nodes.ok());
  auto rows = AuditYearReport(county.replica().db(), *nodes, 2026, AuditSettings{}, s.audit_at);
  INFO(rows.status().ToString());
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 5);

  const ReportRow& a = (*rows)[0];
  CHECK(a.kind == "region");
  CHECK(a.region == testing::kAuditVillageA);
  CHECK(a.name == "石庙村");
  CHECK(a.township == testing::kAuditTownship);
  CHECK(a.township_name == "龙蟠镇");
  CHECK(a.affairs == 0);
  CHECK(a.finance == 1);
  CHECK(a.subsidy == 3);
  CHECK(a.returns == 0);
  CHECK(a.approvals == 4);
  CHECK(a.timed_approvals == 4);
  CHECK(a.average_approval_ms() == (24 + 4 + 8 + 2) * kHour / 4);  // 9.5 h
  CHECK(a.worst_approval_ms == 24 * kHour);
  CHECK(a.late == 0);
  CHECK(a.missing == 0);

  const ReportRow& b = (*rows)[1];
  CHECK(b.name == "金凤村");
  CHECK(b.finance == 1);  // two versions, one disclosure
  CHECK(b.subsidy == 0);
  CHECK(b.returns == 1);
  CHECK(b.approvals == 1);
  CHECK(b.average_approval_ms() == 2 * kHour);
  CHECK(b.worst_approval_ms == 2 * kHour);
  CHECK(b.late == 1);
  CHECK(b.missing == 0);

  const ReportRow& cc = (*rows)[2];
  CHECK(cc.name == "白鹤村");
  CHECK(cc.finance + cc.subsidy + cc.affairs + cc.returns + cc.approvals == 0);
  CHECK(cc.timed_approvals == 0);
  CHECK(cc.average_approval_ms() == 0);
  CHECK(cc.late == 0);
  CHECK(cc.missing == 1);

  const ReportRow& township = (*rows)[3];
  CHECK(township.kind == "township");
  CHECK(township.region == testing::kAuditTownship);
  CHECK(township.finance == 2);
  CHECK(township.subsidy == 3);
  CHECK(township.returns == 1);
  CHECK(township.approvals == 5);
  CHECK(township.average_approval_ms() == (24 + 4 + 8 + 2 + 2) * kHour / 5);  // 8 h
  CHECK(township.worst_approval_ms == 24 * kHour);
  CHECK(township.late == 1);
  CHECK(township.missing == 1);

  const ReportRow& total = (*rows)[4];
  CHECK(total.kind == "county");
  CHECK(total.region == "511304");
  CHECK(total.approvals == 5);
  CHECK(total.average_approval_ms() == 8 * kHour);
  CHECK(total.missing == 1);
  CHECK(total.late == 1);
}

TEST_CASE("a year before the villages were enrolled: nothing is late or missing") {
  Built& built = Shared();
  County& county = built.county;
  testing::AuditScenario& s = built.s;
  auto nodes = LoadNodeDirectory(county.replica().db(), NodeIdHex(county.hub_key().node_id()));
  REQUIRE(nodes.ok());
  auto rows = AuditYearReport(county.replica().db(), *nodes, 2025, AuditSettings{}, s.audit_at);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 5);
  CHECK(rows->back().approvals == 0);
  CHECK(rows->back().finance == 0);
  // Every 2025 deadline passed before the villages were enrolled (2026-10-01).
  CHECK(rows->back().missing == 0);
  CHECK(rows->back().late == 0);
}

TEST_CASE("report refuses a year outside its range") {
  AuditCounty c;
  REQUIRE(PrepareAuditTables(c.county.replica().db()).ok());
  auto nodes = LoadNodeDirectory(c.county.replica().db(), "");
  REQUIRE(nodes.ok());
  CHECK(AuditYearReport(c.county.replica().db(), *nodes, kMinReportYear - 1, {}, c.hub_now)
            .status()
            .code() == kErrAuditInput);
  CHECK(AuditYearReport(c.county.replica().db(), *nodes, kMaxReportYear + 1, {}, c.hub_now)
            .status()
            .code() == kErrAuditInput);
  CHECK(AuditYearReport(c.county.replica().db(), *nodes, kMaxReportYear, {}, c.hub_now).ok());
}

}  // namespace
}  // namespace gongkai
