// The county hub's HTTP server: HubService (hub/server/service.h) behind cpp-httplib.
//
// One line per request is written to `log` (stderr for `gongkai-hub serve`):
//   <method> <target> <status> <answer bytes> <node id or ->
// Limits, so that an oversize or slow request is cut off and costs the others nothing:
//   - a request that declares a body over kMaxRequestBodyBytes is answered 413
//     serve.too_large from its headers, before any of the body is read; a POST without a
//     Content-Length (chunked) is answered 411 serve.length_required;
//   - a body that arrives slower than min_bytes_per_second on average, once slow_grace_ms
//     have passed since it began, is cut off with 408 serve.too_slow (a 2G link sends several
//     KB/s; the default floor is a tenth of that);
//   - each read and write of a connection times out after kReadTimeoutSeconds /
//     kWriteTimeoutSeconds (a client that sends nothing at all); a connection is kept alive
//     at most kKeepAliveSeconds between requests.
// Requests are served by httplib's pool of worker threads, one connection each.
//
// With TLS files the server speaks HTTPS only (httplib's SSLServer over OpenSSL); nodes pin
// the certificate's SHA-256 fingerprint (node/exchange/tls_pin.h) instead of trusting a CA.
//
// Thread-safety: Start, Run and the destructor from one thread; Stop from any thread.
#ifndef GONGKAI_HUB_SERVER_SERVER_H_
#define GONGKAI_HUB_SERVER_SERVER_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hub/server/service.h"
#include "protocol/envelope_batch.h"
#include "protocol/status.h"

namespace httplib {
class Server;
}

namespace gongkai {

inline constexpr size_t kMaxRequestBodyBytes = kMaxBatchSize;
inline constexpr int kReadTimeoutSeconds = 30;
inline constexpr int kWriteTimeoutSeconds = 60;
inline constexpr int kKeepAliveSeconds = 5;

inline constexpr int64_t kMinRequestBytesPerSecond = 256;
inline constexpr int64_t kSlowRequestGraceMs = 30'000;

inline constexpr char kErrServerListen[] = "server.listen";  // kIoError: cannot bind
inline constexpr char kErrServerTooLarge[] = "serve.too_large";            // 413
inline constexpr char kErrServerLengthRequired[] = "serve.length_required";  // 411
inline constexpr char kErrServerTooSlow[] = "serve.too_slow";              // 408

// How slow a request body may arrive (the defaults above; tests shorten the grace).
struct HubServerLimits {
  int64_t min_bytes_per_second = kMinRequestBytesPerSecond;
  int64_t slow_grace_ms = kSlowRequestGraceMs;
};
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
  // Stops httplib once, if it runs. REQUIRES: stop_mutex_ held.
  void StopIfRunning();

  HubService& service_;
  std::FILE* log_;
  std::unique_ptr<httplib::Server> http_;
  std::mutex stop_mutex_;
  std::condition_variable stop_changed_;
  bool stop_requested_ = false;  // guarded by stop_mutex_
  bool stopped_ = false;         // guarded by stop_mutex_
  bool run_finished_ = false;    // guarded by stop_mutex_
};

}  // namespace gongkai

#endif  // GONGKAI_HUB_SERVER_SERVER_H_
