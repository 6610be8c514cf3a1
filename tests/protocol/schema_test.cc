#include "protocol/schema.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "changeset_fixture.h"

namespace gongkai {
namespace {

using namespace testing;  // NOLINT: test fixtures

struct ColumnInfo {
  std::string name;
  std::string type;
  bool not_null;
  int pk;  // 1-based position in the primary key, 0 when not part of it
};

std::vector<ColumnInfo> TableInfo(sqlite3* db, std::string_view table) {
  std::vector<ColumnInfo> out;
  sqlite3_stmt* raw = nullptr;
  const std::string sql = "SELECT name, type, \"notnull\", pk FROM pragma_table_info('" +
                          std::string(table) + "') ORDER BY cid";
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) == SQLITE_OK);
  SqliteStmt stmt(raw);
  while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
    out.push_back({reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0)),
                   reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 1)),
                   sqlite3_column_int(stmt.get(), 2) != 0, sqlite3_column_int(stmt.get(), 3)});
  }
  return out;
}

int QueryInt(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) == SQLITE_OK);
  SqliteStmt stmt(raw);
  REQUIRE(sqlite3_step(stmt.get()) == SQLITE_ROW);
  return sqlite3_column_int(stmt.get(), 0);
}

// One valid row of each table, written by a node of the right role and region.
std::string ValidRow(std::string_view table) {
  if (table == "certificate") return InsertCertificate("n1", kCountyId, kCounty);
  if (table == "revocation") return InsertRevocation("r1", kCountyId, kCounty);
  if (table == "disclosure_version") return InsertVersion("v1", kVillageId, kVillage);
  if (table == "disclosure_item") return InsertItem("v1", 1, kVillageId, kVillage);
  if (table == "review") return InsertReview("r1", "supervision", kVillageId, kVillage);
  if (table == "withdrawal") return InsertWithdrawal("w1", kVillageId, kVillage);
  if (table == "posting") return InsertPosting("p1", kVillageId, kVillage);
  if (table == "county_setting") {
    return InsertCountySetting("s1", "finance.deadline_day", 20, kCountyId, kCounty);
  }
  FAIL("no row for " << table);
  return "";
}

TEST_CASE("the synced tables, in order, with their columns") {
  std::vector<std::string> names;
  for (const TableSpec& t : SyncedTables()) names.emplace_back(t.name);
  CHECK(names == std::vector<std::string>{"certificate", "revocation", "disclosure_version",
                                          "disclosure_item", "review", "withdrawal", "posting",
                                          "county_setting"});
  const TableSpec* item = FindTable("disclosure_item");
  REQUIRE(item != nullptr);
  CHECK(item->primary_key_columns == 2);
  CHECK(item->ColumnIndex("line_no") == 1);
  CHECK(item->ColumnIndex("nope") == -1);
  CHECK(FindTable("drafts") == nullptr);
  CHECK(FindTable("Review") == nullptr);
  const TableSpec* version = FindTable("disclosure_version");
  std::vector<std::string> columns;
  for (const ColumnSpec& c : version->columns) columns.emplace_back(c.name);
  CHECK(columns == std::vector<std::string>{"version_id", "disclosure_id", "parent_version",
                                            "category", "title", "period", "body", "publicity_from",
                                            "publicity_to", "item_count", "content_hash", "author",
                                            "origin", "hlc", "region"});
  for (const TableSpec& t : SyncedTables()) {
    CAPTURE(t.name);
    CHECK(t.columns[t.origin_index()].name == "origin");
    CHECK(t.columns[t.hlc_index()].name == "hlc");
    CHECK(t.columns[t.region_index()].name == "region");
    for (size_t i = 0; i < t.columns.size(); ++i) {
      CHECK(t.columns[i].primary_key == (i < t.primary_key_columns));
    }
  }
}

