#include "node/replica/apply.h"

#include <doctest/doctest.h>

#include "node/replica/alarm.h"
#include "node/replica/changeset_rows.h"
#include "node/replica/local_schema.h"
#include "node/replica_fixture.h"
#include "protocol/chain.h"
#include "protocol/envelope.h"
#include "protocol/inspect.h"
#include "protocol/schema.h"

namespace gongkai {
namespace {

using testing::InsertVersion;
using testing::kCounty;
using testing::kSiblingVillage;
using testing::kTownship;
using testing::kVillage;
using testing::TestCounty;
using testing::TestNode;

CaptureWrites Version(std::string region, std::string id) {
  return [region, id](sqlite3* db, const CaptureStamp& s) {
    return InsertVersion(db, s, region, id, "标题 " + id);
  };
}

// A changeset made on a scratch database with the synced tables but no triggers.
Bytes ScratchChangeset(const std::string& before, const std::string& recorded) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
  SqliteDb db(raw);
  for (const TableSpec& table : SyncedTables()) {
    REQUIRE(ExecSql(db.get(), CreateTableSql(table)).ok());
  }
  if (!before.empty()) REQUIRE(ExecSql(db.get(), before).ok());
  sqlite3_session* session_raw = nullptr;
  REQUIRE(sqlite3session_create(db.get(), "main", &session_raw) == SQLITE_OK);
  SqliteSession session(session_raw);
  REQUIRE(sqlite3session_attach(session.get(), nullptr) == SQLITE_OK);
  auto status = ExecSql(db.get(), recorded);
  INFO(status.ToString());
  REQUIRE(status.ok());
  int size = 0;
  void* data = nullptr;
  REQUIRE(sqlite3session_changeset(session.get(), &size, &data) == SQLITE_OK);
  return SqliteBuffer(data, size).ToBytes();
}

std::string VersionRow(const std::string& id, const std::string& origin,
                       const std::string& region) {
  return "INSERT INTO disclosure_version VALUES('" + id +
         "', 'd', '', 'affairs', 't', 'p', 'b', "
         "'', '', 0, '', 'a', '" +
         origin + "', 1, '" + region + "')";
}

TEST_CASE("capture on one replica, apply on another: same digest; twice changes nothing") {
  TestCounty c;
  auto captured = c.village->Write(Version(kVillage, "v1"));
  REQUIRE(captured.ok());
  auto& t = *c.township;
  auto applied = t.Receive(captured->bytes, "bundle:usb");
  INFO(applied.status().ToString());
  REQUIRE(applied.ok());
  CHECK(applied->outcome == ApplyOutcome::kApplied);
  CHECK(applied->rows_inserted == 1);
  CHECK(applied->id == captured->id);
  CHECK(t.Digest(kVillage) == c.village->Digest(kVillage));
  CHECK(t.Digest(kCounty) == c.village->Digest(kCounty));

  int64_t journal = t.JournalCount();
  auto digest = t.Digest(kCounty);
  auto again = t.Receive(captured->bytes);
  REQUIRE(again.ok());
  CHECK(again->outcome == ApplyOutcome::kDuplicate);
  CHECK(t.JournalCount() == journal);
  CHECK(t.Digest(kCounty) == digest);
  // The sender itself holds it already.
  auto own = c.village->Receive(captured->bytes);
  REQUIRE(own.ok());
  CHECK(own->outcome == ApplyOutcome::kDuplicate);
}

TEST_CASE("a tampered envelope is refused and the replica is unchanged") {
  TestCounty c;
  auto captured = c.village->Write(Version(kVillage, "v1"));
  REQUIRE(captured.ok());
  auto& t = *c.township;
  auto digest = t.Digest(kCounty);
  int64_t journal = t.JournalCount();
  Bytes bytes = captured->bytes;
  SUBCASE("a payload byte") { bytes[bytes.size() - kSignatureSize - 3] ^= 0x01; }
  SUBCASE("a signature byte") { bytes.back() ^= 0x80; }
  SUBCASE("the hlc") { bytes[kEnvelopeRegionOffset - 1] ^= 0x01; }
  auto refused = t.Receive(bytes);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrEnvelopeSignature);
  CHECK(t.Digest(kCounty) == digest);
  CHECK(t.JournalCount() == journal);
}

