#include "node/app/exchange_actions.h"

#include <charconv>
#include <cstdlib>

#include "node/exchange/hub_client.h"
#include "node/exchange/peer_state.h"
#include "node/exchange/tls_pin.h"
#include "node/replica/sql.h"
#include "protocol/region.h"
#include "protocol/request_auth.h"

namespace gongkai {

namespace {

void RecordAttempt(sqlite3* db, int64_t now_ms, const Status& result) {
  // Best effort: the sync's own outcome is what the caller reports.
  auto stmt = Statement::Prepare(
      db,
      "INSERT INTO sync_state(peer, last_attempt_at, last_success_at, last_result)"
      " VALUES (?1, ?2, CASE WHEN ?3 = '' THEN ?2 END, ?3) ON CONFLICT(peer) DO UPDATE SET"
      " last_attempt_at=?2, last_success_at=CASE WHEN ?3 = '' THEN ?2 ELSE last_success_at END,"
      " last_result=?3");
  if (!stmt.ok()) return;
  stmt->Bind(1, kHubPeer).Bind(2, now_ms).Bind(3, result.ok() ? std::string() : result.code());
  (void)stmt->Step();
}

Result<std::string> SettingText(const Replica& replica, std::string_view key) {
  GK_ASSIGN_OR_RETURN(std::optional<Bytes> value, replica.GetSetting(key));
  return value ? std::string(value->begin(), value->end()) : std::string();
}

}  // namespace

Result<std::optional<HubClockMeasure>> LoadHubClockMeasure(const Replica& replica) {
  GK_ASSIGN_OR_RETURN(std::string offset, SettingText(replica, kSettingHubClockOffset));
  GK_ASSIGN_OR_RETURN(std::string measured, SettingText(replica, kSettingHubClockMeasuredAt));
  HubClockMeasure measure;
  const auto [o_end, o_error] =
      std::from_chars(offset.data(), offset.data() + offset.size(), measure.offset_ms);
  const auto [m_end, m_error] =
      std::from_chars(measured.data(), measured.data() + measured.size(), measure.measured_at);
  if (offset.empty() || measured.empty() || o_error != std::errc() || m_error != std::errc() ||
      o_end != offset.data() + offset.size() || m_end != measured.data() + measured.size()) {
    return std::optional<HubClockMeasure>();
  }
  return std::optional<HubClockMeasure>(measure);
}

Result<SyncOutcome> SyncNow(NodeSession& session, const std::optional<std::string>& hub_url) {
  return SyncNow(session, hub_url, WallClockMs);
}

Result<SyncOutcome> SyncNow(NodeSession& session, const std::optional<std::string>& hub_url,
                            const std::function<int64_t()>& wall_clock_ms) {
  Replica& replica = *session.replica;
  SyncOutcome outcome;
  if (hub_url) {
    outcome.hub_url = *hub_url;
  } else {
    GK_ASSIGN_OR_RETURN(outcome.hub_url, SettingText(replica, kSettingHub));
    if (outcome.hub_url.empty()) {
      return Status::Invalid(kErrSyncNoHub,
                             "没有汇聚服务器地址：用 --hub URL，或 gongkai config set hub URL");
    }
  }
  // A damaged file is not synced from: what it would send or take in could spread the
  // damage. quick_check reads every page (milliseconds for a village's replica).
  Result<std::string> check = QuickCheck(replica.db());
  if (!check.ok()) return check.status();
  if (*check != "ok") {
    return Status::IoError(kErrSqlCorrupt, "数据库文件完整性检查未通过（" + *check +
                                               "），为免传出或写入损坏的数据，本次没有同步");
  }
  GK_ASSIGN_OR_RETURN(std::string pin, SettingText(replica, kSettingHubTlsPin));
  GK_ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                      HubClient::Create(outcome.hub_url, *session.key, wall_clock_ms, {}, pin));
  GK_ASSIGN_OR_RETURN(std::optional<HubClockMeasure> measure, LoadHubClockMeasure(replica));
  if (measure && std::abs(measure->offset_ms) > kMaxRequestClockSkewMs / 2) {
    client->set_signing_offset_ms(measure->offset_ms);
  }
  const int64_t now = wall_clock_ms();
  Result<SyncReport> report = SyncWithHub(replica, *client, now);
  RecordAttempt(replica.db(), now, report.status());
  if (std::optional<int64_t> offset = client->hub_clock_offset_ms()) {
    // For status and doctor; a failure to note it does not change the sync's result.
    (void)replica.PutSetting(kSettingHubClockOffset, AsBytes(std::to_string(*offset)));
    (void)replica.PutSetting(kSettingHubClockMeasuredAt, AsBytes(std::to_string(now)));
  }
  if (!report.ok()) return report.status();
  outcome.report = std::move(*report);
  // A complete sync brought back every envelope of this node that the hub holds: a replica
  // restored from a backup may write again (kSettingRestoredFrom).
  GK_ASSIGN_OR_RETURN(std::optional<Bytes> restored, replica.GetSetting(kSettingRestoredFrom));
  if (restored.has_value()) {
    GK_ASSIGN_OR_RETURN(Statement clear,
                        Statement::Prepare(replica.db(), "DELETE FROM settings WHERE key = ?"));
    clear.Bind(1, std::string_view(kSettingRestoredFrom));
    GK_RETURN_IF_ERROR(clear.Run());
    outcome.restore_confirmed = true;
  }
  return outcome;
}

Result<std::optional<HaveSummary>> PeerHaveForRegion(const Replica& replica,
                                                     std::string_view region) {
  GK_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(replica.db(),
                                                         "SELECT node_id FROM certificate WHERE"
                                                         " subject_region = ? ORDER BY hlc DESC"));
  stmt.Bind(1, region);
  std::optional<PeerHave> best;
  while (true) {
    GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    Result<Bytes> id = HexDecode(stmt.ColumnText(0));
    if (!id.ok() || id->size() != kNodeIdSize) continue;
    NodeId node{};
    std::copy(id->begin(), id->end(), node.begin());
    GK_ASSIGN_OR_RETURN(std::optional<PeerHave> have, LoadPeerHave(replica, BundlePeerName(node)));
    if (have && (!best || have->as_of > best->as_of)) best = std::move(have);
  }
  if (!best) return std::optional<HaveSummary>();
  return std::optional<HaveSummary>(std::move(best->have));
}

Result<BundleExportOutcome> ExportBundleFile(const Replica& replica, const SecretKey& key,
                                             const BundleExportRequest& request) {
  ExportOptions options;
  options.for_region = request.for_region;
  if (!options.for_region.empty()) {
    GK_RETURN_IF_ERROR(ValidateRegion(options.for_region));
    if (!request.ignore_peer_have) {
      GK_ASSIGN_OR_RETURN(options.peer_have, PeerHaveForRegion(replica, options.for_region));
    }
  }
  options.progress = request.progress;
  GK_ASSIGN_OR_RETURN(ExportReport report, ExportBundle(replica, key, request.out, options));
  return BundleExportOutcome{std::move(report), options.peer_have.has_value()};
}

Result<ImportReport> ImportBundleFile(
    Replica& replica, const std::filesystem::path& path, const ExchangeProgressFn& progress,
    const std::function<Status(const ImportReport&)>& after_import) {
  ImportOptions options;
  options.progress = progress;
  GK_ASSIGN_OR_RETURN(ImportReport report, ImportBundle(replica, path, options));
  if (after_import) GK_RETURN_IF_ERROR(after_import(report));
  return report;
}

}  // namespace gongkai
