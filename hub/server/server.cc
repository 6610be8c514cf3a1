// HubServer (hub/server/server.h).
#include "hub/server/server.h"

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
    : service_(service), log_(log), http_(MakeHttpServer(tls)) {
  http_->set_payload_max_length(kMaxRequestBodyBytes);
  http_->set_read_timeout(kReadTimeoutSeconds, 0);
  http_->set_write_timeout(kWriteTimeoutSeconds, 0);
  http_->set_keep_alive_timeout(kKeepAliveSeconds);
  // Judged from the headers alone: httplib would otherwise read (and throw away) a declared
  // oversize body to its end before answering.
  http_->set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
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
    if (log_ == nullptr) return;
    std::string node = req.get_header_value(kRequestNodeHeader);
    std::fprintf(log_, "%s %s %d %zu %s\n", req.method.c_str(), req.target.c_str(), res.status,
                 res.body.size(), node.empty() ? "-" : node.c_str());
    std::fflush(log_);
  });
}

HubServer::~HubServer() { Stop(); }

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
  return bound;
}

Status HubServer::Run() {
  // httplib's stop() does nothing until its accept loop has begun, so a Stop (a SIGTERM) that
  // comes between Bind and that moment would be lost and the server would run on: a watcher
  // repeats the stop once the loop runs.
  std::thread watcher([this] {
    std::unique_lock lock(stop_mutex_);
    stop_changed_.wait(lock, [this] { return stop_requested_ || run_finished_; });
    while (!run_finished_ && !stopped_) {
      StopIfRunning();
      stop_changed_.wait_for(lock, std::chrono::milliseconds(5));
    }
  });
  // listen_after_bind returns false also after a Stop; only a server that never ran failed.
  http_->listen_after_bind();
  {
    std::lock_guard lock(stop_mutex_);
    run_finished_ = true;
  }
  stop_changed_.notify_all();
  watcher.join();
  return Status::Ok();
}

void HubServer::StopIfRunning() {
  if (!stopped_ && http_ && http_->is_running()) {
    http_->stop();
    stopped_ = true;
  }
}

void HubServer::Stop() {
  {
    std::lock_guard lock(stop_mutex_);
    stop_requested_ = true;
    StopIfRunning();
  }
  stop_changed_.notify_all();
}

}  // namespace gongkai
