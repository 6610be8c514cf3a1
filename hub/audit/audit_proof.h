// `gongkai-hub audit proof`: the inclusion proof of one logged envelope against the hub's
// latest signed checkpoint, as a file a village keeps (protocol/proof_file.h).
//
// Thread-safety: one call at a time; reads the database through its own read-only
// connection.
#ifndef GONGKAI_HUB_AUDIT_AUDIT_PROOF_H_
#define GONGKAI_HUB_AUDIT_AUDIT_PROOF_H_

#include <filesystem>
#include <string_view>

#include "protocol/proof_file.h"
#include "protocol/status.h"

namespace gongkai {

// Error codes.
inline constexpr char kErrProofEnvelopeRef[] = "proof.envelope_ref";  // not 6..64 hex digits
inline constexpr char kErrProofUnknown[] = "proof.unknown";      // no logged envelope (kNotFound)
inline constexpr char kErrProofAmbiguous[] = "proof.ambiguous";  // prefix of several
inline constexpr char kErrProofNoCheckpoint[] =
    "proof.no_checkpoint";  // none signed yet (kNotFound)
// The entry is newer than the latest checkpoint (kUnavailable: try after the next one).
inline constexpr char kErrProofNotCovered[] = "proof.not_covered";

// The proof of the logged envelope named by `envelope_ref` (its 64-digit id, or a unique
// prefix of at least 6 lowercase hex digits) in the hub database `db_path`, against the
// latest checkpoint stored there. The proof is checked with VerifyProofFile under the hub
// key before it is returned, so a damaged database never yields a proof that fails later.
// Errors: the codes above, audit.open, audit.identity, log.*, merkle.*, checkpoint.*.
Result<InclusionProofFile> MakeEnvelopeProof(const std::filesystem::path& db_path,
                                             std::string_view envelope_ref);

}  // namespace gongkai

#endif  // GONGKAI_HUB_AUDIT_AUDIT_PROOF_H_
