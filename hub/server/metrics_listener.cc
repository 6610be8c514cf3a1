// MetricsListener (hub/server/metrics_listener.h).
#include "hub/server/metrics_listener.h"

#include <sodium.h>
#include <sys/stat.h>

#include <httplib.h>

#include <chrono>
#include <fstream>

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

MetricsListener::MetricsListener(Collect collect, std::string token)
    : collect_(std::move(collect)),
      token_(std::move(token)),
      http_(std::make_unique<httplib::Server>()) {
  http_->new_task_queue = [] { return new httplib::ThreadPool(2); };
  http_->set_read_timeout(5, 0);
  http_->set_write_timeout(5, 0);
  http_->set_payload_max_length(4096);
  http_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (token_.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const std::string given = req.get_header_value("Authorization");
    if (given.starts_with("Bearer ") && SameToken(given.substr(7), token_)) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.status = 401;
    res.set_header("WWW-Authenticate", "Bearer");
    res.set_content(ErrorJson(Status::Denied(kErrMetricsToken,
                                             "抓取监控数据需要正确的 Authorization: Bearer 口令")),
                    "application/json");
    return httplib::Server::HandlerResponse::Handled;
  });
  http_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    Result<std::string> text = collect_();
    if (!text.ok()) {
      res.status = 500;
      res.set_content(ErrorJson(text.status()), "application/json");
      return;
    }
    res.set_content(std::move(*text), "text/plain; version=0.0.4; charset=utf-8");
  });
}

MetricsListener::~MetricsListener() {
  Stop();
  if (thread_.joinable()) thread_.join();
}


Result<int> MetricsListener::Bind(const std::string& host, int port) {
  const int bound =
      port == 0 ? http_->bind_to_any_port(host) : (http_->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return Status::IoError(kErrMetricsListen, "监控地址 " + host + ":" + std::to_string(port) +
                                                  " 无法监听（端口被占用或地址不属于本机）");
  }
  return bound;
}

void MetricsListener::Start() {
  thread_ = std::thread([this] {
    http_->listen_after_bind();
    finished_ = true;
  });
}

void MetricsListener::Stop() {
  if (!thread_.joinable()) return;
  // httplib's stop does nothing until its accept loop has begun: ask until the loop has ended.
  while (!finished_) {
    http_->stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace gongkai
