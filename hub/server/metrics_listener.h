// The address Prometheus scrapes: GET /metrics, unsigned, on a listener of its own
// (`gongkai-hub serve --metrics-listen ADDR:PORT`), apart from the sync API. A scrape never
// waits in the sync API's queue behind pushes, and the sync API keeps answering nothing
// unsigned but /v1/health and /v1/enrol.
//
// With a token (`--metrics-token-file FILE`) a scrape must send "Authorization: Bearer
// <token>" (Prometheus: `authorization: credentials_file:`); any other is answered 401. The
// file must be readable by its owner only (no group or other bits) and hold one line of at
// least kMinMetricsTokenLength printable ASCII characters.
//
// Answers: 200 "text/plain; version=0.0.4" with what `collect` returned; 401 metrics.token;
// 404 metrics.not_found for any other path, or a POST; 500 with the error when `collect`
// failed (Prometheus then counts the scrape as failed: up == 0). The listener runs on the
// sync API's front (hub/server/server.h: the same bounded head, deadlines and caps) with
// small limits of its own: 2 workers, 10 connections, a 4 KiB body.
//
// Thread-safety: Bind, Start, Stop and the destructor from one thread. `collect` is
// called from the listener's threads, at most two at a time.
#ifndef GONGKAI_HUB_SERVER_METRICS_LISTENER_H_
#define GONGKAI_HUB_SERVER_METRICS_LISTENER_H_

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "protocol/status.h"

#include "hub/server/server.h"

namespace gongkai {

inline constexpr size_t kMinMetricsTokenLength = 16;

// Error codes.
inline constexpr char kErrMetricsToken[] = "metrics.token";    // 401, or a bad token file
inline constexpr char kErrMetricsListen[] = "metrics.listen";  // kIoError: cannot bind
inline constexpr char kErrMetricsNotFound[] = "metrics.not_found";  // 404

// The token in `path` (its first line, without surrounding blanks). metrics.token (kInvalid)
// when the file cannot be read, is readable by group or others, or the token is too short or
// holds anything but printable ASCII.
Result<std::string> ReadMetricsToken(const std::filesystem::path& path);

class MetricsListener {
 public:
  using Collect = std::function<Result<std::string>()>;

  // `token` empty: no token is asked for.
  MetricsListener(Collect collect, std::string token);
  ~MetricsListener();
  MetricsListener(const MetricsListener&) = delete;
  MetricsListener& operator=(const MetricsListener&) = delete;

  // Binds `host`:`port` (0: any free port); returns the port. metrics.listen when it cannot.
  Result<int> Bind(const std::string& host, int port);
  // Serves on a thread of its own until Stop or the destructor.
  void Start();
  void Stop();

 private:
  HubAnswer Answer(const HubRequest& request) const;

  Collect collect_;
  const std::string token_;
  std::unique_ptr<HubServer> server_;
  std::thread thread_;
};

}  // namespace gongkai

#endif  // GONGKAI_HUB_SERVER_METRICS_LISTENER_H_
