// The hub under load, with attackers: simulated villages, each with its own key and address,
// sync through one real `gongkai-hub serve` (production limits) many at once, first alone,
// then while slowloris connections and over-size uploads run from addresses of their own.
//
// A simulated village is a Maker (security_fixture.h): an enrolled key and its chain. One
// sync is what `gongkai sync` sends: a signed push of its next envelope, then a signed pull
// with what it holds. Each request goes on a connection of its own from the village's own
// loopback address (127.1.x.y), so that the hub's per-address cap counts villages as a county
// office would see them; a connection failure or 503 is tried again as HubClient does
// (kHubAttempts in all, its backoff and jitter, Retry-After waited).
//
// Attackers, during the second round only:
//   - slowloris: kSlowloris connections (127.3.0.x) that send a request head one byte a second
//     and, once cut off (408, or 503 serve.busy at once when the hub's connections are all
//     taken), connect again;
//   - over-size uploads: kOversize clients (127.4.0.x) that declare a body of 100 MB, send as
//     much of it as the hub takes, read what it answers (413, or 503 serve.busy when the
//     hub's connections are all taken), and start again after 100 ms.
//
// What must hold (asserted): every sync of both rounds ends in 200 with its envelope applied,
// no error; each village's two envelopes are logged once; every slowloris connection is cut
// off, every over-size upload refused (413 or 503), none read; the hub's peak RSS stays under
// kMaxHubRssBytes (not under the sanitizers, whose own memory is most of it);
// `audit verify` passes afterwards. The latencies (p50, p99 of each round and their ratio),
// the retries and the RSS are printed (MESSAGE), not asserted: they are the figures in
// hub/README.md "What it survives".
//
// Default (CI): 200 villages, 50 at once. GONGKAI_LONG=1: 1,000 villages, 200 at once.
// GONGKAI_LOAD_NODES and GONGKAI_LOAD_AT_ONCE set them.
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "hub/county/county.h"
#include "node/exchange/hub_client.h"
#include "protocol/have.h"
#include "protocol/request_auth.h"
#include "protocol/wall_clock.h"
#include "tests/hub/child_process.h"
#include "tests/hub/program_runner.h"
#include "tests/hub/security_fixture.h"

namespace gongkai::testing {
namespace {

constexpr int kSlowloris = 20;
constexpr int kOversize = 5;
constexpr uint64_t kOversizeBytes = 100'000'000;
constexpr int64_t kMaxHubRssBytes = 300LL << 20;

using SteadyClock = std::chrono::steady_clock;
double MsSince(SteadyClock::time_point began) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - began).count();
}

// 127.<net>.<n / 250>.<n % 250 + 1>: one loopback address per client.
std::string LoopbackAddress(int net, int n) {
  return "127." + std::to_string(net) + "." + std::to_string(n / 250) + "." +
         std::to_string(n % 250 + 1);
}

// A TCP connection to 127.0.0.1:port from `source`; -1 when it cannot be made.
int Connect(const std::string& source, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  timeval timeout{60, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

// Everything the peer sends until it closes (or the read times out).
std::string ReadToEnd(int fd) {
  std::string in;
  char buffer[16384];
  for (;;) {
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) return in;
    in.append(buffer, static_cast<size_t>(got));
  }
}

struct Answer {
  int status = 0;  // 0: no answer (connection failed or closed without one)
  int retry_after = 0;
  std::string body;
};

Answer ParseAnswer(const std::string& raw) {
  Answer answer;
  if (!raw.starts_with("HTTP/1.1 ") || raw.size() < 12) return answer;
  answer.status = std::atoi(raw.substr(9, 3).c_str());
  const size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return answer;
  const std::string head = raw.substr(0, head_end);
  const size_t retry = head.find("\r\nRetry-After: ");
  if (retry != std::string::npos) answer.retry_after = std::atoi(head.c_str() + retry + 15);
  answer.body = raw.substr(head_end + 4);
  return answer;
}

// One signed request on a connection of its own, as `key` at the real clock.
Answer SignedRequest(const std::string& source, int port, const SecretKey& key,
                     const std::string& path, const std::string& body) {
  const RequestAuth auth = SignRequest(key, "POST", path, AsBytes(body), WallClockMs());
  std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                        kRequestNodeHeader + ": " + auth.node + "\r\n" + kRequestTimeHeader +
                        ": " + auth.time + "\r\n" + kRequestNonceHeader + ": " + auth.nonce +
                        "\r\n" + kRequestSignatureHeader + ": " + auth.signature +
                        "\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
  const int fd = Connect(source, port);
  if (fd < 0) return {};
  Answer answer;
  if (SendAll(fd, request)) answer = ParseAnswer(ReadToEnd(fd));
  ::close(fd);
  return answer;
}

// A simulated village and what its syncs met.
struct Village {
  Maker maker;
  std::string address;
  std::vector<Bytes> envelopes;  // one per round
};

struct RoundFigures {
  std::vector<double> latencies_ms;
  int errors = 0;
  int retries = 0;
  int busy = 0;  // 503 answers among the retries
  std::vector<std::string> first_errors;
  double wall_ms = 0;  // the whole round
};

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t at = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  return values[at];
}

