// Benchmark of `gongkai-hub audit verify` (hub/audit/audit_verify.h) on a county log of real
// envelopes: a village writes one disclosure version per envelope (node/replica/capture.h, real
// changesets and signatures), the hub applies them in batches of 256 as a push would, logs
// them, issues a receipt for each and signs a checkpoint after each batch. The audit then
// recomputes everything from the stored envelopes.
//
//   hub_audit_bench [--entries N] [--dir DIR]      (default 100,000 envelopes, temp folder)
//
// With --dir, a folder that already holds the log from an earlier run is only audited again.
//
// Building the log is not what is measured; only VerifyHubDatabase is timed. Every figure is
// measured in this run on this machine.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include "hub/audit/audit_verify.h"
#include "hub/county/county.h"
#include "hub/log/log.h"
#include "node/replica/apply.h"
#include "node/replica/capture.h"
#include "node/exchange/enrolment.h"
#include "node/replica/node_key.h"
#include "node/replica/replica.h"
#include "node/replica/sql.h"
#include "protocol/hlc.h"
#include "protocol/key_file.h"
#include "protocol/wall_clock.h"
#include "tests/bench/bench_support.h"

namespace gongkai {
namespace {

using bench::Clock;
using bench::Must;
using bench::Since;


constexpr char kCounty[] = "511304";
constexpr char kVillage[] = "511304100201";
constexpr char kPassphrase[] = "bench";
constexpr int kPushBatch = 256;

long PeakRssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

// One disclosure version per envelope, as a village clerk's submit writes it.
Status WriteVersion(sqlite3* db, const CaptureStamp& stamp, uint64_t n) {
  GK_ASSIGN_OR_RETURN(Statement insert,
                      Statement::Prepare(db,
                                         "INSERT INTO disclosure_version(version_id, disclosure_id,"
                                         " parent_version, category, title, period, body,"
                                         " publicity_from, publicity_to, item_count, content_hash,"
                                         " author, origin, hlc, region) VALUES"
                                         " (?, ?, '', 'affairs', ?, '2024', ?, '2024-07-01',"
                                         " '2024-07-10', 0, ?, '张文书', ?, ?, ?)"));
  const std::string id = HashHex(Sha256(AsBytes("version " + std::to_string(n)))).substr(0, 32);
  const std::string body = R"({"attachments":[],"headers":[],"text":"第 )" + std::to_string(n) +
                           R"( 号村务公开事项：村民代表会议决定修缮村道一段。"})";
  insert.Bind(1, id).Bind(2, id).Bind(3, "石庙村村务公开 第 " + std::to_string(n) + " 号");
  insert.Bind(4, body).Bind(5, HashHex(Sha256(AsBytes(body))));
  insert.Bind(6, stamp.origin).Bind(7, static_cast<int64_t>(stamp.hlc)).Bind(8, kVillage);
  return insert.Run();
}

void BuildLog(const std::filesystem::path& dir, uint64_t entries) {
  const std::filesystem::path hub_home = dir / "hub";
  const std::filesystem::path village_home = dir / "village";
  County county =
      Must(InitCounty(hub_home, kCounty, "南充市嘉陵区", kPassphrase, kKdfInteractive), "init");
  Bytes request =
      Must(StartEnrolment(village_home, kVillage, "石庙村 村委会", 1'790'000'000'000), "request");
  Bytes certificate =
      Must(EnrollFromRequest(county, kPassphrase, request, Role::kVillage), "enrol");
  Must(CompleteEnrolment(village_home, certificate), "complete");

  Replica village = Must(Replica::Open(village_home / "replica.db"), "village replica");
  Must(ExecSql(village.db(), "PRAGMA synchronous=OFF"), "village pragma");
  const SecretKey key = Must(LoadNodeKey(village_home / "node.key"), "village key");
  HlcClock clock(
      [] { return static_cast<uint64_t>(WallClockMs()); },
      Must(village.LastHlc(), "hlc"));
  Must(ExecSql(county.replica().db(), "PRAGMA synchronous=OFF"), "hub pragma");
  HubLog log =
      Must(HubLog::Open(county.replica(), county.hub_key(), CountyLogOrigin(kCounty)), "log");
  Must(log.AppendMissing(), "log the county's envelopes");

  const auto start = Clock::now();
  std::vector<CapturedEnvelope> batch;
  for (uint64_t n = 1; n <= entries; ++n) {
    batch.push_back(Must(
        Capture(village, key, clock,
                [n](sqlite3* db, const CaptureStamp& stamp) { return WriteVersion(db, stamp, n); }),
        "capture"));
    if (batch.size() < kPushBatch && n < entries) continue;
    // One push: apply, log and receipt each under one commit, then a checkpoint.
    Must(ExecSql(county.replica().db(), "BEGIN IMMEDIATE"), "begin");
    for (const CapturedEnvelope& e : batch) {
      Must(ApplyEnvelope(county.replica(), e.bytes, "node:bench"), "apply");
      Must(log.Append(e.id, 1'790'000'000'000 + static_cast<int64_t>(e.seq)), "append");
      Must(log.IssueReceipt(e.id), "receipt");
    }
    Must(log.SignCheckpoint(), "checkpoint");
    Must(ExecSql(county.replica().db(), "COMMIT"), "commit");
    batch.clear();
    if (n / 10000 != (n - kPushBatch) / 10000)
      std::fprintf(stderr, "built %llu envelopes (%.1f s)\n", static_cast<unsigned long long>(n),
                   Since(start));
  }
  Must(ExecSql(county.replica().db(), "PRAGMA wal_checkpoint(TRUNCATE)"), "wal checkpoint");
  std::printf("built a log of %llu village envelopes in %.1f s (not measured below)\n",
              static_cast<unsigned long long>(entries), Since(start));
}

}  // namespace
}  // namespace gongkai

int main(int argc, char** argv) {
  using namespace gongkai;
  uint64_t entries = 100000;
  std::filesystem::path dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--entries") == 0) entries = std::strtoull(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
  }
  const bool temporary = dir.empty();
  if (temporary) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "hub-audit-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return 1;
    dir = pattern;
  }
  // A folder that already holds a built log (from an earlier run with --dir) is audited again.
  if (!std::filesystem::exists(dir / "hub" / "replica.db")) BuildLog(dir, entries);

  const std::filesystem::path db = dir / "hub" / "replica.db";
  std::printf("hub database: %.1f MB\n", static_cast<double>(std::filesystem::file_size(db)) / 1e6);
  const auto start = Clock::now();
  const std::clock_t cpu_start = std::clock();
  AuditOptions options;
  options.scratch_parent = dir;
  AuditReport report = Must(VerifyHubDatabase(db, options), "audit");
  const double seconds = Since(start);
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::printf(
      "audit verify: %llu log entries, %llu checkpoints, %llu receipts, %llu replica rows\n",
      static_cast<unsigned long long>(report.log_size),
      static_cast<unsigned long long>(report.checkpoints),
      static_cast<unsigned long long>(report.receipts),
      static_cast<unsigned long long>(report.replica_rows));
  std::printf("audit verify: %.1f s CPU (one thread)\n", cpu_seconds);
  std::printf("audit verify: %.1f s wall, %.0f entries/s, problems %llu, peak RSS %ld kB\n",
              seconds, static_cast<double>(report.log_size) / seconds,
              static_cast<unsigned long long>(report.problem_count), PeakRssKb());
  if (temporary) std::filesystem::remove_all(dir);
  return report.ok() ? 0 : 1;
}
