#include "protocol/have.h"

#include <algorithm>
#include <string>

namespace gongkai {

void HaveSummary::AddRange(const NodeId& origin, SeqRange range) {
  if (range.first == 0 || range.first > range.last) return;
  RangeList& list = origins_[origin];
  // First range that ends at or after range.first - 1, i.e. touches or follows it.
  auto begin =
      std::lower_bound(list.begin(), list.end(), range.first,
                       [](const SeqRange& r, uint64_t first) { return r.last < first - 1; });
  auto end = begin;
  // Swallow every range that starts at or before range.last + 1 (first - 1 avoids overflow).
  while (end != list.end() && end->first - 1 <= range.last) {
    range.first = std::min(range.first, end->first);
    range.last = std::max(range.last, end->last);
    ++end;
  }
  begin = list.erase(begin, end);
  list.insert(begin, range);
}

bool HaveSummary::Contains(const NodeId& origin, uint64_t seq) const {
  auto it = origins_.find(origin);
  if (it == origins_.end()) return false;
  const RangeList& list = it->second;
  auto after = std::upper_bound(list.begin(), list.end(), seq,
                                [](uint64_t s, const SeqRange& r) { return s < r.first; });
  return after != list.begin() && std::prev(after)->last >= seq;
}

const HaveSummary::RangeList& HaveSummary::Ranges(const NodeId& origin) const {
  static const RangeList kNone;
  auto it = origins_.find(origin);
  return it == origins_.end() ? kNone : it->second;
}

size_t HaveSummary::range_count() const {
  size_t n = 0;
  for (const auto& [origin, list] : origins_) n += list.size();
  return n;
}

HaveSummary HaveSummary::Missing(const HaveSummary& theirs) const {
  HaveSummary out;
  for (const auto& [origin, mine] : origins_) {
    const RangeList& held = theirs.Ranges(origin);
    auto h = held.begin();
    for (SeqRange r : mine) {
      // Cut r by each of their ranges that overlaps it; both lists are sorted.
      while (h != held.end() && h->last < r.first) ++h;
      bool left = true;
      for (auto k = h; k != held.end() && k->first <= r.last; ++k) {
        if (k->first > r.first) out.AddRange(origin, {r.first, k->first - 1});
        if (k->last >= r.last) {
          left = false;
          break;
        }
        r.first = k->last + 1;
      }
      if (left) out.AddRange(origin, r);
    }
  }
  return out;
}

Result<Bytes> HaveSummary::Encode() const {
  if (origins_.size() > kMaxHaveOrigins) {
    return Status::TooLarge(kErrHaveTooManyOrigins,
                            "have summary lists " + std::to_string(origins_.size()) +
                                " origins, limit " + std::to_string(kMaxHaveOrigins));
  }
  const size_t ranges = range_count();
  if (ranges > kMaxHaveRanges) {
    return Status::TooLarge(kErrHaveTooManyRanges, "have summary holds " + std::to_string(ranges) +
                                                       " ranges, limit " +
                                                       std::to_string(kMaxHaveRanges));
  }
  ByteWriter w;
  w.U32(static_cast<uint32_t>(origins_.size()));
  for (const auto& [origin, list] : origins_) {
    w.Raw(origin);
    w.U32(static_cast<uint32_t>(list.size()));
    for (const SeqRange& r : list) {
      w.U64(r.first);
      w.U64(r.last);
    }
  }
  return w.Take();
}

Result<HaveSummary> HaveSummary::Decode(ByteView bytes) {
  if (bytes.size() > kMaxHaveEncodedSize) {
    return Status::TooLarge(kErrHaveTooLarge, "have summary of " + std::to_string(bytes.size()) +
                                                  " bytes exceeds the limit " +
                                                  std::to_string(kMaxHaveEncodedSize));
  }
  ByteReader r(bytes, kErrHaveTruncated);
  GK_ASSIGN_OR_RETURN(const uint32_t origin_count, r.U32("origin count"));
  if (origin_count > kMaxHaveOrigins) {
    return Status::TooLarge(kErrHaveTooManyOrigins,
                            "have summary declares " + std::to_string(origin_count) +
                                " origins, limit " + std::to_string(kMaxHaveOrigins));
  }
  if (size_t{origin_count} * kHaveOriginHeaderSize > r.remaining()) {
    return Status::Invalid(kErrHaveTruncated, "have summary declares " +
                                                  std::to_string(origin_count) +
                                                  " origins but is too short for them");
  }
  HaveSummary out;
  size_t total_ranges = 0;
  const NodeId* previous = nullptr;
  for (uint32_t i = 0; i < origin_count; ++i) {
    GK_ASSIGN_OR_RETURN(const NodeId origin, r.Fixed<kNodeIdSize>("origin"));
    if (previous != nullptr && !(*previous < origin)) {
      return Status::Invalid(kErrHaveOriginOrder,
                             "have summary origin " + NodeIdHex(origin) + " is out of order");
    }
    GK_ASSIGN_OR_RETURN(const uint32_t range_count, r.U32("range count"));
    if (range_count == 0) {
      return Status::Invalid(kErrHaveEmptyOrigin,
                             "have summary origin " + NodeIdHex(origin) + " lists no range");
    }
    total_ranges += range_count;
    if (total_ranges > kMaxHaveRanges) {
      return Status::TooLarge(
          kErrHaveTooManyRanges,
          "have summary holds more than " + std::to_string(kMaxHaveRanges) + " ranges");
    }
    if (size_t{range_count} * kHaveRangeSize > r.remaining()) {
      return Status::Invalid(kErrHaveTruncated, "have summary origin " + NodeIdHex(origin) +
                                                    " declares more ranges than bytes remain");
    }
    RangeList& list = out.origins_[origin];
    list.reserve(range_count);
    for (uint32_t k = 0; k < range_count; ++k) {
      GK_ASSIGN_OR_RETURN(const uint64_t first, r.U64("first"));
      GK_ASSIGN_OR_RETURN(const uint64_t last, r.U64("last"));
      if (first == 0 || first > last) {
        return Status::Invalid(kErrHaveRange, "have summary range " + std::to_string(first) + ".." +
                                                  std::to_string(last) + " of " +
                                                  NodeIdHex(origin) + " is not a range");
      }
      // Canonical: strictly after the previous range with a gap (first - 1 > last).
      if (!list.empty() && first - 1 <= list.back().last) {
        return Status::Invalid(kErrHaveRangeOrder,
                               "have summary range " + std::to_string(first) + ".." +
                                   std::to_string(last) + " of " + NodeIdHex(origin) +
                                   " overlaps, touches or precedes the one before");
      }
      list.push_back({first, last});
    }
    previous = &out.origins_.find(origin)->first;
  }
  if (!r.at_end()) {
    return Status::Invalid(kErrHaveTrailing,
                           std::to_string(r.remaining()) + " bytes follow the have summary");
  }
  return out;
}

}  // namespace gongkai
