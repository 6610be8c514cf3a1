// The county hub's HTTP server: HubService (hub/service.h) behind cpp-httplib.
//
// One line per request is written to `log` (stderr for `gongkai-hub serve`):
//   <method> <target> <status> <answer bytes> <node id or ->
// Limits: request bodies over kMaxRequestBodyBytes are refused by httplib (413) before the
// service sees them; reads and writes of a connection time out after kReadTimeoutSeconds /
// kWriteTimeoutSeconds; a connection is kept alive at most kKeepAliveSeconds between
// requests.
//
// With TLS files the server speaks HTTPS only (httplib's SSLServer over OpenSSL); nodes pin
// the certificate's SHA-256 fingerprint (node/tls_pin.h) instead of trusting a CA.
//
// Thread-safety: Start, Run and the destructor from one thread; Stop from any thread.
#ifndef GONGKAI_HUB_SERVER_H_
#define GONGKAI_HUB_SERVER_H_

#include <condition_variable>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "hub/service.h"
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

inline constexpr char kErrServerListen[] = "server.listen";  // kIoError: cannot bind
// The TLS certificate or key does not load, or they do not match (kInvalid).
inline constexpr char kErrServerTls[] = "server.tls";

// PEM files of the hub's TLS certificate and private key (hub/tls_certificate.h).
struct HubTlsFiles {
  std::string certificate;
  std::string private_key;
};

class HubServer {
 public:
  // REQUIRES: service outlives the server.
  // With `tls`, HTTPS; the files are read here and checked by Bind.
  explicit HubServer(HubService& service, std::FILE* log = stderr,
                     const std::optional<HubTlsFiles>& tls = std::nullopt);
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

#endif  // GONGKAI_HUB_SERVER_H_
