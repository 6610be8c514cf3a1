// The order of envelopes in an exported bundle, chosen so that a receiver can apply them
// front to back.
//
// The base order is (hlc, origin, seq): the order in which the facts were written, as far
// as the writers' clocks tell. Each origin's envelopes stay in seq order whatever their
// HLCs say (an honest origin's HLC grows with its seq, so this only matters for a dishonest
// one), so a receiver always meets an origin's chain from its start. The order is a merge
// of the per-origin queues: at each step the head with the smallest (hlc, origin, seq) goes
// next, among the heads that are not waiting. A head waits:
//   1. for the envelope that carries the certificate row of its origin, when that envelope
//      is in the bundle: a receiver cannot verify a signer before its certificate, and
//      writers' clocks are not synchronised, so HLC order alone does not promise it;
//   2. when it carries the revocation of a node, for every envelope of that node in the
//      bundle: a node refuses any envelope of a revoked key that it does not already hold
//      (node/replica/apply.h step 6), so the revocation goes last and the receiver ends up holding
//      what the sender held.
// When every remaining head waits (a cycle, which honest data does not make), the smallest
// head goes anyway; the importer's retry of unknown signers covers what that leaves out
// of order. The result is deterministic for a given input.
//
// Thread-safety: a pure function.
#ifndef GONGKAI_NODE_EXCHANGE_EXCHANGE_ORDER_H_
#define GONGKAI_NODE_EXCHANGE_EXCHANGE_ORDER_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "protocol/hlc.h"
#include "protocol/keys.h"

namespace gongkai {

inline constexpr size_t kNoOrderItem = std::numeric_limits<size_t>::max();

// One envelope to be ordered.
struct OrderItem {
  NodeId origin{};
  uint64_t seq = 0;
  Hlc hlc = 0;
  // Index among the items of the envelope that carries the certificate row of `origin`, or
  // kNoOrderItem when none of them does.
  size_t certificate_from = kNoOrderItem;
};

// The envelope at index `item` carries a revocation row of node `revoked`.
struct OrderRevocation {
  size_t item = 0;
  NodeId revoked{};
};

// The indexes of `items` in export order (see the file comment): a permutation of
// 0..items.size()-1. REQUIRES: no two items share (origin, seq); every index in
// `certificate_from` and `revocations` is below items.size() (others are ignored).
std::vector<size_t> ExportOrder(std::span<const OrderItem> items,
                                std::span<const OrderRevocation> revocations);

}  // namespace gongkai

#endif  // GONGKAI_NODE_EXCHANGE_EXCHANGE_ORDER_H_
