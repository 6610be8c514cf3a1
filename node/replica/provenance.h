// Provenance: which envelope brought each synced row.
//
// A row is named by its table and its primary key as text (PkText): a one-column key is its
// value as text (INTEGER in decimal, TEXT as is, BLOB as lowercase hex); a key of several
// columns is a JSON array of those texts, e.g. ["9f2c...", "3"]. The first envelope that
// inserted a row is recorded; a later envelope carrying the identical row (omitted on apply)
// does not change it.
#ifndef GONGKAI_NODE_REPLICA_PROVENANCE_H_
#define GONGKAI_NODE_REPLICA_PROVENANCE_H_

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/replica/statement_cache.h"
#include "protocol/bytes.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrProvenanceChangeset[] = "provenance.changeset";

// The text of one key value (sqlite3_value from a changeset), as described above.
std::string PkValueText(sqlite3_value* value);
// Joins key value texts: one is itself, several a JSON array of strings.
std::string PkText(const std::vector<std::string>& values);

// Records, for every INSERT in `changeset`, (table, PkText, envelope_id_hex) unless the row
// already has a provenance. Runs on the caller's connection inside the caller's transaction.
// Errors: provenance.changeset when the changeset cannot be read, sql.* otherwise. The
// StatementCache form keeps its statement prepared there.
Status RecordProvenance(StatementCache& statements, ByteView changeset,
                        std::string_view envelope_id_hex);
Status RecordProvenance(sqlite3* db, ByteView changeset, std::string_view envelope_id_hex);

// The id (hex) of the envelope that brought the row, or nullopt when none is recorded.
Result<std::optional<std::string>> ProvenanceOf(sqlite3* db, std::string_view table,
                                                std::string_view pk_text);

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_PROVENANCE_H_
