// Prepared statements kept for the life of a connection, so that hot paths made of a handful
// of indexed reads and writes each (receiving an envelope, the hub log's append and proofs)
// do not compile SQL every time. A Replica owns one for its connection (Replica::statements).
//
// Get() hands out a statement wrapped in a Use, which resets it (and clears its bindings)
// when it goes out of scope, so that no half-stepped statement keeps a read snapshot open.
//
// What it saves: SQLite recompiles (re-prepares) every statement of a connection after a
// schema change and after any flag PRAGMA, and sqlite3changeset_apply_v2 (SQLite 3.40) sets
// `PRAGMA defer_foreign_keys` on every call. On the receiving path each kept statement
// is therefore compiled once per envelope rather than once per use (settings reads, chain
// lookups, table shapes), not once for the connection's life.
//
// Thread-safety: belongs to one connection, which must outlive it; one thread at a time.
#ifndef GONGKAI_NODE_REPLICA_STATEMENT_CACHE_H_
#define GONGKAI_NODE_REPLICA_STATEMENT_CACHE_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "node/replica/sql.h"
#include "protocol/status.h"

namespace gongkai {

class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  StatementCache(StatementCache&&) = default;
  StatementCache& operator=(StatementCache&&) = default;

  // A statement borrowed from the cache until the Use is destroyed.
  class Use {
   public:
    explicit Use(Statement* statement) : statement_(statement) {}
    Use(Use&& other) noexcept : statement_(other.statement_) { other.statement_ = nullptr; }
    Use& operator=(Use&&) = delete;
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    ~Use() {
      if (statement_ != nullptr) statement_->Reset();
    }
    Statement& operator*() const { return *statement_; }
    Statement* operator->() const { return statement_; }

   private:
    Statement* statement_;
  };

  // The statement for `sql`, prepared on first use. REQUIRES: no other Use of the same `sql`
  // is alive. Errors: sql.* from preparing.
  Result<Use> Get(std::string_view sql);

  sqlite3* db() const { return db_; }

  // A table's columns as PRAGMA table_info gives them, in declaration order: the name and
  // the position in the primary key (0 when not part of it). Read once per schema version
  // of the connection (PRAGMA schema_version, which every schema change moves), not once
  // for every changeset that names the table. A table that does not exist has no columns.
  // The pointer is valid until the next call. Errors: sql.*.
  struct Column {
    std::string name;
    int64_t pk = 0;
  };
  Result<const std::vector<Column>*> Columns(std::string_view table);

 private:
  sqlite3* db_;
  std::map<std::string, Statement, std::less<>> statements_;
  int64_t schema_version_ = -1;  // of the columns kept in columns_
  std::map<std::string, std::vector<Column>, std::less<>> columns_;
};

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_STATEMENT_CACHE_H_
