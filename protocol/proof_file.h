// Inclusion proof files: what a village keeps to show, offline and years later, that one
// envelope is in the county hub's audit log (design §7). `gongkai-hub audit proof` writes
// one; `gongkai verify-proof` checks it against the hub key the node already trusts.
//
// The file is UTF-8 text with "\n" line ends, so it can be read, printed and checked with
// standard tools (sha256sum, base64):
//
//   gongkai-inclusion-proof v1                  the first line, exactly
//   envelope <64 lowercase hex>                 the envelope id (SHA-256 of its bytes)
//   leaf <64 lowercase hex>                     SHA-256(0x00 || id bytes): must match
//   index <decimal>                             the entry's position in the log, from 0
//   size <decimal>                              the tree size proved against (index < size)
//   path <decimal n>                            then n lines, one base64 hash each, leaf
//   <base64 of 32 bytes>                        level first: RFC 6962 PATH(index, D[0:size])
//   ...
//   (an empty line)
//   <the checkpoint note, exactly as the hub signed it, to the end of the file>
//
// Decimals are canonical (no sign, no leading zero except "0"), at most 2^63 - 1. The
// checkpoint (protocol/checkpoint.h, C2SP tlog-checkpoint) must open under the hub's key and
// the log's origin, name exactly `size`, and its root must be the one the path leads to.
//
// Thread-safety: pure functions and values.
#ifndef GONGKAI_PROTOCOL_PROOF_FILE_H_
#define GONGKAI_PROTOCOL_PROOF_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/checkpoint.h"
#include "protocol/keys.h"
#include "protocol/sha256.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kProofFileMagic[] = "gongkai-inclusion-proof v1";
// A proof in a log of 2^63 entries has at most 63 hashes.
inline constexpr size_t kMaxProofPathHashes = 63;
// Header lines, 63 path lines of 45 bytes, and the largest checkpoint, with room to spare.
inline constexpr size_t kMaxProofFileSize = 16 * 1024;

// Error codes (kInvalid unless said).
inline constexpr char kErrProofFileTooLarge[] = "proof_file.too_large";  // kTooLarge
inline constexpr char kErrProofFileMagic[] = "proof_file.magic";         // first line
inline constexpr char kErrProofFileField[] = "proof_file.field";         // a line or value
inline constexpr char kErrProofFilePath[] = "proof_file.path";           // path count/hash
inline constexpr char kErrProofFileLeaf[] = "proof_file.leaf";           // leaf != H(0||id)
inline constexpr char kErrProofFileIndex[] = "proof_file.index";         // index >= size
// The checkpoint is of another size than the proof (kDenied).
inline constexpr char kErrProofFileSizeMismatch[] = "proof_file.size_mismatch";

struct InclusionProofFile {
  Hash256 envelope_id{};
  uint64_t index = 0;
  uint64_t tree_size = 0;
  std::vector<Hash256> path;
  std::string checkpoint;  // the signed note
  bool operator==(const InclusionProofFile&) const = default;
};

// The file text. REQUIRES: index < tree_size, both at most 2^63 - 1, path at most
// kMaxProofPathHashes hashes, checkpoint a note ending in "\n" (as SignCheckpoint makes).
std::string FormatProofFile(const InclusionProofFile& proof);

// Parses the text, checking in this order: size (proof_file.too_large, before anything
// else), the first line (proof_file.magic), each field line (proof_file.field), the path
// (proof_file.path), the leaf line against the id (proof_file.leaf), index < size
// (proof_file.index). The checkpoint is only cut out here; VerifyProofFile opens it.
Result<InclusionProofFile> ParseProofFile(std::string_view text);

// Checks a parsed proof offline: the checkpoint opens under `hub_key` with origin and key
// name `origin` (checkpoint.*, note.*), names the proof's size (proof_file.size_mismatch),
// and the path leads from the envelope's leaf to its root (merkle.proof_length,
// merkle.root_mismatch). Returns the checkpoint.
Result<Checkpoint> VerifyProofFile(const InclusionProofFile& proof, std::string_view origin,
                                   const PublicKey& hub_key);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_PROOF_FILE_H_