TEST_CASE("an oversized or truncated envelope is refused before anything else") {
  TestCounty c;
  Bytes big(kMaxEnvelopeSize + 1, 0);
  auto refused = c.township->Receive(big);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrEnvelopeTooLarge);
  auto captured = c.village->Write(Version(kVillage, "v1"));
  REQUIRE(captured.ok());
  Bytes cut(captured->bytes.begin(), captured->bytes.end() - 1);
  auto truncated = c.township->Receive(cut);
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.status().code() == kErrEnvelopeTruncated);
}

TEST_CASE("equivocation is refused and recorded as an alarm with both envelopes") {
  TestCounty c;
  auto& v = *c.village;
  auto first = v.Write(Version(kVillage, "v1"));
  REQUIRE(first.ok());
  auto decoded = DecodeEnvelope(ByteView(first->bytes));
  REQUIRE(decoded.ok());
  auto changeset = OpenPayload(*decoded);
  REQUIRE(changeset.ok());
  // The same seq signed again over another history.
  auto other = BuildEnvelope(1, Hash256{}, first->hlc + 1, kVillage, *changeset, v.key);
  REQUIRE(other.ok());

  auto& t = *c.township;
  REQUIRE(t.Receive(first->bytes).ok());
  auto digest = t.Digest(kCounty);
  auto refused = t.Receive(*other, "bundle:stick");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrChainEquivocation);
  CHECK(t.Digest(kCounty) == digest);
  auto alarms = ListAlarms(t.db());
  REQUIRE(alarms.ok());
  REQUIRE(alarms->size() == 1);
  const Alarm& alarm = alarms->front();
  CHECK(alarm.kind == kAlarmEquivocation);
  CHECK(alarm.origin == v.id());
  CHECK(alarm.held_bytes == first->bytes);
  CHECK(alarm.other_bytes == *other);
  CHECK(alarm.source == "bundle:stick");

  SUBCASE("a broken link from the other history is refused and recorded too") {
    auto next = BuildEnvelope(2, Sha256(*other), first->hlc + 2, kVillage, *changeset, v.key);
    REQUIRE(next.ok());
    auto broken = t.Receive(*next);
    REQUIRE_FALSE(broken.ok());
    CHECK(broken.status().code() == kErrChainBrokenLink);
    auto more = ListAlarms(t.db());
    REQUIRE(more.ok());
    REQUIRE(more->size() == 2);
    CHECK((*more)[1].kind == kAlarmBrokenLink);
    CHECK((*more)[1].held_bytes == first->bytes);
  }
}

TEST_CASE("an alarm raised inside a batch outlives the batch's rollback") {
  TestCounty c;
  auto& v = *c.village;
  auto first = v.Write(Version(kVillage, "v1"));
  REQUIRE(first.ok());
  auto decoded = DecodeEnvelope(ByteView(first->bytes));
  REQUIRE(decoded.ok());
  auto changeset = OpenPayload(*decoded);
  REQUIRE(changeset.ok());
  auto other = BuildEnvelope(1, Hash256{}, first->hlc + 1, kVillage, *changeset, v.key);
  REQUIRE(other.ok());
  auto& t = *c.township;
  REQUIRE(t.Receive(first->bytes).ok());
  const int64_t versions = t.Count("disclosure_version");

  {
    // A caller's batch: the refused envelope, then a later failure undoes the batch.
    auto batch = Transaction::Begin(t.db());
    REQUIRE(batch.ok());
    CHECK_FALSE(batch->nested());
    auto refused = t.Receive(*other, "hub");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == kErrChainEquivocation);
    SUBCASE("rolled back") { REQUIRE(batch->Rollback().ok()); }
    SUBCASE("destroyed without a commit") {}
    SUBCASE("committed") { REQUIRE(batch->Commit().ok()); }
  }
  CHECK(sqlite3_get_autocommit(t.db()) != 0);
  auto alarms = ListAlarms(t.db());
  REQUIRE(alarms.ok());
  REQUIRE(alarms->size() == 1);
  CHECK(alarms->front().kind == kAlarmEquivocation);
  CHECK(alarms->front().other_bytes == *other);
  CHECK(alarms->front().source == "hub");
  CHECK(t.Count("disclosure_version") == versions);

  // The next batch on the connection starts with nothing waiting: it writes no alarm again.
  REQUIRE(ExecSql(t.db(), "DELETE FROM alarm").ok());
  {
    auto next = Transaction::Begin(t.db());
    REQUIRE(next.ok());
    REQUIRE(next->Commit().ok());
  }
  CHECK(t.Count("alarm") == 0);
}

