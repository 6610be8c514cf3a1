// gongkai-hub audit verify | audit proof
#include <unistd.h>

#include <iostream>

#include "hub/audit/audit_proof.h"
#include "hub/audit/audit_verify.h"
#include "hub/cli/commands.h"
#include "node/json/json_text.h"
#include "protocol/file_io.h"

namespace gongkai {

namespace {

const OptionSpec kDbOption{
    "db", "FILE", "读取这个数据库文件（例如汇聚节点 replica.db 的副本），而非 --home 下的"};

// The database the command reads: --db FILE, else HOME/replica.db.
struct AuditTarget {
  std::filesystem::path db;
  std::optional<std::filesystem::path> home;  // set without --db
};

Result<AuditTarget> TargetOf(const Args& args) {
  AuditTarget target;
  if (std::optional<std::string> db = args.Get("db")) {
    if (args.Has("home")) return Status::Invalid(kErrCliUsage, "--db 与 --home 只能给一个");
    target.db = *db;
    return target;
  }
  GK_ASSIGN_OR_RETURN(std::string home, HomeDir(args, true));
  target.home = home;
  target.db = std::filesystem::path(home) / "replica.db";
  return target;
}

std::string FindingJson(const AuditFinding& finding) {
  JsonObject o;
  o.Set("code", finding.code);
  if (finding.log_index) o.Set("log_index", static_cast<int64_t>(*finding.log_index));
  if (!finding.envelope_id.empty()) o.Set("envelope_id", finding.envelope_id);
  if (!finding.cause.empty()) o.Set("cause", finding.cause);
  o.Set("message", finding.message);
  return o.ToString();
}

std::string FindingsJson(const std::vector<AuditFinding>& findings) {
  std::vector<std::string> items;
  for (const AuditFinding& finding : findings) items.push_back(FindingJson(finding));
  return JsonArray(items);
}

void PrintJson(const AuditReport& report) {
  JsonObject o;
  o.SetRaw("ok", report.ok() ? "true" : "false");
  o.Set("county", report.county);
  o.Set("origin", report.origin);
  o.Set("log_size", static_cast<int64_t>(report.log_size));
  o.Set("journal_envelopes", static_cast<int64_t>(report.journal_envelopes));
  o.Set("subtrees", static_cast<int64_t>(report.subtrees));
  o.Set("checkpoints", static_cast<int64_t>(report.checkpoints));
  o.Set("receipts", static_cast<int64_t>(report.receipts));
  o.Set("replica_rows", static_cast<int64_t>(report.replica_rows));
  o.Set("root", HexEncode(report.root));
  o.Set("replica_digest", HexEncode(report.replica_digest));
  o.Set("rebuilt_digest", HexEncode(report.rebuilt_digest));
  o.Set("problem_count", static_cast<int64_t>(report.problem_count));
  JsonObject by_code;
  for (const auto& [code, count] : report.problems_by_code)
    by_code.Set(code, static_cast<int64_t>(count));
  o.SetRaw("problems_by_code", by_code.ToString());
  if (!report.problems.empty()) o.SetRaw("first", FindingJson(report.problems.front()));
  o.SetRaw("problems", FindingsJson(report.problems));
  o.Set("warning_count", static_cast<int64_t>(report.warning_count));
  o.SetRaw("warnings", FindingsJson(report.warnings));
  std::cout << o.ToString() << "\n";
}

void PrintText(const AuditReport& report, const AuditTarget& target) {
  std::cout << "审计核对：" << target.db.string() << "（" << report.origin << "）\n"
            << "  日志 " << report.log_size << " 条，数据库中信封 " << report.journal_envelopes
            << " 个，子树哈希 " << report.subtrees << " 个，检查点 " << report.checkpoints
            << " 个，回执 " << report.receipts << " 份，副本行 " << report.replica_rows << " 行\n"
            << "  重算的日志根哈希 " << HexEncode(report.root) << "\n"
            << "  副本摘要 " << HexEncode(report.replica_digest) << "，由日志重建的摘要 "
            << HexEncode(report.rebuilt_digest) << "\n";
  for (const AuditFinding& warning : report.warnings) {
    std::cout << "提示：" << warning.message << "（" << warning.code << "）\n";
  }
  if (report.ok()) {
    std::cout << "核对通过：每个信封的哈希与签名、各节点的信封链、证书与吊销、默克尔树、全部检查点"
                 "和回执都成立，"
                 "副本与日志所含信封完全一致。\n";
    return;
  }
  const AuditFinding& first = report.problems.front();
  std::cout << "核对未通过。第一处不一致：\n  [" << first.code << "] " << first.message;
  if (!first.cause.empty()) std::cout << "（" << first.cause << "）";
  std::cout << "\n";
  if (report.problem_count > 1) {
    std::cout << "另有 " << report.problem_count - 1 << " 处不一致。按检查项：";
    for (const auto& [code, count] : report.problems_by_code)
      std::cout << " " << code << " " << count;
    std::cout << "\n";
    const size_t shown = std::min<size_t>(report.problems.size(), 20);
    for (size_t i = 1; i < shown; ++i) {
      std::cout << "  [" << report.problems[i].code << "] " << report.problems[i].message << "\n";
    }
    if (report.problem_count > shown)
      std::cout << "  ……（--json 列出前 " << kMaxAuditFindingsKept << " 处）\n";
  }
}

int RunAuditVerify(const Args& args) {
  Result<AuditTarget> target = TargetOf(args);
  if (!target.ok()) return ReportFailure(target.status(), args.json());
  AuditOptions options;
  const bool terminal = isatty(STDERR_FILENO) != 0;
  options.progress = [terminal](uint64_t done, uint64_t total) {
    // Progress on stderr: on a terminal one updating line, otherwise a line per 10,000.
    if (terminal) {
      Progress("核对日志", done, total);
    } else if (done % 10000 == 0 || done == total) {
      std::cerr << "核对日志 " << done << "/" << total << "\n";
    }
  };
  Result<AuditReport> report =
      target->home ? VerifyHubHome(*target->home, options) : VerifyHubDatabase(target->db, options);
  if (!report.ok()) return ReportFailure(report.status(), args.json());
  if (args.json()) {
    PrintJson(*report);
  } else {
    PrintText(*report, *target);
  }
  return report->ok() ? kExitOk : kExitFailed;
}

int RunAuditProof(const Args& args) {
  Result<AuditTarget> target = TargetOf(args);
  if (!target.ok()) return ReportFailure(target.status(), args.json());
  std::optional<std::string> envelope = args.Get("envelope");
  if (!envelope)
    return ReportFailure(Status::Invalid(kErrCliUsage, "需要 --envelope 信封编号"), args.json());
  Result<InclusionProofFile> proof = MakeEnvelopeProof(target->db, *envelope);
  if (!proof.ok()) return ReportFailure(proof.status(), args.json());
  const std::string text = FormatProofFile(*proof);
  std::optional<std::string> out = args.Get("out");
  if (out) {
    if (Status s = WriteFileAtomically(*out, AsBytes(text), 0644); !s.ok()) {
      return ReportFailure(s, args.json());
    }
  }
  if (args.json()) {
    JsonObject o;
    o.Set("envelope_id", HexEncode(proof->envelope_id));
    o.Set("index", static_cast<int64_t>(proof->index));
    o.Set("tree_size", static_cast<int64_t>(proof->tree_size));
    if (out) o.Set("file", *out);
    if (!out) o.Set("proof", text);
    std::cout << o.ToString() << "\n";
  } else if (out) {
    std::cout << "已写出收录证明 " << *out << "：信封 " << HexEncode(proof->envelope_id)
              << " 是审计日志第 " << proof->index << " 条，证明针对大小为 " << proof->tree_size
              << " 的已签名检查点。\n"
              << "村里可用 gongkai verify-proof " << *out << " 离线核对。\n";
  } else {
    std::cout << text;
  }
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> AuditVerifyCommands() {
  std::vector<CommandSpec> commands;
  {
    CommandSpec spec{
        "audit verify", "",
        "审计核对：由存储的信封重算全部哈希、签名、信封链、证书、默克尔树、检查点与副本"};
    spec.options = {kDbOption};
    spec.details =
        "只读，不需要网络，也不需要县根密钥口令；可在汇聚节点数据库的副本上运行。"
        "退出码 0 表示全部成立；否则退出码 "
        "1，并指出第一处不一致（日志序号、信封编号、检查项代码）及其余不一致的数目。"
        "进度写到标准错误。";
    spec.run = RunAuditVerify;
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"audit proof", "",
                     "为一个信封出具收录证明文件（针对最新的已签名检查点），供村里离线核对"};
    spec.options = {{"envelope", "ID", "信封编号（64 位十六进制，或至少 6 位的唯一前缀）"},
                    {"out", "FILE", "写入证明文件（默认打印到标准输出）"},
                    kDbOption};
    spec.details =
        "证明文件的格式见 hub/README.md 的 “Audit: verify and proof” 一节。村节点用 gongkai "
        "verify-proof FILE "
        "核对。";
    spec.run = RunAuditProof;
    commands.push_back(spec);
  }
  return commands;
}

}  // namespace gongkai
