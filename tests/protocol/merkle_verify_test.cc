#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "protocol/merkle.h"
#include "tests/protocol/merkle_vectors.h"

namespace gongkai {
namespace {

Hash256 H(std::string_view hex) { return *HexDecodeFixed<kHashSize>(hex); }

const char* const kLeafHex[8] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};
const char* const kRootHex[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};
Hash256 Root(uint64_t size) { return H(kRootHex[size - 1]); }
Hash256 Leaf(uint64_t index) { return LeafHash(*HexDecode(kLeafHex[index])); }

const Hash256 kSomeHash = H("abacaba000000000000000000000000000000000000000000060061e00123456");

// Every way of spoiling a good inclusion proof must be refused.
void CheckInclusionRefusals(uint64_t index, uint64_t size, const Hash256& leaf,
                            const std::vector<Hash256>& proof, const Hash256& root) {
  REQUIRE(VerifyInclusion(index, size, leaf, proof, root).ok());
  CHECK(*RootFromInclusionProof(index, size, leaf, proof) == root);

  for (uint64_t other : {index - 1, index + 1, index ^ 2}) {
    if (other == index) continue;
    CHECK_FALSE(VerifyInclusion(other, size, leaf, proof, root).ok());
  }
  CHECK_FALSE(VerifyInclusion(index, size * 2, leaf, proof, root).ok());
  CHECK_FALSE(VerifyInclusion(index, size / 2, leaf, proof, root).ok());
  CHECK(VerifyInclusion(index, size, kSomeHash, proof, root).code() == kErrMerkleRootMismatch);
  CHECK(VerifyInclusion(index, size, leaf, proof, EmptyTreeRoot()).code() ==
        kErrMerkleRootMismatch);
  CHECK(VerifyInclusion(index, size, leaf, proof, kSomeHash).code() == kErrMerkleRootMismatch);

  std::vector<Hash256> longer = proof;
  longer.push_back(root);
  CHECK(VerifyInclusion(index, size, leaf, longer, root).code() == kErrMerkleProofLength);
  longer = proof;
  longer.insert(longer.begin(), root);
  CHECK(VerifyInclusion(index, size, leaf, longer, root).code() == kErrMerkleProofLength);
  if (!proof.empty()) {
    const std::vector<Hash256> shorter(proof.begin(), proof.end() - 1);
    CHECK(VerifyInclusion(index, size, leaf, shorter, root).code() == kErrMerkleProofLength);
    const std::vector<Hash256> no_first(proof.begin() + 1, proof.end());
    CHECK(VerifyInclusion(index, size, leaf, no_first, root).code() == kErrMerkleProofLength);
  }
  for (size_t i = 0; i < proof.size(); ++i) {
    for (size_t bit = 0; bit < kHashSize * 8; bit += 51) {
      std::vector<Hash256> flipped = proof;
      flipped[i][bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      CHECK(VerifyInclusion(index, size, leaf, flipped, root).code() == kErrMerkleRootMismatch);
    }
  }
}

// Every way of spoiling a good (non-trivial) consistency proof must be refused.
void CheckConsistencyRefusals(uint64_t size1, uint64_t size2, const std::vector<Hash256>& proof,
                              const Hash256& root1, const Hash256& root2) {
  REQUIRE(VerifyConsistency(size1, size2, proof, root1, root2).ok());
  REQUIRE(!proof.empty());

  for (uint64_t other : {size1 - 1, size1 + 1, size1 ^ 2}) {
    if (other == size1) continue;
    CHECK_FALSE(VerifyConsistency(other, size2, proof, root1, root2).ok());
  }
  CHECK_FALSE(VerifyConsistency(size1, size2 * 2, proof, root1, root2).ok());
  CHECK_FALSE(VerifyConsistency(size1, size2 / 2, proof, root1, root2).ok());
  CHECK_FALSE(VerifyConsistency(size1, size2, proof, kSomeHash, root2).ok());
  CHECK(VerifyConsistency(size1, size2, proof, root1, kSomeHash).code() == kErrMerkleRootMismatch);
  CHECK_FALSE(VerifyConsistency(size1, size2, proof, root2, root1).ok());
  CHECK(VerifyConsistency(size1, size2, {}, root1, root2).code() == kErrMerkleProofLength);
  for (const Hash256& extra : {root1, root2, kSomeHash}) {
    std::vector<Hash256> longer = proof;
    longer.push_back(extra);
    CHECK(VerifyConsistency(size1, size2, longer, root1, root2).code() == kErrMerkleProofLength);
    longer = proof;
    longer.insert(longer.begin(), extra);
    CHECK(VerifyConsistency(size1, size2, longer, root1, root2).code() == kErrMerkleProofLength);
  }
  const std::vector<Hash256> shorter(proof.begin(), proof.end() - 1);
  CHECK(VerifyConsistency(size1, size2, shorter, root1, root2).code() == kErrMerkleProofLength);
  for (size_t i = 0; i < proof.size(); ++i) {
    for (size_t bit = 0; bit < kHashSize * 8; bit += 37) {
      std::vector<Hash256> flipped = proof;
      flipped[i][bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      const Status s = VerifyConsistency(size1, size2, flipped, root1, root2);
      CHECK((s.code() == kErrMerkleOldRootMismatch || s.code() == kErrMerkleRootMismatch));
      CHECK(s.kind() == StatusKind::kDenied);
    }
  }
}

TEST_CASE("published inclusion proofs verify, and every corruption is refused") {
  for (const testing::InclusionVector& v : testing::kInclusionVectors) {
    CAPTURE(v.index);
    CAPTURE(v.size);
    std::vector<Hash256> proof;
    for (const char* hex : v.proof) proof.push_back(H(hex));
    CheckInclusionRefusals(v.index, v.size, Leaf(v.index), proof, Root(v.size));
  }
}

TEST_CASE("published consistency proofs verify, and every corruption is refused") {
  for (const testing::ConsistencyVector& v : testing::kConsistencyVectors) {
    if (v.size1 == v.size2) continue;  // the trivial case has its own test below
    CAPTURE(v.size1);
    CAPTURE(v.size2);
    std::vector<Hash256> proof;
    for (const char* hex : v.proof) proof.push_back(H(hex));
    CheckConsistencyRefusals(v.size1, v.size2, proof, Root(v.size1), Root(v.size2));
  }
}

TEST_CASE("inclusion: index outside the tree is refused before anything else") {
  for (auto [index, size] : {std::pair<uint64_t, uint64_t>{0, 0}, {1, 0}, {1, 1}, {2, 1}, {8, 8}}) {
    const Status s = VerifyInclusion(index, size, kSomeHash, {}, EmptyTreeRoot());
    CHECK(s.code() == kErrMerkleIndexOutOfRange);
    CHECK(s.kind() == StatusKind::kInvalid);
    CHECK(RootFromInclusionProof(index, size, kSomeHash, {}).status().code() ==
          kErrMerkleIndexOutOfRange);
  }
  // A one-leaf tree: the root is the leaf hash and the proof is empty.
  const Hash256 leaf = LeafHash(AsBytes("data"));
  CHECK(VerifyInclusion(0, 1, leaf, {}, leaf).ok());
  CHECK(VerifyInclusion(0, 1, leaf, {}, kSomeHash).code() == kErrMerkleRootMismatch);
  CHECK(VerifyInclusion(0, 1, leaf, std::vector<Hash256>{leaf}, leaf).code() ==
        kErrMerkleProofLength);
}

TEST_CASE("consistency: the trivial cases and their refusals") {
  const Hash256 r1 = H(kRootHex[0]);
  const Hash256 r2 = H(kRootHex[1]);
  const std::vector<Hash256> one = {EmptyTreeRoot()};
  // Equal sizes: empty proof, equal roots.
  CHECK(VerifyConsistency(0, 0, {}, EmptyTreeRoot(), EmptyTreeRoot()).ok());
  CHECK(VerifyConsistency(1, 1, {}, r2, r2).ok());
  CHECK(VerifyConsistency(1, 1, {}, r1, r2).code() == kErrMerkleRootMismatch);
  CHECK(VerifyConsistency(0, 0, {}, EmptyTreeRoot(), r2).code() == kErrMerkleRootMismatch);
  CHECK(VerifyConsistency(1, 1, one, r1, r1).code() == kErrMerkleProofLength);
  CHECK(VerifyConsistency(0, 0, one, EmptyTreeRoot(), EmptyTreeRoot()).code() ==
        kErrMerkleProofLength);
  // From the empty tree: nothing to prove, but the old root must be the empty-tree root.
  CHECK(VerifyConsistency(0, 1, {}, EmptyTreeRoot(), r1).ok());
  CHECK(VerifyConsistency(0, 8, {}, EmptyTreeRoot(), Root(8)).ok());
  CHECK(VerifyConsistency(0, 1, one, EmptyTreeRoot(), r1).code() == kErrMerkleProofLength);
  CHECK(VerifyConsistency(0, 1, {}, r1, r1).code() == kErrMerkleOldRootMismatch);
  // Backwards.
  CHECK(VerifyConsistency(1, 0, {}, r1, r2).code() == kErrMerkleSizeOrder);
  CHECK(VerifyConsistency(2, 1, {}, r1, r2).code() == kErrMerkleSizeOrder);
  CHECK(VerifyConsistency(2, 1, {}, r1, r2).kind() == StatusKind::kInvalid);
  // Growing needs a proof.
  CHECK(VerifyConsistency(1, 2, {}, r1, r2).code() == kErrMerkleProofLength);
}

TEST_CASE("every proof the tree produces verifies, for every size up to 70") {
  constexpr uint64_t kMax = 70;
  MerkleTree tree;
  for (uint64_t i = 0; i < kMax; ++i) tree.Append(LeafHash(AsBytes("leaf " + std::to_string(i))));
  for (uint64_t n = 1; n <= kMax; ++n) {
    CAPTURE(n);
    const Hash256 root = *tree.Root(n);
    for (uint64_t m = 0; m < n; ++m) {
      const std::vector<Hash256> proof = *tree.InclusionProof(m, n);
      REQUIRE(VerifyInclusion(m, n, tree.leaf_hash(m), proof, root).ok());
      // Another leaf's hash with this proof does not verify.
      REQUIRE(VerifyInclusion(m, n, tree.leaf_hash((m + 1) % n), proof, root).ok() == (n == 1));
    }
    for (uint64_t m = 0; m <= n; ++m) {
      const std::vector<Hash256> proof = *tree.ConsistencyProof(m, n);
      REQUIRE(VerifyConsistency(m, n, proof, *tree.Root(m), root).ok());
    }
  }
}

TEST_CASE("corruptions of generated proofs are refused across many shapes") {
  MerkleTree tree;
  for (uint64_t i = 0; i < 33; ++i) tree.Append(LeafHash(AsBytes("x" + std::to_string(i))));
  for (uint64_t n : {2, 3, 7, 8, 9, 16, 17, 31, 33}) {
    CAPTURE(n);
    for (uint64_t m : {uint64_t{0}, n / 2, n - 1}) {
      CAPTURE(m);
      CheckInclusionRefusals(m, n, tree.leaf_hash(m), *tree.InclusionProof(m, n), *tree.Root(n));
    }
    for (uint64_t m : {uint64_t{1}, n / 2, n - 1}) {
      if (m == 0 || m == n) continue;
      CAPTURE(m);
      CheckConsistencyRefusals(m, n, *tree.ConsistencyProof(m, n), *tree.Root(m), *tree.Root(n));
    }
  }
}

TEST_CASE("huge sizes are handled without overflow") {
  constexpr uint64_t kTop = ~uint64_t{0};
  // Index 0 and the last index of a tree of 2^64 - 1 leaves: the proof length is still exact.
  CHECK(VerifyInclusion(0, kTop, kSomeHash, {}, kSomeHash).code() == kErrMerkleProofLength);
  CHECK(VerifyInclusion(kTop - 1, kTop, kSomeHash, {}, kSomeHash).code() == kErrMerkleProofLength);
  CHECK(VerifyInclusion(kTop, kTop, kSomeHash, {}, kSomeHash).code() == kErrMerkleIndexOutOfRange);
  CHECK(VerifyConsistency(kTop - 1, kTop, {}, kSomeHash, kSomeHash).code() ==
        kErrMerkleProofLength);
  // Index 0 in a tree of 2^64 - 1 leaves needs 64 hashes (63 inner levels plus the border).
  const std::vector<Hash256> proof(64, kSomeHash);
  CHECK(VerifyInclusion(0, kTop, kSomeHash, proof, kSomeHash).code() == kErrMerkleRootMismatch);
}

}  // namespace
}  // namespace gongkai
