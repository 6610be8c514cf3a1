// The offline exchange end to end between in-process nodes: relays by bundles only, read
// scope, idempotence, refusal of altered, truncated and foreign bundles, refusal of single
// envelopes, out-of-order certificates, the peer's have summary, and convergence by bundles.
#include "node/exchange/exchange.h"

#include <doctest/doctest.h>

#include <random>

#include "node/exchange_fixture.h"
#include "node/replica/journal.h"
#include "node/replica/sql.h"
#include "node/exchange/peer_state.h"
#include "protocol/inspect.h"

namespace gongkai {
namespace {

using testing::ExportFrom;
using testing::ImportTo;
using testing::kCounty;
using testing::kSiblingVillage;
using testing::kTownship;
using testing::kVillage;
using testing::TestCounty;
using testing::TestNode;
using testing::WriteVersion;

int64_t RowsOfRegion(const TestNode& node, const std::string& region) {
  auto n = QueryInt(node.db(), "SELECT count(*) FROM disclosure_version WHERE region=?", region);
  REQUIRE(n.ok());
  return n->value_or(0);
}

int64_t SyncStateRows(const TestNode& node) { return node.Count("sync_state"); }

std::optional<HaveSummary> PeerHaveOf(const TestNode& holder, const TestNode& peer) {
  auto stored = LoadPeerHave(*holder.replica, BundlePeerName(peer.key.node_id()));
  REQUIRE(stored.ok());
  if (!*stored) return std::nullopt;
  return (*stored)->have;
}

TEST_CASE("village -> township -> county and back by bundles only: equal digests") {
  TestCounty c;
  auto path = [&](const char* name) { return c.dir.path() / name; };
  WriteVersion(*c.village, "v1", 2);
  WriteVersion(*c.village, "v2");
  WriteVersion(*c.sibling, "s1", 1);
  WriteVersion(*c.county, "c1");

  // Both villages carry theirs to the township.
  ExportFrom(*c.village, path("v-t"), testing::For(kTownship));
  ImportReport at_township = ImportTo(*c.township, path("v-t"));
  CHECK(at_township.applied == 2);
  CHECK(at_township.duplicate == 1);  // the county's certificate envelope
  CHECK(at_township.all_accepted());
  CHECK(at_township.maker == c.village->key.node_id());
  CHECK(at_township.maker_role == Role::kVillage);
  ExportFrom(*c.sibling, path("s-t"), testing::For(kTownship));
  CHECK(ImportTo(*c.township, path("s-t")).applied == 1);
  testing::WriteReview(*c.township, "r1", kVillage);

  // The township relays everything to the county.
  ExportFrom(*c.township, path("t-c"), testing::For(kCounty, PeerHaveOf(*c.township, *c.county)));
  ImportReport at_county = ImportTo(*c.county, path("t-c"));
  CHECK(at_county.applied == 4);
  CHECK(at_county.all_accepted());

  // The county answers each with what it lacks.
  ExportFrom(*c.county, path("c-t"), testing::For(kTownship, PeerHaveOf(*c.county, *c.township)));
  CHECK(ImportTo(*c.township, path("c-t")).applied == 1);  // c1
  ExportFrom(*c.county, path("c-v"), testing::For(kVillage));
  ImportReport at_village = ImportTo(*c.village, path("c-v"));
  CHECK(at_village.applied == 2);  // c1 and the township's review
  CHECK(at_village.out_of_scope == 0);
  ExportFrom(*c.township, path("t-s"), testing::For(kSiblingVillage));
  CHECK(ImportTo(*c.sibling, path("t-s")).applied == 1);  // c1

  struct Holders {
    const char* region;
    std::vector<TestNode*> nodes;
  };
  const Holders holders[] = {
      {kVillage, {c.county.get(), c.township.get(), c.village.get()}},
      {kSiblingVillage, {c.county.get(), c.township.get(), c.sibling.get()}},
      {kTownship, {c.county.get(), c.township.get()}},
      {kCounty, {c.county.get(), c.township.get()}},
  };
  for (const Holders& h : holders) {
    CAPTURE(h.region);
    const Hash256 expected = h.nodes.front()->Digest(h.region);
    for (TestNode* node : h.nodes) CHECK(node->Digest(h.region) == expected);
  }
  CHECK(c.county->Count("disclosure_version") == 4);
  CHECK(c.village->Count("disclosure_version") == 3);
  CHECK(c.village->Count("review") == 1);
}

TEST_CASE("an export for a village leaves out the other village's envelopes") {
  TestCounty c;
  for (const Bytes& e : {WriteVersion(*c.village, "v1"), WriteVersion(*c.sibling, "s1")}) {
    REQUIRE(c.county->Receive(e).ok());
  }
  WriteVersion(*c.county, "c1");
  auto scoped = c.dir.path() / "for-village";
  ExportReport report = ExportFrom(*c.county, scoped, testing::For(kVillage));
  CHECK(report.envelopes == 3);  // certificates, c1, v1
  for (const std::string& region : testing::BundleRegions(scoped)) {
    CHECK(region != kSiblingVillage);
  }
  ImportReport imported = ImportTo(*c.village, scoped);
  CHECK(imported.out_of_scope == 0);
  CHECK(imported.applied == 1);
  CHECK(RowsOfRegion(*c.village, kSiblingVillage) == 0);
  CHECK(RowsOfRegion(*c.village, kCounty) == 1);

  // Without for_region everything goes; the village skips what is not its own.
  auto everything = c.dir.path() / "for-anyone";
  CHECK(ExportFrom(*c.county, everything).envelopes == 4);
  ImportReport skipped = ImportTo(*c.village, everything);
  CHECK(skipped.out_of_scope == 1);
  CHECK(RowsOfRegion(*c.village, kSiblingVillage) == 0);
}

TEST_CASE("importing the same bundle twice changes nothing") {
  TestCounty c;
  WriteVersion(*c.village, "v1", 3);
  WriteVersion(*c.village, "v2");
  auto path = c.dir.path() / "b";
  ExportFrom(*c.village, path);
  ImportReport first = ImportTo(*c.township, path);
  CHECK(first.applied == 2);
  const Hash256 digest = c.township->Digest(kCounty);
  const int64_t journal = c.township->JournalCount();
  ImportReport second = ImportTo(*c.township, path);
  CHECK(second.applied == 0);
  CHECK(second.duplicate == second.envelopes);
  CHECK(second.all_accepted());
  CHECK(c.township->Digest(kCounty) == digest);
  CHECK(c.township->JournalCount() == journal);
  CHECK(SyncStateRows(*c.township) == 1);
}

TEST_CASE("a bundle altered at any byte is refused whole and changes nothing") {
  TestCounty c;
  WriteVersion(*c.county, "c1", 2);
  WriteVersion(*c.village, "v1");
  REQUIRE(c.county->Receive(WriteVersion(*c.village, "v2", 1)).ok());
  auto good = c.dir.path() / "good";
  ExportFrom(*c.county, good, testing::For(kVillage));
  const Bytes original = testing::ReadFile(good.string());
  const Hash256 digest = c.village->Digest(kCounty);
  const int64_t journal = c.village->JournalCount();
  auto bad = c.dir.path() / "bad";
  std::mt19937 rng(20261121);
  for (int n = 0; n < 300; ++n) {
    Bytes altered = original;
    const size_t at = rng() % altered.size();
    altered[at] ^= static_cast<uint8_t>(1 + rng() % 255);
    testing::WriteFile(bad.string(), altered);
    auto refused = ImportBundle(*c.village->replica, bad);
    CAPTURE(at);
    REQUIRE_FALSE(refused.ok());
    const std::string code = refused.status().code();
    // zstd.*: a version 3 bundle's frames no longer decompress (protocol/bundle.h).
    CHECK((code.starts_with("bundle.") || code.starts_with("envelope.") ||
           code.starts_with("zstd.")));
  }
  CHECK(c.village->Digest(kCounty) == digest);
  CHECK(c.village->JournalCount() == journal);
  CHECK(SyncStateRows(*c.village) == 0);
  // The unaltered bundle goes in.
  CHECK(ImportTo(*c.village, good).applied == 1);  // c1; the rest it holds
  CHECK(c.village->Digest(kCounty) != digest);
}

TEST_CASE("a truncated or extended bundle is refused") {
  TestCounty c;
  WriteVersion(*c.village, "v1", 2);
  auto good = c.dir.path() / "good";
  ExportFrom(*c.village, good);
  const Bytes original = testing::ReadFile(good.string());
  const int64_t journal = c.township->JournalCount();
  auto bad = c.dir.path() / "bad";
  for (size_t keep : {size_t{0}, size_t{1}, size_t{61}, size_t{70}, original.size() / 2,
                      original.size() - 65, original.size() - 64, original.size() - 1}) {
    CAPTURE(keep);
    testing::WriteFile(bad.string(), ByteView(original).first(keep));
    auto refused = ImportBundle(*c.township->replica, bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrBundleTruncated);
  }
  Bytes longer = original;
  longer.push_back(0);
  testing::WriteFile(bad.string(), longer);
  auto refused = ImportBundle(*c.township->replica, bad);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrBundleTrailing);
  CHECK(c.township->JournalCount() == journal);
}

TEST_CASE("a version 3 bundle imports to the same replica as versions 1 and 2") {
  TestCounty c;
  WriteVersion(*c.village, "v1", 30);
  WriteVersion(*c.village, "v2", 3);
  WriteVersion(*c.village, "v3");
  REQUIRE(c.village->Receive(testing::WriteVersion(*c.county, "c1")).ok());
  auto path = [&](const char* name) { return c.dir.path() / name; };
  ExportReport v3 = ExportFrom(*c.village, path("v3"));  // the default
  ExportOptions older;
  older.bundle_version = kBundleVersionUncompressed;
  ExportReport v2 = ExportFrom(*c.village, path("v2"), older);
  older.bundle_version = kBundleVersionWithoutCertificate;
  ExportReport v1 = ExportFrom(*c.village, path("v1"), older);
  CHECK(testing::ReadFile(path("v3").string())[4] == kBundleVersion);
  CHECK(testing::ReadFile(path("v2").string())[4] == kBundleVersionUncompressed);
  CHECK(testing::ReadFile(path("v1").string())[4] == kBundleVersionWithoutCertificate);
  CHECK(v3.envelopes == v1.envelopes);
  CHECK(v3.envelopes == v2.envelopes);
  CHECK(v3.bytes < v2.bytes);
  CHECK(v1.bytes < v2.bytes);  // no maker certificate
  // The same envelopes, byte for byte, in the same order.
  auto envelopes = [&](const char* name) {
    auto contents = ReadBundleFile(path(name));
    REQUIRE(contents.ok());
    std::vector<Bytes> out;
    for (const Envelope& e : contents->envelopes) out.emplace_back(e.raw().begin(), e.raw().end());
    return out;
  };
  CHECK(envelopes("v3") == envelopes("v1"));
  CHECK(envelopes("v3") == envelopes("v2"));

  // Version 3 into the township, version 1 into the county: the village's region ends the
  // same in both, and so do the journal entries of the village's envelopes.
  ImportReport at_township = ImportTo(*c.township, path("v3"));
  ImportReport at_county = ImportTo(*c.county, path("v1"));
  CHECK(at_township.envelopes == at_county.envelopes);
  CHECK(at_township.applied == 4);  // the village's three and the county's c1
  CHECK(at_county.applied == 3);
  CHECK(at_township.all_accepted());
  CHECK(at_county.all_accepted());
  const Hash256 village_digest = c.village->Digest(kVillage);
  CHECK(c.township->Digest(kVillage) == village_digest);
  CHECK(c.county->Digest(kVillage) == village_digest);
  auto journal_of_village = [&](const TestNode& node) {
    auto stmt = Statement::Prepare(
        node.db(), "SELECT envelope_id || hex(bytes) FROM journal WHERE origin=? ORDER BY seq");
    REQUIRE(stmt.ok());
    stmt->Bind(1, c.village->id());
    std::vector<std::string> out;
    while (true) {
      auto row = stmt->Step();
      REQUIRE(row.ok());
      if (!*row) break;
      out.push_back(stmt->ColumnText(0));
    }
    return out;
  };
  CHECK(journal_of_village(*c.township).size() == 3);
  CHECK(journal_of_village(*c.township) == journal_of_village(*c.county));
  CHECK(journal_of_village(*c.township) == journal_of_village(*c.village));
  // Version 2 into the township again: nothing new.
  ImportReport again = ImportTo(*c.township, path("v2"));
  CHECK(again.applied == 0);
  CHECK(again.duplicate == again.envelopes);
}

TEST_CASE("a bundle made by an unknown key is refused whole") {
  TestCounty c;
  const Bytes v1 = WriteVersion(*c.village, "v1");
  const int64_t journal = c.township->JournalCount();
  auto path = c.dir.path() / "stranger";
  SUBCASE("a key of no certificate") { testing::WriteBundle(path, SecretKey::Generate(), {v1}); }
  SUBCASE("a node of another county") {
    TestCounty elsewhere;
    testing::WriteBundle(path, elsewhere.village->key, {v1});
  }
  auto refused = ImportBundle(*c.township->replica, path);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrExchangeUnknownMaker);
  CHECK(refused.status().kind() == StatusKind::kDenied);
  CHECK(c.township->JournalCount() == journal);
  CHECK(SyncStateRows(*c.township) == 0);
}

