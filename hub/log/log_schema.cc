#include "hub/log/log_schema.h"

#include <string>
#include <string_view>

#include "hub/log/refused_request.h"
#include "node/replica/sql.h"
#include "protocol/wall_clock.h"

namespace gongkai {

namespace {

// CHECKs hold what the code relies on, so that a hand-edited file cannot slip in a row the
// log code would misread; the audit still recomputes everything.
constexpr std::string_view kLogTablesSql = R"sql(
CREATE TABLE IF NOT EXISTS log_entry(
  idx INTEGER PRIMARY KEY CHECK(idx >= 0),
  envelope_id TEXT NOT NULL UNIQUE CHECK(length(envelope_id) = 64),
  leaf_hash BLOB NOT NULL CHECK(length(leaf_hash) = 32),
  received_at INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS log_subtree(
  level INTEGER NOT NULL CHECK(level BETWEEN 1 AND 63),
  position INTEGER NOT NULL CHECK(position >= 0),
  hash BLOB NOT NULL CHECK(length(hash) = 32),
  PRIMARY KEY(level, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS log_checkpoint(
  size INTEGER PRIMARY KEY CHECK(size >= 0),
  root BLOB NOT NULL CHECK(length(root) = 32),
  note TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS log_receipt(
  envelope_id TEXT PRIMARY KEY NOT NULL REFERENCES log_entry(envelope_id),
  log_index INTEGER NOT NULL UNIQUE,
  tree_size INTEGER NOT NULL CHECK(tree_size > log_index),
  bytes BLOB NOT NULL,
  issued_at INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS refused_envelope(
  id INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  last_received_at INTEGER NOT NULL,
  times INTEGER NOT NULL CHECK(times >= 1),
  source TEXT NOT NULL,
  bytes_hash TEXT NOT NULL CHECK(length(bytes_hash) = 64),
  origin TEXT,
  seq INTEGER,
  region TEXT,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  bytes_length INTEGER NOT NULL CHECK(bytes_length >= 0),
  bytes BLOB NOT NULL,
  UNIQUE(bytes_hash, code, source)
) STRICT;
CREATE INDEX IF NOT EXISTS refused_envelope_origin ON refused_envelope(origin);
)sql";

}  // namespace

std::span<const Migration> HubLogMigrations() {
  static const Migration kSteps[] = {
      {2, "refused_request: 被拒请求表归入日志表结构", RefusedRequestTableSql()},
  };
  return kSteps;
}

Status CreateLogTables(sqlite3* db, int64_t now_ms) {
  constexpr LayoutName kLayout = {"hub_log", kMetaHubLogVersion, kErrLogSchemaVersion,
                                  "审计日志表"};
  GK_ASSIGN_OR_RETURN(Transaction scope, Transaction::Begin(db));
  GK_ASSIGN_OR_RETURN(Statement read,
                      Statement::Prepare(db, "SELECT value FROM meta WHERE key = ?"));
  read.Bind(1, std::string_view(kMetaHubLogVersion));
  GK_ASSIGN_OR_RETURN(bool found, read.Step());
  const std::string held = found ? read.ColumnText(0) : std::string();
  read.Reset();
  if (!found) {
    GK_RETURN_IF_ERROR(ExecSql(db, kLogTablesSql));
    GK_RETURN_IF_ERROR(ExecSql(db, RefusedRequestTableSql()));
    GK_ASSIGN_OR_RETURN(Statement write,
                        Statement::Prepare(db, "INSERT INTO meta(key, value) VALUES(?, ?)"));
    const std::string version = std::to_string(kHubLogVersion);
    write.Bind(1, std::string_view(kMetaHubLogVersion)).Bind(2, std::string_view(version));
    GK_RETURN_IF_ERROR(write.Run());
    GK_RETURN_IF_ERROR(RecordLayoutCreated(db, kLayout, kHubLogVersion, now_ms));
    return scope.Commit();
  }
  const bool numeric =
      !held.empty() && held.size() < 6 && held.find_first_not_of("0123456789") == std::string::npos;
  const int version = numeric ? std::stoi(held) : 0;
  if (version < 1) {
    return Status::Invalid(kErrLogSchemaVersion,
                           "审计日志的数据格式版本 “" + held + "” 无效, 文件未被改动");
  }
  GK_RETURN_IF_ERROR(MigrateLayout(db, sqlite3_db_filename(db, "main"), kLayout, version,
                                   kHubLogVersion, HubLogMigrations(), now_ms));
  return scope.Commit();
}

Status CreateLogTables(sqlite3* db) {
  return CreateLogTables(db, WallClockMs());
}

}  // namespace gongkai
