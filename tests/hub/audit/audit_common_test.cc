#include "hub/audit/audit_common.h"

#include <doctest/doctest.h>

#include "tests/hub/audit_query_fixture.h"

namespace gongkai {
namespace {

TEST_CASE("Beijing times and dates of milliseconds") {
  // 2026-09-30 16:00 UTC is 10-01 00:00 in Beijing.
  const int64_t ms = testing::BeijingMs(2026, 10, 1);
  CHECK(BeijingMinuteText(ms) == "2026-10-01 00:00");
  CHECK(BeijingMinuteText(ms - 60'000) == "2026-09-30 23:59");
  CHECK(BeijingCivilDate(ms) == CivilDate{2026, 10, 1});
  CHECK(BeijingCivilDate(ms - 1) == CivilDate{2026, 9, 30});
  CHECK(BeijingMinuteText(0) == "1970-01-01 08:00");
  CHECK(HlcMs(static_cast<int64_t>(MakeHlc(1'790'000'000'000, 7))) == 1'790'000'000'000);
  CHECK(TownshipOf("511304100201") == "511304100");
}

TEST_CASE("the directory names nodes and regions and keeps the strongest revocation") {
  testing::AuditCounty c;
  testing::AuditOffice& village = c.Enrol(testing::kAuditVillageA, "石庙村", Role::kVillage);
  c.Enrol(testing::kAuditTownship, "龙蟠镇", Role::kTownship);
  REQUIRE(Revoke(c.county, testing::kPassphrase, village.id(), RevocationReason::kRetired).ok());
  REQUIRE(
      Revoke(c.county, testing::kPassphrase, village.id(), RevocationReason::kCompromised).ok());
  const std::string hub_id = NodeIdHex(c.county.hub_key().node_id());
  auto nodes = LoadNodeDirectory(c.county.replica().db(), hub_id);
  REQUIRE(nodes.ok());
  CHECK(nodes->nodes.size() == 3);
  const AuditNode* v = nodes->Find(village.id());
  REQUIRE(v != nullptr);
  CHECK(v->revoked == "compromised");
  CHECK(v->role == "village");
  CHECK(nodes->Find(hub_id)->is_hub);
  CHECK(nodes->Find(std::string(32, '0')) == nullptr);
  CHECK(nodes->RegionName(testing::kAuditTownship) == "龙蟠镇");
  CHECK(nodes->RegionName("511304100299") == "511304100299");
}

}  // namespace
}  // namespace gongkai
