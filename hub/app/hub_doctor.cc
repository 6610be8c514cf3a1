#include "hub/app/hub_doctor.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "hub/audit/audit_common.h"
#include "hub/audit/audit_settings.h"
#include "hub/audit/audit_stale.h"
#include "hub/county/county.h"
#include "hub/server/tls_certificate.h"
#include "node/app/node_session.h"
#include "node/app/status_message.h"
#include "node/replica/home.h"
#include "node/replica/sql.h"

namespace gongkai {

namespace {

constexpr char kRestoreAdvice[] =
    "停止 gongkai-hub serve，从备份恢复县级目录；请勿在损坏的文件上继续运行";

DoctorCheck CheckKeys(const std::filesystem::path& dir) {
  for (const char* name : {kRootKeyFileName, kHubKeyFileName}) {
    const std::filesystem::path path = dir / name;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return MakeCheck("keys", CheckLevel::kFail, "密钥文件 " + path.string() + " 不存在",
                       "从备份恢复该文件；没有备份时县级根密钥无法找回，请联系上级");
    }
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
      return MakeCheck("keys", CheckLevel::kFail, "密钥文件 " + path.string() + " 无法读取",
                       "检查该文件的所有者和权限（应为运行 gongkai-hub 的账户，权限 600）");
    }
    std::fclose(file);
    if ((st.st_mode & 077) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%03o", st.st_mode & 0777);
      return MakeCheck("keys", CheckLevel::kFail,
                       "密钥文件 " + path.string() + " 的权限是 " + mode + "，其他账户也能读取",
                       "运行 chmod 600 " + path.string());
    }
  }
  return MakeCheck("keys", CheckLevel::kOk, "根密钥和汇聚服务器密钥文件齐全，只有本账户可读");
}

DoctorCheck CheckTls(const std::filesystem::path& dir, int64_t now_ms) {
  const std::filesystem::path path = dir / kTlsCertificateFileName;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return MakeCheck("tls", CheckLevel::kOk, "未配置 TLS 证书：汇聚服务器以 http 提供服务");
  }
  Result<int64_t> not_after = TlsCertificateNotAfter(path);
  if (!not_after.ok()) {
    return MakeCheck("tls", CheckLevel::kFail, "TLS 证书 " + path.string() + " 无法读取",
                     "用 gongkai-hub tls init --replace 重新生成，并把新指纹告诉各节点");
  }
  const int64_t left_seconds = *not_after - now_ms / 1000;
  const int64_t days = left_seconds / 86400;
  const std::string renew = "用 gongkai-hub tls init --replace 重新生成，并把新指纹告诉各节点";
  if (left_seconds <= 0) {
    return MakeCheck("tls", CheckLevel::kFail, "TLS 证书 " + path.string() + " 已过期", renew);
  }
  if (days < kDoctorTlsWarnDays) {
    return MakeCheck("tls", CheckLevel::kWarn, "TLS 证书还有 " + std::to_string(days) + " 天过期",
                     renew);
  }
  return MakeCheck("tls", CheckLevel::kOk,
                   "TLS 证书有效，还有 " + std::to_string(days) + " 天到期");
}

