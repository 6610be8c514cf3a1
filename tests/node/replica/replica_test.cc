#include "node/replica/replica.h"

#include <doctest/doctest.h>

#include "node/replica/local_schema.h"
#include "node/replica_fixture.h"
#include "node/replica/sql.h"
#include "protocol/schema.h"

namespace gongkai {
namespace {

using testing::TempDir;

TEST_CASE("a new replica has the synced and local tables, WAL and FULL sync") {
  TempDir dir;
  auto replica = Replica::Open(dir.path() / "r.db");
  REQUIRE(replica.ok());
  for (const TableSpec& table : SyncedTables()) {
    auto n = QueryInt(replica->db(), "SELECT count(*) FROM sqlite_schema WHERE name=?", table.name);
    REQUIRE(n.ok());
    CHECK(n->value_or(0) == 1);
  }
  for (std::string_view table : kLocalTables) {
    auto n = QueryInt(replica->db(), "SELECT count(*) FROM sqlite_schema WHERE name=?", table);
    REQUIRE(n.ok());
    CHECK(n->value_or(0) == 1);
  }
  auto sync = QueryInt(replica->db(), "PRAGMA synchronous");
  REQUIRE(sync.ok());
  CHECK(sync->value_or(0) == 2);  // FULL
  auto mode = Statement::Prepare(replica->db(), "PRAGMA journal_mode");
  REQUIRE(mode.ok());
  REQUIRE(mode->Step().ok());
  CHECK(mode->ColumnText(0) == "wal");
  auto journal = replica->JournalCount();
  REQUIRE(journal.ok());
  CHECK(*journal == 0);
}

TEST_CASE("reopening keeps settings; a missing file is refused when not creating") {
  TempDir dir;
  {
    auto replica = Replica::Open(dir.path() / "r.db");
    REQUIRE(replica.ok());
    REQUIRE(replica->PutSetting("k", AsBytes("值")).ok());
  }
  auto again = Replica::Open(dir.path() / "r.db", ReplicaOptions{false, kDefaultBusyTimeoutMs, {}});
  REQUIRE(again.ok());
  auto value = again->GetSetting("k");
  REQUIRE(value.ok());
  REQUIRE(value->has_value());
  CHECK(AsChars(**value) == "值");
  auto missing =
      Replica::Open(dir.path() / "none.db", ReplicaOptions{false, kDefaultBusyTimeoutMs, {}});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == kErrReplicaOpen);
}

TEST_CASE("a replica of an unknown schema version is refused and left untouched") {
  TempDir dir;
  auto path = dir.path() / "r.db";
  {
    auto replica = Replica::Open(path);
    REQUIRE(replica.ok());
    std::string key;
    SUBCASE("synced") { key = kMetaSyncedVersion; }
    SUBCASE("local") { key = kMetaLocalVersion; }
    REQUIRE(ExecSql(replica->db(), "UPDATE meta SET value='99' WHERE key='" + key + "'").ok());
  }
  auto refused = Replica::Open(path);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrReplicaSchemaVersion);
  CHECK(refused.status().message().find("99") != std::string::npos);
}

TEST_CASE("a SQLite file that is not a replica is refused") {
  TempDir dir;
  auto path = dir.path() / "other.db";
  {
    auto replica = Replica::Open(path);
    REQUIRE(replica.ok());
    REQUIRE(ExecSql(replica->db(), "DROP TABLE meta").ok());
  }
  auto refused = Replica::Open(path);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrReplicaSchemaVersion);
}

TEST_CASE("identity: stored, read back, and refused when the certificate does not fit") {
  TempDir dir;
  SecretKey root = SecretKey::Generate();
  auto replica = Replica::Open(dir.path() / "r.db");
  REQUIRE(replica.ok());
  auto none = replica->Identity();
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().code() == kErrReplicaNotEnrolled);

  testing::TestNode node;
  node.role = Role::kVillage;
  node.region = testing::kVillage;
  node.certificate = testing::IssueCertificate(root, node, "石庙村");
  NodeIdentity identity{node.key.node_id(), Role::kVillage, testing::kVillage, node.certificate,
                        root.public_key()};
  SUBCASE("fits") {
    REQUIRE(replica->SetIdentity(identity).ok());
    auto read = replica->Identity();
    REQUIRE(read.ok());
    CHECK(read->node_id == identity.node_id);
    CHECK(read->role == Role::kVillage);
    CHECK(read->region == testing::kVillage);
    CHECK(read->certificate == node.certificate);
    CHECK(read->root_public_key == root.public_key());
  }
  SUBCASE("another region") {
    identity.region = testing::kSiblingVillage;
    CHECK(replica->SetIdentity(identity).code() == kErrReplicaIdentity);
  }
  SUBCASE("another root") {
    identity.root_public_key = SecretKey::Generate().public_key();
    CHECK(replica->SetIdentity(identity).code() == kErrReplicaIdentity);
  }
}

TEST_CASE("drafts: the category is checked") {
  TempDir dir;
  auto replica = Replica::Open(dir.path() / "r.db");
  REQUIRE(replica.ok());
  CHECK(ExecSql(replica->db(),
                "INSERT INTO draft(id, category, title, period, body, items_json,"
                " publicity_days, updated_at, based_on) VALUES('d1', 'finance', '三季度收支', '2026Q3',"
                " '', '[]', 15, 1, NULL)")
            .ok());
  CHECK_FALSE(ExecSql(replica->db(),
                      "INSERT INTO draft(id, category, title, period, body, items_json,"
                      " publicity_days, updated_at, based_on) VALUES('d2', 'other', 't', 'p', '', '[]',"
                      " 15, 1, NULL)")
                  .ok());
}

TEST_CASE("a moved replica keeps its prepared statements; one moved over is given up") {
  TempDir dir;
  auto opened = Replica::Open(dir.path() / "a.db");
  REQUIRE(opened.ok());
  REQUIRE(opened->PutSetting("k", AsBytes("1")).ok());
  Replica moved(std::move(*opened));
  auto value = moved.GetSetting("k");
  REQUIRE(value.ok());
  REQUIRE(value->has_value());
  CHECK(AsChars(**value) == "1");
  CHECK(sqlite3_next_stmt(moved.db(), nullptr) != nullptr);  // kept prepared

  auto other = Replica::Open(dir.path() / "b.db");
  REQUIRE(other.ok());
  REQUIRE(other->PutSetting("k", AsBytes("2")).ok());
  moved = std::move(*other);  // a.db's statements and connection are given up
  value = moved.GetSetting("k");
  REQUIRE(value.ok());
  REQUIRE(value->has_value());
  CHECK(AsChars(**value) == "2");
  // a.db is left whole: it opens and takes a write without waiting.
  auto again = Replica::Open(dir.path() / "a.db", ReplicaOptions{false, 0, {}});
  REQUIRE(again.ok());
  CHECK(again->PutSetting("k", AsBytes("3")).ok());
}

}  // namespace
}  // namespace gongkai
