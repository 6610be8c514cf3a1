#include "protocol/certificate.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

namespace gongkai {
namespace {

SecretKey KeyFromByte(uint8_t b) { return *SecretKey::FromSeed(Bytes(kSeedSize, b)); }

CertificateSerial FixedSerial() {
  CertificateSerial s{};
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(i);
  return s;
}

Certificate VillageCert(const SecretKey& subject) {
  Certificate c;
  c.county = "511304";
  c.subject_key = subject.public_key();
  c.role = Role::kVillage;
  c.region = "511304100201";
  c.name = "石庙村村委会";
  c.issued_hlc = 0x0001020304050607;
  c.serial = FixedSerial();
  c.hub_fingerprint = Bytes{0xaa, 0xbb, 0xcc};
  return c;
}

// The layout written out field by field, independently of SignCertificate, so that tests
// can also sign encodings that SignCertificate would refuse.
struct RawCert {
  std::string magic = "GKCT";
  uint8_t version = 1;
  std::string county = "511304";
  NodeId root_id{};
  PublicKey subject{};
  uint8_t role = 1;
  std::string region = "511304100201";
  std::string name = "石庙村村委会";
  uint64_t hlc = 0x0001020304050607;
  CertificateSerial serial = FixedSerial();
  Bytes fingerprint = {0xaa, 0xbb, 0xcc};