TEST_CASE("a bundle made by a revoked node is refused whole") {
  TestCounty c;
  REQUIRE(c.township->Receive(testing::WriteRevocation(c, *c.sibling)).ok());
  const int64_t journal = c.township->JournalCount();
  auto path = c.dir.path() / "revoked";
  testing::WriteBundle(path, c.sibling->key, {c.certificates_envelope});
  auto refused = ImportBundle(*c.township->replica, path);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrExchangeMakerRevoked);
  CHECK(c.township->JournalCount() == journal);
}

TEST_CASE("an envelope with rows for another village is refused, the rest applied") {
  TestCounty c;
  const Bytes own = WriteVersion(*c.village, "v1");
  // Signed by the village, but its region and rows are the sibling village's.
  const Bytes forged = testing::SealNext(
      *c.village, kSiblingVillage,
      testing::ScratchChangeset(testing::VersionRowSql("x1", c.village->id(), kSiblingVillage)));
  auto path = c.dir.path() / "forged";
  testing::WriteBundle(path, c.village->key, {own, forged});
  ImportReport report = ImportTo(*c.township, path);
  CHECK(report.applied == 1);
  CHECK(report.refused_count == 1);
  REQUIRE(report.refused.size() == 1);
  const RefusedEnvelope& refused = report.refused[0];
  CHECK(refused.id == Sha256(forged));
  CHECK(refused.origin == c.village->key.node_id());
  CHECK(refused.seq == 2);
  CHECK(refused.region == kSiblingVillage);
  CHECK(refused.status.code() == kErrInspectScope);
  CHECK_FALSE(report.all_accepted());
  auto held = JournalHas(c.township->db(), Sha256(forged));
  REQUIRE(held.ok());
  CHECK_FALSE(*held);
  CHECK(RowsOfRegion(*c.township, kSiblingVillage) == 0);
  CHECK(RowsOfRegion(*c.township, kVillage) == 1);
}

