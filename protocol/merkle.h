// RFC 6962 Merkle tree hashing (unchanged in RFC 9162) with SHA-256: the tree behind the
// county hub's audit log, its inclusion and consistency proofs, and stateless verifiers that
// a node, an auditor's laptop or a phone reading a printed sheet can run offline.
//
// The tree over entries D[0..n):
//   MTH({})        = SHA-256("")                                   (kEmptyTreeRoot)
//   MTH({d})       = LeafHash(d)     = SHA-256(0x00 || d)
//   MTH(D[0..n))   = NodeHash(MTH(D[0..k)), MTH(D[k..n)))
//                  = SHA-256(0x01 || left || right),   k = largest power of two < n.
// The 0x00 / 0x01 prefixes keep a leaf from ever being read as an inner node.
//
// Proofs are lists of 32-byte hashes ordered from the leaf (or the old tree) upwards, exactly
// as RFC 6962 §2.1.1 PATH and §2.1.2 PROOF produce them; the verifiers follow RFC 9162 §2.1.3.2
// and §2.1.4.2. protocol/README.md ("Merkle tree, signed notes and checkpoints") explains
// them in prose.
//
// Thread-safety: the free functions are pure. A MerkleTree may be read from many threads at
// once; Append needs exclusive access.
#ifndef GONGKAI_PROTOCOL_MERKLE_H_
#define GONGKAI_PROTOCOL_MERKLE_H_

#include <cstdint>
#include <span>
#include <vector>

#include "protocol/bytes.h"
#include "protocol/sha256.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr uint8_t kMerkleLeafPrefix = 0x00;
inline constexpr uint8_t kMerkleNodePrefix = 0x01;

// Error codes.
// index >= tree size (verifier), or index >= size asked of a MerkleTree.
inline constexpr char kErrMerkleIndexOutOfRange[] = "merkle.index_out_of_range";
// size1 > size2 in a consistency proof.
inline constexpr char kErrMerkleSizeOrder[] = "merkle.size_order";
// A MerkleTree was asked about a size larger than the leaves it holds.
inline constexpr char kErrMerkleSizeBeyondTree[] = "merkle.size_beyond_tree";
// The proof does not have exactly the number of hashes the sizes (and index) demand.
inline constexpr char kErrMerkleProofLength[] = "merkle.proof_length";
// The root computed from the proof differs from the expected (new) root.
inline constexpr char kErrMerkleRootMismatch[] = "merkle.root_mismatch";
// A consistency proof does not reproduce the old root (root1).
inline constexpr char kErrMerkleOldRootMismatch[] = "merkle.old_root_mismatch";

// SHA-256(""), the root of the empty tree.
const Hash256& EmptyTreeRoot();
// SHA-256(0x00 || entry).
Hash256 LeafHash(ByteView entry);
// SHA-256(0x01 || left || right).
Hash256 NodeHash(const Hash256& left, const Hash256& right);

// An append-only tree over leaf hashes, kept in memory.
//
// Storage: for every level L it keeps the hashes of the complete subtrees of 2^L leaves
// (level 0 = the leaf hashes), so it holds just under 2 hashes per leaf: 64 bytes per leaf,
// 640 MB at 10^7 leaves. Any root, inclusion proof or consistency proof for sizes up to
// size() is answered with O(log n) lookups and at most O(log n) SHA-256 computations (only
// subtrees on the right border of a smaller tree are not stored).
//
// The hub persists leaf hashes itself (SQLite) and rebuilds the tree at start by Append.
class MerkleTree {
 public:
  MerkleTree() = default;
  MerkleTree(MerkleTree&&) noexcept = default;
  MerkleTree& operator=(MerkleTree&&) noexcept = default;
  MerkleTree(const MerkleTree&) = delete;
  MerkleTree& operator=(const MerkleTree&) = delete;

  // Reserves room for `leaves` leaf hashes, so a rebuild at start does not reallocate.
  void Reserve(uint64_t leaves);

  // Appends a leaf hash (LeafHash(entry), not the entry) and returns its index.
  // Amortised O(1) hashes.
  uint64_t Append(const Hash256& leaf_hash);

  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }

  // REQUIRES: index < size().
  const Hash256& leaf_hash(uint64_t index) const { return levels_[0][index]; }

  // Root of the first tree_size leaves (the empty-tree root for 0).
  // Fails with merkle.size_beyond_tree when tree_size > size().
  Result<Hash256> Root(uint64_t tree_size) const;
  Hash256 CurrentRoot() const;

  // RFC 6962 PATH(index, D[0..tree_size)), leaf level first.
  // Fails with merkle.size_beyond_tree or merkle.index_out_of_range (index >= tree_size).
  Result<std::vector<Hash256>> InclusionProof(uint64_t index, uint64_t tree_size) const;

  // RFC 6962 PROOF(size1, D[0..size2)). Empty when size1 == size2 or size1 == 0 (every tree
  // extends the empty tree; see VerifyConsistency). Fails with merkle.size_beyond_tree or
  // merkle.size_order (size1 > size2).
  Result<std::vector<Hash256>> ConsistencyProof(uint64_t size1, uint64_t size2) const;

 private:
  // MTH(D[begin..end)). REQUIRES: begin < end <= size(), and [begin, end) a node of some
  // tree of size `end`: begin is a multiple of the largest power of two < end - begin
  // (or of end - begin itself when that is a power of two).
  Hash256 RangeHash(uint64_t begin, uint64_t end) const;
  void Path(uint64_t index, uint64_t begin, uint64_t end, std::vector<Hash256>* out) const;
  void SubProof(uint64_t size1, uint64_t begin, uint64_t end, bool whole_old_tree,
                std::vector<Hash256>* out) const;

  // levels_[L][j] = MTH(D[j * 2^L .. (j + 1) * 2^L)).
  std::vector<std::vector<Hash256>> levels_;
};

// Recomputes the root of a tree of `size` leaves from the hash of leaf `index` and its
// inclusion proof. Fails with merkle.index_out_of_range (index >= size) or
// merkle.proof_length (not exactly the number of hashes this index and size need).
Result<Hash256> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash256& leaf_hash,
                                       std::span<const Hash256> proof);

// OK when `proof` shows that the leaf with hash `leaf_hash` sits at `index` in the tree of
// `size` leaves whose root is `root`. Errors: those of RootFromInclusionProof, then
// merkle.root_mismatch (kind kDenied).
Status VerifyInclusion(uint64_t index, uint64_t size, const Hash256& leaf_hash,
                       std::span<const Hash256> proof, const Hash256& root);

// OK when `proof` shows that the tree of size2 leaves with root `root2` extends (append-only)
// the tree of size1 leaves with root `root1`. Rules, checked in this order:
//   size1 > size2                 -> merkle.size_order
//   size1 == size2                -> the proof must be empty (merkle.proof_length) and
//                                    root1 == root2 (merkle.root_mismatch);
//   size1 == 0 < size2            -> the proof must be empty (merkle.proof_length) and root1
//                                    must be the empty-tree root (merkle.old_root_mismatch);
//                                    any root2 is then accepted: every tree extends the
//                                    empty tree, and there is nothing to prove;
//   0 < size1 < size2             -> the proof must have exactly the length these sizes need
//                                    (merkle.proof_length), must rebuild root1
//                                    (merkle.old_root_mismatch) and root2
//                                    (merkle.root_mismatch).
// Mismatches have kind kDenied; the other refusals kInvalid.
Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash256> proof,
                         const Hash256& root1, const Hash256& root2);

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_MERKLE_H_
