// MetricsListener (hub/server/metrics_listener.h).
#include "hub/server/metrics_listener.h"

#include <sodium.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>

#include "hub/server/server_limits.h"
#include "hub/server/service.h"

namespace gongkai {

namespace {

bool SameToken(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

Result<std::string> ReadMetricsToken(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::Invalid(kErrMetricsToken, "监控口令文件 " + path.string() + " 无法读取");
  }
  if ((st.st_mode & 077) != 0) {
    return Status::Invalid(kErrMetricsToken, "监控口令文件 " + path.string() +
                                                 " 其他账户也能读取：请运行 chmod 600 " +
                                                 path.string());
  }
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) line.clear();
  const size_t begin = line.find_first_not_of(" \t\r");
  const size_t end = line.find_last_not_of(" \t\r");
  const std::string token = begin == std::string::npos ? "" : line.substr(begin, end - begin + 1);
  for (char c : token) {
    if (c <= ' ' || c > '~') {
      return Status::Invalid(kErrMetricsToken,
                             "监控口令只能由可见的英文字母、数字和符号组成（不含空格）");
    }
  }
  if (token.size() < kMinMetricsTokenLength) {
    return Status::Invalid(kErrMetricsToken, "监控口令文件 " + path.string() + " 的口令不足 " +
                                                 std::to_string(kMinMetricsTokenLength) +
                                                 " 个字符（可用 openssl rand -hex 32 生成）");
  }
  return token;
}

namespace {

// The listener's front: two workers, a handful of connections, a small body, short deadlines.
HubServerLimits MetricsLimits() {
  HubServerLimits limits;
  limits.workers = 2;
  limits.max_queued = 8;
  limits.max_per_address = 4;
  limits.max_connections = 10;
  limits.head_deadline_ms = 5'000;
  limits.request_deadline_ms = 10'000;
  limits.max_body_bytes = 4096;
  return limits;
}

}  // namespace

MetricsListener::MetricsListener(Collect collect, std::string token)
    : collect_(std::move(collect)),
      token_(std::move(token)),
      server_(std::make_unique<HubServer>([this](const HubRequest& request) { return Answer(request); },
                                          HubServer::CountStatus(), nullptr, MetricsLimits())) {}

HubAnswer MetricsListener::Answer(const HubRequest& request) const {
  HubAnswer answer;
  if (!token_.empty() && !(request.authorization.starts_with("Bearer ") &&
                           SameToken(request.authorization.substr(7), token_))) {
    answer.status = 401;
    answer.headers["WWW-Authenticate"] = "Bearer";
    answer.body = ErrorJson(Status::Denied(kErrMetricsToken,
                                           "抓取监控数据需要正确的 Authorization: Bearer 口令"));
    return answer;
  }
  if (request.method != "GET" || request.path != "/metrics") {
    answer.status = 404;
    answer.body = ErrorJson(Status::NotFound(kErrMetricsNotFound, "只有 GET /metrics"));
    return answer;
  }
  Result<std::string> text = collect_();
  if (!text.ok()) {
    answer.status = 500;
    answer.body = ErrorJson(text.status());
    return answer;
  }
  answer.content_type = "text/plain; version=0.0.4; charset=utf-8";
  answer.body = std::move(*text);
  return answer;
}

MetricsListener::~MetricsListener() {
  Stop();
  if (thread_.joinable()) thread_.join();
}

Result<int> MetricsListener::Bind(const std::string& host, int port) {
  Result<int> bound = server_->Bind(host, port);
  if (!bound.ok()) {
    return Status::IoError(kErrMetricsListen, "监控地址 " + host + ":" + std::to_string(port) +
                                                  " 无法监听（端口被占用或地址不属于本机）");
  }
  return bound;
}

void MetricsListener::Start() {
  thread_ = std::thread([this] { (void)server_->Run(); });
}

void MetricsListener::Stop() {
  // Run returns at once when Stop came first, so no wait for the loop to begin is needed.
  if (server_ != nullptr) server_->Stop();
}

}  // namespace gongkai
