// Faults with the real programs: the hub killed (SIGKILL) in the middle of a large push and
// started again from its files, and a node killed in the middle of a sync, both while pushing
// and while pulling. After each kill the databases pass integrity_check, the hub's log holds
// exactly the envelopes it accepted, the checkpoint still extends what the nodes saw, and the
// next sync sends only what was not receipted and converges.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "node/node_session.h"
#include "node/workflow.h"
#include "protocol/temp_dir.h"
#include "tests/hub/county_office.h"

namespace gongkai::testing {
namespace {

constexpr char kTownship[] = "511304100";
constexpr char kVillage[] = "511304100201";
// Small envelopes written at the village, and the rows of one large list.
constexpr int kSmallEnvelopes = 300;
constexpr int kLargeListRows = 4000;

// Writes, in-process, one affairs list of kLargeListRows rows and kSmallEnvelopes one-line
// notices at a node home: kSmallEnvelopes + 1 envelopes.
void WriteMany(const std::filesystem::path& home) {
  Result<NodeSession> session = OpenNodeSession(home.string(), true);
  INFO(session.status().ToString());
  REQUIRE(session.ok());
  Actor actor{session->key.get(), session->clock.get(), "王文书", WallClockMs()};
  auto submit = [&](DraftInput input) {
    Result<Draft> draft = CreateDraft(*session->replica, input, WallClockMs());
    INFO(draft.status().ToString());
    REQUIRE(draft.ok());
    Result<WriteResult> written = Submit(*session->replica, actor, draft->id);
    INFO(written.status().ToString());
    REQUIRE(written.ok());
  };
  DraftInput list;
  list.category = Category::kAffairs;
  list.title = "2024年村集体资产清查结果公示";
  list.period = "2024";
  list.body_text = "清查结果如下。";
  list.table_headers = std::vector<std::string>{"编号", "资产名称", "数量", "存放地点"};
  std::vector<std::vector<std::string>> rows;
  for (int n = 1; n <= kLargeListRows; ++n) {
    rows.push_back({std::to_string(n), "资产" + std::to_string(n), std::to_string(n % 17 + 1),
                    std::to_string(n % 5 + 1) + "组仓库"});
  }
  list.table_rows = std::move(rows);
  submit(std::move(list));
  for (int n = 1; n <= kSmallEnvelopes; ++n) {
    DraftInput notice;
    notice.category = Category::kAffairs;
    notice.title = "村务通知第" + std::to_string(n) + "号";
    notice.period = "2024-07";
    notice.body_text = "通知内容 " + std::to_string(n);
    submit(std::move(notice));
  }
}

constexpr char kUnreceipted[] =
    "SELECT count(*) FROM journal WHERE source <> 'hub' AND envelope_id NOT IN "
    "(SELECT envelope_id FROM hub_receipt)";

// A node's replica after a kill: sound, and its receipts agree with its journal.
void CheckNodeConsistent(Office& o, const std::string& home) {
  CHECK(o.IntegrityCheck(home) == "ok");
  CHECK(o.Count(home, "SELECT count(*) FROM hub_receipt WHERE envelope_id NOT IN "
                      "(SELECT envelope_id FROM journal)") == 0);
  CHECK(o.Count(home, "SELECT count(*) FROM journal WHERE status = 'receipted' AND envelope_id "
                      "NOT IN (SELECT envelope_id FROM hub_receipt)") == 0);
  CHECK(o.Count(home, "SELECT count(*) FROM journal WHERE status = 'own' AND envelope_id "
                      "IN (SELECT envelope_id FROM hub_receipt)") == 0);
  CHECK(o.Count(home, "SELECT count(*) FROM alarm") == 0);
}

// The hub's database after a kill: sound, every journal envelope logged, nothing refused.
void CheckHubConsistent(Office& o) {
  CHECK(o.IntegrityCheck("hub") == "ok");
  CHECK(o.Count("hub", "SELECT count(*) FROM log_entry") ==
        o.Count("hub", "SELECT count(*) FROM journal"));
  CHECK(o.Count("hub", "SELECT count(*) FROM refused_envelope") == 0);
}

struct KilledCounty {
  TempDir temp;
  Office o{temp.path()};

