// The county audit log's storage: an RFC 6962 Merkle tree (protocol/merkle.h) over every
// envelope the hub accepted, kept in the hub's replica.db next to the journal.
//
// Entry and leaf: the entry of an envelope is its 32-byte id, SHA-256 of its bytes, so
//   leaf_hash = SHA-256(0x00 || SHA-256(envelope bytes))     (protocol/receipt.h)
// and an audit recomputes every leaf from the journal's stored bytes alone, while a node
// holding only an id (a receipt, a QR code on a printed sheet) can check inclusion.
//
// Tables (log_schema.h):
//   log_entry(idx INTEGER PRIMARY KEY: 0, 1, 2, ... without gaps; envelope_id TEXT UNIQUE,
//             64 lowercase hex, of a journal row; leaf_hash BLOB 32; received_at INTEGER,
//             the hub's wall clock in ms when it accepted the envelope)
//   log_subtree(level INTEGER 1..63, position INTEGER, hash BLOB 32,
//               PRIMARY KEY(level, position)) WITHOUT ROWID: the hash of every complete
//             subtree of 2^level entries, [position * 2^level, (position + 1) * 2^level).
//             Level 0 is log_entry.leaf_hash.
// The tree is never held in memory: an append writes its leaf and on average one subtree
// row (at most log2 n) after as many indexed reads; a root or proof at any size up to the
// current one takes O(log n) indexed reads (hub/log/log_tree.h). Nothing is loaded at start.
// Storage is about two hashes per entry plus the id: roughly 200 bytes per entry with
// SQLite's overhead (measured in tests/bench/hub_bench.cc), small beside the envelopes.
//
// Writes go through Transaction (node/replica/sql.h): inside a caller's open transaction they
// commit with it; on their own they run in one BEGIN IMMEDIATE transaction.
//
// Thread-safety: a LogStore belongs to one connection and one thread at a time; other
// processes are kept out by SQLite's write lock.
#ifndef GONGKAI_HUB_LOG_LOG_STORE_H_
#define GONGKAI_HUB_LOG_LOG_STORE_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "node/replica/statement_cache.h"
#include "protocol/sha256.h"
#include "protocol/status.h"

namespace gongkai {

// Journal rows AppendMissing reads per transaction.
inline constexpr int kAppendMissingBatch = 10000;
// meta key of AppendMissing's cursor: a journal rowid, decimal.
inline constexpr char kMetaHubLogJournalCursor[] = "hub_log_journal_cursor";

// Error codes. Proof and root requests reuse protocol/merkle.h's codes:
// merkle.size_beyond_tree (kNotFound), merkle.index_out_of_range, merkle.size_order.
inline constexpr char kErrLogNotJournaled[] = "log.not_journaled";  // id not in journal
inline constexpr char kErrLogNotLogged[] = "log.not_logged";        // id not in the log
// The stored log is damaged or was altered: a subtree hash missing, an id or the journal
// cursor not well formed (kIoError).
inline constexpr char kErrLogDamaged[] = "log.damaged";

// One row of log_entry.
struct LogEntry {
  uint64_t index = 0;
  Hash256 envelope_id{};
  Hash256 leaf_hash{};
  int64_t received_at = 0;
  bool operator==(const LogEntry&) const = default;
};

struct LogAppend {
  LogEntry entry;
  bool appended = false;  // false: the id was already logged, `entry` is the earlier one
};

class LogStore {
 public:
  // REQUIRES: CreateLogTables(db) (log_schema.h) succeeded once on this file; db outlives
  // the store.
  explicit LogStore(sqlite3* db) : statements_(db) {}
  LogStore(LogStore&&) = default;
  LogStore& operator=(LogStore&&) = default;

  sqlite3* db() const { return statements_.db(); }

  // Number of entries.
  Result<uint64_t> Size();

  // Appends the envelope `envelope_id` as the next entry, received at `received_at` (hub
  // wall clock, ms). Idempotent: an id already logged returns its entry, appended = false.
  // The envelope must be in the journal (log.not_journaled, kNotFound), so that the audit
  // can recompute the leaf from stored bytes. Works inside the caller's open transaction
  // (the one that stored the envelope) or alone; see the file comment.
  Result<LogAppend> Append(const Hash256& envelope_id, int64_t received_at);

  // Logs every journal envelope that is not logged yet, in the order the journal stored them
  // (its rowid), each with its journal.received_at. For the hub's start (an envelope stored
  // by a process killed before it appended) and after the hub's own captures. Returns how
  // many were appended.
  //
  // It reads only journal rows past a cursor kept in meta (kMetaHubLogJournalCursor): the
  // highest journal rowid it has seen logged. Journal rows are never deleted, so SQLite gives
  // every later row a higher rowid, and the cost is that of the rows journaled since the
  // last call. It commits the cursor with each batch of kAppendMissingBatch journal rows; a
  // crash in between loses nothing, the next call continues.
  Result<uint64_t> AppendMissing();

  // The entry at `index`, or by envelope id; nullopt when there is none.
  Result<std::optional<LogEntry>> EntryAt(uint64_t index);
  Result<std::optional<LogEntry>> EntryOf(const Hash256& envelope_id);

  // RFC 6962 root of the first `size` entries. merkle.size_beyond_tree when size > Size().
  Result<Hash256> Root(uint64_t size);

  // RFC 6962 PATH(index, D[0..size)), leaf level first: exactly what protocol/merkle.h
  // VerifyInclusion takes. Errors: merkle.size_beyond_tree, merkle.index_out_of_range.
  Result<std::vector<Hash256>> InclusionProof(uint64_t index, uint64_t size);

  // RFC 6962 PROOF(size1, D[0..size2)), for VerifyConsistency; empty when size1 is 0 or
  // equals size2. Errors: merkle.size_beyond_tree, merkle.size_order.
  Result<std::vector<Hash256>> ConsistencyProof(uint64_t size1, uint64_t size2);

 private:
  // MTH of complete subtree (level, position); log.damaged when the row is absent.
  Result<Hash256> ReadSubtree(int level, uint64_t position);
  Status CheckSize(uint64_t size, const char* what);
  // AppendMissing's cursor, 0 when none was stored; log.damaged when it is not decimal.
  Result<int64_t> JournalCursor();

  StatementCache statements_;
};

// LogStore(db).Append(envelope_id, received_at), for code that holds only the connection:
// the hub calls it right after ApplyEnvelope or Capture stored the envelope, inside the same
// transaction when it has one open.
Result<LogAppend> AppendToLog(sqlite3* db, const Hash256& envelope_id, int64_t received_at);

}  // namespace gongkai

#endif  // GONGKAI_HUB_LOG_LOG_STORE_H_
