#include "hub/audit/audit_alarms.h"

#include <doctest/doctest.h>

#include "hub/log/refused.h"
#include "hub/log/revocation_position.h"
#include "node/replica/apply.h"
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
};

TEST_CASE("a village whose clock runs two days behind shows in the clock alarms, alone") {
  Audited a;
  auto report = AuditAlarms(a.county.replica().db(), a.nodes, 24);
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  REQUIRE(report->clocks.size() == 1);
  const ClockOffset& clock = report->clocks[0];
  CHECK(clock.name == "金凤村");
  CHECK(clock.region == testing::kAuditVillageB);
  CHECK(clock.envelopes == 2);
  CHECK(clock.beyond == 2);
  // Version 1: written 10-12 10:00 (its clock: 10-10 10:00), received 10-13 09:00;
  // version 2: written 10-16 10:00 (10-14 10:00), received 10-17 09:00. Both 71 h behind.
  CHECK(clock.worst_ms == -71 * 3'600'000LL);
  CHECK(clock.closest_ms == 71 * 3'600'000LL);
  // With a threshold of 72 hours nobody is off.
  auto lenient = AuditAlarms(a.county.replica().db(), a.nodes, 72);
  REQUIRE(lenient.ok());
  CHECK(lenient->clocks.empty());
}

TEST_CASE("a revoked key still sending shows with its refusals") {
  Audited a;  // its own: it sends again
  auto report = AuditAlarms(a.county.replica().db(), a.nodes, 24);
  REQUIRE(report.ok());
  REQUIRE(report->refused.size() == 1);
  CHECK(report->refused[0].what == "envelope");
  // The hub judges revocation by its log position (hub/log/revocation_position.h).
  CHECK(report->refused[0].code == kErrHubRevokedRetired);
  CHECK(report->refused[0].rows == 1);
  CHECK(report->refused[0].attempts == 1);
  CHECK(report->refused[0].origins == 1);
  CHECK(report->refused[0].last_at == BeijingMs(2026, 10, 19, 9));
  REQUIRE(report->revoked.size() == 1);
  CHECK(report->revoked[0].node_id == a.s.village_d);
  CHECK(report->revoked[0].name == "青龙村");
  CHECK(report->revoked[0].revoked == "retired");
  CHECK(report->revoked[0].attempts == 1);
  CHECK(report->equivocations.empty());
  CHECK_FALSE(report->empty());

  // The township syncs again without having learnt of the revocation: the same envelope is
  // refused once more, which counts as another attempt, not another row.
  a.c.hub_now = BeijingMs(2026, 10, 20, 9);
  a.c.Push(*a.c.offices[testing::kAuditTownship], /*expect_refused=*/true);
  auto again = AuditAlarms(a.county.replica().db(), a.nodes, 24);
  REQUIRE(again.ok());
  REQUIRE(again->revoked.size() == 1);
  CHECK(again->revoked[0].attempts == 2);
  CHECK(again->revoked[0].last_at == BeijingMs(2026, 10, 20, 9));
  CHECK(again->refused[0].rows == 1);
}

TEST_CASE("equivocations recorded by the hub, and refused requests when that table exists") {
  Audited a;
  Alarm alarm;
  alarm.kind = "equivocation";
  alarm.origin = a.c.offices[testing::kAuditVillageA]->id();
  alarm.seq = 3;
  alarm.held_envelope_id = std::string(64, 'a');
  alarm.held_bytes = {1, 2, 3};
  alarm.other_envelope_id = std::string(64, 'b');
  alarm.other_bytes = {4, 5, 6};
  alarm.source = "node:test";
  alarm.raised_at = BeijingMs(2026, 10, 19, 9);
  alarm.message = "same seq, other hash";
  REQUIRE(RecordAlarm(a.county.replica().db(), alarm).ok());
  auto report = AuditAlarms(a.county.replica().db(), a.nodes, 24);
  REQUIRE(report.ok());
  REQUIRE(report->equivocations.size() == 1);
  CHECK(report->equivocations[0].origin == alarm.origin);
  CHECK(report->equivocations[0].other_envelope_id == alarm.other_envelope_id);

  // Requests refused before their body is read (hub/log/refused_request.h): the hub's service
  // creates that table when it opens.
  sqlite3* db = a.county.replica().db();
  auto before = AuditAlarms(db, a.nodes, 24);
  REQUIRE(before.ok());
  CHECK(before->has_request_table);
  REQUIRE(ExecSql(db, "INSERT INTO refused_request(received_ms, node_id, path, code) VALUES"
                      " (1790000000000, '" +
                          a.s.village_d +
                          "', '/v1/pull', 'serve.revoked_node'),"
                          " (1790000060000, '" +
                          a.s.village_d +
                          "', '/v1/pull', 'serve.revoked_node'),"
                          " (1790000000000, 'x', '/v1/push', 'auth.malformed')")
              .ok());
  auto after = AuditAlarms(db, a.nodes, 24);
  REQUIRE(after.ok());
  CHECK(after->has_request_table);
  REQUIRE(after->refused.size() == 3);
  CHECK(after->refused[1].what == "request");
  CHECK(after->refused[1].code == "serve.revoked_node");
  CHECK(after->refused[1].attempts == 2);
  REQUIRE(after->revoked.size() == 2);
  CHECK(after->revoked[1].what == "request");
  CHECK(after->revoked[1].name == "青龙村");
  CHECK(after->revoked[1].attempts == 2);
  CHECK(after->revoked[1].last_at == 1790000060000);
}

}  // namespace
}  // namespace gongkai