TEST_CASE("the SQL creates STRICT tables that match the specs") {
  SqliteDb db = OpenMemoryDb();
  Exec(db.get(), SyncedSchemaSql());
  for (const TableSpec& t : SyncedTables()) {
    CAPTURE(t.name);
    const std::vector<ColumnInfo> info = TableInfo(db.get(), t.name);
    REQUIRE(info.size() == t.columns.size());
    for (size_t i = 0; i < info.size(); ++i) {
      CHECK(info[i].name == t.columns[i].name);
      CHECK(info[i].type == ColumnTypeName(t.columns[i].type));
      CHECK(info[i].not_null);
      CHECK(info[i].pk == (t.columns[i].primary_key ? static_cast<int>(i) + 1 : 0));
    }
    CHECK(QueryInt(db.get(), "SELECT strict FROM pragma_table_list WHERE name = '" +
                                 std::string(t.name) + "'") == 1);
    CHECK(QueryInt(db.get(),
                   "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
                   "tbl_name = '" +
                       std::string(t.name) + "'") == 2);
    CHECK(QueryInt(db.get(),
                   "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                   "tbl_name = '" +
                       std::string(t.name) + "' AND sql IS NOT NULL") ==
          static_cast<int>(t.indexed_columns.size()));
  }
  CHECK(kSchemaVersion == 2);
  CHECK(FindTable("county_setting")->since_version == 2);
  CHECK(FindTable("posting")->since_version == 1);
}

TEST_CASE("rows can be inserted but never updated or deleted") {
  SqliteDb db = OpenMemoryDb();
  Exec(db.get(), SyncedSchemaSql());
  for (const TableSpec& t : SyncedTables()) {
    CAPTURE(t.name);
    Exec(db.get(), ValidRow(t.name));
    const std::string name(t.name);
    const std::string update = ExecError(db.get(), "UPDATE " + name + " SET hlc = hlc + 1");
    CHECK(update == "synced table " + name + " is grow-only: rows are never updated");
    const std::string del = ExecError(db.get(), "DELETE FROM " + name);
    CHECK(del == "synced table " + name + " is grow-only: rows are never deleted");
    CHECK(QueryInt(db.get(), "SELECT count(*) FROM " + name) == 1);
    CHECK(QueryInt(db.get(), "SELECT hlc FROM " + name) == 1);
  }
}

TEST_CASE("CHECK, NOT NULL and STRICT refuse bad values") {
  SqliteDb db = OpenMemoryDb();
  Exec(db.get(), SyncedSchemaSql());
  auto refused = [&](const std::string& sql) {
    INFO(sql);
    CHECK_FALSE(ExecError(db.get(), sql).empty());
  };
  refused("INSERT INTO certificate VALUES ('n1', x'00', 'mayor', '511304', '', x'00', '" +
          std::string(kCountyId) + "', 1, '511304')");
  refused("INSERT INTO revocation VALUES ('r1', 'n1', 'lost', x'00', '" + std::string(kCountyId) +
          "', 1, '511304')");
  refused(InsertVersion("v1", kVillageId, kVillage, "gossip"));
  refused(InsertReview("r1", "county", kVillageId, kVillage));
  refused("INSERT INTO review VALUES ('r2', 'v1', 'd1', 'township', 'maybe', '', '', '" +
          std::string(kTownshipId) + "', 1, '511304100')");
  refused(InsertPosting("p1", "short-origin", kVillage));
  refused(InsertPosting("p1", kVillageId, "5113041"));
  refused(InsertCountySetting("s1", "", 20, kCountyId, kCounty));
  refused(InsertCountySetting("s1", std::string(65, 'k'), 20, kCountyId, kCounty));
  refused("INSERT INTO county_setting VALUES ('s1', 'finance.deadline_day', 'twenty', '" +
          std::string(kCountyId) + "', 1, '511304')");
  // STRICT: no text in an INTEGER column, no integer in a BLOB column; NOT NULL everywhere.
  refused("INSERT INTO posting VALUES ('p1', 'v1', 'd1', '', 'two', '" + std::string(kVillageId) +
          "', 1, '511304100201')");
  refused("INSERT INTO certificate VALUES ('n1', 5, 'village', '', '', x'00', '" +
          std::string(kCountyId) + "', 1, '511304')");
  refused("INSERT INTO posting VALUES ('p1', 'v1', NULL, '', 1, '" + std::string(kVillageId) +
          "', 1, '511304100201')");
  refused("INSERT INTO disclosure_item VALUES ('v1', NULL, '{}', '" + std::string(kVillageId) +
          "', 1, '511304100201')");
  // Each enumerated value that is allowed goes in.
  Exec(db.get(), InsertVersion("v1", kVillageId, kVillage, "affairs"));
  Exec(db.get(), InsertVersion("v2", kVillageId, kVillage, "finance"));
  Exec(db.get(), InsertVersion("v3", kVillageId, kVillage, "subsidy"));
  Exec(db.get(), InsertReview("r1", "supervision", kVillageId, kVillage));
  Exec(db.get(), InsertReview("r2", "township", kTownshipId, kVillage));
}

