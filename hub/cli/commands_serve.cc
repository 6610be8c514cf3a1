// gongkai-hub serve: the county hub's HTTP server (hub/server/server.h) until SIGTERM or SIGINT.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include "hub/app/hub_metrics.h"
#include "hub/audit/audit_settings.h"
#include "hub/cli/commands.h"
#include "hub/server/metrics_listener.h"
#include "hub/server/server.h"
#include "hub/server/service.h"

namespace gongkai {

namespace {

inline constexpr char kDefaultListen[] = "127.0.0.1:8440";

}  // namespace

void BlockStopSignals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
}

void RunUntilStopSignal(const std::function<void()>& run, const std::function<void()>& stop) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  std::atomic<bool> finished{false};
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    // A signal that comes before the server has started listening would find nothing to
    // stop, and it would then serve for ever: stop again until it has returned.
    while (!finished.load()) {
      stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  run();
  finished.store(true);
  // Wakes the waiter when the server stopped for another reason.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
}

Result<std::pair<std::string, int>> ParseListen(const std::string& text) {
  const size_t colon = text.rfind(':');
  const std::string port = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (colon == 0 || port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    return Status::Invalid(kErrCliUsage,
                           "--listen 应为 地址:端口，如 127.0.0.1:8440（端口 0 表示任选）");
  }
  return std::make_pair(text.substr(0, colon), std::stoi(port));
}

namespace {

int RunServe(const Args& args) {
  Result<std::string> home = HomeDir(args, true);
  if (!home.ok()) return ReportFailure(home.status(), args.json());
  auto listen = ParseListen(args.Get("listen").value_or(kDefaultListen));
  if (!listen.ok()) return ReportFailure(listen.status(), args.json());
  std::optional<HubTlsFiles> tls;
  if (args.Has("tls-cert") || args.Has("tls-key")) {
    if (!args.Has("tls-cert") || !args.Has("tls-key")) {
      return ReportFailure(Status::Invalid(kErrCliUsage, "--tls-cert 和 --tls-key 要一起给"),
                           args.json());
    }
    tls = HubTlsFiles{*args.Get("tls-cert"), *args.Get("tls-key")};
  }
  std::string passphrase;
  if (args.Has("enrol")) {
    Result<std::string> read =
        ReadPassphrase(args, "县根密钥口令（在线登记签发证书用）：", false);
    if (!read.ok()) return ReportFailure(read.status(), args.json());
    passphrase = std::move(*read);
  }
  std::optional<SecretKey> root;
  auto at_open = [&](County& county) -> Status {
    // A county setting set before the hub synced settings to nodes goes out now.
    GK_RETURN_IF_ERROR(PublishCountySettings(county).status());
    if (args.Has("enrol")) {
      GK_ASSIGN_OR_RETURN(SecretKey key, OpenCountyRootKey(county, passphrase));
      root.emplace(std::move(key));
    }
    return Status::Ok();
  };
  Result<std::unique_ptr<HubService>> service = HubService::Open(*home, {}, at_open);
  if (!service.ok()) return ReportFailure(service.status(), args.json());
  if (root) (*service)->EnableEnrolment(std::move(*root));

  // The address Prometheus scrapes, apart from the sync API (hub/server/metrics_listener.h).
  std::unique_ptr<HubMetrics> metrics;
  std::unique_ptr<MetricsListener> metrics_listener;
  if (args.Has("metrics-token-file") && !args.Has("metrics-listen")) {
    return ReportFailure(
        Status::Invalid(kErrCliUsage, "--metrics-token-file 要与 --metrics-listen 一起给"),
        args.json());
  }
  std::optional<std::pair<std::string, int>> metrics_address;
  if (args.Has("metrics-listen")) {
    auto parsed = ParseListen(*args.Get("metrics-listen"));
    if (!parsed.ok()) return ReportFailure(parsed.status(), args.json());
    metrics_address = *parsed;
    std::string token;
    if (args.Has("metrics-token-file")) {
      Result<std::string> read = ReadMetricsToken(*args.Get("metrics-token-file"));
      if (!read.ok()) return ReportFailure(read.status(), args.json());
      token = std::move(*read);
    }
    HubMetricsOptions options;
    options.version = GONGKAI_VERSION;
    if (tls) options.tls_certificate = tls->certificate;
    Result<std::unique_ptr<HubMetrics>> opened = HubMetrics::Open(*home, **service, options);
    if (!opened.ok()) return ReportFailure(opened.status(), args.json());
    metrics = std::move(*opened);
    metrics_listener = std::make_unique<MetricsListener>(
        [collector = metrics.get()] { return collector->Collect(); }, std::move(token));
  }

  // The signals go to one waiting thread, not to whichever thread httplib happens to run.
  BlockStopSignals();
  HubServer server(**service, stderr, tls);
  Result<int> port = server.Bind(listen->first, listen->second);
  if (!port.ok()) return ReportFailure(port.status(), args.json());
  std::printf("listening on %s:%d\n", listen->first.c_str(), *port);
  if (metrics_listener) {
    Result<int> metrics_port =
        metrics_listener->Bind(metrics_address->first, metrics_address->second);
    if (!metrics_port.ok()) return ReportFailure(metrics_port.status(), args.json());
    metrics_listener->Start();
    std::printf("metrics on %s:%d\n", metrics_address->first.c_str(), *metrics_port);
  }
  std::fflush(stdout);

  Status ran = Status::Ok();
  RunUntilStopSignal([&] { ran = server.Run(); }, [&] { server.Stop(); });
  if (metrics_listener) metrics_listener->Stop();
  std::fprintf(stderr, "stopped\n");
  if (!ran.ok()) return ReportFailure(ran, args.json());
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> ServeCommands() {
  CommandSpec spec{"serve", "", "运行县汇聚服务（节点推送、拉取、检查点、证明）"};
  spec.options = {
      {"listen", "地址:端口", "监听地址，默认 127.0.0.1:8440；端口 0 表示任选一个并打印"},
      {"tls-cert", "FILE",
       "TLS 证书（PEM；gongkai-hub tls init 生成 数据目录/tls.crt）：只提供 https"},
      {"tls-key", "FILE", "TLS 私钥（PEM）"},
      {"enrol", "",
       "开启在线登记（POST /v1/enrol）：启动时输入一次县根密钥口令，服务期间保存在内存中"},
      {"passphrase-file", "FILE", "与 --enrol 同用：从文件第一行读取县根密钥口令"},
      {"metrics-listen", "地址:端口",
       "另开一个监听地址供 Prometheus 抓取 /metrics（不需签名）；不给则不开"},
      {"metrics-token-file", "FILE",
       "与 --metrics-listen 同用：抓取须带 Authorization: Bearer 口令，口令取自此文件第一行"
       "（文件权限须为 600，口令至少 16 个字符）"}};
  spec.details =
      "启动后在标准输出打印一行“listening on 地址:端口”（给了 --metrics-listen 时再打印一行"
      "“metrics on 地址:端口”）；每个请求在标准错误输出一行日志。"
      "收到 SIGTERM 或 SIGINT 后停止接受新连接，处理完进行中的请求后退出。"
      "给了 --tls-cert/--tls-key 时只提供 https，各节点按证书的 SHA-256 指纹认服务器。";
  spec.run = RunServe;
  return {spec};
}

}  // namespace gongkai
