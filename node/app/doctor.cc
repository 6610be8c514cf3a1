#include "node/app/doctor.h"

#include <httplib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "node/app/exchange_actions.h"
#include "node/app/node_session.h"
#include "node/app/node_status.h"
#include "node/app/status_message.h"
#include "node/exchange/hub_client.h"
#include "node/exchange/hub_sync.h"
#include "node/exchange/tls_pin.h"
#include "node/replica/home.h"
#include "node/replica/node_key.h"
#include "node/replica/sql.h"
#include "node/replica/trust.h"
#include "printing/pdf_render.h"

namespace gongkai {

namespace {

DoctorCheck Check(std::string id, CheckLevel level, std::string message, std::string advice = {}) {
  return MakeCheck(std::move(id), level, std::move(message), std::move(advice));
}

std::string MegaBytes(uint64_t bytes) { return std::to_string(bytes >> 20) + " MB"; }

std::string Duration(int64_t ms) {
  const int64_t hours = ms / 3'600'000;
  if (hours >= 24) return std::to_string(hours / 24) + " 天" + std::to_string(hours % 24) + " 小时";
  if (hours > 0) return std::to_string(hours) + " 小时";
  return std::to_string(ms / 60'000) + " 分钟";
}

DoctorCheck CheckDatabase(const Result<NodeSession>& session, const std::filesystem::path& db) {
  const std::string advice =
      "不要再在这台电脑上录入；请联系县级管理员，从备份或县汇聚服务器恢复本节点的数据库";
  if (!session.ok()) {
    const std::string code = session.status().code();
    if (code == kErrReplicaNotEnrolled) {
      return Check("database", CheckLevel::kFail, ChineseMessage(session.status()),
                   "运行 gongkai init 登记本节点");
    }
    return Check("database", CheckLevel::kFail,
                 "数据库文件 " + db.string() + " 打不开：" + ChineseMessage(session.status()) +
                     "（" + code + "）",
                 advice);
  }
  return CheckDatabaseFile(session->replica->db(), db, advice);
}

DoctorCheck CheckCertificate(NodeSession& session, const std::filesystem::path& dir) {
  // The session opened the certificate under the county root key already.
  Result<bool> revoked = IsRevoked(session.replica->db(), session.identity.node_id);
  if (!revoked.ok()) {
    return Check("certificate", CheckLevel::kFail,
                 "无法查看本节点证书是否被吊销：" + ChineseMessage(revoked.status()));
  }
  if (*revoked) {
    return Check("certificate", CheckLevel::kFail,
                 "本节点（" + session.node_name + "）的证书已被县级吊销，数据不再被接受",
                 "请联系县级管理员重新登记本节点（gongkai init）");
  }
  const std::filesystem::path key_path = dir / kNodeKeyFileName;
  Result<SecretKey> key = LoadNodeKey(key_path);
  if (!key.ok()) {
    return Check("certificate", CheckLevel::kFail,
                 "密钥文件 " + key_path.string() + " 无法读取：" + ChineseMessage(key.status()),
                 "从备份恢复 node.key；没有备份时请联系县级管理员重新登记");
  }
  if (key->node_id() != session.identity.node_id) {
    return Check("certificate", CheckLevel::kFail,
                 "密钥文件 " + key_path.string() + " 不是本节点登记的密钥",
                 "从本节点的备份恢复 node.key；请联系县级管理员");
  }
  return Check("certificate", CheckLevel::kOk,
               "本节点证书有效（" + session.node_name + "），密钥文件与之相符");
}

DoctorCheck CheckClock(const NodeStatus& status, int64_t now_ms) {
  if (!status.hub_clock_offset_ms) {
    return Check("clock", CheckLevel::kOk, "尚未与县汇聚服务器对过时（从未联网同步）");
  }
  const std::string wrong = DescribeClockOffset(*status.hub_clock_offset_ms);
  const std::string when =
      "（" + Duration(now_ms - status.hub_clock_measured_at) + "前同步时测得）";
  if (!wrong.empty()) {
    return Check("clock", CheckLevel::kWarn, wrong + when,
                 "请在电脑右下角校准日期和时间；同步不受影响，但本机记下的时间会不准");
  }
  return Check("clock", CheckLevel::kOk, "本机时钟与县汇聚服务器相符" + when);
}

DoctorCheck CheckHub(const Replica& replica, int timeout_seconds) {
  Result<std::optional<Bytes>> url_setting = replica.GetSetting(kSettingHub);
  Result<std::optional<Bytes>> pin_setting = replica.GetSetting(kSettingHubTlsPin);
  if (!url_setting.ok() || !pin_setting.ok()) {
    return Check("hub", CheckLevel::kFail, "无法读取汇聚服务器设置");
  }
  auto text = [](const std::optional<Bytes>& v) {
    return v ? std::string(v->begin(), v->end()) : std::string();
  };
  const std::string url = text(*url_setting);
  const std::string pin = text(*pin_setting);
  if (url.empty()) {
    return Check("hub", CheckLevel::kOk, "未设置县汇聚服务器地址：本节点只用U盘数据包同步",
                 "需要联网同步时：gongkai config set hub URL");
  }
  if (Status form = CheckHubUrl(url, pin); !form.ok()) {
    return Check(
        "hub", CheckLevel::kFail, "汇聚服务器设置有误：" + ChineseMessage(form),
        "向县级管理员要正确的地址和证书指纹，用 gongkai config set hub / hub-fingerprint 设置");
  }
  const bool https = url.starts_with("https://");
  std::unique_ptr<TlsPin> tls_pin;
  if (https) tls_pin = std::make_unique<TlsPin>(*ParseTlsFingerprint(pin));
  httplib::Client client(url);
  if (https) {
    // As HubClient: the pin replaces certificate authorities and host names.
    client.enable_server_certificate_verification(false);
    InstallTlsPin(client.ssl_context(), tls_pin.get());
  }
  client.set_connection_timeout(timeout_seconds, 0);
  client.set_read_timeout(timeout_seconds, 0);
  client.set_write_timeout(timeout_seconds, 0);
  httplib::Result answer = client.Get("/v1/health");
  if (tls_pin && tls_pin->mismatch()) {
    return Check("hub", CheckLevel::kFail,
                 "汇聚服务器 " + url + " 的 TLS 证书指纹是 " + tls_pin->seen() + "，与记下的 " +
                     tls_pin->expected() + " 不同",
                 "可能连到了别的机器；请与县级管理员核对指纹后再同步");
  }
  if (!answer) {
    return Check("hub", CheckLevel::kFail,
                 "连不上县汇聚服务器 " + url + "（" + httplib::to_string(answer.error()) + "）",
                 "检查网线或网络；仍不行时请县级管理员确认服务器已开机，或改用U盘数据包同步");
  }
  if (answer->status != 200) {
    return Check("hub", CheckLevel::kFail,
                 "县汇聚服务器 " + url + " 回答异常（HTTP " + std::to_string(answer->status) + "）",
                 "请联系县级管理员");
  }
  return Check("hub", CheckLevel::kOk,
               "县汇聚服务器 " + url + " 可以连通" + (https ? "，TLS 证书指纹相符" : ""));
}

DoctorCheck CheckOutbox(const NodeSession& session, int64_t now_ms) {
  Result<Statement> stmt = Statement::Prepare(
      session.replica->db(),
      "SELECT count(*), ifnull(min(received_at), 0) FROM journal WHERE origin = ?"
      " AND status = 'own'");
  if (!stmt.ok()) return Check("outbox", CheckLevel::kFail, "无法查看待送出的数据包");
  stmt->Bind(1, NodeIdHex(session.identity.node_id));
  Result<bool> row = stmt->Step();
  if (!row.ok() || !*row) return Check("outbox", CheckLevel::kFail, "无法查看待送出的数据包");
  const int64_t count = stmt->ColumnInt(0);
  const int64_t oldest = stmt->ColumnInt(1);
  if (count == 0) return Check("outbox", CheckLevel::kOk, "没有待送出的数据包");
  const std::string waiting =
      std::to_string(count) + " 个数据包未获县级回执，最早的已等待 " + Duration(now_ms - oldest);
  if (now_ms - oldest > kDoctorPendingWarnMs) {
    return Check("outbox", CheckLevel::kWarn, waiting,
                 "请运行 gongkai sync，或导出U盘数据包（gongkai bundle export）送到乡镇或县里");
  }
  return Check("outbox", CheckLevel::kOk, waiting);
}

DoctorCheck CheckPrinter(const PrinterProbe& probe) {
  if (!probe.lpstat_found) {
    return Check("printer", CheckLevel::kWarn, "找不到 lpstat：本机没有安装打印服务 CUPS",
                 "请安装 cups 和 cups-client，再添加打印机");
  }
  if (probe.queue.empty()) {
    return Check(
        "printer", CheckLevel::kWarn, "没有设置默认打印机",
        "在“打印机”设置中添加 A3 打印机并设为默认（lpadmin -d 队列名），或打印时用 --printer");
  }
  if (!probe.exists) {
    return Check("printer", CheckLevel::kFail, "打印队列 " + probe.queue + " 不存在",
                 "用 lpstat -p 查看有哪些打印队列");
  }
  if (!probe.accepting) {
    return Check("printer", CheckLevel::kFail, "打印队列 " + probe.queue + " 不接受任务",
                 "检查打印机是否开机、缺纸或卡纸；然后运行 cupsaccept " + probe.queue +
                     " 和 cupsenable " + probe.queue);
  }
  return Check("printer", CheckLevel::kOk, "打印队列 " + probe.queue + " 正常接受任务");
}

DoctorCheck CheckFont(const Status& font) {
  if (!font.ok()) {
    return Check("font", CheckLevel::kFail, ChineseMessage(font),
                 "请安装 fonts-noto-cjk（公示单用 Noto Sans CJK SC 字体）");
  }
  return Check("font", CheckLevel::kOk, std::string("公示单字体 ") + kSheetFontFamily + " 已安装");
}

// Runs `argv` without a shell; its standard output, or nullopt when it could not start.
struct Ran {
  int exit_code = -1;
  std::string out;
};
std::optional<Ran> RunProgram(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return std::nullopt;
  const pid_t child = fork();
  if (child < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return std::nullopt;
  }
  if (child == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  Ran ran;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0) ran.out.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status)) return std::nullopt;
  if (WEXITSTATUS(status) == 127) return std::nullopt;
  ran.exit_code = WEXITSTATUS(status);
  return ran;
}

}  // namespace