  Bytes Sign(const SecretKey& root) const {
    ByteWriter w;
    w.Raw(magic);
    w.U8(version);
    w.String8(county);
    w.Raw(root_id);
    w.Raw(subject);
    w.U8(role);
    w.String8(region);
    w.String16(name);
    w.U64(hlc);
    w.Raw(serial);
    w.Bytes8(fingerprint);
    w.Raw(root.Sign(w.bytes()));
    return w.Take();
  }
};

RawCert RawFor(const SecretKey& root, const SecretKey& subject) {
  RawCert raw;
  raw.root_id = root.node_id();
  raw.subject = subject.public_key();
  return raw;
}

std::string CodeOf(ByteView bytes, const PublicKey& root) {
  return OpenCertificate(bytes, root).status().code();
}

TEST_CASE("certificate round trip") {
  SecretKey root = KeyFromByte(1);
  SecretKey subject = KeyFromByte(2);
  Bytes bytes = *SignCertificate(VillageCert(subject), root);
  Result<Certificate> cert = OpenCertificate(bytes, root.public_key());
  REQUIRE(cert.ok());
  CHECK(cert->county == "511304");
  CHECK(cert->root_key_id == root.node_id());
  CHECK(cert->subject_key == subject.public_key());
  CHECK(cert->subject_id() == subject.node_id());
  CHECK(cert->role == Role::kVillage);
  CHECK(cert->region == "511304100201");
  CHECK(cert->name == "石庙村村委会");
  CHECK(cert->issued_hlc == 0x0001020304050607);
  CHECK(cert->serial == FixedSerial());
  CHECK(cert->hub_fingerprint == Bytes{0xaa, 0xbb, 0xcc});
  CHECK(VerifySignature(root.public_key(), ByteView(bytes).first(bytes.size() - 64),
                        cert->signature));
}

TEST_CASE("certificate fixed vector pins the layout") {
  SecretKey root = KeyFromByte(1);
  SecretKey subject = KeyFromByte(2);
  Bytes bytes = *SignCertificate(VillageCert(subject), root);
  CHECK(bytes == RawFor(root, subject).Sign(root));
  // Seeds 32 x 0x01 (root) and 32 x 0x02 (subject); Ed25519 signatures are deterministic.
  CHECK(HexEncode(bytes) ==
        "474b4354"                                                          // magic
        "01"                                                                // version
        "06353131333034"                                                    // county
        "34750f98bd59fcfc946da45aaabe933b"                                  // root key id
        "8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394"  // subject key
        "01"                                                                // role village
        "0c353131333034313030323031"                                        // region
        "0012e79fb3e5ba99e69d91e69d91e5a794e4bc9a"                          // name
        "0001020304050607"                                                  // issued hlc
        "000102030405060708090a0b0c0d0e0f"                                  // serial
        "03aabbcc"                                                          // fingerprint
        "4f7f405e32e340c245f69a02e0e44573e976c2e0db54c193d9a4e82ab06fdb40"  // signature
        "edd93c3270a3c2b40f88ac699de051ad158eb7210296ea1edee7df7eee37cf09");
  CHECK(NodeIdHex(root.node_id()) == "34750f98bd59fcfc946da45aaabe933b");
}

TEST_CASE("every role and level") {
  SecretKey root = KeyFromByte(1);
  SecretKey subject = KeyFromByte(2);
  const std::pair<Role, const char*> cases[] = {{Role::kVillage, "511304100201"},
                                                {Role::kTownship, "511304100"},
                                                {Role::kCounty, "511304"},
                                                {Role::kAuditor, "511304"}};
  for (const auto& [role, region] : cases) {
    Certificate c = VillageCert(subject);
    c.role = role;
    c.region = region;
    Bytes bytes = *SignCertificate(c, root);
    Result<Certificate> back = OpenCertificate(bytes, root.public_key());
    REQUIRE(back.ok());
    CHECK(back->role == role);
    CHECK(back->region == region);
  }
}

TEST_CASE("every truncation is refused") {
  SecretKey root = KeyFromByte(1);
  Bytes bytes = *SignCertificate(VillageCert(KeyFromByte(2)), root);
  for (size_t n = 0; n < bytes.size(); ++n) {
    CAPTURE(n);
    CHECK(CodeOf(ByteView(bytes).first(n), root.public_key()) == kErrCertTruncated);
  }
}

TEST_CASE("a flipped bit anywhere is refused, with the field's code") {
  SecretKey root = KeyFromByte(1);
  Bytes good = *SignCertificate(VillageCert(KeyFromByte(2)), root);
  // Field boundaries of this encoding.
  const size_t county_at = 5, root_at = 12, subject_at = 28, role_at = 60, region_at = 61,
               name_at = 74, hlc_at = 94, fp_at = 118, sig_at = 122;
  REQUIRE(good.size() == sig_at + 64);
  for (size_t byte = 0; byte < good.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = good;
      bad[byte] ^= static_cast<uint8_t>(1u << bit);
      const std::string code = CodeOf(bad, root.public_key());
      CAPTURE(byte);
      CAPTURE(bit);
      CAPTURE(code);
      CHECK_FALSE(code.empty());
      if (byte < 4) CHECK(code == kErrCertMagic);
      if (byte == 4) CHECK(code == kErrCertVersion);
      if (byte > county_at && byte < root_at) {
        CHECK(std::set<std::string>{kErrCertCounty, kErrCertSignature, kErrCertOutsideCounty}.count(
            code));
      }
      if (byte >= root_at && byte < subject_at) CHECK(code == kErrCertRootMismatch);
      if (byte >= subject_at && byte < role_at) CHECK(code == kErrCertSignature);
      if (byte == role_at) CHECK(std::set<std::string>{kErrCertRole, kErrCertRegion}.count(code));
      if (byte > region_at && byte < name_at) {
        CHECK(std::set<std::string>{kErrCertRegion, kErrCertOutsideCounty, kErrCertSignature}.count(
            code));
      }
      if (byte >= hlc_at && byte < fp_at) CHECK(code == kErrCertSignature);  // hlc, serial
      if (byte >= sig_at) CHECK(code == kErrCertSignature);
    }
  }
}

TEST_CASE("wrong root key") {
  SecretKey root = KeyFromByte(1);
  SecretKey other = KeyFromByte(3);
  Bytes bytes = *SignCertificate(VillageCert(KeyFromByte(2)), root);
  CHECK(CodeOf(bytes, other.public_key()) == kErrCertRootMismatch);
  // Another key signs but claims the real root's id: the signature gives it away.
  RawCert raw = RawFor(root, KeyFromByte(2));
  CHECK(CodeOf(raw.Sign(other), root.public_key()) == kErrCertSignature);
}

TEST_CASE("each certificate error code") {
  SecretKey root = KeyFromByte(1);
  const PublicKey& pk = root.public_key();
  const RawCert base = RawFor(root, KeyFromByte(2));
  auto code_of = [&](auto change) {
    RawCert raw = base;
    change(raw);
    return CodeOf(raw.Sign(root), pk);
  };
  CHECK(code_of([](RawCert&) {}) == "");
  CHECK(code_of([](RawCert& r) { r.magic = "GKRV"; }) == kErrCertMagic);
  CHECK(code_of([](RawCert& r) { r.version = 2; }) == kErrCertVersion);
  CHECK(code_of([](RawCert& r) { r.role = 0; }) == kErrCertRole);
  CHECK(code_of([](RawCert& r) { r.role = 5; }) == kErrCertRole);
  CHECK(code_of([](RawCert& r) { r.county = "511304100"; }) == kErrCertCounty);
  CHECK(code_of([](RawCert& r) { r.county = "511300"; }) == kErrCertCounty);
  CHECK(code_of([](RawCert& r) { r.region = "511304100"; }) == kErrCertRegion);  // level
  CHECK(code_of([](RawCert& r) { r.region = "51130410020x"; }) == kErrCertRegion);
  CHECK(code_of([](RawCert& r) { r.region = "511302100201"; }) == kErrCertOutsideCounty);
  CHECK(code_of([](RawCert& r) { r.name = std::string(201, 'a'); }) == kErrCertNameTooLarge);
  CHECK(code_of([](RawCert& r) { r.name = "\xe5\x8d"; }) == kErrCertNameUtf8);
  CHECK(code_of([](RawCert& r) { r.fingerprint = Bytes(65, 1); }) == kErrCertFingerprintTooLarge);
  Bytes trailing = base.Sign(root);
  trailing.push_back(0);
  CHECK(CodeOf(trailing, pk) == kErrCertTrailing);
  CHECK(CodeOf(Bytes(kMaxCertificateSize + 1, 0), pk) == kErrCertTooLarge);
  CHECK(CodeOf(Bytes{}, pk) == kErrCertTruncated);
}

TEST_CASE("limits: at the limit opens, one past is refused") {
  SecretKey root = KeyFromByte(1);
  Certificate c = VillageCert(KeyFromByte(2));
  c.name = std::string(kMaxCertificateNameSize, 'n');
  c.hub_fingerprint = Bytes(kMaxHubFingerprintSize, 7);
  Bytes largest = *SignCertificate(c, root);
  CHECK(largest.size() == kMaxCertificateSize);
  CHECK(OpenCertificate(largest, root.public_key()).ok());

  Certificate long_name = c;
  long_name.name.push_back('n');
  CHECK(SignCertificate(long_name, root).status().code() == kErrCertNameTooLarge);
  Certificate long_fp = c;
  long_fp.hub_fingerprint.push_back(7);
  CHECK(SignCertificate(long_fp, root).status().code() == kErrCertFingerprintTooLarge);
}

TEST_CASE("signing refuses what would not open") {
  SecretKey root = KeyFromByte(1);
  Certificate c = VillageCert(KeyFromByte(2));
  c.region = "511304100";
  CHECK(SignCertificate(c, root).status().code() == kErrCertRegion);
  c = VillageCert(KeyFromByte(2));
  c.region = "511302100201";
  CHECK(SignCertificate(c, root).status().code() == kErrCertOutsideCounty);
  c = VillageCert(KeyFromByte(2));
  c.county = "5113";
  CHECK(SignCertificate(c, root).status().code() == kErrCertCounty);
  c = VillageCert(KeyFromByte(2));
  c.name = "\xff";
  CHECK(SignCertificate(c, root).status().code() == kErrCertNameUtf8);
}

TEST_CASE("random serials differ") { CHECK(RandomSerial() != RandomSerial()); }

// Revocations.

struct RawRevocation {
  std::string magic = "GKRV";
  uint8_t version = 1;
  NodeId subject{};
  uint8_t reason = 2;
  uint64_t hlc = 0x1112131415161718;
  std::string note = "钥匙丢失";

