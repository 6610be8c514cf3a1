// What this node knows a bundle peer holds: the peer's have summary from the last bundle
// it made that was imported here, kept in the node-local sync_state table.
//
// Row: peer = "bundle:" + NodeIdHex(maker); cursor = the text form below; last_attempt_at
// and last_success_at = the import's wall clock (Replica::NowMs); last_result = a one-line
// summary of the import.
//
// Cursor text, version 1:  "have1:" <as_of HLC in decimal> ":" <Base64 of HaveSummary::Encode>
// where as_of is the bundle's created HLC. A summary is replaced only by one from a bundle
// created at the same HLC or later, so importing an old bundle after a newer one does not
// make a later export resend what the peer already holds.
//
// Thread-safety: uses the replica's connection; one thread at a time.
#ifndef GONGKAI_NODE_EXCHANGE_PEER_STATE_H_
#define GONGKAI_NODE_EXCHANGE_PEER_STATE_H_

#include <optional>
#include <string>
#include <string_view>

#include "node/replica/replica.h"
#include "protocol/have.h"
#include "protocol/hlc.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kBundlePeerPrefix[] = "bundle:";
inline constexpr char kPeerHaveCursorPrefix[] = "have1:";

// Stored cursor text that is not the form above (kInvalid).
inline constexpr char kErrPeerState[] = "peer_state.cursor";

// "bundle:" + the maker's 32 hex digits.
std::string BundlePeerName(const NodeId& maker);

struct PeerHave {
  HaveSummary have;
  Hlc as_of = 0;
};

// The cursor text of `peer_have`. Errors: have.* when the summary is beyond its limits.
Result<std::string> PeerHaveCursor(const PeerHave& peer_have);
// The inverse; peer_state.cursor for anything else.
Result<PeerHave> ParsePeerHaveCursor(std::string_view cursor);

// The stored summary of `peer`, or nullopt when none is stored.
// Errors: peer_state.cursor, sql.*.
Result<std::optional<PeerHave>> LoadPeerHave(const Replica& replica, std::string_view peer);

// Records a successful exchange with `peer`: keeps `peer_have` unless the stored one is
// from a later bundle (see the file comment), and sets last_attempt_at, last_success_at and
// last_result. One transaction. Errors: have.*, sql.* (a stored cursor that does not parse
// is replaced).
Status RecordPeerHave(Replica& replica, std::string_view peer, const PeerHave& peer_have,
                      std::string_view result);

}  // namespace gongkai

#endif  // GONGKAI_NODE_EXCHANGE_PEER_STATE_H_
