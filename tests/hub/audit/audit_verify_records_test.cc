// `audit verify` on the tables the other audit commands read beyond the synced ones:
// provenance (`audit history`), and the records of refusals (`audit alarms`, `audit stale`).
// A real hub database (audit_fixture.h) passes; each kind of tampering is named.
#include <doctest/doctest.h>

#include <string>

#include "hub/audit/audit_verify.h"
#include "hub/log/refused.h"
#include "node/replica/alarm.h"
#include "node/replica/local_schema.h"
#include "node/replica/node_key.h"
#include "protocol/envelope.h"
#include "tests/hub/audit_fixture.h"

namespace gongkai::testing {
namespace {

// The audit's findings, one line each, and the first finding's code ("" when it passed).
struct Audit {
  std::string first_code;
  std::string first_message;
  std::string all;
  uint64_t problems = 0;
};

Audit Verify(const std::filesystem::path& db) {
  Result<AuditReport> report = VerifyHubDatabase(db);
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  Audit audit;
  audit.problems = report->problem_count;
  for (const AuditFinding& f : report->problems) audit.all += f.code + " " + f.message + "\n";
  if (!report->problems.empty()) {
    audit.first_code = report->problems.front().code;
    audit.first_message = report->problems.front().message;
  }
  return audit;
}

struct Connection {
  explicit Connection(const std::filesystem::path& path) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    db.reset(raw);
  }
  Bytes JournalBytes(const std::string& where) {
    Result<Statement> read =
        Statement::Prepare(db.get(), "SELECT bytes FROM journal WHERE " + where + " LIMIT 1");
    REQUIRE(read.ok());
    Result<bool> row = read->Step();
    REQUIRE(row.ok());
    REQUIRE(*row);
    return read->ColumnBlob(0);
  }
  SqliteDb db;
};

// Village A's first envelope and a second one it signs with the same seq over another
// history: the pair an honest hub records as an equivocation alarm.
struct Equivocation {
  Bytes held;
  Bytes other;
  std::string origin;  // village A's node id
};

Equivocation MakeEquivocation(AuditedCounty& county, Connection& hub) {
  Equivocation out;
  out.held = hub.JournalBytes("region = '" + std::string(kAuditVillageA) + "' AND seq = 1");
  Result<Envelope> held = DecodeEnvelope(ByteView(out.held));
  REQUIRE(held.ok());
  out.origin = NodeIdHex(held->origin());
  Result<Bytes> changeset = OpenPayload(*held);
  REQUIRE(changeset.ok());
  Result<SecretKey> key = LoadNodeKey(county.village_a / "node.key");
  REQUIRE(key.ok());
  Result<Bytes> other = BuildEnvelope(1, Hash256{}, held->hlc() + 1, std::string(held->region()),
                                      *changeset, *key);
  REQUIRE(other.ok());
  out.other = *other;
  return out;
}

Alarm AlarmOf(const Bytes& held, const Bytes& other, const std::string& origin, int64_t seq) {
  Alarm alarm;
  alarm.kind = kAlarmEquivocation;
  alarm.origin = origin;
  alarm.seq = seq;
  alarm.held_envelope_id = HashHex(Sha256(held));
  alarm.held_bytes = held;
  alarm.other_envelope_id = HashHex(Sha256(other));
  alarm.other_bytes = other;
  alarm.source = "hub";
  alarm.raised_at = WallClockMs();
  alarm.message = "序号重复";
  return alarm;
}

TEST_CASE("a deleted provenance row is named: audit history would leave its row out") {
  AuditedCounty& county = Audited();
  const std::filesystem::path db = county.Copy("provenance-deleted.db");
  const std::string version =
      QueryText(db, "SELECT version_id FROM disclosure_version WHERE region = '" +
                        std::string(kAuditVillageA) + "' ORDER BY version_id LIMIT 1");
  Tamper(db, "DELETE FROM provenance WHERE tbl = 'disclosure_version' AND pk = '" + version + "'");
  Audit audit = Verify(db);
  INFO(audit.all);
  CHECK(audit.problems == 1);
  CHECK(audit.first_code == kAuditProvenance);
  CHECK(audit.first_message.find(version) != std::string::npos);
}

TEST_CASE("a provenance row naming another envelope is named") {
  AuditedCounty& county = Audited();
  const std::filesystem::path db = county.Copy("provenance-moved.db");
  const std::string version =
      QueryText(db, "SELECT version_id FROM disclosure_version WHERE region = '" +
                        std::string(kAuditVillageA) + "' ORDER BY version_id LIMIT 1");
  const std::string other_envelope =
      QueryText(db, "SELECT envelope_id FROM journal WHERE region = '" +
                        std::string(kAuditVillageB) + "' LIMIT 1");
  Tamper(db, "UPDATE provenance SET envelope_id = '" + other_envelope +
                 "' WHERE tbl = 'disclosure_version' AND pk = '" + version + "'");
  Audit audit = Verify(db);
  INFO(audit.all);
  CHECK(audit.problems == 1);
  CHECK(audit.first_code == kAuditProvenance);
  CHECK(audit.first_message.find(other_envelope) != std::string::npos);
}

TEST_CASE("a genuine equivocation alarm passes; a forged or altered one is named") {
  AuditedCounty& county = Audited();
  const std::filesystem::path db = county.Copy("alarm.db");
  std::string origin;
  {
    Connection hub(db);
    Equivocation e = MakeEquivocation(county, hub);
    origin = e.origin;
    REQUIRE(RecordAlarm(hub.db.get(), AlarmOf(e.held, e.other, origin, 1)).ok());
  }
  {
    Audit genuine = Verify(db);
    INFO(genuine.all);
    CHECK(genuine.problems == 0);
  }

  SUBCASE("an alarm accusing village A with village B's envelope") {
    Connection hub(db);
    Bytes a = hub.JournalBytes("region = '" + std::string(kAuditVillageA) + "' AND seq = 1");
    Bytes b = hub.JournalBytes("region = '" + std::string(kAuditVillageB) + "' AND seq = 1");
    REQUIRE(RecordAlarm(hub.db.get(), AlarmOf(a, b, origin, 1)).ok());
  }
  SUBCASE("an alarm pairing two of village A's honest envelopes far apart in its chain") {
    Connection hub(db);
    Bytes first = hub.JournalBytes("region = '" + std::string(kAuditVillageA) + "' AND seq = 1");
    Bytes later = hub.JournalBytes("region = '" + std::string(kAuditVillageA) + "' AND seq = 3");
    REQUIRE(RecordAlarm(hub.db.get(), AlarmOf(first, later, origin, 3)).ok());
  }
  SUBCASE("the genuine alarm's stored bytes altered") {
    Tamper(db, "UPDATE alarm SET other_bytes = CAST(zeroblob(10) AS BLOB)");
  }
  Audit audit = Verify(db);
  INFO(audit.all);
  CHECK(audit.problems == 1);
  CHECK(audit.first_code == kAuditAlarmRecord);
  CHECK(audit.first_message.find(origin) != std::string::npos);
}

TEST_CASE("a refused-envelope record passes; one that disagrees with its bytes is named") {
  AuditedCounty& county = Audited();
  const std::filesystem::path db = county.Copy("refused.db");
  {
    Connection hub(db);
    Equivocation e = MakeEquivocation(county, hub);
    Result<int64_t> recorded = RecordRefused(
        hub.db.get(), ByteView(e.other), "511304100201",
        Status::Conflict("chain.equivocation", "序号重复"), WallClockMs());
    REQUIRE(recorded.ok());
    Result<int64_t> junk = RecordRefused(hub.db.get(), ByteView(Bytes(100, 7)), "bundle:u盘",
                                         Status::Invalid("envelope.decode", "不是信封"),
                                         WallClockMs());
    REQUIRE(junk.ok());
  }
  {
    Audit honest = Verify(db);
    INFO(honest.all);
    CHECK(honest.problems == 0);
  }
  SUBCASE("the recorded seq changed") {
    Tamper(db, "UPDATE refused_envelope SET seq = seq + 5 WHERE origin IS NOT NULL");
  }
  SUBCASE("the recorded hash changed") {
    Tamper(db, "UPDATE refused_envelope SET bytes_hash = '" + std::string(64, '0') +
                   "' WHERE origin IS NULL");
  }
  SUBCASE("the kept bytes cut short") {
    Tamper(db, "UPDATE refused_envelope SET bytes = substr(bytes, 1, 10) WHERE origin IS NULL");
  }
  Audit audit = Verify(db);
  INFO(audit.all);
  CHECK(audit.problems == 1);
  CHECK(audit.first_code == kAuditRefusedRecord);
}

}  // namespace
}  // namespace gongkai::testing
