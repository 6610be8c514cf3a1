// The journal: every envelope this node holds (node-local table `journal`, see
// local_schema.h), its own and received, and the chain view over it.
//
// Rows are written only by capture and apply, in the same transaction as the synced rows
// the envelope carries, and never changed afterwards.
// Thread-safety: uses the caller's connection; one thread at a time.
#ifndef GONGKAI_NODE_REPLICA_JOURNAL_H_
#define GONGKAI_NODE_REPLICA_JOURNAL_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "node/replica/statement_cache.h"
#include "protocol/bytes.h"
#include "protocol/chain.h"
#include "protocol/envelope.h"
#include "protocol/keys.h"
#include "protocol/sha256.h"
#include "protocol/status.h"

namespace gongkai {

// Functions taking a StatementCache keep their statements prepared in it (the receiving
// path, once per envelope); the sqlite3* forms prepare them for the one call.

// Inserts the journal row of `envelope`. Fails (sql.failed, a constraint) when the id or
// the (origin, seq) is already held: callers judge the chain first.
Status InsertJournal(StatementCache& statements, const Envelope& envelope, int64_t received_at,
                     std::string_view source, std::string_view status);
Status InsertJournal(sqlite3* db, const Envelope& envelope, int64_t received_at,
                     std::string_view source, std::string_view status);

// True when an envelope with this id is held.
Result<bool> JournalHas(StatementCache& statements, const Hash256& id);
Result<bool> JournalHas(sqlite3* db, const Hash256& id);

// The link with the highest seq held from `origin`, or nullopt when none is.
Result<std::optional<ChainLink>> LatestLink(sqlite3* db, const NodeId& origin);

// The bytes of the envelope held from `origin` at `seq`, or nullopt.
Result<std::optional<Bytes>> JournalBytes(sqlite3* db, const NodeId& origin, uint64_t seq);

// A ChainView over the journal. ChainView::Find cannot report failures, so a database
// error is kept and returned by status(); check it after judging (a failed read looks
// like "not held").
class JournalChainView : public ChainView {
 public:
  // Reads through `statements`, which must outlive the view.
  explicit JournalChainView(StatementCache& statements) : own_(nullptr), statements_(statements) {}
  // Prepares its statement for this view alone.
  explicit JournalChainView(sqlite3* db) : own_(db), statements_(own_) {}
  std::optional<ChainLink> Find(const NodeId& origin, uint64_t seq) const override;
  Status status() const { return error_; }

 private:
  StatementCache own_;  // empty unless made from a sqlite3*
  StatementCache& statements_;
  mutable Status error_;
};

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_JOURNAL_H_
