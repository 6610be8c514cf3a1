#include "node/replica/replica.h"

#include <chrono>
#include <string>
#include <system_error>

#include "node/replica/local_schema.h"
#include "node/replica/migrate.h"
#include "node/replica/sql.h"
#include "protocol/schema.h"
#include "protocol/wall_clock.h"

namespace gongkai {

namespace {

Status VersionRefused(const std::filesystem::path& path, std::string_view what,
                      std::string_view found, int expected) {
  return Status::Invalid(kErrReplicaSchemaVersion,
                         "副本文件 " + path.string() + " 的" + std::string(what) + "版本为 “" +
                             std::string(found) + "”, 本程序只认识版本 " +
                             std::to_string(expected) + "; 请使用相应版本的程序, 文件未被改动");
}

Result<std::optional<std::string>> MetaValue(sqlite3* db, std::string_view key) {
  GK_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, "SELECT value FROM meta WHERE key=?"));
  stmt.Bind(1, key);
  GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt.ColumnText(0));
}

constexpr LayoutName kLocalLayout = {"local", kMetaLocalVersion, kErrReplicaSchemaVersion,
                                     "本地表"};
constexpr LayoutName kSyncedLayout = {"synced", kMetaSyncedVersion, kErrReplicaSchemaVersion,
                                      "同步表"};

// A version recorded in meta, or 0 when missing or not a small decimal number.
int VersionNumber(const std::optional<std::string>& text) {
  if (!text || text->empty() || text->size() >= 6 ||
      text->find_first_not_of("0123456789") != std::string::npos) {
    return 0;
  }
  return std::stoi(*text);
}

// The upgrades of the synced tables. Each only adds: a table a newer protocol syncs, with its
// triggers and indexes; the rows already held, their envelopes and digests stay as they are.
std::span<const Migration> SyncedMigrations() {
  static const std::string kCountySetting = TableSchemaSql(*FindTable("county_setting"));
  static const Migration kSteps[] = {
      {2, "county_setting: 县里统一的设置（如财务公开期限）同步到各节点", kCountySetting},
  };
  return kSteps;
}

// Upgrades the node-local layout of a file made by an older release, and refuses a file made
// by a newer one (or with other synced tables), before anything else is written to it.
Status CheckVersions(sqlite3* db, const std::filesystem::path& path, int64_t now_ms) {
  GK_ASSIGN_OR_RETURN(std::optional<std::string> local, MetaValue(db, kMetaLocalVersion));
  GK_ASSIGN_OR_RETURN(std::optional<std::string> synced, MetaValue(db, kMetaSyncedVersion));
  const int found_local = VersionNumber(local);
  if (found_local < 1) {
    return VersionRefused(path, "本地表", local.value_or("缺失"), kLocalSchemaVersion);
  }
  const int found_synced = VersionNumber(synced);
  if (found_synced < 1 || found_synced > kSchemaVersion) {
    return VersionRefused(path, "同步表", synced.value_or("缺失"), kSchemaVersion);
  }
  // The local layout first: its step 2 makes the table every step is recorded in.
  GK_RETURN_IF_ERROR(MigrateLayout(db, path.string(), kLocalLayout, found_local,
                                   kLocalSchemaVersion, LocalMigrations(), now_ms));
  return MigrateLayout(db, path.string(), kSyncedLayout, found_synced, kSchemaVersion,
                       SyncedMigrations(), now_ms);
}

Status CreateTables(sqlite3* db, int64_t now_ms) {
  GK_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db));
  GK_RETURN_IF_ERROR(ExecSql(db, SyncedSchemaSql()));
  GK_RETURN_IF_ERROR(ExecSql(db, LocalSchemaSql()));
  GK_ASSIGN_OR_RETURN(Statement put,
                      Statement::Prepare(db, "INSERT INTO meta(key, value) VALUES(?, ?)"));
  put.Bind(1, kMetaLocalVersion).Bind(2, std::to_string(kLocalSchemaVersion));
  GK_RETURN_IF_ERROR(put.Run());
  put.Reset();
  put.Bind(1, kMetaSyncedVersion).Bind(2, std::to_string(kSchemaVersion));
  GK_RETURN_IF_ERROR(put.Run());
  GK_RETURN_IF_ERROR(RecordLayoutCreated(db, kLocalLayout, kLocalSchemaVersion, now_ms));
  return tx.Commit();
}

}  // namespace

Result<Replica> Replica::Open(const std::filesystem::path& path, const ReplicaOptions& options) {
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  if (!exists && !options.create_if_missing) {
    return Status::NotFound(kErrReplicaOpen, "副本文件不存在: " + path.string());
  }
  ConfigureSqliteLibrary();
  sqlite3* raw = nullptr;
  // A Replica is used by one thread at a time (replica.h), so its connection needs no mutex
  // of its own: SQLite's per-connection locking is switched off (multi-thread mode).
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
              (options.create_if_missing ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) {
    return Status::IoError(kErrReplicaOpen,
                           "无法打开副本文件 " + path.string() + ": " + sqlite3_errstr(rc));
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), options.busy_timeout_ms);
  GK_RETURN_IF_ERROR(ExecSql(db.get(),
                             "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                             " PRAGMA foreign_keys=ON;"));

  GK_ASSIGN_OR_RETURN(std::optional<int64_t> tables,
                      QueryInt(db.get(), "SELECT count(*) FROM sqlite_schema"));
  GK_ASSIGN_OR_RETURN(
      std::optional<int64_t> has_meta,
      QueryInt(db.get(), "SELECT count(*) FROM sqlite_schema WHERE type='table' AND name='meta'"));
  auto clock =
      options.wall_clock_ms ? options.wall_clock_ms : std::function<int64_t()>(WallClockMs);
  if (tables.value_or(0) == 0) {
    GK_RETURN_IF_ERROR(CreateTables(db.get(), clock()));
  } else if (has_meta.value_or(0) == 0) {
    return VersionRefused(path, "本地表", "缺失", kLocalSchemaVersion);
  }
  GK_RETURN_IF_ERROR(CheckVersions(db.get(), path, clock()));

  return Replica(std::move(db), path, std::move(clock));
}

Result<std::optional<Bytes>> Replica::GetSetting(std::string_view key) const {
  GK_ASSIGN_OR_RETURN(StatementCache::Use stmt,
                      statements_.Get("SELECT value FROM settings WHERE key=?"));
  stmt->Bind(1, key);
  GK_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<Bytes>();
  return std::optional<Bytes>(stmt->ColumnBlob(0));
}

Status Replica::PutSetting(std::string_view key, ByteView value) {
  GK_ASSIGN_OR_RETURN(StatementCache::Use stmt,
                      statements_.Get("INSERT INTO settings(key, value) VALUES(?, ?) "
                                      "ON CONFLICT(key) DO UPDATE SET value=excluded.value"));
  stmt->Bind(1, key).Bind(2, value);
  return stmt->Run();
}

Result<uint64_t> Replica::LastHlc() const {
  GK_ASSIGN_OR_RETURN(std::optional<Bytes> text, GetSetting(kSettingHlc));
  if (!text) return uint64_t{0};
  uint64_t value = 0;
  for (uint8_t c : *text) {
    if (c < '0' || c > '9' || value > (UINT64_MAX - 9) / 10) {
      return Status::Invalid(kErrReplicaIdentity, "设置中的 hlc_last 不是十进制整数");
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

Result<int64_t> Replica::JournalCount() const {
  GK_ASSIGN_OR_RETURN(std::optional<int64_t> n, QueryInt(db(), "SELECT count(*) FROM journal"));
  return n.value_or(0);
}

}  // namespace gongkai
