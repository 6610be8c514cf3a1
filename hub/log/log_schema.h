// The hub's node-local tables of the county audit log, in the hub's replica.db beside the
// replica's own tables, so that a copy of that one file is the whole hub database.
//
//   log_entry         one row per logged envelope, idx 0, 1, 2, ... (log_store.h)
//   log_subtree       hashes of the complete subtrees of the Merkle tree (log_store.h)
//   log_checkpoint    every checkpoint the hub signed: size, root, the signed note (log.h)
//   log_receipt       the receipt issued for each logged envelope, exact bytes (log.h)
//   refused_envelope  envelopes the hub refused, with the reason (refused.h)
//
// All STRICT; envelope ids are 64 lowercase hex digits, as in the journal, so that a person
// with the sqlite3 shell can join them and compare them with sha256sum.
//
// In the replica's meta table: the layout version under kMetaHubLogVersion, and
// LogStore::AppendMissing's journal cursor (log_store.h).
//
// The layout version is kept in the replica's meta table under kMetaHubLogVersion. A file of
// an older version is upgraded by HubLogMigrations() in one transaction
// (node/replica/migrate.h); a newer one is refused (log.schema_version) and left untouched,
// so that no table of the same name and another shape is ever written to.
#ifndef GONGKAI_HUB_LOG_LOG_SCHEMA_H_
#define GONGKAI_HUB_LOG_LOG_SCHEMA_H_

#include <sqlite3.h>

#include <cstdint>
#include <span>

#include "node/replica/migrate.h"

#include "protocol/status.h"

namespace gongkai {

inline constexpr char kMetaHubLogVersion[] = "hub_log_version";
//   1  the first release
//   2  refused_request (refused_request.h) is part of the layout
inline constexpr int kHubLogVersion = 2;

inline constexpr char kErrLogSchemaVersion[] = "log.schema_version";

// The steps from version 1 up to kHubLogVersion, one per version 2, 3, ...
std::span<const Migration> HubLogMigrations();

// Creates the tables above if missing, or upgrades an older layout, and records the layout
// version, in one transaction (or savepoint, inside the caller's transaction); `now_ms` is
// the time recorded in schema_migration. REQUIRES: the replica's node-local tables exist
// (Replica::Open made them). Errors: log.schema_version, sql.*.
Status CreateLogTables(sqlite3* db, int64_t now_ms);
// The same, recording the system clock's time.
Status CreateLogTables(sqlite3* db);

}  // namespace gongkai

#endif  // GONGKAI_HUB_LOG_LOG_SCHEMA_H_
