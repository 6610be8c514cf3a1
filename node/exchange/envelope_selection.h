// The journal envelopes a peer lacks, for an online exchange (the county hub's answer to a
// pull, hub/server/service.h). The offline counterpart is ExportBundle (node/exchange/exchange.h), which
// chooses the same envelopes in the same order.
//
// Thread-safety: one call at a time per Replica (and per CertificateCarriers).
#ifndef GONGKAI_NODE_EXCHANGE_ENVELOPE_SELECTION_H_
#define GONGKAI_NODE_EXCHANGE_ENVELOPE_SELECTION_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/exchange/certificate_carriers.h"
#include "node/replica/replica.h"
#include "protocol/bytes.h"
#include "protocol/have.h"
#include "protocol/status.h"

namespace gongkai {

struct SelectOptions {
  // The receiver's region (its read scope, as ExportOptions::for_region); empty: all.
  std::string for_region;
  // What the receiver holds; none: nothing.
  std::optional<HaveSummary> peer_have;
  // Kept by a caller that selects again and again on the same connection (a hub's read
  // connection), so that each selection reads only the provenance rows added since the last;
  // nullptr: read whole for this call.
  CertificateCarriers* carriers = nullptr;
  size_t max_envelopes = 256;
  uint64_t max_bytes = uint64_t{8} << 20;  // envelope bytes
};

struct EnvelopeSelection {
  std::vector<Bytes> envelopes;
  size_t left_out = 0;  // wanted but over the limits
};

// Those journal envelopes within for_region's read scope that peer_have lacks, in the order
// of node/exchange/exchange_order.h: the longest front part with at most max_envelopes envelopes and
// max_bytes bytes of envelopes (always at least one envelope when any is wanted, whatever
// its size, so that a receiver always advances). Errors: region.* (for_region), sql.*.
Result<EnvelopeSelection> SelectEnvelopes(const Replica& replica, const SelectOptions& options);

}  // namespace gongkai

#endif  // GONGKAI_NODE_EXCHANGE_ENVELOPE_SELECTION_H_
