// gongkai backup / restore and gongkai-hub backup / restore, with the real programs: a
// village restored from an old backup never signs a second envelope with a sequence number
// it used, and loses nothing it had synced; the hub is backed up while it serves.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "protocol/temp_dir.h"
#include "tests/hub/county_office.h"

namespace gongkai {
namespace {

using testing::Office;
using testing::RunProgram;
using testing::RunResult;
using testing::TempDir;

constexpr char kTownship[] = "511304100";
constexpr char kVillage[] = "511304100201";
constexpr char kOwn[] =
    "SELECT count(*) FROM journal WHERE origin = "
    "(SELECT CAST(value AS TEXT) FROM settings WHERE key = 'node_id')";

void WritePassphrase(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file) << text << "\n";
  ::chmod(file.c_str(), 0600);
}

// A new notice, submitted: one envelope. Returns its id.
std::string SubmitNotice(Office& o, const std::string& home, const std::string& title) {
  JsonValue draft = o.NodeJson(home, {"new", "--category", "affairs", "--title", title, "--period",
                                      "2024Q3", "--body", "经村民代表会议讨论通过。"});
  const std::string id = draft.StringOr("id", "").value_or("");
  REQUIRE(!id.empty());
  o.NodeOk(home, {"submit", id, "--by", "王文书"});
  return id;
}

int64_t Alarms(Office& o, const std::string& home) {
  return o.Count(home, "SELECT count(*) FROM alarm");
}

struct County {
  TempDir temp;
  Office o{temp.path()};
  County() {
    o.InitCounty();
    o.Enrol("township", kTownship, "龙蟠镇", "township");
    o.Enrol("v1", kVillage, "石庙村", "village");
    WritePassphrase(temp.path() / "backup.pass", "石庙村备份口令-测试");
  }
  RunResult Backup(const std::string& home, const std::string& out) {
    return o.Node(home, {"backup", "--out", out, "--passphrase-file", "backup.pass", "--fast-kdf"});
  }
};

TEST_CASE("a village restored from an old backup signs no second envelope with a used number") {
  County c;
  Office& o = c.o;
  o.StartHub();
  SubmitNotice(o, "v1", "关于召开村民代表会议的通知");
  o.SyncOk("v1");
  o.SyncOk("township");

  RunResult backup = c.Backup("v1", "v1.gkbackup");
  INFO(backup.out << backup.err);
  REQUIRE(backup.exit_code == 0);
  const int64_t own_at_backup = o.Count("v1", kOwn);

  // Three envelopes after the backup, synced to the hub.
  std::vector<std::string> later;
  for (const char* title :
       {"村道硬化筹资公告", "2024年第三季度财务公开说明", "关于调整低保名单的公告"}) {
    later.push_back(SubmitNotice(o, "v1", title));
  }
  o.SyncOk("v1");
  const int64_t own_before_loss = o.Count("v1", kOwn);
  CHECK(own_before_loss == own_at_backup + 3);

  // The PC is lost; its home comes back from the old backup.
  RunResult restore = o.Node("v1", {"restore", "--from", "v1.gkbackup", "--passphrase-file",
                                    "backup.pass", "--replace", "--json"});
  INFO(restore.out << restore.err);
  REQUIRE(restore.exit_code == 0);
  auto restored = ParseJsonObject(restore.out);
  REQUIRE(restored.ok());
  CHECK(restored->Find("must_sync")->boolean());
  const std::string replaced = restored->StringOr("replaced", "").value_or("");
  CHECK(std::filesystem::exists(replaced));  // the previous home is kept, not deleted
  CHECK(o.Count("v1", kOwn) == own_at_backup);
  for (const std::string& id : later) CHECK(o.Node("v1", {"show", id}).exit_code == 1);

  // Writing an envelope is refused until the node has learned what it signed since.
  JsonValue draft = o.NodeJson("v1", {"new", "--category", "affairs", "--title", "恢复后的公告",
                                      "--period", "2024Q4", "--body", "恢复后起草。"});
  const std::string draft_id = draft.StringOr("id", "").value_or("");
  RunResult refused = o.Node("v1", {"submit", draft_id, "--by", "王文书"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("capture.restored") != std::string::npos);
  CHECK(o.Count("v1", kOwn) == own_at_backup);

  JsonValue synced = o.SyncOk("v1");
  CHECK(synced.IntegerOr("pulled", -1).value_or(-1) >= 3);
  CHECK(o.Count("v1", kOwn) == own_before_loss);  // nothing written after the backup is lost
  for (const std::string& id : later) CHECK(o.Node("v1", {"show", id}).exit_code == 0);

  // Now it writes again, with the next number, and every receiver accepts it.
  o.NodeOk("v1", {"submit", draft_id, "--by", "王文书"});
  CHECK(o.Count("v1", kOwn) == own_before_loss + 1);
  CHECK(o.Count("v1",
                "SELECT max(seq) FROM journal WHERE origin = "
                "(SELECT CAST(value AS TEXT) FROM settings WHERE key = 'node_id')") ==
        own_before_loss + 1);
  o.SyncOk("v1");
  o.SyncOk("township");
  CHECK(Alarms(o, "v1") == 0);
  CHECK(Alarms(o, "township") == 0);
  CHECK(Alarms(o, "hub") == 0);
  CHECK(o.Count("hub", "SELECT count(*) FROM refused_envelope") == 0);
  CHECK(o.Digest("v1", kVillage) == o.Digest("hub", kVillage));
  CHECK(o.Digest("township", kVillage) == o.Digest("hub", kVillage));
  RunResult audit = RunProgram(o.dir(), "gongkai-hub", {"audit", "verify", "--home", "hub"});
  INFO(audit.out << audit.err);
  CHECK(audit.exit_code == 0);
}

TEST_CASE(
    "restore refuses a wrong passphrase, a cut or edited file, another kind, an occupied home") {
  County c;
  Office& o = c.o;
  SubmitNotice(o, "v1", "关于召开村民代表会议的通知");
  REQUIRE(c.Backup("v1", "v1.gkbackup").exit_code == 0);
  const std::filesystem::path file = o.dir() / "v1.gkbackup";
  const std::string bytes = testing::Slurp(file);
  REQUIRE(bytes.size() > 1000);

  SUBCASE("an occupied home, without --replace") {
    RunResult r =
        o.Node("v1", {"restore", "--from", "v1.gkbackup", "--passphrase-file", "backup.pass"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("backup.home") != std::string::npos);
  }
  SUBCASE("a wrong passphrase") {
    WritePassphrase(o.dir() / "wrong.pass", "不是这个口令");
    RunResult r =
        o.Node("v2", {"restore", "--from", "v1.gkbackup", "--passphrase-file", "wrong.pass"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("backup.passphrase") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(o.dir() / "v2"));
  }
  SUBCASE("a file cut short") {
    std::ofstream(o.dir() / "cut.gkbackup", std::ios::binary)
        << bytes.substr(0, bytes.size() - 100);
    RunResult r =
        o.Node("v2", {"restore", "--from", "cut.gkbackup", "--passphrase-file", "backup.pass"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("backup.damaged") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(o.dir() / "v2"));
  }
  SUBCASE("one byte changed in the middle") {
    std::string edited = bytes;
    edited[edited.size() / 2] ^= 0x01;
    std::ofstream(o.dir() / "edited.gkbackup", std::ios::binary) << edited;
    RunResult r =
        o.Node("v2", {"restore", "--from", "edited.gkbackup", "--passphrase-file", "backup.pass"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("backup.") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(o.dir() / "v2"));
  }
  SUBCASE("a node's backup given to the hub") {
    RunResult r = RunProgram(
        o.dir(), "gongkai-hub",
        {"restore", "--home", "hub2", "--from", "v1.gkbackup", "--passphrase-file", "backup.pass"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("backup.home") != std::string::npos);
  }
  SUBCASE("into a new home, where it may write at once after a sync") {
    RunResult r =
        o.Node("v2", {"restore", "--from", "v1.gkbackup", "--passphrase-file", "backup.pass"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(o.IntegrityCheck("v2") == "ok");
    CHECK(o.Count("v2", kOwn) == o.Count("v1", kOwn));
    CHECK(o.Digest("v2", kVillage) == o.Digest("v1", kVillage));
  }
}

TEST_CASE("the hub is backed up while it serves, and its restored home passes audit verify") {
  County c;
  Office& o = c.o;
  o.StartHub();
  SubmitNotice(o, "v1", "关于召开村民代表会议的通知");
  o.SyncOk("v1");
  RunResult backup = o.Hub({"backup", "--out", "hub.gkbackup", "--passphrase-file", "backup.pass",
                            "--fast-kdf", "--json"});
  INFO(backup.out << backup.err);
  REQUIRE(backup.exit_code == 0);
  auto made = ParseJsonObject(backup.out);
  REQUIRE(made.ok());
  auto files = made->StringsOr("files");
  REQUIRE(files.ok());
  for (const char* name : {"replica.db", "hub.key", "root.key"}) {
    CHECK(std::find(files->begin(), files->end(), name) != files->end());
  }
  // Still serving: a village syncs after the backup.
  SubmitNotice(o, "v1", "村道硬化筹资公告");
  o.SyncOk("v1");
  o.StopHub();

  RunResult restore = RunProgram(
      o.dir(), "gongkai-hub",
      {"restore", "--home", "hub2", "--from", "hub.gkbackup", "--passphrase-file", "backup.pass"});
  INFO(restore.out << restore.err);
  REQUIRE(restore.exit_code == 0);
  struct stat st {};
  REQUIRE(::stat((o.dir() / "hub2" / "root.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0077) == 0);
  CHECK(o.IntegrityCheck("hub2") == "ok");
  CHECK(o.Count("hub2", "SELECT count(*) FROM log_entry") ==
        made->IntegerOr("journal", -1).value_or(-1));
  RunResult audit = RunProgram(o.dir(), "gongkai-hub", {"audit", "verify", "--home", "hub2"});
  INFO(audit.out << audit.err);
  CHECK(audit.exit_code == 0);
}

}  // namespace
}  // namespace gongkai
