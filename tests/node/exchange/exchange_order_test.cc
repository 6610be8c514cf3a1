#include "node/exchange/exchange_order.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

namespace gongkai {
namespace {

NodeId Origin(uint8_t n) {
  NodeId id{};
  id.fill(n);
  return id;
}

std::vector<size_t> Order(const std::vector<OrderItem>& items,
                          const std::vector<OrderRevocation>& revocations = {}) {
  return ExportOrder(items, revocations);
}

TEST_CASE("order by hlc, then origin, then seq") {
  const std::vector<OrderItem> items = {
      {Origin(2), 1, 10},
      {Origin(1), 1, 10},
      {Origin(1), 2, 5 + 10},
      {Origin(3), 1, 3},
  };
  CHECK(Order(items) == std::vector<size_t>{3, 1, 0, 2});
}

TEST_CASE("an origin's envelopes stay in seq order whatever their hlcs") {
  // Origin 1 signed seq 2 with an earlier hlc than seq 1.
  const std::vector<OrderItem> items = {
      {Origin(1), 2, 1},
      {Origin(1), 1, 50},
      {Origin(2), 1, 20},
      {Origin(2), 2, 60},
  };
  CHECK(Order(items) == std::vector<size_t>{2, 1, 0, 3});
}

TEST_CASE("an envelope waits for the envelope carrying its signer's certificate") {
  // Origin 5's certificate row came with origin 9's seq 2, written later by hlc.
  std::vector<OrderItem> items = {
      {Origin(9), 1, 1},  {Origin(9), 2, 40}, {Origin(5), 1, 10},
      {Origin(5), 2, 11}, {Origin(7), 1, 20},
  };
  items[2].certificate_from = 1;
  items[3].certificate_from = 1;
  CHECK(Order(items) == std::vector<size_t>{0, 4, 1, 2, 3});
}

TEST_CASE("a certificate later in the signer's own chain is not waited for") {
  std::vector<OrderItem> items = {{Origin(1), 1, 1}, {Origin(1), 2, 2}};
  items[0].certificate_from = 1;
  items[1].certificate_from = 1;
  CHECK(Order(items) == std::vector<size_t>{0, 1});
}

TEST_CASE("a revocation waits for every envelope of the node it revokes") {
  // Origin 9 (the county) revokes origin 4 at hlc 5; origin 4 wrote at hlc 10 and 30.
  const std::vector<OrderItem> items = {
      {Origin(9), 1, 5},  {Origin(9), 2, 6}, {Origin(4), 1, 10},
      {Origin(4), 2, 30}, {Origin(6), 1, 7},
  };
  CHECK(Order(items, {{0, Origin(4)}}) == std::vector<size_t>{4, 2, 3, 0, 1});
  // A revoked node with nothing in the bundle holds nothing up.
  CHECK(Order(items, {{0, Origin(8)}}) == std::vector<size_t>{0, 1, 4, 2, 3});
}

TEST_CASE("when every head waits, the smallest goes") {
  // Each origin's certificate comes with the other's envelope: a cycle.
  std::vector<OrderItem> items = {{Origin(1), 1, 5}, {Origin(2), 1, 3}};
  items[0].certificate_from = 1;
  items[1].certificate_from = 0;
  CHECK(Order(items) == std::vector<size_t>{1, 0});
}

TEST_CASE("property: a permutation keeping every origin's seq order") {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<OrderItem> items;
    std::map<uint8_t, uint64_t> next_seq;
    const size_t n = rng() % 40;
    for (size_t i = 0; i < n; ++i) {
      const auto origin = static_cast<uint8_t>(rng() % 5);
      items.push_back({Origin(origin), ++next_seq[origin], rng() % 30});
    }
    std::vector<OrderRevocation> revocations;
    for (OrderItem& item : items) {
      if (n > 0 && rng() % 4 == 0) item.certificate_from = rng() % n;
      if (n > 0 && rng() % 8 == 0) {
        revocations.push_back(
            {static_cast<size_t>(&item - items.data()), Origin(static_cast<uint8_t>(rng() % 5))});
      }
    }
    std::shuffle(items.begin(), items.end(), rng);
    const std::vector<size_t> order = Order(items, revocations);
    std::vector<size_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i) REQUIRE(sorted[i] == i);
    REQUIRE(order.size() == n);
    std::map<NodeId, uint64_t> last;
    for (size_t i : order) {
      REQUIRE(items[i].seq > last[items[i].origin]);
      last[items[i].origin] = items[i].seq;
    }
    CHECK(Order(items, revocations) == order);  // deterministic
  }
}

}  // namespace
}  // namespace gongkai
