// `gongkai-hub audit alarms`: what the county office must look at.
//
//   equivocations   the hub replica's `alarm` table (node/replica/alarm.h): two envelopes of one
//                   node with the same sequence number, or a broken chain link; both
//                   envelopes are kept as evidence
//   refused         refused envelopes (refused_envelope) grouped by code: rows, attempts
//                   (`times`), distinct claimed origins, first and last time; and, when the
//                   hub database has a refused_request table, refused requests grouped the
//                   same way
//   revoked         revoked keys still trying: refused envelopes whose code says the signer
//                   is revoked (hub.revoked_retired, hub.revoked_compromised, apply.revoked,
//                   exchange.maker_revoked), by claimed origin,
//                   and refused requests with serve.revoked_node, by claimed node
//   clocks          per node, its envelopes whose HLC (what the writer's clock said) is
//                   further than `audit.clock_skew_hours` from the hub's receipt time. The
//                   offset is HLC − receipt: positive means the clock claimed a time the hub
//                   had not reached yet, which an honest clock cannot; negative means the
//                   writer's clock is behind, or the envelope waited offline (a USB round
//                   trip) before it reached the hub. `closest` is the smallest offset in
//                   absolute value: when even the node's freshest envelope is far off, its
//                   clock is wrong rather than its link slow. The hub's own envelopes are
//                   not judged (its clock is the reference).
// Thread-safety: reads through the caller's connection.
#ifndef GONGKAI_HUB_AUDIT_AUDIT_ALARMS_H_
#define GONGKAI_HUB_AUDIT_AUDIT_ALARMS_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "hub/audit/audit_common.h"
#include "node/replica/alarm.h"
#include "protocol/status.h"

namespace gongkai {

struct RefusedByCode {
  std::string what;  // envelope | request
  std::string code;
  int64_t rows = 0;
  int64_t attempts = 0;
  int64_t origins = 0;  // distinct claimed origins (node ids)
  int64_t first_at = 0;
  int64_t last_at = 0;
};

struct RevokedAttempt {
  std::string what;     // envelope | request
  std::string node_id;  // as claimed
  std::string name;     // from the certificate; "" if unknown
  std::string region;
  std::string revoked;  // retired | compromised | "" (not revoked here)
  int64_t attempts = 0;
  int64_t last_at = 0;
};

struct ClockOffset {
  std::string node_id;
  std::string name;
  std::string region;
  int64_t envelopes = 0;   // logged envelopes it signed
  int64_t beyond = 0;      // of them, further off than the threshold
  int64_t worst_ms = 0;    // HLC − receipt with the largest absolute value
  int64_t closest_ms = 0;  // the smallest absolute value
};

struct AlarmsReport {
  int64_t threshold_ms = 0;
  bool has_request_table = false;
  std::vector<Alarm> equivocations;
  std::vector<RefusedByCode> refused;
  std::vector<RevokedAttempt> revoked;
  std::vector<ClockOffset> clocks;  // worst first

  bool empty() const {
    return equivocations.empty() && refused.empty() && revoked.empty() && clocks.empty();
  }
};

// REQUIRES: clock_skew_hours >= 1. Errors: sql.*.
Result<AlarmsReport> AuditAlarms(sqlite3* db, const NodeDirectory& nodes, int64_t clock_skew_hours);

}  // namespace gongkai

#endif  // GONGKAI_HUB_AUDIT_AUDIT_ALARMS_H_
