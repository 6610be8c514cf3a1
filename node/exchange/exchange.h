// The offline exchange (design §6): what a node holds, bundles of what a peer lacks, and
// importing a peer's bundle. Nodes and the hub (a node with county scope) call the same
// functions; the `gongkai bundle export|import` commands are thin wrappers.
//
// A round between two nodes A and B on a USB stick:
//   1. A exports a bundle for B: the envelopes within B's read scope (for_region) that B
//      lacks, as far as A knows from B's last have summary, plus A's own have summary.
//   2. B imports it: every envelope is applied on its own; B stores A's have summary.
//   3. B exports for A: only what A's summary says A lacks. And so on: each exchange sends
//      only what the other side lacks, and repeating any step changes nothing.
//
// Thread-safety: one call at a time per Replica (apply and capture are not concurrent-safe
// on one connection); other processes are kept out by SQLite's write transactions.
#ifndef GONGKAI_NODE_EXCHANGE_EXCHANGE_H_
#define GONGKAI_NODE_EXCHANGE_EXCHANGE_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "node/replica/replica.h"
#include "protocol/bundle.h"
#include "protocol/have.h"
#include "protocol/hlc.h"
#include "protocol/keys.h"
#include "protocol/sha256.h"
#include "protocol/status.h"

namespace gongkai {

// Error codes.
// Envelopes applied under one commit by ImportBundle (each all-or-nothing on its own).
inline constexpr size_t kApplyBatchSize = 256;

inline constexpr char kErrExchangeKeyMismatch[] = "exchange.key_mismatch";    // kInvalid
inline constexpr char kErrExchangeUnknownMaker[] = "exchange.unknown_maker";  // kDenied
inline constexpr char kErrExchangeMakerRevoked[] = "exchange.maker_revoked";  // kDenied
inline constexpr char kErrExchangeSpool[] = "exchange.spool";                 // kIoError

// An import keeps the details of this many refused envelopes; all are counted.
inline constexpr size_t kMaxReportedRefusals = 1000;

enum class ExchangeStep { kWriting, kReading, kApplying };

// Progress of a long export or import: `done` of `total` envelopes in `step`. Called after
// each envelope from the calling thread; it must not use the replica.
struct ExchangeProgress {
  ExchangeStep step = ExchangeStep::kWriting;
  size_t done = 0;
  size_t total = 0;
};
using ExchangeProgressFn = std::function<void(const ExchangeProgress&)>;

// Every envelope in the journal (own and received), per origin as seq ranges.
// Errors: sql.*, have.* when the journal holds more than kMaxHaveOrigins origins or its
// sequence numbers make more than kMaxHaveRanges ranges (checked by Encode, not here).
Result<HaveSummary> HaveOf(const Replica& replica);

struct ExportOptions {
  // The receiver's region: only envelopes within its read scope (region.h InReadScope, for
  // the role that fits the code's length: 12 digits village, 9 township, 6 county) go in,
  // less the envelopes that bring only certificates it does not need (of nodes outside that
  // read scope: not its ancestors, not itself, not the writers of its subtree; an envelope
  // with a revocation or any other row always goes in), so that a village receives a few
  // certificates and not one per village of the county. Empty: everything, for anyone (a
  // relay or a backup).
  std::string for_region;
  // What the receiver holds: the have summary of the last bundle it made that was imported
  // here (node/exchange/peer_state.h: LoadPeerHave(replica, BundlePeerName(its node id))). Those
  // envelopes are left out. None: the receiver is taken to hold nothing.
  std::optional<HaveSummary> peer_have;
  // The bundle's created HLC (bundle.h); 0 takes the replica's LastHlc().
  Hlc created_hlc = 0;
  // Bundle limits, clamped to kMaxBundleEnvelopes and kMaxBundleSize. When the envelopes
  // do not all fit, the bundle holds a front part of the export order (which applies on
  // its own) and ExportReport::left_out counts the rest: export again after the peer
  // answers. The bytes are counted as a version 2 bundle would hold them; a version 3 file
  // is smaller.
  size_t max_envelopes = kMaxBundleEnvelopes;
  uint64_t max_bytes = kMaxBundleSize;
  // The bundle format (protocol/bundle.h): 3, compressed, unless the receiver runs another
  // zstd (it would refuse the opened envelopes, bundle.codec) or an older release; then 2.
  uint8_t bundle_version = kBundleVersion;
  ExchangeProgressFn progress;
};

struct ExportReport {
  std::filesystem::path path;
  size_t envelopes = 0;  // envelopes in the bundle
  size_t left_out = 0;   // wanted but over the limits
  uint64_t bytes = 0;    // size of the bundle file
};

// Writes a bundle at `path` (via `path`.partial, renamed when complete; BundleWriter::Create)
// made and signed by `key`, holding the journal envelopes the peer lacks within for_region's
// read scope, in the order of node/exchange/exchange_order.h, and this node's HaveSummary. A bundle
// with no envelopes is still written: it tells the peer what to send back.
// REQUIRES: the replica is enrolled and `key` is its node key (exchange.key_mismatch).
// Errors: replica.not_enrolled, region.* (for_region), have.*, bundle.io and the other
// BundleWriter codes, sql.*. On error the .partial file is removed and `path` is untouched.
// Memory: about 80 bytes per envelope the peer lacks, plus one envelope at a time.
Result<ExportReport> ExportBundle(const Replica& replica, const SecretKey& key,
                                  const std::filesystem::path& path,
                                  const ExportOptions& options = {});

struct ImportOptions {
  // journal.source of the envelopes applied (apply.h); empty: "bundle:<maker node id>".
  std::string source_label;
  // Folder for the temporary copy of the bundle's envelopes; empty: the replica's folder.
  std::filesystem::path spool_dir;
  ExchangeProgressFn progress;
};

// One envelope of the bundle that was not applied, and why.
struct RefusedEnvelope {
  Hash256 id{};
  NodeId origin{};
  uint64_t seq = 0;
  std::string region;
  Status status;  // its code says why: apply.*, inspect.*, chain.*, envelope.*, ...
};

struct ImportReport {
  NodeId maker{};            // the node that made and signed the bundle
  std::string maker_region;  // from its certificate
  Role maker_role = Role::kVillage;
  std::string for_region;                // as the bundle declares it
  Hlc created_hlc = 0;                   // as the bundle declares it
  uint64_t bytes = 0;                    // size of the bundle file
  size_t envelopes = 0;                  // envelopes in the bundle
  size_t applied = 0;                    // new here, committed
  size_t duplicate = 0;                  // already held
  size_t out_of_scope = 0;               // outside this node's read scope, skipped
  size_t refused_count = 0;              // refused (all of them)
  std::vector<RefusedEnvelope> refused;  // the first kMaxReportedRefusals of them
  HaveSummary peer_have;                 // the maker's have summary

