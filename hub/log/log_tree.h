// RFC 6962 roots and proofs computed from stored hashes of complete subtrees, so that the
// hub's log never has to hold the whole tree in memory (log_store.h keeps those hashes in
// SQLite). The results are identical to protocol/merkle.h's MerkleTree; the tests hold them
// to it for every size.
//
// A complete subtree (level L, position j) covers entries [j * 2^L, (j + 1) * 2^L) and has
// hash MTH of those entries (level 0 = the leaf hashes). A tree of n entries has such a
// subtree for every L and j with (j + 1) * 2^L <= n; every node of every tree of size <= n is
// either one of them or (on the right border of a tree whose size is not a power of two) is
// computed from them with at most O(log n) NodeHash calls and O(log n) reads.
//
// Thread-safety: pure functions; the reader is called from the calling thread only.
#ifndef GONGKAI_HUB_LOG_LOG_TREE_H_
#define GONGKAI_HUB_LOG_LOG_TREE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "protocol/sha256.h"
#include "protocol/status.h"

namespace gongkai {

// Returns the hash of complete subtree (level, position); its errors pass through unchanged.
using SubtreeReader = std::function<Result<Hash256>(int level, uint64_t position)>;

// The subtrees that complete an append: after leaf `index` (hash `leaf_hash`) is stored, the
// new complete subtrees are those at levels 1.. along its right edge. Calls `read` for each
// left sibling and returns the new subtrees, lowest level first, each as
// (level, position, hash). Appending leaf 7 yields (1, 3, ..), (2, 1, ..), (3, 0, ..).
struct NewSubtree {
  int level = 0;
  uint64_t position = 0;
  Hash256 hash{};
};
Result<std::vector<NewSubtree>> SubtreesCompletedBy(const SubtreeReader& read, uint64_t index,
                                                    const Hash256& leaf_hash);

// MTH of the first `size` entries (EmptyTreeRoot() for 0). REQUIRES: `read` knows every
// complete subtree of a tree of `size` entries.
Result<Hash256> TreeRoot(const SubtreeReader& read, uint64_t size);

// RFC 6962 PATH(index, D[0..size)), leaf level first. REQUIRES: index < size.
Result<std::vector<Hash256>> TreeInclusionProof(const SubtreeReader& read, uint64_t index,
                                                uint64_t size);

// RFC 6962 PROOF(size1, D[0..size2)); empty when size1 == 0 or size1 == size2 (as
// MerkleTree::ConsistencyProof). REQUIRES: size1 <= size2.
Result<std::vector<Hash256>> TreeConsistencyProof(const SubtreeReader& read, uint64_t size1,
                                                  uint64_t size2);

}  // namespace gongkai

#endif  // GONGKAI_HUB_LOG_LOG_TREE_H_
