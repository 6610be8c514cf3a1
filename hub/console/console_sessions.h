// The county console's sessions and its limit on wrong passwords, in memory (a restart logs
// everyone out, which is what a county office expects of a restarted server).
//   - A login opens a session: a random id (the cookie, HttpOnly, SameSite=Strict; Secure
//     over https) and its own CSRF token for every form. It ends at logout, after
//     kConsoleIdleMs without a request, or kConsoleMaxAgeMs after the login, whichever
//     comes first. At most kMaxConsoleSessions; the oldest goes first.
//   - Wrong passwords: kMaxLoginFailures failures within kLoginFailureWindowMs, counted per
//     account name and per client address, refuse every further try of that name or from
//     that address (console.rate_limited) until the window of the oldest failure has
//     passed. A success does not clear the address's count (so one good account cannot be
//     used to keep guessing another).
// Thread-safety: every method may be called from several threads at once.
#ifndef GONGKAI_HUB_CONSOLE_CONSOLE_SESSIONS_H_
#define GONGKAI_HUB_CONSOLE_CONSOLE_SESSIONS_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "hub/console/console_users.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr int64_t kConsoleIdleMs = int64_t{30} * 60 * 1000;
inline constexpr int64_t kConsoleMaxAgeMs = int64_t{12} * 3600 * 1000;
inline constexpr size_t kMaxConsoleSessions = 256;
inline constexpr int kMaxLoginFailures = 5;
inline constexpr int64_t kLoginFailureWindowMs = int64_t{15} * 60 * 1000;

inline constexpr char kErrConsoleRateLimited[] = "console.rate_limited";  // kUnavailable, 429

struct ConsoleSession {
  std::string id;
  std::string csrf;
  ConsoleUser user;
  int64_t opened_ms = 0;
  int64_t seen_ms = 0;
};

class ConsoleSessions {
 public:
  // Ok when a login for `name` from `peer` may be tried at `now_ms`; kErrConsoleRateLimited
  // (with the minutes to wait) otherwise.
  Status LoginAllowed(std::string_view name, std::string_view peer, int64_t now_ms);
  void LoginFailed(std::string_view name, std::string_view peer, int64_t now_ms);

  // Opens a session for `user`; returns it.
  ConsoleSession Open(const ConsoleUser& user, int64_t now_ms);
  // The live session with this id, its last use set to `now_ms`; nullopt when there is none
  // or it has expired (it is then forgotten).
  std::optional<ConsoleSession> Find(std::string_view id, int64_t now_ms);
  void Close(std::string_view id);
  size_t size() const;

 private:
  // Drops failures older than the window; true when `key` still has kMaxLoginFailures.
  bool Blocked(const std::string& key, int64_t now_ms, int64_t* until_ms);

  mutable std::mutex mutex_;
  std::map<std::string, ConsoleSession> sessions_;        // by id
  std::map<std::string, std::deque<int64_t>> failures_;  // "name:<n>" / "peer:<a>" -> times
};

}  // namespace gongkai

#endif  // GONGKAI_HUB_CONSOLE_CONSOLE_SESSIONS_H_
