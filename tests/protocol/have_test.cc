#include "protocol/have.h"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <set>
#include <string>

namespace gongkai {
namespace {

NodeId Node(uint8_t n) {
  NodeId id{};
  id.fill(n);
  return id;
}

std::string Code(const Result<HaveSummary>& r) { return r.ok() ? "ok" : r.status().code(); }

void PutU32(Bytes& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}
void PutU64(Bytes& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<uint8_t>(v >> (56 - 8 * i));
}

TEST_CASE("adding merges into sorted disjoint non-adjacent ranges") {
  HaveSummary h;
  for (uint64_t s : {5, 1, 3, 2, 9, 10, 7}) h.Add(Node(1), s);
  CHECK(h.Ranges(Node(1)) == HaveSummary::RangeList{{1, 3}, {5, 5}, {7, 7}, {9, 10}});
  h.Add(Node(1), 6);
  CHECK(h.Ranges(Node(1)) == HaveSummary::RangeList{{1, 3}, {5, 7}, {9, 10}});
  h.AddRange(Node(1), {4, 8});
  CHECK(h.Ranges(Node(1)) == HaveSummary::RangeList{{1, 10}});
  h.Add(Node(1), 0);            // not a seq: ignored
  h.AddRange(Node(1), {9, 3});  // not a range: ignored
  CHECK(h.range_count() == 1);
  h.AddRange(Node(2), {UINT64_MAX - 1, UINT64_MAX});
  h.Add(Node(2), UINT64_MAX - 2);
  CHECK(h.Ranges(Node(2)) == HaveSummary::RangeList{{UINT64_MAX - 2, UINT64_MAX}});
  CHECK(h.Contains(Node(2), UINT64_MAX));
  CHECK_FALSE(h.Contains(Node(2), 1));
  CHECK(h.Contains(Node(1), 10));
  CHECK_FALSE(h.Contains(Node(1), 11));
  CHECK_FALSE(h.Contains(Node(3), 1));
  CHECK(h.Ranges(Node(3)).empty());
}

TEST_CASE("missing: what I hold that they lack") {
  HaveSummary mine, theirs;
  mine.AddRange(Node(1), {1, 20});
  mine.AddRange(Node(2), {4, 6});
  theirs.AddRange(Node(1), {3, 5});
  theirs.AddRange(Node(1), {8, 8});
  theirs.AddRange(Node(1), {15, 30});
  theirs.AddRange(Node(3), {1, 100});
  const HaveSummary missing = mine.Missing(theirs);
  CHECK(missing.Ranges(Node(1)) == HaveSummary::RangeList{{1, 2}, {6, 7}, {9, 14}});
  CHECK(missing.Ranges(Node(2)) == HaveSummary::RangeList{{4, 6}});
  CHECK(missing.Ranges(Node(3)).empty());
  CHECK(missing.origins().size() == 2);
  CHECK(theirs.Missing(theirs).empty());
  CHECK(HaveSummary().Missing(mine).empty());
}

TEST_CASE("fixed vector of the canonical encoding") {
  HaveSummary h;
  h.AddRange(Node(0xbb), {1, 3});
  h.AddRange(Node(0xaa), {2, 2});
  h.AddRange(Node(0xaa), {7, 0x0102030405060708});
  const Bytes bytes = *h.Encode();
  CHECK(HexEncode(bytes) == std::string("00000002") + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" +
                                "00000002" + "0000000000000002" + "0000000000000002" +
                                "0000000000000007" + "0102030405060708" +
                                "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" + "00000001" +
                                "0000000000000001" + "0000000000000003");
  CHECK(*HaveSummary::Decode(bytes) == h);
  CHECK(HexEncode(*HaveSummary().Encode()) == "00000000");
  CHECK(HaveSummary::Decode(*HaveSummary().Encode())->empty());
}

TEST_CASE("decode refuses every non-canonical form") {
  HaveSummary h;
  h.AddRange(Node(0xaa), {2, 4});
  h.AddRange(Node(0xaa), {7, 9});
  h.AddRange(Node(0xbb), {1, 1});
  const Bytes good = *h.Encode();
  // Offsets: count 0, origin A 4, its range count 20, ranges 24 and 40, origin B 56,
  // its range count 72, range 76; total 92.
  REQUIRE(good.size() == 92);
  for (size_t n = 0; n < good.size(); ++n) {
    CAPTURE(n);
    CHECK(Code(HaveSummary::Decode(ByteView(good).first(n))) == kErrHaveTruncated);
  }
  Bytes b = good;
  b.push_back(0);
  CHECK(Code(HaveSummary::Decode(b)) == kErrHaveTrailing);

  b = good;
  b[56] = 0xa0;  // origin B now sorts before origin A
  CHECK(Code(HaveSummary::Decode(b)) == kErrHaveOriginOrder);
  b = good;
  std::fill_n(b.begin() + 56, kNodeIdSize, 0xaa);  // the same origin twice
  CHECK(Code(HaveSummary::Decode(b)) == kErrHaveOriginOrder);

  b = good;
  PutU64(b, 24, 0);  // first 0
  CHECK(Code(HaveSummary::Decode(b)) == kErrHaveRange);
  b = good;
  PutU64(b, 24, 5);  // 5..4
  CHECK(Code(HaveSummary::Decode(b)) == kErrHaveRange);
  b = good;
  PutU64(b, 40, 5);  // 5..9 follows 2..4: adjacent, should have been merged
  CHECK(Code(HaveSummary::Decode(b)) == kErrHaveRangeOrder);
  PutU64(b, 40, 3);  // overlapping
  CHECK(Code(HaveSummary::Decode(b)) == kErrHaveRangeOrder);
  PutU64(b, 40, 1);  // before
  PutU64(b, 48, 1);
  CHECK(Code(HaveSummary::Decode(b)) == kErrHaveRangeOrder);
  PutU64(b, 40, 6);  // a gap of one: canonical
  PutU64(b, 48, 9);
  CHECK(Code(HaveSummary::Decode(b)) == "ok");

  Bytes empty_origin(4 + kHaveOriginHeaderSize, 0);
  PutU32(empty_origin, 0, 1);
  CHECK(Code(HaveSummary::Decode(empty_origin)) == kErrHaveEmptyOrigin);

  b = good;
  PutU32(b, 0, 3);  // more origins than bytes
  CHECK(Code(HaveSummary::Decode(b)) == kErrHaveTruncated);
  b = good;
  PutU32(b, 20, 0xffffffff);  // more ranges than the limit
  CHECK(Code(HaveSummary::Decode(b)) == kErrHaveTooManyRanges);
}

TEST_CASE("origin limit: at the limit accepted, one past refused") {
  HaveSummary h;
  for (size_t i = 0; i < kMaxHaveOrigins; ++i) {
    NodeId id{};
    id[14] = static_cast<uint8_t>(i >> 8);
    id[15] = static_cast<uint8_t>(i);
    id[13] = static_cast<uint8_t>(i >> 16);
    h.Add(id, 1);
  }
  Bytes bytes = *h.Encode();
  CHECK(HaveSummary::Decode(bytes)->origins().size() == kMaxHaveOrigins);
  NodeId extra{};
  extra.fill(0xff);
  h.Add(extra, 1);
  const Result<Bytes> over = h.Encode();
  CHECK(over.status().code() == kErrHaveTooManyOrigins);
  CHECK(over.status().kind() == StatusKind::kTooLarge);
  PutU32(bytes, 0, kMaxHaveOrigins + 1);
  CHECK(Code(HaveSummary::Decode(bytes)) == kErrHaveTooManyOrigins);
}

TEST_CASE("range limit: at the limit accepted, one past refused") {
  HaveSummary h;
  for (uint64_t i = 0; i < kMaxHaveRanges; ++i) h.Add(Node(1), 2 * i + 1);
  const Bytes bytes = *h.Encode();
  CHECK(bytes.size() == 4 + kHaveOriginHeaderSize + kMaxHaveRanges * kHaveRangeSize);
  CHECK(HaveSummary::Decode(bytes)->range_count() == kMaxHaveRanges);
  h.Add(Node(2), 1);
  CHECK(h.Encode().status().code() == kErrHaveTooManyRanges);
  HaveSummary split;
  for (uint64_t i = 0; i < kMaxHaveRanges / 2; ++i) split.Add(Node(1), 2 * i + 1);
  for (uint64_t i = 0; i <= kMaxHaveRanges / 2; ++i) split.Add(Node(2), 2 * i + 1);
  // Build the one-past encoding by hand: Encode refuses it.
  ByteWriter w;
  w.U32(2);
  for (uint8_t n : {1, 2}) {
    w.Raw(Node(n));
    const auto& list = split.Ranges(Node(n));
    w.U32(static_cast<uint32_t>(list.size()));
    for (const SeqRange& r : list) {
      w.U64(r.first);
      w.U64(r.last);
    }
  }
  CHECK(Code(HaveSummary::Decode(w.bytes())) == kErrHaveTooManyRanges);
  CHECK(Code(HaveSummary::Decode(Bytes(kMaxHaveEncodedSize + 1, 0))) == kErrHaveTooLarge);
}

// Property: against a std::set model, for random adds over a few origins.
TEST_CASE("property: summary agrees with a set model") {
  std::mt19937_64 rng(20240611);
  for (int round = 0; round < 200; ++round) {
    std::map<uint8_t, std::set<uint64_t>> model_a, model_b;
    HaveSummary a, b;
    const int adds = static_cast<int>(rng() % 80);
    for (int i = 0; i < adds; ++i) {
      const uint8_t origin = static_cast<uint8_t>(rng() % 3);
      const uint64_t first = 1 + rng() % 60;
      const uint64_t len = (rng() % 4 == 0) ? rng() % 6 : 0;
      const bool to_a = rng() % 2 == 0;
      (to_a ? a : b).AddRange(Node(origin), {first, first + len});
      for (uint64_t s = first; s <= first + len; ++s) (to_a ? model_a : model_b)[origin].insert(s);
    }
    const HaveSummary missing = a.Missing(b);
    for (uint8_t origin = 0; origin < 3; ++origin) {
      for (uint64_t s = 0; s <= 70; ++s) {
        const bool in_a = model_a[origin].count(s) > 0;
        const bool in_b = model_b[origin].count(s) > 0;
        REQUIRE(a.Contains(Node(origin), s) == in_a);
        REQUIRE(missing.Contains(Node(origin), s) == (in_a && !in_b));
      }
      // Ranges are exactly the maximal runs of the model.
      HaveSummary::RangeList runs;
      for (uint64_t s : model_a[origin]) {
        if (!runs.empty() && runs.back().last + 1 == s) {
          runs.back().last = s;
        } else {
          runs.push_back({s, s});
        }
      }
      REQUIRE(a.Ranges(Node(origin)) == runs);
    }
    REQUIRE(*HaveSummary::Decode(*a.Encode()) == a);
    REQUIRE(*HaveSummary::Decode(*missing.Encode()) == missing);
  }
}

}  // namespace
}  // namespace gongkai
