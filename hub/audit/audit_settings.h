// The county's audit settings: deadlines and minimums that `gongkai-hub audit` judges by,
// set by the county office (`gongkai-hub config set KEY VALUE`, shown by `config show`) and
// kept in the hub replica's node-local `settings` table, so a copy of replica.db carries them.
//
//   key                          default  range     meaning
//   finance.deadline_day         15       1..28     a finance disclosure for a period is due
//                                                   by this day of the month after the
//                                                   period ends (2026Q3 -> 2026-10-15)
//   subsidy.min_publicity_days   7        1..366    shortest 公示期 of a subsidy list, days
//   audit.clock_skew_hours       24       1..8760   a writer's HLC further than this from the
//                                                   hub's receipt time is an alarm
//   audit.stale_days             30       1..3650   `audit stale` without --days
// Values are stored as decimal text. finance.deadline_day also syncs to every node
// (SetCountySetting), so that the clerk's home page reminds by the county's day. Thread-safety:
// through the replica, one thread.
#ifndef GONGKAI_HUB_AUDIT_AUDIT_SETTINGS_H_
#define GONGKAI_HUB_AUDIT_AUDIT_SETTINGS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hub/county/county.h"
#include "node/replica/replica.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kSettingFinanceDeadlineDay[] = "finance.deadline_day";
inline constexpr char kSettingSubsidyMinPublicityDays[] = "subsidy.min_publicity_days";
inline constexpr char kSettingClockSkewHours[] = "audit.clock_skew_hours";
inline constexpr char kSettingStaleDays[] = "audit.stale_days";

// Error codes.
inline constexpr char kErrAuditSettingKey[] = "audit.setting_key";      // unknown key
inline constexpr char kErrAuditSettingValue[] = "audit.setting_value";  // not in its range
// A stored value that does not parse or lies outside its range (hand-edited file).
inline constexpr char kErrAuditSettingStored[] = "audit.setting_stored";

struct AuditSettings {
  int64_t finance_deadline_day = 15;
  int64_t subsidy_min_publicity_days = 7;
  int64_t clock_skew_hours = 24;
  int64_t stale_days = 30;
};

struct AuditSettingInfo {
  std::string_view key;
  int64_t default_value;
  int64_t min;
  int64_t max;
  std::string_view meaning;  // Chinese, one line
  // Nodes use it too (the clerk's and the township's home pages): a change is also written
  // as a county_setting row (node/replica/county_setting.h), which syncs to every node.
  bool to_nodes = false;
};

// Every key, in the order of the table above.
const std::vector<AuditSettingInfo>& AuditSettingKeys();

// The settings, defaults for keys never set. Errors: audit.setting_stored, sql.*.
Result<AuditSettings> LoadAuditSettings(const Replica& replica);

// Sets `key` to `value` (decimal text). audit.setting_key for an unknown key,
// audit.setting_value for a value that is not a decimal integer in the key's range.
Status SetAuditSetting(Replica& replica, std::string_view key, std::string_view value);

// SetAuditSetting, and for a setting with to_nodes, in the same transaction a captured
// county_setting row with the value, unless the county's last row for it holds that value
// already (capture.* errors as for any capture).
Status SetCountySetting(County& county, std::string_view key, std::string_view value);

// For every to_nodes setting whose value in force differs from the county's last row for it
// (a hub home set before release 0.3 had the table), captures a row: one envelope for all.
// Returns how many rows were written. Run by `gongkai-hub serve` at start.
Result<int> PublishCountySettings(County& county);

// The value in force for `key` (the stored one or the default) and whether it was set.
struct AuditSettingValue {
  const AuditSettingInfo* info = nullptr;
  int64_t value = 0;
  bool set = false;
};
Result<std::vector<AuditSettingValue>> ShowAuditSettings(const Replica& replica);

}  // namespace gongkai

#endif  // GONGKAI_HUB_AUDIT_AUDIT_SETTINGS_H_
