// What the county hub refused of this node's pushes, remembered so that a 2G link does not
// carry the same refused envelope on every sync (node/exchange/hub_sync.h), and so that the clerk sees
// it (`gongkai status`, `gongkai alarms`).
//
// Node-local table hub_refusal, one row per envelope the hub refused:
//   envelope_id   64 hex (PRIMARY KEY)
//   code, message the hub's refusal (message at most kMaxHubRefusalMessageSize bytes)
//   permanent     1 when the code can never change for these bytes (IsPermanentRefusal): the
//                 envelope is not offered again; 0 when it may (the hub does not know the
//                 maker's certificate yet, or runs an older schema): it is offered again
//   first_at, last_at (node wall clock, ms), times: how often the hub refused it
// A row is deleted when the hub later accepts the envelope (a receipt is stored).
//
// Thread-safety: uses the caller's connection; one thread at a time.
#ifndef GONGKAI_NODE_EXCHANGE_HUB_REFUSAL_H_
#define GONGKAI_NODE_EXCHANGE_HUB_REFUSAL_H_

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace gongkai {

inline constexpr size_t kMaxHubRefusalMessageSize = 2000;

// False only for the codes whose cause may go away without the envelope changing:
// apply.unknown_signer (the maker's certificate has not reached the hub yet),
// replica.schema_mismatch, inspect.unknown_table and schema.unknown_table (the hub runs an
// older schema than the envelope's). Every other code (a bad signature, a revoked maker,
// rows outside the maker's scope, equivocation, a conflicting row, ...) is permanent: the same
// bytes get the same answer.
bool IsPermanentRefusal(std::string_view code);

struct HubRefusal {
  std::string envelope_id;
  std::string code;
  std::string message;
  bool permanent = false;
  int64_t first_at = 0;
  int64_t last_at = 0;
  int64_t times = 0;
};

// Creates hub_refusal when missing. Errors: sql.*.
Status EnsureHubRefusalTable(sqlite3* db);

// Records (or counts again) the hub's refusal of `envelope_id`. Errors: sql.*.
Status RecordHubRefusal(sqlite3* db, std::string_view envelope_id, std::string_view code,
                        std::string_view message, int64_t now_ms);

// Forgets the refusal of `envelope_id` (the hub has since accepted it). Errors: sql.*.
Status ForgetHubRefusal(sqlite3* db, std::string_view envelope_id);

// Every remembered refusal, most recent first; empty when the table does not exist yet (no
// sync has run). Errors: sql.*.
Result<std::vector<HubRefusal>> ListHubRefusals(sqlite3* db);

}  // namespace gongkai

#endif  // GONGKAI_NODE_EXCHANGE_HUB_REFUSAL_H_
