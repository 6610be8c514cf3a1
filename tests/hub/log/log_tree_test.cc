#include "hub/log/log_tree.h"

#include <doctest/doctest.h>

#include <bit>
#include <string>
#include <vector>

#include "protocol/merkle.h"

namespace gongkai {
namespace {

// Complete subtrees computed from the leaves, counting the reads.
struct Leaves {
  std::vector<Hash256> leaves;
  int reads = 0;

  explicit Leaves(int n) {
    for (int i = 0; i < n; ++i) leaves.push_back(LeafHash(AsBytes("entry " + std::to_string(i))));
  }
  Hash256 Subtree(int level, uint64_t position) const {
    if (level == 0) return leaves[position];
    return NodeHash(Subtree(level - 1, 2 * position), Subtree(level - 1, 2 * position + 1));
  }
  SubtreeReader Reader() {
    return [this](int level, uint64_t position) -> Result<Hash256> {
      ++reads;
      if (((position + 1) << level) > leaves.size()) {
        return Status::NotFound("test.incomplete", "not a complete subtree");
      }
      return Subtree(level, position);
    };
  }
  MerkleTree Tree() const {
    MerkleTree tree;
    for (const Hash256& leaf : leaves) tree.Append(leaf);
    return tree;
  }
};

TEST_CASE("roots and proofs equal MerkleTree's for every size, index and pair") {
  Leaves data(70);
  const MerkleTree tree = data.Tree();
  const SubtreeReader read = data.Reader();
  for (uint64_t size = 0; size <= 70; ++size) {
    CAPTURE(size);
    REQUIRE(*TreeRoot(read, size) == *tree.Root(size));
    for (uint64_t index = 0; index < size; ++index) {
      REQUIRE(*TreeInclusionProof(read, index, size) == *tree.InclusionProof(index, size));
    }
    for (uint64_t old_size = 0; old_size <= size; ++old_size) {
      REQUIRE(*TreeConsistencyProof(read, old_size, size) ==
              *tree.ConsistencyProof(old_size, size));
    }
  }
}

TEST_CASE("a root reads one stored subtree per 1 bit of the size, and never an incomplete one") {
  Leaves data(1000);
  const SubtreeReader read = data.Reader();
  for (uint64_t size : {1, 2, 3, 7, 8, 513, 999, 1000}) {
    CAPTURE(size);
    data.reads = 0;
    REQUIRE(TreeRoot(read, size).ok());
    CHECK(data.reads == std::popcount(size));
  }
  data.reads = 0;
  REQUIRE(TreeInclusionProof(read, 517, 1000).ok());
  CHECK(data.reads <= 2 * 10);
}

TEST_CASE("SubtreesCompletedBy names each subtree an append closes") {
  Leaves data(8);
  const SubtreeReader read = data.Reader();
  auto none = SubtreesCompletedBy(read, 6, data.leaves[6]);
  REQUIRE(none.ok());
  CHECK(none->empty());
  auto three = SubtreesCompletedBy(read, 7, data.leaves[7]);
  REQUIRE(three.ok());
  REQUIRE(three->size() == 3);
  CHECK((*three)[0].level == 1);
  CHECK((*three)[0].position == 3);
  CHECK((*three)[0].hash == data.Subtree(1, 3));
  CHECK((*three)[1].level == 2);
  CHECK((*three)[1].position == 1);
  CHECK((*three)[2].level == 3);
  CHECK((*three)[2].position == 0);
  CHECK((*three)[2].hash == *data.Tree().Root(8));
}

TEST_CASE("the reader's errors pass through unchanged") {
  const SubtreeReader failing = [](int, uint64_t) -> Result<Hash256> {
    return Status::IoError("test.read", "disk gone");
  };
  CHECK(TreeRoot(failing, 5).status().code() == "test.read");
  CHECK(TreeRoot(failing, 0).ok());  // the empty tree needs nothing stored
  CHECK(TreeInclusionProof(failing, 1, 5).status().code() == "test.read");
  CHECK(TreeConsistencyProof(failing, 3, 5).status().code() == "test.read");
  CHECK(SubtreesCompletedBy(failing, 1, Hash256{}).status().code() == "test.read");
}

}  // namespace
}  // namespace gongkai