  KilledCounty() {
    o.InitCounty();
    o.Enrol("township", kTownship, "龙蟠镇", "township");
    o.Enrol("village", kVillage, "石庙村", "village");
    o.StartHub();
    // Both nodes have seen a checkpoint before the faults begin.
    o.SyncOk("village");
    o.SyncOk("township");
    WriteMany(o.dir() / "village");
  }

  // The repeated sync sends exactly what is not receipted, and the village's region agrees.
  void ResumeAndConverge() {
    const int64_t unreceipted = o.Count("village", kUnreceipted);
    JsonValue synced = o.SyncOk("village");
    CHECK(synced.IntegerOr("pushed", -1).value_or(-1) == unreceipted);
    CHECK(synced.IntegerOr("receipts", -1).value_or(-1) == unreceipted);
    CHECK(o.Count("village", kUnreceipted) == 0);
    o.SyncOk("township");
    CHECK(o.Digest("village", kVillage) == o.Digest("hub", kVillage));
    CHECK(o.Digest("township", kVillage) == o.Digest("hub", kVillage));
    CheckHubConsistent(o);
  }
};

TEST_CASE("the hub killed in the middle of a large push restarts from its files") {
  KilledCounty c;
  const int64_t total = c.o.Count("village", kUnreceipted);
  REQUIRE(total == kSmallEnvelopes + 1);
  const int64_t hub_before = c.o.Count("hub", "SELECT count(*) FROM journal");
  int caught_mid_push = 0;
  // Kills at growing delays into the push; each pass resumes what the last left.
  for (int delay_ms : {15, 40, 80, 150, 250, 400, 600}) {
    if (c.o.Count("village", kUnreceipted) == 0) break;
    std::unique_ptr<ChildProcess> sync = c.o.StartSync("village");
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    c.o.KillHub();
    const int64_t held = c.o.Count("hub", "SELECT count(*) FROM journal") - hub_before;
    if (held > 0 && held < total) ++caught_mid_push;
    CheckHubConsistent(c.o);
    c.o.StartHub(c.o.port());
    const std::string out = sync->ReadAll();
    const int code = sync->Wait();
    INFO("kill after " << delay_ms << " ms: sync exited " << code << ": " << out);
    CHECK(out.find("history_rewritten") == std::string::npos);
    CHECK((code == 0 || out.find("sync.unreachable") != std::string::npos));
    CheckNodeConsistent(c.o, "village");
  }
  MESSAGE("hub killed with part of the push held: " << caught_mid_push << " time(s)");
  c.ResumeAndConverge();
  CHECK(c.o.Count("hub", "SELECT count(*) FROM journal") - hub_before == total);
}

TEST_CASE("a node killed in the middle of a sync keeps a consistent replica and syncs again") {
  KilledCounty c;
  SUBCASE("while pushing") {
    for (int delay_ms : {10, 30, 60, 100, 150, 250, 400}) {
      std::unique_ptr<ChildProcess> sync = c.o.StartSync("village");
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      kill(sync->pid(), SIGKILL);
      sync->Wait();
      CheckNodeConsistent(c.o, "village");
      CheckHubConsistent(c.o);
    }
    c.ResumeAndConverge();
  }
  SUBCASE("while pulling") {
    c.o.SyncOk("village");
    for (int delay_ms : {10, 30, 60, 100, 150, 250, 400}) {
      std::unique_ptr<ChildProcess> sync = c.o.StartSync("township");
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      kill(sync->pid(), SIGKILL);
      sync->Wait();
      CheckNodeConsistent(c.o, "township");
    }
    JsonValue synced = c.o.SyncOk("township");
    CHECK(synced.IntegerOr("pull_applied", -1).value_or(-1) >= 0);
    CHECK(c.o.Digest("township", kVillage) == c.o.Digest("hub", kVillage));
    CHECK(c.o.Count("township", "SELECT count(*) FROM journal WHERE origin = (SELECT origin FROM "
                                "journal WHERE region = '" +
                                    std::string(kVillage) + "' LIMIT 1)") == kSmallEnvelopes + 1);
  }
}

}  // namespace
}  // namespace gongkai::testing
