// The homes made by release 0.2.0 (tests/installer/fixtures/homes-0.2.0: the county demo's
// hub and 石庙村) open with this build: their layouts are upgraded in place, every row is
// kept, the digests still agree and `audit verify` passes on the upgraded hub database.
#include <doctest/doctest.h>

#include <filesystem>

#include "protocol/temp_dir.h"
#include "tests/hub/county_office.h"

namespace gongkai {
namespace {

using testing::Office;
using testing::RunProgram;
using testing::RunResult;
using testing::TempDir;

const std::filesystem::path kFixtures =
    std::filesystem::path(GONGKAI_SOURCE_DIR) / "tests/installer/fixtures/homes-0.2.0";
constexpr char kVillage[] = "511304100201";

TEST_CASE("the hub and village homes of release 0.2.0 open, upgraded, and audit verify passes") {
  TempDir temp;
  Office o(temp.path());
  for (const char* home : {"hub", "shimiao"}) {
    std::filesystem::copy(kFixtures / home, temp.path() / home);
    // git keeps no permissions but the executable bit: a clone holds the keys as 0644 (the
    // umask's), which every program refuses. The release had written them 0600.
    for (const auto& entry : std::filesystem::directory_iterator(temp.path() / home)) {
      if (entry.path().extension() == ".key") {
        std::filesystem::permissions(
            entry.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
      }
    }
  }
  const int64_t hub_journal = o.Count("hub", "SELECT count(*) FROM journal");
  const int64_t village_journal = o.Count("shimiao", "SELECT count(*) FROM journal");
  CHECK(o.Count("hub", "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'hub_log_version'") ==
        1);

  // audit verify checks a copy of the database, as made by the old release.
  RunResult audit = RunProgram(o.dir(), "gongkai-hub", {"audit", "verify", "--home", "hub"});
  INFO(audit.out << audit.err);
  CHECK(audit.exit_code == 0);
  CHECK(o.Count("hub", "SELECT count(*) FROM journal") == hub_journal);
  CHECK(o.Count("hub", "SELECT count(*) FROM log_entry") == hub_journal);

  o.NodeOk("shimiao", {"status"});
  CHECK(o.Count("shimiao",
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'local_schema_version'") == 2);
  CHECK(o.Count("shimiao", "SELECT count(*) FROM journal") == village_journal);
  CHECK(o.Digest("shimiao", kVillage) == o.Digest("hub", kVillage));
  CHECK(o.IntegrityCheck("shimiao") == "ok");
  CHECK(o.IntegrityCheck("hub") == "ok");

  // The upgraded hub serves the upgraded village, and the log still checks.
  o.StartHub();
  JsonValue synced = o.SyncOk("shimiao");
  CHECK(synced.Find("refused")->array().empty());
  o.StopHub();
  CHECK(o.Count("hub", "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'hub_log_version'") ==
        2);
  CHECK(o.Count("hub",
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'local_schema_version'") == 2);
  // The local layout, the log, and the synced tables (county_setting): each to version 2.
  CHECK(o.Count("hub", "SELECT count(*) FROM schema_migration WHERE version = 2") == 3);
  CHECK(o.Count("hub", "SELECT count(*) FROM schema_migration WHERE layout = 'synced'") == 1);
  CHECK(o.Count("hub", "SELECT count(*) FROM sqlite_schema WHERE name = 'refused_request'") == 1);
  RunResult again = RunProgram(o.dir(), "gongkai-hub", {"audit", "verify", "--home", "hub"});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(o.Count("shimiao", "SELECT count(*) FROM alarm") == 0);
}

}  // namespace
}  // namespace gongkai
