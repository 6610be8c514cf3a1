#include "hub/audit/audit_stale.h"

#include <doctest/doctest.h>

#include "tests/hub/audit_query_fixture.h"

namespace gongkai {
namespace {

using testing::AuditCounty;
using testing::BeijingMs;

TEST_CASE(
    "stale lists the never-synced village first, then the longest silent, never the revoked") {
  AuditCounty c;
  testing::AuditScenario s = testing::RunAuditScenario(c);
  County county = c.OpenForAudit();
  auto nodes = LoadNodeDirectory(county.replica().db(), NodeIdHex(county.hub_key().node_id()));
  REQUIRE(nodes.ok());

  auto week = AuditStale(county.replica().db(), *nodes, 7, s.audit_at);
  INFO(week.status().ToString());
  REQUIRE(week.ok());
  REQUIRE(week->size() == 2);
  CHECK((*week)[0].node.name == "白鹤村");
  CHECK_FALSE((*week)[0].last_contact.has_value());
  CHECK_FALSE((*week)[0].days_silent.has_value());
  CHECK((*week)[0].envelopes == 0);
  CHECK((*week)[0].node.enrolled_ms == BeijingMs(2026, 10, 1, 9));
  // 石庙村's last envelope reached the hub on 10-11 09:00: 9 whole days before 10-20 12:00.
  CHECK((*week)[1].node.name == "石庙村");
  CHECK((*week)[1].last_contact == BeijingMs(2026, 10, 11, 9));
  CHECK((*week)[1].days_silent == 9);
  // Its finance, three subsidy lists and the posting of its finance sheet.
  CHECK((*week)[1].envelopes == 5);

  // 金凤村 never talked to the hub, but its envelopes arrived through the township on 10-17.
  auto month = AuditStale(county.replica().db(), *nodes, 30, s.audit_at);
  REQUIRE(month.ok());
  REQUIRE(month->size() == 1);
  CHECK(month->front().node.name == "白鹤村");
  // 青龙村 was revoked and the hub is the hub: neither is listed whatever the days.
  auto all = AuditStale(county.replica().db(), *nodes, 1, BeijingMs(2027, 6, 1));
  REQUIRE(all.ok());
  for (const StaleNode& node : *all) {
    CHECK(node.node.name != "青龙村");
    CHECK_FALSE(node.node.is_hub);
  }
  CHECK(all->size() == 4);
}

TEST_CASE("a push the hub refused still counts as contact") {
  AuditCounty c;
  testing::AuditScenario s = testing::RunAuditScenario(c);
  testing::AuditOffice& township = *c.offices[testing::kAuditTownship];
  // The township's last accepted envelope arrived on 10-17 11:00; on 11-20 it pushes only
  // the revoked village's envelope again, which is refused.
  c.hub_now = BeijingMs(2026, 11, 20, 9);
  c.Push(township, /*expect_refused=*/true);
  County county = c.OpenForAudit();
  auto nodes = LoadNodeDirectory(county.replica().db(), NodeIdHex(county.hub_key().node_id()));
  REQUIRE(nodes.ok());
  auto stale = AuditStale(county.replica().db(), *nodes, 30, BeijingMs(2026, 12, 1));
  REQUIRE(stale.ok());
  bool township_listed = false;
  for (const StaleNode& node : *stale)
    township_listed |= node.node.region == testing::kAuditTownship;
  CHECK_FALSE(township_listed);
  // 石庙村 (10-11), 金凤村 (10-17) and 白鹤村 (never) are.
  CHECK(stale->size() == 3);
  (void)s;
}

TEST_CASE("stale refuses days outside 1..kMaxStaleDays") {
  AuditCounty c;
  County& county = c.county;
  REQUIRE(PrepareAuditTables(county.replica().db()).ok());
  auto nodes = LoadNodeDirectory(county.replica().db(), NodeIdHex(county.hub_key().node_id()));
  REQUIRE(nodes.ok());
  CHECK(AuditStale(county.replica().db(), *nodes, 0, c.hub_now).status().code() == kErrAuditInput);
  CHECK(AuditStale(county.replica().db(), *nodes, kMaxStaleDays + 1, c.hub_now).status().code() ==
        kErrAuditInput);
  CHECK(AuditStale(county.replica().db(), *nodes, kMaxStaleDays, c.hub_now).ok());
  CHECK(AuditStale(county.replica().db(), *nodes, 1, c.hub_now).ok());
}

}  // namespace
}  // namespace gongkai
