// The local web server of `gongkai ui`: binds the address it is told (127.0.0.1 by
// default), refuses a foreign Host header, exchanges the start secret for a session cookie,
// checks the CSRF token of every POST, serves the embedded assets and routes the pages of
// the node's role (node/web/README.md).
// Thread-safety: Run blocks in the calling thread; Stop may be called from any thread (a
// signal watcher).
#ifndef GONGKAI_NODE_WEB_UI_SERVER_H_
#define GONGKAI_NODE_WEB_UI_SERVER_H_

#include <memory>
#include <string>

#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrWebListen[] = "web.listen";
inline constexpr char kDefaultUiHost[] = "127.0.0.1";

struct UiServerOptions {
  std::string home;  // the node's home (replica.db, node.key)
  std::string host = kDefaultUiHost;
  int port = 0;        // 0: the system picks one
  std::string secret;  // empty: a random one (tests give their own)
};

class UiServer {
 public:
  // Opens the node once (replica.not_enrolled etc. before enrolment), binds the port
  // (web.listen when it cannot).
  static Result<std::unique_ptr<UiServer>> Create(const UiServerOptions& options);
  ~UiServer();

  // "http://127.0.0.1:PORT/?secret=..." — the address to open.
  std::string url() const;
  int port() const;

  // Serves until Stop. Returns when the server has stopped and the background sync ended.
  void Run();
  void Stop();

 private:
  UiServer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gongkai

#endif  // GONGKAI_NODE_WEB_UI_SERVER_H_