// The write rules of design §5, written out case by case.
const std::set<std::string> kDisclosureTables = {"disclosure_version", "disclosure_item",
                                                 "withdrawal", "posting"};

std::string Expected(Role role, const std::string& table, const std::string& region) {
  switch (role) {
    case Role::kVillage:
      if (!kDisclosureTables.count(table) && table != "review") return kErrSchemaRole;
      return region == kVillage ? "" : kErrSchemaScope;
    case Role::kTownship:
      if (table == "review") {
        return region == kVillage || region == kSiblingVillage || region == kTownship
                   ? ""
                   : kErrSchemaScope;
      }
      if (!kDisclosureTables.count(table)) return kErrSchemaRole;
      return region == kTownship ? "" : kErrSchemaScope;
    case Role::kCounty:
      if (table == "review") return kErrSchemaRole;
      return region == kCounty ? "" : kErrSchemaScope;
    case Role::kAuditor:
      return kErrSchemaRole;
  }
  return "?";
}

TEST_CASE("CheckWrite: every role x table x region") {
  const std::pair<Role, const char*> signers[] = {{Role::kVillage, kVillage},
                                                  {Role::kTownship, kTownship},
                                                  {Role::kCounty, kCounty},
                                                  {Role::kAuditor, kCounty}};
  const std::string regions[] = {
      kVillage, kSiblingVillage, kOtherVillage, kTownship, kOtherTownship, kCounty,
      "511302", "511302100201",  "5113041",     "",        "511304100000"};
  int allowed = 0;
  for (const auto& [role, signer_region] : signers) {
    for (const TableSpec& t : SyncedTables()) {
      for (const std::string& region : regions) {
        CAPTURE(RoleName(role));
        CAPTURE(t.name);
        CAPTURE(region);
        const Status s = CheckWrite(role, signer_region, t.name, region);
        CHECK(s.code() == Expected(role, std::string(t.name), region));
        if (s.ok()) ++allowed;
        if (s.code() == kErrSchemaRole || s.code() == kErrSchemaScope) {
          CHECK(s.kind() == StatusKind::kDenied);
        }
      }
    }
  }
  // village 5 tables, township 4 + review for 3 regions, county 7 tables.
  CHECK(allowed == 5 + 4 + 3 + 7);
  CHECK(CheckWrite(Role::kCounty, kCounty, "drafts", kCounty).code() == kErrSchemaUnknownTable);
  CHECK(CheckWrite(Role::kCounty, kCounty, "drafts", kCounty).kind() == StatusKind::kNotFound);
  // A signer whose region does not fit its role writes nothing.
  CHECK(CheckWrite(Role::kVillage, kTownship, "posting", kTownship).code() == kErrSchemaScope);
  CHECK(CheckWrite(Role::kTownship, kVillage, "review", kVillage).code() == kErrSchemaScope);
}

TEST_CASE("the review stage rule") {
  const TableSpec* review = FindTable("review");
  const WriteRule* village = FindWriteRule(*review, Role::kVillage);
  const WriteRule* township = FindWriteRule(*review, Role::kTownship);
  REQUIRE(village != nullptr);
  REQUIRE(township != nullptr);
  CHECK(FindWriteRule(*review, Role::kCounty) == nullptr);
  CHECK(FindWriteRule(*review, Role::kAuditor) == nullptr);
  CHECK(village->required_column == "stage");
  CHECK(CheckRequiredValue(*village, "supervision").ok());
  CHECK(CheckRequiredValue(*village, "township").code() == kErrSchemaValue);
  CHECK(CheckRequiredValue(*township, "township").ok());
  CHECK(CheckRequiredValue(*township, "supervision").code() == kErrSchemaValue);
  const WriteRule* posting = FindWriteRule(*FindTable("posting"), Role::kVillage);
  CHECK(CheckRequiredValue(*posting, "anything").ok());
}

}  // namespace
}  // namespace gongkai
