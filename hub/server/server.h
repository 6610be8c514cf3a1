// The county hub's HTTP server: HubService (hub/server/service.h) behind its own HTTP/1.1 front.
//
// One line per request is written to `log` (stderr for `gongkai-hub serve`):
//   <method> <target> <status> <answer bytes> <node id or ->
// Limits (all in hub/server/server_limits.h, the table in hub/README.md), so that an oversize
// or slow request is cut off and costs the others nothing:
//   - a request that declares a body over kMaxRequestBodyBytes is answered 413
//     serve.too_large from its headers, before any of the body is read, and the connection
//     is closed; a POST without a Content-Length (chunked) is answered 411;
//   - the whole head of a request must arrive within head_deadline_ms, head and body within
//     request_deadline_ms, however slowly they trickle (408 serve.head_timeout for a head,
//     then close; over TLS, and for a body, only the close);
//   - a body that arrives slower than min_bytes_per_second on average, once slow_grace_ms
//     have passed since it began, is cut off with 408 serve.too_slow;
//   - each read and write times out after kReadTimeoutSeconds / kWriteTimeoutSeconds (the
//     connection is closed); a connection is kept alive at most kKeepAliveSeconds between
//     requests (and less than head_deadline_ms);
//   - at most max_per_address connections from one address and max_connections in all are
//     open; `workers` threads serve them, at most max_queued wait; a connection over any of
//     these is answered 503 serve.busy with Retry-After and closed (over TLS: only closed).
//   - a request head over kMaxRequestHeadBytes is answered 431 http.head_too_large, one that
//     is not HTTP/1.x as hub/server/http_request.h reads it 400 http.bad_request; a method
//     other than GET and POST 405 serve.method; each of these closes the connection;
//   - a connection carries at most kKeepAliveMaxRequests requests; after the answer that
//     ends it, what the client still sends is read and thrown away for at most
//     kRefusalLingerMs, so that the answers are not lost to a reset.
// The server accepts connections itself (ConnectionGuard counts them), reads each request
// with ParseRequestHead into a bounded buffer, and serves it on its own bounded pool of
// workers; no read keeps more than the head limit or the declared body.
//
// With TLS files the server speaks HTTPS only (TLS 1.2 or later, over OpenSSL); nodes pin
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

struct ssl_ctx_st;

namespace gongkai {

inline constexpr char kErrServerListen[] = "server.listen";  // kIoError: cannot bind
inline constexpr char kErrServerTooLarge[] = "serve.too_large";            // 413
inline constexpr char kErrServerLengthRequired[] = "serve.length_required";  // 411
inline constexpr char kErrServerTooSlow[] = "serve.too_slow";              // 408

inline constexpr char kErrServerHeadTimeout[] = "serve.head_timeout";  // 408
inline constexpr char kErrServerMethod[] = "serve.method";              // 405
// The TLS certificate or key does not load, or they do not match (kInvalid).
inline constexpr char kErrServerTls[] = "server.tls";

// PEM files of the hub's TLS certificate and private key (hub/server/tls_certificate.h).
struct HubTlsFiles {
  std::string certificate;
  std::string private_key;
};

class HubServer {
 public:
  // What is served: each request read whole, to its answer; and each answer's status, for
  // the counters (called for refusals the front makes itself too). Called from the workers,
  // several at a time.
  using Handler = std::function<HubAnswer(const HubRequest&)>;
  using CountStatus = std::function<void(int http_status)>;

  // Serves `service` (its Handle and CountResponse). REQUIRES: service outlives the server.
  // With `tls`, HTTPS; the files are read here and checked by Bind.
  explicit HubServer(HubService& service, std::FILE* log = stderr,
                     const std::optional<HubTlsFiles>& tls = std::nullopt,
                     HubServerLimits limits = {});
  // Serves `handler` on the same front (the /metrics listener).
  HubServer(Handler handler, CountStatus count, std::FILE* log, HubServerLimits limits);
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
  // Serves the requests of one connection from `address`:`port`, then closes `fd`.
  void Serve(int fd, const std::string& address, int port);
  // One line of the request log (and the response counters).
  void LogLine(const std::string& method, const std::string& target, int status,
               size_t answer_bytes, const std::string& node);
  // Answers `fd` 503 serve.busy (plain HTTP only) and closes it.
  void RefuseBusy(int fd, const Status& why);

  const Handler handle_;
  const CountStatus count_;
  std::FILE* log_;
  const HubServerLimits limits_;
  const bool tls_;
  struct TlsContextFree {
    void operator()(ssl_ctx_st* context) const;
  };
  std::unique_ptr<ssl_ctx_st, TlsContextFree> tls_context_;  // null without TLS
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
    std::string address;
    int port;
  };
  std::deque<Queued> queue_;  // guarded by queue_mutex_
  bool draining_ = false;     // guarded by queue_mutex_
};

}  // namespace gongkai

#endif  // GONGKAI_HUB_SERVER_SERVER_H_
