// WriteScope: all-or-nothing writes that work both inside a caller's open transaction and on
// their own.
//
// The hub appends to its log right after ApplyEnvelope or Capture stored an envelope,
// ideally inside the very transaction that stored it. Functions of hub/ that write several
// rows therefore open a WriteScope:
//   - on a connection in autocommit mode it runs BEGIN IMMEDIATE, and Commit() commits;
//   - inside an open transaction it runs SAVEPOINT, and Commit() releases it, so the rows
//     commit (or roll back) with the caller's transaction.
// Destroyed without Commit(), it rolls back exactly what it wrote (ROLLBACK, or ROLLBACK TO
// and RELEASE the savepoint), leaving the caller's transaction open and untouched.
//
// Thread-safety: belongs to its connection; one thread at a time. The connection must
// outlive the scope.
#ifndef GONGKAI_HUB_WRITE_SCOPE_H_
#define GONGKAI_HUB_WRITE_SCOPE_H_

#include <sqlite3.h>

#include "protocol/status.h"

namespace gongkai {

class WriteScope {
 public:
  // Errors: sql.* (sql.busy when another connection holds the write lock too long).
  static Result<WriteScope> Begin(sqlite3* db);

  WriteScope(WriteScope&& other) noexcept;
  WriteScope& operator=(WriteScope&&) = delete;
  WriteScope(const WriteScope&) = delete;
  WriteScope& operator=(const WriteScope&) = delete;
  ~WriteScope();

  // True when the scope is a savepoint inside the caller's transaction.
  bool nested() const { return nested_; }

  // COMMIT or RELEASE. After a failed Commit the destructor still rolls back.
  Status Commit();

 private:
  WriteScope(sqlite3* db, bool nested) : db_(db), nested_(nested) {}

  sqlite3* db_;  // nullptr once committed or moved from
  bool nested_;
};

}  // namespace gongkai

#endif  // GONGKAI_HUB_WRITE_SCOPE_H_
