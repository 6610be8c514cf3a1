// gongkai-hub console (the county office's interface) and its accounts:
// console user add | list | passwd | remove.
#include <cstdio>
#include <iostream>

#include "hub/cli/commands.h"
#include "hub/console/console_server.h"
#include "hub/console/console_users.h"
#include "node/json/json_text.h"
#include "node/cli/table_output.h"
#include "hub/audit/audit_common.h"
#include "protocol/wall_clock.h"

namespace gongkai {

namespace {

inline constexpr char kDefaultConsoleListen[] = "127.0.0.1:8442";


int RunConsole(const Args& args) {
  Result<std::string> home = HomeDir(args, true);
  if (!home.ok()) return ReportFailure(home.status(), args.json());
  auto listen = ParseListen(args.Get("listen").value_or(kDefaultConsoleListen));
  if (!listen.ok()) return ReportFailure(listen.status(), args.json());
  ConsoleOptions options;
  if (args.Has("tls-cert") || args.Has("tls-key")) {
    if (!args.Has("tls-cert") || !args.Has("tls-key")) {
      return ReportFailure(Status::Invalid(kErrCliUsage, "--tls-cert 和 --tls-key 要一起给"),
                           args.json());
    }
    options.tls = HubTlsFiles{*args.Get("tls-cert"), *args.Get("tls-key")};
  }
  options.hub_url = args.Get("hub-url").value_or("");
  Result<std::unique_ptr<ConsoleServer>> console = ConsoleServer::Open(*home, options);
  if (!console.ok()) return ReportFailure(console.status(), args.json());
  if (Result<std::vector<ConsoleUser>> users = (*console)->Users(); users.ok() && users->empty()) {
    std::fprintf(stderr,
                 "提示：还没有任何账户，先运行 gongkai-hub console user add 名字 --role admin\n");
  }

  BlockStopSignals();

  Result<int> port = (*console)->Bind(listen->first, listen->second);
  if (!port.ok()) return ReportFailure(port.status(), args.json());
  std::printf("console on %s://%s:%d/\n", options.tls ? "https" : "http", listen->first.c_str(),
              *port);
  std::fflush(stdout);
  RunUntilStopSignal([&] { (*console)->Run(); }, [&] { (*console)->Stop(); });
  std::fprintf(stderr, "stopped\n");
  return kExitOk;
}

Result<County> OpenHub(const Args& args) {
  GK_ASSIGN_OR_RETURN(std::string home, HomeDir(args, true));
  return OpenCounty(home);
}

int RunUserAdd(const Args& args) {
  Result<ConsoleRole> role = ParseConsoleRole(args.Get("role").value_or(""));
  if (!role.ok()) return ReportFailure(role.status(), args.json());
  Result<County> county = OpenHub(args);
  if (!county.ok()) return ReportFailure(county.status(), args.json());
  const std::string name = args.positional()[0];
  Result<std::string> password = ReadPassphrase(args, "为 " + name + " 设置密码：", true);
  if (!password.ok()) return ReportFailure(password.status(), args.json());
  Status added = AddConsoleUser(county->replica().db(), name, *role, *password, WallClockMs());
  if (!added.ok()) return ReportFailure(added, args.json());
  if (args.json()) {
    JsonObject o;
    o.Set("name", name);
    o.Set("role", std::string(ConsoleRoleName(*role)));
    std::cout << o.ToString() << "\n";
  } else {
    std::cout << "已添加账户 " << name << "（" << ConsoleRoleLabel(*role) << "）\n";
  }
  return kExitOk;
}

int RunUserList(const Args& args) {
  Result<County> county = OpenHub(args);
  if (!county.ok()) return ReportFailure(county.status(), args.json());
  Result<std::vector<ConsoleUser>> users = ListConsoleUsers(county->replica().db());
  if (!users.ok()) return ReportFailure(users.status(), args.json());
  const bool terminal = !args.json();
  Table table;
  table.columns = {{"name", "账户"}, {"role", "角色"}, {"created_time", "建立时间"}};
  for (const ConsoleUser& u : *users) {
    table.AddRow({u.name,
                  terminal ? std::string(ConsoleRoleLabel(u.role)) : std::string(ConsoleRoleName(u.role)),
                  BeijingMinuteText(u.created_at_ms)});
  }
  std::cout << FormatTable(table, terminal ? TableFormat::kTerminal : TableFormat::kJson);
  if (terminal && users->empty()) std::cout << "还没有账户。\n";
  return kExitOk;
}

int RunUserPasswd(const Args& args) {
  Result<County> county = OpenHub(args);
  if (!county.ok()) return ReportFailure(county.status(), args.json());
  const std::string name = args.positional()[0];
  Result<std::string> password = ReadPassphrase(args, "为 " + name + " 设置新密码：", true);
  if (!password.ok()) return ReportFailure(password.status(), args.json());
  Status changed = SetConsolePassword(county->replica().db(), name, *password);
  if (!changed.ok()) return ReportFailure(changed, args.json());
  if (args.json()) {
    JsonObject o;
    o.Set("name", name);
    o.Set("password_changed", true);
    std::cout << o.ToString() << "\n";
  } else {
    std::cout << "已更换账户 " << name
              << " 的密码（用旧密码已登录的会话在其过期前仍有效，重启 console 可立即结束）\n";
  }
  return kExitOk;
}

int RunUserRemove(const Args& args) {
  Result<County> county = OpenHub(args);
  if (!county.ok()) return ReportFailure(county.status(), args.json());
  const std::string name = args.positional()[0];
  Status removed = RemoveConsoleUser(county->replica().db(), name);
  if (!removed.ok()) return ReportFailure(removed, args.json());
  if (args.json()) {
    JsonObject o;
    o.Set("removed", name);
    std::cout << o.ToString() << "\n";
  } else {
    std::cout << "已删除账户 " << name << "（已登录的会话在其过期前仍有效，重启 console 可立即结束）\n";
  }
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> ConsoleCommands() {
  std::vector<CommandSpec> out;
  {
    CommandSpec spec{"console", "", "运行县级管理界面（浏览器中：节点、登记、吊销、审计、年度报告）"};
    spec.options = {
        {"listen", "地址:端口",
         "监听地址，默认 127.0.0.1:8442；县政务公开办其他电脑要用时给 0.0.0.0:8442 并配 TLS"},
        {"tls-cert", "FILE", "TLS 证书（PEM，可用 gongkai-hub tls init 生成的 tls.crt）：只提供 https"},
        {"tls-key", "FILE", "TLS 私钥（PEM）"},
        {"hub-url", "URL", "各节点访问汇聚服务的地址（印在登记单和二维码上），如 https://县服务器:8440"}};
    spec.details =
        "启动后在标准输出打印一行“console on 地址”，在浏览器中打开它。"
        "须先用 gongkai-hub console user add 建立账户：管理员（admin）可登记、吊销节点，"
        "审计员（auditor）只能查看。会话闲置 30 分钟或登录 12 小时后结束；"
        "同一账户或同一电脑 15 分钟内输错密码 5 次，暂停登录 15 分钟。"
        "收到 SIGTERM 或 SIGINT 后停止。汇聚服务（serve）与管理界面是两个监听地址。";
    spec.run = RunConsole;
    out.push_back(spec);
  }
  {
    CommandSpec spec{"console user add", "NAME", "添加县级管理界面的账户"};
    spec.options = {{"role", "ROLE", "admin（管理员：可登记、吊销）或 auditor（审计员：只能查看）"},
                    {"passphrase-file", "FILE", "从文件第一行读取密码（不给则在终端输入两次）"}};
    spec.min_args = 1;
    spec.max_args = 1;
    spec.details = "密码至少 8 个字符，只保存其 Argon2id 摘要（libsodium crypto_pwhash_str）。"
                   "要换密码：console user passwd NAME。";
    spec.run = RunUserAdd;
    out.push_back(spec);
  }
  {
    CommandSpec spec{"console user list", "", "列出县级管理界面的账户"};
    spec.run = RunUserList;
    out.push_back(spec);
  }
  {
    CommandSpec spec{"console user passwd", "NAME", "更换县级管理界面账户的密码"};
    spec.options = {{"passphrase-file", "FILE", "从文件第一行读取新密码（不给则在终端输入两次）"}};
    spec.min_args = 1;
    spec.max_args = 1;
    spec.details = "角色不变。新密码至少 8 个字符。";
    spec.run = RunUserPasswd;
    out.push_back(spec);
  }
  {
    CommandSpec spec{"console user remove", "NAME", "删除县级管理界面的账户"};
    spec.min_args = 1;
    spec.max_args = 1;
    spec.run = RunUserRemove;
    out.push_back(spec);
  }
  return out;
}

}  // namespace gongkai
