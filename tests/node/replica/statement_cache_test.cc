#include "node/replica/statement_cache.h"

#include <doctest/doctest.h>

#include "protocol/sqlite_handles.h"

namespace gongkai {
namespace {

TEST_CASE("a cached statement is prepared once and handed out reset") {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
  SqliteDb db(raw);
  REQUIRE(ExecSql(db.get(), "CREATE TABLE t(x INTEGER); INSERT INTO t VALUES(1), (2);").ok());
  StatementCache cache(db.get());
  sqlite3_stmt* first = nullptr;
  {
    auto use = cache.Get("SELECT x FROM t WHERE x >= ? ORDER BY x");
    REQUIRE(use.ok());
    first = (*use)->get();
    (*use)->Bind(1, int64_t{1});
    REQUIRE(*(*use)->Step());
    CHECK((*use)->ColumnInt(0) == 1);
    // Left half-stepped: the Use resets it.
  }
  CHECK(sqlite3_stmt_busy(first) == 0);
  auto again = cache.Get("SELECT x FROM t WHERE x >= ? ORDER BY x");
  REQUIRE(again.ok());
  CHECK((*again)->get() == first);
  (*again)->Bind(1, int64_t{2});
  REQUIRE(*(*again)->Step());
  CHECK((*again)->ColumnInt(0) == 2);
  CHECK(cache.Get("SELECT nonsense FROM").status().code() == kErrSqlFailed);
}

TEST_CASE("a statement given back unstepped keeps no binding for the next use") {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
  SqliteDb db(raw);
  StatementCache cache(db.get());
  {
    auto use = cache.Get("SELECT ? IS NULL");
    REQUIRE(use.ok());
    (*use)->Bind(1, int64_t{5});
  }
  auto again = cache.Get("SELECT ? IS NULL");
  REQUIRE(again.ok());
  REQUIRE(*(*again)->Step());
  CHECK((*again)->ColumnInt(0) == 1);
}

TEST_CASE("a cache moved with its connection's owner keeps its statements") {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
  SqliteDb db(raw);
  StatementCache first(db.get());
  sqlite3_stmt* prepared = nullptr;
  {
    auto use = first.Get("SELECT 1");
    REQUIRE(use.ok());
    prepared = (*use)->get();
  }
  StatementCache moved(std::move(first));
  auto use = moved.Get("SELECT 1");
  REQUIRE(use.ok());
  CHECK((*use)->get() == prepared);
  CHECK(moved.db() == db.get());
}

}  // namespace
}  // namespace gongkai
