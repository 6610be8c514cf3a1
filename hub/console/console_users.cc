// The county console's accounts (hub/console/console_users.h).
#include "hub/console/console_users.h"

#include <sodium.h>

#include "node/replica/sql.h"
#include "protocol/utf8.h"

namespace gongkai {

namespace {

constexpr std::string_view kConsoleTablesSql = R"sql(
CREATE TABLE IF NOT EXISTS console_user(
  name TEXT PRIMARY KEY NOT NULL,
  role TEXT NOT NULL CHECK(role IN ('admin', 'auditor')),
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
)sql";

Status CheckName(std::string_view name) {
  if (name.empty() || name.size() > kMaxConsoleNameLength || !IsValidUtf8(name)) {
    return Status::Invalid(kErrConsoleName, "账户名须为 1 到 " +
                                                std::to_string(kMaxConsoleNameLength) +
                                                " 字节的文字");
  }
  for (char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte == 0x7f) {
      return Status::Invalid(kErrConsoleName, "账户名不能含空格或控制字符");
    }
  }
  return Status::Ok();
}

// A hash of a password nobody has, so that an unknown name costs a check as a known one does.
const std::string& DecoyHash() {
  static const std::string hash = [] {
    char out[crypto_pwhash_STRBYTES];
    const char decoy[] = "gongkai-console-no-such-account";
    if (crypto_pwhash_str(out, decoy, sizeof decoy - 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
      return std::string();
    }
    return std::string(out);
  }();
  return hash;
}

}  // namespace

std::string_view ConsoleRoleName(ConsoleRole role) {
  return role == ConsoleRole::kAdmin ? "admin" : "auditor";
}

std::string_view ConsoleRoleLabel(ConsoleRole role) {
  return role == ConsoleRole::kAdmin ? "管理员" : "审计员";
}

Result<ConsoleRole> ParseConsoleRole(std::string_view name) {
  if (name == "admin") return ConsoleRole::kAdmin;
  if (name == "auditor") return ConsoleRole::kAuditor;
  return Status::Invalid(kErrConsoleRole,
                         "角色须为 admin（管理员：可登记、吊销）或 auditor（审计员：只能查看）");
}

Status CreateConsoleTables(sqlite3* db) { return ExecSql(db, kConsoleTablesSql); }

// The crypto_pwhash_str string of an acceptable password.
Result<std::string> HashPassword(std::string_view password) {
  if (password.size() < kMinConsolePasswordLength ||
      password.size() > kMaxConsolePasswordLength) {
    return Status::Invalid(kErrConsolePassword,
                           "密码须为 " + std::to_string(kMinConsolePasswordLength) + " 到 " +
                               std::to_string(kMaxConsolePasswordLength) + " 个字符");
  }
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::Invalid(kErrConsolePassword, "无法计算密码摘要（内存不足）");
  }
  return std::string(hash);
}

Status AddConsoleUser(sqlite3* db, std::string_view name, ConsoleRole role,
                      std::string_view password, int64_t now_ms) {
  GK_RETURN_IF_ERROR(CheckName(name));
  GK_ASSIGN_OR_RETURN(const std::string hash, HashPassword(password));
  GK_RETURN_IF_ERROR(CreateConsoleTables(db));
  GK_ASSIGN_OR_RETURN(Statement taken,
                      Statement::Prepare(db, "SELECT 1 FROM console_user WHERE name = ?"));
  taken.Bind(1, name);
  GK_ASSIGN_OR_RETURN(bool exists, taken.Step());
  if (exists) {
    return Status::Conflict(kErrConsoleUserExists,
                            "账户 " + std::string(name) + " 已存在（换密码用 console user passwd）");
  }
  GK_ASSIGN_OR_RETURN(Statement insert,
                      Statement::Prepare(db,
                                         "INSERT INTO console_user(name, role, password_hash, "
                                         "created_at) VALUES(?, ?, ?, ?)"));
  insert.Bind(1, name).Bind(2, ConsoleRoleName(role)).Bind(3, hash).Bind(4, now_ms);
  return insert.Run();
}

Status SetConsolePassword(sqlite3* db, std::string_view name, std::string_view password) {
  GK_ASSIGN_OR_RETURN(const std::string hash, HashPassword(password));
  GK_RETURN_IF_ERROR(CreateConsoleTables(db));
  GK_ASSIGN_OR_RETURN(
      Statement update,
      Statement::Prepare(db, "UPDATE console_user SET password_hash = ? WHERE name = ?"));
  update.Bind(1, hash).Bind(2, name);
  GK_RETURN_IF_ERROR(update.Run());
  if (sqlite3_changes(db) == 0) {
    return Status::NotFound(kErrConsoleUnknownUser, "没有账户 " + std::string(name));
  }
  return Status::Ok();
}

Status RemoveConsoleUser(sqlite3* db, std::string_view name) {
  GK_RETURN_IF_ERROR(CreateConsoleTables(db));
  GK_ASSIGN_OR_RETURN(Statement remove,
                      Statement::Prepare(db, "DELETE FROM console_user WHERE name = ?"));
  remove.Bind(1, name);
  GK_RETURN_IF_ERROR(remove.Run());
  if (sqlite3_changes(db) == 0) {
    return Status::NotFound(kErrConsoleUnknownUser, "没有账户 " + std::string(name));
  }
  return Status::Ok();
}

Result<std::vector<ConsoleUser>> ListConsoleUsers(sqlite3* db) {
  GK_RETURN_IF_ERROR(CreateConsoleTables(db));
  GK_ASSIGN_OR_RETURN(
      Statement list,
      Statement::Prepare(db, "SELECT name, role, created_at FROM console_user ORDER BY name"));
  std::vector<ConsoleUser> out;
  for (;;) {
    GK_ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) break;
    ConsoleUser user;
    user.name = list.ColumnText(0);
    user.role = list.ColumnText(1) == "admin" ? ConsoleRole::kAdmin : ConsoleRole::kAuditor;
    user.created_at_ms = list.ColumnInt(2);
    out.push_back(std::move(user));
  }
  return out;
}

Result<ConsoleUser> CheckConsolePassword(sqlite3* db, std::string_view name,
                                         std::string_view password) {
  GK_RETURN_IF_ERROR(CreateConsoleTables(db));
  GK_ASSIGN_OR_RETURN(Statement find,
                      Statement::Prepare(db,
                                         "SELECT role, password_hash, created_at FROM "
                                         "console_user WHERE name = ?"));
  find.Bind(1, name);
  GK_ASSIGN_OR_RETURN(bool found, find.Step());
  const std::string hash = found ? find.ColumnText(1) : DecoyHash();
  const bool matches = !hash.empty() && password.size() <= kMaxConsolePasswordLength &&
                       crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  if (!found || !matches) {
    return Status::Denied(kErrConsoleLogin, "账户名或密码不对");
  }
  ConsoleUser user;
  user.name = std::string(name);
  user.role = find.ColumnText(0) == "admin" ? ConsoleRole::kAdmin : ConsoleRole::kAuditor;
  user.created_at_ms = find.ColumnInt(2);
  return user;
}

}  // namespace gongkai
