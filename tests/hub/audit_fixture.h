// Test support for the audit tools: a hub database made by a real end-to-end run, built once
// per test process. The real `gongkai-hub serve` runs on 127.0.0.1; two villages write and
// submit disclosures with the real `gongkai` and sync; the township syncs; the county revokes
// village B while the server is stopped; the server is started again (logging the revocation)
// and village A syncs once more. Tests tamper with copies of the resulting replica.db.
#ifndef GONGKAI_TESTS_HUB_AUDIT_FIXTURE_H_
#define GONGKAI_TESTS_HUB_AUDIT_FIXTURE_H_

#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "child_process.h"
#include "county_fixture.h"
#include "hub/county/county.h"
#include "node/exchange/enrolment.h"
#include "node/json/json_value.h"
#include "node/replica/sql.h"
#include "protocol/sqlite_handles.h"
#include "protocol/wall_clock.h"

namespace gongkai::testing {

inline constexpr char kAuditTownship[] = "511304100";
inline constexpr char kAuditVillageA[] = "511304100201";
inline constexpr char kAuditVillageB[] = "511304100202";

inline void AuditEnrol(County& county, const std::filesystem::path& home, std::string_view region,
                       std::string_view name, Role role) {
  Result<Bytes> request = StartEnrolment(home, region, name, static_cast<uint64_t>(WallClockMs()));
  REQUIRE(request.ok());
  Result<Bytes> certificate = EnrollFromRequest(county, kPassphrase, *request, role);
  INFO(certificate.status().ToString());
  REQUIRE(certificate.ok());
  REQUIRE(CompleteEnrolment(home, *certificate).ok());
}

inline CommandResult RunGongkai(const std::filesystem::path& home, std::vector<std::string> words) {
  std::vector<std::string> argv = {NodeBinary()};
  argv.insert(argv.end(), words.begin(), words.end());
  argv.push_back("--home");
  argv.push_back(home.string());
  return RunCommand(argv);
}

inline CommandResult RunHub(std::vector<std::string> words) {
  std::vector<std::string> argv = {HubBinary()};
  argv.insert(argv.end(), words.begin(), words.end());
  return RunCommand(argv);
}

struct AuditedCounty {
  TempDir dir;
  std::filesystem::path hub_home = dir.path() / "hub";
  std::filesystem::path village_a = dir.path() / "village-a";
  std::filesystem::path village_b = dir.path() / "village-b";
  std::filesystem::path township = dir.path() / "township";
  std::filesystem::path pristine = dir.path() / "pristine.db";  // a copy of the hub database

  AuditedCounty() {
    {
      Result<County> county =
          InitCounty(hub_home, kCountyCode, kCountyName, kPassphrase, kKdfInteractive);
      REQUIRE(county.ok());
      AuditEnrol(*county, village_a, kAuditVillageA, "石庙村 村委会", Role::kVillage);
      AuditEnrol(*county, village_b, kAuditVillageB, "双河村 村委会", Role::kVillage);
      AuditEnrol(*county, township, kAuditTownship, "龙蟠镇 政府", Role::kTownship);
    }
    {
      auto server = Serve();
      Publish(village_a, "石庙村2024年第一季度村务公开");
      Publish(village_a, "石庙村2024年第二季度村务公开");
      Sync(village_a, server.second);
      Publish(village_b, "双河村2024年村务公开");
      Sync(village_b, server.second);
      Sync(township, server.second);
      Stop(*server.first);
    }
    {
      Result<County> county = OpenCounty(hub_home);
      REQUIRE(county.ok());
      Result<Revocation> revoked =
          Revoke(*county, kPassphrase, NodeIdOfHome(village_b), RevocationReason::kRetired, "换机");
      INFO(revoked.status().ToString());
      REQUIRE(revoked.ok());
    }
    {
      auto server = Serve();
      Publish(village_a, "石庙村2024年第三季度村务公开");
      Sync(village_a, server.second);
      Stop(*server.first);
    }
    std::filesystem::copy_file(hub_home / "replica.db", pristine);
    // The server checkpointed and removed its write-ahead log on exit: the one file is all.
    const bool wal_empty = !std::filesystem::exists(hub_home / "replica.db-wal") ||
                           std::filesystem::file_size(hub_home / "replica.db-wal") == 0;
    REQUIRE(wal_empty);
  }

