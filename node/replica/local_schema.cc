#include "node/replica/local_schema.h"

namespace gongkai {

namespace {

// CHECKs hold the invariants that code relies on, so a hand-edited file cannot smuggle in a
// journal row the chain code would misread.
constexpr std::string_view kSql = R"sql(
CREATE TABLE IF NOT EXISTS meta(
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS settings(
  key TEXT PRIMARY KEY NOT NULL,
  value BLOB NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS journal(
  envelope_id TEXT PRIMARY KEY NOT NULL CHECK(length(envelope_id) = 64),
  origin TEXT NOT NULL CHECK(length(origin) = 32),
  seq INTEGER NOT NULL CHECK(seq >= 1),
  prev TEXT NOT NULL CHECK(length(prev) = 64),
  hlc INTEGER NOT NULL,
  region TEXT NOT NULL,
  bytes BLOB NOT NULL,
  received_at INTEGER NOT NULL,
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  UNIQUE(origin, seq)
) STRICT;
CREATE INDEX IF NOT EXISTS journal_region ON journal(region);

CREATE TABLE IF NOT EXISTS provenance(
  tbl TEXT NOT NULL,
  pk TEXT NOT NULL,
  envelope_id TEXT NOT NULL REFERENCES journal(envelope_id),
  PRIMARY KEY(tbl, pk)
) STRICT;
CREATE INDEX IF NOT EXISTS provenance_envelope ON provenance(envelope_id);

CREATE TABLE IF NOT EXISTS known_certificate(
  node_id TEXT PRIMARY KEY NOT NULL CHECK(length(node_id) = 32),
  body BLOB NOT NULL,
  added_at INTEGER NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS alarm(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  origin TEXT NOT NULL,
  seq INTEGER NOT NULL,
  held_envelope_id TEXT NOT NULL,
  held_bytes BLOB NOT NULL,
  other_envelope_id TEXT NOT NULL,
  other_bytes BLOB NOT NULL,
  source TEXT NOT NULL,
  raised_at INTEGER NOT NULL,
  message TEXT NOT NULL,
  UNIQUE(held_envelope_id, other_envelope_id)
) STRICT;

CREATE TABLE IF NOT EXISTS sync_state(
  peer TEXT PRIMARY KEY NOT NULL,
  cursor TEXT NOT NULL DEFAULT '',
  last_attempt_at INTEGER,
  last_success_at INTEGER,
  last_result TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE IF NOT EXISTS draft(
  id TEXT PRIMARY KEY NOT NULL,
  category TEXT NOT NULL CHECK(category IN ('affairs', 'finance', 'subsidy')),
  title TEXT NOT NULL,
  period TEXT NOT NULL,
  body TEXT NOT NULL,
  items_json TEXT NOT NULL DEFAULT '[]' CHECK(json_valid(items_json)),
  publicity_days INTEGER NOT NULL CHECK(publicity_days >= 1),
  publicity_from TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL,
  based_on TEXT
) STRICT;
)sql";

}  // namespace

std::string LocalSchemaSql() { return std::string(kSql) + std::string(MigrationTableSql()); }

std::span<const Migration> LocalMigrations() {
  static const Migration kSteps[] = {
      {2, "schema_migration: 记录数据库的每次升级", MigrationTableSql()},
  };
  return kSteps;
}

}  // namespace gongkai
