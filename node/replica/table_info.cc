#include "node/replica/table_info.h"

#include <algorithm>
#include <utility>

#include "node/replica/sql.h"

namespace gongkai {

std::vector<bool> TableInfo::IsPkFlags() const {
  std::vector<bool> flags(columns.size(), false);
  for (int c : pk_columns) flags[static_cast<size_t>(c)] = true;
  return flags;
}

Result<TableInfo> ReadTableInfo(StatementCache& statements, std::string_view table) {
  GK_ASSIGN_OR_RETURN(const std::vector<StatementCache::Column>* columns,
                      statements.Columns(table));
  TableInfo info;
  info.name = std::string(table);
  std::vector<std::pair<int64_t, int>> pk_order;  // (position in key, column)
  for (const StatementCache::Column& column : *columns) {
    if (column.pk > 0) pk_order.emplace_back(column.pk, static_cast<int>(info.columns.size()));
    info.columns.push_back(column.name);
  }
  std::sort(pk_order.begin(), pk_order.end());
  for (const auto& [position, column] : pk_order) info.pk_columns.push_back(column);
  return info;
}

Result<TableInfo> ReadTableInfo(sqlite3* db, std::string_view table) {
  StatementCache once(db);
  return ReadTableInfo(once, table);
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace gongkai
