#include "node/exchange/bundle_maker.h"

#include <doctest/doctest.h>

#include "node/exchange/exchange.h"
#include "node/exchange_fixture.h"

namespace gongkai {
namespace {

using testing::TestCounty;
using testing::TestNode;
using testing::WriteVersion;

constexpr char kNewVillage[] = "511304100203";

Result<Certificate> Judge(const TestNode& receiver, const std::filesystem::path& path) {
  auto spool = BundleSpool::Read(path, path.parent_path());
  REQUIRE(spool.ok());
  return TrustBundleMaker(*receiver.replica, *spool);
}

// A village enrolled offline: it knows the county node's certificate and nothing else.
std::unique_ptr<TestNode> Newcomer(TestCounty& c) {
  auto node = testing::MakeNode(c.dir, "newcomer", c.root, Role::kVillage, kNewVillage);
  REQUIRE(node->replica->AddKnownCertificate(c.county->certificate).ok());
  return node;
}

TEST_CASE("a maker known to the replica is trusted") {
  TestCounty c;
  auto path = c.dir.path() / "b";
  testing::ExportFrom(*c.village, path);
  auto cert = Judge(*c.township, path);
  REQUIRE(cert.ok());
  CHECK(cert->subject_id() == c.village->key.node_id());
  CHECK(cert->role == Role::kVillage);
  CHECK(cert->region == testing::kVillage);
}

TEST_CASE("an unknown or revoked maker is refused") {
  TestCounty c;
  auto path = c.dir.path() / "b";
  SUBCASE("unknown") {
    testing::WriteBundle(path, SecretKey::Generate(), {c.certificates_envelope});
    auto refused = Judge(*c.township, path);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrExchangeUnknownMaker);
  }
  SUBCASE("revoked") {
    REQUIRE(c.township->Receive(testing::WriteRevocation(c, *c.village)).ok());
    testing::ExportFrom(*c.village, path);
    auto refused = Judge(*c.township, path);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrExchangeMakerRevoked);
  }
}

TEST_CASE("a new node trusts its township through the county's certificate rows in the bundle") {
  TestCounty c;
  auto newcomer = Newcomer(c);
  WriteVersion(*c.township, "t1");
  auto path = c.dir.path() / "b";
  testing::ExportFrom(*c.township, path, testing::For(kNewVillage));
  auto cert = Judge(*newcomer, path);
  REQUIRE(cert.ok());
  CHECK(cert->subject_id() == c.township->key.node_id());
  ImportReport report = testing::ImportTo(*newcomer, path);
  CHECK(report.applied == 2);  // the county's certificates and the township's row
  CHECK(report.all_accepted());
}

TEST_CASE("certificate rows the replica cannot verify do not make a maker known") {
  TestCounty c;
  auto newcomer = Newcomer(c);
  const Bytes t1 = WriteVersion(*c.township, "t1");
  auto path = c.dir.path() / "b";
  SUBCASE("the bundle lacks the county's envelope") {
    testing::WriteBundle(path, c.township->key, {t1});
  }
  SUBCASE("the county's envelope does not verify") {
    Bytes forged = c.certificates_envelope;
    forged.back() ^= 1;
    testing::WriteBundle(path, c.township->key, {forged, t1});
  }
  SUBCASE("a village relays a genuine certificate row") {
    // The newcomer can verify the village's envelope, but only a county writes certificates.
    REQUIRE(newcomer->replica->AddKnownCertificate(c.village->certificate).ok());
    const PublicKey key = c.township->key.public_key();
    const Bytes rows = testing::SealNext(
        *c.village, testing::kVillage,
        testing::ScratchChangeset("INSERT INTO certificate VALUES('" + c.township->id() + "', x'" +
                                  HexEncode(key) + "', 'township', '511304100', 'township', x'" +
                                  HexEncode(c.township->certificate) + "', '" + c.village->id() +
                                  "', 1, '" + testing::kVillage + "')"));
    testing::WriteBundle(path, c.township->key, {rows, t1});
  }
  auto refused = Judge(*newcomer, path);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrExchangeUnknownMaker);
  const int64_t journal = newcomer->JournalCount();
  auto imported = ImportBundle(*newcomer->replica, path);
  REQUIRE_FALSE(imported.ok());
  CHECK(newcomer->JournalCount() == journal);
}

