#include "node/replica/statement_cache.h"

#include <utility>

namespace gongkai {

Result<StatementCache::Use> StatementCache::Get(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    GK_ASSIGN_OR_RETURN(Statement prepared, Statement::Prepare(db_, sql));
    found = statements_.emplace(std::string(sql), std::move(prepared)).first;
  }
  return Use(&found->second);
}

Result<const std::vector<StatementCache::Column>*> StatementCache::Columns(std::string_view table) {
  int64_t version = 0;
  {
    GK_ASSIGN_OR_RETURN(Use query, Get("PRAGMA schema_version"));
    GK_ASSIGN_OR_RETURN(bool row, query->Step());
    if (row) version = query->ColumnInt(0);
  }
  if (version != schema_version_) {
    columns_.clear();
    schema_version_ = version;
  }
  auto found = columns_.find(table);
  if (found != columns_.end()) return &found->second;
  std::vector<Column> columns;
  {
    GK_ASSIGN_OR_RETURN(Use query, Get("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid"));
    query->Bind(1, table);
    while (true) {
      GK_ASSIGN_OR_RETURN(bool row, query->Step());
      if (!row) break;
      columns.push_back(Column{query->ColumnText(0), query->ColumnInt(1)});
    }
  }
  return &columns_.emplace(std::string(table), std::move(columns)).first->second;
}

}  // namespace gongkai
