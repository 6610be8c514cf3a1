#include "node/sheets/sheet_facts.h"

#include <doctest/doctest.h>

#include "tests/node/disclosure_rows.h"
#include "tests/node/replica_fixture.h"

namespace gongkai {
namespace {

using testing::InsertReviewRow;
using testing::InsertVersionRow;
using testing::InsertWithdrawalRow;
using testing::kSiblingVillage;
using testing::kVillage;
using testing::NewVersion;
using testing::ReviewOf;
using testing::VersionSpec;
using testing::WriteAndDeliver;

SheetVersionFacts Facts(testing::TestNode& node, const VersionSpec& v) {
  auto facts = ReadSheetVersionFacts(node.db(), v.version_id);
  INFO(facts.status().ToString());
  REQUIRE(facts.ok());
  return *facts;
}

// The village submits `v` with a supervision approval; the township gets it.
void Submit(testing::TestCounty& c, const VersionSpec& v) {
  WriteAndDeliver(*c.village,
                  [&](sqlite3* db, const CaptureStamp& s) -> Status {
                    GK_RETURN_IF_ERROR(InsertVersionRow(db, s, kVillage, v));
                    return InsertReviewRow(
                        db, s, kVillage,
                        ReviewOf(v, "sup " + v.version_id, "supervision", "approve"));
                  },
                  {c.township.get()});
}

void TownshipReview(testing::TestCounty& c, const VersionSpec& v, std::string_view seed,
                    std::string decision, std::string comment = "") {
  auto review = ReviewOf(v, seed, "township", std::move(decision));
  review.comment = std::move(comment);
  WriteAndDeliver(
      *c.township,
      [&](sqlite3* db, const CaptureStamp& s) { return InsertReviewRow(db, s, kVillage, review); },
      {c.village.get()});
}

TEST_CASE("a version read back with its reviews, in order, and who signed them") {
  testing::TestCounty c;
  VersionSpec v = NewVersion("v1", "d1");
  Submit(c, v);
  CHECK(Facts(*c.village, v).version.status == DisclosureStatus::kSubmitted);

  TownshipReview(c, v, "t1", "return", "金额有误");
  SheetVersionFacts facts = Facts(*c.village, v);
  CHECK(facts.version.status == DisclosureStatus::kReturned);
  CHECK(facts.version.title == v.title);
  CHECK(facts.disclosure_id == v.disclosure_id);
  CHECK(facts.version.region == kVillage);
  CHECK(facts.version.origin == c.village->id());
  REQUIRE(facts.version.reviews.size() == 2);
  CHECK(facts.version.reviews[0].stage == "supervision");
  CHECK(facts.SignerName(facts.version.reviews[0].origin) == "village");
  CHECK(facts.version.reviews[1].comment == "金额有误");
  CHECK(facts.SignerName(facts.version.reviews[1].origin) == "township");
  CHECK(facts.SignerName("unknown").empty());
  CHECK(facts.version.reviews[1].hlc > 0);
  CHECK(facts.DecidingReview() == &facts.version.reviews[1]);

  // The latest township review decides.
  TownshipReview(c, v, "t2", "approve");
  CHECK(Facts(*c.village, v).version.status == DisclosureStatus::kApproved);
  CHECK(Facts(*c.township, v).version.status == DisclosureStatus::kApproved);
  TownshipReview(c, v, "t3", "return", "再核对一次");
  CHECK(Facts(*c.village, v).version.status == DisclosureStatus::kReturned);
}

TEST_CASE("superseded comes before withdrawn, withdrawn before the township's decision") {
  testing::TestCounty c;
  VersionSpec v1 = NewVersion("v1", "d1");
  Submit(c, v1);
  TownshipReview(c, v1, "t1", "approve");

  VersionSpec v2 = NewVersion("v2", "d1");
  v2.parent_version = v1.version_id;
  Submit(c, v2);
  SheetVersionFacts old = Facts(*c.village, v1);
  CHECK(old.version.status == DisclosureStatus::kSuperseded);
  CHECK(old.superseded_by == std::vector<std::string>{v2.version_id});
  CHECK_FALSE(old.conflict);
  CHECK(Facts(*c.village, v2).version.status == DisclosureStatus::kSubmitted);

  WriteAndDeliver(*c.village,
                  [&](sqlite3* db, const CaptureStamp& s) {
                    return InsertWithdrawalRow(db, s, kVillage, v2, "w1", "重复发布");
                  },
                  {c.township.get()});
  SheetVersionFacts withdrawn = Facts(*c.village, v2);
  CHECK(withdrawn.version.status == DisclosureStatus::kWithdrawn);
  REQUIRE(withdrawn.withdrawal.has_value());
  CHECK(withdrawn.withdrawal->reason == "重复发布");
  CHECK(Facts(*c.village, v1).version.status == DisclosureStatus::kSuperseded);
}

TEST_CASE("two children of one parent are a conflict") {
  testing::TestCounty c;
  VersionSpec v1 = NewVersion("v1", "d1");
  Submit(c, v1);
  VersionSpec a = NewVersion("a", "d1");
  VersionSpec b = NewVersion("b", "d1");
  a.parent_version = b.parent_version = v1.version_id;
  Submit(c, a);
  CHECK_FALSE(Facts(*c.village, a).conflict);
  Submit(c, b);
  CHECK(Facts(*c.village, a).conflict);
  CHECK(Facts(*c.village, v1).superseded_by.size() == 2);
}

TEST_CASE("rows of another region or disclosure that name the version do not count") {
  testing::TestCounty c;
  VersionSpec v = NewVersion("v1", "d1");
  Submit(c, v);
  TownshipReview(c, v, "t1", "approve");

  // The sibling village declares a child of v and withdraws v's disclosure, in its region.
  VersionSpec child = NewVersion("forged", "d1");
  child.parent_version = v.version_id;
  WriteAndDeliver(*c.sibling,
                  [&](sqlite3* db, const CaptureStamp& s) -> Status {
                    GK_RETURN_IF_ERROR(InsertVersionRow(db, s, kSiblingVillage, child));
                    return InsertWithdrawalRow(db, s, kSiblingVillage, v, "w-forged", "伪造");
                  },
                  {c.township.get()});
  REQUIRE(c.township->Count("withdrawal") == 1);
  CHECK(Facts(*c.township, v).version.status == DisclosureStatus::kApproved);
  CHECK(Facts(*c.township, v).superseded_by.empty());

  // A township review that names another disclosure is not a review of this version.
  auto stray = ReviewOf(v, "t-stray", "township", "return");
  stray.disclosure_id = testing::TestId("other");
  WriteAndDeliver(
      *c.township,
      [&](sqlite3* db, const CaptureStamp& s) { return InsertReviewRow(db, s, kVillage, stray); },
      {c.village.get()});
  CHECK(Facts(*c.village, v).version.status == DisclosureStatus::kApproved);
  CHECK(Facts(*c.village, v).version.reviews.size() == 2);
}

TEST_CASE("versions are found by id or unique prefix") {
  testing::TestCounty c;
  VersionSpec v = NewVersion("v1", "d1");
  Submit(c, v);
  CHECK(*ResolveVersionId(c.village->db(), v.version_id) == v.version_id);
  CHECK(*ResolveVersionId(c.village->db(), v.version_id.substr(0, 6)) == v.version_id);
  CHECK(ResolveVersionId(c.village->db(), v.version_id.substr(0, 5)).status().code() ==
        kErrWorkflowInput);
  CHECK(ResolveVersionId(c.village->db(), v.version_id + "0").status().code() == kErrWorkflowInput);
  CHECK(ResolveVersionId(c.village->db(), "ABCDEF").status().code() == kErrWorkflowInput);
  CHECK(ResolveVersionId(c.village->db(), "%%%%%%").status().code() == kErrWorkflowInput);
  CHECK(ResolveVersionId(c.village->db(), testing::TestId("nothing")).status().code() ==
        kErrWorkflowNotFound);
  CHECK(ReadSheetVersionFacts(c.village->db(), testing::TestId("nothing")).status().code() ==
        kErrWorkflowNotFound);

  // Two versions sharing their first 7 digits.
  VersionSpec x = NewVersion("x", "d2");
  VersionSpec y = NewVersion("y", "d3");
  x.version_id = "abcdef0" + std::string(25, '1');
  y.version_id = "abcdef0" + std::string(25, '2');
  Submit(c, x);
  Submit(c, y);
  CHECK(ResolveVersionId(c.village->db(), "abcdef0").status().code() == kErrWorkflowAmbiguous);
  CHECK(*ResolveVersionId(c.village->db(), "abcdef02") == y.version_id);
}

}  // namespace
}  // namespace gongkai
