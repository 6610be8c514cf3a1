#include "protocol/ed25519ph.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

// RFC 8032 §7.3, TEST abc (Ed25519ph).
TEST_CASE("ed25519ph matches the RFC 8032 vector, fed in pieces or whole") {
  const SecretKey key = *SecretKey::FromSeed(
      *HexDecode("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42"));
  CHECK(HexEncode(key.public_key()) ==
        "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf");
  const char* expected =
      "98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003"
      "d062adf5aaa10b8c61e636062aaad11c2a26083406";
  Ed25519phStream whole;
  whole.Update(AsBytes("abc"));
  const Signature sig = whole.Sign(key);
  CHECK(HexEncode(sig) == expected);

  Ed25519phStream pieces;
  pieces.Update(AsBytes("a"));
  pieces.Update({});
  pieces.Update(AsBytes("bc"));
  CHECK(pieces.Verify(key.public_key(), sig));
}

TEST_CASE("ed25519ph refuses another message, key or signature, and pure Ed25519") {
  const SecretKey key = SecretKey::Generate();
  const SecretKey other = SecretKey::Generate();
  auto signed_by = [](const SecretKey& k, std::string_view m) {
    Ed25519phStream s;
    s.Update(AsBytes(m));
    return s.Sign(k);
  };
  auto verifies = [](const PublicKey& k, std::string_view m, const Signature& sig) {
    Ed25519phStream s;
    s.Update(AsBytes(m));
    return s.Verify(k, sig);
  };
  const Signature sig = signed_by(key, "bundle bytes");
  CHECK(verifies(key.public_key(), "bundle bytes", sig));
  CHECK_FALSE(verifies(key.public_key(), "bundle bytez", sig));
  CHECK_FALSE(verifies(other.public_key(), "bundle bytes", sig));
  Signature bad = sig;
  bad[40] ^= 1;
  CHECK_FALSE(verifies(key.public_key(), "bundle bytes", bad));
  // The two schemes do not cross.
  CHECK_FALSE(verifies(key.public_key(), "bundle bytes", key.Sign(AsBytes("bundle bytes"))));
  CHECK_FALSE(VerifySignature(key.public_key(), AsBytes("bundle bytes"), sig));
}

}  // namespace
}  // namespace gongkai
