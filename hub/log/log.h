// HubLog: the county audit log of design §7. Every envelope the hub accepts is appended to
// an RFC 6962 Merkle tree (log_store.h: entry = envelope id, leaf = SHA-256(0x00 || id));
// the hub signs checkpoints of it in the C2SP tlog-checkpoint form (protocol/checkpoint.h)
// with its own Ed25519 key, answers each accepted envelope with a signed receipt
// (protocol/receipt.h), serves inclusion and consistency proofs, and records the envelopes
// it refused (refused.h).
//
// Keys and names: the hub signs with its node key (hub.key), the key of the replica's own
// county certificate, which every enrolled node already holds. Checkpoints are signed under
// the key name = the log's origin, e.g. CountyLogOrigin("511304") = "gongkai/county/511304";
// the origin must therefore be a valid note key name (no spaces, no "+"). It names the log
// for its whole life: a node compares it on every checkpoint.
//
// How the hub uses it (issue 4's server):
//   accept:   ApplyEnvelope(...) -> kApplied -> Append(id, now) -> IssueReceipt(id)
//             (Append and IssueReceipt also work inside a transaction the caller holds open,
//             so storing, logging and receipting can commit together);
//             an envelope held before (kDuplicate) -> IssueReceipt(id) gives the same receipt;
//   refuse:   RecordRefused(bytes, source, status, now);
//   own:      after Capture commits -> Append(captured.id, now);
//   start:    AppendMissing() logs any journal envelope a killed process had not logged;
//   publish:  SignCheckpoint() after a batch; LatestCheckpoint(), proofs on request.
//
// Thread-safety: one thread at a time, like the Replica it uses. The replica and the key must
// outlive the HubLog.
#ifndef GONGKAI_HUB_LOG_LOG_H_
#define GONGKAI_HUB_LOG_LOG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/log/log_store.h"
#include "hub/log/refused.h"
#include "node/replica/replica.h"
#include "protocol/bytes.h"
#include "protocol/checkpoint.h"
#include "protocol/keys.h"
#include "protocol/sha256.h"
#include "protocol/signed_note.h"
#include "protocol/status.h"

namespace gongkai {

// Error codes.
inline constexpr char kErrLogKeyMismatch[] = "log.key_mismatch";  // key is not the replica's
inline constexpr char kErrLogNotCounty[] = "log.not_county";      // replica is not a county
// A stored checkpoint of some size has another root than the stored tree now gives: the
// database was altered (kIoError).
inline constexpr char kErrLogCheckpointMismatch[] = "log.checkpoint_mismatch";

// A checkpoint the hub signed, as stored in log_checkpoint.
struct CheckpointRecord {
  uint64_t size = 0;
  Hash256 root{};
  std::string note;        // the signed note (OpenCheckpoint under the hub key and origin)
  int64_t created_at = 0;  // hub wall clock, ms
};

// An inclusion proof looked up by envelope id.
struct EntryProof {
  LogEntry entry;
  uint64_t tree_size = 0;
  std::vector<Hash256> proof;
};

// For a second connection to the same database (a hub's read connections), which has no
// HubLog of its own: the checkpoint of the largest size signed so far (nullopt before the
// first), and the log's size, both as that connection sees them now.
Result<std::optional<CheckpointRecord>> ReadLatestCheckpoint(sqlite3* db);
Result<uint64_t> ReadLogSize(sqlite3* db);

class HubLog {
 public:
  // Opens the log in `replica`'s database, creating its tables when missing.
  // Errors: replica.not_enrolled; log.not_county (kDenied) when the replica's role is not
  // county; log.key_mismatch (kDenied) when hub_key is not the replica's node key;
  // note.key_name when `origin` cannot name a key; log.schema_version; sql.*.
  static Result<HubLog> Open(Replica& replica, const SecretKey& hub_key, std::string origin);

  HubLog(HubLog&&) = default;
  HubLog& operator=(HubLog&&) = default;

  const std::string& origin() const { return origin_; }
  // The checkpoint verifier key; FormatNoteVerifierKey gives its text for nodes and printing.
  const NoteVerifierKey& verifier_key() const { return verifier_key_; }
  LogStore& store() { return store_; }

  Result<uint64_t> Size() { return store_.Size(); }
  // Root of the whole log now.
  Result<Hash256> Root();

  // See LogStore::Append and LogStore::AppendMissing.
  Result<LogAppend> Append(const Hash256& envelope_id, int64_t received_at) {
    return store_.Append(envelope_id, received_at);
  }
  Result<uint64_t> AppendMissing() { return store_.AppendMissing(); }

  // Signs a checkpoint of the log at its current size, stores it in log_checkpoint
  // (created_at = the replica's wall clock) and returns it. Signing is deterministic
  // (Ed25519), so a second call at the same size returns the stored checkpoint unchanged;
  // log.checkpoint_mismatch when that stored one has another root than the tree now.
  Result<CheckpointRecord> SignCheckpoint();
  // The checkpoint of the largest size signed so far; nullopt before the first.
  Result<std::optional<CheckpointRecord>> LatestCheckpoint();
  // The checkpoint signed at exactly `size`, if any.
  Result<std::optional<CheckpointRecord>> CheckpointAt(uint64_t size);

  // Proofs: see LogStore. The envelope-id form finds the entry first (log.not_logged,
  // kNotFound) and proves it in the tree of `tree_size` entries.
  Result<std::vector<Hash256>> InclusionProof(uint64_t index, uint64_t tree_size) {
    return store_.InclusionProof(index, tree_size);
  }
  Result<EntryProof> InclusionProof(const Hash256& envelope_id, uint64_t tree_size);
  Result<std::vector<Hash256>> ConsistencyProof(uint64_t size1, uint64_t size2) {
    return store_.ConsistencyProof(size1, size2);
  }

  // The receipt of a logged envelope (protocol/receipt.h): its index and received_at from
  // log_entry, the log's size and root now, signed by the hub key. The first receipt issued
  // for an envelope is stored (log_receipt) and returned again by every later call, so a
  // node that asks twice gets the same bytes. Errors: log.not_logged (kNotFound),
  // receipt.range (a negative received_at), sql.*. Works inside an open transaction.
  Result<Bytes> IssueReceipt(const Hash256& envelope_id);

  // refused.h, on this replica's database.
  Result<int64_t> RecordRefused(ByteView bytes, std::string_view source, const Status& refusal,
                                int64_t received_at);
  Result<std::vector<RefusedRecord>> ListRefused(int64_t after_id, int limit);

 private:
  HubLog(Replica& replica, const SecretKey& hub_key, std::string origin,
         NoteVerifierKey verifier_key)
      : replica_(&replica),
        hub_key_(&hub_key),
        origin_(std::move(origin)),
        verifier_key_(std::move(verifier_key)),
        store_(replica.db()) {}

  Replica* replica_;
  const SecretKey* hub_key_;
  std::string origin_;
  NoteVerifierKey verifier_key_;
  LogStore store_;
};

}  // namespace gongkai

#endif  // GONGKAI_HUB_LOG_LOG_H_
