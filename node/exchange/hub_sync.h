// Sync with the county hub (issue 4): push what the hub has not receipted, pull what this
// node lacks, and check the hub's signed log head.
//
// One SyncWithHub:
//   1. push: the journal envelopes that did not come from the hub (journal.source <> 'hub')
//      and have no receipt here, in (hlc, origin, seq) order, in batches of at most
//      kMaxBatchEnvelopes (protocol/envelope_batch.h). Each receipt the hub answers with is
//      opened under the hub's key (receipt.*) and must name the envelope sent
//      (sync.receipt_mismatch); it is stored in the node-local table
//        hub_receipt(envelope_id PRIMARY KEY, log_index, received_at, bytes)
//      and an own envelope's journal.status goes from 'own' to 'receipted'. An envelope the
//      hub refuses is reported and remembered with its code (node/exchange/hub_refusal.h): one refused
//      for a permanent reason is not offered again; one refused for a reason that can change
//      (the hub lacks the maker's certificate, ...) is offered again on the next sync;
//   2. pull: this node's have summary (HaveOf) is sent; the envelopes answered are applied
//      (node/replica/apply.h, source "hub") under one commit per answer; again while the hub says
//      more remain and the last answer brought something new;
//   3. the hub's latest checkpoint (from the last answer) must open under the hub's key, its
//      origin "gongkai/county/<county code>" (sync.checkpoint and note.*/checkpoint.* codes),
//      and extend the checkpoint stored at the last sync (setting kSettingHubCheckpoint):
//      same size and root, or larger with a consistency proof (GET /v1/proof/consistency)
//      that verifies. Otherwise sync.history_rewritten (kConflict): "hub history rewritten",
//      and the stored checkpoint is kept. On success the new checkpoint is stored.
// The hub's key is the key of the county certificate (role county, region = the county code
// of this node's region) among the known certificates (stored at enrolment) or synced
// certificate rows, opened under the county root key (sync.hub_unknown otherwise).
//
// Thread-safety: one call at a time per Replica.
#ifndef GONGKAI_NODE_EXCHANGE_HUB_SYNC_H_
#define GONGKAI_NODE_EXCHANGE_HUB_SYNC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "node/exchange/hub_client.h"
#include "node/replica/replica.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

// settings keys: the hub's URL (`gongkai config set hub URL`) and the last checkpoint.
inline constexpr char kSettingHub[] = "hub";
inline constexpr char kSettingHubCheckpoint[] = "hub_checkpoint";
// Pull answers at most, per sync (a guard; kMaxPullEnvelopes each).
inline constexpr size_t kMaxPullRounds = 100000;

inline constexpr char kErrSyncHubUnknown[] = "sync.hub_unknown";              // kNotFound
inline constexpr char kErrSyncReceiptMismatch[] = "sync.receipt_mismatch";    // kInvalid
inline constexpr char kErrSyncAnswer[] = "sync.answer";                       // malformed answer
inline constexpr char kErrSyncHistoryRewritten[] = "sync.history_rewritten";  // kConflict

struct SyncRefusal {
  std::string envelope_id;  // 64 hex
  std::string code;
  std::string message;
  bool pushed = false;  // refused by the hub (true) or here when pulled (false)
};

struct SyncReport {
  size_t pushed = 0;          // envelopes sent
  size_t push_applied = 0;    // new at the hub
  size_t push_duplicate = 0;  // the hub held them already
  size_t receipts = 0;        // receipts stored
  size_t pulled = 0;          // envelopes received
  size_t pull_applied = 0;
  size_t pull_duplicate = 0;
  size_t pull_out_of_scope = 0;
  size_t pull_rounds = 0;
  std::vector<SyncRefusal> refused;
  size_t withheld = 0;  // not offered: the hub refused them before, permanently
  uint64_t checkpoint_size = 0;
  uint64_t previous_checkpoint_size = 0;
  bool had_checkpoint = false;
};

// Creates hub_receipt when missing. Errors: sql.*.
Status EnsureHubReceiptTable(sqlite3* db);

// The keys of every county hub certificate of this node's county that the node holds (its
// known certificates and the certificate table) and that opens under its root; empty when
// none. Sync checks receipts and checkpoints under the first; a proof file may name any.
// Errors: sql.*.
Result<std::vector<PublicKey>> CountyHubKeys(sqlite3* db, const NodeIdentity& self);

// See the file comment. `client` talks to the hub; `now_ms` stamps stored receipts.
// Errors: sync.*, receipt.*, checkpoint.*, note.*, merkle.*, the hub's answers' codes,
// replica.*, sql.*. What was applied or receipted before an error stays.
Result<SyncReport> SyncWithHub(Replica& replica, HubClient& client, int64_t now_ms);

}  // namespace gongkai

#endif  // GONGKAI_NODE_EXCHANGE_HUB_SYNC_H_
