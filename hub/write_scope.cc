#include "hub/write_scope.h"

#include "node/sql.h"

namespace gongkai {

namespace {

// One name is enough: savepoints nest by name, and the innermost one of that name is the
// one released or rolled back.
constexpr char kSavepoint[] = "gongkai_hub_write";

}  // namespace

Result<WriteScope> WriteScope::Begin(sqlite3* db) {
  if (sqlite3_get_autocommit(db)) {
    GK_RETURN_IF_ERROR(ExecSql(db, "BEGIN IMMEDIATE"));
    return WriteScope(db, false);
  }
  GK_RETURN_IF_ERROR(ExecSql(db, std::string("SAVEPOINT ") + kSavepoint));
  return WriteScope(db, true);
}

WriteScope::WriteScope(WriteScope&& other) noexcept : db_(other.db_), nested_(other.nested_) {
  other.db_ = nullptr;
}

WriteScope::~WriteScope() {
  if (db_ == nullptr) return;
  if (nested_) {
    // If SQLite already rolled back the whole transaction (some errors do), there is no
    // savepoint left and both statements fail harmlessly.
    sqlite3_exec(db_, (std::string("ROLLBACK TO ") + kSavepoint).c_str(), nullptr, nullptr,
                 nullptr);
    sqlite3_exec(db_, (std::string("RELEASE ") + kSavepoint).c_str(), nullptr, nullptr, nullptr);
  } else if (!sqlite3_get_autocommit(db_)) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Status WriteScope::Commit() {
  if (db_ == nullptr) return Status::Internal(kErrSqlFailed, "commit of a closed write scope");
  Status status =
      ExecSql(db_, nested_ ? std::string("RELEASE ") + kSavepoint : std::string("COMMIT"));
  if (status.ok()) db_ = nullptr;
  return status;
}

}  // namespace gongkai
