#include "hub/log/log_tree.h"

#include <bit>

#include "protocol/merkle.h"

namespace gongkai {

namespace {

// MTH(D[begin..end)) for a node of some tree: either a complete subtree (stored) or a right
// border node, split where RFC 6962 splits it. RFC 6962 only ever splits a range at its
// largest power of two, so a range of 2^L entries starts at a multiple of 2^L and is the
// complete subtree (L, begin >> L).
Result<Hash256> RangeHash(const SubtreeReader& read, uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  if (std::has_single_bit(n)) {
    const int level = std::countr_zero(n);
    return read(level, begin >> level);
  }
  const uint64_t k = std::bit_floor(n - 1);
  GK_ASSIGN_OR_RETURN(Hash256 left, RangeHash(read, begin, begin + k));
  GK_ASSIGN_OR_RETURN(Hash256 right, RangeHash(read, begin + k, end));
  return NodeHash(left, right);
}

// PATH(index, D[begin..end)), appended leaf level first.
Status Path(const SubtreeReader& read, uint64_t index, uint64_t begin, uint64_t end,
            std::vector<Hash256>* out) {
  if (end - begin == 1) return Status::Ok();
  const uint64_t k = std::bit_floor(end - begin - 1);
  if (index < begin + k) {
    GK_RETURN_IF_ERROR(Path(read, index, begin, begin + k, out));
    GK_ASSIGN_OR_RETURN(Hash256 sibling, RangeHash(read, begin + k, end));
    out->push_back(sibling);
  } else {
    GK_RETURN_IF_ERROR(Path(read, index, begin + k, end, out));
    GK_ASSIGN_OR_RETURN(Hash256 sibling, RangeHash(read, begin, begin + k));
    out->push_back(sibling);
  }
  return Status::Ok();
}

// SUBPROOF(size1, D[begin..end), whole_old_tree), size1 counted from begin.
Status SubProof(const SubtreeReader& read, uint64_t size1, uint64_t begin, uint64_t end,
                bool whole_old_tree, std::vector<Hash256>* out) {
  const uint64_t n = end - begin;
  if (size1 == n) {
    if (whole_old_tree) return Status::Ok();  // the verifier holds the old root
    GK_ASSIGN_OR_RETURN(Hash256 hash, RangeHash(read, begin, end));
    out->push_back(hash);
    return Status::Ok();
  }
  const uint64_t k = std::bit_floor(n - 1);
  if (size1 <= k) {
    GK_RETURN_IF_ERROR(SubProof(read, size1, begin, begin + k, whole_old_tree, out));
    GK_ASSIGN_OR_RETURN(Hash256 hash, RangeHash(read, begin + k, end));
    out->push_back(hash);
  } else {
    GK_RETURN_IF_ERROR(SubProof(read, size1 - k, begin + k, end, false, out));
    GK_ASSIGN_OR_RETURN(Hash256 hash, RangeHash(read, begin, begin + k));
    out->push_back(hash);
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<NewSubtree>> SubtreesCompletedBy(const SubtreeReader& read, uint64_t index,
                                                    const Hash256& leaf_hash) {
  std::vector<NewSubtree> out;
  Hash256 node = leaf_hash;
  // Each odd position closes a pair; the parent may close a pair one level up in turn.
  uint64_t position = index;
  for (int level = 0; position & 1; ++level, position >>= 1) {
    GK_ASSIGN_OR_RETURN(Hash256 left, read(level, position - 1));
    node = NodeHash(left, node);
    out.push_back(NewSubtree{level + 1, position >> 1, node});
  }
  return out;
}

Result<Hash256> TreeRoot(const SubtreeReader& read, uint64_t size) {
  if (size == 0) return EmptyTreeRoot();
  return RangeHash(read, 0, size);
}

Result<std::vector<Hash256>> TreeInclusionProof(const SubtreeReader& read, uint64_t index,
                                                uint64_t size) {
  std::vector<Hash256> proof;
  GK_RETURN_IF_ERROR(Path(read, index, 0, size, &proof));
  return proof;
}

Result<std::vector<Hash256>> TreeConsistencyProof(const SubtreeReader& read, uint64_t size1,
                                                  uint64_t size2) {
  std::vector<Hash256> proof;
  if (size1 == 0 || size1 == size2) return proof;
  GK_RETURN_IF_ERROR(SubProof(read, size1, 0, size2, true, &proof));
  return proof;
}

}  // namespace gongkai
