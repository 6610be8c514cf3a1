#include "node/replica/statement_cache.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "node/replica/table_info.h"
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

TEST_CASE("a table's kept shape follows a schema change, by this connection or another") {
  const std::string path = "file:shape_cache?mode=memory&cache=shared";
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, nullptr) ==
          SQLITE_OK);
  SqliteDb db(raw);
  raw = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, nullptr) ==
          SQLITE_OK);
  SqliteDb other(raw);
  REQUIRE(ExecSql(db.get(), "CREATE TABLE t(a TEXT, b TEXT, PRIMARY KEY(b, a))").ok());
  StatementCache cache(db.get());

  auto before = ReadTableInfo(cache, "t");
  REQUIRE(before.ok());
  CHECK(before->columns == std::vector<std::string>{"a", "b"});
  CHECK(before->pk_columns == std::vector<int>{1, 0});
  auto missing = ReadTableInfo(cache, "u");
  REQUIRE(missing.ok());
  CHECK(missing->columns.empty());

  REQUIRE(ExecSql(db.get(), "ALTER TABLE t ADD COLUMN c INTEGER").ok());
  auto added = ReadTableInfo(cache, "t");
  REQUIRE(added.ok());
  CHECK(added->columns == std::vector<std::string>{"a", "b", "c"});

  // Another connection creates the table this cache knew as missing.
  REQUIRE(ExecSql(other.get(), "CREATE TABLE u(x INTEGER PRIMARY KEY)").ok());
  auto created = ReadTableInfo(cache, "u");
  REQUIRE(created.ok());
  CHECK(created->columns == std::vector<std::string>{"x"});
  CHECK(created->pk_columns == std::vector<int>{0});
}

}  // namespace
}  // namespace gongkai
