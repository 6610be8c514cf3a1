#include "protocol/key_file.h"

#include <doctest/doctest.h>

#include <string>

#include "protocol/sha256.h"

namespace gongkai {
namespace {

// The cheapest parameters libsodium allows, so the tests stay fast.
constexpr KdfParams kFast = {kKdfMinOpslimit, kKdfMinMemlimit};

// RFC 8032 §7.1 TEST 1.
SecretKey TestKey() {
  return *SecretKey::FromSeed(
      *HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
}

KeyFileSalt CountingSalt() {
  KeyFileSalt s;
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(i);
  return s;
}

KeyFileNonce CountingNonce() {
  KeyFileNonce n;
  for (size_t i = 0; i < n.size(); ++i) n[i] = static_cast<uint8_t>(0x80 + i);
  return n;
}

// Rewrites the check after an edit, as someone altering the file on purpose would.
void Recheck(Bytes& file) {
  const Hash256 check = Sha256(ByteView(file).first(kKeyFileCheckOffset));
  std::copy(check.begin(), check.end(), file.begin() + kKeyFileCheckOffset);
}

void PutU64(Bytes& file, size_t offset, uint64_t v) {
  for (int i = 0; i < 8; ++i) file[offset + i] = static_cast<uint8_t>(v >> (56 - 8 * i));
}

std::string OpenCode(ByteView file, std::string_view passphrase) {
  return OpenSecretKey(file, passphrase).status().code();
}

// Built from a fixed seed, passphrase, salt and nonce; pins the layout and the algorithms.
// The same bytes come from tests/protocol/key_file_vector.py, written without libsodium
// (Argon2id from Python's `cryptography`, XSalsa20-Poly1305 from its specification).
constexpr char kFixedFile[] =
    "474b4b4559"                                                         // "GKKEY"
    "01"                                                                 // version
    "01"                                                                 // algorithm
    "0000000000000001"                                                   // opslimit 1
    "0000000000002000"                                                   // memlimit 8192
    "000102030405060708090a0b0c0d0e0f"                                   // salt
    "808182838485868788898a8b8c8d8e8f9091929394959697"                   // nonce
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"   // public key
    "ad6243cad397929186aed5fc699488ec"                                   // Poly1305 tag
    "629f5847db35b5512b3de9c12fef3342d7b0e18c65ee681d64db98385084cc9a"   // sealed seed
    "ded34d88554b9827c6ba70ab26271be1118d67351304ff968b2746f28ac79559";  // check

TEST_CASE("fixed vector pins the layout") {
  const Bytes file = *key_file_internal::SealWithSaltAndNonce(TestKey(), "村务公开 2026", kFast,
                                                              CountingSalt(), CountingNonce());
  CHECK(file.size() == kKeyFileSize);
  CHECK(HexEncode(file) == std::string(kFixedFile));
  SecretKey opened = *OpenSecretKey(file, "村务公开 2026");
  CHECK(HexEncode(opened.seed()) ==
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  CHECK(HexEncode(*KeyFilePublicKey(file)) ==
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
}

TEST_CASE("round trip with fresh salt and nonce") {
  SecretKey key = SecretKey::Generate();
  const Bytes a = *SealSecretKey(key, "correct horse", kFast);
  const Bytes b = *SealSecretKey(key, "correct horse", kFast);
  CHECK(a != b);  // fresh salt and nonce each time
  for (const Bytes& file : {a, b}) {
    SecretKey opened = *OpenSecretKey(file, "correct horse");
    CHECK(opened.public_key() == key.public_key());
    CHECK(*KeyFilePublicKey(file) == key.public_key());
    const Bytes msg = {1, 2, 3};
    CHECK(VerifySignature(key.public_key(), msg, opened.Sign(msg)));
  }
  // An empty passphrase is the caller's policy to refuse; the format allows it.
  CHECK(OpenSecretKey(*SealSecretKey(key, "", kFast), "").ok());
}

TEST_CASE("wrong passphrase has its own code") {
  const Bytes file = *SealSecretKey(TestKey(), "right", kFast);
  Result<SecretKey> r = OpenSecretKey(file, "wrong");
  CHECK(r.status().code() == kErrKeyFileWrongPassphrase);
  CHECK(r.status().kind() == StatusKind::kDenied);
  CHECK(OpenCode(file, "righ") == kErrKeyFileWrongPassphrase);
  CHECK(OpenCode(file, "right ") == kErrKeyFileWrongPassphrase);
}

TEST_CASE("every truncation and an extension are refused") {
  const Bytes file = *SealSecretKey(TestKey(), "p", kFast);
  for (size_t n = 0; n < file.size(); ++n) {
    CAPTURE(n);
    CHECK(OpenCode(ByteView(file).first(n), "p") == kErrKeyFileSize);
    CHECK(KeyFilePublicKey(ByteView(file).first(n)).status().code() == kErrKeyFileSize);
  }
  Bytes longer = file;
  longer.push_back(0);
  CHECK(OpenCode(longer, "p") == kErrKeyFileSize);
}

TEST_CASE("a flipped bit in each field names what is wrong") {
  const Bytes file = *SealSecretKey(TestKey(), "p", kFast);
  for (size_t i = 0; i < file.size(); ++i) {
    CAPTURE(i);
    Bytes bad = file;
    bad[i] ^= 0x01;
    const std::string code = KeyFilePublicKey(bad).status().code();
    if (i < kKeyFileMagicSize) {
      CHECK(code == kErrKeyFileMagic);
    } else if (i == kKeyFileMagicSize) {
      CHECK(code == kErrKeyFileVersion);
    } else if (i == kKeyFileMagicSize + 1) {
      CHECK(code == kErrKeyFileAlgorithm);
    } else {
      CHECK(code == kErrKeyFileCorrupt);  // parameters, salt, nonce, key, box or check
    }
    CHECK(OpenCode(bad, "p") == code);
  }
}

TEST_CASE("deliberate edits with a recomputed check are still refused") {
  const Bytes file = *SealSecretKey(TestKey(), "p", kFast);
  // Salt (23), nonce (39) or box (95): authentication fails as for a wrong passphrase.
  for (size_t offset : {size_t{23}, size_t{39}, size_t{95}, size_t{120}}) {
    Bytes bad = file;
    bad[offset] ^= 0x40;
    Recheck(bad);
    CHECK(OpenCode(bad, "p") == kErrKeyFileWrongPassphrase);
  }
  // A public key that is not the seed's.
  Bytes other_key = file;
  const PublicKey other = SecretKey::Generate().public_key();
  std::copy(other.begin(), other.end(), other_key.begin() + 63);
  Recheck(other_key);
  CHECK(*KeyFilePublicKey(other_key) == other);  // without a passphrase this cannot be told
  CHECK(OpenCode(other_key, "p") == kErrKeyFileCorrupt);
  // Another format version or algorithm.
  Bytes v2 = file;
  v2[5] = 2;
  Recheck(v2);
  CHECK(OpenCode(v2, "p") == kErrKeyFileVersion);
  Bytes alg = file;
  alg[6] = 2;
  Recheck(alg);
  CHECK(OpenCode(alg, "p") == kErrKeyFileAlgorithm);
}

TEST_CASE("parameter bounds: at each limit accepted, one past refused") {
  CHECK(CheckKdfParams({kKdfMinOpslimit, kKdfMinMemlimit}).ok());
  CHECK(CheckKdfParams({kKdfMaxOpslimit, kKdfMaxMemlimit}).ok());
  CHECK(CheckKdfParams(kKdfInteractive).ok());
  CHECK(CheckKdfParams(kKdfModerate).ok());
  CHECK(CheckKdfParams({kKdfMinOpslimit - 1, kKdfMinMemlimit}).code() == kErrKeyFileParams);
  CHECK(CheckKdfParams({kKdfMaxOpslimit + 1, kKdfMinMemlimit}).code() == kErrKeyFileParams);
  CHECK(CheckKdfParams({kKdfMinOpslimit, kKdfMinMemlimit - 1}).code() == kErrKeyFileParams);
  CHECK(CheckKdfParams({kKdfMinOpslimit, kKdfMaxMemlimit + 1}).code() == kErrKeyFileParams);
  CHECK(SealSecretKey(TestKey(), "p", {kKdfMinOpslimit, kKdfMaxMemlimit + 1}).status().code() ==
        kErrKeyFileParams);
}

TEST_CASE("a hostile file's parameters are refused before any derivation") {
  const Bytes file = *SealSecretKey(TestKey(), "p", kFast);
  // memlimit 100 GiB and 2^64-1; opslimit 2^40: refused at once, nothing allocated.
  for (uint64_t mem : {uint64_t{100} << 30, kKdfMaxMemlimit + 1, ~uint64_t{0}}) {
    Bytes bad = file;
    PutU64(bad, 15, mem);
    Recheck(bad);
    CHECK(OpenCode(bad, "p") == kErrKeyFileParams);
    CHECK(KeyFilePublicKey(bad).status().code() == kErrKeyFileParams);
  }
  Bytes slow = file;
  PutU64(slow, 7, uint64_t{1} << 40);
  Recheck(slow);
  CHECK(OpenCode(slow, "p") == kErrKeyFileParams);
  Bytes zero = file;
  PutU64(zero, 7, 0);
  Recheck(zero);
  CHECK(OpenCode(zero, "p") == kErrKeyFileParams);
}

TEST_CASE("needs rehash when weaker than wanted or unreadable") {
  const Bytes file = *SealSecretKey(TestKey(), "p", {2, 16384});
  CHECK_FALSE(KeyFileNeedsRehash(file, {2, 16384}));
  CHECK_FALSE(KeyFileNeedsRehash(file, {1, 8192}));
  CHECK(KeyFileNeedsRehash(file, {3, 16384}));
  CHECK(KeyFileNeedsRehash(file, {2, 16385}));
  CHECK(KeyFileNeedsRehash(file, kKdfDefault));
  CHECK(KeyFileNeedsRehash(ByteView(file).first(10), {1, 8192}));
}

}  // namespace
}  // namespace gongkai
