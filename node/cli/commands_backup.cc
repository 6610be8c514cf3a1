// gongkai backup / restore, and the same for gongkai-hub (BackupCommands).
#include <ctime>
#include <iostream>

#include "node/app/backup_actions.h"
#include "node/cli/commands.h"
#include "node/json/json_text.h"
#include "node/replica/home.h"
#include "protocol/certificate_file.h"
#include "protocol/file_io.h"
#include "protocol/wall_clock.h"

namespace gongkai {

namespace {

std::string LocalTime(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &tm);
  return text;
}

std::string Megabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

JsonObject SummaryJson(const BackupSummary& s) {
  JsonObject o;
  o.Set("kind", s.kind == BackupKind::kHub ? "hub" : "node");
  o.Set("made_at_ms", s.made_at_ms);
  o.Set("node_id", s.node_id);
  o.Set("region", s.region);
  o.Set("journal", s.journal);
  o.Set("own_last_seq", s.own_last_seq);
  o.Set("database_bytes", static_cast<int64_t>(s.database_bytes));
  o.SetRaw("files", JsonStringArray(s.files));
  return o;
}

BackupProgress ProgressFor(const Args& args) {
  if (args.json()) return {};
  return
      [](std::string_view stage, uint64_t done, uint64_t total) { Progress(stage, done, total); };
}

int RunBackup(const Args& args, BackupKind kind, const std::vector<std::string>& required) {
  Result<std::string> home = HomeDir(args, kind == BackupKind::kHub);
  if (!home.ok()) return ReportFailure(home.status(), args.json());
  const std::string out = *args.Get("out");
  Result<std::string> passphrase = ReadPassphrase(args, "请设置备份口令（恢复时要用）：", true);
  if (!passphrase.ok()) return ReportFailure(passphrase.status(), args.json());
  if (passphrase->empty()) {
    return ReportFailure(Status::Invalid(kErrCliUsage, "备份口令不能为空"), args.json());
  }
  BackupRequest request;
  request.home = *home;
  request.kind = kind;
  request.required_files = required;
  request.out = out;
  request.params = args.Has("fast-kdf") ? kKdfInteractive : kKdfDefault;
  request.now_ms = WallClockMs();
  Result<BackupSummary> made = BackupHome(request, *passphrase, ProgressFor(args));
  if (!made.ok()) return ReportFailure(made.status(), args.json());
  JsonObject json = SummaryJson(*made);
  json.Set("file", out);
  std::string text = "已备份数据目录 " + *home + " 到 " + out + "：数据库 " +
                     Megabytes(made->database_bytes) + "，" + std::to_string(made->files.size()) +
                     " 个文件，记录 " + std::to_string(made->journal) + " 条";
  if (kind == BackupKind::kNode) {
    text += "（本机已签发到第 " + std::to_string(made->own_last_seq) + " 条）";
  }
  text += "。\n备份文件已用口令加密：请把它和口令分开保管，口令丢了就无法恢复。";
  return Emit(args, json.ToString(), text);
}

int RunRestore(const Args& args, BackupKind kind) {
  Result<std::string> home = HomeDir(args, kind == BackupKind::kHub);
  if (!home.ok()) return ReportFailure(home.status(), args.json());
  const std::string from = *args.Get("from");
  Result<std::string> passphrase = ReadPassphrase(args, "备份口令：", false);
  if (!passphrase.ok()) return ReportFailure(passphrase.status(), args.json());
  Result<RestoreSummary> done = RestoreHome(from, *home, kind, *passphrase, args.Has("replace"),
                                            WallClockMs(), ProgressFor(args));
  if (!done.ok()) return ReportFailure(done.status(), args.json());
  JsonObject json;
  json.SetRaw("backup", SummaryJson(done->backup).ToString());
  json.Set("home", done->home);
  json.Set("replaced", done->replaced);
  json.SetRaw("must_sync", done->must_sync ? "true" : "false");
  std::string text = "已从 " + from + " 恢复到 " + done->home + "（备份时间 " +
                     LocalTime(done->backup.made_at_ms) + "，记录 " +
                     std::to_string(done->backup.journal) + " 条）。";
  if (!done->replaced.empty()) text += "\n原来的数据目录移到了 " + done->replaced + "，没有删除。";
  if (done->must_sync) {
    text +=
        "\n备份之后本机可能还写过记录。为免重号，同步之前本机不能写入新的记录："
        "请先运行 gongkai sync（或在界面上点 同步），备份之后本机已传到县级平台的记录会取回来。";
  } else {
    text +=
        "\n请注意：备份之后才收到的记录要由各节点再次同步；各节点手里比备份新的检查点会与恢复后的"
        "日志不一致并报警，这是如实的记录，请县级平台说明情况。";
  }
  return Emit(args, json.ToString(), text);
}

}  // namespace

