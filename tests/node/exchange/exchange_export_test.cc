// HaveOf and ExportBundle: what goes into a bundle, in which order, within which limits.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "node/exchange/certificate_carriers.h"
#include "node/exchange/envelope_selection.h"
#include "node/exchange/exchange.h"
#include "node/exchange_fixture.h"

namespace gongkai {
namespace {

using testing::ExportFrom;
using testing::ImportTo;
using testing::kCounty;
using testing::kTownship;
using testing::kVillage;
using testing::TestCounty;
using testing::TestNode;
using testing::WriteVersion;

// Index of the envelope `bytes` in the bundle at `path`.
size_t PositionIn(const std::filesystem::path& path, ByteView bytes) {
  auto contents = ReadBundleFile(path);
  REQUIRE(contents.ok());
  const Hash256 id = Sha256(bytes);
  for (size_t i = 0; i < contents->envelopes.size(); ++i) {
    if (contents->envelopes[i].id() == id) return i;
  }
  FAIL("envelope not in the bundle");
  return 0;
}

TEST_CASE("HaveOf: per origin, the ranges of sequence numbers held") {
  TestCounty c;
  const Bytes v1 = WriteVersion(*c.village, "v1");
  WriteVersion(*c.village, "v2");
  const Bytes v3 = WriteVersion(*c.village, "v3");
  const Bytes v4 = WriteVersion(*c.village, "v4");
  for (const Bytes* e : {&v1, &v3, &v4}) REQUIRE(c.township->Receive(*e).ok());
  auto have = HaveOf(*c.township->replica);
  REQUIRE(have.ok());
  CHECK(have->origins().size() == 2);
  CHECK(have->Ranges(c.county->key.node_id()) == HaveSummary::RangeList{{1, 1}});
  CHECK(have->Ranges(c.village->key.node_id()) == HaveSummary::RangeList{{1, 1}, {3, 4}});
  auto own = HaveOf(*c.village->replica);
  REQUIRE(own.ok());
  CHECK(own->Ranges(c.village->key.node_id()) == HaveSummary::RangeList{{1, 4}});
}

TEST_CASE("the bundle holds the maker, its region, its have summary and nothing more") {
  TestCounty c;
  WriteVersion(*c.village, "v1");
  auto path = c.dir.path() / "b";
  ExportOptions options = testing::For(kTownship);
  options.created_hlc = 77;
  ExportReport report = ExportFrom(*c.village, path, options);
  CHECK(report.path == path);
  CHECK(report.envelopes == 2);
  CHECK(report.left_out == 0);
  CHECK(report.bytes == std::filesystem::file_size(path));
  CHECK_FALSE(std::filesystem::exists(path.string() + ".partial"));
  auto contents = ReadBundleFile(path);
  REQUIRE(contents.ok());
  CHECK(contents->header.maker() == c.village->key.node_id());
  CHECK(contents->header.for_region == kTownship);
  CHECK(contents->header.created_hlc == 77);
  auto have = HaveOf(*c.village->replica);
  REQUIRE(have.ok());
  CHECK(contents->have == *have);
}

TEST_CASE("created_hlc defaults to the replica's last HLC") {
  TestCounty c;
  WriteVersion(*c.village, "v1");
  auto path = c.dir.path() / "b";
  ExportFrom(*c.village, path);
  auto contents = ReadBundleFile(path);
  REQUIRE(contents.ok());
  auto last = c.village->replica->LastHlc();
  REQUIRE(last.ok());
  CHECK(contents->header.created_hlc == *last);
}

TEST_CASE("a bundle with nothing the peer lacks still carries the have summary") {
  TestCounty c;
  auto have = HaveOf(*c.township->replica);
  REQUIRE(have.ok());
  auto path = c.dir.path() / "empty";
  ExportReport report = ExportFrom(*c.county, path, testing::For("", *have));
  CHECK(report.envelopes == 0);
  auto contents = ReadBundleFile(path);
  REQUIRE(contents.ok());
  CHECK(contents->envelopes.empty());
  CHECK_FALSE(contents->have.empty());
}

TEST_CASE("export refusals") {
  TestCounty c;
  auto path = c.dir.path() / "b";
  SUBCASE("another node's key") {
    auto refused = ExportBundle(*c.village->replica, c.sibling->key, path);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrExchangeKeyMismatch);
  }
  SUBCASE("a for_region that is not a region code") {
    auto refused = ExportBundle(*c.village->replica, c.village->key, path, testing::For("5113"));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrRegionLength);
  }
  SUBCASE("a folder that does not exist") {
    auto refused = ExportBundle(*c.village->replica, c.village->key, c.dir.path() / "no" / "b");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrBundleIo);
  }
  SUBCASE("a byte limit too small for the header and the have summary") {
    ExportOptions options;
    options.max_bytes = 100;
    auto refused = ExportBundle(*c.village->replica, c.village->key, path, options);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrBundleTooLarge);
  }
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(path.string() + ".partial"));
}