// A bundle by `maker` of `envelopes` whose header carries `certificate`.
void WriteBundleCarrying(const std::filesystem::path& path, const TestNode& maker,
                         const Bytes& certificate, const std::vector<Bytes>& envelopes) {
  BundleHeader header;
  header.maker_key = maker.key.public_key();
  header.created_hlc = MakeHlc(testing::kWallMs, 9);
  header.maker_certificate = certificate;
  auto bytes = MakeBundle(header, envelopes, HaveSummary{}, maker.key);
  REQUIRE(bytes.ok());
  testing::WriteFile(path.string(), *bytes);
}

// A township enrolled offline that has not yet received the county's certificate rows.
std::unique_ptr<TestNode> NewTownship(TestCounty& c) {
  auto node = testing::MakeNode(c.dir, "township-new", c.root, Role::kTownship, testing::kTownship);
  REQUIRE(node->replica->AddKnownCertificate(c.county->certificate).ok());
  return node;
}

TEST_CASE("a village bundle carries its maker's certificate; a township with only the root "
          "key takes it") {
  TestCounty c;
  auto township = NewTownship(c);
  const Bytes v1 = WriteVersion(*c.village, "v1");
  auto path = c.dir.path() / "b";
  SUBCASE("without the certificate in the header the maker is unknown") {
    WriteBundleCarrying(path, *c.village, {}, {v1});
    CHECK(Judge(*township, path).status().code() == kErrExchangeUnknownMaker);
  }
  SUBCASE("with it the maker is trusted and its envelope applies") {
    WriteBundleCarrying(path, *c.village, c.village->certificate, {v1});
    auto cert = Judge(*township, path);
    REQUIRE(cert.ok());
    CHECK(cert->subject_id() == c.village->key.node_id());
    ImportReport report = testing::ImportTo(*township, path);
    CHECK(report.applied == 1);
    CHECK(report.all_accepted());
    CHECK(township->Count("disclosure_version") == 1);
  }
}

TEST_CASE("a carried certificate of another node, or not signed by the root, is refused") {
  TestCounty c;
  auto township = NewTownship(c);
  const Bytes v1 = WriteVersion(*c.village, "v1");
  auto path = c.dir.path() / "b";
  SUBCASE("another node's certificate") {
    WriteBundleCarrying(path, *c.village, c.county->certificate, {v1});
  }
  SUBCASE("one byte of the certificate changed") {
    Bytes altered = c.village->certificate;
    altered[altered.size() / 2] ^= 1;
    WriteBundleCarrying(path, *c.village, altered, {v1});
  }
  SUBCASE("a certificate under another root") {
    const SecretKey other_root = SecretKey::Generate();
    auto stranger = testing::MakeNode(c.dir, "stranger", other_root, Role::kVillage,
                                      testing::kVillage);
    WriteBundleCarrying(path, *stranger, stranger->certificate, {});
  }
  CHECK(Judge(*township, path).status().code() == kErrExchangeUnknownMaker);
  auto imported = ImportBundle(*township->replica, path);
  CHECK(imported.status().code() == kErrExchangeUnknownMaker);
  CHECK(township->JournalCount() == 0);
}

TEST_CASE("an exported bundle carries the maker's certificate") {
  TestCounty c;
  WriteVersion(*c.village, "v1");
  auto path = c.dir.path() / "b";
  testing::ExportFrom(*c.village, path);
  auto read = ReadBundleFile(path);
  REQUIRE(read.ok());
  CHECK(read->header.maker_certificate == c.village->certificate);
}

}  // namespace
}  // namespace gongkai
