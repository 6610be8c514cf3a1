// Test support: a source replica (in-memory SQLite with the synced schema) that records its
// inserts with a session and hands back the changeset, and row builders for every synced
// table with sensible defaults.
#ifndef GONGKAI_TESTS_PROTOCOL_CHANGESET_FIXTURE_H_
#define GONGKAI_TESTS_PROTOCOL_CHANGESET_FIXTURE_H_

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "protocol/bytes.h"
#include "protocol/schema.h"
#include "protocol/sqlite_handles.h"

namespace gongkai::testing {

inline constexpr char kVillageId[] = "11111111111111111111111111111111";
inline constexpr char kTownshipId[] = "22222222222222222222222222222222";
inline constexpr char kCountyId[] = "33333333333333333333333333333333";
inline constexpr char kCounty[] = "511304";
inline constexpr char kTownship[] = "511304100";
inline constexpr char kVillage[] = "511304100201";
inline constexpr char kOtherTownship[] = "511304101";
inline constexpr char kOtherVillage[] = "511304101201";
inline constexpr char kSiblingVillage[] = "511304100202";

inline SqliteDb OpenMemoryDb() {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  SqliteDb db(raw);
  REQUIRE(rc == SQLITE_OK);
  return db;
}

// sqlite3_exec; returns the error message, "" on success.
inline std::string ExecError(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  if (rc != SQLITE_OK && message.empty()) message = sqlite3_errstr(rc);
  return message;
}

inline void Exec(sqlite3* db, const std::string& sql) {
  const std::string error = ExecError(db, sql);
  INFO(sql);
  REQUIRE(error == "");
}

// Declared in this order so that the session dies before its database.
struct SourceDb {
  SqliteDb db = OpenMemoryDb();
  SqliteSession session;

  // With the synced schema unless `schema` is given instead.
  explicit SourceDb(const std::string& schema = SyncedSchemaSql()) {
    Exec(db.get(), schema);
    sqlite3_session* raw = nullptr;
    REQUIRE(sqlite3session_create(db.get(), "main", &raw) == SQLITE_OK);
    session.reset(raw);
    REQUIRE(sqlite3session_attach(session.get(), nullptr) == SQLITE_OK);
  }

  void Run(const std::string& sql) { Exec(db.get(), sql); }

  Bytes Changeset() {
    int size = 0;
    void* data = nullptr;
    const int rc = sqlite3session_changeset(session.get(), &size, &data);
    SqliteBuffer buffer(data, size);
    REQUIRE(rc == SQLITE_OK);
    return buffer.ToBytes();
  }
};

// The synced tables without their triggers, indexes or STRICT typing, so that a test can
// make changesets that a real replica never would (UPDATE, DELETE, wrong types). Each table
// in `replaced` is left out, for the test to create its own variant.
inline std::string LooseTablesSql(const std::set<std::string>& replaced = {}) {
  std::string sql;
  for (const TableSpec& t : SyncedTables()) {
    if (replaced.count(std::string(t.name))) continue;
    std::string create = CreateTableSql(t);
    create = create.substr(0, create.rfind(" STRICT"));
    sql += create + ";\n";
  }
  return sql;
}

inline std::string Q(const std::string& text) { return "'" + text + "'"; }

// Row builders: the VALUES of one row, ending in origin, hlc, region.
inline std::string Tail(const std::string& origin, const std::string& region, int hlc = 1) {
  return Q(origin) + ", " + std::to_string(hlc) + ", " + Q(region);
}
inline std::string InsertVersion(const std::string& id, const std::string& origin,
                                 const std::string& region,
                                 const std::string& category = "finance") {
  return "INSERT INTO disclosure_version VALUES (" + Q(id) + ", 'd1', '', " + Q(category) +
         ", '2025年第三季度财务公开', '2025Q3', '', '2025-10-01', '2025-10-16', 2, "
         "'ab12', '张三', " +
         Tail(origin, region) + ");";
}
inline std::string InsertItem(const std::string& version, int line, const std::string& origin,
                              const std::string& region) {
  return "INSERT INTO disclosure_item VALUES (" + Q(version) + ", " + std::to_string(line) +
         ", '{\"摘要\":\"办公用品\",\"支出\":\"120.00\"}', " + Tail(origin, region) + ");";
}
inline std::string InsertReview(const std::string& id, const std::string& stage,
                                const std::string& origin, const std::string& region) {
  return "INSERT INTO review VALUES (" + Q(id) + ", 'v1', 'd1', " + Q(stage) +
         ", 'approve', '', '李四', " + Tail(origin, region) + ");";
}
inline std::string InsertWithdrawal(const std::string& id, const std::string& origin,
                                    const std::string& region) {
  return "INSERT INTO withdrawal VALUES (" + Q(id) + ", 'd1', 'v1', '录入错误', '张三', " +
         Tail(origin, region) + ");";
}
inline std::string InsertPosting(const std::string& id, const std::string& origin,
                                 const std::string& region) {
  return "INSERT INTO posting VALUES (" + Q(id) + ", 'v1', 'd1', '张三', 1, " +
         Tail(origin, region) + ");";
}
inline std::string InsertCertificate(const std::string& node, const std::string& origin,
                                     const std::string& region) {
  return "INSERT INTO certificate VALUES (" + Q(node) +
         ", x'00', 'village', '511304100201', "
         "'石庙村', x'00', " +
         Tail(origin, region) + ");";
}
inline std::string InsertRevocation(const std::string& id, const std::string& origin,
                                    const std::string& region) {
  return "INSERT INTO revocation VALUES (" + Q(id) + ", 'n1', 'retired', x'00', " +
         Tail(origin, region) + ");";
}

inline std::string InsertCountySetting(const std::string& id, const std::string& setting,
                                       int64_t value, const std::string& origin,
                                       const std::string& region) {
  return "INSERT INTO county_setting VALUES (" + Q(id) + ", " + Q(setting) + ", " +
         std::to_string(value) + ", " + Tail(origin, region) + ");";
}

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_PROTOCOL_CHANGESET_FIXTURE_H_