ExportOptions Limits(size_t max_envelopes, uint64_t max_bytes) {
  ExportOptions options;
  options.max_envelopes = max_envelopes;
  options.max_bytes = max_bytes;
  return options;
}

TEST_CASE("limits: at the limit everything goes, one below it the last is left out") {
  TestCounty c;
  for (int n = 0; n < 3; ++n) WriteVersion(*c.village, "v" + std::to_string(n));
  auto path = c.dir.path() / "b";
  const ExportReport all = ExportFrom(*c.village, path);
  REQUIRE(all.envelopes == 4);
  SUBCASE("envelope count") {
    ExportReport at = ExportFrom(*c.village, path, Limits(4, kMaxBundleSize));
    CHECK(at.envelopes == 4);
    CHECK(at.left_out == 0);
    ExportReport past = ExportFrom(*c.village, path, Limits(3, kMaxBundleSize));
    CHECK(past.envelopes == 3);
    CHECK(past.left_out == 1);
  }
  SUBCASE("bytes") {
    // The limit counts the envelopes as a version 2 bundle holds them (a version 3 file is
    // smaller): at the size of the version 2 file everything goes, in either version.
    auto v2 = [](ExportOptions options) {
      options.bundle_version = kBundleVersionUncompressed;
      return options;
    };
    const ExportReport all_v2 = ExportFrom(*c.village, path, v2({}));
    CHECK(all.bytes < all_v2.bytes);
    ExportReport at = ExportFrom(*c.village, path, v2(Limits(kMaxBundleEnvelopes, all_v2.bytes)));
    CHECK(at.envelopes == 4);
    CHECK(at.bytes == all_v2.bytes);
    CHECK(ExportFrom(*c.village, path, Limits(kMaxBundleEnvelopes, all_v2.bytes)).envelopes == 4);
    ExportReport past =
        ExportFrom(*c.village, path, v2(Limits(kMaxBundleEnvelopes, all_v2.bytes - 1)));
    CHECK(past.envelopes == 3);
    CHECK(past.left_out == 1);
    CHECK(past.bytes < all_v2.bytes);
    past = ExportFrom(*c.village, path, Limits(kMaxBundleEnvelopes, all_v2.bytes - 1));
    CHECK(past.envelopes == 3);
  }
  // What was left out is the end of the order: the front part applies on its own.
  ImportReport imported = ImportTo(*c.township, path);
  CHECK(imported.all_accepted());
  CHECK(imported.applied == 2);
}

TEST_CASE("order: a signer's certificate goes before its envelopes whatever the HLCs say") {
  TestCounty c;
  auto newcomer = testing::MakeNode(c.dir, "newcomer", c.root, Role::kVillage, "511304100203");
  REQUIRE(newcomer->replica->AddKnownCertificate(c.county->certificate).ok());
  // The county's clock runs ahead, so its certificate row has the later HLC.
  for (int n = 0; n < 50; ++n) c.county->clock->Now();
  const Bytes certificate = testing::WriteCertificateRow(c, *newcomer);
  const Bytes n1 = WriteVersion(*newcomer, "n1");
  REQUIRE(DecodeEnvelope(n1)->hlc() < DecodeEnvelope(certificate)->hlc());
  REQUIRE(c.county->Receive(n1).ok());
  auto path = c.dir.path() / "b";
  ExportFrom(*c.county, path, testing::For(kTownship));
  CHECK(PositionIn(path, certificate) < PositionIn(path, n1));
  ImportReport report = ImportTo(*c.township, path);
  CHECK(report.applied == 2);
  CHECK(report.all_accepted());
}

TEST_CASE("order: a revocation goes after every envelope of the node it revokes") {
  TestCounty c;
  // The sibling's clock runs ahead, so its envelopes have later HLCs than the revocation.
  for (int n = 0; n < 50; ++n) c.sibling->clock->Now();
  const Bytes s1 = WriteVersion(*c.sibling, "s1");
  const Bytes s2 = WriteVersion(*c.sibling, "s2");
  for (const Bytes* e : {&s1, &s2}) REQUIRE(c.county->Receive(*e).ok());
  const Bytes revocation = testing::WriteRevocation(c, *c.sibling);
  const Bytes c1 = WriteVersion(*c.county, "c1");
  REQUIRE(DecodeEnvelope(revocation)->hlc() < DecodeEnvelope(s1)->hlc());
  auto path = c.dir.path() / "b";
  ExportFrom(*c.county, path, testing::For(kTownship));
  CHECK(PositionIn(path, s2) < PositionIn(path, revocation));
  // The county's own chain stays in seq order.
  CHECK(PositionIn(path, revocation) < PositionIn(path, c1));
  SUBCASE("the receiver ends up holding what the county holds") {
    ImportReport report = ImportTo(*c.township, path);
    CHECK(report.all_accepted());
    CHECK(report.applied == 4);
    CHECK(c.township->Digest(kCounty) == c.county->Digest(kCounty));
  }
  SUBCASE("in HLC order the revoked node's envelopes would be refused") {
    auto hlc_order = c.dir.path() / "hlc-order";
    testing::WriteBundle(hlc_order, c.county->key, {revocation, s1, s2, c1});
    ImportReport report = ImportTo(*c.township, hlc_order);
    CHECK(report.refused_count == 2);
    CHECK(report.refused[0].status.code() == kErrApplyRevoked);
  }
}

