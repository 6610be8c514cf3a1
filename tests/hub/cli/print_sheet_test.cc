// `gongkai print` and `gongkai verify-sheet` with a county hub: the real `gongkai-hub serve`
// on 127.0.0.1 and the real `gongkai` program. The village's sheet carries the hub log index
// of the envelope that carried the version, from the receipt the village stored when it
// pushed it; verify-sheet checks it there.
//
// `--printer QUEUE` is tested against a recording `lp`, a shell script this test puts first
// on PATH, not a CUPS queue: it records the arguments gongkai passes and the file it sends,
// and exits as the test tells it. A real lp (cups-client, no scheduler running) is also run
// for a queue that does not exist.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tests/hub/child_process.h"
#include "protocol/wall_clock.h"
#include "tests/hub/county_fixture.h"
#include "hub/county/county.h"
#include "node/exchange/enrolment.h"
#include "node/json/json_value.h"
#include "tests/hub/program_runner.h"

namespace gongkai::testing {
namespace {

constexpr char kTownshipRegion[] = "511304100";
constexpr char kVillage[] = "511304100201";


void Enrol(County& county, const std::filesystem::path& home, std::string_view region,
           std::string_view name, Role role) {
  Result<Bytes> request = StartEnrolment(home, region, name, static_cast<uint64_t>(WallClockMs()));
  REQUIRE(request.ok());
  Result<Bytes> certificate = EnrollFromRequest(county, kPassphrase, *request, role);
  REQUIRE(certificate.ok());
  REQUIRE(CompleteEnrolment(home, *certificate).ok());
}

// One integer from an SQLite file (the test reads the hub's log as it is on disk).
std::optional<int64_t> QueryFile(const std::filesystem::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::optional<int64_t> value;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      value = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return value;
}

// Sets PATH for the programs this test starts, and puts it back.
class PathFor {
 public:
  explicit PathFor(const std::string& path) : old_(getenv("PATH") ? getenv("PATH") : "") {
    setenv("PATH", path.c_str(), 1);
  }
  ~PathFor() { setenv("PATH", old_.c_str(), 1); }

 private:
  std::string old_;
};

struct PrintingCounty {
  TempDir dir;
  std::filesystem::path hub_home = dir.path() / "hub";
  std::filesystem::path village = dir.path() / "village";
  std::filesystem::path township = dir.path() / "township";
  std::unique_ptr<ChildProcess> server;
  std::string url;

  PrintingCounty() {
    {
      Result<County> county =
          InitCounty(hub_home, kCountyCode, kCountyName, kPassphrase, kKdfInteractive);
      REQUIRE(county.ok());
      Enrol(*county, village, kVillage, "石庙村 村委会", Role::kVillage);
      Enrol(*county, township, kTownshipRegion, "龙蟠镇 政府", Role::kTownship);
    }
    server = std::make_unique<ChildProcess>(
        std::vector<std::string>{HubBinary(), "serve", "--home", hub_home.string(), "--listen",
                                 "127.0.0.1:0"},
        (dir.path() / "hub.log").string());
    const std::string line = server->ReadLine();
    const std::string prefix = "listening on 127.0.0.1:";
    REQUIRE(line.starts_with(prefix));
    url = "http://127.0.0.1:" + line.substr(prefix.size());
    while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
  }

  RunResult Node(const std::filesystem::path& home, std::vector<std::string> args) {
    args.push_back("--home");
    args.push_back(home.string());
    return RunProgram(dir.path(), "gongkai", args);
  }
  JsonValue NodeJson(const std::filesystem::path& home, std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = Node(home, args);
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    Result<JsonValue> json = ParseJsonObject(r.out);
    REQUIRE(json.ok());
    return *json;
  }
  void Sync(const std::filesystem::path& home) { NodeJson(home, {"sync", "--hub", url}); }

