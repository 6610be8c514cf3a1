// Refused envelopes: the hub keeps a row for every envelope it would not accept, with the
// stable code and the message of the refusal (design §7: "rejected envelopes are logged with
// their reason"), for the county office's audit.
//
// Table refused_envelope (log_schema.h), one row per (bytes_hash, code, source):
//   id                INTEGER PRIMARY KEY, in the order first refused
//   received_at       hub wall clock (ms) of the first refusal
//   last_received_at  of the latest refusal of the same bytes from the same source
//   times             how often they were refused: a node that retries the same bad
//                     envelope on every sync adds to this count, not to the table
//   source            who sent them (a node id, "bundle:<file>", ...), at most
//                     kMaxRefusedSourceSize bytes
//   bytes_hash        SHA-256 of all the bytes: the envelope id when they were a whole
//                     envelope, so it joins with the journal and with alarms
//   origin, seq, region  the envelope header, when the bytes decode as an envelope (read
//                     without verifying: they say what the sender claims); else NULL
//   code, message     the refusal's Status; the message at most kMaxRefusedMessageSize bytes
//   bytes_length      the size of what was received
//   bytes             the first min(bytes_length, kMaxRefusedBytesKept) bytes
// The caps keep a flood of junk from filling the disk faster than the junk itself.
//
// Thread-safety: uses the caller's connection; one thread at a time.
#ifndef GONGKAI_HUB_LOG_REFUSED_H_
#define GONGKAI_HUB_LOG_REFUSED_H_

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/bytes.h"
#include "protocol/sha256.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr size_t kMaxRefusedBytesKept = size_t{64} << 10;  // 64 KiB
inline constexpr size_t kMaxRefusedSourceSize = 256;
inline constexpr size_t kMaxRefusedMessageSize = 2000;
// Rows one ListRefused call returns at most.
inline constexpr int kMaxRefusedListed = 1000;

// Error codes.
inline constexpr char kErrRefusedOk[] = "refused.ok_status";  // asked to record success
inline constexpr char kErrRefusedLimit[] = "refused.limit";   // limit outside 1..max

struct RefusedRecord {
  int64_t id = 0;
  int64_t received_at = 0;
  int64_t last_received_at = 0;
  int64_t times = 0;
  std::string source;
  Hash256 bytes_hash{};
  std::optional<std::string> origin;  // 32 hex digits
  std::optional<int64_t> seq;
  std::optional<std::string> region;
  std::string code;
  std::string message;
  int64_t bytes_length = 0;
  Bytes bytes;  // the kept prefix
};

// Records that `bytes` from `source` were refused with `refusal` at `received_at` (hub wall
// clock, ms). Source and message longer than their caps are cut at a UTF-8 character
// boundary. Returns the row id (an existing row's, when the same bytes, code and source were
// refused before). Works inside the caller's open transaction or alone (node/replica/sql.h Transaction); the
// hub records a refusal after ApplyEnvelope rolled its own transaction back.
// REQUIRES: CreateLogTables (log_schema.h). Errors: refused.ok_status (kInternal) when
// `refusal` is OK; sql.*.
Result<int64_t> RecordRefused(sqlite3* db, ByteView bytes, std::string_view source,
                              const Status& refusal, int64_t received_at);

// Up to `limit` rows with id > after_id, in id order (page with the last id returned).
// refused.limit (kInvalid) unless 1 <= limit <= kMaxRefusedListed. Errors: sql.*.
Result<std::vector<RefusedRecord>> ListRefused(sqlite3* db, int64_t after_id, int limit);

}  // namespace gongkai

#endif  // GONGKAI_HUB_LOG_REFUSED_H_
