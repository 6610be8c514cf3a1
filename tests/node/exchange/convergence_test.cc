// Convergence property: several in-process nodes write at random; every envelope is
// delivered to every node in a random order, some twice, some dropped and redelivered
// later. Every replica ends with the same digest for every region it holds.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "node/replica_fixture.h"

namespace gongkai {
namespace {

using testing::kCounty;
using testing::kSiblingVillage;
using testing::kTownship;
using testing::kVillage;
using testing::TestCounty;
using testing::TestNode;

Status RandomWrite(TestNode& node, std::mt19937& rng, int n, const CaptureStamp& s, sqlite3* db) {
  std::string id = node.id().substr(0, 6) + "-" + std::to_string(n);
  if (node.role == Role::kTownship && rng() % 2 == 0) {
    // A review for one of its villages.
    std::string village = rng() % 2 ? kVillage : kSiblingVillage;
    return ExecSql(db, "INSERT INTO review VALUES('" + id +
                           "', 'v', 'd', 'township', 'approve',"
                           " '', '经管站', '" +
                           s.origin + "', " + std::to_string(s.hlc) + ", '" + village + "')");
  }
  GK_RETURN_IF_ERROR(testing::InsertVersion(db, s, node.region, id, "标题" + id));
  int items = static_cast<int>(rng() % 3);
  for (int line = 1; line <= items; ++line) {
    GK_RETURN_IF_ERROR(testing::InsertItem(db, s, node.region, id, line, "{\"金额\": 1}"));
  }
  return Status::Ok();
}

TEST_CASE("convergence: random writes, random delivery orders, duplicates and drops") {
  for (unsigned seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    std::mt19937 rng(seed);
    TestCounty c;
    std::vector<TestNode*> nodes = c.nodes();
    std::vector<Bytes> pool;
    for (int n = 0; n < 24; ++n) {
      TestNode& writer = *nodes[rng() % nodes.size()];
      auto captured = writer.Write(
          [&](sqlite3* db, const CaptureStamp& s) { return RandomWrite(writer, rng, n, s, db); });
      INFO(captured.status().ToString());
      REQUIRE(captured.ok());
      pool.push_back(captured->bytes);
    }
    for (TestNode* receiver : nodes) {
      std::vector<Bytes> order = pool;
      for (int d = 0; d < 5; ++d) order.push_back(pool[rng() % pool.size()]);  // duplicates
      std::shuffle(order.begin(), order.end(), rng);
      std::vector<Bytes> dropped;
      for (const Bytes& bytes : order) {
        if (rng() % 4 == 0) {
          dropped.push_back(bytes);
          continue;
        }
        auto applied = receiver->Receive(bytes);
        INFO(applied.status().ToString());
        REQUIRE(applied.ok());
      }
      std::shuffle(dropped.begin(), dropped.end(), rng);
      for (const Bytes& bytes : dropped) {
        auto applied = receiver->Receive(bytes);
        INFO(applied.status().ToString());
        REQUIRE(applied.ok());
      }
    }
    struct Holders {
      const char* region;
      std::vector<TestNode*> nodes;
    };
    const Holders holders[] = {
        {kVillage, {c.county.get(), c.township.get(), c.village.get()}},
        {kSiblingVillage, {c.county.get(), c.township.get(), c.sibling.get()}},
        {kTownship, {c.county.get(), c.township.get()}},
        {kCounty, {c.county.get(), c.township.get()}},
    };
    for (const Holders& h : holders) {
      CAPTURE(h.region);
      Hash256 expected = h.nodes.front()->Digest(h.region);
      for (TestNode* node : h.nodes) CHECK(node->Digest(h.region) == expected);
    }
    // The writes did land: the county holds every row the pool carried.
    CHECK(c.county->Count("disclosure_version") + c.county->Count("review") >= 24);
  }
}

}  // namespace
}  // namespace gongkai
