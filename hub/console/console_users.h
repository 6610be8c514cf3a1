// The county console's accounts (`gongkai-hub console user add|list|passwd|remove`), kept in the hub
// database in a local table that never syncs:
//   console_user(name TEXT PRIMARY KEY, role 'admin'|'auditor', password_hash, created_at)
// Passwords are stored only as libsodium crypto_pwhash_str strings (Argon2id, the
// "interactive" limits: about 64 MiB and a tenth of a second per check), which carry their
// own salt and parameters. `admin` enrols and revokes; `auditor` reads.
// Thread-safety: through the caller's connection, one thread at a time.
#ifndef GONGKAI_HUB_CONSOLE_CONSOLE_USERS_H_
#define GONGKAI_HUB_CONSOLE_CONSOLE_USERS_H_

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace gongkai {

inline constexpr size_t kMinConsolePasswordLength = 8;
inline constexpr size_t kMaxConsolePasswordLength = 256;
inline constexpr size_t kMaxConsoleNameLength = 64;  // bytes

// Error codes.
inline constexpr char kErrConsoleName[] = "console.name";          // kInvalid
inline constexpr char kErrConsoleRole[] = "console.role";          // kInvalid
inline constexpr char kErrConsolePassword[] = "console.password";  // kInvalid: too short/long
inline constexpr char kErrConsoleUserExists[] = "console.user_exists";    // kConflict
inline constexpr char kErrConsoleUnknownUser[] = "console.unknown_user";  // kNotFound
// Wrong name or wrong password: one code and one message for both (kDenied).
inline constexpr char kErrConsoleLogin[] = "console.login";

enum class ConsoleRole { kAdmin, kAuditor };

std::string_view ConsoleRoleName(ConsoleRole role);  // "admin" | "auditor"
std::string_view ConsoleRoleLabel(ConsoleRole role);  // "管理员" | "审计员"
// kErrConsoleRole unless "admin" or "auditor".
Result<ConsoleRole> ParseConsoleRole(std::string_view name);

struct ConsoleUser {
  std::string name;
  ConsoleRole role = ConsoleRole::kAuditor;
  int64_t created_at_ms = 0;
};

// Creates console_user if missing.
Status CreateConsoleTables(sqlite3* db);

// Adds an account. The name: 1 to kMaxConsoleNameLength bytes of UTF-8 without spaces or
// control characters (kErrConsoleName); the password kMinConsolePasswordLength to
// kMaxConsolePasswordLength bytes (kErrConsolePassword). kErrConsoleUserExists for a name
// taken. Errors: sql.*, kErrConsolePassword also when hashing fails (out of memory).
Status AddConsoleUser(sqlite3* db, std::string_view name, ConsoleRole role,
                      std::string_view password, int64_t now_ms);
// Replaces the password of an account (the role and creation time stay). kErrConsolePassword
// as for AddConsoleUser, kErrConsoleUnknownUser when there is no such account. Sessions the
// old password opened in a running console last until they expire or it restarts.
Status SetConsolePassword(sqlite3* db, std::string_view name, std::string_view password);
// kErrConsoleUnknownUser when there is no such account.
Status RemoveConsoleUser(sqlite3* db, std::string_view name);
// Ordered by name.
Result<std::vector<ConsoleUser>> ListConsoleUsers(sqlite3* db);
// The account when `password` is its password; kErrConsoleLogin otherwise, in about the same
// time whether or not the name exists.
Result<ConsoleUser> CheckConsolePassword(sqlite3* db, std::string_view name,
                                         std::string_view password);

}  // namespace gongkai

#endif  // GONGKAI_HUB_CONSOLE_CONSOLE_USERS_H_
