// The "have" summary: per origin, the sequence numbers of its envelopes that a node holds,
// as sorted, disjoint, non-adjacent inclusive ranges. Two peers exchange summaries, and each
// sends the other the envelopes the other lacks (design §6).
//
// Canonical encoding (all integers unsigned big-endian):
//
//   u32 origin count N                      N <= kMaxHaveOrigins
//   N times, origins in ascending byte order, no origin twice:
//     NodeId origin (16)
//     u32 range count R                     R >= 1
//     R times, ascending:
//       u64 first                           first >= 1
//       u64 last                            last >= first
//                                           and next first > last + 1 (merged)
//
// The sum of all R is at most kMaxHaveRanges, so an encoding is at most
// kMaxHaveEncodedSize bytes. Decode accepts only this canonical form, so equal summaries
// have equal bytes.
//
// Thread-safety: a value; const methods may run concurrently.
#ifndef GONGKAI_PROTOCOL_HAVE_H_
#define GONGKAI_PROTOCOL_HAVE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "protocol/bytes.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

// Limits: a county has some hundreds of villages with a few nodes each, and a node's held
// sequence numbers are mostly one range per origin.
inline constexpr size_t kMaxHaveOrigins = 65536;
inline constexpr size_t kMaxHaveRanges = 262144;
inline constexpr size_t kHaveOriginHeaderSize = kNodeIdSize + 4;  // 20
inline constexpr size_t kHaveRangeSize = 16;
inline constexpr size_t kMaxHaveEncodedSize =
    4 + kMaxHaveOrigins * kHaveOriginHeaderSize + kMaxHaveRanges * kHaveRangeSize;

inline constexpr char kErrHaveTooLarge[] = "have.too_large";
inline constexpr char kErrHaveTruncated[] = "have.truncated";
inline constexpr char kErrHaveTooManyOrigins[] = "have.too_many_origins";
inline constexpr char kErrHaveTooManyRanges[] = "have.too_many_ranges";
inline constexpr char kErrHaveOriginOrder[] = "have.origin_order";
inline constexpr char kErrHaveEmptyOrigin[] = "have.empty_origin";
inline constexpr char kErrHaveRange[] = "have.range";
inline constexpr char kErrHaveRangeOrder[] = "have.range_order";
inline constexpr char kErrHaveTrailing[] = "have.trailing";

// Inclusive range of sequence numbers, 1 <= first <= last.
struct SeqRange {
  uint64_t first = 1;
  uint64_t last = 1;
  bool operator==(const SeqRange&) const = default;
};

class HaveSummary {
 public:
  using RangeList = std::vector<SeqRange>;

  // Records that `seq` of `origin` is held. REQUIRES: seq >= 1 (seq 0 is no envelope and is
  // ignored).
  void Add(const NodeId& origin, uint64_t seq) { AddRange(origin, {seq, seq}); }
  // Records a whole range. REQUIRES: 1 <= range.first <= range.last (else ignored).
  void AddRange(const NodeId& origin, SeqRange range);

  bool Contains(const NodeId& origin, uint64_t seq) const;
  // The ranges held for `origin`: sorted, disjoint, non-adjacent; empty if none.
  const RangeList& Ranges(const NodeId& origin) const;
  // Every origin with at least one range, in ascending order.
  const std::map<NodeId, RangeList>& origins() const { return origins_; }
  size_t range_count() const;
  bool empty() const { return origins_.empty(); }

  // What this summary holds that `theirs` lacks, as a summary.
  HaveSummary Missing(const HaveSummary& theirs) const;

  // The canonical encoding. Refuses (kTooLarge) a summary beyond kMaxHaveOrigins or
  // kMaxHaveRanges with the decode codes.
  Result<Bytes> Encode() const;
  // Parses exactly the canonical encoding; anything else is refused with a code above.
  static Result<HaveSummary> Decode(ByteView bytes);

  bool operator==(const HaveSummary&) const = default;

 private:
  std::map<NodeId, RangeList> origins_;
};

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_HAVE_H_
