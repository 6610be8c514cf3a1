// Whether the maker of a bundle is a node this replica may take a bundle from.
//
// The bundle signature says only who wrote the file (protocol/bundle.h). Before anything in
// it is applied, the importer asks here that the maker be an enrolled node of this county:
// a certificate for the maker's key that opens under the county root key, and no
// revocation of it held here.
//
// The certificate is looked for in this replica (node/replica/trust.h FindSignerCertificate) and,
// failing that, in the bundle itself: a certificate row for the maker carried by an
// envelope that this replica can already verify (a county signer it knows, not revoked, a
// valid signature, a changeset that passes InspectChangeset), whose body opens under the
// root key; failing that too, in the maker certificate of the bundle's header (bundle
// version 2), opened under the root key and naming the maker. So a node enrolled offline,
// which knows only the county node's certificate, can take its first bundle from its
// township, and a township that has not yet received the county's certificate rows can take
// a bundle from a village. Trust still comes only from the root key's signature.
//
// Thread-safety: uses the replica's connection; one thread at a time.
#ifndef GONGKAI_NODE_EXCHANGE_BUNDLE_MAKER_H_
#define GONGKAI_NODE_EXCHANGE_BUNDLE_MAKER_H_

#include "node/exchange/bundle_spool.h"
#include "node/replica/replica.h"
#include "protocol/certificate.h"
#include "protocol/status.h"

namespace gongkai {

// The maker's certificate. Errors: exchange.unknown_maker and exchange.maker_revoked
// (kDenied), replica.not_enrolled, sql.*, exchange.spool.
Result<Certificate> TrustBundleMaker(const Replica& replica, const BundleSpool& spool);

}  // namespace gongkai

#endif  // GONGKAI_NODE_EXCHANGE_BUNDLE_MAKER_H_
