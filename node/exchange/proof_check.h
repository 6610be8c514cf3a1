// Checking an inclusion proof file (protocol/proof_file.h) on a node, offline: against the
// county hub key this node already trusts (a county certificate of its own county under the
// county root in its settings), and against what its replica holds.
//
// Thread-safety: one call at a time per Replica.
#ifndef GONGKAI_NODE_EXCHANGE_PROOF_CHECK_H_
#define GONGKAI_NODE_EXCHANGE_PROOF_CHECK_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "node/replica/replica.h"
#include "protocol/checkpoint.h"
#include "protocol/proof_file.h"
#include "protocol/status.h"

namespace gongkai {

// This node holds no county certificate of its county under its root (kNotFound).
inline constexpr char kErrProofCheckNoHub[] = "proof_check.no_hub";

struct ProofCheck {
  InclusionProofFile proof;
  Checkpoint checkpoint;
  std::string origin;        // gongkai/county/<code>
  bool in_journal = false;   // this node holds the envelope
  bool has_receipt = false;  // this node keeps the hub's receipt for it (hub_receipt)
  // The checkpoint this node stored at its last sync (kSettingHubCheckpoint), when any:
  uint64_t stored_size = 0;
  bool has_stored = false;
  // Same size as the stored one but another root: the hub showed two different logs.
  bool contradicts_stored = false;
};

// Parses `text` and verifies it (VerifyProofFile) under every county certificate of this
// node's county it holds (known_certificate and the synced certificate table) that opens
// under its root key; accepted when one of them verifies. Then looks the envelope up in the
// replica. Errors: proof_file.*, proof_check.no_hub, and the verification codes
// (checkpoint.*, note.*, merkle.*, proof_file.size_mismatch) of the last key tried.
Result<ProofCheck> CheckProofFile(const Replica& replica, std::string_view text);

}  // namespace gongkai

#endif  // GONGKAI_NODE_EXCHANGE_PROOF_CHECK_H_
