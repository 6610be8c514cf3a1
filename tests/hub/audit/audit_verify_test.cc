// `gongkai-hub audit verify` on a hub database made by a real end-to-end run (audit_fixture.h):
// the untouched copy passes; every kind of tampering fails and names the entry.
#include "hub/audit/audit_verify.h"

#include <doctest/doctest.h>

#include <string>

#include "tests/hub/audit_fixture.h"
#include "hub/audit/audit_database.h"
#include "protocol/certificate.h"

namespace gongkai::testing {
namespace {

struct Verdict {
  int exit_code = -1;
  JsonValue json;
  const JsonValue* first = nullptr;

  std::string FirstCode() const { return first ? *first->StringOr("code", "") : ""; }
  int64_t FirstIndex() const { return first ? *first->IntegerOr("log_index", -1) : -2; }
  std::string FirstEnvelope() const { return first ? *first->StringOr("envelope_id", "") : ""; }
  int64_t Problems() const { return *json.IntegerOr("problem_count", -1); }
};

Verdict AuditCommand(const std::filesystem::path& db) {
  CommandResult result = RunHub({"audit", "verify", "--db", db.string(), "--json"});
  INFO(result.out);
  Verdict verdict;
  verdict.exit_code = result.exit_code;
  Result<JsonValue> json = ParseJsonObject(result.out);
  REQUIRE(json.ok());
  verdict.json = *json;
  verdict.first = verdict.json.Find("first");
  return verdict;
}

// A logged envelope a village pushed (it has a receipt): (index, id), the n-th such.
std::pair<int64_t, std::string> ReceiptedEntry(const std::filesystem::path& db, int n) {
  const std::string sql =
      "SELECT e.idx || ' ' || e.envelope_id FROM log_entry e JOIN log_receipt r USING(envelope_id)"
      " ORDER BY e.idx LIMIT 1 OFFSET " +
      std::to_string(n);
  const std::string row = QueryText(db, sql);
  const size_t space = row.find(' ');
  return {std::stoll(row.substr(0, space)), row.substr(space + 1)};
}

TEST_CASE("the untouched hub database passes, through the library and the command") {
  AuditedCounty& county = Audited();
  Result<AuditReport> report = VerifyHubDatabase(county.Copy("untouched.db"));
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  std::string problems;
  for (const AuditFinding& f : report->problems) problems += f.code + " " + f.message + "\n";
  INFO(problems);
  CHECK(report->ok());
  CHECK(report->problem_count == 0);
  CHECK(report->log_size >= 8);  // 4 certificates, 4 versions, a revocation
  CHECK(report->journal_envelopes == report->log_size);
  CHECK(report->checkpoints >= 2);
  CHECK(report->receipts >= 4);
  CHECK(report->replica_rows > 0);
  CHECK(report->replica_digest == report->rebuilt_digest);
  CHECK(report->county == kCountyCode);

  Verdict verdict = AuditCommand(county.Copy("untouched-command.db"));
  CHECK(verdict.exit_code == 0);
  CHECK(verdict.Problems() == 0);
  CHECK(verdict.first == nullptr);

  // --home also checks root.key and hub.key against the replica.
  CommandResult home = RunHub({"audit", "verify", "--home", county.hub_home.string()});
  INFO(home.out);
  CHECK(home.exit_code == 0);
  CHECK(home.out.find("核对通过") != std::string::npos);
}

TEST_CASE("one changed byte of a stored envelope is named by its log index") {
  AuditedCounty& county = Audited();
  const std::filesystem::path db = county.Copy("byte.db");
  auto [index, id] = ReceiptedEntry(db, 1);
  // The journal is node-local: no trigger guards it. Byte 40 lies in the header.
  FlipJournalByte(db, id, 40);
  Verdict verdict = AuditCommand(db);
  CHECK(verdict.exit_code == 1);
  CHECK(verdict.FirstCode() == kAuditEnvelopeHash);
  CHECK(verdict.FirstIndex() == index);
  CHECK(verdict.FirstEnvelope() == id);
}

TEST_CASE("a deleted log entry is named") {
  AuditedCounty& county = Audited();
  const std::filesystem::path db = county.Copy("deleted.db");
  auto [index, id] = ReceiptedEntry(db, 1);
  Tamper(db, "DELETE FROM log_receipt WHERE envelope_id = '" + id +
                 "';"
                 "DELETE FROM log_entry WHERE idx = " +
                 std::to_string(index));
  Verdict verdict = AuditCommand(db);
  CHECK(verdict.exit_code == 1);
  CHECK(verdict.FirstCode() == kAuditLogGap);
  CHECK(verdict.FirstIndex() == index);
  CHECK(verdict.Problems() > 1);  // the tree, the checkpoints and the journal disagree too
}

TEST_CASE("two log entries swapped are named at the first of them") {
  AuditedCounty& county = Audited();
  const std::filesystem::path db = county.Copy("swapped.db");
  auto [a, id_a] = ReceiptedEntry(db, 0);
  auto [b, id_b] = ReceiptedEntry(db, 2);
  const std::string sa = std::to_string(a), sb = std::to_string(b);
  Tamper(db, "UPDATE log_entry SET idx = 1000000 WHERE idx = " + sa +
                 ";"
                 "UPDATE log_entry SET idx = " +
                 sa + " WHERE idx = " + sb +
                 ";"
                 "UPDATE log_entry SET idx = " +
                 sb + " WHERE idx = 1000000;");
  Verdict verdict = AuditCommand(db);
  CHECK(verdict.exit_code == 1);
  CHECK(verdict.FirstIndex() == a);
  const std::string code = verdict.FirstCode();
  CHECK((code == kAuditReceipt || code == kAuditSubtree));
}

TEST_CASE("an altered replica row is named with the envelope that wrote it") {
  AuditedCounty& county = Audited();
  const std::filesystem::path db = county.Copy("row.db");
  const std::string version =
      QueryText(db, "SELECT version_id FROM disclosure_version WHERE region = '" +
                        std::string(kAuditVillageA) + "' ORDER BY version_id LIMIT 1");
  Tamper(db,
         "DROP TRIGGER disclosure_version_no_update;"
         "UPDATE disclosure_version SET title = '改过的标题' WHERE version_id = '" +
             version + "'");
  Verdict verdict = AuditCommand(db);
  CHECK(verdict.exit_code == 1);
  CHECK(verdict.FirstCode() == kAuditReplicaRow);
  REQUIRE(verdict.first != nullptr);
  CHECK(*verdict.first->StringOr("message", "") != "");
  CHECK(verdict.first->StringOr("message", "")->find(version) != std::string::npos);
  CHECK(verdict.FirstIndex() >= 0);
  CHECK(verdict.FirstEnvelope().size() == 64);
}

TEST_CASE("a certificate swapped for one under another root is named") {
  AuditedCounty& county = Audited();
  const std::filesystem::path db = county.Copy("certificate.db");
  const std::string node = county.NodeIdOfHome(county.village_a);
  // The same enrolment, signed by a root that is not this county's.
  Bytes forged;
  {
    Result<SqliteDb> opened = OpenHubDatabaseReadOnly(db);
    REQUIRE(opened.ok());
    Result<HubIdentity> identity = ReadHubIdentity(opened->get());
    REQUIRE(identity.ok());
    Result<Statement> body =
        Statement::Prepare(opened->get(), "SELECT body FROM certificate WHERE node_id = ?");
    REQUIRE(body.ok());
    body->Bind(1, node);
    REQUIRE(*body->Step());
    Result<Certificate> cert = OpenCertificate(body->ColumnBlob(0), identity->node.root_public_key);
    REQUIRE(cert.ok());
    const SecretKey other_root = SecretKey::Generate();
    Result<Bytes> signed_by_other = SignCertificate(*cert, other_root);
    REQUIRE(signed_by_other.ok());
    forged = *signed_by_other;
  }
  Tamper(db,
         "DROP TRIGGER certificate_no_update;"
         "UPDATE certificate SET body = x'" +
             HexEncode(forged) + "' WHERE node_id = '" + node + "'");
  Verdict verdict = AuditCommand(db);
  CHECK(verdict.exit_code == 1);
  CHECK(verdict.FirstCode() == kAuditCertificateRow);
  REQUIRE(verdict.first != nullptr);
  CHECK(verdict.first->StringOr("message", "")->find(node) != std::string::npos);
}

TEST_CASE("a log rolled back to an earlier checkpoint is named") {
  AuditedCounty& county = Audited();
  const std::filesystem::path db = county.Copy("rollback.db");
  const std::string size =
      QueryText(db, "SELECT size FROM log_checkpoint WHERE size > 0 ORDER BY size LIMIT 1");
  const std::string total = QueryText(db, "SELECT count(*) FROM log_entry");
  REQUIRE(std::stoll(size) < std::stoll(total));
  const std::string cut_id = QueryText(db, "SELECT envelope_id FROM log_entry WHERE idx = " + size);
  // What a careful operator would do to hide the later entries: the log, its hashes, its
  // checkpoints and its receipts are cut back consistently.
  Tamper(db, "DELETE FROM log_receipt WHERE log_index >= " + size + " OR tree_size > " + size +
                 ";"
                 "DELETE FROM log_entry WHERE idx >= " +
                 size +
                 ";"
                 "DELETE FROM log_checkpoint WHERE size > " +
                 size +
                 ";"
                 "DELETE FROM log_subtree WHERE position >= (" +
                 size + " >> level);");
  Verdict verdict = AuditCommand(db);
  CHECK(verdict.exit_code == 1);
  CHECK(verdict.FirstCode() == kAuditNotLogged);
  CHECK(verdict.FirstEnvelope() == cut_id);
}

TEST_CASE("a stale checkpoint beyond a shortened log is named") {
  AuditedCounty& county = Audited();
  const std::filesystem::path db = county.Copy("beyond.db");
  const std::string last = QueryText(db, "SELECT max(idx) FROM log_entry");
  Tamper(db, "DELETE FROM log_receipt WHERE log_index = " + last +
                 ";"
                 "DELETE FROM log_entry WHERE idx = " +
                 last);
  Result<AuditReport> report = VerifyHubDatabase(db);
  REQUIRE(report.ok());
  CHECK(!report->ok());
  CHECK(report->problems_by_code.count(kAuditCheckpointBeyond) == 1);
  CHECK(report->problems_by_code.count(kAuditNotLogged) == 1);
}

TEST_CASE("what is not a hub database is refused, not audited") {
  AuditedCounty& county = Audited();
  CHECK(VerifyHubDatabase(county.dir.path() / "absent.db").status().code() == kErrAuditOpen);
  CommandResult missing =
      RunHub({"audit", "verify", "--db", (county.dir.path() / "absent.db").string()});
  CHECK(missing.exit_code == 1);
  // A village replica has no log tables.
  CHECK(VerifyHubDatabase(county.village_a / "replica.db").status().code() == kErrAuditOpen);
  // A hub database whose identity is not a county's under its root.
  const std::filesystem::path db = county.Copy("identity.db");
  Tamper(db, "UPDATE settings SET value = CAST('village' AS BLOB) WHERE key = 'role'");
  CHECK(VerifyHubDatabase(db).status().code() == kErrAuditIdentity);
  // --db and --home together are a usage error.
  CHECK(RunHub({"audit", "verify", "--db", db.string(), "--home", county.hub_home.string()})
            .exit_code == 2);
}

TEST_CASE("audit verify --home on a serving hub, while a village syncs, passes") {
  AuditedCounty& county = Audited();
  auto server = county.Serve();
  AuditedCounty::Publish(county.village_a, "石庙村2024年第四季度村务公开");
  // The audit reads one snapshot in one read transaction, whatever the server commits meanwhile.
  ChildProcess audit({HubBinary(), "audit", "verify", "--home", county.hub_home.string(), "--json"});
  AuditedCounty::Sync(county.village_a, server.second);
  const std::string out = audit.ReadAll();
  INFO(out);
  CHECK(audit.Wait() == 0);
  AuditedCounty::Stop(*server.first);
  CommandResult after = RunHub({"audit", "verify", "--home", county.hub_home.string()});
  INFO(after.out);
  CHECK(after.exit_code == 0);
}

}  // namespace
}  // namespace gongkai::testing