DoctorCheck MakeCheck(std::string id, CheckLevel level, std::string message, std::string advice) {
  return DoctorCheck{std::move(id), level, std::move(message), std::move(advice)};
}

DoctorCheck CheckDataFolder(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Check("home", CheckLevel::kFail, "数据目录 " + dir.string() + " 不存在或不是目录",
                 "确认 --home 或 GONGKAI_HOME 指向本节点的数据目录；新电脑请先运行 gongkai init");
  }
  // Writing a file is the only test that also holds for root and read-only mounts.
  const std::filesystem::path probe = dir / ".doctor-write-test";
  {
    std::ofstream out(probe, std::ios::binary | std::ios::trunc);
    out << "gongkai";
    out.flush();
    if (!out) {
      std::filesystem::remove(probe, ec);
      return Check("home", CheckLevel::kFail, "数据目录 " + dir.string() + " 不能写入",
                   "检查磁盘是否只读或已拔出，以及本账户对该目录的权限");
    }
  }
  std::filesystem::remove(probe, ec);
  const std::filesystem::space_info space = std::filesystem::space(dir, ec);
  if (ec) return Check("home", CheckLevel::kWarn, "无法查看数据目录所在磁盘的剩余空间");
  if (space.available < kDoctorMinFreeBytes) {
    return Check("home", CheckLevel::kFail,
                 "数据目录所在磁盘只剩 " + MegaBytes(space.available) + "，写入会失败",
                 "删除不需要的文件（旧的导出文件、下载的文件）或换更大的磁盘");
  }
  if (space.available < kDoctorLowFreeBytes) {
    return Check("home", CheckLevel::kWarn, "数据目录所在磁盘只剩 " + MegaBytes(space.available),
                 "尽快清理磁盘，剩余空间低于 100 MB 时将无法保存");
  }
  return Check("home", CheckLevel::kOk,
               "数据目录 " + dir.string() + " 可写，剩余 " + MegaBytes(space.available));
}

