// `gongkai-hub console`: the county office's interface in the browser (hub/console/README.md).
// Server-rendered pages (templates/*.mustache, embedded at build time) that call the same
// functions as the `gongkai-hub` commands: hub/county (enrol, revoke), hub/enrolment (tokens),
// hub/audit (verify, stale, overdue, alarms, report, history) and hub/app (the tables).
//
// Safety (every request):
//   - Without a live session (console_sessions.h) only /login and /assets/ answer: a GET is
//     sent to /login (303), anything else is refused 403 console.session.
//   - Every POST but the login carries the session's CSRF token (403 web.csrf otherwise,
//     nothing done).
//   - Enrolling and revoking need the admin role (403 console.forbidden for an auditor).
//   - Pages send Content-Security-Policy: default-src 'self', X-Frame-Options: DENY,
//     Cache-Control: no-store; nothing is loaded from the network.
//
// Thread-safety: Bind and Run from one thread, Stop from any.
#ifndef GONGKAI_HUB_CONSOLE_CONSOLE_SERVER_H_
#define GONGKAI_HUB_CONSOLE_CONSOLE_SERVER_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hub/console/console_users.h"
#include "hub/server/server.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrConsoleSession[] = "console.session";      // 403: not logged in
inline constexpr char kErrConsoleForbidden[] = "console.forbidden";  // 403: an auditor
inline constexpr char kErrConsoleListen[] = "console.listen";        // kIoError
inline constexpr char kConsoleCookieName[] = "gongkai_console";

struct ConsoleOptions {
  std::optional<HubTlsFiles> tls;  // https when given
  // The sync API's address as the nodes reach it, for the enrolment slip and its QR code
  // ("" leaves it for the clerk to fill in).
  std::string hub_url;
  std::function<int64_t()> wall_clock_ms;  // defaults to the system clock
};

class ConsoleServer {
 public:
  // Opens the hub home (OpenCounty) for the console. Errors: those of OpenCounty, sql.*.
  static Result<std::unique_ptr<ConsoleServer>> Open(const std::filesystem::path& home,
                                                     ConsoleOptions options);
  ~ConsoleServer();

  // The accounts that can log in (console_users.h). Errors: sql.*.
  Result<std::vector<ConsoleUser>> Users();

  // Binds host:port (0: any free port); returns the port. console.listen, server.tls.
  Result<int> Bind(const std::string& host, int port);
  // Serves until Stop.
  void Run();
  void Stop();

  struct Impl;

 private:
  explicit ConsoleServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gongkai

#endif  // GONGKAI_HUB_CONSOLE_CONSOLE_SERVER_H_
