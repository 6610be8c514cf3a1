#include "node/sheets/sheet_places.h"

#include <doctest/doctest.h>

#include "tests/node/disclosure_rows.h"
#include "tests/node/replica_fixture.h"

namespace gongkai {
namespace {

using testing::kCounty;
using testing::kSiblingVillage;
using testing::kTownship;
using testing::kVillage;

TEST_CASE("place names from certificate names: first word, without the levels above") {
  CHECK(PlaceNameFromCertificate("嘉陵区龙蟠镇石庙村 村委会", {"嘉陵区", "龙蟠镇"}) == "石庙村");
  CHECK(PlaceNameFromCertificate("龙蟠镇石庙村\u3000村委会", {"嘉陵区", "龙蟠镇"}) == "石庙村");
  CHECK(PlaceNameFromCertificate("  石庙村", {"嘉陵区", "龙蟠镇"}) == "石庙村");
  CHECK(PlaceNameFromCertificate("嘉陵区龙蟠镇 经管站", {"嘉陵区"}) == "龙蟠镇");
  CHECK(PlaceNameFromCertificate("嘉陵区 政务公开办", {}) == "嘉陵区");
  CHECK(PlaceNameFromCertificate("龙蟠镇", {"龙蟠镇"}) == "龙蟠镇");  // never stripped to nothing
  CHECK(PlaceNameFromCertificate("", {"嘉陵区"}) == "");
}

TEST_CASE("the latest certificate of the region's level names it; revoked ones only last") {
  testing::TestCounty c;
  testing::EnrolPlaceNames(c, {c.village.get()});
  auto places = ReadSheetPlaces(c.village->db(), kVillage);
  INFO(places.status().ToString());
  REQUIRE(places.ok());
  CHECK(places->county == "嘉陵区");
  CHECK(places->township == "龙蟠镇");
  CHECK(places->village == "石庙村");

  // A newer machine for the village that was then retired does not rename it.
  testing::EnrolNamed(c, Role::kVillage, kVillage, "错误村", {c.village.get()}, /*revoke=*/true);
  CHECK(ReadSheetPlaces(c.village->db(), kVillage)->village == "石庙村");

  auto township = ReadSheetPlaces(c.village->db(), kTownship);
  REQUIRE(township.ok());
  CHECK(township->township == "龙蟠镇");
  CHECK(township->village.empty());
  CHECK(ReadSheetPlaces(c.village->db(), kCounty)->township.empty());
}

TEST_CASE("given names win; a level without a name is refused") {
  testing::TestCounty c;
  // The sibling village's certificate row is held, but not for region 511304100203.
  auto places = ReadSheetPlaces(c.village->db(), kSiblingVillage);
  REQUIRE(places.ok());
  CHECK(places->village == "sibling");
  auto missing = ReadSheetPlaces(c.village->db(), "511304100203");
  CHECK(missing.status().code() == kErrSheetPlaceName);
  auto given = ReadSheetPlaces(c.village->db(), "511304100203", {"", "", "新建村"});
  REQUIRE(given.ok());
  CHECK(given->county == "county");
  CHECK(given->village == "新建村");
  CHECK(ReadSheetPlaces(c.village->db(), "51130410020").status().code().starts_with("region."));
}

TEST_CASE("a node enrolled offline names its county and itself from its enrolment") {
  testing::TestCounty c;
  constexpr char kNewVillage[] = "511304100203";
  // What CompleteEnrolment leaves: its own certificate and the county hub's, no rows.
  auto newcomer = testing::MakeNode(c.dir, "newcomer", c.root, Role::kVillage, kNewVillage);
  REQUIRE(newcomer->replica->AddKnownCertificate(c.county->certificate).ok());
  REQUIRE(newcomer->Count("certificate") == 0);

  auto county = ReadSheetPlaces(newcomer->db(), kCounty);
  REQUIRE_MESSAGE(county.ok(), county.status().ToString());
  CHECK(county->county == "county");
  // The township is named by no certificate it holds: asked for, naming the township.
  auto missing = ReadSheetPlaces(newcomer->db(), kNewVillage);
  CHECK(missing.status().code() == kErrSheetPlaceName);
  CHECK(missing.status().message().find(kTownship) != std::string::npos);
  auto places = ReadSheetPlaces(newcomer->db(), kNewVillage, {"", "龙蟠镇", ""});
  REQUIRE_MESSAGE(places.ok(), places.status().ToString());
  CHECK(places->county == "county");
  CHECK(places->village == "newcomer");

  // A known certificate that does not open under the root names nothing.
  REQUIRE(ExecSql(newcomer->db(), "UPDATE known_certificate SET body = CAST(x'00' AS BLOB)").ok());
  CHECK(ReadSheetPlaces(newcomer->db(), kCounty).status().code() == kErrSheetPlaceName);
}

}  // namespace
}  // namespace gongkai
