// The hub server's limits (hub/server/server.h): an oversize, unmeasured or slow request is cut off,
// and the others are served meanwhile. The server runs in this process on a free port of
// 127.0.0.1, with a short grace for slow bodies so that the test takes a second, not half a
// minute; the clients are raw TCP connections written by hand.
#include "hub/server/server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <memory>
#include <vector>
#include <string>
#include <thread>

#include "hub/server/tls_certificate.h"
#include "protocol/envelope_batch.h"
#include "protocol/temp_dir.h"
#include "protocol/request_auth.h"
#include "tests/hub/security_fixture.h"

namespace gongkai::testing {
namespace {

// A TCP connection to the server that the test writes to by hand.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    timeval timeout{10, 0};  // a broken server fails the test instead of hanging it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection() { ::close(fd_); }

  void SetReceiveTimeout(timeval timeout) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  void Send(const std::string& text) {
    CHECK(::send(fd_, text.data(), text.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(text.size()));
  }
  // What has arrived within a short wait (the start of an answer's body).
  std::string ReadSome() {
    char buffer[1024];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
  }
  // Reads until the server closes the connection (true) or nothing comes for the timeout.
  bool ReadToClose() {
    char buffer[1024];
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0) return true;
      if (n < 0) return false;
    }
  }
  // As ReadToClose, but a reset (the server closed with bytes of ours unread) counts too.
  bool ReadToCloseOrReset() {
    char buffer[16384];
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }
  // Reads exactly `size` bytes (an answer's body).
  void ReadExactly(size_t size) {
    std::string in;
    char buffer[1024];
    while (in.size() < size) {
      const ssize_t n = ::recv(fd_, buffer, std::min(sizeof buffer, size - in.size()), 0);
      REQUIRE(n > 0);
      in.append(buffer, static_cast<size_t>(n));
    }
  }
  int fd() const { return fd_; }
  // Sends one byte; false once the server has shut the connection.
  bool SendByte(char c) { return ::send(fd_, &c, 1, MSG_NOSIGNAL) == 1; }
  // The answer's status line and headers, or what came before the server closed.
  std::string ReadHead() {
    std::string out;
    char c = 0;
    while (out.find("\r\n\r\n") == std::string::npos && ::recv(fd_, &c, 1, 0) == 1) out += c;
    return out;
  }

 private:
  int fd_;
};

// SecureHub (security_fixture.h) served over HTTP by a HubServer with `limits`.
struct ServedHub {
  SecureHub s;
  HubServer server;
  std::thread serving;
  int port = 0;

  explicit ServedHub(HubServerLimits limits,
                     const std::optional<HubTlsFiles>& tls = std::nullopt)
      : server(*s.service, nullptr, tls, limits) {
    Result<int> bound = server.Bind("127.0.0.1", 0);
    REQUIRE(bound.ok());
    port = *bound;
    serving = std::thread([this] { (void)server.Run(); });
  }
  ~ServedHub() {
    server.Stop();
    serving.join();
  }

  bool Healthy() {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(5, 0);
    auto answer = client.Get("/v1/health");
    return answer && answer->status == 200;
  }
};

std::string PushHead(const std::string& length_header) {
  return "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n" +
         length_header + "\r\n";
}

TEST_CASE("a push that declares one byte over the limit is refused from its headers") {
  ServedHub hub(HubServerLimits{});
  RawConnection at_limit(hub.port);
  // At the limit the server waits for the body (it is not refused from the headers)...
  at_limit.Send(PushHead("Content-Length: " + std::to_string(kMaxRequestBodyBytes) + "\r\n"));
  // ...one past it is answered at once, with nothing of the body sent.
  RawConnection over(hub.port);
  over.Send(PushHead("Content-Length: " + std::to_string(kMaxRequestBodyBytes + 1) + "\r\n"));
  const std::string head = over.ReadHead();
  INFO(head);
  CHECK(head.starts_with("HTTP/1.1 413"));
  CHECK(head.find("Connection: close") != std::string::npos);
  RawConnection unreadable(hub.port);
  unreadable.Send(PushHead("Content-Length: 12abc\r\n"));
  CHECK(unreadable.ReadHead().starts_with("HTTP/1.1 413"));
  RawConnection chunked(hub.port);
  chunked.Send(PushHead("Transfer-Encoding: chunked\r\n"));
  CHECK(chunked.ReadHead().starts_with("HTTP/1.1 411"));
  // Meanwhile the waiting connection holds nobody else up.
  CHECK(hub.Healthy());
}

