// `gongkai-hub audit …` and `config …` through the real program, on a hub home made by the
// in-process scenario (tests/hub/audit_query_fixture.h): the output shapes of --json, --csv and
// the terminal tables. The figures themselves are checked in the audit_*_test files; here
// only those that do not depend on today's date.
#include <doctest/doctest.h>

#include "node/json/json_value.h"
#include "tests/hub/audit_query_fixture.h"
#include "tests/hub/program_runner.h"

namespace gongkai {
namespace {

using testing::RunProgram;
using testing::RunResult;

struct Hub {
  testing::AuditCounty c;
  testing::AuditScenario s = testing::RunAuditScenario(c);

  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin() + 2, {"--home", c.home.string()});
    RunResult r = RunProgram(c.dir.path(), "gongkai-hub", args);
    return r;
  }
  JsonValue Json(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = Run(args);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto value = ParseJson(r.out);
    INFO(value.status().ToString());
    REQUIRE(value.ok());
    return *value;
  }
  std::vector<std::string> CsvLines(std::vector<std::string> args) {
    args.push_back("--csv");
    RunResult r = Run(args);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> lines;
    size_t at = 0;
    while (at < r.out.size()) {
      const size_t end = r.out.find("\r\n", at);
      REQUIRE(end != std::string::npos);  // every line ends in CRLF
      lines.push_back(r.out.substr(at, end - at));
      at = end + 2;
    }
    return lines;
  }
};

std::string Text(const JsonValue& row, std::string_view key) {
  const JsonValue* value = row.Find(key);
  REQUIRE(value != nullptr);
  REQUIRE(value->is_string());
  return value->string();
}

// Built once for the read-only commands (the scenario takes seconds).
Hub& Shared() {
  static Hub hub;
  return hub;
}

TEST_CASE("audit history: JSON rows, CSV lines and the terminal table") {
  Hub& hub = Shared();
  JsonValue events = hub.Json({"audit", "history", "--disclosure", hub.s.finance_b.substr(0, 8)});
  REQUIRE(events.is_array());
  REQUIRE(events.array().size() == 4);
  const JsonValue& first = events.array()[0];
  CHECK(Text(first, "kind") == "version");
  CHECK(Text(first, "node_name") == "金凤村");
  CHECK(Text(first, "node_role") == "village");
  CHECK(Text(first, "hlc_time") == "2026-10-10 10:00");
  CHECK(Text(first, "received_time") == "2026-10-13 09:00");
  CHECK(first.Find("log_index")->is_integer());
  CHECK(first.Find("received_at")->integer() == testing::BeijingMs(2026, 10, 13, 9));

  std::vector<std::string> lines =
      hub.CsvLines({"audit", "history", "--region", testing::kAuditVillageB});
  REQUIRE(lines.size() == 5);
  CHECK(lines[0].rfind("事项类别,记录编号,公开事项编号,", 0) == 0);
  CHECK(lines[2].find("乡镇审核：退回（缺少凭证号）") != std::string::npos);

  RunResult table = hub.Run({"audit", "history", "--region", testing::kAuditVillageB});
  CHECK(table.exit_code == 0);
  CHECK(table.out.find("县级接收时间") != std::string::npos);
  CHECK(table.out.find("2026-10-17 11:00") != std::string::npos);
  CHECK(table.out.find("共 4 条") != std::string::npos);

  RunResult usage = hub.Run({"audit", "history"});
  CHECK(usage.exit_code == 2);
}

