#include "node/replica/synced_tables.h"

#include "protocol/schema.h"

namespace gongkai {

const std::vector<std::string_view>& SyncedTableNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const TableSpec& table : SyncedTables()) out.push_back(table.name);
    return out;
  }();
  return names;
}

}  // namespace gongkai