TEST_CASE("an identical row from a second envelope is omitted, the envelope kept") {
  TestCounty c;
  auto& v = *c.village;
  auto first = v.Write(Version(kVillage, "v1"));
  REQUIRE(first.ok());
  auto decoded = DecodeEnvelope(ByteView(first->bytes));
  REQUIRE(decoded.ok());
  auto changeset = OpenPayload(*decoded);
  REQUIRE(changeset.ok());
  auto second = BuildEnvelope(2, first->id, first->hlc + 1, kVillage, *changeset, v.key);
  REQUIRE(second.ok());
  auto& t = *c.township;
  REQUIRE(t.Receive(first->bytes).ok());
  auto applied = t.Receive(*second);
  INFO(applied.status().ToString());
  REQUIRE(applied.ok());
  CHECK(applied->outcome == ApplyOutcome::kApplied);
  CHECK(applied->rows_inserted == 0);
  CHECK(t.Count("disclosure_version") == 1);
}

TEST_CASE("the same key with other content is refused") {
  TestCounty c;
  auto mine = c.village->Write(Version(kVillage, "shared"));
  auto theirs = c.county->Write(Version(kCounty, "shared"));
  REQUIRE(mine.ok());
  REQUIRE(theirs.ok());
  auto& t = *c.township;
  REQUIRE(t.Receive(mine->bytes).ok());
  int64_t journal = t.JournalCount();
  auto refused = t.Receive(theirs->bytes);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrApplyRowConflict);
  CHECK(refused.status().kind() == StatusKind::kConflict);
  CHECK(t.JournalCount() == journal);
}

TEST_CASE("an envelope carrying an UPDATE is refused") {
  TestCounty c;
  auto& v = *c.village;
  Bytes changeset =
      ScratchChangeset(VersionRow("v1", v.id(), kVillage),
                       "UPDATE disclosure_version SET title='改' WHERE version_id='v1'");
  auto envelope = BuildEnvelope(1, Hash256{}, 5, kVillage, changeset, v.key);
  REQUIRE(envelope.ok());
  auto refused = c.township->Receive(*envelope);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrInspectUpdate);
  CHECK(c.township->JournalCount() == 1);
}

TEST_CASE("rows for another village are refused") {
  TestCounty c;
  auto& sibling = *c.sibling;
  Bytes changeset = ScratchChangeset("", VersionRow("v1", sibling.id(), kVillage));
  auto envelope = BuildEnvelope(1, Hash256{}, 5, kVillage, changeset, sibling.key);
  REQUIRE(envelope.ok());
  auto refused = c.township->Receive(*envelope);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrInspectScope);
  CHECK(c.township->Count("disclosure_version") == 0);
}

TEST_CASE("read scope: a village skips its sibling's envelope, the township keeps it") {
  TestCounty c;
  auto captured = c.sibling->Write(Version(kSiblingVillage, "s1"));
  REQUIRE(captured.ok());
  auto skipped = c.village->Receive(captured->bytes);
  REQUIRE(skipped.ok());
  CHECK(skipped->outcome == ApplyOutcome::kOutOfScope);
  CHECK(c.village->JournalCount() == 1);
  auto kept = c.township->Receive(captured->bytes);
  REQUIRE(kept.ok());
  CHECK(kept->outcome == ApplyOutcome::kApplied);
  // An ancestor's envelope reaches the village.
  auto county_row = c.county->Write(Version(kCounty, "c1"));
  REQUIRE(county_row.ok());
  auto reached = c.village->Receive(county_row->bytes);
  REQUIRE(reached.ok());
  CHECK(reached->outcome == ApplyOutcome::kApplied);
}

TEST_CASE("an unknown signer is refused") {
  TestCounty c;
  TestCounty elsewhere;  // another root: its certificates mean nothing here
  auto captured = elsewhere.village->Write(Version(kVillage, "v1"));
  REQUIRE(captured.ok());
  auto refused = c.township->Receive(captured->bytes);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrApplyUnknownSigner);
}