  Bytes Sign(const SecretKey& root) const {
    ByteWriter w;
    w.Raw(magic);
    w.U8(version);
    w.Raw(subject);
    w.U8(reason);
    w.U64(hlc);
    w.String16(note);
    w.Raw(root.Sign(w.bytes()));
    return w.Take();
  }
};

Revocation SampleRevocation() {
  Revocation r;
  r.subject = KeyFromByte(2).node_id();
  r.reason = RevocationReason::kCompromised;
  r.revoked_hlc = 0x1112131415161718;
  r.note = "钥匙丢失";
  return r;
}

std::string RevCode(ByteView bytes, const PublicKey& root) {
  return OpenRevocation(bytes, root).status().code();
}

TEST_CASE("revocation round trip and fixed vector") {
  SecretKey root = KeyFromByte(1);
  Bytes bytes = *SignRevocation(SampleRevocation(), root);
  RawRevocation raw;
  raw.subject = KeyFromByte(2).node_id();
  CHECK(bytes == raw.Sign(root));
  CHECK(HexEncode(bytes) ==
        "474b5256"                                                          // magic
        "01"                                                                // version
        "6a3803d5f059902a1c6dafbc9ba47292"                                  // subject node id
        "02"                                                                // compromised
        "1112131415161718"                                                  // revoked hlc
        "000ce992a5e58c99e4b8a2e5a4b1"                                      // note 钥匙丢失
        "00b0223400a2b3ca915e8ebbf9d4ee048e9afe1b161b8dcf0603a477d178693e"  // signature
        "fe054bd854467f29fb12607a0d46ce359eeb49f2781dd456b910455fc2bfa70e");
  Result<Revocation> rev = OpenRevocation(bytes, root.public_key());
  REQUIRE(rev.ok());
  CHECK(rev->subject == KeyFromByte(2).node_id());
  CHECK(rev->reason == RevocationReason::kCompromised);
  CHECK(rev->revoked_hlc == 0x1112131415161718);
  CHECK(rev->note == "钥匙丢失");
  CHECK(RevocationReasonName(RevocationReason::kRetired) == "retired");
  CHECK(RevocationReasonName(RevocationReason::kCompromised) == "compromised");
}

TEST_CASE("revocation reasons parse from their names only") {
  CHECK(*ParseRevocationReason("retired") == RevocationReason::kRetired);
  CHECK(*ParseRevocationReason("compromised") == RevocationReason::kCompromised);
  for (const char* text : {"", "Retired", "lost", "compromised ", "retire"}) {
    CAPTURE(text);
    CHECK(ParseRevocationReason(text).status().code() == kErrRevocationReason);
  }
}

TEST_CASE("revocation: truncations, bit flips, wrong root") {
  SecretKey root = KeyFromByte(1);
  Bytes good = *SignRevocation(SampleRevocation(), root);
  for (size_t n = 0; n < good.size(); ++n) {
    CAPTURE(n);
    CHECK(RevCode(ByteView(good).first(n), root.public_key()) == kErrRevocationTruncated);
  }
  for (size_t byte = 0; byte < good.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = good;
      bad[byte] ^= static_cast<uint8_t>(1u << bit);
      const std::string code = RevCode(bad, root.public_key());
      CAPTURE(byte);
      CAPTURE(bit);
      CHECK_FALSE(code.empty());
      if (byte < 4) CHECK(code == kErrRevocationMagic);
      if (byte == 4) CHECK(code == kErrRevocationVersion);
      if (byte >= 5 && byte < 21) CHECK(code == kErrRevocationSignature);
      if (byte == 21) CHECK(code == kErrRevocationReason);
      if (byte >= 22 && byte < 30) CHECK(code == kErrRevocationSignature);
      if (byte >= good.size() - 64) CHECK(code == kErrRevocationSignature);
    }
  }
  CHECK(RevCode(good, KeyFromByte(3).public_key()) == kErrRevocationSignature);
}

