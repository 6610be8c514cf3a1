#include "hub/log/log_store.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "node/replica/journal.h"
#include "node/replica/sql.h"
#include "protocol/merkle.h"
#include "protocol/receipt.h"
#include "tests/hub/log_fixture.h"

namespace gongkai {
namespace {

using testing::HubFixture;

int64_t Count(sqlite3* db, const std::string& table) {
  auto n = QueryInt(db, "SELECT count(*) FROM " + table);
  REQUIRE(n.ok());
  return n->value_or(-1);
}

TEST_CASE("entries are stored with their leaf hash, time and index, found by both") {
  HubFixture hub;
  MerkleTree tree;
  const std::vector<Hash256> ids = hub.AppendMany(5, &tree);
  LogStore store(hub.db());
  auto at = store.EntryAt(3);
  REQUIRE(at.ok());
  REQUIRE(at->has_value());
  CHECK((*at)->envelope_id == ids[3]);
  CHECK((*at)->leaf_hash == EnvelopeLeafHash(ids[3]));
  CHECK((*at)->received_at == testing::kHubWallMs + 4);
  CHECK(*store.EntryOf(ids[3]) == *at);
  CHECK_FALSE(store.EntryAt(5)->has_value());
  CHECK_FALSE(store.EntryAt(uint64_t{1} << 63)->has_value());
  CHECK_FALSE(store.EntryOf(Sha256("x"))->has_value());
  // The id as text, like the journal's, so that the two join.
  CHECK(QueryInt(hub.db(), "SELECT count(*) FROM log_entry l JOIN journal j USING(envelope_id)")
            ->value_or(-1) == 5);
  // Four entries complete subtrees (0,1) -> (1,0); (2,3) -> (1,1) and (2,0).
  CHECK(Count(hub.db(), "log_subtree") == 3);
}

TEST_CASE("log.not_journaled: only envelopes whose bytes the hub holds are logged") {
  HubFixture hub;
  const Envelope loose = hub.NextEnvelope();
  Status s = AppendToLog(hub.db(), loose.id(), 1).status();
  CHECK(s.code() == kErrLogNotJournaled);
  CHECK(s.kind() == StatusKind::kNotFound);
  CHECK(Count(hub.db(), "log_entry") == 0);
}

TEST_CASE("Append inside the caller's transaction commits or rolls back with it") {
  HubFixture hub;
  sqlite3* db = hub.db();
  SUBCASE("rolled back: neither journal row nor entry") {
    {
      auto tx = Transaction::Begin(db);
      REQUIRE(tx.ok());
      const Envelope e = hub.NextEnvelope();
      REQUIRE(InsertJournal(db, e, 1, "test", kJournalApplied).ok());
      auto appended = AppendToLog(db, e.id(), 1);
      REQUIRE(appended.ok());
      CHECK(appended->entry.index == 0);
      CHECK_FALSE(sqlite3_get_autocommit(db));  // still the caller's transaction
    }
    CHECK(Count(db, "journal") == 0);
    CHECK(Count(db, "log_entry") == 0);
  }
  SUBCASE("committed: both") {
    auto tx = Transaction::Begin(db);
    REQUIRE(tx.ok());
    const Envelope e = hub.NextEnvelope();
    REQUIRE(InsertJournal(db, e, 1, "test", kJournalApplied).ok());
    REQUIRE(AppendToLog(db, e.id(), 1).ok());
    REQUIRE(tx->Commit().ok());
    CHECK(Count(db, "journal") == 1);
    CHECK(Count(db, "log_entry") == 1);
  }
  SUBCASE("a failed append leaves the caller's earlier writes in place") {
    auto tx = Transaction::Begin(db);
    REQUIRE(tx.ok());
    const Envelope e = hub.NextEnvelope();
    REQUIRE(InsertJournal(db, e, 1, "test", kJournalApplied).ok());
    CHECK(AppendToLog(db, Sha256("absent"), 1).status().code() == kErrLogNotJournaled);
    REQUIRE(AppendToLog(db, e.id(), 1).ok());
    REQUIRE(tx->Commit().ok());
    CHECK(Count(db, "log_entry") == 1);
  }
}

TEST_CASE("AppendMissing logs journal envelopes not yet logged, in journal order") {
  HubFixture hub;
  MerkleTree tree;
  std::vector<Hash256> ids;
  ids.push_back(hub.JournalNext());
  ids.push_back(hub.JournalNext());
  const std::vector<Hash256> logged = hub.AppendMany(1, &tree);  // the third, logged at once
  ids.push_back(logged[0]);
  *hub.clock += 100;
  ids.push_back(hub.JournalNext());

  LogStore store(hub.db());
  auto n = store.AppendMissing();
  REQUIRE(n.ok());
  CHECK(*n == 3);
  CHECK(*store.Size() == 4);
  CHECK((*store.EntryAt(0))->envelope_id == logged[0]);
  CHECK((*store.EntryAt(1))->envelope_id == ids[0]);
  CHECK((*store.EntryAt(2))->envelope_id == ids[1]);
  CHECK((*store.EntryAt(3))->envelope_id == ids[3]);
  // With the journal's own received_at.
  CHECK((*store.EntryAt(3))->received_at == *hub.clock);
  CHECK(*store.AppendMissing() == 0);
  // The cursor: the last journal row seen, so that the next call reads only later rows.
  const auto cursor = QueryInt(hub.db(), "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?",
                               kMetaHubLogJournalCursor);
  CHECK(cursor->value_or(-1) == QueryInt(hub.db(), "SELECT max(rowid) FROM journal")->value_or(0));
  const Hash256 later = hub.JournalNext();
  CHECK(*store.AppendMissing() == 1);
  CHECK((*store.EntryAt(4))->envelope_id == later);
}

TEST_CASE("log.damaged: a journal cursor that is not a number") {
  HubFixture hub;
  hub.JournalNext();
  REQUIRE(ExecSql(hub.db(), "INSERT INTO meta VALUES('hub_log_journal_cursor', '12x')").ok());
  Status s = LogStore(hub.db()).AppendMissing().status();
  CHECK(s.code() == kErrLogDamaged);
  CHECK(s.kind() == StatusKind::kIoError);
}

TEST_CASE("AppendMissing goes on past one batch") {
  HubFixture hub;
  {
    auto tx = Transaction::Begin(hub.db());
    REQUIRE(tx.ok());
    for (int i = 0; i < kAppendMissingBatch + 3; ++i) hub.JournalNext();
    REQUIRE(tx->Commit().ok());
  }
  LogStore store(hub.db());
  CHECK(*store.AppendMissing() == static_cast<uint64_t>(kAppendMissingBatch + 3));
  CHECK(*store.Size() == static_cast<uint64_t>(kAppendMissingBatch + 3));
}

TEST_CASE("log.damaged: a damaged stored tree is named, not papered over") {
  HubFixture hub;
  MerkleTree tree;
  hub.AppendMany(6, &tree);
  LogStore store(hub.db());
  REQUIRE(ExecSql(hub.db(), "DELETE FROM log_subtree WHERE level = 2 AND position = 0").ok());
  Status s = store.Root(6).status();
  CHECK(s.code() == kErrLogDamaged);
  CHECK(s.kind() == StatusKind::kIoError);
  CHECK(store.Root(2).ok());  // what does not need the lost subtree still works
  // Entry 6 needs no stored hash, entry 7 completes (3, 0) from the lost (2, 0): the batch
  // fails as a whole and logs nothing.
  hub.JournalNext();
  hub.JournalNext();
  CHECK(store.AppendMissing().status().code() == kErrLogDamaged);
  CHECK(*store.Size() == 6);
}

TEST_CASE("proof and root requests outside the log are refused with merkle codes") {
  HubFixture hub;
  MerkleTree tree;
  hub.AppendMany(4, &tree);
  LogStore store(hub.db());
  Status s = store.Root(5).status();
  CHECK(s.code() == kErrMerkleSizeBeyondTree);
  CHECK(s.kind() == StatusKind::kNotFound);
  CHECK(store.InclusionProof(0, 5).status().code() == kErrMerkleSizeBeyondTree);
  CHECK(store.InclusionProof(4, 4).status().code() == kErrMerkleIndexOutOfRange);
  CHECK(store.InclusionProof(0, 0).status().code() == kErrMerkleIndexOutOfRange);
  CHECK(store.ConsistencyProof(1, 5).status().code() == kErrMerkleSizeBeyondTree);
  CHECK(store.ConsistencyProof(3, 2).status().code() == kErrMerkleSizeOrder);
  CHECK(store.ConsistencyProof(0, 4)->empty());
  CHECK(store.ConsistencyProof(4, 4)->empty());
}

}  // namespace
}  // namespace gongkai
