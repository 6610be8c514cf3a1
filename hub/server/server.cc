// HubServer (hub/server/server.h).
#include "hub/server/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <httplib.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>
#include <thread>

namespace gongkai {

namespace {

// httplib serves a connection only from its own accept loop, which has neither a bound queue
// nor any head deadline. Its per-connection processing and listening socket are private;
// explicit instantiation may name private members, which lets the hub run its own accept
// loop on httplib's socket and hand each admitted connection to that processing. This ties
// the hub to cpp-httplib 0.11 (Debian 12): a version that renames or retypes either member
// fails to compile here, and tests/hub/server/server_limits_test.cc serves through it.
template <auto kMember, typename Tag>
struct Expose {
  friend constexpr auto Member(Tag) { return kMember; }
};
struct ProcessSocketTag {
  friend constexpr auto Member(ProcessSocketTag);
};
struct ListenSocketTag {
  friend constexpr auto Member(ListenSocketTag);
};
template struct Expose<&httplib::Server::process_and_close_socket, ProcessSocketTag>;
template struct Expose<&httplib::Server::svr_sock_, ListenSocketTag>;

std::atomic<socket_t>& ListenSocket(httplib::Server& server) {
  return server.*Member(ListenSocketTag{});
}

// A whole reply written straight to a socket that httplib does not (yet) serve.
std::string RawReply(int status, const char* reason, const Status& why, int retry_after) {
  const std::string body = ErrorJson(why);
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                    "\r\nContent-Type: application/json\r\nConnection: close\r\n";
  if (retry_after > 0) out += "Retry-After: " + std::to_string(retry_after) + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return out;
}

HubRequest ToHubRequest(const httplib::Request& req) {
  HubRequest out;
  out.method = req.method;
  out.path = req.path;
  out.target = req.target;
  for (const auto& [name, value] : req.params) out.query.emplace(name, value);
  out.auth.node = req.get_header_value(kRequestNodeHeader);
  out.auth.time = req.get_header_value(kRequestTimeHeader);
  out.auth.nonce = req.get_header_value(kRequestNonceHeader);
  out.auth.signature = req.get_header_value(kRequestSignatureHeader);
  out.body = req.body;
  out.peer = req.remote_addr;
  return out;
}

std::unique_ptr<httplib::Server> MakeHttpServer(const std::optional<HubTlsFiles>& tls) {
  if (!tls) return std::make_unique<httplib::Server>();
  return std::make_unique<httplib::SSLServer>(tls->certificate.c_str(), tls->private_key.c_str());
}

}  // namespace

HubServer::HubServer(HubService& service, std::FILE* log, const std::optional<HubTlsFiles>& tls,
                     HubServerLimits limits)
    : service_(service),
      log_(log),
      limits_(limits),
      tls_(tls.has_value()),
      http_(MakeHttpServer(tls)),
      guard_(limits) {
  http_->set_payload_max_length(kMaxRequestBodyBytes);
  http_->set_read_timeout(kReadTimeoutSeconds, 0);
  http_->set_write_timeout(kWriteTimeoutSeconds, 0);
  http_->set_keep_alive_timeout(kKeepAliveSeconds);
  // Judged from the headers alone: httplib would otherwise read (and throw away) a declared
  // oversize body to its end before answering.
  http_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    guard_.HeadRead(req.remote_addr, req.remote_port, ConnectionGuard::Clock::now());
    if (req.method != "POST") return httplib::Server::HandlerResponse::Unhandled;
    const bool has_length = req.has_header("Content-Length");
    const std::string length_text = req.get_header_value("Content-Length");
    uint64_t length = 0;
    const auto [end, error] =
        std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
    // An unreadable length counts as too large: nothing of such a body is read.
    if (error != std::errc() || end != length_text.data() + length_text.size()) {
      length = std::numeric_limits<uint64_t>::max();
    }
    if (has_length && length <= kMaxRequestBodyBytes) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    const Status refusal =
        has_length ? Status::TooLarge(kErrServerTooLarge,
                                      "declared request body (Content-Length: " +
                                          length_text.substr(0, 32) + ") is over the limit of " +
                                          std::to_string(kMaxRequestBodyBytes) + " bytes")
                   : Status::Invalid(kErrServerLengthRequired,
                                     "a POST must declare its Content-Length");
    res.status = has_length ? 413 : 411;
    res.set_header("Connection", "close");
    res.set_content(ErrorJson(refusal), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  });
  auto answer = [this](HubRequest request, httplib::Response& res) {
    HubAnswer answer = service_.Handle(request);
    res.status = answer.status;
    for (const auto& [name, value] : answer.headers) res.set_header(name, value);
    res.set_content(std::move(answer.body), answer.content_type.c_str());
  };
  http_->Get(R"(/.*)", [answer](const httplib::Request& req, httplib::Response& res) {
    answer(ToHubRequest(req), res);
  });
  // POST bodies are read here, piece by piece, so that one arriving too slowly is cut off.
  http_->Post(R"(/.*)", [answer, limits](const httplib::Request& req, httplib::Response& res,
                                         const httplib::ContentReader& content_reader) {
    const auto started = std::chrono::steady_clock::now();
    std::string body;
    bool too_slow = false;
    const bool complete = content_reader([&](const char* data, size_t length) {
      body.append(data, length);
      const int64_t elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - started)
                                     .count();
      if (elapsed_ms > limits.slow_grace_ms &&
          static_cast<int64_t>(body.size()) * 1000 < limits.min_bytes_per_second * elapsed_ms) {
        too_slow = true;
        return false;
      }
      return body.size() <= kMaxRequestBodyBytes;
    });
    if (!complete) {
      const Status refusal =
          too_slow ? Status::Unavailable(kErrServerTooSlow,
                                         "request body arrived slower than " +
                                             std::to_string(limits.min_bytes_per_second) +
                                             " bytes per second")
                   : Status::Invalid(kErrServerTooLarge, "request body incomplete or too large");
      res.status = too_slow ? 408 : 400;
      res.set_header("Connection", "close");
      res.set_content(ErrorJson(refusal), "application/json");
      return;
    }
    HubRequest request = ToHubRequest(req);
    request.body = std::move(body);
    answer(std::move(request), res);
  });
  http_->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    guard_.RequestDone(req.remote_addr, req.remote_port, ConnectionGuard::Clock::now());
    service_.CountResponse(res.status);
    if (log_ == nullptr) return;
    std::string node = req.get_header_value(kRequestNodeHeader);
    std::fprintf(log_, "%s %s %d %zu %s\n", req.method.c_str(), req.target.c_str(), res.status,
                 res.body.size(), node.empty() ? "-" : node.c_str());
    std::fflush(log_);
  });
}

