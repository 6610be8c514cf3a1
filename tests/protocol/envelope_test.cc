#include "protocol/envelope.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "protocol/compress.h"
#include "tests/protocol/temp_dir.h"

namespace gongkai {
namespace {

// RFC 8032 §7.1 TEST 1 secret key.
constexpr char kSeedHex[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr char kChangeset[] = "INSERT disclosure_version 511303101201";
// `zstd -q` (1.5.4) of kChangeset: a frame that declares its 38-byte content size. Pinned
// here so that the vector does not depend on the compressor's version or level.
constexpr char kFrameHex[] =
    "28b52ffd2426310100494e5345525420646973636c6f737572655f76657273696f6e2035313133303331303132"
    "30315bf2b015";

SecretKey TestKey() { return *SecretKey::FromSeed(*HexDecode(kSeedHex)); }

EnvelopeFields TestFields(const SecretKey& key) {
  EnvelopeFields f;
  f.origin = key.node_id();
  f.seq = 2;
  f.prev = Sha256("gongkai envelope 1");
  f.hlc = 0x0001926a3f4b5c07;
  f.region = "511303101201";
  f.payload_size = 38;
  f.payload = *HexDecode(kFrameHex);
  return f;
}

Bytes TestEnvelope() { return *SealEnvelope(TestFields(TestKey()), TestKey()); }

// Offsets of the fields in TestEnvelope() (12-digit region, 51-byte payload).
constexpr size_t kOffMagic = 0, kOffVersion = 4, kOffOrigin = 5, kOffSeq = 21, kOffPrev = 29,
                 kOffHlc = 61, kOffRegion = 69, kOffPayloadSize = 82, kOffPayloadLength = 86,
                 kOffPayload = 90, kOffSignature = 141, kTestSize = 205;

std::string CodeOf(ByteView raw, const PublicKey& key) {
  Result<Envelope> e = DecodeEnvelope(raw);
  if (!e.ok()) return e.status().code();
  Status s = VerifyEnvelopeSignature(*e, key);
  return s.ok() ? "ok" : s.code();
}

void PutU64(Bytes& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<uint8_t>(v >> (56 - 8 * i));
}
void PutU32(Bytes& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

TEST_CASE("fixed vector pins every byte of an envelope") {
  const SecretKey key = TestKey();
  const Bytes raw = TestEnvelope();
  const std::string expected_signed =
      std::string("474b4556") + "01" + NodeIdHex(key.node_id()) + "0000000000000002" +
      HashHex(Sha256("gongkai envelope 1")) + "0001926a3f4b5c07" + "0c" +
      HexEncode(AsBytes("511303101201")) + "00000026" + "00000033" + kFrameHex;
  REQUIRE(raw.size() == kTestSize);
  CHECK(HexEncode(ByteView(raw).first(kOffSignature)) == expected_signed);
  CHECK(NodeIdHex(key.node_id()) == "21fe31dfa154a261626bf854046fd227");
  // Ed25519 is deterministic, so the signature and the id are fixed too.
  CHECK(HexEncode(ByteView(raw).subspan(kOffSignature)) ==
        "adaecb754027231ca98d591075238730d8b7064e03cc9939e8a175a619febb90cda9b78ba8355c93460626"
        "403b8288eedcc3ef58450c37ce34f8ba0d5e1bb405");
  Envelope e = *DecodeEnvelope(raw);
  CHECK(HashHex(e.id()) == "6ab7e3e388b7e989e52c9402e11ac940cc9d444e428d7523f9a857947d44c071");
  CHECK(e.id() == Sha256(ByteView(raw)));
  CHECK(e.origin() == key.node_id());
  CHECK(e.seq() == 2);
  CHECK(e.prev() == Sha256("gongkai envelope 1"));
  CHECK(e.hlc() == 0x0001926a3f4b5c07);
  CHECK(e.region() == "511303101201");
  CHECK(e.payload_size() == 38);
  CHECK(HexEncode(e.payload()) == kFrameHex);
  CHECK(e.signed_part().size() == kOffSignature);
  CHECK(VerifyEnvelopeSignature(e, key.public_key()).ok());
  CHECK(AsChars(*OpenPayload(e)) == kChangeset);
  const EnvelopeFields f = e.fields();
  CHECK(f.payload == TestFields(key).payload);
  CHECK(f.region == "511303101201");
}

TEST_CASE("build, decode, verify and open round trip") {
  const SecretKey key = SecretKey::Generate();
  Bytes changeset(5000);
  for (size_t i = 0; i < changeset.size(); ++i) changeset[i] = static_cast<uint8_t>(i % 7);
  const Bytes first = *BuildEnvelope(1, Hash256{}, 10, "511303", changeset, key);
  const Envelope e1 = *DecodeEnvelope(first);
  CHECK(e1.seq() == 1);
  CHECK(e1.payload_size() == changeset.size());
  CHECK(VerifyEnvelopeSignature(e1, key.public_key()).ok());
  CHECK(*OpenPayload(e1) == changeset);

  const Bytes second = *BuildEnvelope(2, e1.id(), 11, "511303101", {}, key);
  const Envelope e2 = *DecodeEnvelope(second);
  CHECK(e2.prev() == e1.id());
  CHECK(OpenPayload(e2)->empty());
}

TEST_CASE("a cut at every byte offset is refused as truncated") {
  const Bytes raw = TestEnvelope();
  for (size_t n = 0; n < raw.size(); ++n) {
    CAPTURE(n);
    Result<Envelope> e = DecodeEnvelope(ByteView(raw).first(n));
    REQUIRE_FALSE(e.ok());
    CHECK(e.status().code() == kErrEnvelopeTruncated);
  }
}

TEST_CASE("every flipped bit is refused by decode or by the signature") {
  const SecretKey key = TestKey();
  const Bytes raw = TestEnvelope();
  for (size_t bit = 0; bit < raw.size() * 8; ++bit) {
    CAPTURE(bit);
    Bytes bad = raw;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    CHECK(CodeOf(bad, key.public_key()) != "ok");
  }
  // The code names the field hit.
  auto flip = [&](size_t at, uint8_t mask) {
    Bytes bad = raw;
    bad[at] ^= mask;
    return CodeOf(bad, key.public_key());
  };
  CHECK(flip(kOffMagic + 2, 0x01) == kErrEnvelopeMagic);
  CHECK(flip(kOffVersion, 0x02) == kErrEnvelopeVersion);
  CHECK(flip(kOffOrigin + 7, 0x10) == kErrEnvelopeSigner);
  CHECK(flip(kOffSeq + 7, 0x02) == kErrEnvelopeSeq);   // 2 -> 0
  CHECK(flip(kOffSeq + 7, 0x03) == kErrEnvelopePrev);  // 2 -> 1 with a prev
  CHECK(flip(kOffSeq, 0x80) == kErrEnvelopeSignature);
  CHECK(flip(kOffPrev + 31, 0x01) == kErrEnvelopeSignature);
  CHECK(flip(kOffHlc + 3, 0x40) == kErrEnvelopeSignature);
  CHECK(flip(kOffRegion, 0x01) == kErrEnvelopeRegion);         // length 12 -> 13
  CHECK(flip(kOffRegion + 5, 0x40) == kErrEnvelopeRegion);     // digit -> letter
  CHECK(flip(kOffRegion + 5, 0x01) == kErrEnvelopeSignature);  // digit -> digit
  CHECK(flip(kOffPayloadSize, 0x80) == kErrEnvelopePayloadSize);
  CHECK(flip(kOffPayloadSize + 3, 0x01) == kErrEnvelopeSignature);
  CHECK(flip(kOffPayloadLength + 3, 0x04) == kErrEnvelopeTruncated);  // 51 -> 55
  CHECK(flip(kOffPayloadLength + 3, 0x01) == kErrEnvelopeTrailing);   // 51 -> 50
  CHECK(flip(kOffPayload + 10, 0x04) == kErrEnvelopeSignature);
  CHECK(flip(kOffSignature + 63, 0x01) == kErrEnvelopeSignature);
}

TEST_CASE("size limit: checked first, at the limit accepted, one past refused") {
  const SecretKey key = TestKey();
  CHECK(DecodeEnvelope(Bytes(kMaxEnvelopeSize + 1, 0)).status().code() == kErrEnvelopeTooLarge);
  CHECK(DecodeEnvelope(ByteView(Bytes(kMaxEnvelopeSize + 1, 0))).status().code() ==
        kErrEnvelopeTooLarge);
  CHECK(DecodeEnvelope(Bytes(kMaxEnvelopeSize + 1, 0)).status().kind() == StatusKind::kTooLarge);

  EnvelopeFields f = TestFields(key);
  const size_t overhead = kTestSize - f.payload.size();
  f.payload.assign(kMaxEnvelopeSize - overhead, 0x5a);
  const Bytes at_limit = *SealEnvelope(f, key);
  CHECK(at_limit.size() == kMaxEnvelopeSize);
  const Envelope e = *DecodeEnvelope(at_limit);
  CHECK(VerifyEnvelopeSignature(e, key.public_key()).ok());
  f.payload.push_back(0);
  CHECK(SealEnvelope(f, key).status().code() == kErrEnvelopeTooLarge);
  CHECK(kMinEnvelopeSize == 148);
}

TEST_CASE("payload_size limit") {
  const SecretKey key = TestKey();
  Bytes raw = TestEnvelope();
  PutU32(raw, kOffPayloadSize, kMaxDecompressedSize);
  CHECK(DecodeEnvelope(raw).ok());
  PutU32(raw, kOffPayloadSize, kMaxDecompressedSize + 1);
  CHECK(DecodeEnvelope(raw).status().code() == kErrEnvelopePayloadSize);

  EnvelopeFields f = TestFields(key);
  f.payload_size = kMaxDecompressedSize + 1;
  CHECK(SealEnvelope(f, key).status().code() == kErrEnvelopePayloadSize);
  const Bytes too_big(kMaxDecompressedSize + 1, 0);
  CHECK(BuildEnvelope(1, Hash256{}, 1, "511303", too_big, key).status().code() ==
        kErrEnvelopePayloadSize);
}

TEST_CASE("each refusal has its own code") {
  const SecretKey key = TestKey();
  const SecretKey other = SecretKey::Generate();
  const Bytes raw = TestEnvelope();

  SUBCASE("magic and version") {
    Bytes b = raw;
    b[0] = 'X';
    CHECK(DecodeEnvelope(b).status().code() == kErrEnvelopeMagic);
    b = raw;
    b[kOffVersion] = 2;
    CHECK(DecodeEnvelope(b).status().code() == kErrEnvelopeVersion);
    b[kOffVersion] = 0;
    CHECK(DecodeEnvelope(b).status().code() == kErrEnvelopeVersion);
  }
  SUBCASE("seq and prev") {
    Bytes b = raw;
    PutU64(b, kOffSeq, 0);
    CHECK(DecodeEnvelope(b).status().code() == kErrEnvelopeSeq);
    PutU64(b, kOffSeq, 1);
    CHECK(DecodeEnvelope(b).status().code() == kErrEnvelopePrev);
    b = raw;
    std::fill_n(b.begin() + kOffPrev, kHashSize, 0);
    CHECK(DecodeEnvelope(b).status().code() == kErrEnvelopePrev);
    EnvelopeFields f = TestFields(key);
    f.seq = 0;
    CHECK(SealEnvelope(f, key).status().code() == kErrEnvelopeSeq);
    f.seq = 1;
    CHECK(SealEnvelope(f, key).status().code() == kErrEnvelopePrev);
    f.seq = 3;
    f.prev = Hash256{};
    CHECK(SealEnvelope(f, key).status().code() == kErrEnvelopePrev);
    f.seq = 1;
    CHECK(SealEnvelope(f, key).ok());
  }
  SUBCASE("region") {
    CHECK(IsRegionCode("511303"));
    CHECK(IsRegionCode("511303101"));
    CHECK(IsRegionCode("511303101201"));
    CHECK_FALSE(IsRegionCode(""));
    CHECK_FALSE(IsRegionCode("5113031"));
    CHECK_FALSE(IsRegionCode("51130310120"));
    CHECK_FALSE(IsRegionCode("5113031012010"));
    CHECK_FALSE(IsRegionCode("51130a"));
    CHECK_FALSE(IsRegionCode("５11303"));
    EnvelopeFields f = TestFields(key);
    for (const char* bad : {"", "51130", "5113031", "51130310120x", "511303 "}) {
      f.region = bad;
      CHECK(SealEnvelope(f, key).status().code() == kErrEnvelopeRegion);
    }
    Bytes b = raw;
    b[kOffRegion + 1] = '/';
    CHECK(DecodeEnvelope(b).status().code() == kErrEnvelopeRegion);
  }
  SUBCASE("truncated payload and trailing bytes") {
    Bytes b = raw;
    PutU32(b, kOffPayloadLength, 52);
    CHECK(DecodeEnvelope(b).status().code() == kErrEnvelopeTruncated);
    PutU32(b, kOffPayloadLength, 0xffffffff);
    CHECK(DecodeEnvelope(b).status().code() == kErrEnvelopeTruncated);
    PutU32(b, kOffPayloadLength, 50);
    CHECK(DecodeEnvelope(b).status().code() == kErrEnvelopeTrailing);
    b = raw;
    b.push_back(0);
    CHECK(DecodeEnvelope(b).status().code() == kErrEnvelopeTrailing);
  }
  SUBCASE("signature, signer and origin") {
    Bytes b = raw;
    b[kOffSignature] ^= 1;
    const Envelope e = *DecodeEnvelope(b);
    CHECK(VerifyEnvelopeSignature(e, key.public_key()).code() == kErrEnvelopeSignature);
    CHECK(VerifyEnvelopeSignature(e, key.public_key()).kind() == StatusKind::kDenied);
    const Envelope good = *DecodeEnvelope(raw);
    CHECK(VerifyEnvelopeSignature(good, other.public_key()).code() == kErrEnvelopeSigner);
    CHECK(SealEnvelope(TestFields(key), other).status().code() == kErrEnvelopeOrigin);
  }
  SUBCASE("payload does not match payload_size") {
    EnvelopeFields f = TestFields(key);
    f.payload_size = 39;  // the frame declares 38
    Envelope e = *DecodeEnvelope(*SealEnvelope(f, key));
    CHECK(OpenPayload(e).status().code() == kErrEnvelopePayloadMismatch);
    f.payload_size = 37;  // the frame declares more than allowed
    e = *DecodeEnvelope(*SealEnvelope(f, key));
    CHECK(OpenPayload(e).status().code() == kErrZstdTooLarge);
    f.payload_size = 38;
    f.payload = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    e = *DecodeEnvelope(*SealEnvelope(f, key));
    CHECK(VerifyEnvelopeSignature(e, key.public_key()).ok());
    CHECK(OpenPayload(e).status().code() == kErrZstdCorrupt);
  }
}

// Independent checkers: OpenSSL verifies our Ed25519 signature over the signed part,
// sha256sum reproduces the id, and the zstd command decompresses the payload.
TEST_CASE("openssl, sha256sum and zstd agree with the envelope") {
  const SecretKey key = TestKey();
  const Envelope e = *DecodeEnvelope(TestEnvelope());
  testing::TempDir dir;
  Bytes der = *HexDecode("302a300506032b6570032100");
  der.insert(der.end(), key.public_key().begin(), key.public_key().end());
  testing::WriteFile(dir.File("pub.pem"), "-----BEGIN PUBLIC KEY-----\n" + Base64Encode(der) +
                                              "\n-----END PUBLIC KEY-----\n");
  testing::WriteFile(dir.File("signed_part.bin"), e.signed_part());
  testing::WriteFile(dir.File("sig.bin"), e.signature());
  testing::WriteFile(dir.File("envelope.bin"), e.raw());
  testing::WriteFile(dir.File("payload.zst"), e.payload());
  Signature tampered = e.signature();
  tampered[5] ^= 0x20;
  testing::WriteFile(dir.File("bad_sig.bin"), tampered);

  const std::string verify = "openssl pkeyutl -verify -pubin -inkey " + dir.File("pub.pem") +
                             " -rawin -in " + dir.File("signed_part.bin") + " -sigfile ";
  CHECK(testing::Run(verify + dir.File("sig.bin") + " >/dev/null 2>&1") == 0);
  CHECK(testing::Run(verify + dir.File("bad_sig.bin") + " >/dev/null 2>&1") != 0);

  const std::string sum = testing::Capture("sha256sum " + dir.File("envelope.bin"));
  CHECK(sum.substr(0, 64) == HashHex(e.id()));

  const std::string plain = testing::Capture("zstd -dc " + dir.File("payload.zst"));
  CHECK(plain == kChangeset);
}

// Seeds for tests/fuzz/envelope_fuzz.cc, all signed by the RFC 8032 key that the fuzz
// target verifies with. Written when GONGKAI_WRITE_FUZZ_CORPUS is set; the committed files
// are checked on every run.
std::vector<std::pair<std::string, Bytes>> EnvelopeSeeds() {
  const SecretKey key = TestKey();
  const Bytes fixed = TestEnvelope();
  std::string changeset;
  for (int i = 0; i < 40; ++i) {
    changeset += "INSERT INTO disclosure_item VALUES('" + std::to_string(i) + "','1200.00');";
  }
  const Bytes first = *BuildEnvelope(1, Hash256{}, 7, "511303", AsBytes(changeset), key);
  const Bytes third = *BuildEnvelope(3, Sha256(ByteView(fixed)), 9, "511303101", {}, key);
  return {{"fixed_vector.gkev", fixed}, {"seq1_county.gkev", first}, {"seq3_empty.gkev", third}};
}

TEST_CASE("fuzz seed corpus: every committed envelope decodes, verifies and opens") {
  const std::filesystem::path dir =
      std::filesystem::path(GONGKAI_SOURCE_DIR) / "tests/fuzz/corpus/envelope";
  if (std::getenv("GONGKAI_WRITE_FUZZ_CORPUS") != nullptr) {
    for (const auto& [name, bytes] : EnvelopeSeeds()) {
      testing::WriteFile((dir / name).string(), bytes);
    }
  }
  const SecretKey key = TestKey();
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    CAPTURE(entry.path().string());
    const Result<Envelope> e = DecodeEnvelope(testing::ReadFile(entry.path().string()));
    REQUIRE(e.ok());
    CHECK(VerifyEnvelopeSignature(*e, key.public_key()).ok());
    CHECK(OpenPayload(*e).ok());
    ++files;
  }
  CHECK(files >= EnvelopeSeeds().size());
}

}  // namespace
}  // namespace gongkai
