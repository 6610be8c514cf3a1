// Move-only owners of SQLite handles used by node/ until protocol/ offers its own.
#ifndef GONGKAI_NODE_SQLITE_OWNERS_H_
#define GONGKAI_NODE_SQLITE_OWNERS_H_

#include <sqlite3.h>

#include <memory>

namespace gongkai {

struct SqliteDbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteStatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
struct SqliteSessionDeleter {
  void operator()(sqlite3_session* session) const { sqlite3session_delete(session); }
};
struct SqliteChangesetIterFinalizer {
  void operator()(sqlite3_changeset_iter* iter) const { sqlite3changeset_finalize(iter); }
};
struct SqliteFreer {
  void operator()(void* p) const { sqlite3_free(p); }
};

using SqliteDb = std::unique_ptr<sqlite3, SqliteDbCloser>;
using SqliteStatement = std::unique_ptr<sqlite3_stmt, SqliteStatementFinalizer>;
using SqliteSession = std::unique_ptr<sqlite3_session, SqliteSessionDeleter>;
using SqliteChangesetIter = std::unique_ptr<sqlite3_changeset_iter, SqliteChangesetIterFinalizer>;
using SqliteBuffer = std::unique_ptr<void, SqliteFreer>;

}  // namespace gongkai

#endif  // GONGKAI_NODE_SQLITE_OWNERS_H_
