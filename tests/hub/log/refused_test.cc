#include "hub/log/refused.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "node/replica/sql.h"
#include "protocol/envelope.h"
#include "tests/hub/log_fixture.h"

namespace gongkai {
namespace {

using testing::HubFixture;

const Status kMagic = Status::Invalid("envelope.magic", "不是信封");

RefusedRecord Only(sqlite3* db) {
  auto listed = ListRefused(db, 0, kMaxRefusedListed);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  return (*listed)[0];
}

TEST_CASE("a refused envelope is kept with its header, reason and bytes") {
  HubFixture hub;
  const Envelope envelope = hub.NextEnvelope();
  const Status refusal = Status::Denied("apply.unknown_signer", "签名者未知");
  auto id = RecordRefused(hub.db(), envelope.raw(), "node:abc", refusal, 1234);
  REQUIRE(id.ok());
  const RefusedRecord row = Only(hub.db());
  CHECK(row.id == *id);
  CHECK(row.received_at == 1234);
  CHECK(row.last_received_at == 1234);
  CHECK(row.times == 1);
  CHECK(row.source == "node:abc");
  CHECK(row.bytes_hash == envelope.id());  // the envelope id
  CHECK(row.origin == NodeIdHex(hub.village_key.node_id()));
  CHECK(row.seq == 1);
  CHECK(row.region == testing::kHubVillage);
  CHECK(row.code == "apply.unknown_signer");
  CHECK(row.message == "签名者未知");
  CHECK(row.bytes_length == static_cast<int64_t>(envelope.raw().size()));
  CHECK(row.bytes == Bytes(envelope.raw().begin(), envelope.raw().end()));
}

TEST_CASE("bytes that are no envelope are kept without a header") {
  HubFixture hub;
  const Bytes junk = {'n', 'o', 'p', 'e'};
  REQUIRE(RecordRefused(hub.db(), junk, "bundle:x.gkb", kMagic, 5).ok());
  const RefusedRecord row = Only(hub.db());
  CHECK_FALSE(row.origin.has_value());
  CHECK_FALSE(row.seq.has_value());
  CHECK_FALSE(row.region.has_value());
  CHECK(row.bytes_hash == Sha256(ByteView(junk)));
  CHECK(row.bytes == junk);
}

TEST_CASE("the same refusal again from the same source counts, it does not add a row") {
  HubFixture hub;
  const Bytes junk = {1, 2, 3};
  auto first = RecordRefused(hub.db(), junk, "node:a", kMagic, 10);
  auto second = RecordRefused(hub.db(), junk, "node:a", kMagic, 30);
  auto late = RecordRefused(hub.db(), junk, "node:a", kMagic, 20);  // a clock step back
  REQUIRE(first.ok());
  CHECK(*second == *first);
  CHECK(*late == *first);
  RefusedRecord row = Only(hub.db());
  CHECK(row.times == 3);
  CHECK(row.received_at == 10);
  CHECK(row.last_received_at == 30);
  // Another source or another reason is another row.
  REQUIRE(RecordRefused(hub.db(), junk, "node:b", kMagic, 40).ok());
  REQUIRE(RecordRefused(hub.db(), junk, "node:a", Status::Invalid("x.y", "z"), 40).ok());
  CHECK(ListRefused(hub.db(), 0, 10)->size() == 3);
}

TEST_CASE("bytes are kept up to the cap; the length and hash cover all of them") {
  HubFixture hub;
  const Bytes at_cap(kMaxRefusedBytesKept, 0xab);
  Bytes past_cap = at_cap;
  past_cap.push_back(0xcd);
  REQUIRE(RecordRefused(hub.db(), at_cap, "a", kMagic, 1).ok());
  REQUIRE(RecordRefused(hub.db(), past_cap, "a", kMagic, 1).ok());
  auto rows = *ListRefused(hub.db(), 0, 10);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].bytes == at_cap);
  CHECK(rows[1].bytes == at_cap);
  CHECK(rows[1].bytes_length == static_cast<int64_t>(kMaxRefusedBytesKept + 1));
  CHECK(rows[1].bytes_hash == Sha256(ByteView(past_cap)));
}

TEST_CASE("source and message are cut at their caps on a character boundary") {
  HubFixture hub;
  // "审" is 3 bytes: a cap that falls inside it cuts before it.
  const std::string source = std::string(kMaxRefusedSourceSize - 1, 's') + "审";
  const std::string message = std::string(kMaxRefusedMessageSize, 'm');
  REQUIRE(RecordRefused(hub.db(), Bytes{1}, source, Status::Invalid("a.b", message + "x"), 1).ok());
  RefusedRecord row = Only(hub.db());
  CHECK(row.source == std::string(kMaxRefusedSourceSize - 1, 's'));
  CHECK(row.message == message);
}

TEST_CASE("refused.ok_status and refused.limit") {
  HubFixture hub;
  Status s = RecordRefused(hub.db(), Bytes{1}, "a", Status::Ok(), 1).status();
  CHECK(s.code() == kErrRefusedOk);
  CHECK(s.kind() == StatusKind::kInternal);
  CHECK(ListRefused(hub.db(), 0, 0).status().code() == kErrRefusedLimit);
  CHECK(ListRefused(hub.db(), 0, kMaxRefusedListed + 1).status().code() == kErrRefusedLimit);
  CHECK(ListRefused(hub.db(), 0, kMaxRefusedListed).ok());
}

TEST_CASE("ListRefused pages in id order") {
  HubFixture hub;
  for (uint8_t i = 0; i < 5; ++i) REQUIRE(RecordRefused(hub.db(), Bytes{i}, "a", kMagic, i).ok());
  auto first = *ListRefused(hub.db(), 0, 2);
  REQUIRE(first.size() == 2);
  auto rest = *ListRefused(hub.db(), first.back().id, 10);
  REQUIRE(rest.size() == 3);
  CHECK(rest[0].id > first[1].id);
  CHECK(rest[2].bytes == Bytes{4});
}

TEST_CASE("a refusal recorded inside a transaction goes with it") {
  HubFixture hub;
  {
    auto tx = Transaction::Begin(hub.db());
    REQUIRE(tx.ok());
    REQUIRE(RecordRefused(hub.db(), Bytes{9}, "a", kMagic, 1).ok());
  }
  CHECK(ListRefused(hub.db(), 0, 10)->empty());
}

}  // namespace
}  // namespace gongkai
