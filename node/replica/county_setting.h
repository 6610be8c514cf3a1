// The county's settings for every node, as rows of the synced county_setting table
// (protocol/schema.h): the hub writes a row when the county office changes a setting
// (`gongkai-hub config set`, hub/audit/audit_settings.h); the row reaches each node with the
// county's envelopes, online or in a bundle, and the row with the highest hlc is in force.
// Thread-safety: through the caller's connection, one thread at a time.
#ifndef GONGKAI_NODE_REPLICA_COUNTY_SETTING_H_
#define GONGKAI_NODE_REPLICA_COUNTY_SETTING_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "node/replica/capture.h"
#include "protocol/status.h"

namespace gongkai {

// The value in force for `setting` in county `county` (6 digits), or nullopt when the county
// has never set it. Errors: sql.*.
Result<std::optional<int64_t>> CountySetting(sqlite3* db, std::string_view setting,
                                             std::string_view county);

// Inserts the row for `setting` = `value` in county `county`, stamped by a capture; its id is
// the hex SHA-256 of setting, value and hlc. REQUIRES: inside Capture's writes.
Status InsertCountySettingRow(sqlite3* db, const CaptureStamp& stamp, std::string_view setting,
                              int64_t value, std::string_view county);

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_COUNTY_SETTING_H_
