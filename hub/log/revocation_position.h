// Revocation by the hub's log position (design §5): a revocation takes effect at the index of
// the audit-log entry that carries its row, never at a time the signer claims.
//
//   retired      an envelope of the key that entered the log before the revocation's entry
//                stays valid (the log and its receipts prove when the hub had it); any
//                envelope that would enter after it is refused, hub.revoked_retired.
//   compromised  the same refusal, hub.revoked_compromised. A thief can back-date, so every
//                envelope of the key that the hub had not receipted by the revocation is
//                suspect: the hub refuses it, and its refused_envelope row (with this code
//                and the envelope's bytes) is the flag for review at the county office.
//                What the hub receipted before the revocation stays in the log with its
//                receipt; ReviewRevoked lists both for the review.
//
// A new envelope would enter at the current log size, so the hub refuses it whenever a
// revocation of its signer is logged. A revocation row held but not yet logged (a revocation
// written by `gongkai-hub revoke` while the server runs) counts as logged at the next index:
// the hub logs every journal envelope before it accepts a push (HubLog::AppendMissing), so it
// is logged before anything the push brings.
//
// Node replicas cannot see log positions and keep their stricter rule (node/replica/apply.h step 6).
//
// Thread-safety: uses the caller's connection; one thread at a time.
#ifndef GONGKAI_HUB_LOG_REVOCATION_POSITION_H_
#define GONGKAI_HUB_LOG_REVOCATION_POSITION_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/replica/statement_cache.h"
#include "protocol/certificate.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrHubRevokedRetired[] = "hub.revoked_retired";          // kDenied
inline constexpr char kErrHubRevokedCompromised[] = "hub.revoked_compromised";  // kDenied

struct RevocationPosition {
  std::string revocation_id;
  RevocationReason reason = RevocationReason::kRetired;
  // The log index of the entry that carries the row; nullopt while not yet logged.
  std::optional<uint64_t> log_index;
};

// The revocations of `node` held in the replica, earliest log position first (not yet
// logged ones last). REQUIRES: the log tables (log_schema.h). Errors: sql.*.
// The StatementCache forms (here and in JudgeByLogPosition) keep their statement prepared
// there, for the push path; the sqlite3* forms prepare it anew.
Result<std::vector<RevocationPosition>> RevocationsOf(StatementCache& statements,
                                                      const NodeId& node);
Result<std::vector<RevocationPosition>> RevocationsOf(sqlite3* db, const NodeId& node);

// OK when an envelope of `signer` may enter the log at index `position`: no revocation of
// `signer` is logged below it (an unlogged one counts as below, see the file comment).
// Otherwise hub.revoked_compromised when any such revocation is compromised, else
// hub.revoked_retired. Errors: sql.*.
Status JudgeByLogPosition(StatementCache& statements, const NodeId& signer, uint64_t position);
Status JudgeByLogPosition(sqlite3* db, const NodeId& signer, uint64_t position);

// What the county office reviews for a compromised (or retired) key.
struct RevocationReview {
  // The key's envelopes in the log before its first revocation: id (64 hex), log index.
  struct Logged {
    std::string envelope_id;
    uint64_t log_index = 0;
    int64_t received_at = 0;
  };
  std::vector<Logged> receipted;
  std::optional<uint64_t> revoked_at;  // the first revocation's log index
  // refused_envelope ids of the key's envelopes refused because of the revocation.
  std::vector<int64_t> refused_ids;
};

// The review of `node` (see RevocationReview). Errors: sql.*.
Result<RevocationReview> ReviewRevoked(sqlite3* db, const NodeId& node);

}  // namespace gongkai

#endif  // GONGKAI_HUB_LOG_REVOCATION_POSITION_H_
