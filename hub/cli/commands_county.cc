// gongkai-hub init | enroll | revoke | nodes
#include <iostream>

#include "hub/app/county_actions.h"
#include "hub/cli/commands.h"
#include "hub/county/county.h"
#include "hub/log/log.h"
#include "node/cli/bundle_commands.h"
#include "node/cli/commands.h"
#include "node/json/json_text.h"
#include "protocol/certificate.h"
#include "protocol/certificate_file.h"
#include "protocol/file_io.h"
#include "protocol/key_file.h"

namespace gongkai {

namespace {

const OptionSpec kPassphraseFile{"passphrase-file", "FILE",
                                 "从文件第一行读取县根密钥口令（供脚本使用；默认在终端输入）"};

int RunInit(const Args& args) {
  Result<std::string> home = HomeDir(args, true);
  if (!home.ok()) return ReportFailure(home.status(), args.json());
  std::optional<std::string> county = args.Get("county");
  std::optional<std::string> name = args.Get("name");
  if (!county || !name) {
    return ReportFailure(
        Status::Invalid(kErrCliUsage, "需要 --county（6 位县级区划代码）和 --name（县名）"),
        args.json());
  }
  Result<std::string> passphrase = ReadPassphrase(args, "请设置县根密钥口令：", true);
  if (!passphrase.ok()) return ReportFailure(passphrase.status(), args.json());
  KdfParams kdf = kKdfDefault;
  if (args.Has("fast-kdf")) kdf = kKdfInteractive;
  if (!args.json()) std::cerr << "正在生成县根密钥（口令加密需要几秒钟）……\n";
  Result<County> made = InitCounty(*home, *county, *name, *passphrase, kdf);
  if (!made.ok()) return ReportFailure(made.status(), args.json());
  const std::string hub_id = NodeIdHex(made->hub_key().node_id());
  if (args.json()) {
    JsonObject o;
    o.Set("home", *home);
    o.Set("county", made->code());
    o.Set("name", made->name());
    o.Set("hub_node_id", hub_id);
    o.Set("root_public_key", HexEncode(made->root_public_key()));
    std::cout << o.ToString() << "\n";
  } else {
    std::cout << "已建立县级汇聚节点：" << made->name() << "（" << made->code() << "）\n"
              << "  数据目录 " << *home << "\n"
              << "  县根密钥 " << *home << "/root.key（口令加密；请另行备份，并牢记口令）\n"
              << "  汇聚节点编号 " << hub_id << "\n"
              << "下一步：为乡镇、村节点签发证书：gongkai-hub enroll --request 申请文件 --role "
                 "village --out 证书文件\n";
  }
  return kExitOk;
}

int RunEnroll(const Args& args) {
  if (args.Has("region") || args.Has("name")) {
    if (args.Has("request") || args.Has("out")) {
      return ReportFailure(
          Status::Invalid(kErrCliUsage,
                          "--region/--name（在线口令）与 --request/--out（离线证书）只能二选一"),
          args.json());
    }
    return RunEnrollOnline(args);
  }
  std::optional<std::string> request_file = args.Get("request");
  std::optional<std::string> role_name = args.Get("role");
  std::optional<std::string> out = args.Get("out");
  if (!request_file || !role_name || !out) {
    return ReportFailure(
        Status::Invalid(kErrCliUsage, "离线签发需要 --request FILE、--role ROLE 和 --out FILE"),
        args.json());
  }
  Result<Role> role = ParseRole(*role_name);
  if (!role.ok()) {
    return ReportFailure(
        Status::Invalid(kErrCliUsage, "角色须为 village、township、county 或 auditor"),
        args.json());
  }
  Result<Bytes> request = ReadFileLimited(*request_file, kMaxRequestFileBytes);
  if (!request.ok()) return ReportFailure(request.status(), args.json());
  return RunHubAction(
      args,
      [&](County& county) -> Result<IssuedCertificate> {
        GK_ASSIGN_OR_RETURN(std::string passphrase, ReadPassphrase(args, "县根密钥口令：", false));
        GK_ASSIGN_OR_RETURN(IssuedCertificate issued,
                            EnrolOffline(county, passphrase, *request, *role));
        GK_RETURN_IF_ERROR(WriteFileAtomically(*out, issued.file, 0644));
        return issued;
      },
      [&](const IssuedCertificate& issued) {
        const Certificate* cert = &issued.certificate;
        JsonObject o;
        o.Set("certificate_file", *out);
        o.Set("node_id", NodeIdHex(cert->subject_id()));
        o.Set("role", RoleName(cert->role));
        o.Set("region", cert->region);
        o.Set("name", cert->name);
        const std::string text =
            "已签发证书：" + cert->name + "（" + std::string(RoleName(cert->role)) + "，" +
            cert->region + "）\n  节点编号 " + NodeIdHex(cert->subject_id()) + "\n  证书文件 " +
            *out + "：交回该节点，运行 gongkai init --certificate " + *out;
        return Emit(args, o.ToString(), text);
      });
}

int RunRevoke(const Args& args) {
  std::optional<std::string> reason_name = args.Get("reason");
  if (!reason_name) {
    return ReportFailure(
        Status::Invalid(kErrCliUsage,
                        "请用 --reason retired（停用）或 compromised（泄露）说明原因"),
        args.json());
  }
  Result<RevocationReason> reason = ParseRevocationReason(*reason_name);
  if (!reason.ok()) {
    return ReportFailure(
        Status::Invalid(kErrCliUsage, "原因须为 retired（停用）或 compromised（泄露）"),
        args.json());
  }
  return RunHubAction(
      args,
      [&](County& county) -> Result<Revocation> {
        GK_ASSIGN_OR_RETURN(std::string passphrase, ReadPassphrase(args, "县根密钥口令：", false));
        return Revoke(county, passphrase, args.positional()[0], *reason,
                      args.Get("note").value_or(""));
      },
      [&](const Revocation& revoked) {
        JsonObject o;
        o.Set("node_id", NodeIdHex(revoked.subject));
        o.Set("reason", RevocationReasonName(revoked.reason));
        return Emit(args, o.ToString(),
                    "已吊销节点 " + NodeIdHex(revoked.subject) + "（" +
                        std::string(RevocationReasonName(revoked.reason)) +
                        "）。吊销记录随下次同步或数据包送达各节点。");
      });
}

int PrintNodes(const Args& args, const std::vector<EnrolledNode>& list) {
  const std::vector<EnrolledNode>* nodes = &list;
  if (args.json()) {
    std::vector<std::string> out;
    for (const EnrolledNode& n : *nodes) {
      JsonObject o;
      o.Set("node_id", n.node_id);
      o.Set("role", RoleName(n.role));
      o.Set("region", n.region);
      o.Set("name", n.name);
      o.SetRaw("is_hub", n.is_hub ? "true" : "false");
      o.Set("revoked", n.revoked ? std::string(RevocationReasonName(*n.revoked)) : "");
      out.push_back(o.ToString());
    }
    std::cout << JsonArray(out) << "\n";
    return kExitOk;
  }
  for (const EnrolledNode& n : *nodes) {
    std::cout << n.node_id.substr(0, 12) << "  " << RoleName(n.role) << "  " << n.region << "  "
              << n.name << (n.is_hub ? "  （汇聚节点）" : "")
              << (n.revoked ? "  已吊销：" + std::string(RevocationReasonName(*n.revoked)) : "")
              << "\n";
  }
  std::cout << "共 " << nodes->size() << " 个节点。\n";
  return kExitOk;
}

int RunNodes(const Args& args) {
  return RunHubAction(
      args, [](County& county) { return ListEnrolled(county); },
      [&](const std::vector<EnrolledNode>& nodes) { return PrintNodes(args, nodes); });
}

int RunHubBundleExport(const Args& args) {
  return WithCounty(args, [&](County& county) {
    return RunBundleExport(args, county.replica(), county.hub_key());
  });
}

int RunHubBundleImport(const Args& args) {
  // Every envelope the county accepts, by any road, enters the audit log; the import and
  // its report are those of any node.
  return WithCounty(args, [&](County& county) {
    return RunBundleImport(args, county.replica(),
                           [&county](const ImportReport&) { return AppendToCountyLog(county); });
  });
}

int RunHubDigest(const Args& args) {
  return WithCounty(args, [&](County& county) {
    return PrintRegionDigest(args, county.replica(), county.code());
  });
}

}  // namespace

std::vector<CommandSpec> CountyCommands() {
  std::vector<CommandSpec> commands;
  {
    CommandSpec spec{"init", "",
                     "建立县级汇聚节点：县根密钥（口令加密）、汇聚节点密钥和县级数据库"};
    spec.options = {{"county", "CODE", "6 位县级区划代码"},
                    {"name", "NAME", "县名，如 嘉陵区"},
                    kPassphraseFile,
                    {"fast-kdf", "", "口令加密用较快的参数（仅供测试和演示）"}};
    spec.run = RunInit;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"enroll", "",
                     "为节点签发一次性在线登记口令，或离线签发证书（读登记申请，写证书文件）"};
    spec.options = {
        {"request", "FILE", "离线：节点的登记申请文件（gongkai init --request-out 生成）"},
        {"role", "ROLE", "village（村）、township（乡镇）、county（县）或 auditor（审计）"},
        {"out", "FILE", "离线：证书文件写到此处"},
        kPassphraseFile,
        {"region", "CODE", "在线：节点的区划代码（村 12 位，乡镇 9 位）"},
        {"name", "NAME", "在线：节点名称，须与节点输入的一致"},
        {"valid-hours", "H", "在线：口令有效小时数，默认 72"},
        {"qr", "FILE.png", "在线：把地址、口令（和证书指纹）写成二维码图片"},
        {"hub-url", "URL", "在线：节点连接的汇聚服务器地址，印进命令和二维码"},
        {"tls-cert", "FILE", "在线：汇聚服务器的 TLS 证书（默认 数据目录/tls.crt，若有）"}};
    spec.details =
        "两种方式：\n"
        "  在线（口令）：gongkai-hub enroll --region 511304100201 --name 石庙村 --role village \\\n"
        "                  --hub-url https://10.0.0.1:8440 --qr 石庙村.png\n"
        "    打印一次性口令（默认 72 小时内有效）和节点上要输入的 gongkai init "
        "命令；不需要口令文件。\n"
        "    汇聚服务须以 gongkai-hub serve --enrol 运行（启动时输入一次县根密钥口令）。\n"
        "  离线（申请文件）：gongkai-hub enroll --request 石庙村.request --role village --out "
        "石庙村.cert";
    spec.run = RunEnroll;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"revoke", "NODE", "吊销节点密钥（NODE 为节点编号或其前 6 位以上）"};
    spec.options = {{"reason", "R", "retired（停用）或 compromised（泄露）"},
                    {"note", "TEXT", "备注"},
                    kPassphraseFile};
    spec.min_args = spec.max_args = 1;
    spec.run = RunRevoke;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"bundle export", "", "写出数据包文件，用 U 盘带给乡镇或村（离线交换）"};
    spec.options = BundleExportOptions();
    spec.run = RunHubBundleExport;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"bundle import", "FILE", "导入乡镇或村带来的数据包，并记入县级审计日志"};
    spec.min_args = spec.max_args = 1;
    spec.run = RunHubBundleImport;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"digest", "", "计算县级数据库中某区划（含下级）全部同步数据的摘要"};
    spec.options = {{"region", "CODE", "区划代码（默认本县）"}};
    spec.run = RunHubDigest;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"nodes", "", "列出已登记的节点"};
    spec.run = RunNodes;
    commands.push_back(spec);
  }
  return commands;
}

std::vector<CommandSpec> HubBackupCommands() {
  return BackupCommands(BackupKind::kHub, {kHubKeyFileName, kRootKeyFileName});
}

}  // namespace gongkai
