// Parts of the audit (audit_verify.h) that judge the county replica's synced rows: the
// certificate and revocation rows against the county root, and every synced table against
// the scratch replica rebuilt from the log. Used by audit_verify.cc only.
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

}  // namespace gongkai

#endif  // GONGKAI_HUB_AUDIT_AUDIT_VERIFY_REPLICA_H_
