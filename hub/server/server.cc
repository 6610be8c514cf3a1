// HubServer (hub/server/server.h).
#include "hub/server/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "hub/server/http_request.h"

namespace gongkai {

void HubServer::TlsContextFree::operator()(ssl_ctx_st* context) const { SSL_CTX_free(context); }

namespace {

using SteadyClock = std::chrono::steady_clock;

int64_t MsSince(SteadyClock::time_point began) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - began)
      .count();
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return status < 400 ? "OK" : status < 500 ? "Bad Request" : "Server Error";
  }
}

// A whole answer: status line, headers, body.
std::string AnswerBytes(const HubAnswer& answer, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(answer.status) + " " +
                    ReasonPhrase(answer.status) + "\r\nContent-Type: " + answer.content_type +
                    "\r\nContent-Length: " + std::to_string(answer.body.size()) +
                    "\r\nConnection: " + (keep_alive ? "keep-alive" : "close") + "\r\n";
  for (const auto& [name, value] : answer.headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  out += answer.body;
  return out;
}

HubAnswer ErrorAnswer(int status, const Status& why, int retry_after = 0) {
  HubAnswer answer;
  answer.status = status;
  answer.body = ErrorJson(why);
  if (retry_after > 0) answer.headers["Retry-After"] = std::to_string(retry_after);
  return answer;
}

// A connection's bytes: the socket itself, or TLS over it. Reads and writes block, bounded
// by the socket's timeouts and by the watchdog, which shuts the socket down. The socket is
// not closed here: the worker closes it once ConnectionGuard has let it go (Work).
class Wire {
 public:
  Wire(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ~Wire() {
    if (ssl_ != nullptr) SSL_free(ssl_);  // SSL_set_fd's BIO leaves the socket open
  }
  Wire(const Wire&) = delete;
  Wire& operator=(const Wire&) = delete;

  // > 0: bytes read; 0: closed, timed out or failed.
  size_t Read(char* data, size_t size) {
    if (ssl_ == nullptr) {
      const ssize_t got = ::recv(fd_, data, size, 0);
      return got > 0 ? static_cast<size_t>(got) : 0;
    }
    const int got = SSL_read(ssl_, data, static_cast<int>(std::min<size_t>(size, 1 << 30)));
    if (got <= 0) {
      ERR_clear_error();
      failed_ = true;
      return 0;
    }
    return static_cast<size_t>(got);
  }
  bool Write(std::string_view bytes) {
    while (!bytes.empty()) {
      if (ssl_ == nullptr) {
        const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent <= 0) return false;
        bytes.remove_prefix(static_cast<size_t>(sent));
      } else {
        const int sent =
            SSL_write(ssl_, bytes.data(), static_cast<int>(std::min<size_t>(bytes.size(), 1 << 30)));
        if (sent <= 0) {
          ERR_clear_error();
          failed_ = true;
          return false;
        }
        bytes.remove_prefix(static_cast<size_t>(sent));
      }
    }
    return true;
  }
  // Whether bytes can be read within `timeout_ms`.
  bool WaitReadable(int timeout_ms) {
    if (ssl_ != nullptr && SSL_has_pending(ssl_) == 1) return true;
    pollfd readable{fd_, POLLIN, 0};
    return ::poll(&readable, 1, timeout_ms) > 0;
  }
  // Ends the connection after an answer: no more is written; what the client still sends
  // (a body refused, requests sent ahead) is read and thrown away for a moment, so that the
  // answers are not lost to a reset while the client is still sending.
  void CloseAfterAnswer() {
    if (ssl_ != nullptr && !failed_) {
      SSL_shutdown(ssl_);  // close_notify
      ERR_clear_error();
    }
    ::shutdown(fd_, SHUT_WR);
    const auto began = SteadyClock::now();
    char sink[16384];
    size_t drained = 0;
    while (drained < kRefusalLingerBytes) {
      const int64_t left_ms = kRefusalLingerMs - MsSince(began);
      if (left_ms <= 0) break;
      pollfd readable{fd_, POLLIN, 0};
      if (::poll(&readable, 1, static_cast<int>(left_ms)) <= 0) break;
      const ssize_t got = ::recv(fd_, sink, sizeof sink, MSG_DONTWAIT);
      if (got <= 0) break;
      drained += static_cast<size_t>(got);
    }
  }

 private:
  const int fd_;
  SSL* const ssl_;
  bool failed_ = false;  // a TLS read or write failed: nothing more is written
};

std::string PeerAddress(const sockaddr_storage& peer, int* port /* OUT */) {
  char address[INET6_ADDRSTRLEN] = "";
  *port = 0;
  if (peer.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&peer);
    ::inet_ntop(AF_INET, &in->sin_addr, address, sizeof address);
    *port = ntohs(in->sin_port);
  } else if (peer.ss_family == AF_INET6) {
    const auto* in = reinterpret_cast<const sockaddr_in6*>(&peer);
    ::inet_ntop(AF_INET6, &in->sin6_addr, address, sizeof address);
    *port = ntohs(in->sin6_port);
  }
  return address;
}

