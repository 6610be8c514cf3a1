// Transaction (node/replica/sql.h): alone or nested inside a caller's transaction.
#include <doctest/doctest.h>

#include "node/replica/sql.h"
#include "protocol/sqlite_handles.h"

namespace gongkai {
namespace {

SqliteDb MemoryDb() {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
  SqliteDb db(raw);
  REQUIRE(ExecSql(db.get(), "CREATE TABLE t(x INTEGER)").ok());
  return db;
}

int64_t Rows(sqlite3* db) { return QueryInt(db, "SELECT count(*) FROM t")->value_or(-1); }

TEST_CASE("alone: its own transaction, committed or rolled back") {
  SqliteDb db = MemoryDb();
  {
    auto scope = Transaction::Begin(db.get());
    REQUIRE(scope.ok());
    CHECK_FALSE(scope->nested());
    REQUIRE(ExecSql(db.get(), "INSERT INTO t VALUES(1)").ok());
    REQUIRE(scope->Commit().ok());
  }
  CHECK(sqlite3_get_autocommit(db.get()));
  CHECK(Rows(db.get()) == 1);
  {
    auto scope = Transaction::Begin(db.get());
    REQUIRE(scope.ok());
    REQUIRE(ExecSql(db.get(), "INSERT INTO t VALUES(2)").ok());
  }
  CHECK(sqlite3_get_autocommit(db.get()));
  CHECK(Rows(db.get()) == 1);
}

TEST_CASE("nested: a savepoint that commits or rolls back only its own writes") {
  SqliteDb db = MemoryDb();
  REQUIRE(ExecSql(db.get(), "BEGIN").ok());
  REQUIRE(ExecSql(db.get(), "INSERT INTO t VALUES(1)").ok());
  {
    auto scope = Transaction::Begin(db.get());
    REQUIRE(scope.ok());
    CHECK(scope->nested());
    REQUIRE(ExecSql(db.get(), "INSERT INTO t VALUES(2)").ok());
  }
  CHECK_FALSE(sqlite3_get_autocommit(db.get()));  // the caller's transaction is still open
  CHECK(Rows(db.get()) == 1);
  {
    auto scope = Transaction::Begin(db.get());
    REQUIRE(scope.ok());
    REQUIRE(ExecSql(db.get(), "INSERT INTO t VALUES(3)").ok());
    REQUIRE(scope->Commit().ok());
  }
  CHECK_FALSE(sqlite3_get_autocommit(db.get()));
  REQUIRE(ExecSql(db.get(), "ROLLBACK").ok());
  CHECK(Rows(db.get()) == 0);  // released into the caller's transaction, which rolled back
}

TEST_CASE("a moved scope rolls back once; Commit twice is refused") {
  SqliteDb db = MemoryDb();
  auto scope = Transaction::Begin(db.get());
  REQUIRE(scope.ok());
  Transaction moved = std::move(*scope);
  REQUIRE(moved.Commit().ok());
  CHECK(moved.Commit().code() == kErrSqlFailed);
}

}  // namespace
}  // namespace gongkai
