// Random kill -9 trials with the real programs, after which nothing may be lost, nothing may
// be logged twice and the county must still audit clean:
//   - the hub killed at a random moment while four villages push at once, then started again
//     from its files and the interrupted syncs left to retry;
//   - a village killed at a random moment of its sync, of `gongkai new --import` of a list at
//     the row limit, and a township killed in the middle of a `bundle import`.
// At the end every village's own envelopes are in the hub's log exactly once, every region's
// digest agrees on the village, the township and the hub, and `audit verify` passes.
//
// Default (CI): 10 trials of each kind. GONGKAI_LONG=1 runs 100; GONGKAI_TRIALS=N sets the
// number, GONGKAI_SEED=N the random schedule (default 1). A failure names its trial and delay.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "node/app/node_session.h"
#include "node/replica/sql.h"
#include "node/workflow/workflow.h"
#include "protocol/disclosure_limits.h"
#include "protocol/temp_dir.h"
#include "tests/hub/county_office.h"
#include "tests/node/import_test_files.h"

namespace gongkai::testing {
namespace {

constexpr char kTownship[] = "511304100";
const std::vector<std::string> kVillages = {"v1", "v2", "v3", "v4"};

int64_t Trials() { return EnvInt("GONGKAI_TRIALS", std::getenv("GONGKAI_LONG") ? 100 : 10); }

std::string RegionOf(const std::string& village) {
  return std::string(kTownship) + "20" + village.substr(1);
}

// Writes and submits `count` one-line notices at a node home, in-process; returns the number
// of envelopes written.
int WriteNotices(const std::filesystem::path& home, int count, int64_t trial) {
  Result<NodeSession> session = OpenNodeSession(home.string(), true);
  INFO(session.status().ToString());
  REQUIRE(session.ok());
  // Setup only: these writes need not survive a power cut, and fsync per envelope is slow.
  REQUIRE(ExecSql(session->replica->db(), "PRAGMA synchronous=OFF").ok());
  Actor actor{session->key.get(), session->clock.get(), "王文书", WallClockMs()};
  for (int n = 1; n <= count; ++n) {
    DraftInput notice;
    notice.category = Category::kAffairs;
    notice.title = "第" + std::to_string(trial) + "轮村务通知第" + std::to_string(n) + "号";
    notice.period = "2024-07";
    notice.body_text = "通知内容 " + std::to_string(trial) + "-" + std::to_string(n);
    Result<Draft> draft = CreateDraft(*session->replica, notice, WallClockMs());
    INFO(draft.status().ToString());
    REQUIRE(draft.ok());
    Result<WriteResult> written = Submit(*session->replica, actor, draft->id);
    INFO(written.status().ToString());
    REQUIRE(written.ok());
  }
  return count;
}

constexpr char kOwnEnvelopes[] = "SELECT count(*) FROM journal WHERE status IN ('own', 'receipted')";
constexpr char kUnreceipted[] =
    "SELECT count(*) FROM journal WHERE source <> 'hub' AND envelope_id NOT IN "
    "(SELECT envelope_id FROM hub_receipt)";

// A query over the hub's database with a node's replica attached as `n`.
int64_t CountWithNode(Office& o, const std::string& home, const std::string& sql) {
  auto replica = Replica::Open(o.dir() / "hub" / "replica.db", ReplicaOptions{false, 5000, {}});
  REQUIRE(replica.ok());
  const std::string node_db = (o.dir() / home / "replica.db").string();
  REQUIRE(ExecSql(replica->db(), "ATTACH DATABASE '" + node_db + "' AS n").ok());
  auto n = QueryInt(replica->db(), sql);
  INFO(sql);
  REQUIRE(n.ok());
  REQUIRE(ExecSql(replica->db(), "DETACH DATABASE n").ok());
  return n->value_or(0);
}

// A node's replica after a kill: sound, and its receipts agree with its journal.
void CheckNodeConsistent(Office& o, const std::string& home) {
  CHECK(o.IntegrityCheck(home) == "ok");
  CHECK(o.Count(home,
                "SELECT count(*) FROM hub_receipt WHERE envelope_id NOT IN "
                "(SELECT envelope_id FROM journal)") == 0);
  CHECK(o.Count(home,
                "SELECT count(*) FROM journal WHERE status = 'receipted' AND envelope_id "
                "NOT IN (SELECT envelope_id FROM hub_receipt)") == 0);
  CHECK(o.Count(home,
                "SELECT count(*) FROM journal WHERE status = 'own' AND envelope_id "
                "IN (SELECT envelope_id FROM hub_receipt)") == 0);
  CHECK(o.Count(home, "SELECT count(*) FROM alarm") == 0);
}

// The hub's database after a kill: sound, every journal envelope logged, nothing refused.
void CheckHubConsistent(Office& o) {
  CHECK(o.IntegrityCheck("hub") == "ok");
  // One statement, one snapshot: the hub may still be finishing the push of a client that was
  // killed, and commits its journal and log rows together; two separate counts could fall on
  // either side of that commit.
  CHECK(o.Count("hub", "SELECT (SELECT count(*) FROM log_entry) - (SELECT count(*) FROM journal)") ==
        0);
  CHECK(o.Count("hub", "SELECT count(*) FROM refused_envelope") == 0);
  CHECK(o.Count("hub", "SELECT count(*) FROM alarm") == 0);
}

struct TrialCounty {
  TempDir temp;
  Office o{temp.path()};
  std::mt19937_64 rng{static_cast<uint64_t>(EnvInt("GONGKAI_SEED", 1))};

