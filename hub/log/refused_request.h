// Refused requests: the hub keeps a row for every request it refused before reading its
// body, because the request was not signed, was signed wrongly, came from a node that is not
// enrolled or is revoked, or was too old or a replay (protocol/request_auth.h,
// hub/server/service.h). Refused envelopes inside accepted requests are kept apart (refused.h).
//
// Table refused_request, in the hub's replica.db (part of the log layout since version 2,
// log_schema.h; EnsureRefusedRequestTable creates it alone with CREATE TABLE IF NOT EXISTS):
//   id           INTEGER PRIMARY KEY, in the order refused
//   received_ms  hub wall clock (ms)
//   node_id      the X-Gongkai-Node header as sent (unverified: who the request claims to
//                come from), at most kMaxRefusedRequestNodeSize bytes, "" when absent
//   path         the request path, at most kMaxRefusedRequestPathSize bytes
//   code         the refusal's stable code (auth.*, serve.unknown_node, serve.revoked_node)
// Both texts keep printable ASCII only; any other byte becomes '?', so what a stranger sends
// cannot put control characters in a report.
//
// Growth is bounded: after each insert only the newest `max_rows` rows (kMaxRefusedRequests
// by default) are kept, so a flood of bad requests costs at most that many rows.
//
// Thread-safety: uses the caller's connection; one thread at a time.
#ifndef GONGKAI_HUB_LOG_REFUSED_REQUEST_H_
#define GONGKAI_HUB_LOG_REFUSED_REQUEST_H_

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace gongkai {

inline constexpr int64_t kMaxRefusedRequests = 100000;
inline constexpr size_t kMaxRefusedRequestNodeSize = 64;
inline constexpr size_t kMaxRefusedRequestPathSize = 256;
// Rows one ListRefusedRequests call returns at most.
inline constexpr int kMaxRefusedRequestsListed = 1000;

inline constexpr char kErrRefusedRequestLimit[] = "refused_request.limit";  // kInvalid

struct RefusedRequest {
  int64_t id = 0;
  int64_t received_ms = 0;
  std::string node_id;
  std::string path;
  std::string code;
};

// The DDL of refused_request (CREATE TABLE IF NOT EXISTS).
std::string_view RefusedRequestTableSql();

// Creates refused_request when missing. Errors: sql.*.
Status EnsureRefusedRequestTable(sqlite3* db);

// Records one refused request and drops the oldest rows beyond `max_rows`.
// REQUIRES: EnsureRefusedRequestTable, max_rows >= 1. Errors: sql.*.
Status RecordRefusedRequest(sqlite3* db, int64_t received_ms, std::string_view node_id,
                            std::string_view path, std::string_view code,
                            int64_t max_rows = kMaxRefusedRequests);

// Up to `limit` rows with id > after_id, in id order. refused_request.limit unless
// 1 <= limit <= kMaxRefusedRequestsListed. Errors: sql.*.
Result<std::vector<RefusedRequest>> ListRefusedRequests(sqlite3* db, int64_t after_id, int limit);

}  // namespace gongkai

#endif  // GONGKAI_HUB_LOG_REFUSED_REQUEST_H_
