#include "protocol/enrolment_request.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "protocol/temp_dir.h"

namespace gongkai {
namespace {

SecretKey KeyFromByte(uint8_t b) { return *SecretKey::FromSeed(Bytes(kSeedSize, b)); }

constexpr char kVillage[] = "511304100201";
constexpr char kName[] = "石庙村文书电脑";
constexpr uint64_t kCreatedAt = 1'790'000'000'000;

// The layout written out field by field, independently of MakeEnrolmentRequest, so that
// tests can also sign encodings that MakeEnrolmentRequest would refuse.
struct RawRequest {
  std::string magic = "GKRQ";
  uint8_t version = 1;
  PublicKey key{};
  std::string region = kVillage;
  std::string name = kName;
  uint64_t created_at = kCreatedAt;
  Bytes after_signature;

  Bytes Sign(const SecretKey& signer) const {
    ByteWriter w;
    w.Raw(magic);
    w.U8(version);
    w.Raw(key);
    w.String8(region);
    w.String16(name);
    w.U64(created_at);
    w.Raw(signer.Sign(w.bytes()));
    w.Raw(after_signature);
    return w.Take();
  }
};

RawRequest RawFor(const SecretKey& key) {
  RawRequest raw;
  raw.key = key.public_key();
  return raw;
}

std::string CodeOf(ByteView bytes) { return OpenEnrolmentRequest(bytes).status().code(); }

TEST_CASE("enrolment request round trip") {
  SecretKey key = KeyFromByte(2);
  Result<Bytes> bytes = MakeEnrolmentRequest(key, kVillage, kName, kCreatedAt);
  REQUIRE(bytes.ok());
  Result<EnrolmentRequest> request = OpenEnrolmentRequest(*bytes);
  REQUIRE(request.ok());
  CHECK(request->node_key == key.public_key());
  CHECK(request->node_id() == key.node_id());
  CHECK(request->region == kVillage);
  CHECK(request->name == kName);
  CHECK(request->created_at_ms == kCreatedAt);
  CHECK(VerifySignature(key.public_key(), ByteView(*bytes).first(bytes->size() - kSignatureSize),
                        request->signature));
}

TEST_CASE("enrolment request fixed vector pins the layout") {
  SecretKey key = KeyFromByte(2);
  Bytes bytes = *MakeEnrolmentRequest(key, kVillage, kName, kCreatedAt);
  CHECK(bytes == RawFor(key).Sign(key));
  // Seed 32 x 0x02; Ed25519 signatures are deterministic.
  CHECK(HexEncode(bytes) ==
        "474b5251"                                                          // magic
        "01"                                                                // version
        "8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394"  // node key
        "0c353131333034313030323031"                                        // region
        "0015e79fb3e5ba99e69d91e69687e4b9a6e794b5e88491"                    // name
        "000001a0c4506c00"                                                  // created at
        "90b3077588c3984f47411f376956f4cf0cbf4ba49440be02902a51b37d90a9cf"  // signature
        "f250ed8195563373b8925025decb3a8488b4cbce7aa94d238a207771e088760c");
}

// OpenSSL checks the proof of possession independently of libsodium.
TEST_CASE("openssl verifies the request's signature") {
  SecretKey key = KeyFromByte(2);
  Bytes bytes = *MakeEnrolmentRequest(key, kVillage, kName, kCreatedAt);
  testing::TempDir dir;
  Bytes der = *HexDecode("302a300506032b6570032100");
  der.insert(der.end(), key.public_key().begin(), key.public_key().end());
  testing::WriteFile(dir.File("pub.pem"), "-----BEGIN PUBLIC KEY-----\n" + Base64Encode(der) +
                                              "\n-----END PUBLIC KEY-----\n");
  const ByteView all(bytes);
  testing::WriteFile(dir.File("signed.bin"), all.first(all.size() - kSignatureSize));
  testing::WriteFile(dir.File("sig.bin"), all.last(kSignatureSize));
  Bytes bad = bytes;
  bad[bad.size() - 1] ^= 0x01;
  testing::WriteFile(dir.File("bad.bin"), ByteView(bad).last(kSignatureSize));
  const std::string verify = "openssl pkeyutl -verify -pubin -inkey " + dir.File("pub.pem") +
                             " -rawin -in " + dir.File("signed.bin") + " -sigfile ";
  CHECK(testing::Run(verify + dir.File("sig.bin") + " >/dev/null 2>&1") == 0);
  CHECK(testing::Run(verify + dir.File("bad.bin") + " >/dev/null 2>&1") != 0);
}

TEST_CASE("every level of region is accepted") {
  SecretKey key = KeyFromByte(2);
  for (const char* region : {"511304", "511304100", "511304100201"}) {
    CAPTURE(region);
    Result<EnrolmentRequest> request =
        OpenEnrolmentRequest(*MakeEnrolmentRequest(key, region, "x", 0));
    REQUIRE(request.ok());
    CHECK(request->region == region);
  }
}

TEST_CASE("size limits: the smallest and largest requests, and one byte more") {
  SecretKey key = KeyFromByte(2);
  Bytes smallest = *MakeEnrolmentRequest(key, "511304", "x", 0);
  CHECK(smallest.size() == kMinEnrolmentRequestSize);
  CHECK(OpenEnrolmentRequest(smallest).ok());

  const std::string longest(kMaxEnrolmentNameSize, 'n');
  Bytes largest = *MakeEnrolmentRequest(key, kVillage, longest, 0);
  CHECK(largest.size() == kMaxEnrolmentRequestSize);
  CHECK(OpenEnrolmentRequest(largest).ok());

  CHECK(MakeEnrolmentRequest(key, kVillage, longest + "n", 0).status().code() ==
        kErrRequestNameTooLarge);
  RawRequest raw = RawFor(key);
  raw.name = longest + "n";
  CHECK(CodeOf(raw.Sign(key)) == kErrRequestTooLarge);  // one byte past the cap
  raw.region = "511304";                                // same length as the largest
  CHECK(raw.Sign(key).size() == kMaxEnrolmentRequestSize - 5);
  CHECK(CodeOf(raw.Sign(key)) == kErrRequestNameTooLarge);  // the declared length
  CHECK(CodeOf(Bytes(kMaxEnrolmentRequestSize + 1, 0)) == kErrRequestTooLarge);
}

TEST_CASE("every truncation is refused") {
  SecretKey key = KeyFromByte(2);
  Bytes bytes = *MakeEnrolmentRequest(key, kVillage, kName, kCreatedAt);
  for (size_t n = 0; n < bytes.size(); ++n) {
    CAPTURE(n);
    CHECK(CodeOf(ByteView(bytes).first(n)) == kErrRequestTruncated);
  }
}

TEST_CASE("a flipped bit anywhere is refused, with the field's code") {
  SecretKey key = KeyFromByte(2);
  Bytes good = *MakeEnrolmentRequest(key, kVillage, kName, kCreatedAt);
  const size_t key_at = 5, region_at = 37, name_at = 50, created_at = 73, sig_at = 81;
  REQUIRE(good.size() == sig_at + kSignatureSize);
  for (size_t byte = 0; byte < good.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = good;
      bad[byte] ^= static_cast<uint8_t>(1u << bit);
      const std::string code = CodeOf(bad);
      CAPTURE(byte);
      CAPTURE(bit);
      CAPTURE(code);
      CHECK_FALSE(code.empty());
      if (byte < 4) CHECK(code == kErrRequestMagic);
      if (byte == 4) CHECK(code == kErrRequestVersion);
      if (byte >= key_at && byte < region_at) CHECK(code == kErrRequestSignature);
      if (byte == region_at) {  // the fields after the region shift
        CHECK(std::set<std::string>{kErrRequestTruncated, kErrRequestNameTooLarge}.count(code));
      }
      if (byte > region_at && byte < name_at) {
        CHECK(std::set<std::string>{kErrRequestRegion, kErrRequestSignature}.count(code));
      }
      if (byte == name_at || byte == name_at + 1) {
        CHECK(std::set<std::string>{kErrRequestTruncated, kErrRequestNameTooLarge,
                                    kErrRequestTrailing}
                  .count(code));
      }
      if (byte > name_at + 1 && byte < created_at) {
        CHECK(std::set<std::string>{kErrRequestNameUtf8, kErrRequestSignature}.count(code));
      }
      if (byte >= created_at) CHECK(code == kErrRequestSignature);
    }
  }
}

TEST_CASE("each enrolment request error code") {
  SecretKey key = KeyFromByte(2);
  const RawRequest base = RawFor(key);
  auto code_of = [&](auto change) {
    RawRequest raw = base;
    change(raw);
    return CodeOf(raw.Sign(key));
  };
  CHECK(code_of([](RawRequest&) {}).empty());
  CHECK(CodeOf(Bytes(kMaxEnrolmentRequestSize + 1, 0)) == kErrRequestTooLarge);
  CHECK(CodeOf(Bytes(3, 'G')) == kErrRequestTruncated);
  CHECK(code_of([](RawRequest& r) { r.magic = "GKCT"; }) == kErrRequestMagic);
  CHECK(code_of([](RawRequest& r) { r.version = 2; }) == kErrRequestVersion);
  CHECK(code_of([](RawRequest& r) { r.version = 0; }) == kErrRequestVersion);
  CHECK(code_of([](RawRequest& r) { r.name = std::string(kMaxEnrolmentNameSize + 1, 'a'); }) ==
        kErrRequestTooLarge);
  CHECK(code_of([](RawRequest& r) {
          r.region = "511304";
          r.name = std::string(kMaxEnrolmentNameSize + 1, 'a');
        }) == kErrRequestNameTooLarge);
  CHECK(code_of([](RawRequest& r) { r.after_signature = {0}; }) == kErrRequestTrailing);
  // Every rule of ValidateRegion, reported as the request's region code.
  for (const char* region : {"", "51130", "5113041002", "51130410020a", "991304", "510004",
                             "511300", "511304000", "511304100000", "5113041002011"}) {
    CAPTURE(region);
    CHECK(code_of([&](RawRequest& r) { r.region = region; }) == kErrRequestRegion);
  }
  CHECK(code_of([](RawRequest& r) { r.name = ""; }) == kErrRequestNameEmpty);
  CHECK(code_of([](RawRequest& r) { r.name = "村\xff"; }) == kErrRequestNameUtf8);
  CHECK(code_of([](RawRequest& r) { r.name = std::string("a\0b", 3); }) == kErrRequestNameUtf8);
  CHECK(code_of([](RawRequest& r) { r.name = "\xed\xa0\x80"; }) == kErrRequestNameUtf8);

  // Proof of possession: signed by another key than the one named.
  RawRequest other = base;
  CHECK(CodeOf(other.Sign(KeyFromByte(3))) == kErrRequestSignature);
  Result<EnrolmentRequest> refused = OpenEnrolmentRequest(other.Sign(KeyFromByte(3)));
  CHECK(refused.status().kind() == StatusKind::kDenied);
}

TEST_CASE("MakeEnrolmentRequest refuses what OpenEnrolmentRequest would") {
  SecretKey key = KeyFromByte(2);
  CHECK(MakeEnrolmentRequest(key, "511304100", "", 0).status().code() == kErrRequestNameEmpty);
  CHECK(MakeEnrolmentRequest(key, "5113041", "a", 0).status().code() == kErrRequestRegion);
  CHECK(MakeEnrolmentRequest(key, "991304", "a", 0).status().code() == kErrRequestRegion);
  CHECK(MakeEnrolmentRequest(key, "511304", "\xc0\x80", 0).status().code() == kErrRequestNameUtf8);
  CHECK(CheckEnrolmentFields("511304100201", "石庙村").ok());
  Status region = CheckEnrolmentFields("511304000", "a");
  CHECK(region.code() == kErrRequestRegion);
  CHECK(region.message().find(kErrRegionZeroPart) != std::string::npos);
}

// The seed corpus of tests/fuzz/enrolment_request_fuzz.cc. Set GONGKAI_REGENERATE_CORPUS=1
// to write it; otherwise this checks that the committed files are these requests.
TEST_CASE("the enrolment request fuzz corpus") {
  SecretKey key = KeyFromByte(2);
  const std::pair<const char*, Bytes> seeds[] = {
      {"village", *MakeEnrolmentRequest(key, kVillage, kName, kCreatedAt)},
      {"township", *MakeEnrolmentRequest(key, "511304100", "龙蟠镇政务公开办", kCreatedAt)},
      {"county_smallest", *MakeEnrolmentRequest(key, "511304", "x", 0)},
      {"largest",
       *MakeEnrolmentRequest(key, kVillage, std::string(kMaxEnrolmentNameSize, 'n'), ~0ull)},
  };
  const std::filesystem::path dir =
      std::filesystem::path(GONGKAI_SOURCE_DIR) / "tests/fuzz/corpus/enrolment_request";
  const bool regenerate = std::getenv("GONGKAI_REGENERATE_CORPUS") != nullptr;
  for (const auto& [name, bytes] : seeds) {
    CAPTURE(name);
    if (regenerate) {
      std::filesystem::create_directories(dir);
      testing::WriteFile((dir / name).string(), bytes);
    }
    const Bytes stored = testing::ReadFile((dir / name).string());
    CHECK(stored == bytes);
    CHECK(OpenEnrolmentRequest(stored).ok());
  }
}

}  // namespace
}  // namespace gongkai
