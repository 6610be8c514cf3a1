// The county hub's HTTP server: HubService (hub/server/service.h) behind cpp-httplib.
//
// One line per request is written to `log` (stderr for `gongkai-hub serve`):
//   <method> <target> <status> <answer bytes> <node id or ->
// Limits (all in hub/server/server_limits.h, the table in hub/README.md), so that an oversize
// or slow request is cut off and costs the others nothing:
//   - a request that declares a body over kMaxRequestBodyBytes is answered 413
//     serve.too_large from its headers, before any of the body is read, and the connection
//     is closed; a POST without a Content-Length (chunked) is answered 411;
//   - the whole head of a request must arrive within head_deadline_ms, head and body within
//     request_deadline_ms, however slowly they trickle (408 serve.head_timeout, then close);
//   - a body that arrives slower than min_bytes_per_second on average, once slow_grace_ms
//     have passed since it began, is cut off with 408 serve.too_slow;
//   - each read and write times out after kReadTimeoutSeconds / kWriteTimeoutSeconds; a
//     connection is kept alive at most kKeepAliveSeconds between requests;
//   - at most max_per_address connections from one address and max_connections in all are
//     open; `workers` threads serve them, at most max_queued wait; a connection over any of
//     these is answered 503 serve.busy with Retry-After and closed (over TLS: only closed).
// The server accepts connections itself (ConnectionGuard counts them) and hands each to
// httplib's per-connection processing on its own bounded pool of workers.
//
// With TLS files the server speaks HTTPS only (httplib's SSLServer over OpenSSL); nodes pin
// the certificate's SHA-256 fingerprint (node/exchange/tls_pin.h) instead of trusting a CA.
//
// Thread-safety: Start, Run and the destructor from one thread; Stop from any thread.
#ifndef GONGKAI_HUB_SERVER_SERVER_H_
#define GONGKAI_HUB_SERVER_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <vector>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hub/server/connection_guard.h"
#include "hub/server/server_limits.h"
#include "hub/server/service.h"
#include "protocol/status.h"

namespace httplib {
class Server;
}

namespace gongkai {

inline constexpr char kErrServerListen[] = "server.listen";  // kIoError: cannot bind
inline constexpr char kErrServerTooLarge[] = "serve.too_large";            // 413
inline constexpr char kErrServerLengthRequired[] = "serve.length_required";  // 411
inline constexpr char kErrServerTooSlow[] = "serve.too_slow";              // 408

inline constexpr char kErrServerHeadTimeout[] = "serve.head_timeout";  // 408
// The TLS certificate or key does not load, or they do not match (kInvalid).
inline constexpr char kErrServerTls[] = "server.tls";

// PEM files of the hub's TLS certificate and private key (hub/server/tls_certificate.h).
struct HubTlsFiles {
  std::string certificate;
  std::string private_key;
};

class HubServer {
 public:
  // REQUIRES: service outlives the server.
  // With `tls`, HTTPS; the files are read here and checked by Bind.
  explicit HubServer(HubService& service, std::FILE* log = stderr,
                     const std::optional<HubTlsFiles>& tls = std::nullopt,
                     HubServerLimits limits = {});
  ~HubServer();
  HubServer(const HubServer&) = delete;
  HubServer& operator=(const HubServer&) = delete;

  // Binds `host`:`port` (port 0: any free port) and returns the port bound.
  // server.listen when the address cannot be bound; server.tls when the TLS files did not
  // load.
  Result<int> Bind(const std::string& host, int port);
  // Serves until Stop; returns when the listening socket is closed.
  Status Run();
  // Stops Run: no new connections; requests in progress are finished. A Stop that comes
  // before Run (or before Run's accept loop has begun) makes Run return as soon as it runs.
  void Stop();

 private:
  // One worker: takes queued connections and serves each until it closes.
  void Work();
  // Answers `fd` 503 serve.busy (plain HTTP only) and closes it.
  void RefuseBusy(int fd, const Status& why);

  HubService& service_;
  std::FILE* log_;
  const HubServerLimits limits_;
  const bool tls_;
  std::unique_ptr<httplib::Server> http_;
  ConnectionGuard guard_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_requested_{false};
  // Held from accept4 to Admit, and while overdue connections are cut (see Run).
  std::mutex accept_mutex_;
  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  struct Queued {
    int fd;
    uint64_t id;
  };
  std::deque<Queued> queue_;  // guarded by queue_mutex_
  bool draining_ = false;     // guarded by queue_mutex_
};

}  // namespace gongkai

#endif  // GONGKAI_HUB_SERVER_SERVER_H_