DoctorCheck CheckDatabaseFile(sqlite3* db, const std::filesystem::path& file,
                              const std::string& advice) {
  Result<std::string> check = QuickCheck(db);
  if (!check.ok()) {
    return Check("database", CheckLevel::kFail,
                 "数据库文件 " + file.string() + " 无法检查：" + ChineseMessage(check.status()) +
                     "（" + check.status().code() + "）",
                 advice);
  }
  if (*check != "ok") {
    return Check("database", CheckLevel::kFail,
                 "数据库文件 " + file.string() + " 已损坏（" + *check + "）", advice);
  }
  return Check("database", CheckLevel::kOk, "数据库文件 " + file.string() + " 完整");
}

std::string_view CheckLevelName(CheckLevel level) {
  switch (level) {
    case CheckLevel::kOk:
      return "ok";
    case CheckLevel::kWarn:
      return "warn";
    case CheckLevel::kFail:
      return "fail";
  }
  return "fail";
}

bool DoctorAllOk(const std::vector<DoctorCheck>& checks) {
  for (const DoctorCheck& c : checks) {
    if (c.level != CheckLevel::kOk) return false;
  }
  return true;
}

PrinterProbe ProbePrinterWithLpstat(const std::optional<std::string>& queue) {
  PrinterProbe probe;
  if (queue) {
    probe.queue = *queue;
  } else {
    // "system default destination: NAME" (C locale); nothing when none is set.
    std::optional<Ran> d = RunProgram({"env", "LC_ALL=C", "lpstat", "-d"});
    if (!d) {
      probe.lpstat_found = false;
      return probe;
    }
    const size_t colon = d->out.find("destination: ");
    if (colon == std::string::npos) return probe;
    probe.queue = d->out.substr(colon + 13);
    while (!probe.queue.empty() && isspace(static_cast<unsigned char>(probe.queue.back()))) {
      probe.queue.pop_back();
    }
    if (probe.queue.empty()) return probe;
  }
  // "NAME accepting requests since ..." or "NAME not accepting requests ..."; exit 1 when
  // there is no such queue.
  std::optional<Ran> a = RunProgram({"env", "LC_ALL=C", "lpstat", "-a", probe.queue});
  if (!a) {
    probe.lpstat_found = false;
    return probe;
  }
  probe.exists = a->exit_code == 0 && !a->out.empty();
  probe.accepting = probe.exists && a->out.find("not accepting") == std::string::npos;
  return probe;
}