TEST_CASE("envelopes before the certificate they need still all apply") {
  TestCounty c;
  auto newcomer = testing::MakeNode(c.dir, "newcomer", c.root, Role::kVillage, "511304100203");
  REQUIRE(newcomer->replica->AddKnownCertificate(c.county->certificate).ok());
  const Bytes n1 = WriteVersion(*newcomer, "n1", 1);
  const Bytes n2 = WriteVersion(*newcomer, "n2");
  const Bytes certificate = testing::WriteCertificateRow(c, *newcomer);
  auto path = c.dir.path() / "late-certificate";
  SUBCASE("the certificate comes last") {
    testing::WriteBundle(path, c.county->key, {n1, n2, certificate});
    ImportReport report = ImportTo(*c.township, path);
    CHECK(report.applied == 3);
    CHECK(report.all_accepted());
    CHECK(RowsOfRegion(*c.township, "511304100203") == 2);
  }
  SUBCASE("without the certificate they are refused, once each") {
    testing::WriteBundle(path, c.county->key, {n1, n2});
    ImportReport report = ImportTo(*c.township, path);
    CHECK(report.applied == 0);
    CHECK(report.refused_count == 2);
    for (const RefusedEnvelope& r : report.refused) {
      CHECK(r.status.code() == kErrApplyUnknownSigner);
    }
  }
}

