// HubClient (node/exchange/hub_client.h).
#include "node/exchange/hub_client.h"

#include <httplib.h>

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>

#include "node/json/json_value.h"
#include "protocol/request_auth.h"
#include "protocol/wall_clock.h"

namespace gongkai {

namespace {


Status ErrorFromAnswer(int status, const std::string& body) {
  std::string code = kErrSyncHttp;
  std::string message = "hub answered HTTP " + std::to_string(status);
  if (Result<JsonValue> json = ParseJsonObject(body); json.ok()) {
    Result<std::string> c = json->StringOr("code", "");
    Result<std::string> m = json->StringOr("message", "");
    if (c.ok() && !c->empty()) code = *c;
    if (m.ok() && !m->empty())
      message = "汇聚服务器拒绝（HTTP " + std::to_string(status) + "）：" + *m;
  }
  if (status == 401 || status == 403) return Status::Denied(code, message);
  if (status == 413) return Status::TooLarge(code, message);
  if (status == 404) return Status::NotFound(code, message);
  if (status >= 400 && status < 500) return Status::Invalid(code, message);
  return Status::Unavailable(code, message);
}

// The hub's time in an answer's kResponseHubTimeHeader; nullopt when absent or unreadable.
std::optional<int64_t> HubTimeOf(const httplib::Response& response) {
  const std::string text = response.get_header_value(kResponseHubTimeHeader);
  int64_t ms = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return ms;
}

// Whether an answer is the hub's auth.clock refusal.
bool IsClockRefusal(int status, const std::string& body) {
  if (status != 401) return false;
  Result<JsonValue> json = ParseJsonObject(body);
  if (!json.ok()) return false;
  Result<std::string> code = json->StringOr("code", "");
  return code.ok() && *code == kErrAuthClock;
}

// A Retry-After given in seconds (the hub sends no dates); 0 when absent or unreadable.
int RetryAfterSeconds(const std::string& text) {
  int seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc() || end != text.data() + text.size() || seconds < 0) return 0;
  return std::min(seconds, kHubMaxRetryAfterSeconds);
}

}  // namespace

int HubClient::RetryWaitMs(int backoff_ms, int retry_after_seconds, uint64_t random) {
  const int half = backoff_ms / 2;
  const int jittered = backoff_ms - static_cast<int>(random % static_cast<uint64_t>(half + 1));
  const int retry_after_ms = std::min(retry_after_seconds, kHubMaxRetryAfterSeconds) * 1000;
  return std::max(jittered, retry_after_ms);
}

Status CheckHubUrl(std::string_view url, std::string_view tls_pin) {
  const bool https = url.starts_with("https://");
  const size_t host_at = https ? 8 : 7;
  if ((!https && !url.starts_with("http://")) || url.size() <= host_at ||
      url.find('/', host_at) != std::string_view::npos) {
    return Status::Invalid(
        kErrSyncUrl,
        "汇聚服务器地址应为 http://主机:端口 或 https://主机:端口，而不是 " + std::string(url));
  }
  if (https && tls_pin.empty()) {
    return Status::Invalid(
        kErrSyncTlsUnpinned,
        "没有汇聚服务器 " + std::string(url) +
            " 的 TLS 证书指纹，不能用 https 连接：登记时请加 --hub-fingerprint 指纹"
            "（县里签发口令时打印）；已登记的节点用 gongkai config set hub-fingerprint 指纹");
  }
  if (https) GK_RETURN_IF_ERROR(ParseTlsFingerprint(tls_pin).status());
  return Status::Ok();
}

