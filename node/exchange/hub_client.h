// HubClient: a node's signed HTTP requests to the county hub (hub/server/service.h lists the
// endpoints; protocol/request_auth.h the signature headers).
//
// Connection failures (no answer at all) and 503 answers (the hub is busy: serve.busy) are
// tried again up to kHubAttempts times in all. Between attempts the client waits a backoff
// of kHubRetryBaseMs, doubled each time, of which a random half is taken off (jitter, so
// that villages refused together do not come back together); a 503's Retry-After (seconds,
// at most kHubMaxRetryAfterSeconds) is waited at least. Any other answer from the hub, even
// an error, is not retried. A non-2xx answer becomes the hub's {"code","message"} as a Status
// (kDenied for 401/403, kTooLarge for 413, kNotFound for 404, kInvalid for other 4xx,
// kUnavailable for 5xx), or sync.http with the status when the body is not such JSON.
//
// Clocks: every answer of the hub tells its time (protocol/request_auth.h
// kResponseHubTimeHeader); the client keeps the difference from its own clock
// (hub_clock_offset_ms). When the hub refuses a request auth.clock (the PC's clock is more
// than kMaxRequestClockSkewMs off), the client signs it again, once, at its own clock plus
// that difference, and keeps doing so for the requests that follow: a PC whose clock is days
// off still syncs, and the hub's replay protection (time window, nonces) is unchanged.
//
// Over https the server's certificate must have the pinned SHA-256 fingerprint
// (node/exchange/tls_pin.h); any other is refused at once with sync.tls_pin, not retried, and no
// request is sent. An https URL without a pin is refused (sync.tls_unpinned): a node never
// trusts a certificate it has not been told about.
//
// Thread-safety: one request at a time per client.
#ifndef GONGKAI_NODE_EXCHANGE_HUB_CLIENT_H_
#define GONGKAI_NODE_EXCHANGE_HUB_CLIENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "node/exchange/tls_pin.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace httplib {
class Client;
}

namespace gongkai {

inline constexpr int kHubAttempts = 4;
inline constexpr int kHubRetryBaseMs = 250;
inline constexpr int kHubMaxRetryAfterSeconds = 60;
inline constexpr int kHubConnectTimeoutSeconds = 10;
inline constexpr int kHubReadTimeoutSeconds = 120;

inline constexpr char kErrSyncUrl[] = "sync.url";                  // kInvalid
inline constexpr char kErrSyncUnreachable[] = "sync.unreachable";  // kUnavailable
inline constexpr char kErrSyncHttp[] = "sync.http";

struct HubResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // only the X-Gongkai-* ones
};

// The checks Create makes before connecting: the URL's form (sync.url), and for https a pin
// (sync.tls_unpinned) that parses (tls.fingerprint).
Status CheckHubUrl(std::string_view url, std::string_view tls_pin);

class HubClient {
 public:
  // `url` is "http://HOST:PORT" or "https://HOST:PORT" (sync.url otherwise). `key` must
  // outlive the client. `wall_clock_ms` gives the requests' times; `sleep_ms` waits between
  // attempts (both default to the system's). `tls_pin`: the hub certificate's fingerprint
  // (ParseTlsFingerprint text), required for https (sync.tls_unpinned) and ignored for
  // http.
  static Result<std::unique_ptr<HubClient>> Create(std::string_view url, const SecretKey& key,
                                                   std::function<int64_t()> wall_clock_ms = {},
                                                   std::function<void(int)> sleep_ms = {},
                                                   std::string_view tls_pin = {});
  ~HubClient();

  // Sends a signed request; `target` is the path with its query. Returns 2xx answers.
  Result<HubResponse> Send(std::string_view method, std::string_view target,
                           std::string_view body = {});
  int attempts_made() const { return attempts_; }
  // The hub's clock minus this PC's, from the last answer that told it; nullopt before any.
  std::optional<int64_t> hub_clock_offset_ms() const { return hub_clock_offset_ms_; }
  // Added to this PC's clock in the requests' times: 0 until the hub refused one auth.clock.
  int64_t signing_offset_ms() const { return signing_offset_ms_; }
  // Starts signing at this PC's clock plus `offset_ms` (a difference measured by an earlier
  // sync). A refusal auth.clock still makes the client sign again at the newly measured one.
  void set_signing_offset_ms(int64_t offset_ms) { signing_offset_ms_ = offset_ms; }
  // Replaces the random source of the backoff's jitter (tests make it fixed).
  void set_random(std::function<uint64_t()> random) { random_ = std::move(random); }

  // How long to wait before attempt `attempt` + 1: `backoff_ms` less a random part of up to
  // half of it, or `retry_after_seconds` (capped) when that is longer. Exposed for tests.
  static int RetryWaitMs(int backoff_ms, int retry_after_seconds, uint64_t random);

 private:
  HubClient() = default;
  // Declared before http_, so that it outlives the connection whose handshakes use it.
  std::unique_ptr<TlsPin> tls_pin_;  // https only
  std::unique_ptr<httplib::Client> http_;
  const SecretKey* key_ = nullptr;
  std::function<int64_t()> wall_clock_ms_;
  std::function<void(int)> sleep_ms_;
  std::function<uint64_t()> random_;
  int attempts_ = 0;
  std::optional<int64_t> hub_clock_offset_ms_;
  int64_t signing_offset_ms_ = 0;
};

}  // namespace gongkai

#endif  // GONGKAI_NODE_EXCHANGE_HUB_CLIENT_H_
