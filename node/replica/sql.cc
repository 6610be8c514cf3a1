#include "node/replica/sql.h"

#include <cerrno>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace gongkai {

Status SqlStatus(sqlite3* db, int rc, std::string_view what) {
  std::string message = std::string(what) + ": " + sqlite3_errstr(rc);
  if (db != nullptr && sqlite3_errcode(db) == rc) {
    message += " (" + std::string(sqlite3_errmsg(db)) + ")";
  }
  // A full disk may come back as SQLITE_FULL or as a write error whose errno says so.
  if ((rc & 0xff) == SQLITE_FULL ||
      ((rc & 0xff) == SQLITE_IOERR && db != nullptr && sqlite3_system_errno(db) == ENOSPC)) {
    return Status::IoError(kErrSqlDiskFull,
                           "磁盘已满，没有写入：请删除不用的文件腾出空间后再试，已保存的数据都还在 (" +
                               message + ")");
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(kErrSqlBusy, "数据库被占用: " + message);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return Status::IoError(kErrSqlIo, "数据库读写失败: " + message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::IoError(kErrSqlCorrupt, "数据库文件已损坏: " + message);
    default:
      return Status::Internal(kErrSqlFailed, message);
  }
}

void ConfigureSqliteLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    // SQLITE_MISUSE once SQLite is initialized: then the defaults stay, as documented.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

Status ExecSql(sqlite3* db, std::string_view sql) {
  std::string script(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db, script.c_str(), nullptr, nullptr, &error);
  SqliteBuffer owned(error, 0);
  if (rc != SQLITE_OK) {
    return SqlStatus(db, rc, error != nullptr ? error : script.substr(0, 80));
  }
  return Status::Ok();
}

Result<Statement> Statement::Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  SqliteStmt stmt(raw);
  if (rc != SQLITE_OK) return SqlStatus(db, rc, "prepare " + std::string(sql.substr(0, 80)));
  return Statement(db, std::move(stmt));
}

Statement& Statement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_.get(), index, value);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqlStatus(db_, rc, "bind");
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqlStatus(db_, rc, "bind");
  return *this;
}

Statement& Statement::Bind(int index, ByteView blob) {
  // A zero-length blob must stay a blob, not NULL: SQLite binds NULL for a null pointer.
  static const uint8_t kEmpty = 0;
  const void* data = blob.empty() ? &kEmpty : blob.data();
  int rc = sqlite3_bind_blob64(stmt_.get(), index, data, blob.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqlStatus(db_, rc, "bind");
  return *this;
}

Statement& Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_.get(), index);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = SqlStatus(db_, rc, "bind");
  return *this;
}

Result<bool> Statement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqlStatus(db_, rc, std::string("step ") + sqlite3_sql(stmt_.get()));
}

Status Statement::Run() {
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  bind_error_ = Status::Ok();
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_.get(), column);
  int size = sqlite3_column_bytes(stmt_.get(), column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

Bytes Statement::ColumnBlob(int column) const {
  const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_.get(), column));
  int size = sqlite3_column_bytes(stmt_.get(), column);
  if (data == nullptr) return {};
  return Bytes(data, data + size);
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

namespace {
// One name is enough: savepoints nest by name, and the innermost one of that name is the
// one released or rolled back.
constexpr char kSavepoint[] = "gongkai_write";

// The writes waiting for the end of the outermost Transaction, per connection that has one
// open. Connections belong to one thread each, but different threads hold different ones.
struct AfterOutermostWrites {
  std::mutex mutex;
  std::unordered_map<sqlite3*, std::vector<std::function<Status(sqlite3*)>>> waiting;
};

AfterOutermostWrites& Waiting() {
  static AfterOutermostWrites* writes = new AfterOutermostWrites();
  return *writes;
}
}  // namespace

void Transaction::AfterOutermost(sqlite3* db, std::function<Status(sqlite3*)> write) {
  if (!sqlite3_get_autocommit(db)) {
    AfterOutermostWrites& writes = Waiting();
    std::lock_guard lock(writes.mutex);
    auto open = writes.waiting.find(db);
    if (open == writes.waiting.end()) return;  // a bare BEGIN: see the header
    open->second.push_back(std::move(write));
    return;
  }
  (void)write(db);
}

void Transaction::RunAfterOutermost(sqlite3* db) {
  std::vector<std::function<Status(sqlite3*)>> ready;
  {
    AfterOutermostWrites& writes = Waiting();
    std::lock_guard lock(writes.mutex);
    auto open = writes.waiting.find(db);
    if (open == writes.waiting.end()) return;
    ready = std::move(open->second);
    writes.waiting.erase(open);
  }
  for (auto& write : ready) (void)write(db);
}

Result<Transaction> Transaction::Begin(sqlite3* db) {
  if (sqlite3_get_autocommit(db)) {
    GK_RETURN_IF_ERROR(ExecSql(db, "BEGIN IMMEDIATE"));
    {
      AfterOutermostWrites& writes = Waiting();
      std::lock_guard lock(writes.mutex);
      writes.waiting[db];  // this Transaction is the outermost one on db
    }
    return Transaction(db, false);
  }
  GK_RETURN_IF_ERROR(ExecSql(db, std::string("SAVEPOINT ") + kSavepoint));
  return Transaction(db, true);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_), nested_(other.nested_) {
  other.db_ = nullptr;
}

Transaction::~Transaction() { (void)Rollback(); }

Status Transaction::Rollback() {
  if (db_ == nullptr) return Status::Ok();
  sqlite3* db = db_;
  db_ = nullptr;
  if (nested_) {
    // If SQLite already rolled back the whole transaction (some errors do), there is no
    // savepoint left and both statements fail harmlessly.
    sqlite3_exec(db, (std::string("ROLLBACK TO ") + kSavepoint).c_str(), nullptr, nullptr,
                 nullptr);
    sqlite3_exec(db, (std::string("RELEASE ") + kSavepoint).c_str(), nullptr, nullptr, nullptr);
    return Status::Ok();
  }
  Status status = sqlite3_get_autocommit(db) ? Status::Ok() : ExecSql(db, "ROLLBACK");
  RunAfterOutermost(db);
  return status;
}

Status Transaction::Commit() {
  if (db_ == nullptr) return Status::Internal(kErrSqlFailed, "commit without a transaction");
  Status status =
      ExecSql(db_, nested_ ? std::string("RELEASE ") + kSavepoint : std::string("COMMIT"));
  if (!status.ok()) return status;
  sqlite3* db = db_;
  db_ = nullptr;
  if (!nested_) RunAfterOutermost(db);
  return status;
}

Result<std::optional<int64_t>> QueryInt(sqlite3* db, std::string_view sql,
                                        std::string_view text_param) {
  GK_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, sql));
  if (!text_param.empty()) stmt.Bind(1, text_param);
  GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.ColumnIsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.ColumnInt(0));
}

Result<std::string> QuickCheck(sqlite3* db) {
  GK_ASSIGN_OR_RETURN(Statement check, Statement::Prepare(db, "PRAGMA quick_check(1)"));
  GK_ASSIGN_OR_RETURN(bool row, check.Step());
  return row ? check.ColumnText(0) : std::string("ok");
}

}  // namespace gongkai
