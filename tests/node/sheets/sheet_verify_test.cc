#include "node/sheets/sheet_verify.h"

#include <doctest/doctest.h>

#include "node/sheets/disclosure_sheet.h"
#include "node/intake/sheet_dates.h"
#include "tests/node/disclosure_rows.h"
#include "tests/node/replica_fixture.h"

namespace gongkai {
namespace {

using testing::kVillage;
using testing::NewVersion;
using testing::ReviewOf;
using testing::ReviewSpec;
using testing::VersionSpec;
using testing::WriteAndDeliver;

struct Board : testing::TestCounty {
  Board() { testing::EnrolPlaceNames(*this, {village.get(), township.get()}); }

  void Submit(const VersionSpec& v) {
    WriteAndDeliver(*village,
                    [&](sqlite3* db, const CaptureStamp& s) -> Status {
                      GK_RETURN_IF_ERROR(testing::InsertVersionRow(db, s, kVillage, v));
                      return testing::InsertReviewRow(
                          db, s, kVillage,
                          ReviewOf(v, "sup " + v.version_id, "supervision", "approve"));
                    },
                    {township.get()});
  }
  void Review(const VersionSpec& v, std::string_view seed, std::string decision,
              std::string comment = "") {
    ReviewSpec review = ReviewOf(v, seed, "township", std::move(decision));
    review.comment = std::move(comment);
    WriteAndDeliver(*township,
                    [&](sqlite3* db, const CaptureStamp& s) {
                      return testing::InsertReviewRow(db, s, kVillage, review);
                    },
                    {village.get()});
  }
  // The payload printed on the sheet of `v`, as the village prints it.
  std::string Printed(const VersionSpec& v, std::optional<uint64_t> log_index = std::nullopt) {
    DisclosureSheetOptions options;
    options.hub_log_index = log_index;
    auto built = BuildSheetForVersion(*village->replica, v.version_id, options);
    INFO(built.status().ToString());
    REQUIRE(built.ok());
    return built->sheet.qr_payload;
  }
  SheetVerification Verify(testing::TestNode& node, const std::string& payload) {
    auto verified = VerifySheetPayload(*node.replica, payload);
    INFO(verified.status().ToString());
    REQUIRE(verified.ok());
    return *verified;
  }
};

TEST_CASE("an approved version verifies: which disclosure, by whom and when") {
  Board b;
  VersionSpec v = NewVersion("v1", "d1");
  b.Submit(v);
  b.Review(v, "t1", "approve");
  const std::string payload = b.Printed(v);

  for (testing::TestNode* node : {b.village.get(), b.township.get()}) {
    SheetVerification ok = b.Verify(*node, payload);
    CHECK(ok.postable());
    CHECK(ok.status == DisclosureStatus::kApproved);
    CHECK(ok.code() == kSheetVerifyApproved);
    CHECK(ok.facts.disclosure_id == v.disclosure_id);
    CHECK(ok.facts.version.title == v.title);
    CHECK(ok.facts.version.region == kVillage);
    REQUIRE(ok.deciding_review.has_value());
    CHECK(ok.deciding_review->reviewer == "孙审核");
    CHECK(ok.facts.SignerName(ok.deciding_review->origin) == "township");
    CHECK(ok.places.village == "石庙村");
    const std::string summary = ok.Summary();
    CHECK(summary.find("嘉陵区龙蟠镇石庙村") != std::string::npos);
    CHECK(summary.find(v.title) != std::string::npos);
    CHECK(summary.find("核验通过") != std::string::npos);
    CHECK(summary.find(BeijingDateTimeText(ok.deciding_review->hlc)) != std::string::npos);
    CHECK(summary.find("孙审核") != std::string::npos);
  }

  const std::string logged = b.Printed(v, 1234);
  SheetVerification with_index = b.Verify(*b.village, logged);
  CHECK(with_index.payload.log_index == 1234u);
  CHECK(!with_index.log_index_checked());
  CHECK(with_index.Summary().find("1234 本机没有对应的县级回执，未核对") != std::string::npos);
}

TEST_CASE("submitted, returned, superseded and withdrawn versions are not postable") {
  Board b;
  VersionSpec v1 = NewVersion("v1", "d1");
  b.Submit(v1);
  const std::string first = b.Printed(v1);
  SheetVerification submitted = b.Verify(*b.village, first);
  CHECK_FALSE(submitted.postable());
  CHECK(submitted.code() == kSheetVerifySubmitted);
  CHECK(submitted.Summary().find("尚未经乡镇审核") != std::string::npos);

  b.Review(v1, "t1", "return", "金额有误");
  SheetVerification returned = b.Verify(*b.village, first);
  CHECK(returned.code() == kSheetVerifyReturned);
  CHECK(returned.deciding_review->comment == "金额有误");
  CHECK(returned.Summary().find("被乡镇退回") != std::string::npos);
  CHECK(returned.Summary().find("金额有误") != std::string::npos);

  // The approved sheet of v1 goes stale when v2 replaces it.
  b.Review(v1, "t2", "approve");
  CHECK(b.Verify(*b.village, first).postable());
  VersionSpec v2 = NewVersion("v2", "d1");
  v2.parent_version = v1.version_id;
  b.Submit(v2);
  SheetVerification superseded = b.Verify(*b.village, first);
  CHECK_FALSE(superseded.postable());
  CHECK(superseded.code() == kSheetVerifySuperseded);
  CHECK(superseded.facts.superseded_by == std::vector<std::string>{v2.version_id});
  CHECK(superseded.Summary().find(v2.version_id.substr(0, 8)) != std::string::npos);

  const std::string second = b.Printed(v2);
  WriteAndDeliver(*b.village,
                  [&](sqlite3* db, const CaptureStamp& s) {
                    return testing::InsertWithdrawalRow(db, s, kVillage, v2, "w1", "重复发布");
                  },
                  {b.township.get()});
  SheetVerification withdrawn = b.Verify(*b.township, second);
  CHECK(withdrawn.code() == kSheetVerifyWithdrawn);
  CHECK(withdrawn.facts.withdrawal->reason == "重复发布");
  CHECK(withdrawn.Summary().find("原因：重复发布") != std::string::npos);
}

TEST_CASE("a changed payload is refused, never matched to another version") {
  Board b;
  VersionSpec v = NewVersion("v1", "d1");
  VersionSpec other = NewVersion("v2", "d2");
  b.Submit(v);
  b.Submit(other);
  b.Review(v, "t1", "approve");
  const std::string payload = b.Printed(v);
  auto parsed = ParseSheetPayload(payload);
  REQUIRE(parsed.ok());

  auto code = [&](const SheetPayload& p) {
    return VerifySheetPayload(*b.village->replica, FormatSheetPayload(p)).status().code();
  };
  SheetPayload hash = *parsed;
  hash.hash16[15] = hash.hash16[15] == '0' ? '1' : '0';
  CHECK(code(hash) == kErrSheetVerifyHash);

  SheetPayload disclosure = *parsed;
  disclosure.disclosure_id = other.disclosure_id;
  CHECK(code(disclosure) == kErrSheetVerifyDisclosure);

  // Pointing at the other version with the approved one's hash.
  SheetPayload version = *parsed;
  version.disclosure_id = other.disclosure_id;
  version.version_id = other.version_id;
  CHECK(code(version) == kErrSheetVerifyHash);

  SheetPayload unknown = *parsed;
  unknown.version_id = testing::TestId("never written");
  auto missing = VerifySheetPayload(*b.village->replica, FormatSheetPayload(unknown));
  CHECK(missing.status().code() == kErrSheetVerifyUnknown);
  CHECK(missing.status().kind() == StatusKind::kNotFound);

  CHECK(VerifySheetPayload(*b.village->replica, payload + "\n").status().code() ==
        kErrSheetPayloadHash);
  CHECK(VerifySheetPayload(*b.village->replica, "https://example.org").status().code() ==
        kErrSheetPayloadPrefix);
}

TEST_CASE("a version whose content does not hash to its content_hash is refused") {
  Board b;
  VersionSpec altered = NewVersion("v1", "d1");
  altered.content_hash = std::string(64, 'a');
  b.Submit(altered);
  auto payload = MakeSheetPayload(altered.disclosure_id, altered.version_id, altered.content_hash);
  REQUIRE(payload.ok());
  CHECK(VerifySheetPayload(*b.village->replica, FormatSheetPayload(*payload)).status().code() ==
        kErrSheetContentHash);

  VersionSpec partial = NewVersion("v2", "d2");
  partial.item_count = 1;  // its item has not arrived
  b.Submit(partial);
  auto held = ReadSheetVersionFacts(b.village->db(), partial.version_id);
  REQUIRE(held.ok());
  auto partial_payload =
      MakeSheetPayload(partial.disclosure_id, partial.version_id, held->version.content_hash);
  REQUIRE(partial_payload.ok());
  auto waiting = VerifySheetPayload(*b.village->replica, FormatSheetPayload(*partial_payload));
  CHECK(waiting.status().code() == kErrSheetItemCount);
  CHECK(waiting.status().kind() == StatusKind::kUnavailable);
}

TEST_CASE("a replica that has not synced the version cannot vouch for it") {
  Board b;
  VersionSpec v = NewVersion("v1", "d1");
  b.Submit(v);  // reaches the township, not the sibling village
  const std::string payload = b.Printed(v);
  CHECK(VerifySheetPayload(*b.sibling->replica, payload).status().code() == kErrSheetVerifyUnknown);
}

}  // namespace
}  // namespace gongkai
