// gongkai-hub enroll --region (online: one-time tokens) and gongkai-hub tls init.
#include <iostream>

#include "hub/cli/commands.h"
#include "hub/county/county.h"
#include "hub/enrolment/enrol_qr.h"
#include "hub/enrolment/enrol_token.h"
#include "hub/server/tls_certificate.h"
#include "node/app/node_session.h"
#include "node/cli/commands.h"
#include "node/exchange/tls_pin.h"
#include "node/intake/sheet_dates.h"
#include "node/json/json_text.h"

namespace gongkai {

namespace {

// A shell word the clerk can type as printed.
std::string ShellWord(const std::string& text) {
  if (!text.empty() && text.find_first_of(" \t'\"\\$`;&|<>()*?!#~") == std::string::npos) {
    return text;
  }
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The fingerprint of --tls-cert, else of DIR/tls.crt when there is one, else "".
Result<std::string> HubFingerprint(const Args& args, const std::string& home) {
  std::string path = args.Get("tls-cert").value_or("");
  if (path.empty()) {
    std::error_code ec;
    const std::filesystem::path in_home = std::filesystem::path(home) / kTlsCertificateFileName;
    if (!std::filesystem::exists(in_home, ec)) return std::string();
    path = in_home.string();
  }
  return PemCertificateFingerprint(path);
}

}  // namespace

int RunEnrollOnline(const Args& args) {
  Result<std::string> home = HomeDir(args, true);
  if (!home.ok()) return ReportFailure(home.status(), args.json());
  std::optional<std::string> region = args.Get("region");
  std::optional<std::string> name = args.Get("name");
  std::optional<std::string> role_name = args.Get("role");
  if (!region || !name || !role_name) {
    return ReportFailure(
        Status::Invalid(kErrCliUsage, "在线登记口令需要 --region CODE、--name NAME 和 --role ROLE"),
        args.json());
  }
  Result<Role> role = ParseRole(*role_name);
  if (!role.ok()) {
    return ReportFailure(
        Status::Invalid(kErrCliUsage, "角色须为 village、township、county 或 auditor"),
        args.json());
  }
  int64_t hours = kDefaultEnrolTokenValidHours;
  if (std::optional<std::string> given = args.Get("valid-hours")) {
    if (given->empty() || given->size() > 6 ||
        given->find_first_not_of("0123456789") != std::string::npos) {
      return ReportFailure(Status::Invalid(kErrCliUsage, "--valid-hours 应为小时数，如 72"),
                           args.json());
    }
    hours = std::stoll(*given);
  }
  const std::string hub_url = args.Get("hub-url").value_or("");
  Result<std::string> fingerprint = HubFingerprint(args, *home);
  if (!fingerprint.ok()) return ReportFailure(fingerprint.status(), args.json());
  Result<County> county = OpenCounty(*home);
  if (!county.ok()) return ReportFailure(county.status(), args.json());
  Result<IssuedEnrolToken> issued =
      IssueEnrolToken(*county, *role, *region, *name, hours, WallClockMs());
  if (!issued.ok()) return ReportFailure(issued.status(), args.json());
  const std::string qr_payload = EnrolQrPayload(*issued, hub_url, *fingerprint);
  if (std::optional<std::string> qr = args.Get("qr")) {
    Status written = WriteQrPng(*qr, qr_payload);
    if (!written.ok()) return ReportFailure(written, args.json());
  }
  const bool https = hub_url.starts_with("https://");
  std::string command = "gongkai init --home 数据目录 --hub " +
                        (hub_url.empty() ? std::string("汇聚服务器地址") : ShellWord(hub_url));
  if (!fingerprint->empty() && (https || hub_url.empty()))
    command += " --hub-fingerprint " + *fingerprint;
  command += " --token " + issued->token + " --region " + issued->region + " --name " +
             ShellWord(issued->name);
  const std::string expires =
      BeijingDateTimeText(MakeHlc(static_cast<uint64_t>(issued->expires_at_ms), 0));
  if (args.json()) {
    JsonObject o;
    o.Set("token", issued->token);
    o.Set("role", RoleName(issued->role));
    o.Set("region", issued->region);
    o.Set("name", issued->name);
    o.Set("expires_at_ms", issued->expires_at_ms);
    o.Set("expires_beijing", expires);
    o.Set("hub_url", hub_url);
    o.Set("hub_fingerprint", *fingerprint);
    o.Set("command", command);
    o.Set("qr_payload", qr_payload);
    if (std::optional<std::string> qr = args.Get("qr")) o.Set("qr", *qr);
    std::cout << o.ToString() << "\n";
    return kExitOk;
  }
  std::cout << "已签发一次性登记口令：" << issued->name << "（" << RoleName(issued->role) << "，"
            << issued->region << "）\n"
            << "  口令   " << issued->token << "\n"
            << "  有效至 " << expires << "（北京时间），只能用一次\n";
  if (!fingerprint->empty()) std::cout << "  汇聚服务器证书指纹 " << *fingerprint << "\n";
  if (std::optional<std::string> qr = args.Get("qr")) std::cout << "  二维码 " << *qr << "\n";
  std::cout << "在该节点的电脑上输入：\n  " << command << "\n"
            << "口令只显示这一次，县里只保存其摘要；丢失请重新签发。汇聚服务需以 gongkai-hub serve "
               "--enrol 运行。\n";
  return kExitOk;
}

namespace {

int PrintTlsCertificate(const Args& args, const std::string& home,
                        const MadeTlsCertificate& made_ref) {
  const MadeTlsCertificate* made = &made_ref;
  if (args.json()) {
    JsonObject o;
    o.Set("certificate", made->certificate.string());
    o.Set("private_key", made->private_key.string());
    o.Set("fingerprint", made->fingerprint);
    std::cout << o.ToString() << "\n";
    return kExitOk;
  }
  std::cout << "已生成汇聚服务器的 TLS 证书（自签名，有效 " << kTlsCertificateValidDays / 365
            << " 年）\n"
            << "  证书 " << made->certificate.string() << "\n"
            << "  私钥 " << made->private_key.string() << "（不要外传）\n"
            << "  SHA-256 指纹 " << made->fingerprint << "\n"
            << "启动：gongkai-hub serve --home " << home << " --tls-cert "
            << made->certificate.string() << " --tls-key " << made->private_key.string() << "\n"
            << "各节点凭此指纹认服务器；登记口令和二维码会自动带上它。\n";
  return kExitOk;
}

int RunTlsInit(const Args& args) {
  std::string home;
  return RunHubAction(
      args,
      [&](County& county) {
        home = county.home().string();
        return MakeTlsCertificate(county.home(), county.code(), args.Has("replace"));
      },
      [&](const MadeTlsCertificate& made) { return PrintTlsCertificate(args, home, made); });
}

int RunTlsShow(const Args& args) {
  Result<std::string> home = HomeDir(args, true);
  if (!home.ok()) return ReportFailure(home.status(), args.json());
  Result<std::string> fingerprint = PemCertificateFingerprint(
      args.Get("tls-cert")
          .value_or((std::filesystem::path(*home) / kTlsCertificateFileName).string()));
  if (!fingerprint.ok()) return ReportFailure(fingerprint.status(), args.json());
  if (args.json()) {
    JsonObject o;
    o.Set("fingerprint", *fingerprint);
    std::cout << o.ToString() << "\n";
  } else {
    std::cout << *fingerprint << "\n";
  }
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> TlsCommands() {
  std::vector<CommandSpec> commands;
  {
    CommandSpec spec{"tls init", "",
                     "为汇聚服务器生成自签名 TLS 证书和私钥（tls.crt、tls.key），打印其指纹"};
    spec.options = {{"replace", "", "替换已有的证书（之后每个节点都要记新指纹）"}};
    spec.run = RunTlsInit;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"tls fingerprint", "", "打印汇聚服务器 TLS 证书的 SHA-256 指纹"};
    spec.options = {{"tls-cert", "FILE", "证书文件（默认 数据目录/tls.crt）"}};
    spec.run = RunTlsShow;
    commands.push_back(spec);
  }
  return commands;
}

}  // namespace gongkai
