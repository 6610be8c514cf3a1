#include "node/replica/county_setting.h"

#include <string>

#include "node/replica/sql.h"
#include "protocol/sha256.h"

namespace gongkai {

Result<std::optional<int64_t>> CountySetting(sqlite3* db, std::string_view setting,
                                             std::string_view county) {
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "SELECT value FROM county_setting WHERE setting = ? AND"
                                         " region = ? ORDER BY hlc DESC, setting_id LIMIT 1"));
  stmt.Bind(1, setting).Bind(2, county);
  GK_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.ColumnInt(0));
}

Status InsertCountySettingRow(sqlite3* db, const CaptureStamp& stamp, std::string_view setting,
                              int64_t value, std::string_view county) {
  const std::string id_input =
      std::string(setting) + '\0' + std::to_string(value) + '\0' + std::to_string(stamp.hlc);
  GK_ASSIGN_OR_RETURN(Statement stmt,
                      Statement::Prepare(db,
                                         "INSERT INTO county_setting(setting_id, setting, value,"
                                         " origin, hlc, region) VALUES(?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, HashHex(Sha256(AsBytes(id_input))))
      .Bind(2, setting)
      .Bind(3, value)
      .Bind(4, std::string_view(stamp.origin))
      .Bind(5, static_cast<int64_t>(stamp.hlc))
      .Bind(6, county);
  return stmt.Run();
}

}  // namespace gongkai