int64_t RssBytes(pid_t pid, const char* field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(field)) return std::atoll(line.c_str() + std::strlen(field)) * 1024;
  }
  return 0;
}

class Soak {
 public:
  Soak(int nodes, int at_once) : at_once_(at_once) {
    Result<SecretKey> root = OpenCountyRootKey(hub_.county, kPassphrase);
    REQUIRE(root.ok());
    // Setup only: the enrolments need not survive a power cut.
    REQUIRE(ExecSql(hub_.county.replica().db(), "PRAGMA synchronous=OFF").ok());
    villages_.reserve(static_cast<size_t>(nodes));
    for (int n = 0; n < nodes; ++n) {
      // Ten townships of up to 100 villages each: 511304 1tt 2vv.
      char region[32];
      std::snprintf(region, sizeof region, "511304%03d%03d", 100 + n / 100, 201 + n % 100);
      villages_.push_back(Village{Maker(region), LoopbackAddress(1, n), {}});
      Village& village = villages_.back();
      Result<Bytes> certificate = EnrollWithRootKey(
          hub_.county, *root, RequestOf(village.maker.key, region, "村" + std::to_string(n)),
          Role::kVillage);
      INFO(certificate.status().ToString());
      REQUIRE(certificate.ok());
      for (int round = 0; round < 2; ++round) {
        village.envelopes.push_back(
            village.maker.Next("load-" + std::to_string(n) + "-" + std::to_string(round)));
      }
    }
  }

