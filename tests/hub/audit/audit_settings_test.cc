#include "hub/audit/audit_settings.h"

#include <doctest/doctest.h>

#include "node/replica/county_setting.h"
#include "node/replica/sql.h"
#include "tests/hub/county_fixture.h"

namespace gongkai {
namespace {

TEST_CASE("audit settings have defaults, are set within their range and survive a reopen") {
  testing::HubHome hub;
  auto defaults = LoadAuditSettings(hub.county.replica());
  REQUIRE(defaults.ok());
  CHECK(defaults->finance_deadline_day == 15);
  CHECK(defaults->subsidy_min_publicity_days == 7);
  CHECK(defaults->clock_skew_hours == 24);
  CHECK(defaults->stale_days == 30);

  REQUIRE(SetAuditSetting(hub.county.replica(), kSettingFinanceDeadlineDay, "20").ok());
  REQUIRE(SetAuditSetting(hub.county.replica(), kSettingSubsidyMinPublicityDays, "10").ok());
  // At the limits.
  CHECK(SetAuditSetting(hub.county.replica(), kSettingClockSkewHours, "1").ok());
  CHECK(SetAuditSetting(hub.county.replica(), kSettingStaleDays, "3650").ok());

  auto reopened = OpenCounty(hub.home);
  REQUIRE(reopened.ok());
  auto loaded = LoadAuditSettings(reopened->replica());
  REQUIRE(loaded.ok());
  CHECK(loaded->finance_deadline_day == 20);
  CHECK(loaded->subsidy_min_publicity_days == 10);
  CHECK(loaded->clock_skew_hours == 1);
  CHECK(loaded->stale_days == 3650);
  auto shown = ShowAuditSettings(reopened->replica());
  REQUIRE(shown.ok());
  REQUIRE(shown->size() == AuditSettingKeys().size());
  CHECK((*shown)[0].info->key == std::string_view(kSettingFinanceDeadlineDay));
  CHECK((*shown)[0].set);
  CHECK((*shown)[0].value == 20);
}

TEST_CASE("audit settings refuse unknown keys and values out of range") {
  testing::HubHome hub;
  Replica& replica = hub.county.replica();
  CHECK(SetAuditSetting(replica, "finance.deadline", "15").code() == kErrAuditSettingKey);
  // One past each limit.
  CHECK(SetAuditSetting(replica, kSettingFinanceDeadlineDay, "0").code() == kErrAuditSettingValue);
  CHECK(SetAuditSetting(replica, kSettingFinanceDeadlineDay, "29").code() == kErrAuditSettingValue);
  CHECK(SetAuditSetting(replica, kSettingSubsidyMinPublicityDays, "367").code() ==
        kErrAuditSettingValue);
  CHECK(SetAuditSetting(replica, kSettingClockSkewHours, "0").code() == kErrAuditSettingValue);
  CHECK(SetAuditSetting(replica, kSettingStaleDays, "3651").code() == kErrAuditSettingValue);
  CHECK(SetAuditSetting(replica, kSettingFinanceDeadlineDay, "15天").code() ==
        kErrAuditSettingValue);
  CHECK(SetAuditSetting(replica, kSettingFinanceDeadlineDay, "").code() == kErrAuditSettingValue);
  CHECK(SetAuditSetting(replica, kSettingFinanceDeadlineDay, "28").ok());
  // A hand-edited value is named, not used.
  const std::string junk = "abc";
  REQUIRE(replica
              .PutSetting(kSettingClockSkewHours,
                          ByteView(reinterpret_cast<const uint8_t*>(junk.data()), junk.size()))
              .ok());
  CHECK(LoadAuditSettings(replica).status().code() == kErrAuditSettingStored);
}

}  // namespace
}  // namespace gongkai

namespace gongkai {
namespace {

int64_t CountySettingRows(County& county) {
  auto n = QueryInt(county.replica().db(), "SELECT count(*) FROM county_setting");
  REQUIRE(n.ok());
  return n->value_or(-1);
}

TEST_CASE("PublishCountySettings sends a setting made before settings synced, once") {
  testing::HubHome hub;
  // Defaults only: every node assumes them already.
  auto none = PublishCountySettings(hub.county);
  REQUIRE(none.ok());
  CHECK(*none == 0);
  // Set the old way (no row), as a hub home of an older release holds it.
  REQUIRE(SetAuditSetting(hub.county.replica(), kSettingFinanceDeadlineDay, "18").ok());
  REQUIRE(SetAuditSetting(hub.county.replica(), kSettingStaleDays, "60").ok());
  CHECK(CountySettingRows(hub.county) == 0);
  auto first = PublishCountySettings(hub.county);
  REQUIRE(first.ok());
  CHECK(*first == 1);
  auto value = CountySetting(hub.county.replica().db(), kSettingFinanceDeadlineDay, "511304");
  REQUIRE(value.ok());
  CHECK(*value == std::optional<int64_t>(18));
  auto again = PublishCountySettings(hub.county);
  REQUIRE(again.ok());
  CHECK(*again == 0);
  CHECK(CountySettingRows(hub.county) == 1);
  // SetCountySetting writes the row and the setting together.
  REQUIRE(SetCountySetting(hub.county, kSettingFinanceDeadlineDay, "12").ok());
  CHECK(CountySettingRows(hub.county) == 2);
  auto loaded = LoadAuditSettings(hub.county.replica());
  REQUIRE(loaded.ok());
  CHECK(loaded->finance_deadline_day == 12);
  CHECK(SetCountySetting(hub.county, kSettingFinanceDeadlineDay, "0").code() ==
        kErrAuditSettingValue);
  CHECK(CountySettingRows(hub.county) == 2);
}

}  // namespace
}  // namespace gongkai
