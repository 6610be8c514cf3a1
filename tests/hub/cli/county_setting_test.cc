// The county's settings reach every node: `gongkai-hub config set finance.deadline_day`
// writes a county_setting row that a village receives by sync and, through its township, by
// USB bundle; the village's home page reminds by the county's day, not its own.
#include <doctest/doctest.h>

#include <string>

#include "node/workflow/finance_due.h"
#include "protocol/temp_dir.h"
#include "tests/hub/county_office.h"

namespace gongkai {
namespace {

using testing::Office;
using testing::RunResult;
using testing::TempDir;

constexpr char kTownship[] = "511304100";
constexpr char kVillage[] = "511304100201";
constexpr char kRows[] =
    "SELECT count(*) FROM county_setting WHERE setting = 'finance.deadline_day'";

RunResult HubConfig(Office& o, std::vector<std::string> args) {
  args.insert(args.begin(), "config");
  return o.Hub(args);
}

int64_t DeadlineDayAt(Office& o, const std::string& home, const std::string& region) {
  auto replica = Replica::Open(o.dir() / home / "replica.db", ReplicaOptions{false, 5000, {}});
  REQUIRE(replica.ok());
  auto day = FinanceDeadlineDayAt(*replica, region);
  REQUIRE(day.ok());
  return *day;
}

TEST_CASE("finance.deadline_day set at the county reaches a village online and by bundle") {
  TempDir dir;
  Office o(dir.path());
  o.InitCounty();
  o.Enrol("town", kTownship, "龙泉镇", "township");
  o.Enrol("shimiao", kVillage, "石庙村", "village");
  // The village's own setting counts until the county's arrives.
  o.NodeOk("shimiao", {"config", "set", "finance.deadline_day", "10"});
  CHECK(DeadlineDayAt(o, "shimiao", kVillage) == 10);

  REQUIRE(HubConfig(o, {"set", "finance.deadline_day", "20"}).exit_code == 0);
  CHECK(o.Count("hub", kRows) == 1);
  // The same value again writes nothing; a value out of range writes nothing either.
  REQUIRE(HubConfig(o, {"set", "finance.deadline_day", "20"}).exit_code == 0);
  CHECK(o.Count("hub", kRows) == 1);
  RunResult refused = HubConfig(o, {"set", "finance.deadline_day", "29"});
  CHECK(refused.exit_code != 0);
  CHECK(refused.err.find("1 到 28") != std::string::npos);
  CHECK(o.Count("hub", kRows) == 1);
  // A setting nodes do not use stays at the county.
  REQUIRE(HubConfig(o, {"set", "audit.stale_days", "40"}).exit_code == 0);
  CHECK(o.Count("hub", "SELECT count(*) FROM county_setting") == 1);

  o.StartHub();
  JsonValue synced = o.SyncOk("shimiao");
  CHECK(synced.Find("refused")->array().empty());
  o.StopHub();
  CHECK(o.Count("shimiao", kRows) == 1);
  CHECK(DeadlineDayAt(o, "shimiao", kVillage) == 20);
  CHECK(o.Digest("shimiao", "511304") == o.Digest("hub", "511304"));

  // Offline: the county changes it again; the township carries it to the village.
  REQUIRE(HubConfig(o, {"set", "finance.deadline_day", "25"}).exit_code == 0);
  o.Carry("hub", "town", kTownship);
  o.Carry("town", "shimiao", kVillage);
  CHECK(o.Count("shimiao", kRows) == 2);
  CHECK(DeadlineDayAt(o, "shimiao", kVillage) == 25);
  CHECK(DeadlineDayAt(o, "town", kTownship) == 25);
  // The log holds the setting envelopes and recomputes to the same county replica.
  RunResult audit = o.Hub({"audit", "verify"});
  INFO(audit.out << audit.err);
  CHECK(audit.exit_code == 0);
}

}  // namespace
}  // namespace gongkai
