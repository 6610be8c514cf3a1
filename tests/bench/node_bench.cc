// Benchmark of node/: a village writes N envelopes (one disclosure version with 5 items
// each), exports them in one bundle for the county, and the county imports it. Prints the
// time of each step and the bundle size. Every envelope is committed on its own with
// synchronous=FULL, so the import rate is bound by the disk's fsync rate: run it on the
// kind of disk a node has.
//
//   node_bench [--envelopes N] [--dir DIR]
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "node/capture.h"
#include "node/exchange.h"
#include "node/replica.h"
#include "node/sql.h"
#include "protocol/certificate.h"
#include "protocol/hlc.h"

namespace gongkai {
namespace {

constexpr char kCounty[] = "511304";
constexpr char kVillage[] = "511304100201";

struct Node {
  SecretKey key = SecretKey::Generate();
  Bytes certificate;
  std::unique_ptr<Replica> replica;
};

Status Enrol(Node& node, const SecretKey& root, Role role, const std::string& region,
             const std::filesystem::path& path) {
  Certificate cert;
  cert.county = kCounty;
  cert.subject_key = node.key.public_key();
  cert.role = role;
  cert.region = region;
  cert.name = region;
  cert.issued_hlc = MakeHlc(HlcClock::SystemWallMs(), 0);
  cert.serial = RandomSerial();
  GK_ASSIGN_OR_RETURN(node.certificate, SignCertificate(cert, root));
  GK_ASSIGN_OR_RETURN(Replica replica, Replica::Open(path));
  node.replica = std::make_unique<Replica>(std::move(replica));
  return node.replica->SetIdentity(
      {node.key.node_id(), role, region, node.certificate, root.public_key()});
}

Status WriteVersion(sqlite3* db, const CaptureStamp& s, int n) {
  const std::string tail =
      "', '" + s.origin + "', " + std::to_string(s.hlc) + ", '" + std::string(kVillage) + "')";
  const std::string id = "v" + std::to_string(n);
  GK_RETURN_IF_ERROR(ExecSql(db, "INSERT INTO disclosure_version VALUES('" + id + "', 'd" + id +
                                     "', '', 'finance', '2026年第三季度财务公开', '2026Q3', "
                                     "'{\"closing_cents\":1,\"opening_cents\":1,\"text\":\"\"}',"
                                     " '2026-10-01', '2026-10-16', 5, '', '报账员" +
                                     tail));
  for (int line = 1; line <= 5; ++line) {
    GK_RETURN_IF_ERROR(
        ExecSql(db, "INSERT INTO disclosure_item VALUES('" + id + "', " + std::to_string(line) +
                        ", '{\"摘要\":\"购买办公用品\",\"支出\":\"128.00\"}" + tail));
  }
  return Status::Ok();
}

double Ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

int Run(int envelopes, const std::filesystem::path& dir) {
  auto fail = [](const Status& s) {
    std::fprintf(stderr, "node_bench: %s\n", s.ToString().c_str());
    return 1;
  };
  const SecretKey root = SecretKey::Generate();
  Node county, village;
  if (Status s = Enrol(county, root, Role::kCounty, kCounty, dir / "county.db"); !s.ok()) {
    return fail(s);
  }
  if (Status s = Enrol(village, root, Role::kVillage, kVillage, dir / "village.db"); !s.ok()) {
    return fail(s);
  }
  // Each knows the other's certificate, as after enrolment and a first sync.
  if (Status s = county.replica->AddKnownCertificate(village.certificate); !s.ok()) return fail(s);
  if (Status s = village.replica->AddKnownCertificate(county.certificate); !s.ok()) return fail(s);

  HlcClock clock(HlcClock::SystemWallMs, 0);
  auto start = std::chrono::steady_clock::now();
  for (int n = 0; n < envelopes; ++n) {
    auto captured = Capture(*village.replica, village.key, clock,
                            [n](sqlite3* db, auto& s) { return WriteVersion(db, s, n); });
    if (!captured.ok()) return fail(captured.status());
  }
  const double capture_ms = Ms(start);

  const auto path = dir / "village.gkb";
  ExportOptions options;
  options.for_region = kCounty;
  start = std::chrono::steady_clock::now();
  auto exported = ExportBundle(*village.replica, village.key, path, options);
  if (!exported.ok()) return fail(exported.status());
  const double export_ms = Ms(start);

  start = std::chrono::steady_clock::now();
  auto imported = ImportBundle(*county.replica, path);
  if (!imported.ok()) return fail(imported.status());
  const double import_ms = Ms(start);
  if (imported->applied != static_cast<size_t>(envelopes) || !imported->all_accepted()) {
    std::fprintf(stderr, "node_bench: applied %zu of %d\n", imported->applied, envelopes);
    return 1;
  }
  std::printf("envelopes %d, bundle %.1f KB (%.0f bytes per envelope)\n", envelopes,
              exported->bytes / 1024.0, static_cast<double>(exported->bytes) / envelopes);
  std::printf("capture  %9.1f ms  %8.0f envelopes/s\n", capture_ms, envelopes / capture_ms * 1e3);
  std::printf("export   %9.1f ms  %8.0f envelopes/s\n", export_ms, envelopes / export_ms * 1e3);
  std::printf("import   %9.1f ms  %8.0f envelopes/s\n", import_ms, envelopes / import_ms * 1e3);
  return 0;
}

}  // namespace
}  // namespace gongkai

int main(int argc, char** argv) {
  int envelopes = 2000;
  std::filesystem::path dir;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--envelopes") == 0 && i + 1 < argc) {
      envelopes = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::printf("usage: node_bench [--envelopes N] [--dir DIR]\n");
      return std::strcmp(argv[i], "--help") == 0 ? 0 : 2;
    }
  }
  if (envelopes < 1) return 2;
  bool made = false;
  if (dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "node-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return 1;
    dir = pattern;
    made = true;
  }
  const int rc = gongkai::Run(envelopes, dir);
  if (made) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  return rc;
}
