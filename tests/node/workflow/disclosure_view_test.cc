#include "node/workflow/disclosure_view.h"

#include <doctest/doctest.h>

#include "protocol/hlc.h"
#include "tests/node/disclosure_rows.h"
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

TEST_CASE("status counts only facts of the version's own region") {
  TestCounty c;
  const testing::VersionSpec v = testing::NewVersion("v1", "d1");
  testing::WriteAndDeliver(*c.village,
                           [&](sqlite3* db, const CaptureStamp& s) {
                             return testing::InsertVersionRow(db, s, testing::kVillage, v);
                           },
                           {c.township.get()});
  testing::WriteAndDeliver(*c.township,
                           [&](sqlite3* db, const CaptureStamp& s) {
                             return testing::InsertReviewRow(
                                 db, s, testing::kVillage,
                                 testing::ReviewOf(v, "t1", "township", "approve"));
                           },
                           {c.village.get()});
  auto status_at_township = [&] {
    auto state = LoadDisclosure(c.township->db(), v.disclosure_id);
    REQUIRE(state.ok());
    REQUIRE(state->has_value());
    const VersionFact* version = (*state)->FindVersion(v.version_id);
    REQUIRE(version != nullptr);
    return version->status;
  };
  REQUIRE(status_at_township() == DisclosureStatus::kApproved);

  // The neighbouring village names v as the parent of its version, withdraws v's
  // disclosure and "returns" v, all in its own region; the township holds every row.
  testing::VersionSpec child = testing::NewVersion("child", "d1");
  child.parent_version = v.version_id;
  testing::ReviewSpec stray = testing::ReviewOf(v, "stray", "supervision", "return");
  testing::WriteAndDeliver(
      *c.sibling,
      [&](sqlite3* db, const CaptureStamp& s) -> Status {
        GK_RETURN_IF_ERROR(testing::InsertVersionRow(db, s, testing::kSiblingVillage, child));
        GK_RETURN_IF_ERROR(testing::InsertReviewRow(db, s, testing::kSiblingVillage, stray));
        return testing::InsertWithdrawalRow(db, s, testing::kSiblingVillage, v, "w", "伪造");
      },
      {c.township.get()});
  CHECK(c.township->Count("withdrawal") == 1);
  CHECK(status_at_township() == DisclosureStatus::kApproved);
  auto state = LoadDisclosure(c.township->db(), v.disclosure_id);
  REQUIRE(state.ok());
  CHECK((*state)->withdrawals.size() == 1);  // kept and listed
  CHECK((*state)->FindVersion(v.version_id)->reviews.size() == 1);
}

}  // namespace
}  // namespace gongkai
