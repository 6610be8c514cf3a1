// Prepared statements kept for the life of a connection, so that the log's hot paths (an
// append, a proof: a handful of indexed reads and writes each) do not compile SQL every time.
//
// Get() hands out a statement wrapped in a Use, which resets it (and clears its bindings)
// when it goes out of scope, so that no half-stepped statement keeps a read snapshot open.
//
// Thread-safety: belongs to one connection, which must outlive it; one thread at a time.
#ifndef GONGKAI_HUB_STATEMENT_CACHE_H_
#define GONGKAI_HUB_STATEMENT_CACHE_H_

#include <sqlite3.h>

#include <map>
#include <string>
#include <string_view>

#include "node/sql.h"
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

 private:
  sqlite3* db_;
  std::map<std::string, Statement, std::less<>> statements_;
};

}  // namespace gongkai

#endif  // GONGKAI_HUB_STATEMENT_CACHE_H_
