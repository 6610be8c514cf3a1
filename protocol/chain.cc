#include "protocol/chain.h"

#include <algorithm>
#include <limits>
#include <string>

namespace gongkai {
namespace {

bool IsZero(const Hash256& h) {
  return std::all_of(h.begin(), h.end(), [](uint8_t b) { return b == 0; });
}

std::string Where(const NodeId& origin, uint64_t seq) {
  return "envelope " + std::to_string(seq) + " from " + NodeIdHex(origin);
}

}  // namespace

std::optional<ChainLink> InMemoryChainView::Find(const NodeId& origin, uint64_t seq) const {
  auto it = links_.find({origin, seq});
  if (it == links_.end()) return std::nullopt;
  return it->second;
}

void InMemoryChainView::Put(const NodeId& origin, const ChainLink& link) {
  links_[{origin, link.seq}] = link;
}

Result<ChainVerdict> JudgeLink(const ChainView& held, const NodeId& origin,
                               const ChainLink& incoming) {
  const uint64_t seq = incoming.seq;
  if (seq == 0) return Status::Invalid(kErrChainSeq, Where(origin, seq) + ": seq 0");
  if ((seq == 1) != IsZero(incoming.prev)) {
    return Status::Conflict(kErrChainBrokenLink,
                            Where(origin, seq) + (seq == 1 ? ": seq 1 names a previous envelope"
                                                           : ": no previous envelope named"));
  }
  if (std::optional<ChainLink> same = held.Find(origin, seq)) {
    if (same->id == incoming.id) return ChainVerdict::kDuplicate;
    return Status::Conflict(kErrChainEquivocation,
                            Where(origin, seq) + ": another envelope " + HashHex(same->id) +
                                " holds this seq; the origin signed two histories");
  }
  if (std::optional<ChainLink> before = held.Find(origin, seq - 1)) {
    if (before->id != incoming.prev) {
      return Status::Conflict(kErrChainBrokenLink,
                              Where(origin, seq) + ": prev " + HashHex(incoming.prev) +
                                  " is not the held envelope " + std::to_string(seq - 1) + " " +
                                  HashHex(before->id));
    }
  }
  if (seq < std::numeric_limits<uint64_t>::max()) {
    if (std::optional<ChainLink> after = held.Find(origin, seq + 1)) {
      if (after->prev != incoming.id) {
        return Status::Conflict(kErrChainBrokenLink, Where(origin, seq) + ": held envelope " +
                                                         std::to_string(seq + 1) + " names prev " +
                                                         HashHex(after->prev) + ", not this one");
      }
    }
  }
  return ChainVerdict::kNew;
}

}  // namespace gongkai
