#include "protocol/merkle.h"

#include <algorithm>
#include <bit>
#include <string>

namespace gongkai {

const Hash256& EmptyTreeRoot() {
  static const Hash256 root = Sha256(ByteView());
  return root;
}

Hash256 LeafHash(ByteView entry) {
  Sha256Stream s;
  const uint8_t prefix = kMerkleLeafPrefix;
  s.Update(ByteView(&prefix, 1));
  s.Update(entry);
  return s.Finish();
}

Hash256 NodeHash(const Hash256& left, const Hash256& right) {
  uint8_t buf[1 + 2 * kHashSize];
  buf[0] = kMerkleNodePrefix;
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 1 + kHashSize);
  return Sha256(ByteView(buf, sizeof buf));
}

void MerkleTree::Reserve(uint64_t leaves) {
  for (size_t level = 0; leaves > 0; ++level, leaves /= 2) {
    if (levels_.size() <= level) levels_.emplace_back();
    levels_[level].reserve(leaves);
  }
}

uint64_t MerkleTree::Append(const Hash256& leaf_hash) {
  // Copied first: the argument may refer into levels_, which may reallocate below.
  Hash256 node = leaf_hash;
  if (levels_.empty()) levels_.emplace_back();
  const uint64_t index = levels_[0].size();
  levels_[0].push_back(node);
  // Each odd position completes a pair: store the parent one level up, and carry on while
  // the parent itself completes a pair.
  uint64_t position = index;
  for (size_t level = 0; position & 1; ++level, position >>= 1) {
    node = NodeHash(levels_[level][position - 1], node);
    if (levels_.size() <= level + 1) levels_.emplace_back();
    levels_[level + 1].push_back(node);
  }
  return index;
}

Hash256 MerkleTree::RangeHash(uint64_t begin, uint64_t end) const {
  const uint64_t n = end - begin;
  if (std::has_single_bit(n)) {
    const int level = std::countr_zero(n);
    return levels_[level][begin >> level];
  }
  const uint64_t k = std::bit_floor(n);
  return NodeHash(RangeHash(begin, begin + k), RangeHash(begin + k, end));
}

Result<Hash256> MerkleTree::Root(uint64_t tree_size) const {
  if (tree_size > size()) {
    return Status::NotFound(kErrMerkleSizeBeyondTree, "tree size " + std::to_string(tree_size) +
                                                          " asked of a tree of " +
                                                          std::to_string(size()) + " leaves");
  }
  if (tree_size == 0) return EmptyTreeRoot();
  return RangeHash(0, tree_size);
}

Hash256 MerkleTree::CurrentRoot() const {
  return size() == 0 ? EmptyTreeRoot() : RangeHash(0, size());
}

void MerkleTree::Path(uint64_t index, uint64_t begin, uint64_t end,
                      std::vector<Hash256>* out) const {
  if (end - begin == 1) return;
  const uint64_t k = std::bit_floor(end - begin - 1);
  if (index < begin + k) {
    Path(index, begin, begin + k, out);
    out->push_back(RangeHash(begin + k, end));
  } else {
    Path(index, begin + k, end, out);
    out->push_back(RangeHash(begin, begin + k));
  }
}

Result<std::vector<Hash256>> MerkleTree::InclusionProof(uint64_t index, uint64_t tree_size) const {
  if (tree_size > size()) {
    return Status::NotFound(kErrMerkleSizeBeyondTree,
                            "inclusion proof at tree size " + std::to_string(tree_size) +
                                " asked of a tree of " + std::to_string(size()) + " leaves");
  }
  if (index >= tree_size) {
    return Status::Invalid(kErrMerkleIndexOutOfRange, "leaf index " + std::to_string(index) +
                                                          " is not in a tree of " +
                                                          std::to_string(tree_size) + " leaves");
  }
  std::vector<Hash256> proof;
  Path(index, 0, tree_size, &proof);
  return proof;
}

// RFC 6962 SUBPROOF(m, D[begin..end), b) with m = size1 counted from begin.
void MerkleTree::SubProof(uint64_t size1, uint64_t begin, uint64_t end, bool whole_old_tree,
                          std::vector<Hash256>* out) const {
  const uint64_t n = end - begin;
  if (size1 == n) {
    // The verifier already knows the old root; any other complete subtree of the old tree
    // has to be sent.
    if (!whole_old_tree) out->push_back(RangeHash(begin, end));
    return;
  }
  const uint64_t k = std::bit_floor(n - 1);
  if (size1 <= k) {
    SubProof(size1, begin, begin + k, whole_old_tree, out);
    out->push_back(RangeHash(begin + k, end));
  } else {
    SubProof(size1 - k, begin + k, end, false, out);
    out->push_back(RangeHash(begin, begin + k));
  }
}

Result<std::vector<Hash256>> MerkleTree::ConsistencyProof(uint64_t size1, uint64_t size2) const {
  if (size2 > size()) {
    return Status::NotFound(kErrMerkleSizeBeyondTree,
                            "consistency proof to tree size " + std::to_string(size2) +
                                " asked of a tree of " + std::to_string(size()) + " leaves");
  }
  if (size1 > size2) {
    return Status::Invalid(kErrMerkleSizeOrder, "consistency proof from size " +
                                                    std::to_string(size1) + " back to size " +
                                                    std::to_string(size2));
  }
  std::vector<Hash256> proof;
  if (size1 == 0 || size1 == size2) return proof;
  SubProof(size1, 0, size2, true, &proof);
  return proof;
}

}  // namespace gongkai
