// The safety checks of `gongkai ui`: Host header, secret -> session cookie, CSRF token.
#include "node/web/ui_guard.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

TEST_CASE("only the server's own address:port passes as Host") {
  UiGuard guard("127.0.0.1:8421", "s3cret-s3cret");
  CHECK(guard.HostAllowed("127.0.0.1:8421"));
  CHECK_FALSE(guard.HostAllowed("127.0.0.1:8422"));
  CHECK_FALSE(guard.HostAllowed("localhost:8421"));
  CHECK_FALSE(guard.HostAllowed("evil.example:8421"));
  CHECK_FALSE(guard.HostAllowed("127.0.0.1"));
  CHECK_FALSE(guard.HostAllowed(""));
  CHECK_FALSE(guard.HostAllowed("127.0.0.1:8421 "));
}

TEST_CASE("the start secret opens a session; anything else does not") {
  UiGuard guard("127.0.0.1:1", "the-secret");
  CHECK_FALSE(guard.OpenSession("").has_value());
  CHECK_FALSE(guard.OpenSession("the-secreT").has_value());
  CHECK_FALSE(guard.OpenSession("the-secret-").has_value());
  std::optional<std::string> session = guard.OpenSession("the-secret");
  REQUIRE(session.has_value());
  CHECK(session->size() == 64);
  // The cookie finds it back, among other cookies; a forged one does not.
  CHECK(guard.SessionFromCookie("a=b; gongkai_ui_1=" + *session + "; c=d") == session);
  CHECK(guard.SessionFromCookie("gongkai_ui_1=" + *session) == session);
  CHECK_FALSE(guard.SessionFromCookie("gongkai_ui_1=" + std::string(64, '0')).has_value());
  CHECK_FALSE(guard.SessionFromCookie("").has_value());
  CHECK_FALSE(guard.SessionFromCookie("other=" + *session).has_value());
  // Another port's interface uses another cookie.
  CHECK(guard.cookie_name() == "gongkai_ui_1");
  CHECK_FALSE(guard.SessionFromCookie("gongkai_ui_2=" + *session).has_value());
  CHECK_FALSE(guard.SessionFromCookie("gongkai_ui=" + *session).has_value());
  // The cookie is HttpOnly and SameSite=Strict.
  const std::string cookie = guard.SessionCookie(*session);
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
}

TEST_CASE("a random secret differs at every start") {
  UiGuard a("127.0.0.1:1");
  UiGuard b("127.0.0.1:1");
  CHECK(a.secret().size() == 64);
  CHECK(a.secret() != b.secret());
}

TEST_CASE("the CSRF token is bound to its session") {
  UiGuard guard("127.0.0.1:1", "k");
  const std::string one = *guard.OpenSession("k");
  const std::string two = *guard.OpenSession("k");
  const std::string token_one = guard.CsrfToken(one);
  CHECK(token_one.size() == 64);
  CHECK(guard.CsrfValid(one, token_one));
  CHECK_FALSE(guard.CsrfValid(one, ""));
  CHECK_FALSE(guard.CsrfValid(one, guard.CsrfToken(two)));
  CHECK_FALSE(guard.CsrfValid(two, token_one));
  CHECK_FALSE(guard.CsrfValid("no-such-session", token_one));
  CHECK(guard.CsrfToken("no-such-session").empty());
}

TEST_CASE("sessions beyond the limit drop the oldest") {
  UiGuard guard("127.0.0.1:1", "k");
  const std::string first = *guard.OpenSession("k");
  for (size_t i = 0; i < kMaxUiSessions; ++i) (void)guard.OpenSession("k");
  CHECK_FALSE(guard.SessionFromCookie(guard.cookie_name() + "=" + first).has_value());
  CHECK(guard.CsrfToken(first).empty());
}

}  // namespace
}  // namespace gongkai