TEST_CASE("progress is reported for every envelope written") {
  TestCounty c;
  WriteVersion(*c.village, "v1");
  std::vector<ExchangeProgress> seen;
  ExportOptions options;
  options.progress = [&](const ExchangeProgress& p) { seen.push_back(p); };
  ExportFrom(*c.village, c.dir.path() / "b", options);
  REQUIRE(seen.size() == 2);
  CHECK(seen.back().step == ExchangeStep::kWriting);
  CHECK(seen.back().done == 2);
  CHECK(seen.back().total == 2);
}

}  // namespace
}  // namespace gongkai

namespace gongkai {
namespace {

bool InBundle(const std::filesystem::path& path, ByteView bytes) {
  auto contents = ReadBundleFile(path);
  REQUIRE(contents.ok());
  const Hash256 id = Sha256(bytes);
  return std::any_of(contents->envelopes.begin(), contents->envelopes.end(),
                     [&](const Envelope& e) { return e.id() == id; });
}

// The envelope ids SelectEnvelopes gives a village of kVillage, with `carriers` kept by the
// caller (nullptr: read for the call).
std::vector<Hash256> SelectedIds(const TestNode& from, CertificateCarriers* carriers) {
  SelectOptions options;
  options.for_region = kVillage;
  options.carriers = carriers;
  options.max_envelopes = 1000;
  auto selection = SelectEnvelopes(*from.replica, options);
  REQUIRE(selection.ok());
  std::vector<Hash256> ids;
  for (const Bytes& envelope : selection->envelopes) ids.push_back(Sha256(envelope));
  return ids;
}

bool Holds(const std::vector<Hash256>& ids, ByteView envelope) {
  return std::find(ids.begin(), ids.end(), Sha256(envelope)) != ids.end();
}

TEST_CASE("certificate carriers kept across selections see what was written since") {
  TestCounty c;
  CertificateCarriers kept;
  const std::vector<Hash256> before = SelectedIds(*c.county, &kept);
  CHECK(before == SelectedIds(*c.county, nullptr));
  const size_t carriers_before = kept.size();

  // Written after the first selection: a certificate the village does not need, one it does
  // (a second writer of its own village), and a revocation.
  auto sibling = testing::MakeNode(c.dir, "sibling", c.root, Role::kVillage, "511304100203");
  auto neighbour = testing::MakeNode(c.dir, "neighbour", c.root, Role::kVillage, kVillage);
  const Bytes sibling_certificate = testing::WriteCertificateRow(c, *sibling);
  const Bytes neighbour_certificate = testing::WriteCertificateRow(c, *neighbour);
  const Bytes revocation = testing::WriteRevocation(c, *sibling);

  const std::vector<Hash256> after = SelectedIds(*c.county, &kept);
  CHECK(after == SelectedIds(*c.county, nullptr));
  CHECK(kept.size() == carriers_before + 2);
  CHECK_FALSE(Holds(after, sibling_certificate));
  CHECK(Holds(after, neighbour_certificate));
  CHECK(Holds(after, revocation));
}

TEST_CASE("a receiver gets only the certificates of its read scope, revocations always") {
  TestCounty c;
  auto sibling = testing::MakeNode(c.dir, "sibling", c.root, Role::kVillage, "511304100203");
  auto elsewhere = testing::MakeNode(c.dir, "elsewhere", c.root, Role::kVillage, "511304200201");
  const Bytes sibling_certificate = testing::WriteCertificateRow(c, *sibling);
  const Bytes elsewhere_certificate = testing::WriteCertificateRow(c, *elsewhere);
  const Bytes revocation = testing::WriteRevocation(c, *elsewhere);

  auto for_village = c.dir.path() / "village.gkb";
  ExportFrom(*c.county, for_village, testing::For(kVillage));
  CHECK_FALSE(InBundle(for_village, sibling_certificate));
  CHECK_FALSE(InBundle(for_village, elsewhere_certificate));
  CHECK(InBundle(for_village, revocation));

  auto for_township = c.dir.path() / "township.gkb";
  ExportFrom(*c.county, for_township, testing::For(kTownship));
  CHECK(InBundle(for_township, sibling_certificate));
  CHECK_FALSE(InBundle(for_township, elsewhere_certificate));

  auto for_county = c.dir.path() / "county.gkb";
  ExportFrom(*c.county, for_county, testing::For(kCounty));
  CHECK(InBundle(for_county, sibling_certificate));
  CHECK(InBundle(for_county, elsewhere_certificate));

  // What the village does get still imports whole.
  ImportReport report = ImportTo(*c.village, for_village);
  CHECK(report.all_accepted());
}

}  // namespace
}  // namespace gongkai