  std::string NodeIdOfHome(const std::filesystem::path& home) {
    CommandResult status = RunGongkai(home, {"status", "--json"});
    REQUIRE(status.exit_code == 0);
    return *ParseJsonObject(status.out)->StringOr("node_id", "");
  }

  std::pair<std::unique_ptr<ChildProcess>, std::string> Serve() {
    auto server = std::make_unique<ChildProcess>(std::vector<std::string>{
        HubBinary(), "serve", "--home", hub_home.string(), "--listen", "127.0.0.1:0"});
    const std::string line = server->ReadLine();
    const std::string prefix = "listening on ";
    INFO(line);
    REQUIRE(line.starts_with(prefix));
    return {std::move(server), "http://" + line.substr(prefix.size())};
  }

  static void Stop(ChildProcess& server) {
    REQUIRE(kill(server.pid(), SIGTERM) == 0);
    REQUIRE(server.Wait() == 0);
  }

  static void Publish(const std::filesystem::path& home, const std::string& title) {
    CommandResult made =
        RunGongkai(home, {"new", "--category", "affairs", "--title", title, "--period", "2024",
                          "--body", title + " 的正文", "--json"});
    INFO(made.out);
    REQUIRE(made.exit_code == 0);
    const std::string id = *ParseJsonObject(made.out)->StringOr("id", "");
    REQUIRE(RunGongkai(home, {"submit", id}).exit_code == 0);
  }

  static void Sync(const std::filesystem::path& home, const std::string& url) {
    CommandResult result = RunGongkai(home, {"sync", "--hub", url, "--json"});
    INFO(result.out);
    REQUIRE(result.exit_code == 0);
  }

  // A fresh copy of the pristine database, named `name` in the test folder.
  std::filesystem::path Copy(const std::string& name) {
    const std::filesystem::path path = dir.path() / name;
    std::filesystem::remove(path);
    std::filesystem::copy_file(pristine, path);
    return path;
  }
};

// The one county of this test process (built on first use: about a few seconds).
inline AuditedCounty& Audited() {
  static AuditedCounty county;
  return county;
}

// Runs SQL on a database file with a plain connection (no triggers dropped unless asked).
inline void Tamper(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
  SqliteDb owner(raw);
  Status s = ExecSql(raw, sql);
  INFO(s.ToString());
  REQUIRE(s.ok());
}

// Flips one byte (at `offset`) of the journal bytes of envelope `id`.
inline void FlipJournalByte(const std::filesystem::path& db, const std::string& id, size_t offset) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
  SqliteDb owner(raw);
  Result<Statement> read =
      Statement::Prepare(raw, "SELECT bytes FROM journal WHERE envelope_id = ?");
  REQUIRE(read.ok());
  read->Bind(1, id);
  REQUIRE(*read->Step());
  Bytes bytes = read->ColumnBlob(0);
  REQUIRE(offset < bytes.size());
  bytes[offset] ^= 0x01;
  Result<Statement> write =
      Statement::Prepare(raw, "UPDATE journal SET bytes = ? WHERE envelope_id = ?");
  REQUIRE(write.ok());
  write->Bind(1, ByteView(bytes)).Bind(2, id);
  REQUIRE(write->Run().ok());
}

inline std::string QueryText(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
  SqliteDb owner(raw);
  Result<Statement> stmt = Statement::Prepare(raw, sql);
  REQUIRE(stmt.ok());
  Result<bool> row = stmt->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return stmt->ColumnText(0);
}

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_HUB_AUDIT_FIXTURE_H_
