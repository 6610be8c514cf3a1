#include "hub/audit/audit_settings.h"

#include <charconv>

#include "node/replica/capture.h"
#include "node/replica/county_setting.h"

namespace gongkai {

namespace {

std::optional<int64_t> ParseSettingValue(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

const AuditSettingInfo* FindKey(std::string_view key) {
  for (const AuditSettingInfo& info : AuditSettingKeys()) {
    if (info.key == key) return &info;
  }
  return nullptr;
}

}  // namespace

const std::vector<AuditSettingInfo>& AuditSettingKeys() {
  static const std::vector<AuditSettingInfo> keys = {
      {kSettingFinanceDeadlineDay, 15, 1, 28, "财务公开期限：期末次月的第几日前须经乡镇审核通过",
       true},
      {kSettingSubsidyMinPublicityDays, 7, 1, 366, "惠农补贴公示期最少天数"},
      {kSettingClockSkewHours, 24, 1, 8760, "节点时钟与县级接收时间相差超过此小时数即告警"},
      {kSettingStaleDays, 30, 1, 3650, "audit stale 默认天数：超过此天数未同步的节点"},
  };
  return keys;
}

Result<std::vector<AuditSettingValue>> ShowAuditSettings(const Replica& replica) {
  std::vector<AuditSettingValue> out;
  for (const AuditSettingInfo& info : AuditSettingKeys()) {
    AuditSettingValue value{&info, info.default_value, false};
    GK_ASSIGN_OR_RETURN(std::optional<Bytes> stored, replica.GetSetting(info.key));
    if (stored) {
      const std::string text(stored->begin(), stored->end());
      std::optional<int64_t> parsed = ParseSettingValue(text);
      if (!parsed || *parsed < info.min || *parsed > info.max) {
        return Status::Invalid(kErrAuditSettingStored,
                               "县级设置 " + std::string(info.key) + " 的存储值无效：" + text);
      }
      value.value = *parsed;
      value.set = true;
    }
    out.push_back(value);
  }
  return out;
}

Result<AuditSettings> LoadAuditSettings(const Replica& replica) {
  GK_ASSIGN_OR_RETURN(std::vector<AuditSettingValue> values, ShowAuditSettings(replica));
  AuditSettings settings;
  for (const AuditSettingValue& v : values) {
    if (v.info->key == kSettingFinanceDeadlineDay) settings.finance_deadline_day = v.value;
    if (v.info->key == kSettingSubsidyMinPublicityDays)
      settings.subsidy_min_publicity_days = v.value;
    if (v.info->key == kSettingClockSkewHours) settings.clock_skew_hours = v.value;
    if (v.info->key == kSettingStaleDays) settings.stale_days = v.value;
  }
  return settings;
}

namespace {

// The setting `key` and `value` read as its integer, or why it cannot be set.
Result<std::pair<const AuditSettingInfo*, int64_t>> CheckAuditSetting(std::string_view key,
                                                                      std::string_view value) {
  const AuditSettingInfo* info = FindKey(key);
  if (info == nullptr) {
    std::string known;
    for (const AuditSettingInfo& k : AuditSettingKeys()) known += " " + std::string(k.key);
    return Status::Invalid(kErrAuditSettingKey,
                           "没有县级设置项 " + std::string(key) + "；可设置：" + known);
  }
  std::optional<int64_t> parsed = ParseSettingValue(value);
  if (!parsed || *parsed < info->min || *parsed > info->max) {
    return Status::Invalid(kErrAuditSettingValue, std::string(key) + " 须为 " +
                                                      std::to_string(info->min) + " 到 " +
                                                      std::to_string(info->max) +
                                                      " 之间的整数，不能是 " + std::string(value));
  }
  return std::pair{info, *parsed};
}

Status PutAuditSetting(Replica& replica, std::string_view key, int64_t value) {
  const std::string text = std::to_string(value);
  return replica.PutSetting(key,
                            ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

}  // namespace

Status SetAuditSetting(Replica& replica, std::string_view key, std::string_view value) {
  GK_ASSIGN_OR_RETURN(auto checked, CheckAuditSetting(key, value));
  return PutAuditSetting(replica, key, checked.second);
}

}  // namespace gongkai

namespace gongkai {

namespace {

// Captures one county_setting row per (setting, value), with `also` run in the same
// transaction.
Status CaptureCountySettings(County& county,
                             const std::vector<std::pair<std::string, int64_t>>& rows,
                             const std::function<Status()>& also) {
  GK_ASSIGN_OR_RETURN(Hlc last, county.replica().LastHlc());
  county.clock().Observe(last);
  return Capture(county.replica(), county.hub_key(), county.clock(),
                 [&](sqlite3* db, const CaptureStamp& stamp) -> Status {
                   for (const auto& [setting, value] : rows) {
                     GK_RETURN_IF_ERROR(
                         InsertCountySettingRow(db, stamp, setting, value, county.code()));
                   }
                   return also ? also() : Status::Ok();
                 })
      .status();
}

}  // namespace

Status SetCountySetting(County& county, std::string_view key, std::string_view value) {
  // Checked first: a value that cannot be set captures nothing.
  GK_ASSIGN_OR_RETURN(auto checked, CheckAuditSetting(key, value));
  const AuditSettingInfo* info = checked.first;
  const int64_t parsed = checked.second;
  auto put = [&] { return PutAuditSetting(county.replica(), key, parsed); };
  if (!info->to_nodes) return put();
  GK_ASSIGN_OR_RETURN(std::optional<int64_t> last,
                      CountySetting(county.replica().db(), key, county.code()));
  if (last == parsed) return put();
  return CaptureCountySettings(county, {{std::string(key), parsed}}, put);
}

Result<int> PublishCountySettings(County& county) {
  GK_ASSIGN_OR_RETURN(std::vector<AuditSettingValue> values, ShowAuditSettings(county.replica()));
  std::vector<std::pair<std::string, int64_t>> rows;
  for (const AuditSettingValue& v : values) {
    if (!v.info->to_nodes) continue;
    GK_ASSIGN_OR_RETURN(std::optional<int64_t> last,
                        CountySetting(county.replica().db(), v.info->key, county.code()));
    // A default never set and never published is what every node assumes already.
    if (last ? *last != v.value : v.set) rows.emplace_back(std::string(v.info->key), v.value);
  }
  if (rows.empty()) return 0;
  GK_RETURN_IF_ERROR(CaptureCountySettings(county, rows, {}));
  return static_cast<int>(rows.size());
}

}  // namespace gongkai