std::vector<DoctorCheck> RunNodeDoctor(const std::string& home, const DoctorOptions& options) {
  const int64_t now = options.now_ms != 0 ? options.now_ms : WallClockMs();
  const std::filesystem::path dir(home);
  std::vector<DoctorCheck> checks;
  checks.push_back(CheckDataFolder(dir));
  Result<NodeSession> session = OpenNodeSession(home, false);
  checks.push_back(CheckDatabase(session, dir / kReplicaFileName));
  const bool usable = session.ok() && checks.back().level == CheckLevel::kOk;
  if (usable) {
    checks.push_back(CheckCertificate(*session, dir));
    Result<NodeStatus> status = ReadNodeStatus(*session);
    if (status.ok()) {
      checks.push_back(CheckClock(*status, now));
    } else {
      checks.push_back(Check("clock", CheckLevel::kFail,
                             "无法读取上次同步测得的时差：" + ChineseMessage(status.status())));
    }
    checks.push_back(CheckHub(*session->replica, options.hub_timeout_seconds));
    checks.push_back(CheckOutbox(*session, now));
  } else {
    const std::pair<const char*, const char*> skipped[] = {{"certificate", "本节点证书"},
                                                           {"clock", "时钟"},
                                                           {"hub", "县汇聚服务器"},
                                                           {"outbox", "待送出的数据包"}};
    for (const auto& [id, what] : skipped) {
      checks.push_back(Check(id, CheckLevel::kFail, std::string(what) + "：数据库有问题，未能检查",
                             "先解决上面数据库的问题"));
    }
  }
  checks.push_back(CheckPrinter(options.probe_printer ? options.probe_printer(options.printer)
                                                      : ProbePrinterWithLpstat(options.printer)));
  checks.push_back(CheckFont(options.check_font ? options.check_font() : CheckSheetFont()));
  return checks;
}

}  // namespace gongkai
