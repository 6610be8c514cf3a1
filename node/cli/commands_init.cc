// gongkai init: offline enrolment of a node (request file out, certificate file in).
#include <iostream>

#include "node/app/node_session.h"
#include "node/cli/commands.h"
#include "node/exchange/enrolment.h"
#include "node/exchange/online_enrolment.h"
#include "node/json/json_text.h"
#include "protocol/certificate_file.h"
#include "protocol/file_io.h"

namespace gongkai {

namespace {

int ReportEnrolled(const Args& args, const CompletedEnrolment& done) {
  if (args.json()) {
    JsonObject o;
    o.Set("node_id", NodeIdHex(done.certificate.subject_id()));
    o.Set("role", RoleName(done.certificate.role));
    o.Set("region", done.certificate.region);
    o.Set("name", done.certificate.name);
    o.Set("county", done.certificate.county);
    o.SetRaw("already_complete", done.already_complete ? "true" : "false");
    if (std::optional<std::string> hub = args.Get("hub")) o.Set("hub", *hub);
    std::cout << o.ToString() << "\n";
  } else {
    std::cout << (done.already_complete ? "本节点早已登记：" : "登记完成：")
              << done.certificate.name << "\n"
              << "  角色 " << RoleName(done.certificate.role) << "    区划 "
              << done.certificate.region << "    节点编号 "
              << NodeIdHex(done.certificate.subject_id()) << "\n";
    if (std::optional<std::string> hub = args.Get("hub")) {
      std::cout << "  汇聚服务器 " << *hub << "（已保存，gongkai sync 无需再写 --hub）\n"
                << "下一步：gongkai sync 同步数据。\n";
    } else {
      std::cout << "下一步：导入县里的数据包（gongkai bundle import）或同步（gongkai sync）。\n";
    }
  }
  return kExitOk;
}

int RunOnlineInit(const Args& args, const std::string& home) {
  OnlineEnrolment enrolment;
  enrolment.hub_url = *args.Get("hub");
  enrolment.token = *args.Get("token");
  enrolment.tls_pin = args.Get("hub-fingerprint").value_or("");
  enrolment.role = args.Get("role").value_or("");
  std::optional<std::string> region = args.Get("region");
  std::optional<std::string> name = args.Get("name");
  if (!region || !name) {
    return ReportFailure(
        Status::Invalid(kErrCliUsage, "在线登记需要 --region 和 --name（照县里打印的命令输入）"),
        args.json());
  }
  enrolment.region = *region;
  enrolment.name = *name;
  Result<CompletedEnrolment> done =
      EnrolOnline(home, enrolment, static_cast<uint64_t>(WallClockMs()));
  if (!done.ok()) return ReportFailure(done.status(), args.json());
  return ReportEnrolled(args, *done);
}

int RunInit(const Args& args) {
  Result<std::string> home = HomeDir(args, false);
  if (!home.ok()) return ReportFailure(home.status(), args.json());
  if (args.Has("token")) {
    if (!args.Has("hub") || args.Has("certificate") || args.Has("request-out")) {
      return ReportFailure(
          Status::Invalid(kErrCliUsage,
                          "在线登记写 --hub URL --token 口令 --region CODE --name NAME，"
                          "不与 --certificate、--request-out 同用"),
          args.json());
    }
    return RunOnlineInit(args, *home);
  }
  const bool starting = args.Has("region") || args.Has("name") || args.Has("request-out");
  const bool completing = args.Has("certificate");
  if (starting == completing) {
    return ReportFailure(
        Status::Invalid(kErrCliUsage,
                        "请三选一：--hub URL --token 口令（在线登记），"
                        "--region CODE --name NAME --request-out FILE（生成登记申请），"
                        "或 --certificate FILE（导入县里签发的证书）"),
        args.json());
  }
  if (starting) {
    std::optional<std::string> region = args.Get("region");
    std::optional<std::string> name = args.Get("name");
    std::optional<std::string> out = args.Get("request-out");
    if (!region || !name || !out) {
      return ReportFailure(
          Status::Invalid(kErrCliUsage, "生成登记申请需要 --region、--name 和 --request-out"),
          args.json());
    }
    Result<Bytes> request =
        StartEnrolment(*home, *region, *name, static_cast<uint64_t>(WallClockMs()));
    if (!request.ok()) return ReportFailure(request.status(), args.json());
    Status written = WriteFileAtomically(*out, *request, 0644);
    if (!written.ok()) return ReportFailure(written, args.json());
    if (args.json()) {
      JsonObject o;
      o.Set("request", *out);
      o.Set("region", *region);
      o.Set("name", *name);
      o.Set("home", *home);
      std::cout << o.ToString() << "\n";
    } else {
      std::cout << "已生成本节点的密钥和登记申请：" << *out << "\n"
                << "请把该文件交县级管理员签发证书（gongkai-hub enroll），拿回证书文件后运行：\n"
                << "  gongkai init --home " << *home << " --certificate 证书文件\n"
                << "密钥保存在 " << *home << "/node.key，不要拷贝给他人。\n";
    }
    return kExitOk;
  }
  const std::string file = *args.Get("certificate");
  Result<Bytes> bytes = ReadCertificateFile(file);
  if (!bytes.ok()) return ReportFailure(bytes.status(), args.json());
  if (args.Has("hub-fingerprint") && !args.Has("hub")) {
    return ReportFailure(Status::Invalid(kErrCliUsage, "--hub-fingerprint 要与 --hub 同用"),
                         args.json());
  }
  Result<CompletedEnrolment> done = CompleteEnrolment(*home, *bytes);
  if (!done.ok()) return ReportFailure(done.status(), args.json());
  if (std::optional<std::string> hub = args.Get("hub")) {
    Status saved = SaveHubSettings(*home, *hub, args.Get("hub-fingerprint").value_or(""));
    if (!saved.ok()) return ReportFailure(saved, args.json());
  }
  return ReportEnrolled(args, *done);
}

}  // namespace

std::vector<CommandSpec> InitCommands() {
  CommandSpec spec{"init", "",
                   "登记本节点：用一次性口令在线登记，或离线生成登记申请、导入县里签发的证书"};
  spec.options = {
      {"region", "CODE", "本节点区划代码：村 12 位，乡镇 9 位，县 6 位"},
      {"name", "NAME", "本节点名称，如 石庙村村民委员会"},
      {"request-out", "FILE", "登记申请写到此文件（交县级管理员）"},
      {"certificate", "FILE", "县里签发的证书文件"},
      {"hub", "URL", "县汇聚服务器地址（在线登记必需；离线登记时可顺便保存）"},
      {"token", "口令", "县里签发的一次性登记口令（在线登记）"},
      {"role", "ROLE", "在线登记时核对的角色：village、township、county 或 auditor（可省）"},
      {"hub-fingerprint", "指纹", "汇聚服务器 TLS 证书的 SHA-256 指纹（https 地址必需）"}};
  spec.details =
      "离线登记分两步：\n"
      "  1. gongkai init --region 511304100201 --name 石庙村 --request-out 石庙村.request\n"
      "  2. 县里：gongkai-hub enroll --request 石庙村.request --role village --out 石庙村.cert\n"
      "     本机：gongkai init --certificate 石庙村.cert [--hub URL [--hub-fingerprint 指纹]]\n"
      "在线登记一步完成（口令由县里 gongkai-hub enroll --region … 签发，照其打印的命令输入）：\n"
      "  gongkai init --hub https://10.0.0.1:8440 --hub-fingerprint 指纹 --token ABCD-EFGH-… \\\n"
      "               --region 511304100201 --name 石庙村";
  spec.run = RunInit;
  return {spec};
}

}  // namespace gongkai
