// `gongkai-hub doctor`: RunHubDoctor on a county home made by the fixtures, and the real
// program's --json.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "hub/app/county_actions.h"
#include "hub/app/hub_doctor.h"
#include "hub/server/tls_certificate.h"
#include "node/app/node_session.h"
#include "node/json/json_value.h"
#include "node/replica/home.h"
#include "tests/hub/county_fixture.h"
#include "tests/hub/program_runner.h"

namespace gongkai {
namespace {

using testing::HubHome;

const DoctorCheck& Find(const std::vector<DoctorCheck>& checks, std::string_view id) {
  for (const DoctorCheck& c : checks) {
    if (c.id == id) return c;
  }
  FAIL("no check " << id);
  static DoctorCheck none;
  return none;
}

// A county home whose log holds its journal, as after the hub first served.
struct DoctorHub : HubHome {
  DoctorHub() { REQUIRE(AppendToCountyLog(county).ok()); }
};

TEST_CASE("hub doctor: a fresh county home passes every check") {
  DoctorHub hub;
  const std::vector<DoctorCheck> checks = RunHubDoctor(hub.home.string());
  for (const DoctorCheck& c : checks) {
    INFO(c.id << ": " << c.message);
    CHECK(c.level == CheckLevel::kOk);
  }
  CHECK(DoctorAllOk(checks));
  CHECK(checks.size() == 7);

  const testing::RunResult r = testing::RunProgram(
      hub.dir.path(), "gongkai-hub", {"doctor", "--home", hub.home.string(), "--json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  Result<JsonValue> json = ParseJson(r.out);
  REQUIRE(json.ok());
  CHECK(r.out.find("\"ok\":true") != std::string::npos);
  CHECK(r.out.find("\"id\":\"log\"") != std::string::npos);
  CHECK(r.out.find("\"status\":\"ok\"") != std::string::npos);
}

TEST_CASE("hub doctor: a log behind the journal, a key readable by others") {
  HubHome hub;  // never served: no log yet
  CHECK(Find(RunHubDoctor(hub.home.string()), "log").level == CheckLevel::kWarn);
  REQUIRE(AppendToCountyLog(hub.county).ok());
  REQUIRE(sqlite3_exec(hub.county.replica().db(), "DELETE FROM log_receipt; DELETE FROM log_entry",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  const DoctorCheck log = Find(RunHubDoctor(hub.home.string()), "log");
  CHECK(log.level == CheckLevel::kFail);
  CHECK(log.message.find("不一致") != std::string::npos);

  ::chmod((hub.home / kRootKeyFileName).c_str(), 0644);
  const DoctorCheck keys = Find(RunHubDoctor(hub.home.string()), "keys");
  CHECK(keys.level == CheckLevel::kFail);
  CHECK(keys.advice.find("chmod 600") != std::string::npos);
  std::filesystem::remove(hub.home / kHubKeyFileName);
  CHECK(Find(RunHubDoctor(hub.home.string()), "keys").level == CheckLevel::kFail);
}

TEST_CASE("hub doctor: the TLS certificate's expiry") {
  DoctorHub hub;
  REQUIRE(MakeTlsCertificate(hub.home, testing::kCountyCode, false).ok());
  const int64_t now = WallClockMs();
  CHECK(Find(RunHubDoctor(hub.home.string(), now), "tls").level == CheckLevel::kOk);
  const int64_t day = 24 * 3'600'000ll;
  const DoctorCheck soon =
      Find(RunHubDoctor(hub.home.string(), now + (kTlsCertificateValidDays - 10) * day), "tls");
  CHECK(soon.level == CheckLevel::kWarn);
  const DoctorCheck expired =
      Find(RunHubDoctor(hub.home.string(), now + (kTlsCertificateValidDays + 1) * day), "tls");
  CHECK(expired.level == CheckLevel::kFail);
  CHECK(expired.message.find("已过期") != std::string::npos);
  std::ofstream(hub.home / kTlsCertificateFileName) << "not a certificate";
  CHECK(Find(RunHubDoctor(hub.home.string(), now), "tls").level == CheckLevel::kFail);
}

TEST_CASE("hub doctor: a damaged database is named; the program exits 1") {
  DoctorHub hub;
  const std::filesystem::path db = hub.home / kReplicaFileName;
  {
    std::fstream file(db, std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(file);
    file.seekp(100);
    const std::string junk(8000, '\x5a');
    file.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  const std::vector<DoctorCheck> checks = RunHubDoctor(hub.home.string());
  const DoctorCheck& database = Find(checks, "database");
  CHECK(database.level == CheckLevel::kFail);
  CHECK(database.message.find(db.string()) != std::string::npos);
  CHECK(Find(checks, "log").level == CheckLevel::kFail);
  const testing::RunResult r =
      testing::RunProgram(hub.dir.path(), "gongkai-hub", {"doctor", "--home", hub.home.string()});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("✗") != std::string::npos);
}

}  // namespace
}  // namespace gongkai

namespace gongkai {
namespace {

TEST_CASE("gongkai doctor --json on a home without a node: parses, says what failed, exits 1") {
  testing::TempDir dir;
  const testing::RunResult r = testing::RunProgram(
      dir.path(), "gongkai", {"doctor", "--home", dir.path().string(), "--json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  Result<JsonValue> json = ParseJson(r.out);
  REQUIRE(json.ok());
  CHECK(r.out.find("\"ok\":false") != std::string::npos);
  for (const char* field : {"\"id\":\"database\"", "\"status\":\"fail\"",
                            "\"message\":", "\"advice\":", "\"id\":\"font\""}) {
    CHECK(r.out.find(field) != std::string::npos);
  }
}

}  // namespace
}  // namespace gongkai
