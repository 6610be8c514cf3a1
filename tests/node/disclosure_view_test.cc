#include "node/disclosure_view.h"

#include <doctest/doctest.h>

#include "protocol/hlc.h"
#include "tests/node/replica_fixture.h"

namespace gongkai {
namespace {

using testing::TestCounty;

TEST_CASE("status names parse back; unknown ones are refused") {
  for (DisclosureStatus s :
       {DisclosureStatus::kDraft, DisclosureStatus::kSubmitted, DisclosureStatus::kReturned,
        DisclosureStatus::kApproved, DisclosureStatus::kWithdrawn, DisclosureStatus::kSuperseded}) {
    auto parsed = ParseStatus(StatusName(s));
    REQUIRE(parsed.ok());
    CHECK(*parsed == s);
    CHECK_FALSE(StatusLabel(s).empty());
  }
  CHECK(ParseStatus("done").status().code() == std::string(kErrWorkflowInput));
}

TEST_CASE("HLC times are shown in Beijing time") {
  // 2024-10-15 01:30 UTC is 09:30 in Beijing.
  CHECK(HlcBeijingTime(MakeHlc(1728955800000, 7)) == "2024-10-15 09:30");
  // 16:00 UTC is the next day in Beijing.
  CHECK(HlcBeijingTime(MakeHlc(1728950400000 + 16 * 3600000, 0)) == "2024-10-16 00:00");
}

TEST_CASE("list: drafts and versions, filters by status, category and region") {
  TestCounty county;
  auto& village = *county.village;
  DraftInput affairs;
  affairs.category = Category::kAffairs;
  affairs.title = "公告";
  affairs.period = "2024";
  auto d1 = CreateDraft(*village.replica, affairs, testing::kWallMs);
  auto d2 = CreateDraft(*village.replica, affairs, testing::kWallMs + 1);
  REQUIRE(d1.ok());
  REQUIRE(d2.ok());
  Actor actor{&village.key, village.clock.get(), "文书", static_cast<int64_t>(testing::kWallMs)};
  REQUIRE(Submit(*village.replica, actor, d1->id).ok());

  auto all = ListDisclosures(village.db(), {});
  REQUIRE(all.ok());
  CHECK(all->size() == 2);
  ListFilter drafts;
  drafts.status = DisclosureStatus::kDraft;
  auto only_drafts = ListDisclosures(village.db(), drafts);
  REQUIRE(only_drafts.ok());
  REQUIRE(only_drafts->size() == 1);
  CHECK((*only_drafts)[0].id == d2->id);
  ListFilter finance;
  finance.category = Category::kFinance;
  CHECK(ListDisclosures(village.db(), finance)->empty());
  ListFilter sibling;
  sibling.region = testing::kSiblingVillage;
  auto in_sibling = ListDisclosures(village.db(), sibling);
  REQUIRE(in_sibling.ok());
  REQUIRE(in_sibling->size() == 1);  // only the local draft, which has no region yet
  CHECK((*in_sibling)[0].id == d2->id);
  ListFilter bad;
  bad.region = "12";
  CHECK_FALSE(ListDisclosures(village.db(), bad).ok());

  auto state = LoadDisclosure(village.db(), d1->id);
  REQUIRE(state.ok());
  REQUIRE(state->has_value());
  const VersionFact* current = (*state)->current();
  REQUIRE(current != nullptr);
  auto found = FindVersionByPrefix(**state, current->version_id.substr(0, 6));
  REQUIRE(found.ok());
  CHECK(*found == current);
  CHECK(FindVersionByPrefix(**state, "zzzz").status().code() == std::string(kErrWorkflowNotFound));
  CHECK(LoadDisclosure(village.db(), std::string(32, 'f'))->has_value() == false);
}

}  // namespace
}  // namespace gongkai