  void StartHub() {
    const std::string log = (hub_.dir.path() / "serve.log").string();
    server_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{HubBinary(), "serve", "--home", hub_.home.string(), "--listen",
                                 "127.0.0.1:0"},
        log);
    const std::string line = server_->ReadLine();
    const std::string prefix = "listening on 127.0.0.1:";
    INFO(line << Slurp(log));
    REQUIRE(line.starts_with(prefix));
    port_ = std::stoi(line.substr(prefix.size()));
  }
  void StopHub() {
    REQUIRE(kill(server_->pid(), SIGTERM) == 0);
    CHECK(server_->Wait() == 0);
  }

  // Every village syncs once (its envelope of `round`), at_once_ of them at a time.
  RoundFigures Round(int round) {
    RoundFigures figures;
    std::mutex figures_mutex;
    std::atomic<size_t> next{0};
    const auto round_began = SteadyClock::now();
    std::vector<std::thread> clients;
    for (int c = 0; c < at_once_; ++c) {
      clients.emplace_back([&, c] {
        std::mt19937_64 random(static_cast<uint64_t>(round * 100'000 + c));
        for (size_t n = next++; n < villages_.size(); n = next++) {
          int retries = 0, busy = 0;
          std::string error;
          const auto began = SteadyClock::now();
          Sync(villages_[n], round, random, &retries, &busy, &error);
          const double ms = MsSince(began);
          std::lock_guard lock(figures_mutex);
          figures.latencies_ms.push_back(ms);
          figures.retries += retries;
          figures.busy += busy;
          if (!error.empty()) {
            ++figures.errors;
            if (figures.first_errors.size() < 5) figures.first_errors.push_back(error);
          }
        }
      });
    }
    for (std::thread& client : clients) client.join();
    figures.wall_ms = MsSince(round_began);
    return figures;
  }

  int port() const { return port_; }
  pid_t hub_pid() const { return server_->pid(); }
  HubHome& hub() { return hub_; }
  const std::vector<Village>& villages() const { return villages_; }

 private:
  // As HubClient: up to kHubAttempts attempts, a jittered doubling backoff, Retry-After.
  Answer WithRetries(const Village& village, const std::string& path, const std::string& body,
                     std::mt19937_64& random, int* retries, int* busy) {
    int backoff_ms = kHubRetryBaseMs;
    for (int attempt = 1;; ++attempt) {
      Answer answer = SignedRequest(village.address, port_, village.maker.key, path, body);
      if ((answer.status != 0 && answer.status != 503) || attempt == kHubAttempts) return answer;
      ++*retries;
      if (answer.status == 503) ++*busy;
      std::this_thread::sleep_for(std::chrono::milliseconds(
          HubClient::RetryWaitMs(backoff_ms, answer.retry_after, random())));
      backoff_ms *= 2;
    }
  }

  void Sync(const Village& village, int round, std::mt19937_64& random, int* retries, int* busy,
            std::string* error) {
    Result<Bytes> batch = EncodeBatch({village.envelopes[static_cast<size_t>(round)]});
    if (!batch.ok()) {
      *error = batch.status().ToString();
      return;
    }
    const Answer pushed = WithRetries(village, "/v1/push",
                                      std::string(batch->begin(), batch->end()), random, retries,
                                      busy);
    if (pushed.status != 200 || pushed.body.find("\"outcome\":\"applied\"") == std::string::npos) {
      *error = "push " + std::to_string(pushed.status) + " " + pushed.body.substr(0, 200);
      return;
    }
    HaveSummary have;
    have.AddRange(village.maker.key.node_id(), {1, static_cast<uint64_t>(round + 1)});
    Result<Bytes> have_bytes = have.Encode();
    if (!have_bytes.ok()) {
      *error = have_bytes.status().ToString();
      return;
    }
    const Answer pulled =
        WithRetries(village, "/v1/pull", std::string(have_bytes->begin(), have_bytes->end()),
                    random, retries, busy);
    if (pulled.status != 200 || !DecodeBatch(AsBytes(pulled.body)).ok()) {
      *error = "pull " + std::to_string(pulled.status) + " " + pulled.body.substr(0, 200);
    }
  }

  HubHome hub_;
  std::vector<Village> villages_;
  const int at_once_;
  std::unique_ptr<ChildProcess> server_;
  int port_ = 0;
};

// The attackers of the second round, each on a thread of its own until Stop.
class Attackers {
 public:
  explicit Attackers(int port) {
    for (int n = 0; n < kSlowloris; ++n) {
      threads_.emplace_back([this, port, n] { Slowloris(LoopbackAddress(3, n), port); });
    }
    for (int n = 0; n < kOversize; ++n) {
      threads_.emplace_back([this, port, n] { Oversize(LoopbackAddress(4, n), port); });
    }
  }
  ~Attackers() { Stop(); }

  void Stop() {
    stop_ = true;
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }
  int slow_cut() const { return slow_cut_; }
  int slow_busy() const { return slow_busy_; }
  int slow_served() const { return slow_served_; }
  int oversize_refused() const { return oversize_refused_; }
  int oversize_busy() const { return oversize_busy_; }
  int oversize_other() const { return oversize_other_; }
  int64_t oversize_bytes_sent() const { return oversize_bytes_sent_; }

 private:
  // A head that never ends in time: one byte a second until the hub closes the connection.
  void Slowloris(const std::string& source, int port) {
    const std::string head =
        "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
        "X-Padding: " + std::string(200, 'a') + "\r\n\r\n";
    while (!stop_) {
      const int fd = Connect(source, port);
      if (fd < 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      bool closed = false;
      for (size_t at = 0; at < head.size() && !stop_ && !closed; ++at) {
        if (::send(fd, head.data() + at, 1, MSG_NOSIGNAL) != 1) closed = true;
        // Waits a second for the next byte, or less if the hub answers meanwhile.
        pollfd readable{fd, POLLIN, 0};
        if (!closed && ::poll(&readable, 1, 1000) > 0) closed = true;
      }
      if (closed) {
        const Answer answer = ParseAnswer(ReadToEnd(fd));
        if (answer.status == 408) {
          ++slow_cut_;
        } else if (answer.status == 503) {
          ++slow_busy_;  // over the connection cap while the villages sync: refused at once
        } else {
          ++slow_served_;
        }
      }
      ::close(fd);
    }
  }

  // A declared 100 MB body, sent as fast as the hub takes it.
  void Oversize(const std::string& source, int port) {
    const std::string head = "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                             std::to_string(kOversizeBytes) + "\r\n\r\n";
    const std::string chunk(1 << 16, 'x');
    while (!stop_) {
      const int fd = Connect(source, port);
      if (fd >= 0 && SendAll(fd, head)) {
        for (uint64_t sent = 0; sent < kOversizeBytes && !stop_;) {
          const ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
          if (n <= 0) break;
          sent += static_cast<uint64_t>(n);
          oversize_bytes_sent_ += n;
        }
        ::shutdown(fd, SHUT_WR);
        const Answer answer = ParseAnswer(ReadToEnd(fd));
        if (answer.status == 413) {
          ++oversize_refused_;
        } else if (answer.status == 503) {
          ++oversize_busy_;  // over the connection cap while the villages sync: also refused
        } else {
          ++oversize_other_;
        }
      }
      if (fd >= 0) ::close(fd);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<int> slow_cut_{0}, slow_busy_{0}, slow_served_{0}, oversize_refused_{0}, oversize_busy_{0},
      oversize_other_{0};
  std::atomic<int64_t> oversize_bytes_sent_{0};
  std::vector<std::thread> threads_;
};

std::string Describe(const RoundFigures& figures) {
  std::string out = std::to_string(figures.latencies_ms.size()) + " syncs, p50 " +
                    std::to_string(Percentile(figures.latencies_ms, 0.50)) + " ms, p99 " +
                    std::to_string(Percentile(figures.latencies_ms, 0.99)) + " ms, max " +
                    std::to_string(Percentile(figures.latencies_ms, 1.0)) + " ms, " +
                    std::to_string(figures.retries) + " retries (" +
                    std::to_string(figures.busy) + " after 503), " +
                    std::to_string(figures.errors) + " errors; round " +
                    std::to_string(figures.wall_ms / 1000) + " s, " +
                    std::to_string(figures.latencies_ms.size() * 1000.0 / figures.wall_ms) +
                    " syncs/s";
  for (const std::string& error : figures.first_errors) out += "\n  " + error;
  return out;
}

}  // namespace

TEST_CASE("villages syncing many at once through one hub, alone and under slowloris and "
          "over-size uploads") {
  const bool long_mode = std::getenv("GONGKAI_LONG") != nullptr;
  const int nodes = static_cast<int>(EnvInt("GONGKAI_LOAD_NODES", long_mode ? 1000 : 200));
  const int at_once = static_cast<int>(EnvInt("GONGKAI_LOAD_AT_ONCE", long_mode ? 200 : 50));
  Soak soak(nodes, at_once);
  soak.StartHub();
  const int64_t rss_at_start = RssBytes(soak.hub_pid(), "VmRSS:");

  const RoundFigures alone = soak.Round(0);
  MESSAGE("alone: " << Describe(alone));
  CHECK(alone.errors == 0);

  Attackers attackers(soak.port());
  // The slow connections take their workers before the villages come.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const RoundFigures attacked = soak.Round(1);
  // Every slow connection is cut once at least (the head deadline), however short the round.
  const auto waited = SteadyClock::now();
  while (attackers.slow_cut() < kSlowloris && MsSince(waited) < 30'000) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  attackers.Stop();
  const int64_t peak_rss = RssBytes(soak.hub_pid(), "VmHWM:");  // the peak since it started
  MESSAGE("attacked: " << Describe(attacked));
  MESSAGE("p99 attacked / alone: " << Percentile(attacked.latencies_ms, 0.99) /
                                          Percentile(alone.latencies_ms, 0.99));
  MESSAGE("slowloris: " << attackers.slow_cut() << " cut off (408), " << attackers.slow_busy()
                        << " 503, " << attackers.slow_served()
                        << " otherwise; over-size: " << attackers.oversize_refused()
                        << " answered 413, " << attackers.oversize_busy() << " 503, "
                        << attackers.oversize_other() << " otherwise, "
                        << attackers.oversize_bytes_sent() << " body bytes sent");
  MESSAGE("hub RSS: " << rss_at_start / 1024 << " KiB at start, peak " << peak_rss / 1024
                      << " KiB");
  CHECK(attacked.errors == 0);
  CHECK(attackers.slow_cut() >= kSlowloris);
  CHECK(attackers.slow_served() == 0);
  CHECK(attackers.oversize_refused() >= kOversize);
  CHECK(attackers.oversize_other() == 0);
#ifndef GONGKAI_SANITIZED_BUILD
  CHECK(peak_rss < kMaxHubRssBytes);
#else
  // AddressSanitizer's shadow memory and its quarantine of freed blocks (256 MB) are most of
  // a sanitized hub's RSS; the bound is checked in the plain build.
  MESSAGE("sanitized build: the RSS bound is not checked");
#endif
  soak.StopHub();

  // Each village's two envelopes are in the journal, each logged exactly once.
  Result<Statement> logged = Statement::Prepare(
      soak.hub().county.replica().db(),
      "SELECT count(*) FROM journal j JOIN log_entry l USING(envelope_id) WHERE j.origin=?");
  REQUIRE(logged.ok());
  int wrong = 0;
  for (const Village& village : soak.villages()) {
    logged->Reset();
    logged->Bind(1, village.maker.id());
    REQUIRE(*logged->Step());
    if (logged->ColumnInt(0) != 2) ++wrong;
  }
  CHECK(wrong == 0);
  const RunResult verified =
      RunProgram(soak.hub().dir.path(), "gongkai-hub",
                 {"audit", "verify", "--home", soak.hub().home.string(), "--json"});
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 0);
}

}  // namespace gongkai::testing
