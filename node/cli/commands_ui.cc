// gongkai ui: the node's web interface in the browser (node/web).
#include <signal.h>
#include <spawn.h>

#include <iostream>
#include <thread>

#include "node/cli/commands.h"
#include "node/json/json_text.h"
#include "node/web/ui_server.h"

extern char** environ;

namespace gongkai {

namespace {

// "HOST:PORT" -> host and port; cli.usage otherwise.
Status ParseListen(const std::string& text, UiServerOptions& options) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::Invalid(kErrCliUsage, "--listen 应写成 地址:端口，如 127.0.0.1:8421");
  }
  int port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) {
      return Status::Invalid(kErrCliUsage, "--listen 的端口“" + text.substr(colon + 1) + "”无效");
    }
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return Status::Invalid(kErrCliUsage, "--listen 的端口应在 0 到 65535 之间");
  options.host = text.substr(0, colon);
  options.port = port;
  return Status::Ok();
}

void OpenBrowser(const std::string& url) {
  // Best effort: the URL is printed either way.
  pid_t pid = 0;
  const char* argv[] = {"xdg-open", url.c_str(), nullptr};
  posix_spawnp(&pid, "xdg-open", nullptr, nullptr, const_cast<char* const*>(argv), environ);
}

int RunUi(const Args& args) {
  UiServerOptions options;
  Result<std::string> home = HomeDir(args, false);
  if (!home.ok()) return ReportFailure(home.status(), args.json());
  options.home = *home;
  if (std::optional<std::string> listen = args.Get("listen")) {
    if (Status s = ParseListen(*listen, options); !s.ok()) return ReportFailure(s, args.json());
  }
  // SIGTERM and SIGINT are taken by a watcher thread that stops the server; blocked here
  // before any thread starts, so every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  Result<std::unique_ptr<UiServer>> server = UiServer::Create(options);
  if (!server.ok()) return ReportFailure(server.status(), args.json());
  const std::string url = (*server)->url();
  if (args.json()) {
    JsonObject out;
    out.Set("url", url);
    out.Set("port", static_cast<int64_t>((*server)->port()));
    std::cout << out.ToString() << std::endl;
  } else {
    std::cout << url << std::endl;
  }
  if (args.Has("open")) OpenBrowser(url);
  UiServer* running = server->get();
  std::thread watcher([running, stop_signals] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    running->Stop();
  });
  watcher.detach();
  running->Run();
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> UiCommands() {
  CommandSpec spec{"ui", "", "在浏览器中使用本节点：村文书起草、导入、提交、打印；乡镇审核"};
  spec.options = {{"listen", "地址:端口", "监听地址，默认 127.0.0.1:0（端口 0 表示任选一个）"},
                  {"open", "", "启动后用桌面浏览器打开（xdg-open）"}};
  spec.details =
      "启动后打印一行要打开的地址 http://127.0.0.1:端口/?secret=…；地址中的口令每次启动都不同，"
      "只有用它打开的浏览器能使用本界面。只接受主机名为该地址的请求。收到 SIGTERM 或 SIGINT "
      "后退出。";
  spec.run = RunUi;
  return {spec};
}

}  // namespace gongkai
