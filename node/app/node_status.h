// What a node holds and what waits, for `gongkai status`, `gongkai alarms` and the home page.
//
// Thread-safety: one call at a time per NodeSession.
#ifndef GONGKAI_NODE_APP_NODE_STATUS_H_
#define GONGKAI_NODE_APP_NODE_STATUS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "node/app/node_session.h"
#include "node/exchange/hub_refusal.h"
#include "node/replica/alarm.h"
#include "node/workflow/disclosure_view.h"
#include "protocol/certificate.h"
#include "protocol/status.h"

namespace gongkai {

struct NodeStatus {
  std::string node_id;  // 64 hex
  std::string name;     // from the certificate
  Role role = Role::kVillage;
  std::string region;
  std::map<DisclosureStatus, int64_t> disclosures;  // how many in each state
  int64_t conflicts = 0;          // disclosures with concurrent versions to resolve
  int64_t envelopes = 0;          // in the journal
  int64_t own_envelopes = 0;      // written by this node
  int64_t pending_envelopes = 0;  // this node's, without a county receipt yet (待送出)
  int64_t alarms = 0;
  int64_t hub_refused = 0;           // envelopes the hub refused
  int64_t hub_refused_withheld = 0;  // of those, refused for good and no longer offered
  int64_t last_sync_ms = 0;          // last successful sync with the hub; 0 = never
  // The hub's clock minus this PC's at the last sync that got an answer, and when that was
  // (this PC's clock); nullopt before any.
  std::optional<int64_t> hub_clock_offset_ms;
  int64_t hub_clock_measured_at = 0;
  // Restored from a backup made at this time (ms) and not yet synced: writing is refused
  // (kSettingRestoredFrom); 0 otherwise.
  int64_t restored_from_backup_ms = 0;
};

// A difference from the hub's clock beyond this is told as a wrong clock.
inline constexpr int64_t kClockWarnMs = 2 * 60 * 1000;

// "本机时钟比汇聚服务器慢 3 天 2 小时" (or 快, down to minutes) when |offset_ms| >
// kClockWarnMs; "" otherwise. `offset_ms` is the hub's clock minus this PC's.
std::string DescribeClockOffset(int64_t offset_ms);

// Counts as above. Errors: replica.* when the replica cannot be read.
Result<NodeStatus> ReadNodeStatus(NodeSession& session);

// 告警 and the hub's refusals, oldest first.
struct NodeAlarms {
  std::vector<Alarm> alarms;
  std::vector<HubRefusal> refusals;
};
Result<NodeAlarms> ReadNodeAlarms(NodeSession& session);

}  // namespace gongkai

#endif  // GONGKAI_NODE_APP_NODE_STATUS_H_
