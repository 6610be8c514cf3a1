// Numbered upgrades of a database layout made by an older release.
//
// A layout (the replica's node-local tables, or the hub's log tables) records its version in
// the meta table under a key of its own. When a newer release opens a file, MigrateLayout
// runs every step above the recorded version, in order, inside one transaction: either the
// file reaches the version this build writes, or it is left exactly as it was. Each step run
// is recorded in the table schema_migration (layout, version, what, applied_at), so that a
// person can see when a file was upgraded; a file created at the current version records
// one row with what = kMigrationCreated.
//
// A file whose version is above the build's is refused and left untouched: an older release
// cannot know what a newer one's tables mean. The synced tables (protocol/schema.h) are a
// layout too ("synced", kSchemaVersion), whose steps only ever add a table: the shape of a
// table that syncs is part of the wire format and never changes in place.
//
// Thread-safety: none; runs on the caller's connection.
#ifndef GONGKAI_NODE_REPLICA_MIGRATE_H_
#define GONGKAI_NODE_REPLICA_MIGRATE_H_

#include <sqlite3.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "protocol/status.h"

namespace gongkai {

// One upgrade: run on a file at version to_version - 1, it leaves the file at to_version.
struct Migration {
  int to_version = 0;
  std::string_view what;  // one line, for schema_migration.what and the error messages
  std::string_view sql;   // one or more statements, run as a script
};

// What a layout is called and how its refusals read.
struct LayoutName {
  std::string_view layout;      // schema_migration.layout: "local", "hub_log"
  std::string_view meta_key;    // where meta holds the version
  std::string_view error_code;  // e.g. replica.schema_version
  std::string_view label;       // for messages, e.g. "本地表"
};

inline constexpr char kMigrationCreated[] = "created";

// The table that records the steps run. Created by the local layout's step 2, and by a new
// replica's schema; shared by every layout of the file.
std::string_view MigrationTableSql();

// Brings the layout `name` of `db` (the file at `path`, for messages) from the version
// `found` recorded in meta to `target`, running steps[found - 1 .. target - 2]: `steps` must
// hold exactly one step per version 2..target, in order. Does nothing when found == target.
// Refuses (name.error_code, kInvalid) a found version above target or below 1, and a step
// list with a gap. A failing step rolls back every step (the file is untouched) and its
// error is returned with the step named. Inside a caller's transaction the steps run in a
// savepoint and commit with it.
Status MigrateLayout(sqlite3* db, std::string_view path, const LayoutName& name, int found,
                     int target, std::span<const Migration> steps, int64_t now_ms);

// Records that the layout `name` was created at `version` (a new file). REQUIRES: the
// schema_migration table exists.
Status RecordLayoutCreated(sqlite3* db, const LayoutName& name, int version, int64_t now_ms);

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_MIGRATE_H_
