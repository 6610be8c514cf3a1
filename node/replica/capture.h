// Capture: turning this node's writes to synced tables into one signed envelope, atomically.
//
// Capture(replica, key, clock, writes) does, in ONE SQLite transaction (BEGIN IMMEDIATE):
//   1. takes hlc = clock.Now(), which must be later than the HLC persisted by the last
//      capture (capture.clock_behind otherwise: build the clock with Replica::LastHlc());
//      the stamp {origin, hlc} is handed to `writes` for the rows' origin and hlc columns;
//   2. opens an sqlite3_session attached to the synced tables only (never node-local ones)
//      and runs `writes` on the replica's connection;
//   3. takes the changeset and closes the session; refuses an empty one (capture.empty), a
//      changeset whose rows name more than one region (capture.two_regions: one envelope,
//      one region), and anything the node's own certificate may not write (the same
//      protocol/inspect.h rules every receiver applies);
//   4. builds the envelope: seq = this origin's highest journal seq + 1, prev = that
//      envelope's id (zeros for seq 1), the hlc of step 1, the one region, signed by `key`;
//   5. stores the envelope in the journal (status "own", source "local") and a provenance
//      row per inserted row, persists the HLC, and commits.
// Any failure rolls everything back: the data and the envelope commit or vanish together.
//
// Refused with capture.restored while the replica holds kSettingRestoredFrom (replica.h).
//
// REQUIRES: the replica has an identity (Replica::SetIdentity) and key is its node key
// (capture.key_mismatch otherwise). `writes` must only write synced tables and only through
// the given connection, must not begin or end transactions, and must not change the schema.
// Thread-safety: one capture at a time per Replica; other processes are kept out by the
// IMMEDIATE transaction.
#ifndef GONGKAI_NODE_REPLICA_CAPTURE_H_
#define GONGKAI_NODE_REPLICA_CAPTURE_H_

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>

#include "node/replica/replica.h"
#include "protocol/bytes.h"
#include "protocol/hlc.h"
#include "protocol/keys.h"
#include "protocol/sha256.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrCaptureEmpty[] = "capture.empty";
inline constexpr char kErrCaptureTwoRegions[] = "capture.two_regions";
inline constexpr char kErrCaptureKeyMismatch[] = "capture.key_mismatch";
inline constexpr char kErrCaptureChangeset[] = "capture.changeset";
inline constexpr char kErrCaptureClockBehind[] = "capture.clock_behind";
// kConflict: the replica was restored from a backup and has not yet learned, from the hub,
// the envelopes it signed after that backup (kSettingRestoredFrom): a capture now could
// reuse a sequence number with other content, which every receiver treats as tampering.
inline constexpr char kErrCaptureRestored[] = "capture.restored";

// What the writes put in every row's origin and hlc columns.
struct CaptureStamp {
  std::string origin;  // this node's id, 32 hex digits
  uint64_t hlc = 0;
};

using CaptureWrites = std::function<Status(sqlite3* db, const CaptureStamp& stamp)>;

// Test hooks: each, when set, runs at its point and a non-OK result aborts the capture
// exactly as a real failure there would.
struct CaptureFaults {
  std::function<Status()> after_writes;   // data written, changeset not yet taken
  std::function<Status()> after_journal;  // journal and provenance written, not committed
};

struct CapturedEnvelope {
  Hash256 id{};
  uint64_t seq = 0;
  std::string region;
  uint64_t hlc = 0;
  Bytes bytes;
};

Result<CapturedEnvelope> Capture(Replica& replica, const SecretKey& key, HlcClock& clock,
                                 const CaptureWrites& writes, const CaptureFaults& faults = {});

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_CAPTURE_H_
