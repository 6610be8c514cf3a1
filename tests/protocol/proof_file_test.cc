#include "protocol/proof_file.h"

#include <doctest/doctest.h>

#include <string>

#include "protocol/merkle.h"
#include "protocol/receipt.h"

namespace gongkai {
namespace {

constexpr std::string_view kOrigin = "gongkai/county/511304";

// RFC 8032 §7.1 TEST 1 key.
SecretKey HubKey() {
  return *SecretKey::FromSeed(
      *HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
}

Hash256 IdOf(int i) { return Sha256(AsBytes("envelope " + std::to_string(i))); }

// A log of five envelopes ("envelope 0" .. "envelope 4") and the proof of entry 2.
InclusionProofFile Sample(const SecretKey& key = HubKey()) {
  MerkleTree tree;
  for (int i = 0; i < 5; ++i) tree.Append(EnvelopeLeafHash(IdOf(i)));
  InclusionProofFile proof;
  proof.envelope_id = IdOf(2);
  proof.index = 2;
  proof.tree_size = 5;
  proof.path = *tree.InclusionProof(2, 5);
  proof.checkpoint =
      *SignCheckpoint(Checkpoint{std::string(kOrigin), 5, tree.CurrentRoot(), {}}, kOrigin, key);
  return proof;
}

// The whole file, made independently with Python (hashlib, pyca/cryptography Ed25519 with the
// same key); it is also the seed tests/fuzz/corpus/proof_file/valid.
constexpr std::string_view kPinnedProof =
    "gongkai-inclusion-proof v1\n"
    "envelope 0371c1d61e187c93bc78cddcff57be8d534db5c03301fb76e0d529da5f556412\n"
    "leaf 80685b0c69d4e473262414e8ad51c84b3c7a3d0bf968c6703049f41ff47d64b8\n"
    "index 2\n"
    "size 5\n"
    "path 3\n"
    "4oP2VKhWPIINbKzazwZjocTpI1y6dBuq1Ee9uS3Wcys=\n"
    "AzsIy8QahPeynNQ97O1jUL2zwQPxgnYWY2hOkxl3N/c=\n"
    "y/ieWCJtM+RDWfLNqfLoV+2ti8JbhrUO/hWRrxrptHU=\n"
    "\n"
    "gongkai/county/511304\n"
    "5\n"
    "UMqs/q7MIqCyGnlpUV5POXyiasNHD0M5CrtR0ib6jvg=\n"
    "\n"
    "— gongkai/county/511304 "
    "C5AvzLKeiVytDv9K02JculqV0r20SegLn1P5g/qr/"
    "B27+uRGIyl19zL5LwJC9tXmPdOdKhHXrQExIkIc8FPY7Zwc7Ag=\n";

TEST_CASE("the proof file layout is pinned and round-trips") {
  const InclusionProofFile proof = Sample();
  const std::string text = FormatProofFile(proof);
  // Checked independently: python3 hashlib.sha256(b"envelope 2"), then of b"\0" + that.
  const std::string head =
      "gongkai-inclusion-proof v1\n"
      "envelope 0371c1d61e187c93bc78cddcff57be8d534db5c03301fb76e0d529da5f556412\n"
      "leaf 80685b0c69d4e473262414e8ad51c84b3c7a3d0bf968c6703049f41ff47d64b8\n"
      "index 2\n"
      "size 5\n"
      "path 3\n";
  CHECK(text.starts_with(head));
  CHECK(text == kPinnedProof);
  CHECK(text.find("\n\n" + proof.checkpoint) != std::string::npos);
  CHECK(text.ends_with(proof.checkpoint));
  Result<InclusionProofFile> parsed = ParseProofFile(text);
  INFO(parsed.status().ToString());
  REQUIRE(parsed.ok());
  CHECK(*parsed == proof);
  Result<Checkpoint> checkpoint = VerifyProofFile(*parsed, kOrigin, HubKey().public_key());
  INFO(checkpoint.status().ToString());
  REQUIRE(checkpoint.ok());
  CHECK(checkpoint->size == 5);
}

TEST_CASE("every proof of a log of 1..20 entries verifies") {
  for (uint64_t n = 1; n <= 20; ++n) {
    MerkleTree tree;
    for (uint64_t i = 0; i < n; ++i) tree.Append(EnvelopeLeafHash(IdOf(static_cast<int>(i))));
    const std::string note = *SignCheckpoint(
        Checkpoint{std::string(kOrigin), n, tree.CurrentRoot(), {}}, kOrigin, HubKey());
    for (uint64_t i = 0; i < n; ++i) {
      InclusionProofFile proof{IdOf(static_cast<int>(i)), i, n, *tree.InclusionProof(i, n), note};
      Result<InclusionProofFile> parsed = ParseProofFile(FormatProofFile(proof));
      REQUIRE(parsed.ok());
      CHECK(VerifyProofFile(*parsed, kOrigin, HubKey().public_key()).ok());
    }
  }
}

std::string Code(std::string_view text) { return ParseProofFile(text).status().code(); }

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

TEST_CASE("malformed proof files are refused with their code") {
  const std::string good = FormatProofFile(Sample());
  CHECK(Code("") == kErrProofFileMagic);
  CHECK(Code("gongkai-inclusion-proof v2\n") == kErrProofFileMagic);
  CHECK(Code(Replace(good, "envelope ", "envelop ")) == kErrProofFileField);
  CHECK(Code(Replace(good, "envelope 0371", "envelope 0371c")) == kErrProofFileField);
  CHECK(Code(Replace(good, "envelope 0371", "envelope 0A71")) ==
        kErrProofFileField);  // upper case hex
  CHECK(Code(Replace(good, "index 2", "index 02")) == kErrProofFileField);
  CHECK(Code(Replace(good, "index 2", "index -2")) == kErrProofFileField);
  CHECK(Code(Replace(good, "index 2", "index 9223372036854775808")) == kErrProofFileField);
  CHECK(Code(Replace(good, "size 5", "size ")) == kErrProofFileField);
  CHECK(Code(Replace(good, "path 3", "path 64")) == kErrProofFilePath);
  CHECK(Code(Replace(good, "path 3", "path 4")) == kErrProofFilePath);   // a blank line is no hash
  CHECK(Code(Replace(good, "path 3", "path 2")) == kErrProofFileField);  // no blank line after
  CHECK(Code(Replace(good, "leaf 8068", "leaf 9068")) == kErrProofFileLeaf);
  CHECK(Code(Replace(good, "index 2", "index 5")) == kErrProofFileIndex);
  CHECK(Code(good.substr(0, good.find("path"))) == kErrProofFileField);
}

TEST_CASE("the size limit: at the limit parsed, one byte past refused") {
  std::string text = FormatProofFile(Sample());
  // Extra text after the checkpoint is part of the note; the parser only measures it.
  text.append(kMaxProofFileSize - text.size(), 'x');
  CHECK(ParseProofFile(text).ok());
  text.push_back('x');
  CHECK(Code(text) == kErrProofFileTooLarge);
}

TEST_CASE("a proof that does not hold is refused when verified") {
  const PublicKey key = HubKey().public_key();
  InclusionProofFile proof = Sample();

  InclusionProofFile altered = proof;
  altered.path[1][5] ^= 0x01;
  CHECK(VerifyProofFile(altered, kOrigin, key).status().code() == kErrMerkleRootMismatch);

  InclusionProofFile moved = proof;
  moved.index = 3;
  CHECK(!VerifyProofFile(moved, kOrigin, key).ok());

  InclusionProofFile shorter = proof;
  shorter.path.pop_back();
  CHECK(VerifyProofFile(shorter, kOrigin, key).status().code() == kErrMerkleProofLength);

  InclusionProofFile resized = proof;
  resized.tree_size = 6;
  CHECK(VerifyProofFile(resized, kOrigin, key).status().code() == kErrProofFileSizeMismatch);

  // Another hub's key, or another county's origin.
  const SecretKey other = SecretKey::Generate();
  CHECK(!VerifyProofFile(proof, kOrigin, other.public_key()).ok());
  CHECK(VerifyProofFile(Sample(other), kOrigin, key).status().code().starts_with("note."));
  CHECK(VerifyProofFile(proof, "gongkai/county/511302", key).status().code() ==
        kErrCheckpointOriginMismatch);
}

}  // namespace
}  // namespace gongkai
