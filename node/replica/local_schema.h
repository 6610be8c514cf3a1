// The node-local tables of a replica: never attached to a session, never synced.
//
//   meta        key/value facts about the file itself: the replica format version and the
//               synced schema version it was created with (see replica.h).
//   settings    key/value: the node's identity (node id, role, region, certificate, root
//               public key), the persisted HLC value, and other configuration.
//   journal     every envelope this node holds, its own and received, with its header
//               fields copied out for queries, its exact bytes, where it came from and when.
//   provenance  for every synced row: its table, its primary key as text (kPkText below) and
//               the id of the envelope that brought it.
//   known_certificate  certificates given to this node outside envelopes (its own at
//               enrolment, the county's, any the hub hands over), so it can verify an
//               envelope whose signer's certificate row has not reached it yet. Each body
//               is verified under the root key when stored and again when used.
//   alarm       equivocations and other events a person must look at, with the bytes of both
//               envelopes involved.
//   sync_state  per peer: cursor (an opaque text the sync code owns), last attempt, last
//               success, last result.
//   draft       local drafts of disclosures before they are submitted.
//   schema_migration  every upgrade of a layout this file went through (migrate.h).
//
// All are STRICT tables. Identifiers (envelope ids) are stored as 64 lowercase hex digits so
// that a person reading the file with the sqlite3 shell can compare them with sha256sum.
#ifndef GONGKAI_NODE_REPLICA_LOCAL_SCHEMA_H_
#define GONGKAI_NODE_REPLICA_LOCAL_SCHEMA_H_

#include <array>
#include <span>
#include <string>
#include <string_view>

#include "node/replica/migrate.h"

namespace gongkai {

// The version of the node-local layout above. An older file is upgraded by the steps of
// LocalMigrations() when it is opened; a newer one is refused (replica.h). When a table
// changes: bump this, change LocalSchemaSql() for new files, and add the step that brings a
// file of the previous version to the same shape.
//   1  the first release
//   2  schema_migration
inline constexpr int kLocalSchemaVersion = 2;

// Names of the node-local tables, in creation order. A session never attaches these.
inline constexpr std::array<std::string_view, 9> kLocalTables = {
    "meta",  "settings",   "journal", "provenance",      "known_certificate",
    "alarm", "sync_state", "draft",   "schema_migration"};

// Journal status values (journal.status).
inline constexpr char kJournalApplied[] = "applied";  // its rows are in the synced tables
inline constexpr char kJournalOwn[] = "own";          // written here by capture

// Journal source for envelopes written by this node.
inline constexpr char kSourceLocal[] = "local";

// Alarm kinds (alarm.kind).
inline constexpr char kAlarmEquivocation[] = "equivocation";
inline constexpr char kAlarmBrokenLink[] = "broken_link";

// Draft categories as stored (draft.category).
inline constexpr std::array<std::string_view, 3> kDraftCategories = {"affairs", "finance",
                                                                     "subsidy"};

// The DDL of every node-local table at kLocalSchemaVersion, as one script (CREATE TABLE IF
// NOT EXISTS ...).
std::string LocalSchemaSql();

// The steps from version 1 up to kLocalSchemaVersion, one per version 2, 3, ...
std::span<const Migration> LocalMigrations();

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_LOCAL_SCHEMA_H_