TEST_CASE("each revocation error code and the note limit") {
  SecretKey root = KeyFromByte(1);
  const PublicKey& pk = root.public_key();
  auto code_of = [&](auto change) {
    RawRevocation raw;
    change(raw);
    return RevCode(raw.Sign(root), pk);
  };
  CHECK(code_of([](RawRevocation&) {}) == "");
  CHECK(code_of([](RawRevocation& r) { r.reason = 1; }) == "");
  CHECK(code_of([](RawRevocation& r) { r.magic = "GKCT"; }) == kErrRevocationMagic);
  CHECK(code_of([](RawRevocation& r) { r.version = 0; }) == kErrRevocationVersion);
  CHECK(code_of([](RawRevocation& r) { r.reason = 0; }) == kErrRevocationReason);
  CHECK(code_of([](RawRevocation& r) { r.reason = 3; }) == kErrRevocationReason);
  CHECK(code_of([](RawRevocation& r) { r.note = std::string("a\0b", 3); }) ==
        kErrRevocationNoteUtf8);
  CHECK(code_of([](RawRevocation& r) { r.note = std::string(kMaxRevocationNoteSize, 'x'); }) == "");
  // A note that declares one byte past the limit is refused before it is read.
  Bytes long_note = RawRevocation{.note = ""}.Sign(root);
  long_note[30] = (kMaxRevocationNoteSize + 1) >> 8;
  long_note[31] = (kMaxRevocationNoteSize + 1) & 0xff;
  CHECK(RevCode(long_note, pk) == kErrRevocationNoteTooLarge);
  Bytes trailing = RawRevocation().Sign(root);
  trailing.push_back(1);
  CHECK(RevCode(trailing, pk) == kErrRevocationTrailing);
  CHECK(RevCode(Bytes(kMaxRevocationSize + 1, 0), pk) == kErrRevocationTooLarge);

  Revocation largest = SampleRevocation();
  largest.note = std::string(kMaxRevocationNoteSize, 'x');
  Bytes bytes = *SignRevocation(largest, root);
  CHECK(bytes.size() == kMaxRevocationSize);
  CHECK(OpenRevocation(bytes, pk).ok());
  largest.note.push_back('x');
  CHECK(SignRevocation(largest, root).status().code() == kErrRevocationNoteTooLarge);
  Revocation bad_reason = SampleRevocation();
  bad_reason.reason = static_cast<RevocationReason>(9);
  CHECK(SignRevocation(bad_reason, root).status().code() == kErrRevocationReason);
}