Result<std::unique_ptr<HubClient>> HubClient::Create(std::string_view url, const SecretKey& key,
                                                     std::function<int64_t()> wall_clock_ms,
                                                     std::function<void(int)> sleep_ms,
                                                     std::string_view tls_pin) {
  GK_RETURN_IF_ERROR(CheckHubUrl(url, tls_pin));
  const bool https = url.starts_with("https://");
  std::unique_ptr<HubClient> client(new HubClient());
  if (https) client->tls_pin_ = std::make_unique<TlsPin>(*ParseTlsFingerprint(tls_pin));
  client->http_ = std::make_unique<httplib::Client>(std::string(url));
  if (!client->http_->is_valid()) {
    return Status::Invalid(kErrSyncUrl, "汇聚服务器地址无法使用：" + std::string(url));
  }
  if (https) {
    // The pin replaces certificate authorities and host names (node/exchange/tls_pin.h).
    client->http_->enable_server_certificate_verification(false);
    InstallTlsPin(client->http_->ssl_context(), client->tls_pin_.get());
  }
  client->http_->set_connection_timeout(kHubConnectTimeoutSeconds, 0);
  client->http_->set_read_timeout(kHubReadTimeoutSeconds, 0);
  client->http_->set_write_timeout(kHubReadTimeoutSeconds, 0);
  client->key_ = &key;
  client->wall_clock_ms_ = wall_clock_ms ? std::move(wall_clock_ms) : WallClockMs;
  client->sleep_ms_ = sleep_ms ? std::move(sleep_ms) : [](int ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  };
  client->random_ = [] {
    uint64_t value = 0;
    randombytes_buf(&value, sizeof value);
    return value;
  };
  return client;
}

HubClient::~HubClient() = default;

Result<HubResponse> HubClient::Send(std::string_view method, std::string_view target,
                                    std::string_view body) {
  int wait_ms = kHubRetryBaseMs;
  std::string last_error;
  bool clock_retried = false;
  for (int attempt = 1; attempt <= kHubAttempts; ++attempt) {
    ++attempts_;
    // A new signature (time and nonce) for every attempt: the hub refuses a nonce twice.
    const RequestAuth auth =
        SignRequest(*key_, method, target, AsBytes(body), wall_clock_ms_() + signing_offset_ms_);
    httplib::Headers headers = {{kRequestNodeHeader, auth.node},
                                {kRequestTimeHeader, auth.time},
                                {kRequestNonceHeader, auth.nonce},
                                {kRequestSignatureHeader, auth.signature}};
    const std::string path(target);
    if (tls_pin_) tls_pin_->Reset();
    httplib::Result result = method == "POST" ? http_->Post(path.c_str(), headers, body.data(),
                                                            body.size(), "application/octet-stream")
                                              : http_->Get(path.c_str(), headers);
    if (result) {
      if (std::optional<int64_t> hub_time = HubTimeOf(*result)) {
        hub_clock_offset_ms_ = *hub_time - wall_clock_ms_();
      }
      // Signed again at the hub's time, once (not counted as an attempt): a second refusal
      // means the difference is not the cause, and it is returned.
      if (!clock_retried && hub_clock_offset_ms_ && IsClockRefusal(result->status, result->body)) {
        clock_retried = true;
        signing_offset_ms_ = *hub_clock_offset_ms_;
        --attempt;
        continue;
      }
    }
    if (result && result->status == 503 && attempt < kHubAttempts) {
      const int retry_after_seconds = RetryAfterSeconds(result->get_header_value("Retry-After"));
      sleep_ms_(RetryWaitMs(wait_ms, retry_after_seconds, random_()));
      wait_ms *= 2;
      continue;
    }
    if (result) {
      HubResponse response;
      response.status = result->status;
      response.body = std::move(result->body);
      for (const auto& [name, value] : result->headers) {
        if (name.starts_with("X-Gongkai-")) response.headers[name] = value;
      }
      if (response.status < 200 || response.status >= 300) {
        return ErrorFromAnswer(response.status, response.body);
      }
      return response;
    }
    if (tls_pin_ && tls_pin_->mismatch()) {
      return Status::Denied(
          kErrSyncTlsPin,
          "汇聚服务器的 TLS 证书指纹是 " + tls_pin_->seen() + "，与登记时记下的 " +
              tls_pin_->expected() +
              " 不符：可能有人冒充汇聚服务器，或县里换了证书。请打电话向县里核实指纹，"
              "不要继续同步");
    }
    last_error = httplib::to_string(result.error());
    if (attempt < kHubAttempts) {
      sleep_ms_(RetryWaitMs(wait_ms, 0, random_()));
      wait_ms *= 2;
    }
  }
  return Status::Unavailable(
      kErrSyncUnreachable,
      "连不上汇聚服务器（试了 " + std::to_string(kHubAttempts) + " 次）：" + last_error);
}

}  // namespace gongkai
