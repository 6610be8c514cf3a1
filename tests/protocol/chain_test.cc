#include "protocol/chain.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace gongkai {
namespace {

Hash256 IdOf(const std::string& name) { return Sha256(name); }

// A well-formed chain a1 <- a2 <- a3 <- ... for one origin.
std::vector<ChainLink> Chain(const std::string& name, uint64_t n) {
  std::vector<ChainLink> links;
  Hash256 prev{};
  for (uint64_t seq = 1; seq <= n; ++seq) {
    const Hash256 id = IdOf(name + std::to_string(seq));
    links.push_back({seq, id, prev});
    prev = id;
  }
  return links;
}

const NodeId kOrigin = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
const NodeId kOther = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};

std::string Code(const Result<ChainVerdict>& r) { return r.ok() ? "ok" : r.status().code(); }

TEST_CASE("in-order arrival: each link is new, then a duplicate") {
  InMemoryChainView view;
  for (const ChainLink& link : Chain("a", 5)) {
    CHECK(*JudgeLink(view, kOrigin, link) == ChainVerdict::kNew);
    view.Put(kOrigin, link);
    CHECK(*JudgeLink(view, kOrigin, link) == ChainVerdict::kDuplicate);
  }
  CHECK(view.size() == 5);
}

TEST_CASE("equivocation: same seq, other id") {
  InMemoryChainView view;
  const std::vector<ChainLink> a = Chain("a", 3);
  for (const ChainLink& link : a) view.Put(kOrigin, link);
  ChainLink fork = a[2];
  fork.id = IdOf("forged 3");
  const Result<ChainVerdict> r = JudgeLink(view, kOrigin, fork);
  CHECK(Code(r) == kErrChainEquivocation);
  CHECK(r.status().kind() == StatusKind::kConflict);
  // The same link from another origin is unrelated.
  CHECK(*JudgeLink(view, kOther, fork) == ChainVerdict::kNew);
}

TEST_CASE("broken link towards the held predecessor") {
  InMemoryChainView view;
  const std::vector<ChainLink> a = Chain("a", 3);
  view.Put(kOrigin, a[0]);
  ChainLink bad = a[1];
  bad.prev = IdOf("not a1");
  const Result<ChainVerdict> r = JudgeLink(view, kOrigin, bad);
  CHECK(Code(r) == kErrChainBrokenLink);
  CHECK(r.status().kind() == StatusKind::kConflict);
  CHECK(*JudgeLink(view, kOrigin, a[1]) == ChainVerdict::kNew);
}

TEST_CASE("broken link towards the held successor") {
  InMemoryChainView view;
  const std::vector<ChainLink> a = Chain("a", 3);
  view.Put(kOrigin, a[2]);
  ChainLink other_two = {2, IdOf("another a2"), a[0].id};
  CHECK(Code(JudgeLink(view, kOrigin, other_two)) == kErrChainBrokenLink);
  CHECK(*JudgeLink(view, kOrigin, a[1]) == ChainVerdict::kNew);
}

TEST_CASE("gaps are allowed; links are checked when both ends are present") {
  InMemoryChainView view;
  const std::vector<ChainLink> a = Chain("a", 6);
  // 5 alone, then 2 alone: nothing to check against yet.
  CHECK(*JudgeLink(view, kOrigin, a[4]) == ChainVerdict::kNew);
  view.Put(kOrigin, a[4]);
  ChainLink liar = a[1];
  liar.prev = IdOf("whatever");  // seq 1 is absent, so this cannot be judged yet
  CHECK(*JudgeLink(view, kOrigin, liar) == ChainVerdict::kNew);
  CHECK(*JudgeLink(view, kOrigin, a[1]) == ChainVerdict::kNew);
  view.Put(kOrigin, a[1]);
  // Once 2 is held, a 1 that is not 2's prev is refused.
  ChainLink wrong_one = {1, IdOf("wrong a1"), Hash256{}};
  CHECK(Code(JudgeLink(view, kOrigin, wrong_one)) == kErrChainBrokenLink);
  CHECK(*JudgeLink(view, kOrigin, a[0]) == ChainVerdict::kNew);
}

TEST_CASE("out-of-order arrival 3, 2, 1") {
  const std::vector<ChainLink> a = Chain("a", 3);
  SUBCASE("the honest chain is accepted from the far end") {
    InMemoryChainView view;
    for (int i = 2; i >= 0; --i) {
      CHECK(*JudgeLink(view, kOrigin, a[i]) == ChainVerdict::kNew);
      view.Put(kOrigin, a[i]);
    }
  }
  SUBCASE("a 2 whose id is not 3's prev is refused") {
    InMemoryChainView view;
    view.Put(kOrigin, a[2]);
    CHECK(Code(JudgeLink(view, kOrigin, {2, IdOf("x"), a[0].id})) == kErrChainBrokenLink);
  }
  SUBCASE("a 1 that is not 2's prev is refused after 3 and 2") {
    InMemoryChainView view;
    view.Put(kOrigin, a[2]);
    view.Put(kOrigin, a[1]);
    CHECK(Code(JudgeLink(view, kOrigin, {1, IdOf("x"), Hash256{}})) == kErrChainBrokenLink);
    CHECK(*JudgeLink(view, kOrigin, a[0]) == ChainVerdict::kNew);
  }
  SUBCASE("a 2 is checked against both neighbours") {
    InMemoryChainView view;
    view.Put(kOrigin, a[0]);
    view.Put(kOrigin, a[2]);
    CHECK(*JudgeLink(view, kOrigin, a[1]) == ChainVerdict::kNew);
    ChainLink wrong_prev = a[1];
    wrong_prev.prev = IdOf("y");
    CHECK(Code(JudgeLink(view, kOrigin, wrong_prev)) == kErrChainBrokenLink);
  }
}

TEST_CASE("seq 0 and the prev rule") {
  InMemoryChainView view;
  const Result<ChainVerdict> zero = JudgeLink(view, kOrigin, {0, IdOf("z"), Hash256{}});
  CHECK(Code(zero) == kErrChainSeq);
  CHECK(zero.status().kind() == StatusKind::kInvalid);
  CHECK(Code(JudgeLink(view, kOrigin, {1, IdOf("z"), IdOf("p")})) == kErrChainBrokenLink);
  CHECK(Code(JudgeLink(view, kOrigin, {7, IdOf("z"), Hash256{}})) == kErrChainBrokenLink);
  // The largest seq has no successor to look up.
  CHECK(*JudgeLink(view, kOrigin, {UINT64_MAX, IdOf("m"), IdOf("p")}) == ChainVerdict::kNew);
}

}  // namespace
}  // namespace gongkai
