// Apply: receiving one envelope into the replica, all or nothing.
//
// ApplyEnvelope checks the cheapest things first and changes nothing unless all hold:
//    1. size: at most kMaxEnvelopeSize bytes (envelope.too_large), before any copy;
//    2. decode (envelope.*);
//    3. already held (same id in the journal): a duplicate, success, nothing changes;
//    4. read scope: the envelope's region must be in this node's read scope
//       (region.h InReadScope: its own subtree plus its ancestors). An envelope outside is
//       skipped: success with kOutOfScope, nothing stored. It is not an error, because a
//       relay (a bundle from a township, the hub) may carry more than this node needs; a
//       township's scope covers its villages, so it keeps and relays theirs;
//    5. signer known: a certificate for the origin, from the synced `certificate` table or
//       the node-local known_certificate table, that opens under the county root key held
//       in settings (apply.unknown_signer otherwise, kDenied);
//    6. signer not revoked (ApplyOptions::judge_revocation replaces this step): a
//       `revocation` row for the origin refuses every envelope of
//       that key not already held (apply.revoked, kDenied). This node cannot know the hub
//       log position of the revocation, so it is stricter than the hub: envelopes of a
//       retired key that the hub accepted before the revocation reach it only if held
//       before the revocation arrived. The hub refines this (design §5);
//    7. signature (envelope.signature, envelope.signer);
//    8. chain, judged against the journal (protocol/chain.h): equivocation or a broken link
//       is refused (chain.*) AND recorded as an alarm, with both envelopes' bytes, that
//       outlives the refusal: a caller's batch transaction that rolls back keeps it
//       (Transaction::AfterOutermost records it again once that transaction has ended);
//    9. payload decompressed within its declared size (envelope.payload_*, zstd.*);
//   10. protocol/inspect.h InspectChangeset against the signer's certificate: every change
//       an INSERT into a known table with the expected columns, origin = signer, region =
//       the envelope's and within the signer's write scope (inspect.*, schema.*);
//   11. certificate and revocation rows: the body column opens under the county root key
//       and every other column equals the decoded body (apply.certificate_row,
//       apply.revocation_row, kDenied);
//   12. the local tables match the changeset exactly (replica.schema_mismatch): SQLite
//       would otherwise skip a missing or narrower table silently;
//   13. the rows, inserted by the connection's kept statements (one INSERT per table, in
//       Replica::statements; not sqlite3changeset_apply_v2, whose PRAGMA expires every
//       prepared statement), in the same transaction as the journal row and the provenance
//       rows. An INSERT that fails on a constraint looks its key up: a held row with identical
//       content (every column equal) is omitted; the same key with other content refuses
//       the envelope (apply.row_conflict, kConflict); no held row means another constraint
//       (apply.constraint, kInvalid). A caller that applies a batch under one transaction
//       gets a savepoint per envelope (Transaction::Begin nests), so each is all or nothing.
// Applying the same envelope twice changes nothing (step 3).
//
// REQUIRES: the replica has an identity (replica.not_enrolled otherwise).
// Thread-safety: one call at a time per Replica; the write transaction (BEGIN IMMEDIATE)
// keeps other processes out.
#ifndef GONGKAI_NODE_REPLICA_APPLY_H_
#define GONGKAI_NODE_REPLICA_APPLY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "node/replica/replica.h"
#include "protocol/bytes.h"
#include "protocol/keys.h"
#include "protocol/sha256.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrApplyUnknownSigner[] = "apply.unknown_signer";
inline constexpr char kErrApplyRevoked[] = "apply.revoked";
inline constexpr char kErrApplyCertificateRow[] = "apply.certificate_row";
inline constexpr char kErrApplyRevocationRow[] = "apply.revocation_row";
inline constexpr char kErrApplyRowConflict[] = "apply.row_conflict";
inline constexpr char kErrApplyConstraint[] = "apply.constraint";
inline constexpr char kErrApplyRange[] = "apply.range";

enum class ApplyOutcome {
  kApplied,     // new: its rows and journal row are committed
  kDuplicate,   // already held: nothing changed
  kOutOfScope,  // outside this node's read scope: skipped, nothing stored
};

struct ApplyResult {
  ApplyOutcome outcome = ApplyOutcome::kApplied;
  Hash256 id{};
  // Rows inserted (identical duplicates omitted are not counted).
  int64_t rows_inserted = 0;
};

// What a receiver may decide instead of a node.
struct ApplyOptions {
  // When set, replaces step 6: called with the signer (known, certificate opened) of an
  // envelope not yet held; a non-OK status refuses the envelope with that status. The county
  // hub judges revocation by its log position (hub/log/revocation_position.h).
  std::function<Status(const NodeId& signer)> judge_revocation;
};

// Receives the envelope `bytes` that came from `source` (a peer's node id, "bundle:<file>",
// "hub"; stored in journal.source). See the file comment for the checks and their codes.
Result<ApplyResult> ApplyEnvelope(Replica& replica, ByteView bytes, std::string_view source,
                                  const ApplyOptions& options = {});

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_APPLY_H_
