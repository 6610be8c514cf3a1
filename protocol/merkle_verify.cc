// The stateless verifiers of merkle.h (RFC 9162 §2.1.3.2 and §2.1.4.2).
//
// An inclusion proof for leaf `index` in a tree of `size` leaves splits where the path from
// the leaf to the root leaves the path of the last leaf (size - 1): below that level ("inner")
// the leaf's subtree is complete and each proof hash is a sibling on the left or the right as
// the index bit says; above it ("border") the path runs along the right edge of the tree and
// every proof hash is a complete subtree on the left.
#include <bit>
#include <string>

#include "protocol/merkle.h"

namespace gongkai {
namespace {

// x >> n that is defined for n == 64 (a tree of more than 2^63 leaves).
uint64_t ShiftRight(uint64_t x, int n) { return n >= 64 ? 0 : x >> n; }

struct ProofShape {
  int inner;
  int border;
};

ProofShape InclusionShape(uint64_t index, uint64_t size) {
  const int inner = std::bit_width(index ^ (size - 1));
  return {inner, std::popcount(ShiftRight(index, inner))};
}

// Hashes the leaf-side part of a path: the proof hash goes left or right of the running hash
// as bit i of `index` says.
Hash256 ChainInner(Hash256 seed, std::span<const Hash256> proof, uint64_t index) {
  for (size_t i = 0; i < proof.size(); ++i) {
    seed = ((index >> i) & 1) == 0 ? NodeHash(seed, proof[i]) : NodeHash(proof[i], seed);
  }
  return seed;
}

// Like ChainInner, but keeps only the hashes to the left of the path: what the same subtree
// hashed to before the leaves to its right were appended.
Hash256 ChainInnerLeftOnly(Hash256 seed, std::span<const Hash256> proof, uint64_t index) {
  for (size_t i = 0; i < proof.size(); ++i) {
    if (((index >> i) & 1) == 1) seed = NodeHash(proof[i], seed);
  }
  return seed;
}

// Along the right border every proof hash is a complete subtree to the left.
Hash256 ChainBorder(Hash256 seed, std::span<const Hash256> proof) {
  for (const Hash256& h : proof) seed = NodeHash(h, seed);
  return seed;
}

Status ProofLength(std::string_view what, size_t got, size_t want) {
  return Status::Invalid(kErrMerkleProofLength, std::string(what) + " has " + std::to_string(got) +
                                                    " hashes, needs " + std::to_string(want));
}

}  // namespace

Result<Hash256> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash256& leaf_hash,
                                       std::span<const Hash256> proof) {
  if (index >= size) {
    return Status::Invalid(kErrMerkleIndexOutOfRange, "leaf index " + std::to_string(index) +
                                                          " is not in a tree of " +
                                                          std::to_string(size) + " leaves");
  }
  const ProofShape shape = InclusionShape(index, size);
  const size_t want = static_cast<size_t>(shape.inner + shape.border);
  if (proof.size() != want) {
    return ProofLength("inclusion proof for leaf " + std::to_string(index) + " in a tree of " +
                           std::to_string(size),
                       proof.size(), want);
  }
  Hash256 h = ChainInner(leaf_hash, proof.first(shape.inner), index);
  return ChainBorder(h, proof.subspan(shape.inner));
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash256& leaf_hash,
                       std::span<const Hash256> proof, const Hash256& root) {
  GK_ASSIGN_OR_RETURN(Hash256 computed, RootFromInclusionProof(index, size, leaf_hash, proof));
  if (computed != root) {
    return Status::Denied(kErrMerkleRootMismatch, "inclusion proof for leaf " +
                                                      std::to_string(index) + " in a tree of " +
                                                      std::to_string(size) + " leads to root " +
                                                      HashHex(computed) + ", not " + HashHex(root));
  }
  return Status::Ok();
}

Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash256> proof,
                         const Hash256& root1, const Hash256& root2) {
  const std::string sizes = std::to_string(size1) + " -> " + std::to_string(size2);
  if (size1 > size2) {
    return Status::Invalid(kErrMerkleSizeOrder, "consistency proof goes backwards: " + sizes);
  }
  if (size1 == size2) {
    if (!proof.empty()) return ProofLength("consistency proof " + sizes, proof.size(), 0);
    if (root1 != root2) {
      return Status::Denied(kErrMerkleRootMismatch, "two different roots for tree size " +
                                                        std::to_string(size1) + ": " +
                                                        HashHex(root1) + " and " + HashHex(root2));
    }
    return Status::Ok();
  }
  if (size1 == 0) {
    if (!proof.empty()) return ProofLength("consistency proof " + sizes, proof.size(), 0);
    if (root1 != EmptyTreeRoot()) {
      return Status::Denied(kErrMerkleOldRootMismatch,
                            "root of the empty tree given as " + HashHex(root1));
    }
    return Status::Ok();
  }

  // The proof is the tail of the inclusion proof of leaf size1 - 1 in the new tree, starting
  // at the level of the largest complete subtree that ends the old tree (2^shift leaves).
  // That subtree's hash is sent first, unless it is the whole old tree, whose root the
  // verifier already holds.
  ProofShape shape = InclusionShape(size1 - 1, size2);
  const int shift = std::countr_zero(size1);
  shape.inner -= shift;  // > 0, because the last leaves of the two trees differ above `shift`.
  const bool old_tree_is_subtree = std::has_single_bit(size1);
  const size_t start = old_tree_is_subtree ? 0 : 1;
  const size_t want = start + static_cast<size_t>(shape.inner + shape.border);
  if (proof.size() != want) {
    return ProofLength("consistency proof " + sizes, proof.size(), want);
  }
  const Hash256& seed = old_tree_is_subtree ? root1 : proof[0];
  const std::span<const Hash256> rest = proof.subspan(start);
  const std::span<const Hash256> inner = rest.first(shape.inner);
  const std::span<const Hash256> border = rest.subspan(shape.inner);
  const uint64_t mask = (size1 - 1) >> shift;

  const Hash256 old_root = ChainBorder(ChainInnerLeftOnly(seed, inner, mask), border);
  if (old_root != root1) {
    return Status::Denied(kErrMerkleOldRootMismatch, "consistency proof " + sizes +
                                                         " leads to old root " + HashHex(old_root) +
                                                         ", not " + HashHex(root1));
  }
  const Hash256 new_root = ChainBorder(ChainInner(seed, inner, mask), border);
  if (new_root != root2) {
    return Status::Denied(kErrMerkleRootMismatch, "consistency proof " + sizes +
                                                      " leads to new root " + HashHex(new_root) +
                                                      ", not " + HashHex(root2));
  }
  return Status::Ok();
}

}  // namespace gongkai
