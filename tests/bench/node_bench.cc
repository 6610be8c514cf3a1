// Benchmark of node/: import + submit of a 1,000-row 惠农补贴 list (one envelope), the
// rate at which a township applies received envelopes (rows/s and envelopes/s), and a bundle
// of everything the village wrote, exported for the county and imported there.
//
//   node_bench [--runs N]
//
// Every figure is measured in this run on this machine.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "node/replica/apply.h"
#include "node/exchange/exchange.h"
#include "node/replica/replica.h"
#include "node/workflow/workflow.h"
#include "protocol/certificate.h"
#include "protocol/hlc.h"
#include "tests/node/large_lists.h"

namespace gongkai {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kWallMs = 1'790'000'000'000;

void Die(const Status& status, const char* what) {
  if (status.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
  std::exit(1);
}

struct Node {
  SecretKey key = SecretKey::Generate();
  std::unique_ptr<Replica> replica;
  std::unique_ptr<HlcClock> clock;
  Bytes certificate;
};

std::unique_ptr<Node> MakeNode(const std::filesystem::path& dir, const std::string& name,
                               const SecretKey& root, Role role, const std::string& region) {
  auto node = std::make_unique<Node>();
  Certificate cert;
  cert.county = "511304";
  cert.subject_key = node->key.public_key();
  cert.role = role;
  cert.region = region;
  cert.name = name;
  cert.issued_hlc = MakeHlc(kWallMs, 0);
  cert.serial = RandomSerial();
  auto body = SignCertificate(cert, root);
  Die(body.status(), "certificate");
  node->certificate = *body;
  auto replica = Replica::Open(dir / (name + ".db"));
  Die(replica.status(), "open");
  node->replica = std::make_unique<Replica>(std::move(*replica));
  Die(node->replica->SetIdentity(
          {node->key.node_id(), role, region, node->certificate, root.public_key()}),
      "identity");
  node->clock = std::make_unique<HlcClock>([] { return kWallMs; }, 0);
  return node;
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace
}  // namespace gongkai

int main(int argc, char** argv) {
  using namespace gongkai;
  int runs = 15;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
  }
  char pattern[] = "/tmp/gongkai-bench-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return 1;
  const std::filesystem::path dir(pattern);
  SecretKey root = SecretKey::Generate();
  auto village = MakeNode(dir, "village", root, Role::kVillage, "511304100201");
  auto township = MakeNode(dir, "township", root, Role::kTownship, "511304100");
  Die(township->replica->AddKnownCertificate(village->certificate), "known certificate");

  const std::string csv = (dir / "list.csv").string();
  {
    std::ofstream out(csv);
    out << testing::LargeSubsidyCsv(1000);
  }
  std::vector<double> import_s, submit_s;
  std::vector<Bytes> envelopes;
  for (int run = 0; run < runs; ++run) {
    DraftInput input;
    input.category = Category::kSubsidy;
    input.title = "补贴公示";
    input.period = "2024";
    input.import_path = csv;
    auto start = Clock::now();
    auto draft = CreateDraft(*village->replica, input, static_cast<int64_t>(kWallMs));
    Die(draft.status(), "draft");
    import_s.push_back(Seconds(start));
    Actor actor{&village->key, village->clock.get(), "文书", static_cast<int64_t>(kWallMs)};
    start = Clock::now();
    auto submitted = Submit(*village->replica, actor, draft->id);
    Die(submitted.status(), "submit");
    submit_s.push_back(Seconds(start));
    envelopes.push_back(submitted->envelope.bytes);
  }
  std::printf("1,000-row subsidy list, median of %d runs:\n", runs);
  std::printf("  import (read, validate, mask, draft)  %.1f ms\n", Median(import_s) * 1e3);
  std::printf("  submit (rows + envelope, one commit)  %.1f ms\n", Median(submit_s) * 1e3);
  std::printf("  envelope size                         %zu bytes\n", envelopes[0].size());

  // Apply: the township receives every list (1,001 rows each).
  auto start = Clock::now();
  int64_t rows = 0;
  for (const Bytes& envelope : envelopes) {
    auto applied = ApplyEnvelope(*township->replica, envelope, "bench");
    Die(applied.status(), "apply");
    rows += applied->rows_inserted;
  }
  const double apply_s = Seconds(start);
  std::printf("apply of %zu list envelopes (%lld rows): %.1f ms, %.0f rows/s\n", envelopes.size(),
              static_cast<long long>(rows), apply_s * 1e3, rows / apply_s);

  // Small envelopes: one review row each, as most sync traffic is.
  std::vector<Bytes> reviews;
  auto draft_input = DraftInput{};
  draft_input.category = Category::kAffairs;
  draft_input.title = "公告";
  draft_input.period = "2024";
  for (int i = 0; i < 500; ++i) {
    auto draft = CreateDraft(*village->replica, draft_input, static_cast<int64_t>(kWallMs));
    Die(draft.status(), "draft");
    Actor actor{&village->key, village->clock.get(), "文书", static_cast<int64_t>(kWallMs)};
    auto submitted = Submit(*village->replica, actor, draft->id);
    Die(submitted.status(), "submit");
    reviews.push_back(submitted->envelope.bytes);
  }
  start = Clock::now();
  for (const Bytes& envelope : reviews) Die(ApplyEnvelope(*township->replica, envelope, "bench").status(), "apply");
  const double small_s = Seconds(start);
  std::printf("apply of %zu one-row envelopes: %.1f ms, %.0f envelopes/s\n", reviews.size(),
              small_s * 1e3, reviews.size() / small_s);

  // A bundle of everything the village holds, for a county node that has none of it.
  auto county = MakeNode(dir, "county", root, Role::kCounty, "511304");
  Die(county->replica->AddKnownCertificate(village->certificate), "known certificate");
  const std::filesystem::path bundle = dir / "village.gkb";
  ExportOptions for_county;
  for_county.for_region = "511304";
  start = Clock::now();
  auto exported = ExportBundle(*village->replica, village->key, bundle, for_county);
  Die(exported.status(), "export");
  const double export_s = Seconds(start);
  start = Clock::now();
  auto imported = ImportBundle(*county->replica, bundle);
  Die(imported.status(), "import");
  const double bundle_import_s = Seconds(start);
  if (!imported->all_accepted() || imported->applied != exported->envelopes) {
    std::fprintf(stderr, "bundle: applied %zu of %zu\n", imported->applied, exported->envelopes);
    return 1;
  }
  std::printf("bundle of %zu envelopes, %.1f KB: export %.1f ms, import %.1f ms"
              " (%.0f envelopes/s)\n",
              exported->envelopes, exported->bytes / 1024.0, export_s * 1e3,
              bundle_import_s * 1e3, exported->envelopes / bundle_import_s);
  std::filesystem::remove_all(dir);
  return 0;
}
