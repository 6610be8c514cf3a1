// Test support: a county office run with the real programs. A folder holds the hub home
// ("hub") and every node home (named by the caller, relative to the folder); nodes are
// enrolled offline by request and certificate files; bundles are carried between homes; the
// hub can be served on 127.0.0.1, killed with SIGKILL and started again from its files.
#ifndef GONGKAI_TESTS_HUB_COUNTY_OFFICE_H_
#define GONGKAI_TESTS_HUB_COUNTY_OFFICE_H_

#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "node/replica/digest.h"
#include "node/json/json_value.h"
#include "node/replica/replica.h"
#include "node/replica/sql.h"
#include "protocol/sha256.h"
#include "tests/hub/child_process.h"
#include "tests/hub/program_runner.h"

namespace gongkai::testing {

inline constexpr char kOfficeCountyCode[] = "511304";

// Bytes a process has read so far (rchar of /proc/PID/io: sockets and files), or -1.
inline int64_t ProcessReadBytes(pid_t pid) {
  std::ifstream io("/proc/" + std::to_string(pid) + "/io");
  std::string key;
  int64_t value = -1;
  while (io >> key >> value) {
    if (key == "rchar:") return value;
  }
  return -1;
}

// Whether the process is still running (not exited, not a zombie waiting to be reaped).
inline bool ProcessRunning(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z';
}

class Office {
 public:
  explicit Office(const std::filesystem::path& dir) : dir_(dir) {}
  Office(const Office&) = delete;
  Office& operator=(const Office&) = delete;

