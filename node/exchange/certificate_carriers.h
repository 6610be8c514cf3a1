// Which journal envelopes bring only certificates, and whose: what an envelope selection needs
// to leave out the certificates a receiver does not need (node/exchange/exchange.h,
// ExportOptions::for_region), kept up to date from the provenance rows added since it last
// looked instead of read whole for every selection.
//
// It relies on provenance being append-only: a row is inserted once (INSERT OR IGNORE), with
// the envelope that brought it, in the transaction that applies that envelope, and never
// changed or deleted; so rowids only grow, and an envelope's rows are all there once one of
// them is seen.
//
// Thread-safety: one thread at a time; one per connection (what it has read is what that
// connection saw).
#ifndef GONGKAI_NODE_EXCHANGE_CERTIFICATE_CARRIERS_H_
#define GONGKAI_NODE_EXCHANGE_CERTIFICATE_CARRIERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/region.h"
#include "protocol/sqlite_handles.h"
#include "protocol/status.h"

namespace gongkai {

class CertificateCarriers {
 public:
  // Reads the provenance rows of `db` added since the last call (all of them at the first).
  // Errors: sql.*.
  Status CatchUp(sqlite3* db);

  // Whether the envelope `envelope_id` (64 hex) brings certificate rows and nothing else (no
  // revocation, no other row), and none of the certificates is of a node within the read
  // scope of `reader`/`region` (InReadScope): such an envelope is not offered to that reader.
  bool Unneeded(std::string_view envelope_id, Role reader, std::string_view region) const;

  size_t size() const { return carriers_.size(); }

 private:
  struct Carrier {
    std::vector<std::string> subjects;  // the subject regions of its certificates
    bool only_certificates = true;      // false: it brings another row too, or a certificate
                                        // whose row is missing (it is then always offered)
  };
  int64_t seen_rowid_ = 0;
  std::unordered_map<std::string, Carrier> carriers_;  // by envelope id (hex)
};

}  // namespace gongkai

#endif  // GONGKAI_NODE_EXCHANGE_CERTIFICATE_CARRIERS_H_
