// Fuzz target for inclusion proof files (protocol/proof_file.h): parsing, and verification of
// whatever parses against a fixed hub key. Invariants violated abort the run:
//   - a parsed file formats back to exactly its input;
//   - a proof that verifies names a checkpoint of its own size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/proof_file.h"

namespace gongkai {
namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

const PublicKey& HubKey() {
  // The RFC 8032 §7.1 TEST 1 key, which signed the checkpoints of the corpus.
  static const PublicKey key =
      SecretKey::FromSeed(
          *HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
          ->public_key();
  return key;
}

}  // namespace
}  // namespace gongkai

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gongkai;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Result<InclusionProofFile> proof = ParseProofFile(text);
  if (!proof.ok()) return 0;
  Require(FormatProofFile(*proof) == text);
  const Result<Checkpoint> checkpoint = VerifyProofFile(*proof, "gongkai/county/511304", HubKey());
  if (checkpoint.ok()) Require(checkpoint->size == proof->tree_size);
  return 0;
}
