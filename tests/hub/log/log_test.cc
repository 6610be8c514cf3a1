#include "hub/log/log.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "hub/log/log_schema.h"
#include "node/replica/apply.h"
#include "node/replica/capture.h"
#include "node/replica/journal.h"
#include "node/replica/sql.h"
#include "protocol/certificate.h"
#include "protocol/checkpoint.h"
#include "protocol/merkle.h"
#include "protocol/receipt.h"
#include "protocol/signed_note.h"
#include "tests/hub/log_fixture.h"
#include "tests/node/replica_fixture.h"

namespace gongkai {
namespace {

using testing::HubFixture;

Checkpoint OpenHubCheckpoint(const HubFixture& hub, const std::string& note) {
  auto opened = OpenCheckpoint(note, hub.origin(), hub.origin(), hub.hub_key.public_key());
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  return *opened;
}

TEST_CASE("roots equal protocol/merkle.h's MerkleTree at every size") {
  HubFixture hub;
  MerkleTree tree;
  CHECK(*hub.log->Size() == 0);
  CHECK(*hub.log->Root() == EmptyTreeRoot());
  constexpr int kEntries = 300;
  for (int i = 0; i < kEntries; ++i) {
    hub.AppendMany(1, &tree);
    REQUIRE(*hub.log->Size() == tree.size());
    REQUIRE(*hub.log->Root() == tree.CurrentRoot());
  }
  // Every earlier size as well, read back from what is stored.
  for (uint64_t size = 0; size <= kEntries; ++size) {
    CAPTURE(size);
    REQUIRE(*hub.log->store().Root(size) == *tree.Root(size));
  }
}

TEST_CASE("inclusion proofs equal MerkleTree's and verify, for every index and size") {
  HubFixture hub;
  MerkleTree tree;
  const std::vector<Hash256> ids = hub.AppendMany(70, &tree);
  for (uint64_t size = 1; size <= 70; ++size) {
    for (uint64_t index = 0; index < size; ++index) {
      CAPTURE(size);
      CAPTURE(index);
      auto proof = hub.log->InclusionProof(index, size);
      REQUIRE(proof.ok());
      REQUIRE(*proof == *tree.InclusionProof(index, size));
      REQUIRE(VerifyInclusion(index, size, EnvelopeLeafHash(ids[index]), *proof, *tree.Root(size))
                  .ok());
    }
  }
}

TEST_CASE("consistency proofs equal MerkleTree's and verify, for every pair of sizes") {
  HubFixture hub;
  MerkleTree tree;
  hub.AppendMany(70, &tree);
  for (uint64_t size2 = 0; size2 <= 70; ++size2) {
    for (uint64_t size1 = 0; size1 <= size2; ++size1) {
      CAPTURE(size1);
      CAPTURE(size2);
      auto proof = hub.log->ConsistencyProof(size1, size2);
      REQUIRE(proof.ok());
      REQUIRE(*proof == *tree.ConsistencyProof(size1, size2));
      REQUIRE(VerifyConsistency(size1, size2, *proof, *tree.Root(size1), *tree.Root(size2)).ok());
    }
  }
}

TEST_CASE("a restarted hub continues the same tree") {
  HubFixture hub;
  MerkleTree tree;
  hub.AppendMany(37, &tree);
  const Hash256 before = *hub.log->Root();
  hub.Reopen();
  CHECK(*hub.log->Size() == 37);
  CHECK(*hub.log->Root() == before);
  hub.AppendMany(60, &tree);
  hub.Reopen();
  hub.AppendMany(31, &tree);
  CHECK(*hub.log->Size() == 128);
  CHECK(*hub.log->Root() == tree.CurrentRoot());
  for (uint64_t size : {1, 36, 37, 38, 64, 97, 127, 128}) {
    CAPTURE(size);
    CHECK(*hub.log->store().Root(size) == *tree.Root(size));
    CHECK(*hub.log->ConsistencyProof(37, size < 37 ? 37 : size) ==
          *tree.ConsistencyProof(37, size < 37 ? 37 : size));
  }
}

TEST_CASE("appending an envelope twice returns its first entry") {
  HubFixture hub;
  MerkleTree tree;
  const std::vector<Hash256> ids = hub.AppendMany(3, &tree);
  auto again = hub.log->Append(ids[1], testing::kHubWallMs + 999);
  REQUIRE(again.ok());
  CHECK_FALSE(again->appended);
  CHECK(again->entry.index == 1);
  CHECK(again->entry.received_at == testing::kHubWallMs + 2);
  CHECK(*hub.log->Size() == 3);
}

TEST_CASE("checkpoints open under the hub key and extend each other") {
  HubFixture hub;
  MerkleTree tree;
  CHECK_FALSE(hub.log->LatestCheckpoint()->has_value());

  auto empty = hub.log->SignCheckpoint();
  REQUIRE(empty.ok());
  CHECK(empty->size == 0);
  CHECK(OpenHubCheckpoint(hub, empty->note).root == EmptyTreeRoot());

  hub.AppendMany(11, &tree);
  *hub.clock = testing::kHubWallMs + 5000;
  auto first = hub.log->SignCheckpoint();
  REQUIRE(first.ok());
  const Checkpoint opened = OpenHubCheckpoint(hub, first->note);
  CHECK(opened.origin == "gongkai/county/511304");
  CHECK(opened.size == 11);
  CHECK(opened.root == tree.CurrentRoot());
  CHECK(opened.extensions.empty());
  CHECK(first->root == opened.root);
  CHECK(first->created_at == testing::kHubWallMs + 5000);
  // The note also opens through the printed verifier key.
  const std::string vkey = FormatNoteVerifierKey(hub.log->verifier_key());
  CHECK(OpenCheckpoint(first->note, hub.origin(), *ParseNoteVerifierKey(vkey)).ok());
  CHECK(OpenCheckpoint(first->note, hub.origin(), hub.origin(), hub.root.public_key())
            .status()
            .code() == kErrNoteUnverified);

  // Same size: the stored checkpoint, unchanged.
  *hub.clock += 1000;
  auto same = hub.log->SignCheckpoint();
  REQUIRE(same.ok());
  CHECK(same->note == first->note);
  CHECK(same->created_at == first->created_at);

  hub.AppendMany(20, &tree);
  auto second = hub.log->SignCheckpoint();
  REQUIRE(second.ok());
  const Checkpoint later = OpenHubCheckpoint(hub, second->note);
  CHECK(later.size == 31);
  auto latest = hub.log->LatestCheckpoint();
  REQUIRE(latest.ok());
  REQUIRE(latest->has_value());
  CHECK((*latest)->note == second->note);
  CHECK((*hub.log->CheckpointAt(11))->note == first->note);
  CHECK_FALSE(hub.log->CheckpointAt(12)->has_value());
  // What a node does on every sync: the new checkpoint extends the last one it saw.
  CHECK(VerifyConsistency(opened.size, later.size, *hub.log->ConsistencyProof(11, 31), opened.root,
                          later.root)
            .ok());
  // Kept across a restart.
  hub.Reopen();
  CHECK((*hub.log->LatestCheckpoint())->note == second->note);
}

TEST_CASE("receipts open under the hub key and prove inclusion in later checkpoints") {
  HubFixture hub;
  MerkleTree tree;
  const std::vector<Hash256> ids = hub.AppendMany(9, &tree);
  auto bytes = hub.log->IssueReceipt(ids[4]);
  REQUIRE(bytes.ok());
  // A node knows the hub key from the county certificate.
  auto receipt = OpenReceipt(*bytes, hub.hub_key.public_key());
  REQUIRE(receipt.ok());
  CHECK(receipt->envelope_id == ids[4]);
  CHECK(receipt->log_index == 4);
  CHECK(receipt->received_at_ms == static_cast<uint64_t>(testing::kHubWallMs + 5));
  CHECK(receipt->tree_size == 9);
  CHECK(receipt->root == tree.CurrentRoot());
  CHECK(receipt->hub_id == hub.hub_key.node_id());

  hub.AppendMany(30, &tree);
  // Asked again later: the same bytes, not a new receipt.
  CHECK(*hub.log->IssueReceipt(ids[4]) == *bytes);
  const Checkpoint checkpoint = OpenHubCheckpoint(hub, hub.log->SignCheckpoint()->note);
  auto proof = hub.log->InclusionProof(ids[4], checkpoint.size);
  REQUIRE(proof.ok());
  CHECK(proof->entry.index == 4);
  CHECK(proof->tree_size == 39);
  CHECK(VerifyReceiptInclusion(*receipt, proof->proof, checkpoint).ok());
  // And the receipt's own tree is a prefix of the checkpoint's.
  CHECK(VerifyConsistency(receipt->tree_size, checkpoint.size,
                          *hub.log->ConsistencyProof(receipt->tree_size, checkpoint.size),
                          receipt->root, checkpoint.root)
            .ok());
}

TEST_CASE("tampered receipts are refused") {
  HubFixture hub;
  MerkleTree tree;
  const std::vector<Hash256> ids = hub.AppendMany(5, &tree);
  const Bytes bytes = *hub.log->IssueReceipt(ids[2]);
  for (size_t i = 0; i < bytes.size(); ++i) {
    Bytes changed = bytes;
    changed[i] ^= 0x01;
    CAPTURE(i);
    CHECK_FALSE(OpenReceipt(changed, hub.hub_key.public_key()).ok());
  }
  CHECK(OpenReceipt(bytes, hub.village_key.public_key()).status().code() == kErrReceiptSigner);
}

// The whole path with real envelopes: the county node acts as the hub, a village writes,
// the hub applies, logs and receipts the envelope, and the village checks the receipt with
// the key of the county certificate it was given at enrolment.
TEST_CASE("apply, append in the same transaction, receipt: a village checks it") {
  testing::TestCounty county;
  Replica& hub_replica = *county.county->replica;
  auto opened = HubLog::Open(hub_replica, county.county->key, CountyLogOrigin(testing::kCounty));
  REQUIRE(opened.ok());
  HubLog& log = *opened;
  // The county's own certificates envelope was captured before the log existed.
  CHECK(*log.AppendMissing() == 1);

  auto captured = county.village->Write([](sqlite3* db, const CaptureStamp& stamp) {
    return testing::InsertVersion(db, stamp, testing::kVillage, "v1", "村务公开");
  });
  REQUIRE(captured.ok());
  {
    // The hub's receive path: the caller's transaction around apply's own is not possible
    // (ApplyEnvelope begins its own), so the log append follows it; AppendMissing at start
    // covers a crash in between.
    auto applied = ApplyEnvelope(hub_replica, captured->bytes, county.village->id());
    REQUIRE(applied.ok());
    REQUIRE(applied->outcome == ApplyOutcome::kApplied);
    auto tx = Transaction::Begin(hub_replica.db());
    REQUIRE(tx.ok());
    auto appended = log.Append(applied->id, hub_replica.NowMs());
    REQUIRE(appended.ok());
    CHECK(appended->entry.index == 1);
    REQUIRE(log.IssueReceipt(applied->id).ok());
    REQUIRE(tx->Commit().ok());
  }
  const Bytes receipt_bytes = *log.IssueReceipt(captured->id);
  const PublicKey hub_key =
      OpenCertificate(county.county->certificate, county.root.public_key())->subject_key;
  auto receipt = OpenReceipt(receipt_bytes, hub_key);
  REQUIRE(receipt.ok());
  CHECK(receipt->envelope_id == captured->id);
  CHECK(receipt->log_index == 1);
  CHECK(receipt->tree_size == 2);
  const std::string origin = CountyLogOrigin(testing::kCounty);
  const Checkpoint checkpoint =
      *OpenCheckpoint(log.SignCheckpoint()->note, origin, origin, hub_key);
  CHECK(VerifyReceiptInclusion(*receipt, *log.InclusionProof(1, checkpoint.size), checkpoint).ok());
  // The leaf is recomputed from the journal's bytes alone.
  auto bytes = JournalBytes(hub_replica.db(), county.village->key.node_id(), captured->seq);
  REQUIRE(bytes.ok());
  REQUIRE(bytes->has_value());
  CHECK(EnvelopeLeafHash(Sha256(**bytes)) == (*log.store().EntryAt(1))->leaf_hash);
}

TEST_CASE("HubLog::Open refusals") {
  HubFixture hub;
  SUBCASE("replica.not_enrolled") {
    auto bare = Replica::Open(hub.dir.path() / "bare.db");
    REQUIRE(bare.ok());
    CHECK(HubLog::Open(*bare, hub.hub_key, hub.origin()).status().code() == kErrReplicaNotEnrolled);
  }
  SUBCASE("log.not_county") {
    auto village = testing::OpenEnrolled(hub.dir.path() / "village.db", hub.root, hub.village_key,
                                         Role::kVillage, testing::kHubVillage, hub.clock);
    auto opened = HubLog::Open(*village, hub.village_key, hub.origin());
    CHECK(opened.status().code() == kErrLogNotCounty);
    CHECK(opened.status().kind() == StatusKind::kDenied);
  }
  SUBCASE("log.key_mismatch") {
    auto opened = HubLog::Open(*hub.replica, hub.village_key, hub.origin());
    CHECK(opened.status().code() == kErrLogKeyMismatch);
    CHECK(opened.status().kind() == StatusKind::kDenied);
  }
  SUBCASE("note.key_name: the origin names the signing key") {
    CHECK(HubLog::Open(*hub.replica, hub.hub_key, "gongkai county 511304").status().code() ==
          kErrNoteKeyName);
    CHECK(HubLog::Open(*hub.replica, hub.hub_key, "").status().code() == kErrNoteKeyName);
  }
  SUBCASE("log.schema_version") {
    REQUIRE(ExecSql(hub.db(), "UPDATE meta SET value = '99' WHERE key = 'hub_log_version'").ok());
    CHECK(HubLog::Open(*hub.replica, hub.hub_key, hub.origin()).status().code() ==
          kErrLogSchemaVersion);
  }
}

TEST_CASE("HubLog refusals: log.not_logged, proofs out of range, a receipt time below zero") {
  HubFixture hub;
  MerkleTree tree;
  const std::vector<Hash256> ids = hub.AppendMany(6, &tree);
  const Hash256 unknown = Sha256("not an envelope the hub holds");
  Status s = hub.log->IssueReceipt(unknown).status();
  CHECK(s.code() == kErrLogNotLogged);
  CHECK(s.kind() == StatusKind::kNotFound);
  CHECK(hub.log->InclusionProof(unknown, 6).status().code() == kErrLogNotLogged);
  CHECK(hub.log->InclusionProof(ids[5], 5).status().code() == kErrMerkleIndexOutOfRange);
  CHECK(hub.log->InclusionProof(ids[0], 7).status().code() == kErrMerkleSizeBeyondTree);

  // A received_at the hub clock could never give: the receipt is refused, nothing stored.
  const Hash256 id = hub.JournalNext();
  REQUIRE(hub.log->Append(id, -5).ok());
  CHECK(hub.log->IssueReceipt(id).status().code() == kErrReceiptRange);
  CHECK(QueryInt(hub.db(), "SELECT count(*) FROM log_receipt")->value_or(-1) == 0);
}

TEST_CASE("log.checkpoint_mismatch: a stored checkpoint the stored tree no longer gives") {
  HubFixture hub;
  MerkleTree tree;
  hub.AppendMany(4, &tree);
  REQUIRE(hub.log->SignCheckpoint().ok());
  // The root of 4 entries is the stored subtree (2, 0).
  REQUIRE(ExecSql(hub.db(), "UPDATE log_subtree SET hash = zeroblob(32) WHERE level = 2").ok());
  Status s = hub.log->SignCheckpoint().status();
  CHECK(s.code() == kErrLogCheckpointMismatch);
  CHECK(s.kind() == StatusKind::kIoError);
}

TEST_CASE("refusals are recorded through the hub log") {
  HubFixture hub;
  const Bytes junk = {1, 2, 3};
  auto id = hub.log->RecordRefused(junk, "bundle:u.gkb",
                                   Status::Invalid("envelope.magic", "不是信封"), 7);
  REQUIRE(id.ok());
  auto listed = hub.log->ListRefused(0, 10);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0].id == *id);
  CHECK((*listed)[0].code == "envelope.magic");
}

}  // namespace
}  // namespace gongkai
