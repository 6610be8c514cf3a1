#include "protocol/receipt.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "protocol/merkle.h"
#include "tests/protocol/temp_dir.h"

namespace gongkai {
namespace {

// RFC 8032 §7.1 TEST 1 secret key (the fuzz target verifies with its public key).
constexpr char kSeedHex[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
// Root of the standard 8-leaf RFC 6962 test tree (protocol/merkle_test.cc).
constexpr char kRoot8Hex[] = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";

// The signed part of TestReceipt(), written out independently (Python struct.pack):
// "GKRC", 1, node id of the TEST 1 key, SHA-256("gongkai receipt test envelope"),
// index 5, time 1790000000123, size 8, kRoot8Hex.
constexpr char kSignedPartHex[] =
    "474b52430121fe31dfa154a261626bf854046fd2273c2fb9d31a4654ce29fccba38f41189884baafd56ae124"
    "ed544726d4bb3d3a330000000000000005000001a0c4506c7b00000000000000085dc9da79a70659a9ad559c"
    "b701ded9a2ab9d823aad2f4960cfe370eff4604328";

// Field offsets, as the header's table gives them.
constexpr size_t kOffMagic = 0, kOffVersion = 4, kOffHubId = 5, kOffEnvelopeId = 21, kOffIndex = 53,
                 kOffTime = 61, kOffSize = 69, kOffRoot = 77, kOffSignature = 109;

SecretKey TestKey() { return *SecretKey::FromSeed(*HexDecode(kSeedHex)); }
SecretKey OtherKey() { return *SecretKey::FromSeed(Bytes(kSeedSize, 7)); }

Hash256 HashOfHex(const char* hex) { return *HexDecodeFixed<kHashSize>(hex); }

Receipt TestReceipt() {
  Receipt r;
  r.envelope_id = Sha256("gongkai receipt test envelope");
  r.log_index = 5;
  r.received_at_ms = 1'790'000'000'123;
  r.tree_size = 8;
  r.root = HashOfHex(kRoot8Hex);
  return r;
}

void PutU64(Bytes& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<uint8_t>(v >> (56 - 8 * i));
}

// Re-signs `bytes` after an edit, so that a check before the signature is reached.
Bytes Resign(Bytes bytes, const SecretKey& key) {
  bytes.resize(kReceiptSignedSize);
  const Signature s = key.Sign(bytes);
  bytes.insert(bytes.end(), s.begin(), s.end());
  return bytes;
}

std::string CodeOf(ByteView bytes, const PublicKey& key) {
  Result<Receipt> r = OpenReceipt(bytes, key);
  return r.ok() ? "ok" : r.status().code();
}

TEST_CASE("the fixed vector pins the byte layout, and the receipt opens") {
  const SecretKey key = TestKey();
  const Bytes bytes = *MakeReceipt(TestReceipt(), key);
  REQUIRE(bytes.size() == kReceiptSize);
  CHECK(kReceiptSize == 173);
  CHECK(HexEncode(ByteView(bytes).first(kReceiptSignedSize)) == kSignedPartHex);
  CHECK(bytes[kOffMagic] == 'G');
  CHECK(bytes[kOffVersion] == kReceiptVersion);
  CHECK(HexEncode(ByteView(bytes).subspan(kOffHubId, kNodeIdSize)) == NodeIdHex(key.node_id()));
  CHECK(bytes[kOffEnvelopeId] == TestReceipt().envelope_id[0]);
  CHECK(bytes[kOffIndex + 7] == 5);
  CHECK(bytes[kOffSize + 7] == 8);
  CHECK(bytes[kOffRoot] == 0x5d);

  Result<Receipt> opened = OpenReceipt(bytes, key.public_key());
  REQUIRE(opened.ok());
  Receipt expected = TestReceipt();
  expected.hub_id = key.node_id();
  expected.signature = opened->signature;
  CHECK(*opened == expected);
  CHECK(VerifySignature(key.public_key(), ByteView(bytes).first(kReceiptSignedSize),
                        opened->signature));
  // The hub id and signature given to MakeReceipt are ignored: the key decides.
  Receipt with_junk = TestReceipt();
  with_junk.hub_id = OtherKey().node_id();
  with_junk.signature.fill(9);
  CHECK(*MakeReceipt(with_junk, key) == bytes);
}

TEST_CASE("the leaf hash of an envelope is SHA-256(0x00 || id)") {
  // Python: hashlib.sha256(b"\0" + hashlib.sha256(b"gongkai receipt test envelope").digest())
  CHECK(HashHex(EnvelopeLeafHash(TestReceipt().envelope_id)) ==
        "7b99b2a3c619b609e2ca2ce32dce8b18783e3ecba080149f87bf05c92c0b905a");
  CHECK(EnvelopeLeafHash(TestReceipt().envelope_id) == LeafHash(TestReceipt().envelope_id));
}

// OpenSSL verifies the signature over the signed part, independently of libsodium.
TEST_CASE("openssl verifies a receipt's signature") {
  const SecretKey key = TestKey();
  const Bytes bytes = *MakeReceipt(TestReceipt(), key);
  testing::TempDir dir;
  Bytes der = *HexDecode("302a300506032b6570032100");
  der.insert(der.end(), key.public_key().begin(), key.public_key().end());
  testing::WriteFile(dir.File("pub.pem"), "-----BEGIN PUBLIC KEY-----\n" + Base64Encode(der) +
                                              "\n-----END PUBLIC KEY-----\n");
  testing::WriteFile(dir.File("signed.bin"), ByteView(bytes).first(kReceiptSignedSize));
  testing::WriteFile(dir.File("sig.bin"), ByteView(bytes).subspan(kOffSignature));
  Bytes tampered(bytes.begin(), bytes.begin() + kReceiptSignedSize);
  tampered[kOffIndex + 7] ^= 1;
  testing::WriteFile(dir.File("tampered.bin"), tampered);
  const std::string verify = "openssl pkeyutl -verify -pubin -inkey " + dir.File("pub.pem") +
                             " -rawin -sigfile " + dir.File("sig.bin") + " -in ";
  CHECK(testing::Run(verify + dir.File("signed.bin") + " >/dev/null 2>&1") == 0);
  CHECK(testing::Run(verify + dir.File("tampered.bin") + " >/dev/null 2>&1") != 0);
}

TEST_CASE("every refusal of OpenReceipt, in order") {
  const SecretKey key = TestKey();
  const PublicKey pk = key.public_key();
  const Bytes good = *MakeReceipt(TestReceipt(), key);
  REQUIRE(CodeOf(good, pk) == "ok");

  Bytes longer = good;
  longer.push_back(0);
  CHECK(CodeOf(longer, pk) == kErrReceiptTooLarge);
  CHECK(OpenReceipt(longer, pk).status().kind() == StatusKind::kTooLarge);
  CHECK(CodeOf(Bytes(1 << 20, 'G'), pk) == kErrReceiptTooLarge);

  CHECK(CodeOf(Bytes(), pk) == kErrReceiptTruncated);
  CHECK(CodeOf(ByteView(good).first(kReceiptSize - 1), pk) == kErrReceiptTruncated);
  CHECK(CodeOf(ByteView(good).first(kOffVersion + 1), pk) == kErrReceiptTruncated);

  Bytes magic = good;
  magic[3] = 'V';
  CHECK(CodeOf(magic, pk) == kErrReceiptMagic);
  CHECK(CodeOf(ByteView(magic).first(4), pk) == kErrReceiptMagic);  // magic before length
  Bytes version = good;
  version[kOffVersion] = 2;
  CHECK(CodeOf(Resign(version, key), pk) == kErrReceiptVersion);

  // Numbers: refused before the signature is looked at, even when correctly signed.
  for (size_t at : {kOffIndex, kOffTime, kOffSize}) {
    CAPTURE(at);
    Bytes big = good;
    PutU64(big, at, kMaxReceiptNumber + 1);
    CHECK(CodeOf(Resign(big, key), pk) == kErrReceiptRange);
  }
  Bytes index = good;
  PutU64(index, kOffIndex, 8);  // == tree size
  CHECK(CodeOf(Resign(index, key), pk) == kErrReceiptIndex);
  PutU64(index, kOffSize, 0);
  PutU64(index, kOffIndex, 0);
  CHECK(CodeOf(Resign(index, key), pk) == kErrReceiptIndex);  // no entry in an empty tree

  CHECK(CodeOf(good, OtherKey().public_key()) == kErrReceiptSigner);
  CHECK(OpenReceipt(good, OtherKey().public_key()).status().kind() == StatusKind::kDenied);
  // Another hub's receipt, signed by that hub, names that hub: refused as such.
  CHECK(CodeOf(*MakeReceipt(TestReceipt(), OtherKey()), pk) == kErrReceiptSigner);

  Bytes signature = good;
  signature[kOffSignature + 3] ^= 0x40;
  CHECK(CodeOf(signature, pk) == kErrReceiptSignature);
  CHECK(OpenReceipt(signature, pk).status().kind() == StatusKind::kDenied);
}

TEST_CASE("every single-bit change to a receipt is refused") {
  const SecretKey key = TestKey();
  const Bytes good = *MakeReceipt(TestReceipt(), key);
  int refused = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes changed = good;
      changed[i] ^= static_cast<uint8_t>(1 << bit);
      refused += OpenReceipt(changed, key.public_key()).ok() ? 0 : 1;
    }
  }
  CHECK(refused == static_cast<int>(good.size()) * 8);
}

TEST_CASE("numbers at the limit are accepted and one past is refused") {
  const SecretKey key = TestKey();
  Receipt at_limit = TestReceipt();
  at_limit.log_index = kMaxReceiptNumber - 1;
  at_limit.tree_size = kMaxReceiptNumber;
  at_limit.received_at_ms = kMaxReceiptNumber;
  Result<Bytes> bytes = MakeReceipt(at_limit, key);
  REQUIRE(bytes.ok());
  Result<Receipt> opened = OpenReceipt(*bytes, key.public_key());
  REQUIRE(opened.ok());
  CHECK(opened->tree_size == kMaxReceiptNumber);
  CHECK(opened->received_at_ms == kMaxReceiptNumber);

  for (int field = 0; field < 3; ++field) {
    Receipt past = at_limit;
    if (field == 0) past.log_index = kMaxReceiptNumber + 1;
    if (field == 1) past.received_at_ms = kMaxReceiptNumber + 1;
    if (field == 2) past.tree_size = kMaxReceiptNumber + 1;
    CHECK(MakeReceipt(past, key).status().code() == kErrReceiptRange);
  }
  Receipt outside = TestReceipt();
  outside.log_index = outside.tree_size;
  CHECK(MakeReceipt(outside, key).status().code() == kErrReceiptIndex);
}

// A log of `n` envelope ids, as the hub keeps it.
struct TestLog {
  std::vector<Hash256> ids;
  MerkleTree tree;
  explicit TestLog(int n) {
    for (int i = 0; i < n; ++i) {
      ids.push_back(Sha256("envelope " + std::to_string(i)));
      tree.Append(EnvelopeLeafHash(ids.back()));
    }
  }
  Receipt ReceiptFor(uint64_t index, uint64_t size) const {
    Receipt r;
    r.envelope_id = ids[index];
    r.log_index = index;
    r.received_at_ms = 1'790'000'000'000 + index;
    r.tree_size = size;
    r.root = *tree.Root(size);
    return r;
  }
  Checkpoint CheckpointAt(uint64_t size) const {
    return Checkpoint{"gongkai/county/511304", size, *tree.Root(size), {}};
  }
};

TEST_CASE("VerifyReceiptInclusion: a receipt's entry is in every later checkpoint") {
  const SecretKey key = TestKey();
  const TestLog log(21);
  for (uint64_t index = 0; index < 21; ++index) {
    for (uint64_t size = index + 1; size <= 21; size += 3) {
      // The node's copy went through the wire format and back.
      const Receipt receipt =
          *OpenReceipt(*MakeReceipt(log.ReceiptFor(index, index + 1), key), key.public_key());
      const auto proof = *log.tree.InclusionProof(index, size);
      CAPTURE(index);
      CAPTURE(size);
      CHECK(VerifyReceiptInclusion(receipt, proof, log.CheckpointAt(size)).ok());
    }
  }
}

TEST_CASE("VerifyReceiptInclusion through a signed checkpoint note") {
  const SecretKey key = TestKey();
  const TestLog log(13);
  const std::string origin = "gongkai/county/511304";
  const std::string note = *SignCheckpoint(log.CheckpointAt(13), origin, key);
  const Checkpoint checkpoint = *OpenCheckpoint(note, origin, origin, key.public_key());
  const Receipt receipt = *OpenReceipt(*MakeReceipt(log.ReceiptFor(6, 9), key), key.public_key());
  CHECK(VerifyReceiptInclusion(receipt, *log.tree.InclusionProof(6, 13), checkpoint).ok());
}

TEST_CASE("every refusal of VerifyReceiptInclusion") {
  const TestLog log(16);
  const Receipt receipt = log.ReceiptFor(9, 12);
  const auto proof = *log.tree.InclusionProof(9, 16);
  REQUIRE(VerifyReceiptInclusion(receipt, proof, log.CheckpointAt(16)).ok());

  // A checkpoint older than the entry cannot include it.
  Status s = VerifyReceiptInclusion(receipt, {}, log.CheckpointAt(9));
  CHECK(s.code() == kErrReceiptNotCovered);
  CHECK(s.kind() == StatusKind::kInvalid);
  CHECK(
      VerifyReceiptInclusion(receipt, *log.tree.InclusionProof(9, 10), log.CheckpointAt(10)).ok());

  // Same size as the receipt's tree, another root: the hub signed two histories.
  Checkpoint forked = log.CheckpointAt(12);
  forked.root[0] ^= 1;
  s = VerifyReceiptInclusion(receipt, *log.tree.InclusionProof(9, 12), forked);
  CHECK(s.code() == kErrReceiptFork);
  CHECK(s.kind() == StatusKind::kConflict);

  // A proof of another size, a damaged proof, another entry's receipt.
  CHECK(VerifyReceiptInclusion(receipt, *log.tree.InclusionProof(9, 13), log.CheckpointAt(16))
            .code() == kErrMerkleRootMismatch);
  std::vector<Hash256> damaged = proof;
  damaged[1][4] ^= 0x10;
  CHECK(VerifyReceiptInclusion(receipt, damaged, log.CheckpointAt(16)).code() ==
        kErrMerkleRootMismatch);
  damaged = proof;
  damaged.pop_back();
  CHECK(VerifyReceiptInclusion(receipt, damaged, log.CheckpointAt(16)).code() ==
        kErrMerkleProofLength);
  Receipt other = receipt;
  other.envelope_id = log.ids[8];
  CHECK(VerifyReceiptInclusion(other, proof, log.CheckpointAt(16)).code() ==
        kErrMerkleRootMismatch);
}

// Seeds for tests/fuzz/receipt_fuzz.cc, signed by the RFC 8032 TEST 1 key the target uses.
// A seed is a receipt, optionally followed by what the target feeds to
// VerifyReceiptInclusion: u64 checkpoint size, 32-byte root, then proof hashes.
std::vector<std::pair<std::string, Bytes>> ReceiptSeeds() {
  const SecretKey key = TestKey();
  const TestLog log(11);
  Bytes with_proof = *MakeReceipt(log.ReceiptFor(3, 4), key);
  ByteWriter tail;
  tail.U64(11);
  tail.Raw(*log.tree.Root(11));
  const std::vector<Hash256> proof = *log.tree.InclusionProof(3, 11);
  for (const Hash256& h : proof) tail.Raw(h);
  with_proof.insert(with_proof.end(), tail.bytes().begin(), tail.bytes().end());
  Receipt limits = TestReceipt();
  limits.log_index = kMaxReceiptNumber - 1;
  limits.tree_size = kMaxReceiptNumber;
  limits.received_at_ms = kMaxReceiptNumber;
  return {{"fixed_vector.gkrc", *MakeReceipt(TestReceipt(), key)},
          {"first_entry.gkrc", *MakeReceipt(log.ReceiptFor(0, 1), key)},
          {"limits.gkrc", *MakeReceipt(limits, key)},
          {"with_inclusion_proof.bin", with_proof}};
}

TEST_CASE("fuzz seed corpus: every committed receipt opens, and the proof seed verifies") {
  const std::filesystem::path dir =
      std::filesystem::path(GONGKAI_SOURCE_DIR) / "tests/fuzz/corpus/receipt";
  const bool regenerate = std::getenv("GONGKAI_WRITE_FUZZ_CORPUS") != nullptr;
  const PublicKey pk = TestKey().public_key();
  for (const auto& [name, bytes] : ReceiptSeeds()) {
    CAPTURE(name);
    if (regenerate) {
      std::filesystem::create_directories(dir);
      testing::WriteFile((dir / name).string(), bytes);
    }
    const Bytes stored = testing::ReadFile((dir / name).string());
    CHECK(stored == bytes);
    REQUIRE(stored.size() >= kReceiptSize);
    Result<Receipt> receipt = OpenReceipt(ByteView(stored).first(kReceiptSize), pk);
    REQUIRE(receipt.ok());
    if (stored.size() > kReceiptSize) {
      ByteReader tail(ByteView(stored).subspan(kReceiptSize), "seed");
      Checkpoint checkpoint;
      checkpoint.size = *tail.U64("size");
      checkpoint.root = *tail.Fixed<kHashSize>("root");
      std::vector<Hash256> proof;
      while (tail.remaining() >= kHashSize) proof.push_back(*tail.Fixed<kHashSize>("hash"));
      CHECK(VerifyReceiptInclusion(*receipt, proof, checkpoint).ok());
    }
  }
}

}  // namespace
}  // namespace gongkai
