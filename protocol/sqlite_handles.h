// Move-only owners for SQLite C handles, so that no handle leaks on an early return.
//
// Each owner frees its handle with the matching SQLite call when destroyed. They hold
// nothing else and add no locking: a handle is as thread-safe as SQLite makes it (gongkai
// uses one connection per thread).
//
// Order matters: a session (and any statement) must be destroyed before the database it was
// made on. C++ destroys members in reverse order of declaration, so declare the database
// first:
//     struct Capture {
//       SqliteDb db;            // destroyed last
//       SqliteSession session;  // destroyed first
//     };
// Requires SQLITE_ENABLE_SESSION and SQLITE_ENABLE_PREUPDATE_HOOK to be defined before
// sqlite3.h is included (the gongkai_protocol target defines both for its users).
#ifndef GONGKAI_PROTOCOL_SQLITE_HANDLES_H_
#define GONGKAI_PROTOCOL_SQLITE_HANDLES_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>

#include "protocol/bytes.h"

#if !defined(SQLITE_ENABLE_SESSION) || !defined(SQLITE_ENABLE_PREUPDATE_HOOK)
#error "define SQLITE_ENABLE_SESSION and SQLITE_ENABLE_PREUPDATE_HOOK before sqlite3.h"
#endif

namespace gongkai {

struct SqliteDbCloser {
  // close_v2: if a statement outlived its database by mistake, the connection is closed when
  // that statement is finalized instead of failing with SQLITE_BUSY and leaking.
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteStmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
struct SqliteSessionDeleter {
  void operator()(sqlite3_session* session) const { sqlite3session_delete(session); }
};
struct ChangesetIterFinalizer {
  // The iterator's error, if any, was already returned by sqlite3changeset_next.
  void operator()(sqlite3_changeset_iter* iter) const { sqlite3changeset_finalize(iter); }
};
struct SqliteFreer {
  void operator()(void* p) const { sqlite3_free(p); }
};

using SqliteDb = std::unique_ptr<sqlite3, SqliteDbCloser>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteStmtFinalizer>;
using SqliteSession = std::unique_ptr<sqlite3_session, SqliteSessionDeleter>;
using ChangesetIter = std::unique_ptr<sqlite3_changeset_iter, ChangesetIterFinalizer>;

// A buffer that SQLite allocated (sqlite3session_changeset and friends), freed with
// sqlite3_free. Adopt the pointer right after the call that produced it:
//     int size = 0;
//     void* data = nullptr;
//     int rc = sqlite3session_changeset(session, &size, &data);
//     SqliteBuffer changeset(data, size);  // owns data even when rc != SQLITE_OK
class SqliteBuffer {
 public:
  SqliteBuffer() = default;
  // Takes ownership of `data` (may be nullptr), `size` bytes long.
  SqliteBuffer(void* data, int size) : data_(data), size_(data != nullptr && size > 0 ? size : 0) {}

  ByteView view() const {
    if (!data_) return {};
    return ByteView(static_cast<const uint8_t*>(data_.get()), static_cast<size_t>(size_));
  }
  Bytes ToBytes() const {
    ByteView v = view();
    return Bytes(v.begin(), v.end());
  }

 private:
  std::unique_ptr<void, SqliteFreer> data_;
  int size_ = 0;
};

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_SQLITE_HANDLES_H_
