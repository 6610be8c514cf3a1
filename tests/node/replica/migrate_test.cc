#include "node/replica/migrate.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "node/replica/local_schema.h"
#include "node/replica/replica.h"
#include "node/replica/sql.h"
#include "protocol/schema.h"
#include "tests/protocol/temp_dir.h"

namespace gongkai {
namespace {

using testing::TempDir;

// A replica made by release 0.2.0 (local layout 1), committed as a fixture.
const std::filesystem::path kVillageFixture =
    std::filesystem::path(GONGKAI_SOURCE_DIR) /
    "tests/installer/fixtures/homes-0.2.0/shimiao/replica.db";

int64_t Int(sqlite3* db, const std::string& sql) {
  auto value = QueryInt(db, sql);
  REQUIRE(value.ok());
  return value->value_or(-1);
}

TEST_CASE("a replica made by release 0.2.0 opens, upgraded in place, with every row kept") {
  TempDir dir;
  const auto path = dir.path() / "replica.db";
  std::filesystem::copy_file(kVillageFixture, path);
  int64_t journal = 0, provenance = 0, disclosures = 0;
  {
    // Read as it was, with plain SQLite.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    SqliteDb db(raw);
    CHECK(Int(db.get(),
              "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'local_schema_version'") == 1);
    CHECK(Int(db.get(), "SELECT count(*) FROM sqlite_schema WHERE name = 'schema_migration'") == 0);
    journal = Int(db.get(), "SELECT count(*) FROM journal");
    provenance = Int(db.get(), "SELECT count(*) FROM provenance");
    disclosures = Int(db.get(), "SELECT count(*) FROM disclosure_version");
    REQUIRE(journal > 0);
  }
  auto replica = Replica::Open(
      path, ReplicaOptions{false, kDefaultBusyTimeoutMs, [] { return int64_t{1234}; }});
  REQUIRE(replica.ok());
  sqlite3* db = replica->db();
  CHECK(Int(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'local_schema_version'") ==
        kLocalSchemaVersion);
  CHECK(Int(db,
            "SELECT count(*) FROM schema_migration WHERE layout = 'local' AND version = 2"
            " AND applied_at = 1234") == 1);
  // Synced layout 1 -> 2: county_setting added, empty, with its grow-only triggers.
  CHECK(Int(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'synced_schema_version'") ==
        kSchemaVersion);
  CHECK(Int(db,
            "SELECT count(*) FROM schema_migration WHERE layout = 'synced' AND version = 2"
            " AND applied_at = 1234") == 1);
  CHECK(Int(db, "SELECT count(*) FROM county_setting") == 0);
  CHECK(Int(db,
            "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND"
            " tbl_name = 'county_setting'") == 2);
  CHECK(Int(db, "SELECT count(*) FROM journal") == journal);
  CHECK(Int(db, "SELECT count(*) FROM provenance") == provenance);
  CHECK(Int(db, "SELECT count(*) FROM disclosure_version") == disclosures);
  auto identity = replica->Identity();
  REQUIRE(identity.ok());
  CHECK(identity->region == "511304100201");

  // Opening again runs nothing.
  replica = Replica::Open(
      path, ReplicaOptions{false, kDefaultBusyTimeoutMs, [] { return int64_t{5678}; }});
  REQUIRE(replica.ok());
  CHECK(Int(replica->db(), "SELECT count(*) FROM schema_migration") == 2);
}

TEST_CASE("a new replica records that it was created at the current layout") {
  TempDir dir;
  auto replica = Replica::Open(dir.path() / "r.db");
  REQUIRE(replica.ok());
  CHECK(Int(replica->db(),
            "SELECT count(*) FROM schema_migration WHERE layout = 'local' AND"
            " version = " +
                std::to_string(kLocalSchemaVersion) + " AND what = 'created'") == 1);
}

constexpr LayoutName kTest = {"test", "test_version", "test.schema_version", "测试表"};

struct Scratch {
  TempDir dir;
  SqliteDb db;
  Scratch() {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open((dir.path() / "t.db").c_str(), &raw) == SQLITE_OK);
    db.reset(raw);
    REQUIRE(ExecSql(db.get(),
                    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
                    "INSERT INTO meta VALUES('test_version', '1');"
                    "CREATE TABLE t(a INTEGER); INSERT INTO t VALUES(7);")
                .ok());
    REQUIRE(ExecSql(db.get(), MigrationTableSql()).ok());
  }
};

TEST_CASE("steps run in order in one transaction, and a failing step leaves the file as it was") {
  Scratch s;
  sqlite3* db = s.db.get();
  const Migration good[] = {
      {2, "t gains b", "ALTER TABLE t ADD COLUMN b TEXT NOT NULL DEFAULT 'x';"},
      {3, "u", "CREATE TABLE u(c INTEGER); INSERT INTO u SELECT a FROM t;"},
  };
  SUBCASE("all steps") {
    REQUIRE(MigrateLayout(db, "t.db", kTest, 1, 3, good, 42).ok());
    CHECK(Int(db, "SELECT value FROM meta WHERE key = 'test_version'") == 3);
    CHECK(Int(db, "SELECT c FROM u") == 7);
    CHECK(Int(db, "SELECT count(*) FROM schema_migration WHERE layout = 'test'") == 2);
    // From the middle: only what is missing.
  }
  SUBCASE("from version 2, only step 3") {
    REQUIRE(ExecSql(db, "ALTER TABLE t ADD COLUMN b TEXT; UPDATE meta SET value = '2'").ok());
    REQUIRE(MigrateLayout(db, "t.db", kTest, 2, 3, good, 42).ok());
    CHECK(Int(db, "SELECT count(*) FROM schema_migration WHERE layout = 'test'") == 1);
  }
  SUBCASE("a failing step") {
    const Migration bad[] = {good[0], {3, "broken", "INSERT INTO missing_table VALUES(1);"}};
    Status st = MigrateLayout(db, "t.db", kTest, 1, 3, bad, 42);
    CHECK_FALSE(st.ok());
    CHECK(st.message().find("broken") != std::string::npos);
    CHECK(sqlite3_get_autocommit(db));
    CHECK(Int(db, "SELECT value FROM meta WHERE key = 'test_version'") == 1);
    CHECK(Int(db, "SELECT count(*) FROM pragma_table_info('t') WHERE name = 'b'") == 0);
    CHECK(Int(db, "SELECT count(*) FROM schema_migration") == 0);
  }
  SUBCASE("a newer file is refused and untouched") {
    Status st = MigrateLayout(db, "t.db", kTest, 4, 3, good, 42);
    CHECK(st.code() == "test.schema_version");
    CHECK(st.message().find("升级程序") != std::string::npos);
    CHECK(Int(db, "SELECT count(*) FROM pragma_table_info('t') WHERE name = 'b'") == 0);
  }
  SUBCASE("a list with a gap is refused") {
    const Migration gap[] = {good[0], {4, "skips 3", "SELECT 1;"}};
    CHECK_FALSE(MigrateLayout(db, "t.db", kTest, 1, 3, gap, 42).ok());
    CHECK(Int(db, "SELECT value FROM meta WHERE key = 'test_version'") == 1);
  }
}

}  // namespace
}  // namespace gongkai
