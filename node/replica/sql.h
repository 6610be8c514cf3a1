// Small helpers over SQLite for node/: run a script, a prepared statement with typed binds
// and reads, and a transaction guard. Every failure becomes a Status whose code says what
// sort of SQLite failure it was (kErrSql*), with SQLite's own message appended.
//
// Thread-safety: none of these objects may be shared between threads; each belongs to the
// connection it was made from, which must outlive it.
#ifndef GONGKAI_NODE_REPLICA_SQL_H_
#define GONGKAI_NODE_REPLICA_SQL_H_

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/sqlite_handles.h"
#include "protocol/status.h"

namespace gongkai {

// Error codes for SQLite failures (the kind follows the cause).
inline constexpr char kErrSqlBusy[] = "sql.busy";        // kUnavailable: locked too long
inline constexpr char kErrSqlIo[] = "sql.io";            // kIoError: I/O error
inline constexpr char kErrSqlDiskFull[] = "sql.disk_full";  // kIoError: no space left
inline constexpr char kErrSqlCorrupt[] = "sql.corrupt";  // kIoError: not a database/corrupt
inline constexpr char kErrSqlFailed[] = "sql.failed";    // kInternal: anything else

// The Status for result code `rc` on `db`; `what` names the operation.
Status SqlStatus(sqlite3* db, int rc, std::string_view what);

// Runs a script of one or more statements that return no rows of interest.
Status ExecSql(sqlite3* db, std::string_view sql);

// Settings of the SQLite library for the whole process, made once before its first
// connection: no memory statistics (SQLITE_CONFIG_MEMSTATUS 0, which would take a global
// mutex on every allocation; nothing here reads them). SQLite takes process settings only
// before it is initialized: when something else opened a connection first, this changes
// nothing, and SQLite behaves the same, only a little slower. Thread-safe.
void ConfigureSqliteLibrary();

// A prepared statement. Bind indexes are 1-based, column indexes 0-based (as in SQLite).
class Statement {
 public:
  static Result<Statement> Prepare(sqlite3* db, std::string_view sql);

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, ByteView blob);
  Statement& BindNull(int index);

  // Steps once: true when a row is ready to read, false when done.
  Result<bool> Step();
  // Steps until done, for statements that return no rows.
  Status Run();
  // Makes the statement ready to run again with new binds.
  void Reset();

  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  Bytes ColumnBlob(int column) const;
  bool ColumnIsNull(int column) const;

  sqlite3_stmt* get() const { return stmt_.get(); }

 private:
  Statement(sqlite3* db, SqliteStmt stmt) : db_(db), stmt_(std::move(stmt)) {}

  sqlite3* db_;
  SqliteStmt stmt_;
  Status bind_error_;  // the first failed bind, reported by the next Step
};

// All-or-nothing writes that work both on their own and inside a caller's transaction:
//   - on a connection in autocommit mode Begin() runs BEGIN IMMEDIATE and Commit() commits;
//   - inside an open transaction Begin() runs SAVEPOINT and Commit() releases it, so the
//     rows commit (or roll back) with the caller's transaction. This lets a caller apply a
//     batch of envelopes, each all-or-nothing, under one commit (one fsync).
// Destroyed without Commit(), or by Rollback(), it undoes exactly what it wrote (ROLLBACK,
// or ROLLBACK TO and RELEASE of its savepoint), leaving an enclosing transaction open.
class Transaction {
 public:
  // Errors: sql.* (sql.busy when another connection holds the write lock too long).
  static Result<Transaction> Begin(sqlite3* db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // True when this is a savepoint inside the caller's transaction.
  bool nested() const { return nested_; }

  // COMMIT or RELEASE. After a failed Commit the destructor still rolls back.
  Status Commit();
  // Undoes the writes now (as the destructor would).
  Status Rollback();

  // Runs `write` on `db` once the outermost Transaction open on it has ended, committed or
  // rolled back; at once when `db` is in autocommit mode. For a record that must outlive
  // the caller's rollback (an alarm raised inside a batch that later fails): write it now
  // and again here, idempotently. Inside a transaction that no Transaction began (a bare
  // BEGIN) there is no outermost end to wait for: `write` is not run, and the caller's
  // write stands or falls with that transaction. Failures of `write` are ignored.
  static void AfterOutermost(sqlite3* db, std::function<Status(sqlite3*)> write);

 private:
  Transaction(sqlite3* db, bool nested) : db_(db), nested_(nested) {}
  // Ends the outermost transaction's registration and runs what waited for it.
  void RunAfterOutermost(sqlite3* db);
  sqlite3* db_;  // nullptr once committed, rolled back or moved from
  bool nested_ = false;
};

// Helpers for single values.
Result<std::optional<int64_t>> QueryInt(sqlite3* db, std::string_view sql,
                                        std::string_view text_param = {});

// PRAGMA quick_check(1) on `db` (reads every page): "ok" for an undamaged file, else the first
// problem SQLite names. Errors: sql.* when the check itself cannot run (a file too damaged to
// read its schema is sql.corrupt).
Result<std::string> QuickCheck(sqlite3* db);

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_SQL_H_
