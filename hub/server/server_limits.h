// Every limit of the hub's HTTP front, in one place (documented in hub/README.md, "Limits").
// HubServerLimits carries the ones a test or a county may change; the defaults are these.
#ifndef GONGKAI_HUB_SERVER_SERVER_LIMITS_H_
#define GONGKAI_HUB_SERVER_SERVER_LIMITS_H_

#include <cstddef>
#include <cstdint>

#include "hub/server/http_request.h"
#include "protocol/envelope_batch.h"

namespace gongkai {

// A request body declared larger is refused 413 from its headers, nothing of it read.
inline constexpr size_t kMaxRequestBodyBytes = kMaxBatchSize;
// Each single read / write of a connection (a peer that sends nothing at all).
inline constexpr int kReadTimeoutSeconds = 30;
inline constexpr int kWriteTimeoutSeconds = 60;
// How long an idle keep-alive connection waits for its next request, and how many requests
// one connection may carry.
inline constexpr int kKeepAliveSeconds = 5;
inline constexpr int kKeepAliveMaxRequests = 100;
// A request head (request line and headers) over kMaxRequestHeadBytes
// (hub/server/http_request.h) is answered 431 and closed; nothing more of it is kept.
// After a refusal that closes a connection, what the client still sends is read and thrown
// away for at most this long and this much, so that the answer reaches it before the close.
inline constexpr int64_t kRefusalLingerMs = 250;
inline constexpr size_t kRefusalLingerBytes = 256 * 1024;
// A body slower than this on average, once the grace has passed, is cut off 408.
inline constexpr int64_t kMinRequestBytesPerSecond = 256;
inline constexpr int64_t kSlowRequestGraceMs = 30'000;
// The whole request head (request line and headers) must arrive within this, however it
// trickles in; the head and the body together within kRequestDeadlineMs.
inline constexpr int64_t kHeadDeadlineMs = 10'000;
inline constexpr int64_t kRequestDeadlineMs = 300'000;
// Connections served at once (one worker thread each) and waiting for a worker; a
// connection that finds the queue full is answered 503 serve.busy with Retry-After.
inline constexpr int kWorkerThreads = 32;
inline constexpr int kMaxQueuedConnections = 224;
// Open connections (served and waiting) from one client address, and in all.
inline constexpr int kMaxConnectionsPerAddress = 16;
inline constexpr int kMaxConnections = kWorkerThreads + kMaxQueuedConnections;
// Retry-After (seconds) sent with a 503.
inline constexpr int kBusyRetryAfterSeconds = 5;
// How often overdue connections are looked for.
inline constexpr int64_t kDeadlineCheckMs = 50;

struct HubServerLimits {
  int64_t min_bytes_per_second = kMinRequestBytesPerSecond;
  int64_t slow_grace_ms = kSlowRequestGraceMs;
  int64_t head_deadline_ms = kHeadDeadlineMs;
  int64_t request_deadline_ms = kRequestDeadlineMs;
  int workers = kWorkerThreads;
  int max_queued = kMaxQueuedConnections;
  int max_per_address = kMaxConnectionsPerAddress;
  int max_connections = kMaxConnections;
  int retry_after_seconds = kBusyRetryAfterSeconds;
  size_t max_body_bytes = kMaxRequestBodyBytes;
};

}  // namespace gongkai

#endif  // GONGKAI_HUB_SERVER_SERVER_LIMITS_H_
