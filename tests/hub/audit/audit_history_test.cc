#include "hub/audit/audit_history.h"

#include <doctest/doctest.h>

#include "node/replica/sql.h"
#include "tests/hub/audit_query_fixture.h"

namespace gongkai {
namespace {

using testing::AuditCounty;
using testing::BeijingMs;

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

TEST_CASE("history of a disclosure: who wrote each fact, their clock, and the hub's receipt") {
  Built& built = Shared();
  County& county = built.county;
  testing::AuditScenario& s = built.s;
  auto nodes = LoadNodeDirectory(county.replica().db(), NodeIdHex(county.hub_key().node_id()));
  REQUIRE(nodes.ok());
  auto events = AuditHistory(county.replica().db(), *nodes, HistoryQuery{s.finance_b, ""});
  INFO(events.status().ToString());
  REQUIRE(events.ok());
  REQUIRE(events->size() == 4);
  const HistoryEvent& first = (*events)[0];
  CHECK(first.kind == "version");
  CHECK(first.node_name == "金凤村");
  CHECK(first.node_role == "village");
  CHECK(first.person == "报账员 陈刚");
  CHECK(first.category == "finance");
  CHECK(first.what.find("第 1 版") != std::string::npos);
  // Written at 10-12 10:00 by a clock two days behind; reached the hub on 10-13 09:00.
  CHECK(HlcMs(first.hlc) == BeijingMs(2026, 10, 10, 10));
  CHECK(first.received_at == BeijingMs(2026, 10, 13, 9));
  const HistoryEvent& returned = (*events)[1];
  CHECK(returned.kind == "review");
  CHECK(returned.node_name == "龙蟠镇");
  CHECK(returned.node_role == "township");
  CHECK(returned.what == "乡镇审核：退回（缺少凭证号）");
  CHECK(returned.received_at == BeijingMs(2026, 10, 13, 9));
  const HistoryEvent& second = (*events)[2];
  CHECK(second.kind == "version");
  CHECK(second.what.find("修改后重新提交") == 0);
  CHECK(second.what.find("第 2 版") != std::string::npos);
  CHECK(HlcMs(second.hlc) == BeijingMs(2026, 10, 14, 10));
  CHECK(second.received_at == BeijingMs(2026, 10, 17, 9));
  const HistoryEvent& approved = (*events)[3];
  CHECK(approved.what == "乡镇审核：通过");
  CHECK(approved.version_id == second.version_id);
  CHECK(approved.received_at == BeijingMs(2026, 10, 17, 11));
  // Log indexes grow with receipt.
  REQUIRE(first.log_index.has_value());
  CHECK(*first.log_index <= *returned.log_index);
  CHECK(*returned.log_index < *second.log_index);
  CHECK(*second.log_index < *approved.log_index);
  for (const HistoryEvent& e : *events) {
    CHECK(e.disclosure_id == s.finance_b);
    CHECK(e.region == testing::kAuditVillageB);
    // The envelope named is the one the log holds at that index (what `audit proof` takes).
    CAPTURE(e.fact_id);
    REQUIRE(e.log_index.has_value());
    auto stmt = Statement::Prepare(county.replica().db(),
                                   "SELECT envelope_id FROM log_entry WHERE idx = ?");
    REQUIRE(stmt.ok());
    stmt->Bind(1, *e.log_index);
    auto row = stmt->Step();
    REQUIRE((row.ok() && *row));
    CHECK(stmt->ColumnText(0) == e.envelope_id);
  }
}

TEST_CASE("history of a region lists versions, reviews and postings of its disclosures") {
  Built& built = Shared();
  County& county = built.county;
  testing::AuditScenario& s = built.s;
  auto nodes = LoadNodeDirectory(county.replica().db(), NodeIdHex(county.hub_key().node_id()));
  REQUIRE(nodes.ok());
  auto village =
      AuditHistory(county.replica().db(), *nodes, HistoryQuery{"", testing::kAuditVillageA});
  REQUIRE(village.ok());
  // Four disclosures, each a version and an approval, and one posting.
  REQUIRE(village->size() == 9);
  int postings = 0;
  for (const HistoryEvent& e : *village) {
    CHECK(e.region == testing::kAuditVillageA);
    if (e.kind == "posting") {
      ++postings;
      CHECK(e.what == "打印张贴 2 份");
      CHECK(e.disclosure_id == s.finance_a);
      CHECK(e.node_name == "石庙村");
      // Recorded at 10-09 16:00, pushed with the next list on 10-10 09:00.
      CHECK(e.received_at == BeijingMs(2026, 10, 10, 9));
    }
  }
  CHECK(postings == 1);
  // HLC order.
  for (size_t i = 1; i < village->size(); ++i) CHECK((*village)[i - 1].hlc <= (*village)[i].hlc);

  auto township =
      AuditHistory(county.replica().db(), *nodes, HistoryQuery{"", testing::kAuditTownship});
  REQUIRE(township.ok());
  CHECK(township->size() == 13);  // 石庙村's 9 and 金凤村's 4
  auto both = AuditHistory(county.replica().db(), *nodes,
                           HistoryQuery{s.finance_a, testing::kAuditVillageB});
  REQUIRE(both.ok());
  CHECK(both->empty());
}

TEST_CASE("history needs a region or a disclosure") {
  AuditCounty c;
  REQUIRE(PrepareAuditTables(c.county.replica().db()).ok());
  auto nodes = LoadNodeDirectory(c.county.replica().db(), "");
  REQUIRE(nodes.ok());
  CHECK(AuditHistory(c.county.replica().db(), *nodes, HistoryQuery{}).status().code() ==
        kErrAuditInput);
}

}  // namespace
}  // namespace gongkai
