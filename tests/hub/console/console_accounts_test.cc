// The county console's accounts (console_users.h) and sessions (console_sessions.h).
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <memory>

#include "hub/console/console_sessions.h"
#include "hub/console/console_users.h"
#include "node/replica/sql.h"

namespace gongkai {
namespace {

struct Db {
  Db() { REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK); }
  ~Db() { sqlite3_close(db); }
  sqlite3* db = nullptr;
};

TEST_CASE("console accounts: only a hash is stored; wrong name and wrong password look alike") {
  Db d;
  REQUIRE(AddConsoleUser(d.db, "王科长", ConsoleRole::kAdmin, "correct horse 1", 1000).ok());
  REQUIRE(AddConsoleUser(d.db, "auditor1", ConsoleRole::kAuditor, "another-password", 2000).ok());
  auto stored = QueryInt(d.db, "SELECT count(*) FROM console_user WHERE password_hash LIKE '$argon2id$%'"
                               " AND instr(password_hash, 'correct horse') = 0");
  REQUIRE(stored.ok());
  CHECK(stored->value_or(0) == 2);

  Result<ConsoleUser> ok = CheckConsolePassword(d.db, "王科长", "correct horse 1");
  REQUIRE(ok.ok());
  CHECK(ok->role == ConsoleRole::kAdmin);
  Result<ConsoleUser> wrong = CheckConsolePassword(d.db, "王科长", "correct horse 2");
  Result<ConsoleUser> nobody = CheckConsolePassword(d.db, "李四", "correct horse 1");
  REQUIRE_FALSE(wrong.ok());
  REQUIRE_FALSE(nobody.ok());
  CHECK(wrong.status().code() == kErrConsoleLogin);
  CHECK(nobody.status().code() == kErrConsoleLogin);
  CHECK(wrong.status().message() == nobody.status().message());

  CHECK(AddConsoleUser(d.db, "王科长", ConsoleRole::kAuditor, "whatever-long", 3000).code() ==
        kErrConsoleUserExists);
  CHECK(AddConsoleUser(d.db, "short", ConsoleRole::kAuditor, "1234567", 3000).code() ==
        kErrConsolePassword);
  CHECK(AddConsoleUser(d.db, "has space", ConsoleRole::kAuditor, "12345678", 3000).code() ==
        kErrConsoleName);
  CHECK(AddConsoleUser(d.db, "", ConsoleRole::kAuditor, "12345678", 3000).code() == kErrConsoleName);
  CHECK(ParseConsoleRole("root").status().code() == kErrConsoleRole);

  Result<std::vector<ConsoleUser>> users = ListConsoleUsers(d.db);
  REQUIRE(users.ok());
  REQUIRE(users->size() == 2);
  CHECK((*users)[0].name == "auditor1");
  CHECK((*users)[1].name == "王科长");

  REQUIRE(RemoveConsoleUser(d.db, "auditor1").ok());
  CHECK(RemoveConsoleUser(d.db, "auditor1").code() == kErrConsoleUnknownUser);
  CHECK_FALSE(CheckConsolePassword(d.db, "auditor1", "another-password").ok());
}

TEST_CASE("a password changed in place: the old one refused, the new one let in, the role kept") {
  Db d;
  REQUIRE(AddConsoleUser(d.db, "王科长", ConsoleRole::kAdmin, "first-password", 1000).ok());
  REQUIRE(AddConsoleUser(d.db, "auditor1", ConsoleRole::kAuditor, "auditor-password", 2000).ok());
  REQUIRE(SetConsolePassword(d.db, "王科长", "second-password").ok());
  CHECK(CheckConsolePassword(d.db, "王科长", "first-password").status().code() == kErrConsoleLogin);
  Result<ConsoleUser> now = CheckConsolePassword(d.db, "王科长", "second-password");
  REQUIRE(now.ok());
  CHECK(now->role == ConsoleRole::kAdmin);
  CHECK(now->created_at_ms == 1000);
  CHECK(CheckConsolePassword(d.db, "auditor1", "auditor-password").ok());  // others untouched
  // Too short: refused, and the password stays what it was.
  CHECK(SetConsolePassword(d.db, "王科长", "1234567").code() == kErrConsolePassword);
  CHECK(CheckConsolePassword(d.db, "王科长", "second-password").ok());
  CHECK(SetConsolePassword(d.db, "李四", "long-enough-1").code() == kErrConsoleUnknownUser);
}

TEST_CASE("console sessions end when idle, when too old, and at logout") {
  ConsoleSessions sessions;
  ConsoleUser user{"王科长", ConsoleRole::kAdmin, 0};
  const int64_t t0 = 1'000'000'000;
  ConsoleSession s = sessions.Open(user, t0);
  CHECK(s.id.size() == 64);
  CHECK(s.csrf.size() == 64);
  CHECK(s.csrf != s.id);
  CHECK_FALSE(sessions.Find(s.id + "0", t0));
  CHECK_FALSE(sessions.Find("", t0));

  SUBCASE("idle") {
    REQUIRE(sessions.Find(s.id, t0 + kConsoleIdleMs));  // used: idle time starts again
    REQUIRE(sessions.Find(s.id, t0 + 2 * kConsoleIdleMs));
    CHECK_FALSE(sessions.Find(s.id, t0 + 3 * kConsoleIdleMs + 1));
    CHECK(sessions.size() == 0);
  }
  SUBCASE("too old, however busy") {
    int64_t t = t0;
    while (t + kConsoleIdleMs / 2 <= t0 + kConsoleMaxAgeMs) {
      t += kConsoleIdleMs / 2;
      REQUIRE(sessions.Find(s.id, t));
    }
    CHECK_FALSE(sessions.Find(s.id, t0 + kConsoleMaxAgeMs + 1));
  }
  SUBCASE("logout") {
    sessions.Close(s.id);
    CHECK_FALSE(sessions.Find(s.id, t0 + 1));
  }
}

TEST_CASE("wrong passwords: five within the window stop the name and the address") {
  ConsoleSessions sessions;
  const int64_t t0 = 5'000'000'000;
  for (int i = 0; i < kMaxLoginFailures; ++i) {
    REQUIRE(sessions.LoginAllowed("王科长", "10.0.0.5", t0 + i).ok());
    sessions.LoginFailed("王科长", "10.0.0.5", t0 + i);
  }
  Status refused = sessions.LoginAllowed("王科长", "10.0.0.9", t0 + 10);
  CHECK(refused.code() == kErrConsoleRateLimited);  // the name, from another PC
  CHECK(sessions.LoginAllowed("auditor1", "10.0.0.5", t0 + 10).code() ==
        kErrConsoleRateLimited);                     // the address, for another name
  CHECK(sessions.LoginAllowed("auditor1", "10.0.0.9", t0 + 10).ok());
  // The window of the first failure passes: one try again.
  CHECK(sessions.LoginAllowed("王科长", "10.0.0.9", t0 + kLoginFailureWindowMs).ok());
}

}  // namespace
}  // namespace gongkai
