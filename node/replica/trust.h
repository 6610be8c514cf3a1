// Trust decisions of a replica: whose signature counts (certificates under the county
// root key), who is revoked, and whether certificate and revocation rows are genuine.
#ifndef GONGKAI_NODE_REPLICA_TRUST_H_
#define GONGKAI_NODE_REPLICA_TRUST_H_

#include <sqlite3.h>

#include "node/replica/statement_cache.h"
#include "protocol/bytes.h"
#include "protocol/certificate.h"
#include "protocol/keys.h"
#include "protocol/status.h"

namespace gongkai {

// The certificate of `signer`, from the synced `certificate` table or else the node-local
// known_certificate table, opened (verified) under `root`. The last 16 (root, bytes) that
// verified are remembered per thread, so the same signer's certificate is not verified again
// for every envelope (the result depends only on those bytes). apply.unknown_signer (kDenied)
// when neither holds one that opens and names `signer`. The StatementCache forms (here and
// in IsRevoked) keep their statements prepared there; the sqlite3* forms prepare them anew.
Result<Certificate> FindSignerCertificate(StatementCache& statements, const NodeId& signer,
                                          const PublicKey& root);
Result<Certificate> FindSignerCertificate(sqlite3* db, const NodeId& signer, const PublicKey& root);

// True when a revocation row names `signer`.
Result<bool> IsRevoked(StatementCache& statements, const NodeId& signer);
Result<bool> IsRevoked(sqlite3* db, const NodeId& signer);

// Stores `body` in known_certificate after opening it under `root` (cert.* on failure).
Status AddKnownCertificate(sqlite3* db, ByteView body, const PublicKey& root, int64_t now_ms);

// Checks every certificate and revocation row INSERTed by `changeset`: its body opens under
// `root` and its other columns equal the body's fields (certificate: node_id, public_key,
// role, subject_region, name, and region = the issuing county; revocation: node_id,
// reason). Codes: apply.certificate_row, apply.revocation_row (kDenied).
Status CheckTrustRows(ByteView changeset, const PublicKey& root);

}  // namespace gongkai

#endif  // GONGKAI_NODE_REPLICA_TRUST_H_
