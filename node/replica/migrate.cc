#include "node/replica/migrate.h"

#include <string>

#include "node/replica/sql.h"

namespace gongkai {

namespace {

constexpr std::string_view kMigrationTableSql = R"sql(
CREATE TABLE IF NOT EXISTS schema_migration(
  layout TEXT NOT NULL,
  version INTEGER NOT NULL CHECK(version >= 1),
  what TEXT NOT NULL,
  applied_at INTEGER NOT NULL,
  PRIMARY KEY(layout, version)
) STRICT;
)sql";

Status Refused(std::string_view path, const LayoutName& name, std::string_view detail) {
  return Status::Invalid(
      std::string(name.error_code),
      "数据库文件 " + std::string(path) + " 的" + std::string(name.label) + std::string(detail));
}

Status Record(sqlite3* db, const LayoutName& name, int version, std::string_view what,
              int64_t now_ms) {
  GK_ASSIGN_OR_RETURN(Statement insert,
                      Statement::Prepare(db,
                                         "INSERT OR REPLACE INTO schema_migration(layout, version,"
                                         " what, applied_at) VALUES(?, ?, ?, ?)"));
  insert.Bind(1, name.layout).Bind(2, int64_t{version}).Bind(3, what).Bind(4, now_ms);
  return insert.Run();
}

}  // namespace

std::string_view MigrationTableSql() { return kMigrationTableSql; }

Status RecordLayoutCreated(sqlite3* db, const LayoutName& name, int version, int64_t now_ms) {
  return Record(db, name, version, kMigrationCreated, now_ms);
}

Status MigrateLayout(sqlite3* db, std::string_view path, const LayoutName& name, int found,
                     int target, std::span<const Migration> steps, int64_t now_ms) {
  if (found == target) return Status::Ok();
  if (found > target) {
    return Refused(path, name,
                   "版本为 " + std::to_string(found) +
                       ", 由较新版本的程序写入; 本程序只认识到版本 " + std::to_string(target) +
                       ", 请升级程序. 文件未被改动");
  }
  if (found < 1) {
    return Refused(path, name, "版本 “" + std::to_string(found) + "” 无效, 文件未被改动");
  }
  if (steps.size() != static_cast<size_t>(target - 1)) {
    return Status::Internal(std::string(name.error_code),
                            "升级步骤缺失: " + std::string(name.layout) + " 需要 " +
                                std::to_string(target - 1) + " 步, 只有 " +
                                std::to_string(steps.size()) + " 步");
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].to_version != static_cast<int>(i) + 2) {
      return Status::Internal(std::string(name.error_code),
                              "升级步骤编号不连续: " + std::string(name.layout) + " 第 " +
                                  std::to_string(i + 1) + " 步升到版本 " +
                                  std::to_string(steps[i].to_version));
    }
  }

  GK_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db));
  for (int version = found + 1; version <= target; ++version) {
    const Migration& step = steps[version - 2];
    if (Status ran = ExecSql(db, step.sql); !ran.ok()) {
      return ran.WithContext("数据库文件 " + std::string(path) + " 的" + std::string(name.label) +
                             "从版本 " + std::to_string(version - 1) + " 升级到 " +
                             std::to_string(version) + " (" + std::string(step.what) +
                             ") 失败, 文件未被改动");
    }
    GK_RETURN_IF_ERROR(Record(db, name, version, step.what, now_ms));
  }
  GK_ASSIGN_OR_RETURN(
      Statement put, Statement::Prepare(db,
                                        "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key)"
                                        " DO UPDATE SET value = excluded.value"));
  const std::string value = std::to_string(target);
  put.Bind(1, name.meta_key).Bind(2, std::string_view(value));
  GK_RETURN_IF_ERROR(put.Run());
  return transaction.Commit();
}

}  // namespace gongkai
