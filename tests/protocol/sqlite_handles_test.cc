#include "protocol/sqlite_handles.h"

#include <doctest/doctest.h>

#include <utility>

#include "changeset_fixture.h"

namespace gongkai {
namespace {

using namespace testing;  // NOLINT: test fixtures

TEST_CASE("owners free their handles; a moved owner holds nothing") {
  SqliteDb db = OpenMemoryDb();
  Exec(db.get(), "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
  sqlite3_stmt* raw = nullptr;
  REQUIRE(sqlite3_prepare_v2(db.get(), "SELECT 1", -1, &raw, nullptr) == SQLITE_OK);
  SqliteStmt stmt(raw);
  SqliteStmt moved = std::move(stmt);
  CHECK(stmt == nullptr);  // NOLINT: checking the moved-from state on purpose
  CHECK(sqlite3_step(moved.get()) == SQLITE_ROW);
  moved.reset();
  CHECK(sqlite3_next_stmt(db.get(), nullptr) == nullptr);  // finalized
}

TEST_CASE("a session records inserts and its changeset buffer is owned") {
  SourceDb source("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
  source.Run("INSERT INTO t VALUES ('a', 'b')");
  int size = 0;
  void* data = nullptr;
  REQUIRE(sqlite3session_changeset(source.session.get(), &size, &data) == SQLITE_OK);
  SqliteBuffer buffer(data, size);
  CHECK(buffer.view().size() == static_cast<size_t>(size));
  CHECK(buffer.view()[0] == 'T');
  const Bytes copy = buffer.ToBytes();
  SqliteBuffer moved = std::move(buffer);
  CHECK(moved.view().size() == copy.size());
  CHECK(buffer.view().empty());  // NOLINT: checking the moved-from state on purpose
  CHECK(SqliteBuffer().view().empty());
  CHECK(SqliteBuffer(nullptr, 5).view().empty());
}

TEST_CASE("a changeset iterator owner walks a changeset") {
  SourceDb source("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
  source.Run("INSERT INTO t VALUES ('a', 'b'); INSERT INTO t VALUES ('c', 'd');");
  Bytes bytes = source.Changeset();
  sqlite3_changeset_iter* raw = nullptr;
  REQUIRE(sqlite3changeset_start(&raw, static_cast<int>(bytes.size()), bytes.data()) == SQLITE_OK);
  ChangesetIter iter(raw);
  int rows = 0;
  while (sqlite3changeset_next(iter.get()) == SQLITE_ROW) ++rows;
  CHECK(rows == 2);
}

}  // namespace
}  // namespace gongkai