  RunResult Node(const std::string& home, std::vector<std::string> args) {
    args.insert(args.end(), {"--home", home});  // options may come after the command's words
    RunResult r = RunProgram(dir_, "gongkai", args);
    INFO("gongkai " << Join(args) << "\n" << r.out << r.err);
    return r;
  }
  RunResult Hub(std::vector<std::string> args) {
    args.insert(args.end(), {"--home", "hub"});
    return RunProgram(dir_, "gongkai-hub", args);
  }
  // Runs and requires success; returns stdout parsed as a JSON object.
  JsonValue NodeJson(const std::string& home, std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = Node(home, args);
    INFO(Join(args) << "\n" << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto value = ParseJsonObject(r.out);
    REQUIRE(value.ok());
    return *value;
  }
  void NodeOk(const std::string& home, std::vector<std::string> args) {
    RunResult r = Node(home, args);
    INFO(Join(args) << "\n" << r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }
  void HubOk(std::vector<std::string> args) {
    RunResult r = Hub(args);
    INFO(Join(args) << "\n" << r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }
  // `gongkai-hub init` of county 511304 with a fast key derivation; the passphrase in pass.txt.
  void InitCounty() {
    {
      std::ofstream pass(dir_ / "pass.txt");
      pass << "县根密钥口令-测试\n";
    }
    HubOk({"init", "--county", kOfficeCountyCode, "--name", "嘉陵区", "--passphrase-file",
           "pass.txt", "--fast-kdf"});
  }
  void Enrol(const std::string& home, const std::string& region, const std::string& name,
             const std::string& role) {
    NodeOk(home, {"init", "--region", region, "--name", name, "--request-out", home + ".req"});
    HubOk({"enroll", "--request", home + ".req", "--role", role, "--out", home + ".cert",
           "--passphrase-file", "pass.txt"});
    NodeOk(home, {"init", "--certificate", home + ".cert"});
  }
  // `from` exports a bundle for `for_region` ("" = everything) into a new file; returns its name.
  std::string Export(const std::string& from, const std::string& to,
                     const std::string& for_region) {
    const std::string file = from + "-to-" + to + "-" + std::to_string(++carried_) + ".gkb";
    std::vector<std::string> out = {"bundle", "export", "--out", file};
    if (!for_region.empty()) out.insert(out.end(), {"--for", for_region});
    if (from == "hub") {
      HubOk(out);
    } else {
      NodeOk(from, out);
    }
    return file;
  }
  void Import(const std::string& to, const std::string& file) {
    if (to == "hub") {
      HubOk({"bundle", "import", file});
    } else {
      NodeOk(to, {"bundle", "import", file});
    }
  }
  // Carries a bundle from one node to another: `from` exports for `for_region`, `to` imports.
  void Carry(const std::string& from, const std::string& to, const std::string& for_region) {
    Import(to, Export(from, to, for_region));
  }
  std::string Digest(const std::string& home, const std::string& region) {
    auto replica = Replica::Open(dir_ / home / "replica.db", ReplicaOptions{false, 5000, {}});
    REQUIRE(replica.ok());
    auto digest = RegionDigest(*replica, region);
    REQUIRE(digest.ok());
    return HashHex(*digest);
  }
  // The rows of `PRAGMA integrity_check` on a home's replica.db ("ok" when sound).
  std::string IntegrityCheck(const std::string& home) {
    auto replica = Replica::Open(dir_ / home / "replica.db", ReplicaOptions{false, 5000, {}});
    REQUIRE(replica.ok());
    auto check = Statement::Prepare(replica->db(), "PRAGMA integrity_check");
    REQUIRE(check.ok());
    std::string rows;
    while (true) {
      auto row = check->Step();
      REQUIRE(row.ok());
      if (!*row) break;
      rows += (rows.empty() ? "" : "\n") + check->ColumnText(0);
    }
    return rows;
  }
  // The value of one SQL count on a home's replica.db.
  int64_t Count(const std::string& home, const std::string& sql) {
    auto replica = Replica::Open(dir_ / home / "replica.db", ReplicaOptions{false, 5000, {}});
    REQUIRE(replica.ok());
    auto n = QueryInt(replica->db(), sql);
    REQUIRE(n.ok());
    return n->value_or(0);
  }

  // --- The hub served on 127.0.0.1 ---------------------------------------------------------

  // Starts `gongkai-hub serve`; port 0 picks a free one. A restart passes the old port so that
  // nodes (and a sync that is retrying) find the hub where it was. `extra` options of serve
  // are kept for the restarts.
  void StartHub(int port = 0, std::vector<std::string> extra = {}) {
    if (!extra.empty()) serve_extra_ = std::move(extra);
    for (int attempt = 0;; ++attempt) {
      std::vector<std::string> argv = {HubBinary(), "serve", "--home", (dir_ / "hub").string(),
                                       "--listen", "127.0.0.1:" + std::to_string(port)};
      argv.insert(argv.end(), serve_extra_.begin(), serve_extra_.end());
      server_ = std::make_unique<ChildProcess>(argv, (dir_ / "hub-serve.log").string());
      const std::string line = server_->ReadLine();
      const std::string prefix = "listening on 127.0.0.1:";
      if (line.starts_with(prefix)) {
        port_ = std::stoi(line.substr(prefix.size()));
        REQUIRE(port_ > 0);
        return;
      }
      const int code = server_->Wait();
      server_.reset();
      INFO("gongkai-hub serve exited " << code << ": " << Slurp(dir_ / "hub-serve.log"));
      REQUIRE(attempt < 20);  // the old port may be held a moment after a kill
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  // SIGKILL: the hub stops wherever it is, as on a power cut.
  void KillHub() {
    REQUIRE(server_ != nullptr);
    kill(server_->pid(), SIGKILL);
    server_->Wait();
    server_.reset();
  }
  // SIGTERM: the hub finishes its requests and exits 0.
  void StopHub() {
    REQUIRE(server_ != nullptr);
    REQUIRE(kill(server_->pid(), SIGTERM) == 0);
    CHECK(server_->Wait() == 0);
    server_.reset();
  }
  void RestartHubAfterKill() {
    KillHub();
    StartHub(port_);
  }
  // The next line the served hub printed after "listening on" (e.g. "metrics on …").
  std::string ReadHubLine() {
    REQUIRE(server_ != nullptr);
    return server_->ReadLine();
  }
  bool hub_running() const { return server_ != nullptr; }
  pid_t hub_pid() const { return server_ != nullptr ? server_->pid() : -1; }
  int port() const { return port_; }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // `gongkai sync --json` of a home against the served hub.
  RunResult Sync(const std::string& home) { return Node(home, {"sync", "--hub", Url(), "--json"}); }
  JsonValue SyncOk(const std::string& home) {
    RunResult r = Sync(home);
    INFO("sync of " << home << ": " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto value = ParseJsonObject(r.out);
    REQUIRE(value.ok());
    return *value;
  }
  // Starts `gongkai sync` of a home as a child process, for a caller that kills it.
  std::unique_ptr<ChildProcess> StartSync(const std::string& home) {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{NodeBinary(), "sync", "--home", (dir_ / home).string(), "--hub",
                                 Url(), "--json"},
        (dir_ / (home + "-sync.err")).string());
  }

  const std::filesystem::path& dir() const { return dir_; }

 private:
  static std::string Join(const std::vector<std::string>& args) {
    std::string s;
    for (const auto& a : args) s += a + " ";
    return s;
  }
  std::filesystem::path dir_;
  int carried_ = 0;
  std::unique_ptr<ChildProcess> server_;
  std::vector<std::string> serve_extra_;
  int port_ = 0;
};

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_HUB_COUNTY_OFFICE_H_
