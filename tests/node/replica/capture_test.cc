#include "node/replica/capture.h"

#include <doctest/doctest.h>

#include "node/replica/journal.h"
#include "node/replica/provenance.h"
#include "node/replica_fixture.h"
#include "protocol/envelope.h"

namespace gongkai {
namespace {

using testing::InsertItem;
using testing::InsertVersion;
using testing::kSiblingVillage;
using testing::kVillage;
using testing::TestCounty;

TEST_CASE("capture writes data, journal and provenance in one envelope") {
  TestCounty c;
  auto& v = *c.village;
  auto first = v.Write([](sqlite3* db, const CaptureStamp& s) {
    GK_RETURN_IF_ERROR(InsertVersion(db, s, kVillage, "v1", "道路硬化"));
    return InsertItem(db, s, kVillage, "v1", 1, "{}");
  });
  REQUIRE(first.ok());
  CHECK(first->seq == 1);
  CHECK(first->region == kVillage);
  CHECK(first->id == Sha256(first->bytes));
  CHECK(v.JournalCount() == 2);  // and the certificates envelope
  CHECK(v.Count("disclosure_version") == 1);

  auto envelope = DecodeEnvelope(ByteView(first->bytes));
  REQUIRE(envelope.ok());
  CHECK(envelope->origin() == v.key.node_id());
  CHECK(envelope->prev() == Hash256{});
  CHECK(envelope->hlc() == first->hlc);

  auto provenance = ProvenanceOf(v.db(), "disclosure_version", "v1");
  REQUIRE(provenance.ok());
  CHECK(*provenance == HashHex(first->id));
  auto item = ProvenanceOf(v.db(), "disclosure_item", R"(["v1", "1"])");
  REQUIRE(item.ok());
  CHECK(*item == HashHex(first->id));

  SUBCASE("the next capture chains to the first, with a later HLC persisted") {
    auto second = v.Write([](sqlite3* db, const CaptureStamp& s) {
      return InsertVersion(db, s, kVillage, "v2", "低保名单");
    });
    REQUIRE(second.ok());
    CHECK(second->seq == 2);
    CHECK(second->hlc > first->hlc);
    auto decoded = DecodeEnvelope(ByteView(second->bytes));
    REQUIRE(decoded.ok());
    CHECK(decoded->prev() == first->id);
    auto last = v.replica->LastHlc();
    REQUIRE(last.ok());
    CHECK(*last == second->hlc);
  }
}

TEST_CASE("capture refuses a write touching two regions, and keeps nothing") {
  TestCounty c;
  auto& t = *c.township;
  // A township may write reviews for two villages, but not in one envelope.
  auto refused = t.Write([](sqlite3* db, const CaptureStamp& s) {
    GK_RETURN_IF_ERROR(ExecSql(db,
                               "INSERT INTO review VALUES('r1', 'v1', 'd1', 'township', "
                               "'approve', '', '经管站', '" +
                                   s.origin + "', " + std::to_string(s.hlc) + ", '" + kVillage +
                                   "')"));
    return ExecSql(db,
                   "INSERT INTO review VALUES('r2', 'v2', 'd2', 'township', 'approve', '', "
                   "'经管站', '" +
                       s.origin + "', " + std::to_string(s.hlc) + ", '" + kSiblingVillage + "')");
  });
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrCaptureTwoRegions);
  CHECK(t.Count("review") == 0);
  CHECK(t.JournalCount() == 1);  // only the certificates envelope
}

TEST_CASE("capture refuses an empty write") {
  TestCounty c;
  auto refused = c.village->Write([](sqlite3*, const CaptureStamp&) { return Status::Ok(); });
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrCaptureEmpty);
}

TEST_CASE("capture refuses what the node may not write") {
  TestCounty c;
  auto refused = c.village->Write([](sqlite3* db, const CaptureStamp& s) {
    return InsertVersion(db, s, kSiblingVillage, "v1", "别村的公开");
  });
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == "inspect.scope");
  CHECK(c.village->Count("disclosure_version") == 0);
}

TEST_CASE("capture refuses another node's key") {
  TestCounty c;
  auto refused = Capture(*c.village->replica, c.sibling->key, *c.village->clock,
                         [](sqlite3*, const CaptureStamp&) { return Status::Ok(); });
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrCaptureKeyMismatch);
}

TEST_CASE("capture refuses a clock that is not past the persisted HLC") {
  TestCounty c;
  auto& v = *c.village;
  REQUIRE(v.Write([](sqlite3* db, const CaptureStamp& s) {
             return InsertVersion(db, s, kVillage, "v1", "一");
           }).ok());
  HlcClock stale([] { return testing::kWallMs - 60'000; });
  auto refused = Capture(*v.replica, v.key, stale, [](sqlite3* db, const CaptureStamp& s) {
    return InsertVersion(db, s, kVillage, "v2", "二");
  });
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrCaptureClockBehind);
  CHECK(v.Count("disclosure_version") == 1);
}

TEST_CASE("a failure between the data write and the journal leaves neither") {
  TestCounty c;
  auto& v = *c.village;
  auto before = v.Digest(kVillage);
  auto write = [](sqlite3* db, const CaptureStamp& s) {
    return InsertVersion(db, s, kVillage, "v1", "财务公开");
  };
  SUBCASE("after the writes") {
    CaptureFaults faults;
    faults.after_writes = [] { return Status::IoError("test.fault", "injected"); };
    auto refused = v.Write(write, faults);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == "test.fault");
  }
  SUBCASE("after the journal insert, before commit") {
    CaptureFaults faults;
    faults.after_journal = [] { return Status::IoError("test.fault", "injected"); };
    auto refused = v.Write(write, faults);
    REQUIRE_FALSE(refused.ok());
  }
  CHECK(v.Count("disclosure_version") == 0);
  CHECK(v.JournalCount() == 1);
  CHECK(v.Count("provenance") == 4);  // the certificate rows only
  CHECK(v.Digest(kVillage) == before);
  // And the next capture still starts the chain at 1.
  auto next = v.Write(write);
  REQUIRE(next.ok());
  CHECK(next->seq == 1);
}

TEST_CASE("local triggers forbid updating a synced row") {
  TestCounty c;
  auto refused = c.village->Write([](sqlite3* db, const CaptureStamp&) {
    return ExecSql(db, "UPDATE certificate SET name='x'");
  });
  REQUIRE_FALSE(refused.ok());
  CHECK(c.village->Count("certificate") == 4);
}

}  // namespace
}  // namespace gongkai