TEST_CASE("audit stale, overdue, report and alarms: JSON and CSV shapes") {
  Hub& hub = Shared();
  // 白鹤村 never synced, whatever the date today.
  JsonValue stale = hub.Json({"audit", "stale", "--days", "7"});
  REQUIRE(stale.is_array());
  bool never = false;
  for (const JsonValue& row : stale.array()) {
    if (Text(row, "name") == "白鹤村") {
      never = row.Find("never_synced")->boolean();
      CHECK(row.Find("last_contact")->kind() == JsonValue::Kind::kNull);
    }
  }
  CHECK(never);
  std::vector<std::string> stale_csv = hub.CsvLines({"audit", "stale", "--days", "7"});
  CHECK(stale_csv[0] ==
        "区划,名称,角色,节点编号,登记时间,最后送达县级,未同步天数,已送达数据包,从未同步");

  JsonValue overdue = hub.Json({"audit", "overdue", "--period", "2026Q3"});
  REQUIRE(overdue.is_object());
  CHECK(Text(overdue, "deadline") == "2026-10-15");
  const JsonValue* finance = overdue.Find("finance");
  REQUIRE(finance != nullptr);
  REQUIRE(finance->array().size() == 2);
  CHECK(Text(finance->array()[0], "name") == "金凤村");
  CHECK(finance->array()[0].Find("days_late")->integer() == 2);
  CHECK(Text(finance->array()[0], "approved_time") == "2026-10-17 11:00");
  std::vector<std::string> subsidy =
      hub.CsvLines({"audit", "overdue", "--period", "2026Q4", "--section", "subsidy"});
  REQUIRE(subsidy.size() == 3);
  CHECK(subsidy[0].rfind("区划,村,标题,公示起,公示止,公示天数,", 0) == 0);
  CHECK(subsidy[2].find(",2026-10-09,2026-10-11,3,3,") != std::string::npos);

  std::vector<std::string> report = hub.CsvLines({"audit", "report", "--year", "2026"});
  REQUIRE(report.size() == 6);  // header, three villages, the township, the county
  CHECK(report[1].find(",石庙村,0,1,3,0,4,570,1440,") != std::string::npos);
  CHECK(report[5].rfind("county,", 0) == 0);
  JsonValue report_json = hub.Json({"audit", "report", "--year", "2026"});
  CHECK(report_json.array().back().Find("average_minutes")->integer() == 480);

  JsonValue alarms = hub.Json({"audit", "alarms"});
  REQUIRE(alarms.Find("clocks")->array().size() == 1);
  CHECK(Text(alarms.Find("clocks")->array()[0], "name") == "金凤村");
  CHECK(alarms.Find("clocks")->array()[0].Find("worst_offset_ms")->integer() == -71 * 3'600'000LL);
  REQUIRE(alarms.Find("revoked")->array().size() == 1);
  CHECK(Text(alarms.Find("revoked")->array()[0], "name") == "青龙村");
  CHECK(Text(alarms.Find("refused")->array()[0], "code") == "hub.revoked_retired");
  std::vector<std::string> clocks = hub.CsvLines({"audit", "alarms", "--section", "clocks"});
  REQUIRE(clocks.size() == 2);
  CHECK(clocks[1].find(",金凤村," + std::string(testing::kAuditVillageB) +
                       ",2,2,-255600000,255600000") != std::string::npos);
  RunResult text = hub.Run({"audit", "alarms"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("-2天23小时") != std::string::npos);
}

TEST_CASE("config set and show keep the county's audit settings") {
  Hub hub;  // its own: it changes a setting
  CHECK(hub.Json({"config", "show"}).Find("finance.deadline_day")->integer() == 15);
  RunResult set = hub.Run({"config", "set", "finance.deadline_day", "20"});
  INFO(set.err);
  CHECK(set.exit_code == 0);
  CHECK(hub.Json({"config", "show"}).Find("finance.deadline_day")->integer() == 20);
  // With day 20, 金凤村's approval of 10-17 was on time.
  JsonValue overdue = hub.Json({"audit", "overdue", "--period", "2026Q3"});
  REQUIRE(overdue.Find("finance")->array().size() == 1);
  CHECK(Text(overdue.Find("finance")->array()[0], "name") == "白鹤村");
  RunResult bad = hub.Run({"config", "set", "finance.deadline_day", "31"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("audit.setting_value") != std::string::npos);
  RunResult unknown = hub.Run({"config", "set", "nonsense", "1"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("audit.setting_key") != std::string::npos);
}

TEST_CASE("the audit commands work on a hub home that has never served") {
  testing::HubHome fresh;
  for (std::vector<std::string> args :
       std::vector<std::vector<std::string>>{{"audit", "alarms", "--json"},
                                             {"audit", "stale", "--json"},
                                             {"audit", "report", "--year", "2026", "--csv"},
                                             {"audit", "overdue", "--period", "2026Q3"}}) {
    args.insert(args.begin() + 2, {"--home", fresh.home.string()});
    RunResult r = RunProgram(fresh.dir.path(), "gongkai-hub", args);
    INFO(args[1] << "\n" << r.out << r.err);
    CHECK(r.exit_code == 0);
  }
}

}  // namespace
}  // namespace gongkai