DoctorCheck CheckLog(sqlite3* db) {
  // The log's tables are made when the hub first serves (or imports a bundle).
  Result<std::optional<int64_t>> tables = QueryInt(
      db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'log_entry'");
  if (tables.ok() && tables->value_or(0) == 0) {
    return MakeCheck("log", CheckLevel::kWarn, "汇聚日志尚未建立：汇聚服务从未启动过",
                     "运行 gongkai-hub serve 启动汇聚服务");
  }
  Result<std::optional<int64_t>> entries = QueryInt(db, "SELECT count(*) FROM log_entry");
  Result<std::optional<int64_t>> journal = QueryInt(db, "SELECT count(*) FROM journal");
  Result<std::optional<int64_t>> checkpoint = QueryInt(db, "SELECT max(size) FROM log_checkpoint");
  Result<std::optional<int64_t>> last = QueryInt(db, "SELECT max(idx) + 1 FROM log_entry");
  if (!entries.ok() || !journal.ok() || !checkpoint.ok() || !last.ok()) {
    return MakeCheck("log", CheckLevel::kFail, "无法读取汇聚日志", kRestoreAdvice);
  }
  const int64_t n = entries->value_or(0);
  const int64_t envelopes = journal->value_or(0);
  // Other commands (the console, the audit queries) may make the log's tables before the hub
  // has ever served; nothing logged and nothing signed is a hub not yet started.
  if (n == 0 && !checkpoint->has_value()) {
    return MakeCheck("log", CheckLevel::kWarn, "汇聚日志尚未建立：汇聚服务从未启动过",
                     "运行 gongkai-hub serve 启动汇聚服务");
  }
  if (n != envelopes) {
    return MakeCheck("log", CheckLevel::kFail,
                     "汇聚日志有 " + std::to_string(n) + " 条，数据库中的数据包却有 " +
                         std::to_string(envelopes) + " 个，两者不一致",
                     "运行 gongkai-hub audit verify 查明，并请县级技术人员处理");
  }
  if (n > 0 && checkpoint->value_or(-1) != last->value_or(0)) {
    return MakeCheck(
        "log", CheckLevel::kFail,
        "汇聚日志的最新检查点缺失（日志 " + std::to_string(n) + " 条，最新检查点 " +
            std::to_string(checkpoint->value_or(0)) + " 条）",
        "重启 gongkai-hub serve（启动时签出检查点）；仍不行请运行 gongkai-hub audit verify");
  }
  return MakeCheck("log", CheckLevel::kOk,
                   "汇聚日志 " + std::to_string(n) + " 条，与数据包一致，最新检查点齐全");
}

DoctorCheck CheckStale(County& county, int64_t now_ms) {
  Result<AuditSettings> settings = LoadAuditSettings(county.replica());
  Result<NodeDirectory> nodes =
      LoadNodeDirectory(county.replica().db(), NodeIdHex(county.hub_key().node_id()));
  if (!settings.ok() || !nodes.ok()) {
    return MakeCheck("stale", CheckLevel::kFail, "无法读取已登记的节点");
  }
  Result<std::vector<StaleNode>> stale =
      AuditStale(county.replica().db(), *nodes, settings->stale_days, now_ms);
  if (!stale.ok()) return MakeCheck("stale", CheckLevel::kFail, ChineseMessage(stale.status()));
  if (!stale->empty()) {
    return MakeCheck("stale", CheckLevel::kWarn,
                     std::to_string(stale->size()) + " 个节点已超过 " +
                         std::to_string(settings->stale_days) + " 天没有数据送到",
                     "用 gongkai-hub audit stale 查看是哪些节点，电话询问其电脑和网络");
  }
  return MakeCheck("stale", CheckLevel::kOk,
                   "所有节点在 " + std::to_string(settings->stale_days) + " 天内都有数据送到");
}

DoctorCheck CheckRefusals(sqlite3* db, int64_t now_ms) {
  Result<std::optional<int64_t>> n =
      QueryInt(db, "SELECT count(*) FROM refused_envelope WHERE last_received_at >= " +
                       std::to_string(now_ms - kDoctorRefusalWindowMs));
  if (!n.ok()) return MakeCheck("refusals", CheckLevel::kFail, "无法读取拒收记录");
  if (n->value_or(0) > 0) {
    return MakeCheck("refusals", CheckLevel::kWarn,
                     "近 7 天拒收了 " + std::to_string(n->value_or(0)) + " 个数据包",
                     "用 gongkai-hub audit alarms 查看原因");
  }
  return MakeCheck("refusals", CheckLevel::kOk, "近 7 天没有拒收数据包");
}

}  // namespace

std::vector<DoctorCheck> RunHubDoctor(const std::string& home, int64_t now_ms) {
  if (now_ms == 0) now_ms = WallClockMs();
  const std::filesystem::path dir(home);
  const std::filesystem::path db = dir / kReplicaFileName;
  std::vector<DoctorCheck> checks;
  checks.push_back(CheckDataFolder(dir));
  Result<County> county = OpenCounty(dir);
  if (county.ok()) {
    checks.push_back(CheckDatabaseFile(county->replica().db(), db, kRestoreAdvice));
  } else {
    const bool missing = county.status().code() == kErrCountyNotInitialised;
    checks.push_back(MakeCheck(
        "database", CheckLevel::kFail,
        "县级目录打不开：" + ChineseMessage(county.status()) + "（" + county.status().code() + "）",
        missing ? "确认 --home 指向县级目录，或用 gongkai-hub init 建立" : kRestoreAdvice));
  }
  checks.push_back(CheckKeys(dir));
  checks.push_back(CheckTls(dir, now_ms));
  if (county.ok() && checks[1].level == CheckLevel::kOk) {
    checks.push_back(CheckLog(county->replica().db()));
    checks.push_back(CheckStale(*county, now_ms));
    checks.push_back(CheckRefusals(county->replica().db(), now_ms));
  } else {
    const std::pair<const char*, const char*> skipped[] = {
        {"log", "汇聚日志"}, {"stale", "久未联系的节点"}, {"refusals", "拒收记录"}};
    for (const auto& [id, what] : skipped) {
      checks.push_back(MakeCheck(id, CheckLevel::kFail,
                                 std::string(what) + "：数据库有问题，未能检查",
                                 "先解决上面数据库的问题"));
    }
  }
  return checks;
}

}  // namespace gongkai