TEST_CASE("the peer's have summary makes the next export smaller") {
  TestCounty c;
  for (int n = 0; n < 4; ++n) {
    REQUIRE(c.county->Receive(WriteVersion(*c.village, "v" + std::to_string(n), 2)).ok());
  }
  auto path = [&](const char* name) { return c.dir.path() / name; };
  ExportReport first = ExportFrom(*c.county, path("1"), testing::For(kTownship));
  CHECK(first.envelopes == 5);
  ImportTo(*c.township, path("1"));
  // The township answers with only what the county lacks: nothing.
  ExportReport answer =
      ExportFrom(*c.township, path("2"), testing::For(kCounty, PeerHaveOf(*c.township, *c.county)));
  CHECK(answer.envelopes == 0);
  ImportTo(*c.county, path("2"));
  WriteVersion(*c.county, "c1");
  ExportReport second =
      ExportFrom(*c.county, path("3"), testing::For(kTownship, PeerHaveOf(*c.county, *c.township)));
  CHECK(second.envelopes == 1);
  CHECK(second.bytes < first.bytes);
  CHECK(ImportTo(*c.township, path("3")).applied == 1);
  CHECK(c.township->Digest(kCounty) == c.county->Digest(kCounty));
}

TEST_CASE("convergence by bundles only: random writes, random pairs, then a sweep") {
  for (unsigned seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    std::mt19937 rng(seed);
    TestCounty c;
    const std::vector<TestNode*> nodes = c.nodes();
    int bundles = 0;
    auto exchange = [&](TestNode& from, TestNode& to) {
      auto path = c.dir.path() / ("b" + std::to_string(bundles++));
      ExportFrom(from, path, testing::For(to.region, PeerHaveOf(from, to)));
      ImportReport report = ImportTo(to, path);
      CHECK(report.all_accepted());
      CHECK(report.out_of_scope == 0);
    };
    for (int step = 0; step < 40; ++step) {
      TestNode& a = *nodes[rng() % nodes.size()];
      TestNode& b = *nodes[rng() % nodes.size()];
      if (rng() % 2 == 0) {
        const std::string id = "w" + std::to_string(step);
        if (a.role == Role::kTownship && rng() % 2 == 0) {
          testing::WriteReview(a, id, rng() % 2 ? kVillage : kSiblingVillage);
        } else {
          WriteVersion(a, id, static_cast<int>(rng() % 3));
        }
      } else if (&a != &b) {
        exchange(a, b);
      }
    }
    // Two sweeps over every ordered pair: the first gathers everything at the county, the
    // second hands it out.
    for (int sweep = 0; sweep < 2; ++sweep) {
      for (TestNode* from : nodes) {
        for (TestNode* to : nodes) {
          if (from != to) exchange(*from, *to);
        }
      }
    }
    struct Holders {
      const char* region;
      std::vector<TestNode*> nodes;
    };
    const Holders holders[] = {
        {kVillage, {c.county.get(), c.township.get(), c.village.get()}},
        {kSiblingVillage, {c.county.get(), c.township.get(), c.sibling.get()}},
        {kTownship, {c.county.get(), c.township.get()}},
    };
    for (const Holders& h : holders) {
      CAPTURE(h.region);
      const Hash256 expected = h.nodes.front()->Digest(h.region);
      for (TestNode* node : h.nodes) CHECK(node->Digest(h.region) == expected);
    }
    CHECK(c.township->Digest(kCounty) == c.county->Digest(kCounty));
    // The villages also hold every row of their ancestors.
    for (TestNode* village : {c.village.get(), c.sibling.get()}) {
      CHECK(RowsOfRegion(*village, kCounty) == RowsOfRegion(*c.county, kCounty));
      CHECK(RowsOfRegion(*village, kTownship) == RowsOfRegion(*c.county, kTownship));
    }
    auto county_have = HaveOf(*c.county->replica);
    auto township_have = HaveOf(*c.township->replica);
    REQUIRE(county_have.ok());
    REQUIRE(township_have.ok());
    CHECK(*county_have == *township_have);
  }
}

}  // namespace
}  // namespace gongkai
