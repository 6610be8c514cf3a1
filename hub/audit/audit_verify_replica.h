// Parts of the audit (audit_verify.h) that judge the county replica's rows: the
// certificate and revocation rows against the county root, every synced table and the
// provenance table against the scratch replica rebuilt from the log, and the records of
// refusals (alarms, refused envelopes) against the bytes they keep. Used by audit_verify.cc
// only.
//
// Thread-safety: the caller's connections, one thread.
#ifndef GONGKAI_HUB_AUDIT_AUDIT_VERIFY_REPLICA_H_
#define GONGKAI_HUB_AUDIT_AUDIT_VERIFY_REPLICA_H_

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>

#include "hub/audit/audit_verify.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

// Receives one finding (AuditFinding, see audit_verify.h).
using AuditSink = std::function<void(AuditFinding)>;

// Checks every `certificate` and `revocation` row of `db`: the body opens under `root`, and
// the other columns equal the body (certificate: node_id, public_key, role, subject_region,
// name, region = the county; revocation: revocation_id = hex SHA-256(body), node_id,
// reason). Reports audit.certificate_row. Errors: sql.*.
Status CheckTrustTables(sqlite3* db, const PublicKey& root, const AuditSink& sink);

// Compares every synced table of `hub` (schema "main") with the same table of the database
// attached to `hub` as schema "rebuilt": rows of the hub that the rebuilt replica lacks or
// holds with other content (audit.replica_row), rows of the rebuilt replica the hub lacks
// (audit.replica_missing). `rebuilt` is the rebuilt replica's own connection, for its
// provenance (which envelope wrote a row); the log index of that envelope is read from
// `hub`'s log_entry. Adds the number of hub rows compared to `rows`. Errors: sql.*.
Status CompareReplicaTables(sqlite3* hub, sqlite3* rebuilt, const AuditSink& sink, uint64_t& rows);

// Compares `hub`'s provenance table (which envelope wrote each synced row; `audit history`
// reads it) with that of the database attached as "rebuilt", which the same apply code
// filled while replaying the log: a row recorded with another envelope or not implied by
// the log, and a row the log implies that is missing, are audit.provenance. Errors: sql.*.
Status CompareProvenance(sqlite3* hub, const AuditSink& sink);

// Refusals leave no envelope in the log, so their records cannot be recomputed; what they
// keep must hold together. Each `alarm` row: both envelopes' bytes hash to their ids,
// decode, belong to the accused origin, collide on a sequence number or a neighbouring link,
// and are signed by the key the county certified for that origin (found in `rebuilt`, under
// `root`), so that an alarm cannot be forged against an honest node (audit.alarm). Each
// `refused_envelope` row: the bytes kept agree with the recorded length and hash and, when
// they decode, with the recorded origin, seq and region (audit.refused_record). A deleted
// record of a refusal cannot be detected. Errors: sql.*.
Status CheckRefusalRecords(sqlite3* hub, sqlite3* rebuilt, const PublicKey& root,
                           const AuditSink& sink);

}  // namespace gongkai

#endif  // GONGKAI_HUB_AUDIT_AUDIT_VERIFY_REPLICA_H_
