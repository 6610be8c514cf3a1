// A full disk, with the real programs on a small filesystem of their own (a tmpfs mounted by
// the test; skipped with a message where mounting is refused): the village's write and the
// hub's intake fail with a clear Chinese message, the hub stays up, and once space is freed
// both databases pass integrity_check, the sync completes, nothing written before is lost and
// `audit verify` passes.
#include <doctest/doctest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "node/replica/sql.h"
#include "tests/hub/audit_fixture.h"

namespace gongkai::testing {
namespace {

// A tmpfs of `megabytes` at `path`, unmounted when destroyed.
struct SmallDisk {
  std::filesystem::path path;
  bool mounted = false;
  std::string refusal;

  SmallDisk(std::filesystem::path at, int megabytes) : path(std::move(at)) {
    std::filesystem::create_directories(path);
    const std::string options = "size=" + std::to_string(megabytes) + "m";
    mounted = ::mount("tmpfs", path.c_str(), "tmpfs", 0, options.c_str()) == 0;
    if (!mounted) refusal = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted) ::umount2(path.c_str(), MNT_DETACH);
  }
};

// Writes `path` until the filesystem refuses more; returns the bytes written.
size_t FillDisk(const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  const std::string chunk(64 * 1024, '\0');
  size_t written = 0;
  while (out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) {
    out.flush();
    if (!out) break;
    written += chunk.size();
  }
  return written;
}

std::string Integrity(const std::filesystem::path& db) {
  return QueryText(db, "PRAGMA integrity_check");
}

// The command's stdout and stderr together, and its exit code.
std::pair<int, std::string> RunWithErrors(const std::filesystem::path& scratch,
                                          std::vector<std::string> argv) {
  const std::filesystem::path err = scratch / "stderr.txt";
  std::filesystem::remove(err);
  ChildProcess child(argv, err.string());
  std::string said = child.ReadAll();
  const int exit_code = child.Wait();
  std::ifstream in(err);
  said += std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return {exit_code, said};
}

TEST_CASE("a full disk: a clear error, the hub stays up, nothing lost once space is freed") {
  TempDir dir;
  // The hub and the village each on a disk of its own, so that each one's full disk is seen.
  SmallDisk hub_disk(dir.path() / "hub-disk", 24);
  SmallDisk village_disk(dir.path() / "village-disk", 24);
  if (!hub_disk.mounted || !village_disk.mounted) {
    MESSAGE("跳过：无法挂载测试用的小文件系统（" << hub_disk.refusal << village_disk.refusal << "）");
    return;
  }
  const std::filesystem::path hub_home = hub_disk.path / "hub";
  const std::filesystem::path village = village_disk.path / "village";
  {
    Result<County> county =
        InitCounty(hub_home, kCountyCode, kCountyName, kPassphrase, kKdfInteractive);
    REQUIRE(county.ok());
    AuditEnrol(*county, village, "511304100201", "石庙村 村委会", Role::kVillage);
  }
  ChildProcess server({HubBinary(), "serve", "--home", hub_home.string(), "--listen",
                       "127.0.0.1:0"});
  const std::string line = server.ReadLine();
  REQUIRE(line.starts_with("listening on "));
  const std::string url = "http://" + line.substr(std::string("listening on ").size());
  AuditedCounty::Publish(village, "石庙村2024年第一季度村务公开");
  AuditedCounty::Sync(village, url);
  AuditedCounty::Publish(village, "石庙村2024年第二季度村务公开");  // not yet synced

  const std::filesystem::path village_filler = village_disk.path / "filler";
  const std::filesystem::path hub_filler = hub_disk.path / "filler";
  REQUIRE(FillDisk(village_filler) > 0);

  // The village cannot write: told so in Chinese, and the draft it tried is not half-kept.
  auto [new_exit, new_said] = RunWithErrors(
      dir.path(), {NodeBinary(), "new", "--category", "affairs", "--title", "第三季度",
                   "--period", "2024", "--body", "正文", "--home", village.string()});
  INFO(new_said);
  CHECK(new_exit > 0);
  CHECK(new_exit < 128);
  CHECK(new_said.find("磁盘已满") != std::string::npos);

  std::filesystem::remove(village_filler);
  CHECK(Integrity(village / "replica.db") == "ok");
  REQUIRE(FillDisk(hub_filler) > 0);

  // The hub cannot take the push in: the village is told why, the hub answers on.
  auto [sync_exit, sync_said] = RunWithErrors(
      dir.path(), {NodeBinary(), "sync", "--hub", url, "--home", village.string()});
  INFO(sync_said);
  CHECK(sync_exit > 0);
  CHECK(sync_exit < 128);
  CHECK(sync_said.find("汇聚服务器") != std::string::npos);
  CHECK(sync_said.find("磁盘已满") != std::string::npos);
  CHECK(kill(server.pid(), 0) == 0);
  httplib::Client health(url);
  auto alive = health.Get("/v1/health");
  REQUIRE(alive);
  CHECK(alive->status == 200);

  std::filesystem::remove(hub_filler);
  CHECK(Integrity(hub_home / "replica.db") == "ok");
  AuditedCounty::Sync(village, url);
  CommandResult status = RunGongkai(village, {"status", "--json"});
  REQUIRE(status.exit_code == 0);
  Result<JsonValue> json = ParseJsonObject(status.out);
  REQUIRE(json.ok());
  CHECK(*json->IntegerOr("pending_envelopes", -1) == 0);
  CHECK(QueryText(hub_home / "replica.db",
                  "SELECT count(*) FROM disclosure_version WHERE region = '511304100201'") == "2");
  AuditedCounty::Stop(server);
  CommandResult audit = RunHub({"audit", "verify", "--home", hub_home.string()});
  INFO(audit.out);
  CHECK(audit.exit_code == 0);
}

}  // namespace
}  // namespace gongkai::testing
