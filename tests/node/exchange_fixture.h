// Test support for bundle exchange: export and import between the nodes of
// replica_fixture.h, revocations, and envelopes built by hand.
#ifndef GONGKAI_TESTS_NODE_EXCHANGE_FIXTURE_H_
#define GONGKAI_TESTS_NODE_EXCHANGE_FIXTURE_H_

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "node/exchange/exchange.h"
#include "node/replica/journal.h"
#include "node/replica_fixture.h"
#include "protocol/bundle.h"
#include "protocol/certificate.h"
#include "protocol/schema.h"
#include "protocol/sqlite_handles.h"

namespace gongkai::testing {

inline CaptureWrites VersionWrite(std::string region, std::string id, int items = 0) {
  return [region, id, items](sqlite3* db, const CaptureStamp& s) -> Status {
    GK_RETURN_IF_ERROR(InsertVersion(db, s, region, id, "标题 " + id));
    for (int line = 1; line <= items; ++line) {
      GK_RETURN_IF_ERROR(InsertItem(db, s, region, id, line, "{\"cells\":[\"x\"]}"));
    }
    return Status::Ok();
  };
}

// A captured envelope of one version row in the node's own region.
inline Bytes WriteVersion(TestNode& node, const std::string& id, int items = 0) {
  auto captured = node.Write(VersionWrite(node.region, id, items));
  INFO(captured.status().ToString());
  REQUIRE(captured.ok());
  return captured->bytes;
}

// A township review of a version of one of its villages.
inline Bytes WriteReview(TestNode& township, const std::string& id, const std::string& village) {
  auto captured = township.Write([&](sqlite3* db, const CaptureStamp& s) {
    return ExecSql(db, "INSERT INTO review VALUES('" + id +
                           "', 'v', 'd', 'township', 'approve', '', '经管站', '" + s.origin +
                           "', " + std::to_string(s.hlc) + ", '" + village + "')");
  });
  INFO(captured.status().ToString());
  REQUIRE(captured.ok());
  return captured->bytes;
}

// The county revokes `node` (reason retired).
inline Bytes WriteRevocation(TestCounty& c, const TestNode& node) {
  Revocation revocation;
  revocation.subject = node.key.node_id();
  revocation.reason = RevocationReason::kRetired;
  revocation.revoked_hlc = MakeHlc(kWallMs, 1);
  auto body = SignRevocation(revocation, c.root);
  REQUIRE(body.ok());
  auto captured = c.county->Write([&](sqlite3* db, const CaptureStamp& s) -> Status {
    GK_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db, "INSERT INTO revocation VALUES(?, ?, 'retired', ?, ?, ?, ?)"));
    stmt.Bind(1, HashHex(Sha256(*body)))
        .Bind(2, node.id())
        .Bind(3, ByteView(*body))
        .Bind(4, s.origin)
        .Bind(5, static_cast<int64_t>(s.hlc))
        .Bind(6, kCounty);
    return stmt.Run();
  });
  INFO(captured.status().ToString());
  REQUIRE(captured.ok());
  return captured->bytes;
}

// The county writes the certificate row of `node`.
inline Bytes WriteCertificateRow(TestCounty& c, const TestNode& node) {
  auto captured = c.county->Write([&](sqlite3* db, const CaptureStamp& s) {
    return InsertCertificate(db, s, c.root.public_key(), node.certificate);
  });
  INFO(captured.status().ToString());
  REQUIRE(captured.ok());
  return captured->bytes;
}

// A changeset recorded on a scratch database with the synced tables and no triggers, so it
// may hold rows no honest capture would.
inline Bytes ScratchChangeset(const std::string& recorded) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
  SqliteDb db(raw);
  for (const TableSpec& table : SyncedTables()) {
    REQUIRE(ExecSql(db.get(), CreateTableSql(table)).ok());
  }
  sqlite3_session* session_raw = nullptr;
  REQUIRE(sqlite3session_create(db.get(), "main", &session_raw) == SQLITE_OK);
  SqliteSession session(session_raw);
  REQUIRE(sqlite3session_attach(session.get(), nullptr) == SQLITE_OK);
  REQUIRE(ExecSql(db.get(), recorded).ok());
  int size = 0;
  void* data = nullptr;
  REQUIRE(sqlite3session_changeset(session.get(), &size, &data) == SQLITE_OK);
  return SqliteBuffer(data, size).ToBytes();
}

// A disclosure_version row with the given origin and region, as SQL.
inline std::string VersionRowSql(const std::string& id, const std::string& origin,
                                 const std::string& region) {
  return "INSERT INTO disclosure_version VALUES('" + id +
         "', 'd', '', 'affairs', 't', '2026Q3', 'b', '', '', 0, '', 'a', '" + origin + "', 1, '" +
         region + "')";
}

// The next envelope of `node`'s chain (after what its journal holds), carrying `changeset`
// for `region`, signed with its key. Not stored anywhere.
inline Bytes SealNext(TestNode& node, std::string_view region, ByteView changeset) {
  auto latest = LatestLink(node.db(), node.key.node_id());
  REQUIRE(latest.ok());
  const uint64_t seq = *latest ? (*latest)->seq + 1 : 1;
  const Hash256 prev = *latest ? (*latest)->id : Hash256{};
  auto envelope = BuildEnvelope(seq, prev, node.clock->Now(), region, changeset, node.key);
  REQUIRE(envelope.ok());
  return *envelope;
}

// A bundle at `path` made in memory by `key` (no journal involved).
inline void WriteBundle(const std::filesystem::path& path, const SecretKey& key,
                        const std::vector<Bytes>& envelopes, const HaveSummary& have = {},
                        std::string for_region = "") {
  BundleHeader header;
  header.maker_key = key.public_key();
  header.created_hlc = MakeHlc(kWallMs, 9);
  header.for_region = std::move(for_region);
  auto bytes = MakeBundle(header, envelopes, have, key);
  INFO(bytes.status().ToString());
  REQUIRE(bytes.ok());
  WriteFile(path.string(), *bytes);
}

// Export options for a receiver of `region` ("" for anyone) holding `peer_have`.
inline ExportOptions For(std::string region, std::optional<HaveSummary> peer_have = {}) {
  ExportOptions options;
  options.for_region = std::move(region);
  options.peer_have = std::move(peer_have);
  return options;
}

inline ExportReport ExportFrom(TestNode& from, const std::filesystem::path& path,
                               ExportOptions options = {}) {
  auto report = ExportBundle(*from.replica, from.key, path, options);
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  return *report;
}

inline ImportReport ImportTo(TestNode& to, const std::filesystem::path& path) {
  auto report = ImportBundle(*to.replica, path);
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  return *report;
}

// Regions of the envelopes in the bundle at `path`, in bundle order.
inline std::vector<std::string> BundleRegions(const std::filesystem::path& path) {
  auto contents = ReadBundleFile(path);
  REQUIRE(contents.ok());
  std::vector<std::string> out;
  for (const Envelope& e : contents->envelopes) out.push_back(e.region());
  return out;
}

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_NODE_EXCHANGE_FIXTURE_H_