  // An affairs notice written, submitted, reviewed by the village's supervision committee
  // and approved by the township, every node synced; returns the disclosure id.
  std::string ApprovedNotice() {
    JsonValue made =
        NodeJson(village, {"new", "--category", "affairs", "--title", "石庙村2026年村务公开",
                           "--period", "2026", "--body", "公告如下：村道硬化工程已完工。"});
    const std::string id = made.StringOr("id", "").value_or("");
    REQUIRE(id.size() == 32);
    NodeJson(village, {"submit", id, "--by", "王文书"});
    NodeJson(village, {"review", id, "--approve", "--comment", "同意", "--by", "监委会李主任"});
    Sync(village);
    Sync(township);
    NodeJson(township, {"review", id, "--approve", "--comment", "同意公开", "--by", "镇农经站张"});
    Sync(township);
    Sync(village);
    return id;
  }
};

// The hub's log index of the envelope that brought the version into the village, read
// from the two databases as they are on disk.
int64_t HubIndexOfVersion(const PrintingCounty& c, const std::string& version_id) {
  sqlite3* db = nullptr;
  std::string envelope;
  REQUIRE(sqlite3_open_v2((c.village / "replica.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
          SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(
              db, "SELECT envelope_id FROM provenance WHERE tbl='disclosure_version' AND pk=?", -1,
              &stmt, nullptr) == SQLITE_OK);
  sqlite3_bind_text(stmt, 1, version_id.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(stmt) == SQLITE_ROW)
    envelope = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  REQUIRE(envelope.size() == 64);
  std::optional<int64_t> idx = QueryFile(
      c.hub_home / "replica.db", "SELECT idx FROM log_entry WHERE envelope_id='" + envelope + "'");
  REQUIRE(idx.has_value());
  return *idx;
}

TEST_CASE("the village's sheet carries the hub log index and verify-sheet checks it") {
  PrintingCounty c;
  const std::string id = c.ApprovedNotice();
  const std::string pdf = (c.dir.path() / "sheet.pdf").string();
  JsonValue printed = c.NodeJson(c.village, {"print", id, "--out", pdf});
  CHECK(printed.Find("approved")->boolean());
  const std::string version = printed.StringOr("version_id", "").value_or("");
  const std::string payload = printed.StringOr("qr_payload", "").value_or("");
  const int64_t index = HubIndexOfVersion(c, version);
  CHECK(*printed.IntegerOr("log_index", -1) == index);
  CHECK(payload == "GK1/" + id + "/" + version + "/" + payload.substr(4 + 33 + 33, 16) + "/" +
                       std::to_string(index));
  // The code on paper says the same (zbarimg reads it from the page).
  const std::string png = (c.dir.path() / "page").string();
  CHECK(system(("pdftoppm -r 150 -png -singlefile '" + pdf + "' '" + png +
                "' && zbarimg --raw -q '" + png + ".png' > '" + png + ".txt'")
                   .c_str()) == 0);
  CHECK(Slurp(png + ".txt") == payload + "\n");
  RunResult scanned =
      RunProgram(c.dir.path(), "gongkai", {"verify-sheet", payload, "--home", c.village.string()});
  CHECK(scanned.exit_code == 0);
  CHECK(scanned.out.find("县级日志序号 " + std::to_string(index) + " 与本机所存县级回执一致") !=
        std::string::npos);

  JsonValue verified = c.NodeJson(c.village, {"verify-sheet", payload});
  CHECK(*verified.StringOr("code", "") == "sheet_verify.approved");
  CHECK(*verified.IntegerOr("log_index", -1) == index);
  CHECK(*verified.IntegerOr("receipt_log_index", -1) == index);
  REQUIRE(verified.Find("log_index_checked") != nullptr);
  CHECK(verified.Find("log_index_checked")->boolean());

  // Another index in an otherwise true payload is refused.
  const std::string altered = payload.substr(0, payload.rfind('/') + 1) + std::to_string(index + 1);
  RunResult refused = c.Node(c.village, {"verify-sheet", altered, "--json"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.out.find("sheet_verify.log_index_mismatch") != std::string::npos);

  // The township pulled the version and holds no receipt for it: the index is reported, not
  // checked; its own print of the village's sheet has no index and records no posting (only
  // the village posts its sheets).
  JsonValue at_township = c.NodeJson(c.township, {"verify-sheet", payload});
  CHECK(*at_township.StringOr("code", "") == "sheet_verify.approved");
  REQUIRE(at_township.Find("log_index_checked") != nullptr);
  CHECK_FALSE(at_township.Find("log_index_checked")->boolean());
  CHECK(at_township.StringOr("summary", "").value_or("").find("未核对") != std::string::npos);
  JsonValue township_sheet =
      c.NodeJson(c.township, {"print", id, "--out", (c.dir.path() / "t.pdf").string()});
  CHECK(township_sheet.Find("log_index") == nullptr);
  CHECK(*township_sheet.StringOr("posting_id", "x") == "");
  CHECK(QueryFile(c.township / "replica.db", "SELECT count(*) FROM posting") == 0);
}

TEST_CASE(
    "--printer runs lp -d QUEUE -n N -o media=A3 FILE; a failing lp is reported and records no "
    "posting") {
  PrintingCounty c;
  const std::string id = c.ApprovedNotice();
  const std::filesystem::path bin = c.dir.path() / "bin";
  std::filesystem::create_directories(bin);
  const std::filesystem::path record = c.dir.path() / "lp.args";
  const std::filesystem::path received = c.dir.path() / "lp.pdf";
  {
    std::ofstream lp(bin / "lp");
    lp << "#!/bin/sh\n"
          "# Records its arguments, one per line, and a copy of the file printed.\n"
          ": > '"
       << record.string()
       << "'\n"
          "for a in \"$@\"; do printf '%s\\n' \"$a\" >> '"
       << record.string()
       << "'; done\n"
          "for a in \"$@\"; do last=\"$a\"; done\n"
          "cp \"$last\" '"
       << received.string()
       << "'\n"
          "if [ -n \"$LP_FAIL\" ]; then echo 'lp: The printer or class does not exist.' >&2; exit "
          "1; fi\n"
          "echo 'request id is 石庙村-1 (1 file(s))'\n";
  }
  chmod((bin / "lp").c_str(), 0755);
  const std::string system_path = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin";
  const std::string pdf = (c.dir.path() / "公示.pdf").string();
  auto postings = [&] {
    return QueryFile(c.village / "replica.db", "SELECT count(*) FROM posting").value_or(-1);
  };

  {
    PathFor path(bin.string() + ":" + system_path);
    RunResult ok = c.Node(
        c.village, {"print", id, "--out", pdf, "--printer", "石庙村 公开栏", "--copies", "2"});
    INFO(ok.out, ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("已送打印机 石庙村 公开栏") != std::string::npos);
  }
  CHECK(Slurp(record) == "-d\n石庙村 公开栏\n-n\n2\n-o\nmedia=A3\n" + pdf + "\n");
  CHECK(Slurp(received) == Slurp(pdf));
  CHECK(Slurp(pdf).starts_with("%PDF-"));
  CHECK(postings() == 1);
  CHECK(QueryFile(c.village / "replica.db", "SELECT copies FROM posting") == 2);

  // The queue refuses the job: a Chinese error with the code, the PDF written, no posting.
  std::filesystem::remove(pdf);
  {
    PathFor path(bin.string() + ":" + system_path);
    setenv("LP_FAIL", "1", 1);
    RunResult failed = c.Node(c.village, {"print", id, "--out", pdf, "--printer", "没有这个队列"});
    unsetenv("LP_FAIL");
    CHECK(failed.exit_code == 1);
    CHECK(failed.err.find("错误：打印队列 没有这个队列 不接受任务（lp 退出码 1") !=
          std::string::npos);
    CHECK(failed.err.find("PDF 已生成：" + pdf + "；未登记张贴") != std::string::npos);
    CHECK(failed.err.find("[print.queue]") != std::string::npos);
  }
  CHECK(Slurp(pdf).starts_with("%PDF-"));
  CHECK(Slurp(pdf).find("%%EOF") != std::string::npos);
  CHECK(postings() == 1);

  // No lp at all.
  {
    PathFor path((c.dir.path() / "empty").string());
    RunResult missing = c.Node(c.village, {"print", id, "--out", pdf, "--printer", "q", "--json"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.out.find("\"code\":\"print.queue\"") != std::string::npos);
    CHECK(missing.out.find("找不到 lp 命令") != std::string::npos);
  }
  CHECK(postings() == 1);

  // The real lp of cups-client, for a queue no scheduler knows.
  if (system("command -v lp >/dev/null 2>&1") == 0) {
    RunResult real =
        c.Node(c.village, {"print", id, "--out", pdf, "--printer", "gongkai-test-no-such-queue"});
    CHECK(real.exit_code == 1);
    CHECK(real.err.find("[print.queue]") != std::string::npos);
    CHECK(postings() == 1);
  }
}

}  // namespace
}  // namespace gongkai::testing
