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

}  // namespace
}  // namespace gongkai
