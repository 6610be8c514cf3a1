// Benchmark of node/: import + submit of a 1,000-row 惠农补贴 list (one envelope), the
// rate at which a township applies received envelopes (rows/s and envelopes/s), and a bundle
// of everything the village wrote, exported for the county and imported there.
//
//   node_bench [--runs N] [--json]
//
// The apply rate is also given as a ratio to raw SQLite: the same rows inserted by one kept
// prepared INSERT per table into an empty copy of the same tables (same indexes, WAL,
// synchronous=FULL as Replica::Open), in one transaction. Every figure is measured in this
// run on this machine.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "node/exchange/exchange.h"
#include "node/replica/apply.h"
#include "node/replica/replica.h"
#include "node/replica/sql.h"
#include "node/workflow/workflow.h"
#include "protocol/certificate.h"
#include "protocol/hlc.h"
#include "protocol/schema.h"
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

// Rows per second of raw SQLite on the rows of the synced tables `from` holds: they are read
// into memory, then inserted into empty tables of the same definition (and indexes) in a new
// file `to`, one prepared INSERT per table kept for the run, in one transaction. Sets *rows.
double RawInsertRate(sqlite3* from, const std::filesystem::path& to, int64_t* rows) {
  sqlite3* db = nullptr;
  if (sqlite3_open(to.c_str(), &db) != SQLITE_OK) Die(Status::Internal("bench", "open"), "raw");
  Die(ExecSql(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL"), "raw pragmas");
  struct Table {
    std::string insert;
    std::vector<std::vector<Bytes>> rows;  // column values as text or blob bytes
    std::vector<std::vector<int>> types;
  };
  std::vector<Table> tables;
  *rows = 0;
  for (const TableSpec& spec : SyncedTables()) {
    const std::string name(spec.name);
    auto ddl = Statement::Prepare(
        from,
        "SELECT sql FROM sqlite_master WHERE tbl_name=? AND type IN ('table','index') "
        "AND sql IS NOT NULL ORDER BY type='index'");
    Die(ddl.status(), "ddl");
    ddl->Bind(1, name);
    while (*ddl->Step()) Die(ExecSql(db, ddl->ColumnText(0)), "raw create");
    Table table;
    table.insert = "INSERT INTO " + name + " VALUES (";
    for (size_t c = 0; c < spec.columns.size(); ++c) table.insert += c ? ",?" : "?";
    table.insert += ")";
    auto select = Statement::Prepare(from, "SELECT * FROM " + name);
    Die(select.status(), "select");
    while (*select->Step()) {
      std::vector<Bytes> values;
      std::vector<int> types;
      sqlite3_stmt* raw = select->get();
      for (int c = 0; c < sqlite3_column_count(raw); ++c) {
        types.push_back(sqlite3_column_type(raw, c));
        const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(raw, c));
        values.emplace_back(data, data + sqlite3_column_bytes(raw, c));
      }
      table.rows.push_back(std::move(values));
      table.types.push_back(std::move(types));
    }
    *rows += static_cast<int64_t>(table.rows.size());
    tables.push_back(std::move(table));
  }
  const auto start = Clock::now();
  Die(ExecSql(db, "BEGIN IMMEDIATE"), "raw begin");
  for (const Table& table : tables) {
    auto insert = Statement::Prepare(db, table.insert);
    Die(insert.status(), "raw prepare");
    sqlite3_stmt* raw = insert->get();
    for (size_t r = 0; r < table.rows.size(); ++r) {
      for (size_t c = 0; c < table.rows[r].size(); ++c) {
        const Bytes& v = table.rows[r][c];
        const int at = static_cast<int>(c) + 1;
        switch (table.types[r][c]) {
          case SQLITE_NULL:
            sqlite3_bind_null(raw, at);
            break;
          case SQLITE_INTEGER:
            sqlite3_bind_int64(raw, at, std::stoll(std::string(v.begin(), v.end())));
            break;
          case SQLITE_FLOAT:
            sqlite3_bind_double(raw, at, std::stod(std::string(v.begin(), v.end())));
            break;
          case SQLITE_TEXT:
            // An empty value must not be a null pointer, which would bind NULL.
            sqlite3_bind_text(raw, at, v.empty() ? "" : reinterpret_cast<const char*>(v.data()),
                              static_cast<int>(v.size()), SQLITE_STATIC);
            break;
          default:
            sqlite3_bind_blob(raw, at, v.empty() ? "" : static_cast<const void*>(v.data()),
                              static_cast<int>(v.size()), SQLITE_STATIC);
        }
      }
      const int rc = sqlite3_step(raw);
      if (rc != SQLITE_DONE) Die(SqlStatus(db, rc, "raw insert " + table.insert), "raw");
      sqlite3_reset(raw);
    }
  }
  Die(ExecSql(db, "COMMIT"), "raw commit");
  const double seconds = Seconds(start);
  sqlite3_close(db);
  return *rows / seconds;
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
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (std::string(argv[i]) == "--json") {
      json = true;
    } else {
      std::printf("usage: node_bench [--runs N] [--json]\n");
      return std::string(argv[i]) == "--help" ? 0 : 2;
    }
  }
  // Without --json the figures are printed as they are measured; with it, one JSON object.
  std::FILE* text = json ? std::fopen("/dev/null", "w") : stdout;
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
  std::fprintf(text, "1,000-row subsidy list, median of %d runs:\n", runs);
  std::fprintf(text, "  import (read, validate, mask, draft)  %.1f ms\n", Median(import_s) * 1e3);
  std::fprintf(text, "  submit (rows + envelope, one commit)  %.1f ms\n", Median(submit_s) * 1e3);
  std::fprintf(text, "  envelope size                         %zu bytes\n", envelopes[0].size());

  // Apply: the township receives every list (1,001 rows each).
  auto start = Clock::now();
  int64_t rows = 0;
  for (const Bytes& envelope : envelopes) {
    auto applied = ApplyEnvelope(*township->replica, envelope, "bench");
    Die(applied.status(), "apply");
    rows += applied->rows_inserted;
  }
  const double apply_s = Seconds(start);
  std::fprintf(text, "apply of %zu list envelopes (%lld rows): %.1f ms, %.0f rows/s\n",
               envelopes.size(), static_cast<long long>(rows), apply_s * 1e3, rows / apply_s);
  int64_t raw_rows = 0;
  const double raw_rate = RawInsertRate(township->replica->db(), dir / "raw.db", &raw_rows);
  std::fprintf(text,
               "raw SQLite prepared INSERT of the same tables' %lld rows: %.0f rows/s;"
               " apply / raw %.3f\n",
               static_cast<long long>(raw_rows), raw_rate, rows / apply_s / raw_rate);

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
  for (const Bytes& envelope : reviews)
    Die(ApplyEnvelope(*township->replica, envelope, "bench").status(), "apply");
  const double small_s = Seconds(start);
  std::fprintf(text, "apply of %zu one-row envelopes: %.1f ms, %.0f envelopes/s\n", reviews.size(),
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
  std::fprintf(text,
               "bundle of %zu envelopes, %.1f KB: export %.1f ms, import %.1f ms"
               " (%.0f envelopes/s)\n",
               exported->envelopes, exported->bytes / 1024.0, export_s * 1e3, bundle_import_s * 1e3,
               exported->envelopes / bundle_import_s);
  if (json) {
    std::printf(
        "{\"import_ms\": %.3f, \"submit_ms\": %.3f, \"envelope_bytes\": %zu, "
        "\"apply_rows_per_s\": %.0f, \"raw_insert_rows_per_s\": %.0f, "
        "\"apply_over_raw_insert\": %.3f, \"apply_small_envelopes_per_s\": %.0f, "
        "\"bundle_envelopes\": %zu, \"bundle_bytes\": %llu, "
        "\"bundle_import_envelopes_per_s\": %.0f}\n",
        Median(import_s) * 1e3, Median(submit_s) * 1e3, envelopes[0].size(), rows / apply_s,
        raw_rate, rows / apply_s / raw_rate, reviews.size() / small_s, exported->envelopes,
        static_cast<unsigned long long>(exported->bytes), exported->envelopes / bundle_import_s);
  }
  if (text != stdout) std::fclose(text);
  std::filesystem::remove_all(dir);
  return 0;
}