TEST_CASE("a body that trickles in is cut off once the grace has passed; others are served") {
  ServedHub hub(HubServerLimits{/*min_bytes_per_second=*/1000, /*slow_grace_ms=*/300});
  RawConnection slow(hub.port);
  slow.Send(PushHead("Content-Length: 1000\r\n"));
  std::string head;
  std::thread reader([&] { head = slow.ReadHead(); });
  // Ten bytes a tenth of a second: 100 B/s, a tenth of the floor.
  for (int i = 0; i < 10 && head.empty(); ++i) {
    slow.Send("GKBT567890");
    CHECK(hub.Healthy());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  reader.join();
  INFO(head);
  CHECK(head.starts_with("HTTP/1.1 408"));
  // Nothing of it reached the service: the hub logged no refusal of an envelope.
  auto refused = QueryInt(hub.s.hub.county.replica().db(),
                          "SELECT count(*) FROM refused_envelope");
  REQUIRE(refused.ok());
  CHECK(refused->value_or(-1) == 0);
  CHECK(hub.Healthy());
}

TEST_CASE("a body at a fair pace is read whole and reaches the service") {
  ServedHub hub(HubServerLimits{/*min_bytes_per_second=*/10, /*slow_grace_ms=*/100});
  // A signed push whose body is not a batch, sent in two halves 200 ms apart: the service's
  // own batch refusal (not the server's) shows that the whole body reached it.
  const std::string body = "not a batch, twenty+";
  const RequestAuth auth = SignRequest(hub.s.village.key, "POST", "/v1/push",
                                       ByteView(reinterpret_cast<const uint8_t*>(body.data()),
                                                body.size()),
                                       hub.s.now);
  RawConnection fair(hub.port);
  fair.Send(PushHead("Content-Length: " + std::to_string(body.size()) + "\r\n" +
                     kRequestNodeHeader + ": " + auth.node + "\r\n" + kRequestTimeHeader + ": " +
                     auth.time + "\r\n" + kRequestNonceHeader + ": " + auth.nonce + "\r\n" +
                     kRequestSignatureHeader + ": " + auth.signature + "\r\n"));
  fair.Send(body.substr(0, 10));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  fair.Send(body.substr(10));
  std::string answer = fair.ReadHead();
  answer += fair.ReadSome();
  INFO(answer);
  CHECK(answer.starts_with("HTTP/1.1 400"));
  CHECK(answer.find(kErrBatchMagic) != std::string::npos);
}

TEST_CASE("a 100 MB declared body is refused 413 without being read, and the connection closed") {
  ServedHub hub(HubServerLimits{});
  RawConnection big(hub.port);
  big.Send(PushHead("Content-Length: 104857600\r\n"));
  const std::string head = big.ReadHead();
  INFO(head);
  CHECK(head.starts_with("HTTP/1.1 413"));
  CHECK(big.ReadToClose());
  CHECK(hub.Healthy());
}

TEST_CASE("an over-size body sent anyway is not read as the next request: 413, then closed") {
  ServedHub hub(HubServerLimits{});
  RawConnection big(hub.port);
  big.Send(PushHead("Content-Length: 104857600\r\n"));
  // The client goes on sending its body; the hub has answered and reads no request in it.
  const std::string body(1 << 20, 'x');
  (void)::send(big.fd(), body.data(), body.size(), MSG_NOSIGNAL);
  const std::string head = big.ReadHead();
  INFO(head);
  CHECK(head.starts_with("HTTP/1.1 413"));
  CHECK(head.find("Connection: close") != std::string::npos);
  big.SetReceiveTimeout(timeval{2, 0});  // closed at once, not after a keep-alive wait
  CHECK(big.ReadToCloseOrReset());
  CHECK(hub.Healthy());
}

TEST_CASE("a request line or header that does not end is answered 431 at the head limit") {
  ServedHub hub(HubServerLimits{});
  for (const char* start : {"GET /", "GET / HTTP/1.1\r\nX-A: "}) {
    INFO(start);
    RawConnection endless(hub.port);
    endless.Send(start);
    // Far more than the limit, as fast as it goes; the hub keeps no more than the limit.
    const std::string more(4 * kMaxRequestHeadBytes, 'a');
    (void)::send(endless.fd(), more.data(), more.size(), MSG_NOSIGNAL);
    const std::string head = endless.ReadHead();
    INFO(head);
    CHECK(head.starts_with("HTTP/1.1 431"));
    endless.SetReceiveTimeout(timeval{2, 0});
    CHECK(endless.ReadToCloseOrReset());
  }
  // A head just within the limit is served.
  RawConnection largest(hub.port);
  const std::string start = "GET /v1/health HTTP/1.1\r\nPad: ";
  const std::string end = "\r\nConnection: close\r\n\r\n";
  largest.Send(start + std::string(kMaxRequestHeadBytes - start.size() - end.size(), 'p') + end);
  CHECK(largest.ReadHead().starts_with("HTTP/1.1 200"));
  CHECK(hub.Healthy());
}

TEST_CASE("one connection carries several requests, sent one after another at once") {
  ServedHub hub(HubServerLimits{});
  RawConnection kept(hub.port);
  const std::string health = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  kept.Send(health + health + "GET /v1/health HTTP/1.1\r\nConnection: close\r\n\r\n");
  for (int i = 0; i < 3; ++i) {
    const std::string head = kept.ReadHead();
    INFO(i << ": " << head);
    CHECK(head.starts_with("HTTP/1.1 200"));
    CHECK(head.find(i < 2 ? "Connection: keep-alive" : "Connection: close") != std::string::npos);
    const size_t at = head.find("Content-Length: ");
    REQUIRE(at != std::string::npos);
    kept.ReadExactly(static_cast<size_t>(std::stoul(head.substr(at + 16))));
  }
  CHECK(kept.ReadToClose());
}

TEST_CASE("requests sent ahead past the per-connection limit: every answer arrives, then a close") {
  ServedHub hub(HubServerLimits{});
  RawConnection kept(hub.port);
  std::string ahead;
  for (int i = 0; i < kKeepAliveMaxRequests + 400; ++i) {  // more than one read takes
    ahead += "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  }
  kept.Send(ahead);
  for (int i = 0; i < kKeepAliveMaxRequests; ++i) {
    const std::string head = kept.ReadHead();
    INFO(i << ": " << head);
    REQUIRE(head.starts_with("HTTP/1.1 200"));
    CHECK((head.find("Connection: close") != std::string::npos) ==
          (i == kKeepAliveMaxRequests - 1));
    const size_t at = head.find("Content-Length: ");
    REQUIRE(at != std::string::npos);
    kept.ReadExactly(static_cast<size_t>(std::stoul(head.substr(at + 16))));
  }
  CHECK(kept.ReadToClose());  // a close, not a reset that would have eaten answers
}

TEST_CASE("an idle kept-alive connection is closed before its head deadline, with no 408") {
  HubServerLimits limits;
  limits.head_deadline_ms = 1500;
  ServedHub hub(limits);
  RawConnection idle(hub.port);
  idle.Send("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const std::string head = idle.ReadHead();
  REQUIRE(head.starts_with("HTTP/1.1 200"));
  idle.ReadExactly(static_cast<size_t>(std::stoul(head.substr(head.find("Content-Length: ") + 16))));
  // Nothing more is sent: the next thing from the hub is its close, not an answer.
  CHECK(idle.ReadSome().empty());
}

TEST_CASE("Expect: 100-continue is met; a method other than GET or POST is refused 405") {
  ServedHub hub(HubServerLimits{});
  RawConnection waiting(hub.port);
  waiting.Send(PushHead("Content-Length: 4\r\nExpect: 100-continue\r\n"));
  CHECK(waiting.ReadHead() == "HTTP/1.1 100 Continue\r\n\r\n");
  waiting.Send("abcd");
  CHECK(waiting.ReadHead().starts_with("HTTP/1.1 4"));  // the service's refusal of an unsigned push
  RawConnection other(hub.port);
  other.Send("DELETE /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const std::string head = other.ReadHead();
  INFO(head);
  CHECK(head.starts_with("HTTP/1.1 405"));
  CHECK(other.ReadToClose());
  RawConnection malformed(hub.port);
  malformed.Send("GET /v1/health HTTP/1.1\r\nBad header\r\n\r\n");
  CHECK(malformed.ReadHead().starts_with("HTTP/1.1 400"));
}

TEST_CASE("slowloris connections are cut by the head deadline and honest requests complete") {
  HubServerLimits limits;
  limits.head_deadline_ms = 400;
  limits.workers = 3;  // fewer workers than slow connections: only the deadline frees them
  constexpr int kSlow = 6;
  std::vector<std::unique_ptr<RawConnection>> slow;
  ServedHub hub(limits);
  for (int i = 0; i < kSlow; ++i) slow.push_back(std::make_unique<RawConnection>(hub.port));
  std::vector<std::string> heads(kSlow);
  std::vector<bool> closed(kSlow, false);
  std::atomic<int> finished{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < kSlow; ++i) {
    readers.emplace_back([&, i] {
      heads[i] = slow[i]->ReadHead();
      closed[i] = slow[i]->ReadToClose();
      ++finished;
    });
  }
  // A head that never ends, a byte at a time, bounded in count.
  std::thread trickle([&] {
    const std::string head = "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ";
    for (int step = 0; step < 400 && finished < kSlow; ++step) {
      for (auto& connection : slow) {
        (void)connection->SendByte(step < static_cast<int>(head.size()) ? head[step] : 'a');
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  int healthy = 0;
  for (int i = 0; i < 10; ++i) healthy += hub.Healthy() ? 1 : 0;
  trickle.join();
  for (auto& reader : readers) reader.join();
  CHECK(healthy == 10);
  for (int i = 0; i < kSlow; ++i) {
    INFO(heads[i]);
    CHECK(heads[i].starts_with("HTTP/1.1 408"));
    CHECK(heads[i].find("Connection: close") != std::string::npos);
    CHECK(closed[i]);
  }
}

TEST_CASE("one address over its connection cap is answered 503 serve.busy with Retry-After") {
  HubServerLimits limits;
  limits.max_per_address = 2;
  ServedHub hub(limits);
  RawConnection first(hub.port);
  RawConnection second(hub.port);
  RawConnection third(hub.port);
  std::string answer = third.ReadHead();
  answer += third.ReadSome();
  INFO(answer);
  CHECK(answer.starts_with("HTTP/1.1 503"));
  CHECK(answer.find("Retry-After: " + std::to_string(kBusyRetryAfterSeconds)) !=
        std::string::npos);
  CHECK(answer.find(kErrServeBusy) != std::string::npos);
}

TEST_CASE("a full queue answers 503 serve.busy with Retry-After; the first is served") {
  HubServerLimits limits;
  limits.workers = 1;
  limits.max_queued = 1;
  ServedHub hub(limits);
  RawConnection held(hub.port);  // the one worker waits for its head
  RawConnection b(hub.port);
  RawConnection c(hub.port);
  int refused = 0;
  for (RawConnection* connection : {&b, &c}) {
    timeval timeout{1, 0};  // a queued connection gets no answer: stop waiting for it
    connection->SetReceiveTimeout(timeout);
    std::string answer = connection->ReadHead();
    if (answer.starts_with("HTTP/1.1 503")) {
      ++refused;
      CHECK(answer.find("Retry-After: ") != std::string::npos);
    }
  }
  CHECK(refused >= 1);
  // The held connection is still served once it sends its request.
  held.Send("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  CHECK(held.ReadHead().starts_with("HTTP/1.1 200"));
}

TEST_CASE("a body that comes steadily but not within the request deadline is cut off") {
  HubServerLimits limits;
  limits.min_bytes_per_second = 10;  // the pace below is well above this floor
  limits.slow_grace_ms = 60'000;
  limits.request_deadline_ms = 500;
  ServedHub hub(limits);
  RawConnection steady(hub.port);
  steady.Send(PushHead("Content-Length: 4000\r\n"));
  // 40 bytes every 20 ms, 2,000 B/s: the whole body would take two seconds.
  int sent = 0;
  const auto began = std::chrono::steady_clock::now();
  for (; sent < 4000; sent += 40) {
    bool open = true;
    for (int i = 0; i < 40 && open; ++i) open = steady.SendByte('x');
    if (!open) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto took = std::chrono::steady_clock::now() - began;
  INFO("sent " << sent << " bytes in "
               << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  CHECK(sent < 4000);
  CHECK(steady.ReadToClose());
  // Nothing of it reached the service, and others are served.
  auto refused =
      QueryInt(hub.s.hub.county.replica().db(), "SELECT count(*) FROM refused_envelope");
  REQUIRE(refused.ok());
  CHECK(refused->value_or(-1) == 0);
  CHECK(hub.Healthy());
}

TEST_CASE("connections over the cap in all are answered 503 serve.busy, whatever their address") {
  HubServerLimits limits;
  limits.max_per_address = 100;  // only the total can refuse
  limits.max_connections = 3;
  ServedHub hub(limits);
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < 3; ++i) open.push_back(std::make_unique<RawConnection>(hub.port));
  RawConnection over(hub.port);
  std::string answer = over.ReadHead();
  answer += over.ReadSome();
  INFO(answer);
  CHECK(answer.starts_with("HTTP/1.1 503"));
  CHECK(answer.find(kErrServeBusy) != std::string::npos);
  CHECK(over.ReadToClose());
  // Once one closes, a new connection is served again.
  open.pop_back();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    served = hub.Healthy();
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(served);
}

TEST_CASE("over TLS a connection over the cap is closed without a plain-text answer") {
  TempDir dir;
  Result<MadeTlsCertificate> made = MakeTlsCertificate(dir.path(), "511304", false);
  REQUIRE(made.ok());
  HubServerLimits limits;
  limits.max_per_address = 1;
  ServedHub hub(limits, HubTlsFiles{made->certificate.string(), made->private_key.string()});
  auto first = std::make_unique<RawConnection>(hub.port);
  RawConnection over(hub.port);
  // Bytes in the clear on a TLS port would be a protocol error to the client; it is closed.
  CHECK(over.ReadSome().empty());
  CHECK(over.ReadToClose());
  // Once the first has gone, an HTTPS client is served: the cap, not TLS, refused the other.
  first.reset();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    httplib::SSLClient client("127.0.0.1", hub.port);
    client.enable_server_certificate_verification(false);
    client.set_read_timeout(5, 0);
    auto answer = client.Get("/v1/health");
    served = answer && answer->status == 200;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(served);
}

}  // namespace
}  // namespace gongkai::testing
