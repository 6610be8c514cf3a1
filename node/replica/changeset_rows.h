// Reading a changeset against the local database: which regions its rows belong to, and
// whether the local tables can take it exactly (SQLite skips a change silently when the
// target table is missing or narrower, so this is checked before every apply).
#ifndef GONGKAI_NODE_REPLICA_CHANGESET_ROWS_H_
#define GONGKAI_NODE_REPLICA_CHANGESET_ROWS_H_

#include <sqlite3.h>

#include <set>
#include <string>

#include "node/replica/statement_cache.h"
#include "protocol/bytes.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrChangesetRead[] = "changeset.read";
inline constexpr char kErrChangesetNoRegion[] = "changeset.no_region";
inline constexpr char kErrSchemaMismatch[] = "replica.schema_mismatch";

// The distinct values of the `region` column of every row in `changeset`. Errors:
// changeset.read (malformed), changeset.no_region (a table without a region column, or a
// row whose region is not text).
Result<std::set<std::string>> ChangesetRegions(sqlite3* db, ByteView changeset);

// OK when every table the changeset touches exists locally with exactly the changeset's
// column count and the same primary key columns; replica.schema_mismatch otherwise, naming
// the table and what differs. The StatementCache form keeps its statement prepared there.
Status CheckLocalSchema(StatementCache& statements, ByteView changeset);
Status CheckLocalSchema(sqlite3* db, ByteView changeset);

// True when both values have the same type and the same bytes (integers and reals by value).
bool SqlValuesEqual(sqlite3_value* a, sqlite3_value* b);

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_CHANGESET_ROWS_H_
