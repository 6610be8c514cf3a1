#include "node/web/ui_guard.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace gongkai {

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string RandomToken() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

int PageStatusFor(const Status& status) {
  switch (status.kind()) {
    case StatusKind::kOk:
      return 200;
    case StatusKind::kInvalid:
    case StatusKind::kTooLarge:
      return 400;
    case StatusKind::kNotFound:
      return 404;
    case StatusKind::kDenied:
      return 403;
    case StatusKind::kConflict:
      return 409;
    case StatusKind::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

bool TokensEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

UiGuard::UiGuard(std::string host) : UiGuard(std::move(host), RandomToken()) {}

UiGuard::UiGuard(std::string host, std::string secret)
    : host_(std::move(host)), secret_(std::move(secret)) {
  cookie_name_ = kSessionCookieName;
  if (const size_t colon = host_.rfind(':'); colon != std::string::npos)
    cookie_name_ += "_" + host_.substr(colon + 1);
}

bool UiGuard::HostAllowed(std::string_view host_header) const { return host_header == host_; }

std::optional<std::string> UiGuard::OpenSession(std::string_view secret) {
  if (!TokensEqual(secret, secret_)) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (sessions_.size() >= kMaxUiSessions) sessions_.erase(sessions_.begin());
  sessions_.push_back({RandomToken(), RandomToken(), ++counter_});
  return sessions_.back().id;
}

std::optional<std::string> UiGuard::SessionFromCookie(std::string_view header) const {
  const std::string key = cookie_name_ + "=";
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.substr(0, key.size()) == key) {
      std::string_view value = part.substr(key.size());
      std::lock_guard lock(mutex_);
      for (const Session& s : sessions_) {
        if (TokensEqual(s.id, value)) return s.id;
      }
      return std::nullopt;
    }
    pos = end + 1;
  }
  return std::nullopt;
}

std::string UiGuard::CsrfToken(std::string_view session) const {
  std::lock_guard lock(mutex_);
  for (const Session& s : sessions_) {
    if (s.id == session) return s.csrf;
  }
  return "";
}

bool UiGuard::CsrfValid(std::string_view session, std::string_view token) const {
  const std::string expected = CsrfToken(session);
  return !expected.empty() && TokensEqual(expected, token);
}

std::string UiGuard::SessionCookie(std::string_view session) const {
  return cookie_name_ + "=" + std::string(session) + "; Path=/; HttpOnly; SameSite=Strict";
}

}  // namespace gongkai
