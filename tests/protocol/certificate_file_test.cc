#include "protocol/certificate_file.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "protocol/temp_dir.h"

namespace gongkai {
namespace {

SecretKey KeyFromByte(uint8_t b) { return *SecretKey::FromSeed(Bytes(kSeedSize, b)); }

CertificateSerial FixedSerial(uint8_t first) {
  CertificateSerial s{};
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(first + i);
  return s;
}

Bytes Issue(const SecretKey& root, const SecretKey& subject, Role role, std::string region,
            std::string county = "511304") {
  Certificate c;
  c.county = std::move(county);
  c.subject_key = subject.public_key();
  c.role = role;
  c.region = std::move(region);
  c.name = role == Role::kCounty ? "嘉陵区政务公开办" : "石庙村村委会";
  c.issued_hlc = 0x0001020304050607;
  c.serial = FixedSerial(role == Role::kCounty ? 0x10 : 0);
  Result<Bytes> body = SignCertificate(c, root);
  REQUIRE(body.ok());
  return *body;
}

struct Fixture {
  SecretKey root = KeyFromByte(1);
  SecretKey node_key = KeyFromByte(2);
  SecretKey hub_key = KeyFromByte(5);
  Bytes node = Issue(root, node_key, Role::kVillage, "511304100201");
  Bytes hub = Issue(root, hub_key, Role::kCounty, "511304");
};

// The layout written out by hand, so that tests can build files MakeCertificateFile refuses.
Bytes RawFile(const PublicKey& root, ByteView node, ByteView hub, std::string magic = "GKCF",
              uint8_t version = 1) {
  ByteWriter w;
  w.Raw(magic);
  w.U8(version);
  w.Raw(root);
  w.Bytes16(node);
  w.Bytes16(hub);
  return w.Take();
}

std::string CodeOf(ByteView bytes) { return OpenCertificateFile(bytes).status().code(); }

TEST_CASE("certificate file round trip") {
  Fixture f;
  Result<Bytes> bytes = MakeCertificateFile(f.root.public_key(), f.node, f.hub);
  REQUIRE(bytes.ok());
  Result<CertificateFile> file = OpenCertificateFile(*bytes);
  REQUIRE(file.ok());
  CHECK(file->root_public_key == f.root.public_key());
  CHECK(file->node_certificate == f.node);
  CHECK(file->hub_certificate == f.hub);
  CHECK(file->node.subject_key == f.node_key.public_key());
  CHECK(file->node.region == "511304100201");
  CHECK(file->hub.subject_key == f.hub_key.public_key());
  CHECK(file->hub.role == Role::kCounty);
}

TEST_CASE("certificate file fixed vector pins the layout") {
  Fixture f;
  Bytes bytes = *MakeCertificateFile(f.root.public_key(), f.node, f.hub);
  REQUIRE(f.node.size() == 183);
  REQUIRE(f.hub.size() == 183);
  CHECK(HexEncode(bytes) ==
        "474b4346"                                                          // magic
        "01"                                                                // version
        "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"  // root public key
        "00b7" +
            HexEncode(f.node) +          // node certificate, u16 length 183
            "00b7" + HexEncode(f.hub));  // hub certificate, u16 length 183
  CHECK(bytes.size() == 37 + 2 + 183 + 2 + 183);
}

TEST_CASE("certificate file size limit") {
  Fixture f;
  // Two certificates of the largest size make the largest file.
  Certificate big;
  big.county = "511304";
  big.subject_key = f.node_key.public_key();
  big.role = Role::kVillage;
  big.region = "511304100201";
  big.name = std::string(kMaxCertificateNameSize, 'n');
  big.hub_fingerprint = Bytes(kMaxHubFingerprintSize, 0xaa);
  Bytes node = *SignCertificate(big, f.root);
  REQUIRE(node.size() == kMaxCertificateSize);
  big.subject_key = f.hub_key.public_key();
  big.role = Role::kCounty;
  big.region = "511304";
  Bytes hub = *SignCertificate(big, f.root);
  Bytes file = *MakeCertificateFile(f.root.public_key(), node, hub);
  CHECK(file.size() == kMaxCertificateFileSize - 6);  // the hub's region is 6 digits shorter
  CHECK(OpenCertificateFile(file).ok());
  CHECK(CodeOf(Bytes(kMaxCertificateFileSize + 1, 0)) == kErrCertFileTooLarge);
  // A declared certificate length one past the limit, inside a file under the cap.
  Bytes long_node = node;
  long_node.push_back(0);
  CHECK(CodeOf(RawFile(f.root.public_key(), long_node, f.hub)) == kErrCertFileCertificateTooLarge);
  CHECK(MakeCertificateFile(f.root.public_key(), long_node, f.hub).status().code() ==
        kErrCertFileCertificateTooLarge);
}

TEST_CASE("every truncation is refused") {
  Fixture f;
  Bytes bytes = *MakeCertificateFile(f.root.public_key(), f.node, f.hub);
  for (size_t n = 0; n < bytes.size(); ++n) {
    CAPTURE(n);
    CHECK(CodeOf(ByteView(bytes).first(n)) == kErrCertFileTruncated);
  }
}

TEST_CASE("each certificate file error code") {
  Fixture f;
  const PublicKey& root = f.root.public_key();
  CHECK(CodeOf(RawFile(root, f.node, f.hub)).empty());
  CHECK(CodeOf(Bytes(kMaxCertificateFileSize + 1, 0)) == kErrCertFileTooLarge);
  CHECK(CodeOf(AsBytes("GKC")) == kErrCertFileTruncated);
  CHECK(CodeOf(RawFile(root, f.node, f.hub, "GKRQ")) == kErrCertFileMagic);
  CHECK(CodeOf(RawFile(root, f.node, f.hub, "GKCF", 2)) == kErrCertFileVersion);
  Bytes trailing = RawFile(root, f.node, f.hub);
  trailing.push_back(0);
  CHECK(CodeOf(trailing) == kErrCertFileTrailing);

  // Another root: the node certificate is the first to fail.
  const PublicKey other = KeyFromByte(3).public_key();
  Result<CertificateFile> foreign = OpenCertificateFile(RawFile(other, f.node, f.hub));
  CHECK(foreign.status().code() == kErrCertFileNodeCertificate);
  CHECK(foreign.status().kind() == StatusKind::kDenied);
  CHECK(foreign.status().message().find(kErrCertRootMismatch) != std::string::npos);
  Bytes forged = f.node;
  forged[forged.size() - 1] ^= 1;
  CHECK(CodeOf(RawFile(root, forged, f.hub)) == kErrCertFileNodeCertificate);
  CHECK(CodeOf(RawFile(root, f.node, forged)) == kErrCertFileHubCertificate);
  CHECK(CodeOf(RawFile(root, f.node, {})) == kErrCertFileHubCertificate);

  // The hub must be the county node of the county itself.
  CHECK(CodeOf(RawFile(root, f.node, f.node)) == kErrCertFileHubRole);
  Bytes auditor = Issue(f.root, f.hub_key, Role::kAuditor, "511304");
  CHECK(CodeOf(RawFile(root, f.node, auditor)) == kErrCertFileHubRole);
  Bytes township = Issue(f.root, f.hub_key, Role::kTownship, "511304100");
  CHECK(CodeOf(RawFile(root, f.node, township)) == kErrCertFileHubRole);

  // One root may sign for two counties; a file must not mix them.
  Bytes elsewhere = Issue(f.root, f.node_key, Role::kVillage, "511303100201", "511303");
  CHECK(CodeOf(RawFile(root, elsewhere, f.hub)) == kErrCertFileCountyMismatch);
  CHECK(MakeCertificateFile(root, elsewhere, f.hub).status().code() == kErrCertFileCountyMismatch);
  CHECK(MakeCertificateFile(root, f.node, f.node).status().code() == kErrCertFileHubRole);
  CHECK(MakeCertificateFile(other, f.node, f.hub).status().code() == kErrCertFileNodeCertificate);
}

TEST_CASE("a county node's own file may name it twice") {
  Fixture f;
  Result<Bytes> bytes = MakeCertificateFile(f.root.public_key(), f.hub, f.hub);
  REQUIRE(bytes.ok());
  CHECK(OpenCertificateFile(*bytes).ok());
}

// The seed corpus of tests/fuzz/certificate_file_fuzz.cc. Set GONGKAI_REGENERATE_CORPUS=1
// to write it; otherwise this checks that the committed files are these.
TEST_CASE("the certificate file fuzz corpus") {
  Fixture f;
  Bytes township = Issue(f.root, KeyFromByte(4), Role::kTownship, "511304100");
  const std::pair<const char*, Bytes> seeds[] = {
      {"village", *MakeCertificateFile(f.root.public_key(), f.node, f.hub)},
      {"township", *MakeCertificateFile(f.root.public_key(), township, f.hub)},
      {"county_itself", *MakeCertificateFile(f.root.public_key(), f.hub, f.hub)},
  };
  const std::filesystem::path dir =
      std::filesystem::path(GONGKAI_SOURCE_DIR) / "tests/fuzz/corpus/certificate_file";
  const bool regenerate = std::getenv("GONGKAI_REGENERATE_CORPUS") != nullptr;
  for (const auto& [name, bytes] : seeds) {
    CAPTURE(name);
    if (regenerate) {
      std::filesystem::create_directories(dir);
      testing::WriteFile((dir / name).string(), bytes);
    }
    const Bytes stored = testing::ReadFile((dir / name).string());
    CHECK(stored == bytes);
    CHECK(OpenCertificateFile(stored).ok());
  }
}

}  // namespace
}  // namespace gongkai
