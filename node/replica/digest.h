// The digest of a region: one SHA-256 over every synced row inside the region's subtree, so
// that two replicas can tell whether they hold the same facts.
//
// Rows: from each synced table in the order protocol/schema.h lists them, the rows whose
// `region` is the region or within it (region.h IsWithin: a whole-level prefix), in primary
// key order (SQLite's BINARY order of the key columns, left to right).
//
// Encoding fed to SHA-256 (all integers big-endian):
//   per table:  'T' (0x54), u32 name length, name bytes, u32 column count, then for each
//               column u32 length and name bytes; then the rows, then 'E' (0x45) and a u64
//               count of its rows.
//   per row:    'R' (0x52), then every column in declaration order as a value.
//   value:      a type tag then its bytes:
//                 0x00 NULL       nothing
//                 0x01 INTEGER    8 bytes, two's complement
//                 0x02 REAL       8 bytes, IEEE 754 binary64 bits
//                 0x03 TEXT       u32 length, UTF-8 bytes
//                 0x04 BLOB       u32 length, bytes
// A table with no rows in the region still contributes its header and a zero count, so the
// digest also pins which tables (and columns) were compared; except a table that a later
// schema version added (TableSpec::since_version > 1, e.g. county_setting): it contributes
// only when it has rows in the region, so an upgrade that adds a table leaves every digest
// as it was, and a node of the old version and one of the new agree on the same facts.
//
// Node-local tables (journal, provenance, ...) are not part of the digest: two replicas that
// learned the same facts through different envelopes (e.g. an identical row from two
// sources) have equal digests.
// Thread-safety: reads through the caller's connection; one thread at a time.
#ifndef GONGKAI_NODE_REPLICA_DIGEST_H_
#define GONGKAI_NODE_REPLICA_DIGEST_H_

#include <sqlite3.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "node/replica/replica.h"
#include "protocol/sha256.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr uint8_t kDigestTableTag = 'T';
inline constexpr uint8_t kDigestTableEndTag = 'E';
inline constexpr uint8_t kDigestRowTag = 'R';
inline constexpr uint8_t kDigestNull = 0x00;
inline constexpr uint8_t kDigestInteger = 0x01;
inline constexpr uint8_t kDigestReal = 0x02;
inline constexpr uint8_t kDigestText = 0x03;
inline constexpr uint8_t kDigestBlob = 0x04;

inline constexpr char kErrDigestRegion[] = "digest.region";

// The digest of `tables` (in the order given) restricted to `region`'s subtree.
// REQUIRES: every table has a `region` column. Errors: digest.region for an invalid code,
// sql.* on a database failure.
Result<Hash256> TablesDigest(sqlite3* db, std::span<const std::string_view> tables,
                             std::string_view region);

// The digest of every synced table of the replica for `region` (the format above).
Result<Hash256> RegionDigest(const Replica& replica, std::string_view region);

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_DIGEST_H_