// SSL_CTX of the hub's certificate and key; null when they do not load or do not match.
ssl_ctx_st* MakeTlsContext(const HubTlsFiles& files) {
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  if (context == nullptr) return nullptr;
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  SSL_CTX_set_options(context, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_use_certificate_chain_file(context, files.certificate.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(context, files.private_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(context) != 1) {
    ERR_clear_error();
    SSL_CTX_free(context);
    return nullptr;
  }
  return context;
}

}  // namespace

HubServer::HubServer(HubService& service, std::FILE* log, const std::optional<HubTlsFiles>& tls,
                     HubServerLimits limits)
    : handle_([&service](const HubRequest& request) { return service.Handle(request); }),
      count_([&service](int status) { service.CountResponse(status); }),
      log_(log),
      limits_(limits),
      tls_(tls.has_value()),
      tls_context_(tls ? MakeTlsContext(*tls) : nullptr),
      guard_(limits) {}

HubServer::HubServer(Handler handler, CountStatus count, std::FILE* log, HubServerLimits limits)
    : handle_(std::move(handler)),
      count_(std::move(count)),
      log_(log),
      limits_(limits),
      tls_(false),
      guard_(limits) {}

HubServer::~HubServer() {
  Stop();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

Result<int> HubServer::Bind(const std::string& host, int port) {
  if (tls_ && tls_context_ == nullptr) {
    return Status::Invalid(kErrServerTls,
                           "TLS 证书或私钥无法读取，或二者不配套（gongkai-hub tls init 可生成）");
  }
  const Status cannot =
      Status::IoError(kErrServerListen, "cannot listen on " + host + ":" + std::to_string(port));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) {
    return cannot;
  }
  for (const addrinfo* at = found; at != nullptr && listen_fd_ < 0; at = at->ai_next) {
    const int fd = ::socket(at->ai_family, at->ai_socktype | SOCK_CLOEXEC, at->ai_protocol);
    if (fd < 0) continue;
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    // Non-blocking: a poll that said "readable" for a connection already gone does not hold
    // accept4 (and the accept mutex) until the next one comes.
    if (::bind(fd, at->ai_addr, at->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0 &&
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK) == 0) {
      listen_fd_ = fd;
    } else {
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (listen_fd_ < 0) return cannot;
  sockaddr_storage bound{};
  socklen_t bound_length = sizeof bound;
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &bound_length) != 0) {
    return cannot;
  }
  int bound_port = 0;
  PeerAddress(bound, &bound_port);
  return bound_port;
}

void HubServer::RefuseBusy(int fd, const Status& why) {
  if (count_) count_(503);
  if (!tls_) {
    const std::string reply =
        AnswerBytes(ErrorAnswer(503, why, limits_.retry_after_seconds), false);
    (void)::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
}

void HubServer::LogLine(const std::string& method, const std::string& target, int status,
                        size_t answer_bytes, const std::string& node) {
  if (count_) count_(status);
  if (log_ == nullptr) return;
  std::fprintf(log_, "%s %s %d %zu %s\n", method.empty() ? "-" : method.c_str(),
               target.empty() ? "-" : target.c_str(), status, answer_bytes,
               node.empty() ? "-" : node.c_str());
  std::fflush(log_);
}

void HubServer::Serve(int fd, const std::string& address, int port) {
  SSL* ssl = nullptr;
  if (tls_) {
    ssl = SSL_new(tls_context_.get());
    if (ssl == nullptr) {
      ERR_clear_error();
      return;
    }
    SSL_set_fd(ssl, fd);
  }
  Wire wire(fd, ssl);
  if (ssl != nullptr && SSL_accept(ssl) != 1) {
    ERR_clear_error();
    return;
  }
  // Writes a refusal that ends the connection.
  auto refuse = [&](const HttpRequestHead* head, int status, const Status& why) {
    const HubAnswer answer = ErrorAnswer(status, why);
    wire.Write(AnswerBytes(answer, false));
    LogLine(head != nullptr ? head->method : "", head != nullptr ? head->target : "", status,
            answer.body.size(), head != nullptr ? head->Header(kRequestNodeHeader) : "");
    wire.CloseAfterAnswer();
  };
  // Chunked bodies (Transfer-Encoding) and POSTs without a length alike.
  const Status length_required =
      Status::Invalid(kErrServerLengthRequired, "a POST must declare its Content-Length");
  std::string buffer;  // bytes read and not yet used: a head, a body, the next request
  char chunk[16384];
  // An idle kept-alive connection is closed before the watchdog's head deadline could cut it
  // with an answer it did not ask for.
  const int idle_ms = static_cast<int>(std::max<int64_t>(
      100, std::min<int64_t>(kKeepAliveSeconds * 1000, limits_.head_deadline_ms - 1000)));
  for (int served = 0; served < kKeepAliveMaxRequests; ++served) {
    if (buffer.empty() && served > 0 && !wire.WaitReadable(idle_ms)) return;
    size_t head_length = 0;
    while ((head_length = RequestHeadLength(buffer)) == 0) {
      if (buffer.size() >= kMaxRequestHeadBytes) break;
      const size_t got = wire.Read(chunk, std::min(sizeof chunk, kMaxRequestHeadBytes + 4 -
                                                                     buffer.size()));
      if (got == 0) return;  // closed, timed out, or cut off by the watchdog (which answered)
      buffer.append(chunk, got);
    }
    if (head_length == 0 || head_length > kMaxRequestHeadBytes) {
      guard_.HeadRead(address, port, ConnectionGuard::Clock::now());  // no 408 on top
      refuse(nullptr, 431,
             Status::TooLarge(kErrHttpHeadTooLarge, "request head over " +
                                                        std::to_string(kMaxRequestHeadBytes) +
                                                        " bytes"));
      return;
    }
    Result<HttpRequestHead> head = ParseRequestHead(std::string_view(buffer).substr(0, head_length));
    buffer.erase(0, head_length);
    guard_.HeadRead(address, port, ConnectionGuard::Clock::now());
    if (!head.ok()) {
      const bool length = head.status().code() == kErrHttpLengthRequired;
      refuse(nullptr, length ? 411 : 400, length ? length_required : head.status());
      return;
    }
    if (head->method != "GET" && head->method != "POST") {
      refuse(&*head, 405, Status::Invalid(kErrServerMethod, "the hub takes only GET and POST"));
      return;
    }
    // Judged from the head alone: nothing of an oversize body is read.
    if (head->method == "POST" && !head->content_length) {
      refuse(&*head, 411, length_required);
      return;
    }
    const uint64_t length = head->content_length.value_or(0);
    if (length > limits_.max_body_bytes) {
      refuse(&*head, 413,
             Status::TooLarge(kErrServerTooLarge, "declared request body (Content-Length: " +
                                                      std::to_string(length) +
                                                      ") is over the limit of " +
                                                      std::to_string(limits_.max_body_bytes) +
                                                      " bytes"));
      return;
    }
    if (head->expect_continue && !head->http10 && length > buffer.size() &&
        !wire.Write("HTTP/1.1 100 Continue\r\n\r\n")) {
      return;
    }
    // The body, cut off when it arrives too slowly on average.
    HubRequest request;
    const size_t at_hand = std::min<size_t>(buffer.size(), length);
    request.body.assign(buffer, 0, at_hand);
    buffer.erase(0, at_hand);
    const auto body_started = SteadyClock::now();
    while (request.body.size() < length) {
      const size_t got =
          wire.Read(chunk, std::min<uint64_t>(sizeof chunk, length - request.body.size()));
      if (got == 0) return;
      request.body.append(chunk, got);
      const int64_t elapsed_ms = MsSince(body_started);
      if (elapsed_ms > limits_.slow_grace_ms &&
          static_cast<int64_t>(request.body.size()) * 1000 <
              limits_.min_bytes_per_second * elapsed_ms) {
        refuse(&*head, 408,
               Status::Unavailable(kErrServerTooSlow,
                                   "request body arrived slower than " +
                                       std::to_string(limits_.min_bytes_per_second) +
                                       " bytes per second"));
        return;
      }
    }
    request.method = head->method;
    request.path = head->path;
    request.target = head->target;
    for (const auto& [name, value] : head->query) request.query.emplace(name, value);
    request.auth.node = head->Header(kRequestNodeHeader);
    request.auth.time = head->Header(kRequestTimeHeader);
    request.auth.nonce = head->Header(kRequestNonceHeader);
    request.auth.signature = head->Header(kRequestSignatureHeader);
    request.authorization = head->Header("authorization");
    request.peer = address;
    const HubAnswer answer = handle_(request);
    const bool keep_alive =
        head->keep_alive && !stop_requested_ && served + 1 < kKeepAliveMaxRequests;
    const bool written = wire.Write(AnswerBytes(answer, keep_alive));
    LogLine(head->method, head->target, answer.status, answer.body.size(), request.auth.node);
    guard_.RequestDone(address, port, ConnectionGuard::Clock::now());
    if (!written) return;
    if (!keep_alive) {
      wire.CloseAfterAnswer();
      return;
    }
  }
}

void HubServer::Work() {
  // OpenSSL writes to the socket with write(2), which raises SIGPIPE when the client has gone
  // and would end the process; blocked on this thread, the write fails with EPIPE instead.
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
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
    Serve(next.fd, next.address, next.port);
    // Let go before the number can be handed out again: a watchdog (this server's or the
    // /metrics listener's) never shuts down a socket it no longer counts.
    guard_.Release(next.id);
    ::close(next.fd);
  }
}

Status HubServer::Run() {
  if (listen_fd_ < 0) return Status::IoError(kErrServerListen, "Run before Bind");
  std::vector<std::thread> workers;
  for (int i = 0; i < limits_.workers; ++i) workers.emplace_back([this] { Work(); });
  std::atomic<bool> watching{true};
  const std::string head_refusal =
      tls_ ? std::string()
           : AnswerBytes(ErrorAnswer(408, Status::Unavailable(
                                              kErrServerHeadTimeout,
                                              "request head did not arrive within " +
                                                  std::to_string(limits_.head_deadline_ms) +
                                                  " ms")),
                         false);
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
    if (fd < 0) {
      const int error = errno;
      accepting.unlock();
      // Out of descriptors (or memory): wait for connections to end instead of spinning.
      if (error != EAGAIN && error != EWOULDBLOCK && error != EINTR && error != ECONNABORTED) {
        std::this_thread::sleep_for(std::chrono::milliseconds(kDeadlineCheckMs));
      }
      continue;
    }
    timeval read_timeout{kReadTimeoutSeconds, 0};
    timeval write_timeout{kWriteTimeoutSeconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &read_timeout, sizeof read_timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &write_timeout, sizeof write_timeout);
    int peer_port = 0;
    const std::string address = PeerAddress(peer, &peer_port);
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
        queue_.push_back(Queued{fd, id, address, peer_port});
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
