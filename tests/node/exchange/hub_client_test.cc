// HubClient's retries (node/exchange/hub_client.h): a busy hub's 503 and its Retry-After are
// waited out with jitter, counted through the injected sleep and random sources; no test
// here sleeps for real.
#include "node/exchange/hub_client.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <thread>
#include <vector>

#include "protocol/keys.h"

namespace gongkai::testing {
namespace {

// A hub stand-in on 127.0.0.1 that answers `busy_answers` 503s, then 200.
struct BusyHub {
  httplib::Server http;
  std::thread serving;
  std::atomic<int> requests{0};
  int port = 0;

  explicit BusyHub(int busy_answers, const std::string& retry_after) {
    http.Get("/v1/health", [this, busy_answers, retry_after](const httplib::Request&,
                                                             httplib::Response& res) {
      if (requests++ < busy_answers) {
        res.status = 503;
        if (!retry_after.empty()) res.set_header("Retry-After", retry_after);
        res.set_content(R"({"code":"serve.busy","message":"busy"})", "application/json");
        return;
      }
      res.set_content("{}", "application/json");
    });
    port = http.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    serving = std::thread([this] { http.listen_after_bind(); });
    // stop() does nothing before the accept loop runs.
    while (!http.is_running()) std::this_thread::yield();
  }
  ~BusyHub() {
    http.stop();
    serving.join();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

TEST_CASE("a busy hub's 503 is retried after its Retry-After, then the answer comes") {
  BusyHub hub(2, "3");
  SecretKey key = SecretKey::Generate();
  std::vector<int> waits;
  auto client = HubClient::Create(hub.Url(), key, {}, [&](int ms) { waits.push_back(ms); });
  REQUIRE(client.ok());
  (*client)->set_random([] { return uint64_t{0}; });
  Result<HubResponse> answer = (*client)->Send("GET", "/v1/health");
  REQUIRE(answer.ok());
  CHECK(answer->status == 200);
  CHECK(hub.requests == 3);
  REQUIRE(waits.size() == 2);
  CHECK(waits[0] == 3000);  // Retry-After, longer than the backoff
  CHECK(waits[1] == 3000);
}

TEST_CASE("a hub busy to the end gives serve.busy after every attempt") {
  BusyHub hub(100, "");
  SecretKey key = SecretKey::Generate();
  std::vector<int> waits;
  auto client = HubClient::Create(hub.Url(), key, {}, [&](int ms) { waits.push_back(ms); });
  REQUIRE(client.ok());
  (*client)->set_random([] { return uint64_t{0}; });
  Result<HubResponse> answer = (*client)->Send("GET", "/v1/health");
  CHECK(answer.status().code() == "serve.busy");
  CHECK(answer.status().kind() == StatusKind::kUnavailable);
  CHECK(hub.requests == kHubAttempts);
  // Without Retry-After the backoff doubles: 250, 500, 1000 ms with no jitter drawn.
  CHECK(waits == std::vector<int>{kHubRetryBaseMs, 2 * kHubRetryBaseMs, 4 * kHubRetryBaseMs});
}

TEST_CASE("the jitter takes at most half of the backoff off, and a Retry-After is capped") {
  CHECK(HubClient::RetryWaitMs(1000, 0, 0) == 1000);
  CHECK(HubClient::RetryWaitMs(1000, 0, 500) == 500);
  CHECK(HubClient::RetryWaitMs(1000, 0, 501) == 1000);  // 501 % 501 == 0
  CHECK(HubClient::RetryWaitMs(1000, 0, 250) == 750);
  for (uint64_t r = 0; r < 2000; r += 7) {
    const int wait = HubClient::RetryWaitMs(800, 0, r);
    CHECK(wait >= 400);
    CHECK(wait <= 800);
  }
  CHECK(HubClient::RetryWaitMs(250, 2, 99) == 2000);
  CHECK(HubClient::RetryWaitMs(250, 10'000, 0) == kHubMaxRetryAfterSeconds * 1000);
}

}  // namespace
}  // namespace gongkai::testing