TEST_CASE("a revoked signer's new envelopes are refused; held ones stay duplicates") {
  TestCounty c;
  auto held = c.sibling->Write(Version(kSiblingVillage, "s1"));
  REQUIRE(held.ok());
  REQUIRE(c.township->Receive(held->bytes).ok());
  Revocation revocation;
  revocation.subject = c.sibling->key.node_id();
  revocation.reason = RevocationReason::kCompromised;
  revocation.revoked_hlc = 7;
  revocation.note = "电脑丢失";
  auto body = SignRevocation(revocation, c.root);
  REQUIRE(body.ok());
  auto revoked = c.county->Write([&](sqlite3* db, const CaptureStamp& s) -> Status {
    GK_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db, "INSERT INTO revocation VALUES(?, ?, 'compromised', ?, ?, ?, ?)"));
    stmt.Bind(1, HashHex(Sha256(*body)))
        .Bind(2, c.sibling->id())
        .Bind(3, ByteView(*body))
        .Bind(4, s.origin)
        .Bind(5, static_cast<int64_t>(s.hlc))
        .Bind(6, kCounty);
    return stmt.Run();
  });
  REQUIRE(revoked.ok());
  REQUIRE(c.township->Receive(revoked->bytes).ok());
  auto later = c.sibling->Write(Version(kSiblingVillage, "s2"));
  REQUIRE(later.ok());
  auto refused = c.township->Receive(later->bytes);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrApplyRevoked);
  auto again = c.township->Receive(held->bytes);
  REQUIRE(again.ok());
  CHECK(again->outcome == ApplyOutcome::kDuplicate);
}

TEST_CASE("a certificate row that does not match its body is refused") {
  TestCounty c;
  auto forged = c.county->Write([&](sqlite3* db, const CaptureStamp& s) -> Status {
    auto cert = OpenCertificate(c.village->certificate, c.root.public_key());
    if (!cert.ok()) return cert.status();
    GK_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(
            db,
            "INSERT INTO certificate VALUES('00000000000000000000000000000000', ?, 'village', ?, "
            "'冒名', ?, ?, ?, ?)"));
    stmt.Bind(1, ByteView(cert->subject_key))
        .Bind(2, kVillage)
        .Bind(3, ByteView(c.village->certificate))
        .Bind(4, s.origin)
        .Bind(5, static_cast<int64_t>(s.hlc))
        .Bind(6, kCounty);
    return stmt.Run();
  });
  REQUIRE(forged.ok());
  auto refused = c.township->Receive(forged->bytes);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrApplyCertificateRow);
}

// Apply keeps its statements prepared on the replica's connection; none may be left running
// (a half-stepped read keeps a snapshot open and blocks checkpoints).
int RunningStatements(sqlite3* db) {
  int running = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s != nullptr;
       s = sqlite3_next_stmt(db, s)) {
    if (sqlite3_stmt_busy(s)) ++running;
  }
  return running;
}

TEST_CASE("apply leaves no statement running, whether it applies, skips or refuses") {
  TestCounty c;
  TestCounty elsewhere;
  auto& t = *c.township;
  const int64_t held = t.JournalCount();
  auto first = c.village->Write(Version(kVillage, "v1"));
  auto second = c.village->Write(Version(kVillage, "v2"));
  auto stranger = elsewhere.village->Write(Version(kVillage, "x1"));
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  REQUIRE(stranger.ok());
  REQUIRE(t.Receive(first->bytes).ok());
  CHECK(RunningStatements(t.db()) == 0);
  CHECK(t.Receive(first->bytes)->outcome == ApplyOutcome::kDuplicate);
  CHECK(RunningStatements(t.db()) == 0);
  CHECK(t.Receive(stranger->bytes).status().code() == kErrApplyUnknownSigner);
  CHECK(RunningStatements(t.db()) == 0);
  // The statements are reused with new bindings: the second envelope is judged on its own.
  auto applied = t.Receive(second->bytes);
  REQUIRE(applied.ok());
  CHECK(applied->outcome == ApplyOutcome::kApplied);
  CHECK(applied->id == second->id);
  CHECK(RunningStatements(t.db()) == 0);
  CHECK(t.JournalCount() == held + 2);
}

TEST_CASE("a local table narrower than the changeset is refused, not skipped") {
  TestCounty c;
  // An earlier envelope has the statements that read the table's shape prepared already: the
  // changed table must still be seen.
  auto earlier = c.village->Write(Version(kVillage, "v0"));
  auto captured = c.village->Write(Version(kVillage, "v1"));
  REQUIRE(earlier.ok());
  REQUIRE(captured.ok());
  auto& t = *c.township;
  REQUIRE(t.Receive(earlier->bytes).ok());
  REQUIRE(ExecSql(t.db(),
                  "DROP TABLE disclosure_version;"
                  "CREATE TABLE disclosure_version(version_id TEXT PRIMARY KEY, x TEXT)")
              .ok());
  auto refused = t.Receive(captured->bytes);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrSchemaMismatch);
  CHECK(t.JournalCount() == 2);
}

}  // namespace
}  // namespace gongkai
