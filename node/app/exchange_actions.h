// 同步 with the county hub and U盘数据包 (bundle files), for the commands and the web pages.
// The exchange itself is node/exchange/; these functions choose the hub address and the peer's
// last known holdings, and remember each sync attempt for the status page.
//
// Thread-safety: one call at a time per NodeSession (or per Replica for the bundle calls).
#ifndef GONGKAI_NODE_APP_EXCHANGE_ACTIONS_H_
#define GONGKAI_NODE_APP_EXCHANGE_ACTIONS_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "node/app/node_session.h"
#include "node/exchange/exchange.h"
#include "node/exchange/hub_sync.h"
#include "protocol/have.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrSyncNoHub[] = "sync.no_hub";
// sync_state.peer of the county hub.
inline constexpr char kHubPeer[] = "hub";
// Settings written by each sync that got an answer: the hub's clock minus this PC's, in ms
// (decimal text), and this PC's clock when it was measured.
inline constexpr char kSettingHubClockOffset[] = "hub_clock_offset_ms";
inline constexpr char kSettingHubClockMeasuredAt[] = "hub_clock_measured_at";

// What the last sync that got an answer measured of the hub's clock.
struct HubClockMeasure {
  int64_t offset_ms = 0;    // the hub's clock minus this PC's
  int64_t measured_at = 0;  // this PC's clock then
};
// The stored measure, or nullopt when no sync got an answer yet (or the settings are unreadable
// as numbers).
Result<std::optional<HubClockMeasure>> LoadHubClockMeasure(const Replica& replica);

struct SyncOutcome {
  std::string hub_url;
  SyncReport report;
  // The replica was restored from a backup and this sync brought back what the node had
  // signed since: writing is allowed again (kSettingRestoredFrom cleared).
  bool restore_confirmed = false;
};

// 同步: pushes what the hub lacks and pulls what this node lacks. The hub is `hub_url` when
// given, else the saved setting (kSettingHub) with its pinned TLS fingerprint. The attempt
// and its result code are recorded in sync_state (peer kHubPeer) whatever happens, and the
// hub's clock against this PC's (kSettingHubClockOffset) whenever the hub answered. When
// the stored difference is more than half the hub's window (kMaxRequestClockSkewMs), the
// requests are signed at this PC's clock plus it from the start, so a PC whose clock stays
// days off is not refused auth.clock once on every sync (the client still signs again at
// the measured time if the difference has changed). A complete sync clears
// kSettingRestoredFrom (restore_confirmed). Errors:
// sync.no_hub (no address known), sync.* and the hub's refusals (node/exchange/hub_sync.h).
// A report whose `refused` is not empty is still a result: the caller says what was refused.
// REQUIRES: a session opened with need_key.
Result<SyncOutcome> SyncNow(NodeSession& session, const std::optional<std::string>& hub_url);
// The same, with this PC's wall clock given (tests).
Result<SyncOutcome> SyncNow(NodeSession& session, const std::optional<std::string>& hub_url,
                            const std::function<int64_t()>& wall_clock_ms);

// The have summary last received from a node of `region` (from a bundle it made), or
// nullopt: an export for that region then sends only what it lacks.
Result<std::optional<HaveSummary>> PeerHaveForRegion(const Replica& replica,
                                                     std::string_view region);

struct BundleExportRequest {
  std::filesystem::path out;
  std::string for_region;         // "" = everything (a relay or a backup); else validated
  bool ignore_peer_have = false;  // write everything the region may read
  ExchangeProgressFn progress;
};

struct BundleExportOutcome {
  ExportReport report;
  bool used_peer_have = false;
};

// 导出数据包 for any replica and key (the node's, or the county's from gongkai-hub).
// Errors: region.* for a bad for_region, exchange.* and file errors.
Result<BundleExportOutcome> ExportBundleFile(const Replica& replica, const SecretKey& key,
                                             const BundleExportRequest& request);

// 导入数据包: checks the whole file, then each envelope. `after_import` (may be empty) runs
// on success before returning (the hub appends the new envelopes to its log there).
// A report with refusals is still a result (report.all_accepted() tells).
Result<ImportReport> ImportBundleFile(
    Replica& replica, const std::filesystem::path& path, const ExchangeProgressFn& progress,
    const std::function<Status(const ImportReport&)>& after_import = {});

}  // namespace gongkai

#endif  // GONGKAI_NODE_APP_EXCHANGE_ACTIONS_H_
