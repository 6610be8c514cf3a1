#include "node/exchange/peer_state.h"

#include <doctest/doctest.h>

#include "node/replica_fixture.h"

namespace gongkai {
namespace {

using testing::TestCounty;

NodeId Ones() {
  NodeId id{};
  id.fill(1);
  return id;
}

PeerHave Sample(uint64_t last, Hlc as_of) {
  PeerHave p;
  p.have.AddRange(Ones(), {1, last});
  p.as_of = as_of;
  return p;
}

// The have1 text of Sample(3, 5), computed independently.
constexpr char kSampleCursor[] = "have1:5:AAAAAQEBAQEBAQEBAQEBAQEBAQEAAAABAAAAAAAAAAEAAAAAAAAAAw==";

TEST_CASE("cursor text: fixed vector and round trip") {
  auto text = PeerHaveCursor(Sample(3, 5));
  REQUIRE(text.ok());
  CHECK(*text == kSampleCursor);
  auto parsed = ParsePeerHaveCursor(kSampleCursor);
  REQUIRE(parsed.ok());
  CHECK(parsed->as_of == 5);
  CHECK(parsed->have == Sample(3, 5).have);
  CHECK(BundlePeerName(Ones()) == "bundle:01010101010101010101010101010101");
}

TEST_CASE("cursor text: anything else is refused") {
  for (const char* bad :
       {"", "have2:5:AAAAAA==", "have1:", "have1:5", "have1::AAAAAA==", "have1:05:AAAAAA==",
        "have1:x:AAAAAA==", "have1:-1:AAAAAA==", "have1:5:!!!!",
        "have1:5:AAAAAQ==", "have1:99999999999999999999:AAAAAA=="}) {
    CAPTURE(bad);
    auto parsed = ParsePeerHaveCursor(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == kErrPeerState);
  }
  // The empty summary is a valid one.
  auto empty = ParsePeerHaveCursor("have1:0:AAAAAA==");
  REQUIRE(empty.ok());
  CHECK(empty->have.empty());
}

TEST_CASE("record and load: a newer bundle's summary replaces an older one, not the reverse") {
  TestCounty c;
  Replica& replica = *c.township->replica;
  auto none = LoadPeerHave(replica, "bundle:x");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  REQUIRE(RecordPeerHave(replica, "bundle:x", Sample(3, 10), "first").ok());
  REQUIRE(RecordPeerHave(replica, "bundle:x", Sample(2, 9), "older").ok());
  auto stored = LoadPeerHave(replica, "bundle:x");
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->as_of == 10);
  CHECK((*stored)->have == Sample(3, 10).have);
  auto result =
      QueryInt(c.township->db(),
               "SELECT count(*) FROM sync_state WHERE peer='bundle:x' AND last_result=?", "older");
  REQUIRE(result.ok());
  CHECK(result->value_or(0) == 1);  // the attempt itself is recorded
  REQUIRE(RecordPeerHave(replica, "bundle:x", Sample(7, 10), "same time").ok());
  stored = LoadPeerHave(replica, "bundle:x");
  REQUIRE(stored.ok());
  CHECK((*stored)->have == Sample(7, 10).have);
}

TEST_CASE("a stored cursor that does not parse is reported, and replaced by the next record") {
  TestCounty c;
  Replica& replica = *c.township->replica;
  REQUIRE(ExecSql(replica.db(), "INSERT INTO sync_state(peer, cursor) VALUES('bundle:y', 'junk')")
              .ok());
  auto bad = LoadPeerHave(replica, "bundle:y");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == kErrPeerState);
  REQUIRE(RecordPeerHave(replica, "bundle:y", Sample(1, 1), "ok").ok());
  auto stored = LoadPeerHave(replica, "bundle:y");
  REQUIRE(stored.ok());
  CHECK((*stored)->as_of == 1);
}

}  // namespace
}  // namespace gongkai
