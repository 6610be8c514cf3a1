// Per-origin chain rules (design §4), as pure logic over what a receiver already holds.
//
// Every origin numbers its envelopes 1, 2, 3, ... and each envelope names the id of the
// one before it (prev). Envelopes may arrive in any order through relays, so gaps are
// allowed; each link seq-1 -> seq is checked as soon as both of its ends are present,
// from whichever side arrives second. The rules for an incoming link (seq, id, prev):
//
//   - an envelope with the same seq and the same id is held: a duplicate, a no-op;
//   - one with the same seq and another id is held: equivocation (the origin signed two
//     histories; its key may be cloned), refused with kConflict;
//   - seq-1 is held and its id differs from incoming.prev, or seq+1 is held and its prev
//     differs from incoming.id: a broken link, refused with kConflict;
//   - otherwise the envelope is new.
//
// The seq >= 1 and "prev all zero iff seq == 1" rules of the envelope format are checked
// again here (chain.seq, chain.broken_link), so the rules hold for any source of links.
#ifndef GONGKAI_PROTOCOL_CHAIN_H_
#define GONGKAI_PROTOCOL_CHAIN_H_

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "protocol/keys.h"
#include "protocol/sha256.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrChainSeq[] = "chain.seq";
inline constexpr char kErrChainEquivocation[] = "chain.equivocation";
inline constexpr char kErrChainBrokenLink[] = "chain.broken_link";

// One envelope's place in its origin's chain.
struct ChainLink {
  uint64_t seq = 0;
  Hash256 id{};    // SHA-256 of the envelope
  Hash256 prev{};  // id of the origin's envelope seq-1; all zero for seq 1
  bool operator==(const ChainLink&) const = default;
};

enum class ChainVerdict { kNew, kDuplicate };

// What a receiver holds, by origin and seq. Implementations: InMemoryChainView here, the
// node's journal in node/.
class ChainView {
 public:
  virtual ~ChainView() = default;
  // The held link of `origin` at `seq`, if any.
  virtual std::optional<ChainLink> Find(const NodeId& origin, uint64_t seq) const = 0;
};

// A ChainView in a std::map. Not thread-safe for concurrent Put.
class InMemoryChainView : public ChainView {
 public:
  std::optional<ChainLink> Find(const NodeId& origin, uint64_t seq) const override;
  // Records a link (replacing one at the same seq). Callers judge it first.
  void Put(const NodeId& origin, const ChainLink& link);
  size_t size() const { return links_.size(); }

 private:
  std::map<std::pair<NodeId, uint64_t>, ChainLink> links_;
};

// Judges `incoming` from `origin` against `held`, by the rules above. Does not record it.
// Errors: chain.seq (kInvalid, seq 0), chain.equivocation and chain.broken_link (kConflict).
Result<ChainVerdict> JudgeLink(const ChainView& held, const NodeId& origin,
                               const ChainLink& incoming);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_CHAIN_H_
