// The hub's account of its open connections: who may connect (a cap per client address and
// in all), and the deadlines of each request (the head within head_deadline_ms however it
// trickles in, head and body within request_deadline_ms). A connection past its deadline is
// shut down, which ends the worker's blocking read on it at once.
//
// A connection moves: Admit (it waits for a worker; no deadline runs, the wait is the hub's
// and not the client's) -> Started (a worker serves it: its head is awaited) -> HeadRead
// (its body) -> RequestDone
// (the next head of a kept-alive connection) ... -> Release.
//
// Thread-safety: every method may be called from any thread.
#ifndef GONGKAI_HUB_SERVER_CONNECTION_GUARD_H_
#define GONGKAI_HUB_SERVER_CONNECTION_GUARD_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "hub/server/server_limits.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrServeBusy[] = "serve.busy";  // kUnavailable, 503 + Retry-After

class ConnectionGuard {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ConnectionGuard(const HubServerLimits& limits) : limits_(limits) {}

  // Counts the accepted socket `fd` from `address`:`port` in, or refuses it (serve.busy)
  // when its address already has max_per_address connections or max_connections are open.
  // On success *id names the connection for Release.
  Status Admit(int fd, const std::string& address, int port, Clock::time_point now,
               uint64_t* id /* OUT */);
  // A worker has taken connection `id` from the queue: its head's deadline runs from `now`.
  void Started(uint64_t id, Clock::time_point now);
  // The head of a request from `address`:`port` has been read: the body's deadline runs.
  void HeadRead(const std::string& address, int port, Clock::time_point now);
  // A request has been answered: the next head's deadline runs from `now`.
  void RequestDone(const std::string& address, int port, Clock::time_point now);
  // The connection is closed; it no longer counts. REQUIRES: its socket is closed or about
  // to be, by the caller, after this returns.
  void Release(uint64_t id);
  // Shuts down every connection past its deadline; returns how many were shut down now.
  // Those still in their head get `head_refusal` written first (may be empty).
  int CutOverdue(Clock::time_point now, const std::string& head_refusal);

  int open() const;
  int open_from(const std::string& address) const;

 private:
  struct Connection {
    int fd;
    std::string address;
    int port;
    bool in_head;
    bool cut;
    Clock::time_point head_started;
    Clock::time_point deadline;
  };
  Connection* Find(const std::string& address, int port);  // REQUIRES: mutex_ held

  const HubServerLimits limits_;
  mutable std::mutex mutex_;
  uint64_t next_id_ = 1;                       // guarded by mutex_
  std::map<uint64_t, Connection> connections_;  // guarded by mutex_
  std::map<std::string, int> per_address_;      // guarded by mutex_
};

}  // namespace gongkai

#endif  // GONGKAI_HUB_SERVER_CONNECTION_GUARD_H_
