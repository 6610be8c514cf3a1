#include "protocol/region.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

constexpr char kCounty[] = "511304";         // a county
constexpr char kTownship[] = "511304100";    // a township of it
constexpr char kVillage[] = "511304100201";  // a village of that township
constexpr char kOtherTownship[] = "511304101";
constexpr char kOtherVillage[] = "511304101201";
constexpr char kOtherCounty[] = "511302";

TEST_CASE("role names round trip") {
  for (Role role : {Role::kVillage, Role::kTownship, Role::kCounty, Role::kAuditor}) {
    CHECK(*ParseRole(RoleName(role)) == role);
  }
  CHECK(RoleName(Role::kTownship) == "township");
  CHECK(RoleWithArticle(Role::kVillage) == "a village");
  CHECK(RoleWithArticle(Role::kAuditor) == "an auditor");
  CHECK(ParseRole("Village").status().code() == kErrRoleUnknown);
  CHECK(ParseRole("").status().code() == kErrRoleUnknown);
}

TEST_CASE("valid codes at every level") {
  CHECK(ValidateRegion(kCounty).ok());
  CHECK(ValidateRegion(kTownship).ok());
  CHECK(ValidateRegion(kVillage).ok());
  CHECK(ValidateRegion("110101").ok());  // 北京市东城区
  CHECK(ValidateRegion("820101").ok());  // the largest province code, 82
  CHECK(RegionLevelOf(kCounty) == RegionLevel::kCounty);
  CHECK(RegionLevelOf(kTownship) == RegionLevel::kTownship);
  CHECK(RegionLevelOf(kVillage) == RegionLevel::kVillage);
}

TEST_CASE("each refusal names its code") {
  CHECK(ValidateRegion("").code() == kErrRegionLength);
  CHECK(ValidateRegion("51130").code() == kErrRegionLength);
  CHECK(ValidateRegion("5113041").code() == kErrRegionLength);
  CHECK(ValidateRegion("5113041002010").code() == kErrRegionLength);
  CHECK(ValidateRegion("51130a").code() == kErrRegionDigit);
  CHECK(ValidateRegion("511304 00201").code() == kErrRegionDigit);
  CHECK(ValidateRegion("101304").code() == kErrRegionProvince);  // 10 is no province
  CHECK(ValidateRegion("831304").code() == kErrRegionProvince);  // past 82
  CHECK(ValidateRegion("241304").code() == kErrRegionProvince);
  CHECK(ValidateRegion("510004").code() == kErrRegionZeroPart);  // prefecture 00
  CHECK(ValidateRegion("511300").code() == kErrRegionZeroPart);  // a prefecture, not a county
  CHECK(ValidateRegion("511304000").code() == kErrRegionZeroPart);
  CHECK(ValidateRegion("511304100000").code() == kErrRegionZeroPart);
  CHECK(ValidateRegion("511304000201").code() == kErrRegionZeroPart);
}

TEST_CASE("region level must fit the role") {
  CHECK(ValidateRegionForRole(kVillage, Role::kVillage).ok());
  CHECK(ValidateRegionForRole(kTownship, Role::kTownship).ok());
  CHECK(ValidateRegionForRole(kCounty, Role::kCounty).ok());
  CHECK(ValidateRegionForRole(kCounty, Role::kAuditor).ok());
  CHECK(ValidateRegionForRole(kTownship, Role::kVillage).code() == kErrRegionRoleLevel);
  CHECK(ValidateRegionForRole(kVillage, Role::kTownship).code() == kErrRegionRoleLevel);
  CHECK(ValidateRegionForRole(kTownship, Role::kCounty).code() == kErrRegionRoleLevel);
  CHECK(ValidateRegionForRole(kVillage, Role::kAuditor).code() == kErrRegionRoleLevel);
  CHECK(ValidateRegionForRole("51130x", Role::kCounty).code() == kErrRegionDigit);
}

TEST_CASE("parent and county") {
  CHECK(ParentRegion(kVillage) == kTownship);
  CHECK(ParentRegion(kTownship) == kCounty);
  CHECK(ParentRegion(kCounty).empty());
  CHECK(CountyOf(kVillage) == kCounty);
  CHECK(CountyOf(kCounty) == kCounty);
}

TEST_CASE("within is a prefix on whole levels") {
  CHECK(IsWithin(kVillage, kTownship));
  CHECK(IsWithin(kVillage, kCounty));
  CHECK(IsWithin(kTownship, kCounty));
  CHECK(IsWithin(kVillage, kVillage));
  CHECK(IsWithin(kCounty, kCounty));
  CHECK_FALSE(IsWithin(kTownship, kVillage));
  CHECK_FALSE(IsWithin(kCounty, kTownship));
  CHECK_FALSE(IsWithin(kOtherVillage, kTownship));
  CHECK_FALSE(IsWithin(kVillage, kOtherCounty));
  CHECK_FALSE(IsWithin("5113041", "511304"));       // not a whole level
  CHECK_FALSE(IsWithin("511304000201", "511304"));  // invalid child
  CHECK_FALSE(IsWithin(kVillage, "51130"));         // invalid ancestor
  CHECK_FALSE(IsWithin(kVillage, ""));
}

TEST_CASE("read scope: own subtree and ancestors") {
  // A village reads its own rows, its township's and its county's.
  CHECK(InReadScope(Role::kVillage, kVillage, kVillage));
  CHECK(InReadScope(Role::kVillage, kVillage, kTownship));
  CHECK(InReadScope(Role::kVillage, kVillage, kCounty));
  CHECK_FALSE(InReadScope(Role::kVillage, kVillage, kOtherVillage));
  CHECK_FALSE(InReadScope(Role::kVillage, kVillage, kOtherTownship));
  CHECK_FALSE(InReadScope(Role::kVillage, kVillage, kOtherCounty));
  // A township reads its villages, itself and the county, not another township's villages.
  CHECK(InReadScope(Role::kTownship, kTownship, kVillage));
  CHECK(InReadScope(Role::kTownship, kTownship, kTownship));
  CHECK(InReadScope(Role::kTownship, kTownship, kCounty));
  CHECK_FALSE(InReadScope(Role::kTownship, kTownship, kOtherVillage));
  CHECK_FALSE(InReadScope(Role::kTownship, kTownship, kOtherTownship));
  // The county and its auditor read the whole county and nothing else.
  for (Role role : {Role::kCounty, Role::kAuditor}) {
    CHECK(InReadScope(role, kCounty, kVillage));
    CHECK(InReadScope(role, kCounty, kOtherVillage));
    CHECK(InReadScope(role, kCounty, kOtherTownship));
    CHECK(InReadScope(role, kCounty, kCounty));
    CHECK_FALSE(InReadScope(role, kCounty, kOtherCounty));
    CHECK_FALSE(InReadScope(role, kCounty, "511302100201"));
  }
  // A reader whose region does not fit its role reads nothing; nor is a bad row in scope.
  CHECK_FALSE(InReadScope(Role::kVillage, kTownship, kTownship));
  CHECK_FALSE(InReadScope(Role::kAuditor, kTownship, kTownship));
  CHECK_FALSE(InReadScope(Role::kCounty, kCounty, "5113041"));
}

}  // namespace
}  // namespace gongkai