  TrialCounty() {
    o.InitCounty();
    o.Enrol("township", kTownship, "龙蟠镇", "township");
    for (const std::string& v : kVillages) o.Enrol(v, RegionOf(v), v + "村", "village");
    o.StartHub();
    for (const std::string& v : kVillages) o.SyncOk(v);
  }

  int64_t Uniform(int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(rng);
  }

  // Every village pushes what it has not had receipted, the township pulls, and then: each
  // village's own envelopes are in the hub's log exactly once (and the hub holds no other
  // envelope of that village), each region agrees on the village, the township and the hub,
  // the hub is consistent and `audit verify` passes.
  void ConvergeAndAudit() {
    for (const std::string& v : kVillages) {
      const int64_t unreceipted = o.Count(v, kUnreceipted);
      JsonValue synced = o.SyncOk(v);
      CHECK(synced.IntegerOr("pushed", -1).value_or(-1) == unreceipted);
      CHECK(o.Count(v, kUnreceipted) == 0);
      CheckNodeConsistent(o, v);
    }
    o.SyncOk("township");
    for (const std::string& v : kVillages) {
      INFO("village " << v);
      const int64_t own = o.Count(v, kOwnEnvelopes);
      CHECK(CountWithNode(o, v,
                          "SELECT count(*) FROM main.log_entry WHERE envelope_id IN (SELECT "
                          "envelope_id FROM n.journal WHERE status IN ('own', 'receipted'))") ==
            own);
      CHECK(CountWithNode(o, v,
                          "SELECT count(*) FROM main.journal WHERE origin IN (SELECT origin "
                          "FROM n.journal WHERE status IN ('own', 'receipted'))") == own);
      CHECK(o.Digest(v, RegionOf(v)) == o.Digest("hub", RegionOf(v)));
      CHECK(o.Digest("township", RegionOf(v)) == o.Digest("hub", RegionOf(v)));
    }
    CheckHubConsistent(o);
    CheckNodeConsistent(o, "township");
    RunResult audit = RunProgram(o.dir(), "gongkai-hub", {"audit", "verify", "--home", "hub"});
    INFO(audit.out << audit.err);
    CHECK(audit.exit_code == 0);
  }
};

int64_t ElapsedMs(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

// Waits for a child at most 120 s (the sync's retries included); kills it after that.
int WaitBounded(ChildProcess& child) {
  for (int n = 0; n < 12000 && ProcessRunning(child.pid()); ++n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return child.Wait();
}

TEST_CASE("the hub killed at random moments while four villages push at once") {
  TrialCounty c;
  const int64_t trials = Trials();
  std::vector<int64_t> written(kVillages.size(), 0);
  auto write_round = [&](int64_t trial) {
    for (size_t v = 0; v < kVillages.size(); ++v) {
      written[v] += WriteNotices(c.o.dir() / kVillages[v], static_cast<int>(c.Uniform(10, 40)),
                                 trial);
    }
  };
  auto start_syncs = [&] {
    std::vector<std::unique_ptr<ChildProcess>> syncs;
    for (const std::string& v : kVillages) syncs.push_back(c.o.StartSync(v));
    return syncs;
  };
  // How long a round takes unharmed: the kills are spread over it.
  write_round(0);
  const auto began = std::chrono::steady_clock::now();
  for (auto& sync : start_syncs()) CHECK(WaitBounded(*sync) == 0);
  const int64_t round_ms = ElapsedMs(began);
  MESSAGE("one unharmed round of four concurrent pushes: " << round_ms << " ms");

  int64_t mid_push = 0;
  for (int64_t trial = 1; trial <= trials; ++trial) {
    write_round(trial);
    int64_t pending = 0;
    for (const std::string& v : kVillages) pending += c.o.Count(v, kUnreceipted);
    const int64_t held_before = c.o.Count("hub", "SELECT count(*) FROM journal");
    const int64_t delay_ms = c.Uniform(0, round_ms + round_ms / 4);
    std::vector<std::unique_ptr<ChildProcess>> syncs = start_syncs();
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    c.o.KillHub();
    INFO("trial " << trial << ": hub killed " << delay_ms << " ms after the syncs began");
    const int64_t held = c.o.Count("hub", "SELECT count(*) FROM journal") - held_before;
    if (held > 0 && held < pending) ++mid_push;
    CheckHubConsistent(c.o);
    c.o.StartHub(c.o.port());
    for (size_t v = 0; v < syncs.size(); ++v) {
      const int code = WaitBounded(*syncs[v]);
      const std::string out = syncs[v]->ReadAll();
      INFO("sync of " << kVillages[v] << " exited " << code << ": " << out);
      CHECK(out.find("history_rewritten") == std::string::npos);
      CHECK((code == 0 || out.find("sync.unreachable") != std::string::npos));
      CheckNodeConsistent(c.o, kVillages[v]);
    }
  }
  MESSAGE(trials << " trials; the hub held part of the pushes when killed in " << mid_push);
  c.ConvergeAndAudit();
  for (size_t v = 0; v < kVillages.size(); ++v) {
    // The village's certificate is the county's envelope; everything else is what it wrote.
    CHECK(c.o.Count(kVillages[v], kOwnEnvelopes) == written[v]);
  }
}

std::string SubsidyCsv(int64_t rows) {
  std::string csv =
      "序号,村民小组,户主姓名,身份证号,补贴项目,面积（亩）,补贴标准,补贴金额,一卡通账号,备注\n";
  for (int64_t i = 0; i < rows; ++i) {
    csv += std::to_string(i + 1) + ",一组,户" + std::to_string(i) + "," +
           SyntheticId(static_cast<int>(i)) + ",,1,100,100,,\n";
  }
  return csv;
}

TEST_CASE("a village killed mid-sync and mid-import, a township killed mid-bundle-import") {
  TrialCounty c;
  const int64_t trials = Trials();
  const std::string village = kVillages[0];

  SUBCASE("mid-sync") {
    constexpr int kNotices = 200;
    int64_t written = WriteNotices(c.o.dir() / village, kNotices, 0);
    const auto began = std::chrono::steady_clock::now();
    c.o.SyncOk(village);
    const int64_t sync_ms = ElapsedMs(began);
    MESSAGE("one unharmed push of " << kNotices << " envelopes: " << sync_ms << " ms");
    for (int64_t trial = 1; trial <= trials; ++trial) {
      if (c.o.Count(village, kUnreceipted) == 0) {
        written += WriteNotices(c.o.dir() / village, kNotices, trial);
      }
      const int64_t delay_ms = c.Uniform(0, sync_ms + sync_ms / 4);
      std::unique_ptr<ChildProcess> sync = c.o.StartSync(village);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      kill(sync->pid(), SIGKILL);
      sync->Wait();
      INFO("trial " << trial << ": sync killed after " << delay_ms << " ms");
      CheckNodeConsistent(c.o, village);
      CheckHubConsistent(c.o);
    }
    c.ConvergeAndAudit();
    CHECK(c.o.Count(village, kOwnEnvelopes) == written);
  }

  SUBCASE("mid-import of a list at the row limit") {
    const std::filesystem::path csv = c.o.dir() / "subsidy.csv";
    std::ofstream(csv, std::ios::binary) << SubsidyCsv(kMaxDisclosureItems);
    const std::vector<std::string> command = {
        NodeBinary(), "new",  "--home",   (c.o.dir() / village).string(), "--category",
        "subsidy",    "--title", "2024年耕地地力保护补贴发放公示", "--period", "2024",
        "--import",   csv.string()};
    // One whole import, unharmed, to know how long it takes.
    const auto began = std::chrono::steady_clock::now();
    {
      ChildProcess whole(command);
      whole.ReadAll();
      REQUIRE(whole.Wait() == 0);
    }
    const int64_t import_ms = ElapsedMs(began);
    MESSAGE("one import of " << kMaxDisclosureItems << " rows: " << import_ms << " ms");
    int64_t killed_before_done = 0;
    for (int64_t trial = 1; trial <= trials; ++trial) {
      const int64_t drafts_before = c.o.Count(village, "SELECT count(*) FROM draft");
      // Most of an import is reading the file; the draft is written at its end.
      const int64_t delay_ms = c.Uniform(import_ms / 2, import_ms + import_ms / 10);
      ChildProcess import(command);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      kill(import.pid(), SIGKILL);
      const int code = import.Wait();
      INFO("trial " << trial << ": import killed after " << delay_ms << " ms (exit " << code << ")");
      CHECK(c.o.IntegrityCheck(village) == "ok");
      // A draft is there whole, with every row, or not at all.
      CHECK(c.o.Count(village, "SELECT count(*) FROM draft WHERE json_array_length(items_json) <> " +
                                   std::to_string(kMaxDisclosureItems)) == 0);
      const int64_t drafts = c.o.Count(village, "SELECT count(*) FROM draft") - drafts_before;
      CHECK((drafts == 0 || drafts == 1));
      if (drafts == 0) ++killed_before_done;
    }
    MESSAGE(trials << " trials; killed before the draft was written in " << killed_before_done);
    {  // One of the drafts that were written submits and syncs like any other.
      Result<NodeSession> session = OpenNodeSession((c.o.dir() / village).string(), true);
      REQUIRE(session.ok());
      Actor actor{session->key.get(), session->clock.get(), "王文书", WallClockMs()};
      std::string id;
      {
        auto first = Statement::Prepare(session->replica->db(), "SELECT id FROM draft LIMIT 1");
        REQUIRE(first.ok());
        auto row = first->Step();
        REQUIRE((row.ok() && *row));
        id = first->ColumnText(0);
      }
      Result<WriteResult> written = Submit(*session->replica, actor, id);
      INFO(written.status().ToString());
      REQUIRE(written.ok());
    }
    c.ConvergeAndAudit();
    CHECK(c.o.Count(village, "SELECT count(*) FROM disclosure_item") == kMaxDisclosureItems);
  }

  SUBCASE("a township killed mid-bundle-import") {
    for (const std::string& v : kVillages) {
      WriteNotices(c.o.dir() / v, 60, 0);
      c.o.SyncOk(v);
    }
    const std::string bundle = c.o.Export("hub", "township", kTownship);
    const std::vector<std::string> command = {NodeBinary(), "bundle", "import", "--home",
                                              (c.o.dir() / "township").string(),
                                              (c.o.dir() / bundle).string()};
    // One whole import into a copy of the township, to know how long it takes.
    std::filesystem::copy(c.o.dir() / "township", c.o.dir() / "township-copy",
                          std::filesystem::copy_options::recursive);
    std::vector<std::string> on_copy = command;
    on_copy[4] = (c.o.dir() / "township-copy").string();
    const auto began = std::chrono::steady_clock::now();
    {
      ChildProcess whole(on_copy);
      whole.ReadAll();
      REQUIRE(whole.Wait() == 0);
    }
    const int64_t import_ms = ElapsedMs(began);
    MESSAGE("one whole bundle import: " << import_ms << " ms");
    for (int64_t trial = 1; trial <= trials; ++trial) {
      // Most of an import is reading the file; the draft is written at its end.
      const int64_t delay_ms = c.Uniform(import_ms / 2, import_ms + import_ms / 10);
      ChildProcess import(command);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      kill(import.pid(), SIGKILL);
      import.Wait();
      INFO("trial " << trial << ": bundle import killed after " << delay_ms << " ms");
      // It has never synced online: no receipts to agree with; sound, and no row without its
      // envelope.
      CHECK(c.o.IntegrityCheck("township") == "ok");
      CHECK(c.o.Count("township", "SELECT count(*) FROM alarm") == 0);
      CHECK(c.o.Count("township", "SELECT count(*) FROM provenance WHERE envelope_id NOT IN "
                                  "(SELECT envelope_id FROM journal)") == 0);
    }
    MESSAGE("the township held " << c.o.Count("township", "SELECT count(*) FROM journal")
                                 << " envelopes after the killed imports");
    c.o.Import("township", bundle);  // whole, once more: what is held is omitted
    c.ConvergeAndAudit();
  }
}

}  // namespace
}  // namespace gongkai::testing
