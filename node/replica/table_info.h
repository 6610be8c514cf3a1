// What the local database says about a table: its columns in order and its primary key.
// Used to check a changeset against the local schema before applying it, to name rows in
// provenance, and to walk rows in primary key order for the digest.
#ifndef GONGKAI_NODE_REPLICA_TABLE_INFO_H_
#define GONGKAI_NODE_REPLICA_TABLE_INFO_H_

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

#include "node/replica/statement_cache.h"
#include "protocol/status.h"

namespace gongkai {

struct TableInfo {
  std::string name;
  std::vector<std::string> columns;  // in declaration order
  std::vector<int> pk_columns;       // indexes into columns, in primary key order
  // Per column: true when it is part of the primary key (the changeset's PK flags).
  std::vector<bool> IsPkFlags() const;
};

// Reads PRAGMA table_info. A table that does not exist has no columns (not an error).
// The StatementCache form keeps its statement prepared there.
Result<TableInfo> ReadTableInfo(StatementCache& statements, std::string_view table);
Result<TableInfo> ReadTableInfo(sqlite3* db, std::string_view table);

// Double-quotes an identifier for SQL text.
std::string QuoteIdentifier(std::string_view name);

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_TABLE_INFO_H_
