// Alarms: events a person at the county must look at (node-local table `alarm`). Each keeps
// the exact bytes of both envelopes involved, so the evidence can be carried to the county
// and verified there by anyone holding the root public key.
#ifndef GONGKAI_NODE_REPLICA_ALARM_H_
#define GONGKAI_NODE_REPLICA_ALARM_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/bytes.h"
#include "protocol/status.h"

namespace gongkai {

struct Alarm {
  std::string kind;    // kAlarmEquivocation, kAlarmBrokenLink
  std::string origin;  // node id hex of the signer of both envelopes
  uint64_t seq = 0;    // seq of the refused envelope
  std::string held_envelope_id;
  Bytes held_bytes;
  std::string other_envelope_id;  // the refused one
  Bytes other_bytes;
  std::string source;
  int64_t raised_at = 0;
  std::string message;
};

// Records `alarm`; the same pair of envelopes is recorded once (a repeat is a no-op).
// Runs in the caller's transaction, or alone in autocommit.
Status RecordAlarm(sqlite3* db, const Alarm& alarm);

// Every alarm, oldest first.
Result<std::vector<Alarm>> ListAlarms(sqlite3* db);

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_ALARM_H_