HubServer::~HubServer() {
  Stop();
  if (listen_fd_ >= 0 && ListenSocket(*http_) != INVALID_SOCKET) {
    ListenSocket(*http_) = INVALID_SOCKET;
    ::close(listen_fd_);
  }
}

Result<int> HubServer::Bind(const std::string& host, int port) {
  if (!http_->is_valid()) {
    return Status::Invalid(kErrServerTls,
                           "TLS 证书或私钥无法读取，或二者不配套（gongkai-hub tls init 可生成）");
  }
  int bound =
      port == 0 ? http_->bind_to_any_port(host) : (http_->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return Status::IoError(kErrServerListen,
                           "cannot listen on " + host + ":" + std::to_string(port));
  }
  listen_fd_ = ListenSocket(*http_);
  return bound;
}

void HubServer::RefuseBusy(int fd, const Status& why) {
  service_.CountResponse(503);
  if (!tls_) {
    const std::string reply = RawReply(503, "Service Unavailable", why, limits_.retry_after_seconds);
    (void)::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

void HubServer::Work() {
  auto process = Member(ProcessSocketTag{});
  for (;;) {
    Queued next{};
    {
      std::unique_lock lock(queue_mutex_);
      queue_changed_.wait(lock, [this] { return draining_ || !queue_.empty(); });
      if (queue_.empty()) return;
      next = queue_.front();
      queue_.pop_front();
    }
    guard_.Started(next.id, ConnectionGuard::Clock::now());
    // Closes the socket when the connection ends (kept alive or not).
    (void)((*http_).*process)(next.fd);
    guard_.Release(next.id);
  }
}

Status HubServer::Run() {
  if (listen_fd_ < 0) return Status::IoError(kErrServerListen, "Run before Bind");
  std::vector<std::thread> workers;
  for (int i = 0; i < limits_.workers; ++i) workers.emplace_back([this] { Work(); });
  std::atomic<bool> watching{true};
  const std::string head_refusal =
      tls_ ? std::string()
           : RawReply(408, "Request Timeout",
                      Status::Unavailable(kErrServerHeadTimeout,
                                          "request head did not arrive within " +
                                              std::to_string(limits_.head_deadline_ms) + " ms"),
                      0);
  std::thread watchdog([&] {
    while (watching) {
      {
        std::lock_guard lock(accept_mutex_);
        guard_.CutOverdue(ConnectionGuard::Clock::now(), head_refusal);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(kDeadlineCheckMs));
    }
  });
  while (!stop_requested_) {
    pollfd waiting{listen_fd_, POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(kDeadlineCheckMs)) <= 0) continue;
    // A worker may have just closed a socket whose number accept4 hands out again; until
    // Admit has marked the old entry, the watchdog must not shut that number down.
    std::unique_lock accepting(accept_mutex_);
    sockaddr_storage peer{};
    socklen_t peer_length = sizeof peer;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &peer_length,
                             SOCK_CLOEXEC);
    if (fd < 0) continue;
    timeval read_timeout{kReadTimeoutSeconds, 0};
    timeval write_timeout{kWriteTimeoutSeconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &read_timeout, sizeof read_timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &write_timeout, sizeof write_timeout);
    char address[INET6_ADDRSTRLEN] = "";
    int peer_port = 0;
    if (peer.ss_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(&peer);
      ::inet_ntop(AF_INET, &in->sin_addr, address, sizeof address);
      peer_port = ntohs(in->sin_port);
    } else if (peer.ss_family == AF_INET6) {
      const auto* in = reinterpret_cast<const sockaddr_in6*>(&peer);
      ::inet_ntop(AF_INET6, &in->sin6_addr, address, sizeof address);
      peer_port = ntohs(in->sin6_port);
    }
    uint64_t id = 0;
    const Status admitted =
        guard_.Admit(fd, address, peer_port, ConnectionGuard::Clock::now(), &id);
    accepting.unlock();
    if (!admitted.ok()) {
      RefuseBusy(fd, admitted);
      continue;
    }
    bool queued = false;
    {
      std::lock_guard lock(queue_mutex_);
      if (static_cast<int>(queue_.size()) < limits_.max_queued) {
        queue_.push_back(Queued{fd, id});
        queued = true;
      }
    }
    if (queued) {
      queue_changed_.notify_one();
      continue;
    }
    guard_.Release(id);
    RefuseBusy(fd, Status::Unavailable(kErrServeBusy, "every worker of the hub is busy and " +
                                                          std::to_string(limits_.max_queued) +
                                                          " connections wait already"));
  }
  // No new connections; kept-alive ones end after the request they are in.
  ListenSocket(*http_) = INVALID_SOCKET;
  ::close(listen_fd_);
  listen_fd_ = -1;
  {
    std::lock_guard lock(queue_mutex_);
    draining_ = true;
    for (const Queued& waiting : queue_) {
      ::close(waiting.fd);
      guard_.Release(waiting.id);
    }
    queue_.clear();
  }
  queue_changed_.notify_all();
  for (std::thread& worker : workers) worker.join();
  watching = false;
  watchdog.join();
  return Status::Ok();
}

void HubServer::Stop() { stop_requested_ = true; }

}  // namespace gongkai
