// The safety checks of the local web interface (node/web/README.md "Safety"), kept apart
// from HTTP so they can be tested alone:
//   - Host: a request whose Host header is not exactly the address the server listens on
//     ("127.0.0.1:PORT") is refused (DNS rebinding: a page of another site that made its
//     name resolve to 127.0.0.1 still sends its own name as Host).
//   - Secret: a random secret made at start is printed in the URL; a request that carries it
//     (?secret=...) opens a session: a random session id in a HttpOnly, SameSite=Strict
//     cookie. Every other request needs that cookie.
//   - CSRF: each session has its own random token, put in a hidden field of every form; a
//     POST whose field differs from its session's token is refused.
// Thread-safety: all methods may be called from several threads at once.
#ifndef GONGKAI_NODE_WEB_UI_GUARD_H_
#define GONGKAI_NODE_WEB_UI_GUARD_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace gongkai {

inline constexpr char kSessionCookieName[] = "gongkai_ui";
inline constexpr char kCsrfFieldName[] = "csrf";
inline constexpr size_t kMaxUiSessions = 64;

// 32 random bytes (libsodium) as 64 lowercase hex digits.
std::string RandomToken();

// The HTTP status of a page that reports a failed action (the node's interface and the
// county console): 400 bad input, 403 denied, 404, 409 conflict, 503 unavailable, else 500.
int PageStatusFor(const Status& status);

// Equal in constant time (length aside).
bool TokensEqual(std::string_view a, std::string_view b);

// `text` percent-encoded for a URL query value (RFC 3986 unreserved characters kept).
std::string UrlEncode(std::string_view text);

class UiGuard {
 public:
  // `host` is what the Host header must be, e.g. "127.0.0.1:8421".
  explicit UiGuard(std::string host);
  UiGuard(std::string host, std::string secret);  // a fixed secret, for tests

  const std::string& secret() const { return secret_; }
  const std::string& host() const { return host_; }

  // True when the Host header is this server's own address:port.
  bool HostAllowed(std::string_view host_header) const;

  // When `secret` is the start secret, a new session id (its cookie value); else nullopt.
  // The oldest session is dropped beyond kMaxUiSessions.
  std::optional<std::string> OpenSession(std::string_view secret);

  // The session id found in a Cookie header value ("a=b; gongkai_ui_8421=ID"), if it is a live
  // session; else nullopt.
  std::optional<std::string> SessionFromCookie(std::string_view cookie_header) const;

  // The CSRF token of a live session ("" for an unknown one).
  std::string CsrfToken(std::string_view session) const;

  // True when `token` is the CSRF token of the live `session`.
  bool CsrfValid(std::string_view session, std::string_view token) const;

  // The session cookie's name: kSessionCookieName, "_", the port ("gongkai_ui_8421"), as
  // browsers keep one cookie jar per host whatever the port (a village and a township
  // interface on one PC must not overwrite each other's session).
  const std::string& cookie_name() const { return cookie_name_; }

  // The Set-Cookie header value for a session id.
  std::string SessionCookie(std::string_view session) const;

 private:
  std::string host_;
  std::string secret_;
  std::string cookie_name_;
  mutable std::mutex mutex_;
  struct Session {
    std::string id;
    std::string csrf;
    uint64_t opened = 0;
  };
  std::vector<Session> sessions_;
  uint64_t counter_ = 0;
};

}  // namespace gongkai

#endif  // GONGKAI_NODE_WEB_UI_GUARD_H_
