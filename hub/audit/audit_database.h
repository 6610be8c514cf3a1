// Opening a hub database for the audit tools (audit_verify.h, audit_proof.h): read-only, so
// that a copy handed to the county office is never changed, and the hub's identity as the
// database states it, checked under the county root it names.
//
// Thread-safety: one thread per connection.
#ifndef GONGKAI_HUB_AUDIT_AUDIT_DATABASE_H_
#define GONGKAI_HUB_AUDIT_AUDIT_DATABASE_H_

#include <filesystem>

#include "node/replica/replica.h"
#include "protocol/keys.h"
#include "protocol/sqlite_handles.h"
#include "protocol/status.h"

namespace gongkai {

// The database cannot be opened read-only, or is not a hub database (kInvalid / kIoError).
inline constexpr char kErrAuditOpen[] = "audit.open";
// The replica's identity is not a county hub's under its root key (kInvalid).
inline constexpr char kErrAuditIdentity[] = "audit.identity";

// The hub's identity as its replica states it.
struct HubIdentity {
  NodeIdentity node;    // role county, region = the county code
  PublicKey hub_key{};  // the key of node.certificate: signs checkpoints and receipts
};

// Opens `path` read-only and checks that it holds the tables of a hub (settings, journal,
// log_entry, log_subtree, log_checkpoint, log_receipt). Errors: audit.open.
Result<SqliteDb> OpenHubDatabaseReadOnly(const std::filesystem::path& path);

// Reads the identity from settings and checks it: role county, a certificate that opens
// under the stored root key and names this node id, role and region. Errors:
// audit.identity, sql.*.
Result<HubIdentity> ReadHubIdentity(sqlite3* db);

}  // namespace gongkai

#endif  // GONGKAI_HUB_AUDIT_AUDIT_DATABASE_H_
