#include "protocol/merkle.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/protocol/merkle_vectors.h"

namespace gongkai {
namespace {

// ---- Reference: RFC 6962 §2.1 written out as recursion over the entries themselves. ----

uint64_t LargestPowerOfTwoBelow(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash256 RefMth(const std::vector<Bytes>& d, size_t begin, size_t end) {
  const size_t n = end - begin;
  if (n == 0) return Sha256(ByteView());
  if (n == 1) {
    Bytes leaf = {0x00};
    leaf.insert(leaf.end(), d[begin].begin(), d[begin].end());
    return Sha256(leaf);
  }
  const size_t k = LargestPowerOfTwoBelow(n);
  Bytes node = {0x01};
  const Hash256 left = RefMth(d, begin, begin + k);
  const Hash256 right = RefMth(d, begin + k, end);
  node.insert(node.end(), left.begin(), left.end());
  node.insert(node.end(), right.begin(), right.end());
  return Sha256(node);
}

// PATH(m, D[begin..end)).
std::vector<Hash256> RefPath(const std::vector<Bytes>& d, size_t m, size_t begin, size_t end) {
  const size_t n = end - begin;
  if (n == 1) return {};
  const size_t k = LargestPowerOfTwoBelow(n);
  std::vector<Hash256> path;
  if (m < k) {
    path = RefPath(d, m, begin, begin + k);
    path.push_back(RefMth(d, begin + k, end));
  } else {
    path = RefPath(d, m - k, begin + k, end);
    path.push_back(RefMth(d, begin, begin + k));
  }
  return path;
}

// SUBPROOF(m, D[begin..end), b).
std::vector<Hash256> RefSubProof(const std::vector<Bytes>& d, size_t m, size_t begin, size_t end,
                                 bool b) {
  const size_t n = end - begin;
  if (m == n) {
    if (b) return {};
    return {RefMth(d, begin, end)};
  }
  const size_t k = LargestPowerOfTwoBelow(n);
  std::vector<Hash256> proof;
  if (m <= k) {
    proof = RefSubProof(d, m, begin, begin + k, b);
    proof.push_back(RefMth(d, begin + k, end));
  } else {
    proof = RefSubProof(d, m - k, begin + k, end, false);
    proof.push_back(RefMth(d, begin, begin + k));
  }
  return proof;
}

std::vector<Bytes> Entries(size_t n) {
  std::vector<Bytes> d;
  for (size_t i = 0; i < n; ++i) {
    const std::string text = "entry " + std::to_string(i);
    d.emplace_back(text.begin(), text.end());
  }
  return d;
}

Hash256 H(std::string_view hex) { return *HexDecodeFixed<kHashSize>(hex); }

// ---- The eight leaves and roots of google/certificate-transparency's MerkleTreeTest. ----

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

MerkleTree StandardTree() {
  MerkleTree tree;
  for (const char* hex : kLeafHex) tree.Append(LeafHash(*HexDecode(hex)));
  return tree;
}

TEST_CASE("hash primitives follow RFC 6962") {
  CHECK(HashHex(EmptyTreeRoot()) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // The leaf hash of the empty entry is SHA-256 of the single byte 0x00.
  CHECK(HashHex(LeafHash({})) ==
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  const Hash256 a = LeafHash(AsBytes("a"));
  const Hash256 b = LeafHash(AsBytes("b"));
  Bytes node = {0x01};
  node.insert(node.end(), a.begin(), a.end());
  node.insert(node.end(), b.begin(), b.end());
  CHECK(NodeHash(a, b) == Sha256(node));
  CHECK(NodeHash(a, b) != NodeHash(b, a));
}

TEST_CASE("roots of the standard eight-leaf tree match the published vectors") {
  MerkleTree tree;
  CHECK(tree.size() == 0);
  CHECK(tree.CurrentRoot() == EmptyTreeRoot());
  for (size_t i = 0; i < 8; ++i) {
    CHECK(tree.Append(LeafHash(*HexDecode(kLeafHex[i]))) == i);
    CHECK(tree.size() == i + 1);
    CHECK(HashHex(tree.CurrentRoot()) == kRootHex[i]);
    CHECK(*tree.Root(0) == EmptyTreeRoot());
    for (size_t j = 0; j <= i; ++j) CHECK(HashHex(*tree.Root(j + 1)) == kRootHex[j]);
  }
}

TEST_CASE("inclusion proofs of the standard tree match the published vectors") {
  const MerkleTree tree = StandardTree();
  for (const testing::InclusionVector& v : testing::kInclusionVectors) {
    CAPTURE(v.index);
    CAPTURE(v.size);
    std::vector<Hash256> want;
    for (const char* hex : v.proof) want.push_back(H(hex));
    CHECK(*tree.InclusionProof(v.index, v.size) == want);
  }
}

TEST_CASE("consistency proofs of the standard tree match the published vectors") {
  const MerkleTree tree = StandardTree();
  for (const testing::ConsistencyVector& v : testing::kConsistencyVectors) {
    CAPTURE(v.size1);
    CAPTURE(v.size2);
    std::vector<Hash256> want;
    for (const char* hex : v.proof) want.push_back(H(hex));
    CHECK(*tree.ConsistencyProof(v.size1, v.size2) == want);
  }
}

TEST_CASE("tree agrees with the RFC 6962 reference for every size up to 70") {
  constexpr size_t kMax = 70;
  const std::vector<Bytes> d = Entries(kMax);
  MerkleTree tree;
  for (const Bytes& e : d) tree.Append(LeafHash(e));
  for (size_t n = 0; n <= kMax; ++n) {
    CAPTURE(n);
    REQUIRE(*tree.Root(n) == RefMth(d, 0, n));
    for (size_t m = 0; m < n; ++m) {
      CAPTURE(m);
      REQUIRE(*tree.InclusionProof(m, n) == RefPath(d, m, 0, n));
    }
    for (size_t m = 1; m <= n; ++m) {
      CAPTURE(m);
      REQUIRE(*tree.ConsistencyProof(m, n) == RefSubProof(d, m, 0, n, true));
    }
    REQUIRE(tree.ConsistencyProof(0, n)->empty());
  }
}

TEST_CASE("a tree grown leaf by leaf answers like one built at once") {
  const std::vector<Bytes> d = Entries(40);
  MerkleTree whole;
  for (const Bytes& e : d) whole.Append(LeafHash(e));
  MerkleTree growing;
  growing.Reserve(3);  // smaller than needed: reserving is only a hint
  for (size_t n = 1; n <= d.size(); ++n) {
    growing.Append(LeafHash(d[n - 1]));
    CHECK(growing.CurrentRoot() == *whole.Root(n));
    CHECK(growing.leaf_hash(n - 1) == LeafHash(d[n - 1]));
    for (size_t m = 0; m < n; ++m)
      CHECK(*growing.InclusionProof(m, n) == *whole.InclusionProof(m, n));
  }
}

TEST_CASE("appending a leaf hash taken from the tree itself") {
  MerkleTree tree;
  tree.Append(LeafHash(AsBytes("x")));
  for (int i = 0; i < 100; ++i) tree.Append(tree.leaf_hash(0));  // may reallocate under it
  for (uint64_t i = 0; i < tree.size(); ++i) CHECK(tree.leaf_hash(i) == LeafHash(AsBytes("x")));
}

TEST_CASE("tree refuses sizes beyond its leaves and impossible indices") {
  const MerkleTree tree = StandardTree();
  CHECK(tree.Root(8).ok());
  CHECK(tree.Root(9).status().code() == kErrMerkleSizeBeyondTree);
  CHECK(tree.Root(9).status().kind() == StatusKind::kNotFound);
  CHECK(tree.InclusionProof(7, 8).ok());
  CHECK(tree.InclusionProof(0, 9).status().code() == kErrMerkleSizeBeyondTree);
  CHECK(tree.InclusionProof(8, 8).status().code() == kErrMerkleIndexOutOfRange);
  CHECK(tree.InclusionProof(0, 0).status().code() == kErrMerkleIndexOutOfRange);
  CHECK(tree.ConsistencyProof(3, 8).ok());
  CHECK(tree.ConsistencyProof(3, 9).status().code() == kErrMerkleSizeBeyondTree);
  CHECK(tree.ConsistencyProof(5, 4).status().code() == kErrMerkleSizeOrder);

  const MerkleTree empty;
  CHECK(*empty.Root(0) == EmptyTreeRoot());
  CHECK(empty.ConsistencyProof(0, 0)->empty());
  CHECK(empty.InclusionProof(0, 0).status().code() == kErrMerkleIndexOutOfRange);
}

}  // namespace
}  // namespace gongkai