std::vector<CommandSpec> BackupCommands(BackupKind kind, std::vector<std::string> required) {
  const bool hub = kind == BackupKind::kHub;
  std::vector<CommandSpec> commands;
  {
    CommandSpec spec{"backup", "",
                     hub ? "备份县级平台的数据和密钥（服务运行时也可以做）"
                         : "备份本机数据和密钥（服务运行时也可以做）"};
    spec.options = {{"out", "FILE", "备份文件（必填）"},
                    {"passphrase-file", "FILE", "从文件第一行读取备份口令（默认在终端输入两次）"},
                    {"fast-kdf", "", "口令加密用较快的参数（仅供测试和演示）"}};
    spec.details =
        "复制时不必停止服务：数据库用 SQLite 的在线备份复制，得到某一时刻完整一致的副本。"
        "备份文件包括数据库、密钥和数据目录中的其他文件，整个用口令加密（Argon2id + "
        "XChaCha20-Poly1305）。";
    spec.run = [kind, required](const Args& args) {
      if (!args.Get("out")) {
        return ReportFailure(Status::Invalid(kErrCliUsage, "请用 --out FILE 给出备份文件"),
                             args.json());
      }
      return RunBackup(args, kind, required);
    };
    commands.push_back(spec);
  }
  {
    CommandSpec spec{"restore", "",
                     hub ? "从备份文件恢复县级平台的数据目录" : "从备份文件恢复本机的数据目录"};
    spec.options = {{"from", "FILE", "备份文件（必填）"},
                    {"passphrase-file", "FILE", "从文件第一行读取备份口令（默认在终端输入）"},
                    {"replace", "", "数据目录已有文件时用备份替换（原文件移到旁边保留）"}};
    spec.details =
        hub ? "恢复前先检查整个备份文件和其中的数据库；原有数据目录不会删除，而是改名保留。"
              "恢复前请先停止 gongkai-hub 服务。"
            : "恢复前先检查整个备份文件和其中的数据库；原有数据目录不会删除，而是改名保留。"
              "恢复后本机在与县级平台完整同步一次之前不能写入新的记录：这样备份之后本机签发过的"
              "记录会先取回来，不会有两条不同的记录用同一个序号。";
    spec.run = [kind](const Args& args) {
      if (!args.Get("from")) {
        return ReportFailure(Status::Invalid(kErrCliUsage, "请用 --from FILE 给出备份文件"),
                             args.json());
      }
      return RunRestore(args, kind);
    };
    commands.push_back(spec);
  }
  return commands;
}

namespace {

int RunRebuild(const Args& args) {
  Result<std::string> home = HomeDir(args, false);
  if (!home.ok()) return ReportFailure(home.status(), args.json());
  const std::string certificate = *args.Get("certificate");
  Result<Bytes> file = ReadCertificateFile(certificate);
  if (!file.ok()) return ReportFailure(file.status(), args.json());
  const std::vector<std::string_view> keep = NodeConfigKeys();
  Result<RebuildSummary> done = RebuildReplica(*home, *file, keep, WallClockMs());
  if (!done.ok()) return ReportFailure(done.status(), args.json());
  JsonObject json;
  json.Set("home", *home);
  json.Set("damaged", done->damaged);
  json.Set("node_id", done->node_id);
  json.Set("region", done->region);
  json.SetRaw("kept_settings", JsonStringArray(done->kept_settings));
  json.SetRaw("must_sync", "true");
  std::string text = "已为本节点（" + done->region + "）新建数据库，密钥和证书不变。";
  if (!done->damaged.empty()) text += "\n损坏的文件移到了 " + done->damaged + "，没有删除。";
  if (!done->kept_settings.empty()) {
    text += "\n从损坏的文件中取回了设置：";
    for (const std::string& k : done->kept_settings) text += " " + k;
  }
  text +=
      "\n请现在运行 gongkai sync（或在界面上点 同步）：本机传到县级平台的记录和县里、乡镇的记录"
      "会全部取回；取回之前本机不能写入新的记录。只在损坏的文件里、还没同步出去的记录取不回来，"
      "请把损坏的文件交给县政务公开办。";
  return Emit(args, json.ToString(), text);
}

}  // namespace

std::vector<CommandSpec> NodeBackupCommands() {
  std::vector<CommandSpec> commands = BackupCommands(BackupKind::kNode, {kNodeKeyFileName});
  CommandSpec spec{"rebuild", "",
                   "数据库损坏又没有备份时：用本机密钥和证书文件新建数据库，再同步取回"};
  spec.options = {{"certificate", "FILE", "本节点登记时的证书文件（必填）"}};
  spec.details =
      "只在数据库损坏时可用（完好的数据库会拒绝重建）。损坏的 replica.db 改名留在原处，不删除；"
      "能读出的本机设置（汇聚服务器地址、监督电话等）带到新数据库。新数据库在与县级平台完整同步"
      "一次之前不写入新记录，同步后接着县里保存的记录编号继续，不会重号。证书文件找不到时，"
      "把损坏的文件移开后运行 gongkai init --region … --name … 用同一把密钥重新申请，"
      "县里登记后得到同一份证书。";
  spec.run = [](const Args& args) {
    if (!args.Get("certificate")) {
      return ReportFailure(Status::Invalid(kErrCliUsage, "请用 --certificate FILE 给出证书文件"),
                           args.json());
    }
    return RunRebuild(args);
  };
  commands.push_back(spec);
  return commands;
}

}  // namespace gongkai