  bool all_accepted() const { return refused_count == 0; }
};

// Imports the bundle at `path`:
//   1. reads all of it and checks its signature (bundle.* codes) BEFORE anything is
//      applied, staging the envelopes in an unlinked temporary file in spool_dir;
//   2. checks the maker: its certificate must open under the county root key, from this
//      replica or from a certificate row that a county envelope in this same bundle carries
//      (so a newly enrolled node can take its first bundle from its township), and it must
//      not be revoked here. Otherwise the whole bundle is refused (exchange.unknown_maker,
//      exchange.maker_revoked) and nothing is applied;
//   3. applies each envelope on its own with ApplyEnvelope, in bundle order; those refused
//      as apply.unknown_signer are tried again, in order, while a round applies something
//      (a certificate may come later in the bundle than the envelopes that need it);
//   4. stores the maker's have summary in sync_state (peer "bundle:<maker node id>", see
//      node/exchange/peer_state.h) with last_success_at, so a later export for it sends only what it
//      lacks.
// Refused envelopes (forged, out of their signer's scope, equivocation, revoked signer, ...)
// are listed in the report and the rest applied: the result is OK with refused_count > 0.
// Callers that need all or nothing check all_accepted(); the command exits non-zero then.
// Errors (the whole import fails): bundle.*, exchange.*, replica.not_enrolled. A failure of
// this replica itself while applying (kIoError, kUnavailable, kInternal: disk full, busy)
// stops the import and is returned; the envelopes applied before it stay applied, each
// being committed on its own, and importing the bundle again finishes the job.
// Memory: 16 bytes per envelope of the bundle (24 while its signer is unknown), one envelope
// and its changeset at a time, the maker's have summary, and at most kMaxReportedRefusals
// messages. Disk: the size of the bundle's envelopes in spool_dir, freed when the call
// returns (or the process dies).
Result<ImportReport> ImportBundle(Replica& replica, const std::filesystem::path& path,
                                  const ImportOptions& options = {});

}  // namespace gongkai

#endif  // GONGKAI_NODE_EXCHANGE_EXCHANGE_H_
