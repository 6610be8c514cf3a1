// Fuzz target for the receipt parser and VerifyReceiptInclusion.
//
// The whole input is opened as a receipt against a fixed hub key. When it is longer than a
// receipt, its first kReceiptSize bytes are opened as one, and the rest is read as what a
// node checks the receipt against: u64 checkpoint size, 32-byte root, 32-byte proof hashes.
// Invariants violated abort the run.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "protocol/receipt.h"

namespace gongkai {
namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

const SecretKey& FixedKey() {
  // The RFC 8032 §7.1 TEST 1 key, which signed the receipts of the corpus.
  static const SecretKey key = *SecretKey::FromSeed(
      *HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  return key;
}

void FuzzReceipt(ByteView bytes) {
  const Result<Receipt> receipt = OpenReceipt(bytes, FixedKey().public_key());
  if (!receipt.ok()) return;
  // Anything accepted is canonical: signing its fields again gives the same bytes
  // (Ed25519 is deterministic), and it says what the format promises.
  Require(bytes.size() == kReceiptSize);
  Require(receipt->log_index < receipt->tree_size);
  Require(receipt->tree_size <= kMaxReceiptNumber);
  const Result<Bytes> again = MakeReceipt(*receipt, FixedKey());
  Require(again.ok() && ByteView(*again).size() == bytes.size() &&
          std::equal(again->begin(), again->end(), bytes.begin()));
}

void FuzzInclusion(ByteView bytes) {
  const Result<Receipt> receipt = OpenReceipt(bytes.first(kReceiptSize), FixedKey().public_key());
  if (!receipt.ok()) return;
  ByteReader tail(bytes.subspan(kReceiptSize), "fuzz");
  Checkpoint checkpoint;
  Result<uint64_t> size = tail.U64("size");
  Result<Hash256> root = tail.Fixed<kHashSize>("root");
  if (!size.ok() || !root.ok()) return;
  checkpoint.size = *size;
  checkpoint.root = *root;
  std::vector<Hash256> proof;
  while (tail.remaining() >= kHashSize && proof.size() < 80) {
    proof.push_back(*tail.Fixed<kHashSize>("hash"));
  }
  const Status verdict = VerifyReceiptInclusion(*receipt, proof, checkpoint);
  // Accepted only for a checkpoint that reaches the entry and does not contradict it.
  if (verdict.ok()) {
    Require(checkpoint.size > receipt->log_index);
    Require(checkpoint.size != receipt->tree_size || checkpoint.root == receipt->root);
  }
}

}  // namespace
}  // namespace gongkai

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const gongkai::ByteView bytes(data, size);
  gongkai::FuzzReceipt(bytes);
  if (size > gongkai::kReceiptSize) gongkai::FuzzInclusion(bytes);
  return 0;
}
