// Fuzz target for the checkpoint note parser and the Merkle proof verifiers.
//
// The first byte chooses what the rest is fed to:
//   'c' (or anything not below)  the bytes are a checkpoint note, opened against a fixed key;
//   'v'                          a verifier key text;
//   'i' / 'k'                    an inclusion / consistency proof: 8 + 8 bytes of sizes, a
//                                32-byte leaf hash or root, then 32-byte proof hashes.
//   't'                          a small tree built from the bytes; its proofs must verify.
// Corpus files start with that byte. Invariants violated abort the run.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "protocol/checkpoint.h"
#include "protocol/merkle.h"
#include "protocol/signed_note.h"

namespace gongkai {
namespace {

constexpr std::string_view kOrigin = "gongkai.example/log";

void Require(bool ok) {
  if (!ok) std::abort();
}

const SecretKey& FixedKey() {
  // The RFC 8032 §7.1 TEST 1 key, which signed the valid notes of the corpus.
  static const SecretKey key = *SecretKey::FromSeed(
      *HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  return key;
}

void FuzzCheckpoint(std::string_view note) {
  const Result<Checkpoint> cp = OpenCheckpoint(note, kOrigin, kOrigin, FixedKey().public_key());
  const Result<ParsedNote> parsed = ParseNote(note, kMaxCheckpointSize);
  if (!cp.ok()) return;
  // Anything accepted parses as a note, and its text is exactly the canonical body.
  Require(parsed.ok());
  Require(*CheckpointBody(*cp) == parsed->text);
  Require(note.size() <= kMaxCheckpointSize);
}

void FuzzVerifierKey(std::string_view text) {
  const Result<NoteVerifierKey> vkey = ParseNoteVerifierKey(text);
  if (vkey.ok()) Require(FormatNoteVerifierKey(*vkey) == text);
}

struct Reader {
  const uint8_t* data;
  size_t size;
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8 && size > 0; ++i, ++data, --size) v = v << 8 | *data;
    return v;
  }
  Hash256 Hash() {
    Hash256 h{};
    for (size_t i = 0; i < kHashSize && size > 0; ++i, ++data, --size) h[i] = *data;
    return h;
  }
};

void FuzzProof(const uint8_t* data, size_t size, bool inclusion) {
  Reader r{data, size};
  const uint64_t a = r.U64();
  const uint64_t b = r.U64();
  const Hash256 first = r.Hash();
  const Hash256 second = r.Hash();
  std::vector<Hash256> proof;
  while (r.size > 0) proof.push_back(r.Hash());
  if (inclusion) {
    const Result<Hash256> root = RootFromInclusionProof(a, b, first, proof);
    const Status s = VerifyInclusion(a, b, first, proof, second);
    Require(s.ok() == (root.ok() && *root == second));
  } else {
    (void)VerifyConsistency(a, b, proof, first, second);
  }
}

// Builds a tree of up to 64 leaves from the bytes; every proof it makes must verify.
void FuzzTree(const uint8_t* data, size_t size) {
  MerkleTree tree;
  const size_t leaves = std::min<size_t>(size, 64);
  for (size_t i = 0; i < leaves; ++i) tree.Append(LeafHash(ByteView(data + i, size - i)));
  const uint64_t n = tree.size();
  if (n == 0) return;
  const uint64_t m = data[0] % n;
  const Hash256 root = tree.CurrentRoot();
  Require(VerifyInclusion(m, n, tree.leaf_hash(m), *tree.InclusionProof(m, n), root).ok());
  const uint64_t old_size = size > 1 ? data[1] % (n + 1) : n;
  Require(VerifyConsistency(old_size, n, *tree.ConsistencyProof(old_size, n), *tree.Root(old_size),
                            root)
              .ok());
}

}  // namespace
}  // namespace gongkai

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  ++data;
  --size;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  switch (mode) {
    case 'v':
      gongkai::FuzzVerifierKey(text);
      break;
    case 'i':
      gongkai::FuzzProof(data, size, true);
      break;
    case 'k':
      gongkai::FuzzProof(data, size, false);
      break;
    case 't':
      gongkai::FuzzTree(data, size);
      break;
    default:
      gongkai::FuzzCheckpoint(text);
      break;
  }
  return 0;
}
