// The county hub's audit log index of the envelope that carried a disclosure version, as
// far as this node knows it: printed in the sheet's QR payload (node/sheets/sheet_payload.h) and
// checked by `gongkai verify-sheet`.
//
// The envelope is the one that brought the version's disclosure_version row into this
// replica (node/replica/provenance.h). Its index is known when this node holds the hub's receipt
// for it: the receipt node/exchange/hub_sync.h stores (table hub_receipt) when this node pushed the
// envelope and the hub logged it. A version this node received from elsewhere (pulled, or
// from a bundle), or one not yet synced, has no index here.
// Thread-safety: reads through `db`; one thread at a time per connection.
#ifndef GONGKAI_NODE_SHEETS_SHEET_LOG_INDEX_H_
#define GONGKAI_NODE_SHEETS_SHEET_LOG_INDEX_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/status.h"

namespace gongkai {

// The log index of the hub receipt held for the envelope of version `version_id` (its full
// 32-digit id), or nullopt when there is none (no provenance, no receipt, or no
// hub_receipt table: a node that never synced). Errors: sql.*; kErrSheetRow when the
// stored index is negative.
Result<std::optional<uint64_t>> VersionLogIndex(sqlite3* db, std::string_view version_id);

}  // namespace gongkai

#endif  // GONGKAI_NODE_SHEETS_SHEET_LOG_INDEX_H_
