// A strict framing check of SQLite changeset bytes, run before SQLite's own iterator sees
// them.
//
// Why: SQLite 3.40.1's changeset iterator trusts the framing of its input. A table header
// whose name has no terminating NUL (as short as the single byte 'T') makes
// sqlite3changeset_next loop forever, and a record cut inside an integer or a length makes
// it read past the end of the buffer. So every changeset from outside is scanned here first,
// and only well-framed bytes are handed to sqlite3changeset_start or _apply.
//
// The format (sqlite3session.c, "CHANGESET FORMAT"), as accepted here:
//   changeset := table+
//   table     := header change*
//   header    := 'T' (0x54)  varint ncol  ncol x pk-flag byte  name bytes  0x00
//                (1 <= ncol <= kMaxChangesetColumns; name 1..kMaxChangesetTableName bytes
//                without NUL; a patchset header 'P' is refused)
//   change    := op byte  indirect byte (0 or 1)  records
//                op 18 INSERT: new record; 9 DELETE: old record; 23 UPDATE: old then new
//   record    := ncol x value
//   value     := 0x00 (absent) | 0x05 (NULL) | 0x01 i64 (8 bytes) | 0x02 f64 (8 bytes)
//              | 0x03 varint n, n bytes (text) | 0x04 varint n, n bytes (blob)
//   varint    := SQLite's big-endian base-128 varint; here at most 4 bytes (< 2^28),
//                which covers every length below kMaxChangesetSize.
// Thread-safety: pure function.
#ifndef GONGKAI_PROTOCOL_CHANGESET_FORMAT_H_
#define GONGKAI_PROTOCOL_CHANGESET_FORMAT_H_

#include <cstddef>

#include "protocol/bytes.h"
#include "protocol/status.h"

namespace gongkai {

// Limits of the framing (our tables have at most 15 columns and short names).
inline constexpr size_t kMaxChangesetColumns = 64;
inline constexpr size_t kMaxChangesetTableName = 64;

// Error codes.
inline constexpr char kErrChangesetMalformed[] = "changeset.malformed";
inline constexpr char kErrChangesetTooMany[] = "changeset.too_many";

// Returns the number of changes when `changeset` is well framed as above and holds at most
// `max_changes` changes; else changeset.malformed naming the byte offset and what was
// expected there, or changeset.too_many (kTooLarge) as soon as the count passes the limit.
Result<size_t> ScanChangeset(ByteView changeset, size_t max_changes);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_CHANGESET_FORMAT_H_
