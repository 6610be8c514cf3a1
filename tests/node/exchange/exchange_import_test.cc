// ImportBundle: the bookkeeping around applying a bundle (sync_state, journal source,
// progress, the refusal list and its cap) and its refusals before anything is applied.
#include <doctest/doctest.h>

#include <filesystem>

#include "node/exchange/exchange.h"
#include "node/exchange_fixture.h"
#include "node/exchange/peer_state.h"

namespace gongkai {
namespace {

using testing::ExportFrom;
using testing::ImportTo;
using testing::kTownship;
using testing::TestCounty;
using testing::WriteVersion;

TEST_CASE("an import records the maker's have summary and when it succeeded") {
  TestCounty c;
  WriteVersion(*c.village, "v1");
  auto path = c.dir.path() / "b";
  ExportFrom(*c.village, path, testing::For(kTownship));
  ImportReport report = ImportTo(*c.township, path);
  auto have = HaveOf(*c.village->replica);
  REQUIRE(have.ok());
  CHECK(report.peer_have == *have);
  CHECK(report.for_region == kTownship);
  CHECK(report.maker_region == testing::kVillage);
  CHECK(report.bytes == std::filesystem::file_size(path));
  CHECK(report.envelopes == 2);
  const std::string peer = BundlePeerName(c.village->key.node_id());
  CHECK(peer == "bundle:" + c.village->id());
  auto stored = LoadPeerHave(*c.township->replica, peer);
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->have == *have);
  CHECK((*stored)->as_of == report.created_hlc);
  Statement row = *Statement::Prepare(
      c.township->db(),
      "SELECT last_attempt_at, last_success_at, last_result FROM sync_state WHERE peer=?");
  row.Bind(1, peer);
  REQUIRE(*row.Step());
  CHECK(row.ColumnInt(0) == 42);  // the fixture's wall clock
  CHECK(row.ColumnInt(1) == 42);
  CHECK(row.ColumnText(2) == "applied=1 duplicate=1 out_of_scope=0 refused=0");
}

TEST_CASE("journal.source names the bundle's maker unless a label is given") {
  TestCounty c;
  const Bytes v1 = WriteVersion(*c.village, "v1");
  auto path = c.dir.path() / "b";
  ExportFrom(*c.village, path);
  std::string expected = "bundle:" + c.village->id();
  SUBCASE("default") { ImportTo(*c.township, path); }
  SUBCASE("given") {
    expected = "bundle:/media/usb/村.gkb";
    ImportOptions options;
    options.source_label = expected;
    auto report = ImportBundle(*c.township->replica, path, options);
    REQUIRE(report.ok());
  }
  auto source = QueryInt(
      c.township->db(),
      "SELECT count(*) FROM journal WHERE envelope_id='" + HashHex(Sha256(v1)) + "' AND source=?",
      expected);
  REQUIRE(source.ok());
  CHECK(source->value_or(0) == 1);
}

TEST_CASE("progress: every envelope read, then every envelope applied") {
  TestCounty c;
  WriteVersion(*c.village, "v1");
  WriteVersion(*c.village, "v2");
  auto path = c.dir.path() / "b";
  ExportFrom(*c.village, path);
  std::vector<ExchangeProgress> seen;
  ImportOptions options;
  options.progress = [&](const ExchangeProgress& p) { seen.push_back(p); };
  REQUIRE(ImportBundle(*c.township->replica, path, options).ok());
  REQUIRE(seen.size() == 6);
  CHECK(seen[2].step == ExchangeStep::kReading);
  CHECK(seen[2].done == 3);
  CHECK(seen[3].step == ExchangeStep::kApplying);
  CHECK(seen[5].done == 3);
  CHECK(seen[5].total == 3);
}

TEST_CASE("refusals before anything is applied") {
  TestCounty c;
  auto path = c.dir.path() / "b";
  ExportFrom(*c.village, path);
  SUBCASE("no such file") {
    auto refused = ImportBundle(*c.township->replica, c.dir.path() / "missing");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrBundleIo);
  }
  SUBCASE("a spool folder that does not exist") {
    ImportOptions options;
    options.spool_dir = c.dir.path() / "no-such-dir";
    auto refused = ImportBundle(*c.township->replica, path, options);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrExchangeSpool);
  }
  SUBCASE("a replica that is not enrolled") {
    auto bare = Replica::Open(c.dir.path() / "bare.db");
    REQUIRE(bare.ok());
    auto refused = ImportBundle(*bare, path);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrReplicaNotEnrolled);
  }
  CHECK(c.township->Count("sync_state") == 0);
}

TEST_CASE("the refusal list keeps kMaxReportedRefusals details and counts them all") {
  TestCounty c;
  const SecretKey stranger = SecretKey::Generate();
  const Bytes changeset = testing::ScratchChangeset(
      testing::VersionRowSql("x", NodeIdHex(stranger.node_id()), testing::kVillage));
  size_t count = 0;
  SUBCASE("at the limit") { count = kMaxReportedRefusals; }
  SUBCASE("one past it") { count = kMaxReportedRefusals + 1; }
  std::vector<Bytes> envelopes;
  Hash256 prev{};
  for (size_t seq = 1; seq <= count; ++seq) {
    auto e = BuildEnvelope(seq, prev, seq, testing::kVillage, changeset, stranger);
    REQUIRE(e.ok());
    prev = Sha256(*e);
    envelopes.push_back(std::move(*e));
  }
  auto path = c.dir.path() / "b";
  testing::WriteBundle(path, c.village->key, envelopes);
  ImportReport report = ImportTo(*c.township, path);
  CHECK(report.refused_count == count);
  CHECK(report.refused.size() == kMaxReportedRefusals);
  CHECK(report.refused.front().seq == 1);
  CHECK(report.refused.front().status.code() == kErrApplyUnknownSigner);
  CHECK(report.applied == 0);
}

TEST_CASE("a replica that cannot write stops the import; importing again finishes it") {
  TestCounty c;
  WriteVersion(*c.village, "v1");
  WriteVersion(*c.village, "v2");
  auto path = c.dir.path() / "b";
  ExportFrom(*c.village, path);
  // A second handle on the township's file that gives up on a lock at once, and another
  // connection holding the write lock.
  ReplicaOptions options;
  options.create_if_missing = false;
  options.busy_timeout_ms = 1;
  auto impatient = Replica::Open(c.township->replica->path(), options);
  REQUIRE(impatient.ok());
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(c.township->replica->path().c_str(), &raw) == SQLITE_OK);
  SqliteDb locker(raw);
  REQUIRE(ExecSql(locker.get(), "BEGIN IMMEDIATE").ok());
  auto stopped = ImportBundle(*impatient, path);
  REQUIRE_FALSE(stopped.ok());
  CHECK(stopped.status().kind() == StatusKind::kUnavailable);
  REQUIRE(ExecSql(locker.get(), "ROLLBACK").ok());
  CHECK(c.township->Count("sync_state") == 0);
  ImportReport finished = ImportTo(*c.township, path);
  CHECK(finished.applied == 2);
  CHECK(finished.all_accepted());
}

}  // namespace
}  // namespace gongkai
