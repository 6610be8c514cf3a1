// kill -9 at random moments while a large list is imported and submitted: after each kill
// the replica opens, every version has its items and the envelope that brought it, a
// draft and its version never both exist, and the journal chain of the node is intact.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>

#include "node/replica/journal.h"
#include "node/replica/provenance.h"
#include "node/replica/sql.h"
#include "node/workflow/workflow.h"
#include "protocol/envelope.h"
#include "tests/node/large_lists.h"
#include "tests/node/replica_fixture.h"

namespace gongkai {
namespace {

// Each trial runs the whole 3,000-row scenario; under the sanitizers it is about ten times
// slower, so that build kills fewer runs (the normal build keeps the full count).
#ifdef GONGKAI_SANITIZED_BUILD
constexpr int kTrials = 15;
#else
constexpr int kTrials = 60;
#endif
constexpr int kRows = 3000;

// Opens the replica of `node` afresh (as a restarted process would).
Replica Reopen(const std::filesystem::path& path) {
  auto replica = Replica::Open(path, ReplicaOptions{false, kDefaultBusyTimeoutMs, {}});
  REQUIRE(replica.ok());
  return std::move(*replica);
}

void CheckConsistent(sqlite3* db, const std::string& origin) {
  auto integrity = QueryInt(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'");
  REQUIRE(integrity.ok());
  CHECK(integrity->value_or(1) == 0);
  // Every version: its items are all there, and it came with an envelope in the journal.
  auto versions = Statement::Prepare(db, "SELECT version_id, disclosure_id, item_count FROM disclosure_version");
  REQUIRE(versions.ok());
  while (true) {
    auto row = versions->Step();
    REQUIRE(row.ok());
    if (!*row) break;
    const std::string version = versions->ColumnText(0);
    const std::string disclosure = versions->ColumnText(1);
    auto items = QueryInt(db, "SELECT count(*) FROM disclosure_item WHERE version_id = ?", version);
    REQUIRE(items.ok());
    CHECK(items->value_or(-1) == versions->ColumnInt(2));
    auto envelope = ProvenanceOf(db, "disclosure_version", version);
    REQUIRE(envelope.ok());
    REQUIRE(envelope->has_value());
    auto held = QueryInt(db, "SELECT count(*) FROM journal WHERE envelope_id = ?", **envelope);
    REQUIRE(held.ok());
    CHECK(held->value_or(0) == 1);
    auto drafts = QueryInt(db, "SELECT count(*) FROM draft WHERE id = ?", disclosure);
    REQUIRE(drafts.ok());
    CHECK(drafts->value_or(-1) == 0);
  }
  // Every envelope of the node: seq 1..n without gaps, each prev the id of the one before,
  // each still decoding to its id.
  auto chain = Statement::Prepare(db, "SELECT seq, prev, envelope_id, bytes FROM journal WHERE origin = ? ORDER BY seq");
  REQUIRE(chain.ok());
  chain->Bind(1, origin);
  uint64_t expected_seq = 1;
  std::string previous(64, '0');
  while (true) {
    auto row = chain->Step();
    REQUIRE(row.ok());
    if (!*row) break;
    CHECK(static_cast<uint64_t>(chain->ColumnInt(0)) == expected_seq);
    CHECK(chain->ColumnText(1) == previous);
    auto envelope = DecodeEnvelope(chain->ColumnBlob(3));
    REQUIRE(envelope.ok());
    CHECK(HashHex(envelope->id()) == chain->ColumnText(2));
    previous = chain->ColumnText(2);
    ++expected_seq;
  }
}

TEST_CASE("kill -9 during import and submit loses nothing committed and half-writes nothing") {
  testing::TestCounty county;
  testing::TestNode& village = *county.village;
  const std::filesystem::path db_path = village.replica->path();
  const std::string csv = (county.dir.path() / "large.csv").string();
  {
    std::ofstream out(csv);
    out << testing::LargeSubsidyCsv(kRows);
  }
  // The fixture's replica is closed so that only the children write.
  village.replica.reset();

  std::mt19937 random(20261121);
  int64_t run_us = 0;  // how long one uninterrupted run takes, measured by trial 0
  int killed_in_flight = 0;
  int completed = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      // The child: import a new draft, then submit it, as `gongkai new` and `submit` do.
      auto replica = Replica::Open(db_path);
      if (!replica.ok()) _exit(3);
      DraftInput input;
      input.category = Category::kSubsidy;
      input.title = "补贴公示 " + std::to_string(trial);
      input.period = "2024";
      input.import_path = csv;
      auto draft = CreateDraft(*replica, input, static_cast<int64_t>(testing::kWallMs));
      if (!draft.ok()) _exit(4);
      auto last = replica->LastHlc();
      if (!last.ok()) _exit(5);
      HlcClock clock([] { return testing::kWallMs; }, *last);
      Actor actor{&village.key, &clock, "文书", static_cast<int64_t>(testing::kWallMs)};
      auto submitted = Submit(*replica, actor, draft->id);
      _exit(submitted.ok() ? 0 : 6);
    }
    int wstatus = 0;
    if (trial == 0) {
      const auto start = std::chrono::steady_clock::now();
      REQUIRE(waitpid(child, &wstatus, 0) == child);
      run_us = std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count();
    } else {
      // Random moments across the whole run of the child: import, then submit.
      std::uniform_int_distribution<int64_t> delay_us(0, run_us + run_us / 10);
      usleep(static_cast<useconds_t>(delay_us(random)));
      kill(child, SIGKILL);
      REQUIRE(waitpid(child, &wstatus, 0) == child);
    }
    if (WIFSIGNALED(wstatus)) {
      ++killed_in_flight;
    } else {
      REQUIRE(WIFEXITED(wstatus));
      CHECK(WEXITSTATUS(wstatus) == 0);
      ++completed;
    }
    Replica replica = Reopen(db_path);
    CheckConsistent(replica.db(), village.id());
  }
  MESSAGE("trials " << kTrials << ": killed in flight " << killed_in_flight << ", completed "
                    << completed);
  // The delays span the run, so both outcomes occur.
  CHECK(killed_in_flight > 0);
  Replica replica = Reopen(db_path);
  auto versions = QueryInt(replica.db(), "SELECT count(*) FROM disclosure_version");
  REQUIRE(versions.ok());
  CHECK(versions->value_or(0) >= completed);
}

}  // namespace
}  // namespace gongkai
