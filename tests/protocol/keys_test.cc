#include "protocol/keys.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

// RFC 8032 §7.1, TEST 1 and TEST 2.
TEST_CASE("ed25519 matches RFC 8032 vectors") {
  SecretKey k1 = *SecretKey::FromSeed(
      *HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  CHECK(HexEncode(k1.public_key()) ==
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  CHECK(HexEncode(k1.Sign({})) ==
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39"
        "701cf9b46bd25bf5f0595bbe24655141438e7a100b");

  SecretKey k2 = *SecretKey::FromSeed(
      *HexDecode("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
  const Bytes msg = {0x72};
  CHECK(HexEncode(k2.Sign(msg)) ==
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f36"
        "13d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
  CHECK(VerifySignature(k2.public_key(), msg, k2.Sign(msg)));
}

TEST_CASE("verify refuses a changed message, signature or key") {
  SecretKey k = SecretKey::Generate();
  SecretKey other = SecretKey::Generate();
  const Bytes msg = {1, 2, 3};
  Signature sig = k.Sign(msg);
  CHECK(VerifySignature(k.public_key(), msg, sig));
  CHECK_FALSE(VerifySignature(k.public_key(), Bytes{1, 2, 4}, sig));
  CHECK_FALSE(VerifySignature(other.public_key(), msg, sig));
  for (size_t bit = 0; bit < kSignatureSize * 8; bit += 37) {
    Signature bad = sig;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    CHECK_FALSE(VerifySignature(k.public_key(), msg, bad));
  }
}

TEST_CASE("seed round trip and node id") {
  SecretKey k = SecretKey::Generate();
  SecretKey again = *SecretKey::FromSeed(k.seed());
  CHECK(again.public_key() == k.public_key());
  CHECK(NodeIdHex(k.node_id()).size() == 32);
  CHECK(SecretKey::FromSeed(Bytes(31, 0)).status().code() == "key.seed_size");
  SecretKey moved = std::move(again);
  CHECK(moved.public_key() == k.public_key());
}

}  // namespace
}  // namespace gongkai
