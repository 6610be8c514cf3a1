#include "hub/log/log_schema.h"

#include <doctest/doctest.h>

#include "node/replica/replica.h"
#include "node/replica/sql.h"
#include "tests/protocol/temp_dir.h"

namespace gongkai {
namespace {

TEST_CASE("the log tables are created once, with the layout version in meta") {
  testing::TempDir dir;
  auto replica = Replica::Open(dir.path() / "replica.db");
  REQUIRE(replica.ok());
  sqlite3* db = replica->db();
  REQUIRE(CreateLogTables(db).ok());
  REQUIRE(CreateLogTables(db).ok());  // again: nothing changes
  for (const char* table :
       {"log_entry", "log_subtree", "log_checkpoint", "log_receipt", "refused_envelope"}) {
    CAPTURE(table);
    CHECK(
        QueryInt(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", table)
            ->value_or(0) == 1);
  }
  auto version =
      QueryInt(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?", kMetaHubLogVersion);
  REQUIRE(version.ok());
  CHECK(version->value_or(0) == kHubLogVersion);
  // The CHECKs refuse rows the log code would misread.
  CHECK_FALSE(ExecSql(db, "INSERT INTO log_entry VALUES(0, 'short', zeroblob(32), 1)").ok());
  CHECK_FALSE(ExecSql(db, "INSERT INTO log_subtree VALUES(0, 0, zeroblob(32))").ok());
}

TEST_CASE("log.schema_version: another layout version is refused and left alone") {
  testing::TempDir dir;
  auto replica = Replica::Open(dir.path() / "replica.db");
  REQUIRE(replica.ok());
  sqlite3* db = replica->db();
  REQUIRE(ExecSql(db, "INSERT INTO meta VALUES('hub_log_version', '9')").ok());
  Status s = CreateLogTables(db);
  CHECK(s.code() == kErrLogSchemaVersion);
  CHECK(QueryInt(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'log_entry'")->value_or(-1) ==
        0);
  CHECK(sqlite3_get_autocommit(db));
}

}  // namespace
}  // namespace gongkai
