// ConsoleSessions (hub/console/console_sessions.h).
#include "hub/console/console_sessions.h"

#include <algorithm>

#include "node/web/ui_guard.h"

namespace gongkai {

bool ConsoleSessions::Blocked(const std::string& key, int64_t now_ms, int64_t* until_ms) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return false;
  std::deque<int64_t>& times = it->second;
  while (!times.empty() && times.front() <= now_ms - kLoginFailureWindowMs) times.pop_front();
  if (times.empty()) {
    failures_.erase(it);
    return false;
  }
  if (static_cast<int>(times.size()) < kMaxLoginFailures) return false;
  *until_ms = std::max(*until_ms, times.front() + kLoginFailureWindowMs);
  return true;
}

Status ConsoleSessions::LoginAllowed(std::string_view name, std::string_view peer,
                                     int64_t now_ms) {
  std::lock_guard lock(mutex_);
  int64_t until = 0;
  const bool by_name = Blocked("name:" + std::string(name), now_ms, &until);
  const bool by_peer = Blocked("peer:" + std::string(peer), now_ms, &until);
  if (!by_name && !by_peer) return Status::Ok();
  const int64_t minutes = std::max<int64_t>(1, (until - now_ms + 59'999) / 60'000);
  return Status::Unavailable(kErrConsoleRateLimited,
                             "密码连续输错 " + std::to_string(kMaxLoginFailures) +
                                 " 次，请 " + std::to_string(minutes) +
                                 " 分钟后再试；忘记密码请管理员在汇聚服务器上重设");
}

void ConsoleSessions::LoginFailed(std::string_view name, std::string_view peer, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  for (const std::string& key : {"name:" + std::string(name), "peer:" + std::string(peer)}) {
    std::deque<int64_t>& times = failures_[key];
    times.push_back(now_ms);
    // Only the last kMaxLoginFailures matter.
    while (static_cast<int>(times.size()) > kMaxLoginFailures) times.pop_front();
  }
}

ConsoleSession ConsoleSessions::Open(const ConsoleUser& user, int64_t now_ms) {
  ConsoleSession session;
  session.id = RandomToken();
  session.csrf = RandomToken();
  session.user = user;
  session.opened_ms = now_ms;
  session.seen_ms = now_ms;
  std::lock_guard lock(mutex_);
  while (sessions_.size() >= kMaxConsoleSessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(),
                                   [](const auto& a, const auto& b) {
                                     return a.second.opened_ms < b.second.opened_ms;
                                   });
    sessions_.erase(oldest);
  }
  sessions_[session.id] = session;
  return session;
}

std::optional<ConsoleSession> ConsoleSessions::Find(std::string_view id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (!TokensEqual(it->first, id)) continue;
    ConsoleSession& session = it->second;
    if (now_ms - session.seen_ms > kConsoleIdleMs || now_ms - session.opened_ms > kConsoleMaxAgeMs) {
      sessions_.erase(it);
      return std::nullopt;
    }
    session.seen_ms = now_ms;
    return session;
  }
  return std::nullopt;
}

void ConsoleSessions::Close(std::string_view id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(std::string(id));
}

size_t ConsoleSessions::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace gongkai