// The seed corpus of tests/fuzz/certificate_fuzz.cc (root seed 32 x 0x01). Set
// GONGKAI_REGENERATE_CORPUS=1 to write it; otherwise this checks the committed files open.
TEST_CASE("the certificate fuzz corpus") {
  SecretKey root = KeyFromByte(1);
  Certificate township = VillageCert(KeyFromByte(4));
  township.role = Role::kTownship;
  township.region = "511304100";
  township.hub_fingerprint.clear();
  const std::pair<const char*, Bytes> seeds[] = {
      {"village_certificate", *SignCertificate(VillageCert(KeyFromByte(2)), root)},
      {"township_certificate", *SignCertificate(township, root)},
      {"revocation", *SignRevocation(SampleRevocation(), root)},
  };
  const std::filesystem::path dir =
      std::filesystem::path(GONGKAI_SOURCE_DIR) / "tests/fuzz/corpus/certificate";
  const bool regenerate = std::getenv("GONGKAI_REGENERATE_CORPUS") != nullptr;
  for (const auto& [name, bytes] : seeds) {
    CAPTURE(name);
    if (regenerate) {
      std::filesystem::create_directories(dir);
      std::ofstream(dir / name, std::ios::binary)
          .write(reinterpret_cast<const char*>(bytes.data()),
                 static_cast<std::streamsize>(bytes.size()));
    }
    std::ifstream in(dir / name, std::ios::binary);
    REQUIRE(in.good());
    const Bytes stored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(stored == bytes);
    CHECK((OpenCertificate(stored, root.public_key()).ok() ||
           OpenRevocation(stored, root.public_key()).ok()));
  }
}

}  // namespace
}  // namespace gongkai
