// Benchmark of the county hub's sync path on a generated county (hub_sync_data.h: a township
// and its villages, a year of disclosures each, written through node/workflow/workflow.h):
//   1. ingest: envelopes per second the hub accepts (verify, apply to the county replica,
//      append to the log, receipt, checkpoint), through HubService::Handle in this process
//      and through HubServer over HTTP on 127.0.0.1, as a ratio to the raw Ed25519 verify
//      rate measured in the same run;
//   2. bytes on the wire per synced row (HTTP request and status lines, headers and bodies,
//      counted by a relay between client and server) of real SyncWithHub calls, as a ratio
//      to the zstd size of the same rows written as CSV;
//   3. a new township node's first sync: envelopes, rows, bytes, seconds, HTTP round trips;
//   4. a USB bundle of each village's year (ExportBundle for the county) as a ratio to the
//      zstd size of the same village's rows as CSV;
//   5. envelopes a village pulls on its first sync in a county of N enrolled villages
//      (default N = 10, 100, 1000; certificates only, no data);
//   6. with --peer-pouchdb DIR (or GONGKAI_PEER_POUCHDB=DIR): the rows the syncs of 2 and 3
//      left in the replicas, as PouchDB documents (pouchdb_peer.h), synced the same way by
//      PouchDB 9 (DIR/pouchdb_peer.js, DIR/node_modules from `npm ci`) through the same
//      relay, its figures beside ours. Without it, or when node or DIR is missing, the bench
//      says the peer is not available and gives no figure for it.
//
//   hub_sync_bench [--quick] [--runs N] [--villages N] [--county-sizes N,N,...] [--json]
//                  [--dir DIR] [--peer-pouchdb DIR]
//
// --quick is 3 villages, 1 run and county sizes 10,100. Figures are the median over the runs (each
// run on fresh copies of the generated homes); every figure is measured in this run on this
// machine.
#include <sqlite3.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "byte_counting_proxy.h"
#include "hub/server/server.h"
#include "hub/server/service.h"
#include "hub_sync_data.h"
#include "node/exchange/exchange.h"
#include "node/exchange/hub_client.h"
#include "node/exchange/hub_sync.h"
#include "node/replica/node_key.h"
#include "protocol/compress.h"
#include "protocol/enrolment_request.h"
#include "protocol/envelope.h"
#include "protocol/envelope_batch.h"
#include "protocol/request_auth.h"
#include "protocol/schema.h"
#include "tests/bench/bench_support.h"
#include "tests/bench/pouchdb_peer.h"

namespace gongkai::bench {
namespace {

namespace fs = std::filesystem;

constexpr int kZstdStrongLevel = 19;

struct Options {
  bool quick = false;
  bool json = false;
  int runs = 3;
  int villages = 30;
  std::vector<int> county_sizes = {10, 100, 1000};
  std::string dir;
  std::string peer_pouchdb;  // tests/bench/peer with node_modules, or empty
};

// Figures of all runs by name, in the order first added.
class Figures {
 public:
  void Add(const std::string& name, double value, const std::string& unit) {
    if (!values_.count(name)) order_.push_back({name, unit});
    values_[name].push_back(value);
  }
  // A line of text beside the figures (the last one set for a name is printed).
  void Note(const std::string& name, const std::string& text) {
    if (!notes_.count(name)) note_order_.push_back(name);
    notes_[name] = text;
  }
  void Print(bool json) const {
    if (json) {
      std::printf("{");
      for (size_t i = 0; i < order_.size(); ++i) {
        std::printf("%s\"%s\": {\"value\": %.3f, \"unit\": \"%s\"}", i ? ", " : "",
                    order_[i].first.c_str(), Median(order_[i].first), order_[i].second.c_str());
      }
      bool first = order_.empty();
      for (const std::string& name : note_order_) {
        std::printf("%s%s: %s", first ? "" : ", ", JsonQuote(name).c_str(),
                    JsonQuote(notes_.at(name)).c_str());
        first = false;
      }
      std::printf("}\n");
      return;
    }
    std::printf("%-60s %12s %12s %12s  %s\n", "figure", "median", "min", "max", "unit");
    for (const auto& [name, unit] : order_) {
      const std::vector<double>& v = values_.at(name);
      std::printf("%-60s %12.3f %12.3f %12.3f  %s\n", name.c_str(), Median(name),
                  *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()),
                  unit.c_str());
    }
    for (const std::string& name : note_order_)
      std::printf("%s: %s\n", name.c_str(), notes_.at(name).c_str());
  }

 private:
  double Median(const std::string& name) const {
    std::vector<double> v = values_.at(name);
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  }
  std::vector<std::pair<std::string, std::string>> order_;
  std::map<std::string, std::vector<double>> values_;
  std::vector<std::string> note_order_;
  std::map<std::string, std::string> notes_;
};

// Ed25519 verifications per second over a real envelope's signed part.
double VerifyRate(const SecretKey& key, const Bytes& envelope_bytes) {
  const Envelope envelope = Must(DecodeEnvelope(envelope_bytes), "decode");
  const Bytes message(envelope.signed_part().begin(), envelope.signed_part().end());
  const Signature signature = key.Sign(message);
  volatile bool sink = false;
  int iterations = 0;
  const auto start = Clock::now();
  while (iterations < 200 || Since(start) < 1.0) {
    sink = sink ^ VerifySignature(key.public_key(), message, signature);
    ++iterations;
  }
  return iterations / Since(start);
}

// Rows of every synced table.
int64_t SyncedRows(sqlite3* db) {
  int64_t rows = 0;
  for (const TableSpec& table : SyncedTables()) {
    rows +=
        Must(QueryInt(db, "SELECT count(*) FROM " + std::string(table.name)), "count").value_or(0);
  }
  return rows;
}

// Every row of every synced table as CSV (a header line per table; blobs in hex).
std::string SyncedRowsCsv(sqlite3* db) {
  std::string csv;
  for (const TableSpec& table : SyncedTables()) {
    Statement stmt =
        Must(Statement::Prepare(db, "SELECT * FROM " + std::string(table.name) + " ORDER BY rowid"),
             "select rows");
    for (size_t c = 0; c < table.columns.size(); ++c) {
      csv += (c ? "," : "") + std::string(table.columns[c].name);
    }
    csv += "\n";
    sqlite3_stmt* raw = stmt.get();
    while (Must(stmt.Step(), "step")) {
      for (int c = 0; c < sqlite3_column_count(raw); ++c) {
        if (c) csv += ",";
        switch (sqlite3_column_type(raw, c)) {
          case SQLITE_INTEGER:
            csv += std::to_string(sqlite3_column_int64(raw, c));
            break;
          case SQLITE_BLOB:
            csv += HexEncode(ByteView(static_cast<const uint8_t*>(sqlite3_column_blob(raw, c)),
                                      static_cast<size_t>(sqlite3_column_bytes(raw, c))));
            break;
          case SQLITE_NULL:
            break;
          default: {
            const std::string text(reinterpret_cast<const char*>(sqlite3_column_text(raw, c)),
                                   static_cast<size_t>(sqlite3_column_bytes(raw, c)));
            if (text.find_first_of(",\"\n\r") == std::string::npos) {
              csv += text;
            } else {
              csv += "\"";
              for (char ch : text) csv += ch == '"' ? std::string("\"\"") : std::string(1, ch);
              csv += "\"";
            }
          }
        }
      }
      csv += "\n";
    }
  }
  return csv;
}

size_t ZstdSize(const std::string& text, int level) {
  std::vector<char> out(ZSTD_compressBound(text.size()));
  const size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), level);
  if (ZSTD_isError(n)) {
    std::fprintf(stderr, "zstd: %s\n", ZSTD_getErrorName(n));
    std::exit(1);
  }
  return n;
}

struct CsvSizes {
  size_t raw = 0;
  size_t project_level = 0;  // protocol/compress.h Compress, kZstdLevel
  size_t strong = 0;         // kZstdStrongLevel
};

CsvSizes CsvSizesOf(sqlite3* db) {
  const std::string csv = SyncedRowsCsv(db);
  return {csv.size(), Compress(AsBytes(csv)).size(), ZstdSize(csv, kZstdStrongLevel)};
}

void CopyHome(const fs::path& from, const fs::path& to) {
  fs::copy(from, to, fs::copy_options::recursive);
}

// The serving hub of one measurement: HubService behind HubServer on 127.0.0.1, optionally
// reached through a ByteCountingProxy; the request log goes to a temporary file so that
// requests can be counted.
class ServedHub {
 public:
  explicit ServedHub(const fs::path& home, bool proxied) {
    log_ = std::tmpfile();
    service_ = Must(HubService::Open(home), "hub service");
    server_ = std::make_unique<HubServer>(*service_, log_);
    port_ = Must(server_->Bind("127.0.0.1", 0), "bind");
    thread_ = std::thread([this] { Must(server_->Run(), "serve"); });
    if (proxied) {
      if (!proxy_.Start(port_)) {
        std::fprintf(stderr, "proxy: cannot listen\n");
        std::exit(1);
      }
    }
  }
  ~ServedHub() {
    proxy_.Stop();
    server_->Stop();
    thread_.join();
    server_.reset();
    service_.reset();
    std::fclose(log_);
  }
  std::string Url() const {
    return "http://127.0.0.1:" + std::to_string(proxy_.port() ? proxy_.port() : port_);
  }
  ByteCountingProxy& proxy() { return proxy_; }

  // Requests logged so far. httplib logs after answering, so this waits until the count has
  // stayed the same for 50 ms.
  int Requests() {
    int last = -1;
    for (;;) {
      std::fflush(log_);
      std::rewind(log_);
      int lines = 0;
      for (int ch; (ch = std::fgetc(log_)) != EOF;) lines += ch == '\n';
      std::fseek(log_, 0, SEEK_END);
      if (lines == last) return lines;
      last = lines;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

 private:
  std::FILE* log_ = nullptr;
  std::unique_ptr<HubService> service_;
  std::unique_ptr<HubServer> server_;
  int port_ = 0;
  std::thread thread_;
  ByteCountingProxy proxy_;
};

// How many results of a push answer were applied.
size_t AppliedIn(const std::string& answer) {
  size_t count = 0;
  const std::string needle = "\"outcome\":\"applied\"";
  for (size_t at = answer.find(needle); at != std::string::npos; at = answer.find(needle, at + 1))
    ++count;
  return count;
}

std::vector<std::vector<Bytes>> Batches(const std::vector<Bytes>& envelopes, size_t size) {
  std::vector<std::vector<Bytes>> out;
  for (size_t at = 0; at < envelopes.size(); at += size) {
    out.emplace_back(envelopes.begin() + static_cast<long>(at),
                     envelopes.begin() + static_cast<long>(std::min(envelopes.size(), at + size)));
  }
  return out;
}

void CheckApplied(size_t applied, size_t sent, const char* where) {
  if (applied != sent) {
    std::fprintf(stderr, "%s: %zu of %zu envelopes applied\n", where, applied, sent);
    std::exit(1);
  }
}

// Pushes every writer's own envelopes through HubService::Handle, kMaxPushEnvelopes per
// request, each request signed by its writer, as version 1 batches or (`compressed`) as the
// version 2 batches a node sends. Returns seconds.
double IngestInProcess(const fs::path& hub_home, const GeneratedCounty& county,
                       const std::vector<SecretKey>& keys, bool compressed) {
  std::unique_ptr<HubService> service = Must(HubService::Open(hub_home), "hub service");
  const auto start = Clock::now();
  for (size_t w = 0; w < county.own_envelopes.size(); ++w) {
    for (const std::vector<Bytes>& batch : Batches(county.own_envelopes[w], kMaxPushEnvelopes)) {
      HubRequest request;
      request.method = "POST";
      request.path = request.target = "/v1/push";
      const Bytes body = Must(
          compressed ? EncodeCompressedBatch(batch, BatchCodec()) : EncodeBatch(batch), "batch");
      request.body.assign(body.begin(), body.end());
      request.auth = SignRequest(keys[w], "POST", "/v1/push", body, WallClockMs());
      const HubAnswer answer = service->Handle(request);
      if (answer.status != 200) {
        std::fprintf(stderr, "push: %d %s\n", answer.status, answer.body.c_str());
        std::exit(1);
      }
      CheckApplied(AppliedIn(answer.body), batch.size(), "in-process push");
    }
  }
  return Since(start);
}

// The same over HTTP, `per_request` envelopes per push, at most `limit` envelopes in all.
// Returns seconds; *sent counts the envelopes pushed.
double IngestOverHttp(const fs::path& hub_home, const GeneratedCounty& county,
                      const std::vector<SecretKey>& keys, size_t per_request, size_t limit,
                      size_t* sent) {
  ServedHub hub(hub_home, false);
  *sent = 0;
  const auto start = Clock::now();
  for (size_t w = 0; w < county.own_envelopes.size() && *sent < limit; ++w) {
    std::unique_ptr<HubClient> client = Must(HubClient::Create(hub.Url(), keys[w]), "client");
    for (const std::vector<Bytes>& batch : Batches(county.own_envelopes[w], per_request)) {
      if (*sent >= limit) break;
      const Bytes body = Must(EncodeBatch(batch), "batch");
      const HubResponse response = Must(
          client->Send("POST", "/v1/push",
                       std::string_view(reinterpret_cast<const char*>(body.data()), body.size())),
          "push");
      CheckApplied(AppliedIn(response.body), batch.size(), "HTTP push");
      *sent += batch.size();
    }
  }
  return Since(start);
}

struct SyncFigures {
  size_t envelopes = 0;  // pushed + pulled
  int64_t rows = 0;      // synced rows the node holds after the sync
  uint64_t wire_bytes = 0;
  int64_t envelope_bytes = 0;  // of the envelopes sent and received, as signed
  int requests = 0;
  double seconds = 0;
  CsvSizes csv;
};

SyncFigures SyncOnce(ServedHub& hub, const fs::path& home) {
  NodeSession session = Must(OpenNodeSession(home.string(), true), "session");
  std::unique_ptr<HubClient> client = Must(HubClient::Create(hub.Url(), *session.key), "client");
  SyncFigures f;
  const int requests_before = hub.Requests();
  hub.proxy().Reset();
  const auto start = Clock::now();
  const SyncReport report = Must(SyncWithHub(*session.replica, *client, WallClockMs()), "sync");
  f.seconds = Since(start);
  client.reset();  // closes the connection
  if (!report.refused.empty()) {
    std::fprintf(stderr, "sync of %s: %zu refused, first %s\n", home.c_str(), report.refused.size(),
                 report.refused[0].code.c_str());
    std::exit(1);
  }
  f.requests = hub.Requests() - requests_before;
  f.wire_bytes = hub.proxy().sent() + hub.proxy().received();
  f.envelopes = report.pushed + report.pulled;
  // A village held only its own rows and a new node none: every row held after the sync was
  // sent or received by it.
  f.rows = SyncedRows(session.replica->db());
  f.envelope_bytes =
      Must(QueryInt(session.replica->db(), "SELECT sum(length(bytes)) FROM journal"), "bytes")
          .value_or(0);
  f.csv = CsvSizesOf(session.replica->db());
  return f;
}

// Envelopes one village pulls on its first sync from a hub of a county in which `n` villages
// are enrolled (10 townships of up to 100 villages each; certificates only). Only the measured
// village has a home; the others' requests are made from keys held in memory.
size_t FirstSyncPullsInCountyOf(const fs::path& dir, int n) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path hub_home = dir / "hub";
  const fs::path village = dir / "village";
  {
    County county =
        Must(InitCounty(hub_home, kCountyCode, kCountyName, kPassphrase, kKdfInteractive), "init");
    const SecretKey root = Must(OpenCountyRootKey(county, kPassphrase), "root key");
    for (int v = 0; v < n; ++v) {
      char region[32];
      std::snprintf(region, sizeof region, "5113041%02d%03d", v / 100, 201 + v % 100);
      const std::string name = "第" + std::to_string(v + 1) + "村 村民委员会";
      Bytes request;
      if (v == 0) {
        request = Must(StartEnrolment(village, region, name, 1'790'000'000'000), "request");
      } else {
        request = Must(MakeEnrolmentRequest(SecretKey::Generate(), region, name, 1'790'000'000'000),
                       "request");
      }
      const Bytes file = Must(EnrollWithRootKey(county, root, request, Role::kVillage), "enrol");
      if (v == 0) Must(CompleteEnrolment(village, file).status(), "complete enrolment");
    }
  }
  size_t pulled = 0;
  {
    ServedHub hub(hub_home, false);
    NodeSession session = Must(OpenNodeSession(village.string(), true), "session");
    std::unique_ptr<HubClient> client = Must(HubClient::Create(hub.Url(), *session.key), "client");
    pulled = Must(SyncWithHub(*session.replica, *client, WallClockMs()), "sync").pulled;
  }
  fs::remove_all(dir);
  return pulled;
}

// A USB bundle of each village's year for the county, against the zstd size of the same
// village's synced rows as CSV; summed over the villages.
void MeasureBundles(const GeneratedCounty& county, const fs::path& dir, Figures& figures) {
  fs::create_directories(dir);
  uint64_t bundle_bytes = 0;
  size_t envelopes = 0;
  CsvSizes csv;
  for (const fs::path& generated : county.villages) {
    // A copy, so that what the export records does not change the homes the runs copy.
    const fs::path home = dir / generated.filename();
    CopyHome(generated, home);
    NodeSession session = Must(OpenNodeSession(home.string(), true), "session");
    ExportOptions options;
    options.for_region = kCountyCode;
    const ExportReport report =
        Must(ExportBundle(*session.replica, *session.key, dir / (home.filename().string() + ".gkb"),
                          options),
             "export");
    bundle_bytes += report.bytes;
    envelopes += report.envelopes;
    const CsvSizes sizes = CsvSizesOf(session.replica->db());
    csv.raw += sizes.raw;
    csv.project_level += sizes.project_level;
    csv.strong += sizes.strong;
  }
  fs::remove_all(dir);
  figures.Add("village year USB bundles: envelopes", envelopes, "");
  figures.Add("village year USB bundles: bytes", bundle_bytes, "B");
  figures.Add("village year USB bundle / CSV zstd -" + std::to_string(kZstdLevel),
              static_cast<double>(bundle_bytes) / csv.project_level, "");
  figures.Add("village year USB bundle / CSV zstd -" + std::to_string(kZstdStrongLevel),
              static_cast<double>(bundle_bytes) / csv.strong, "");
}

// The rows the syncs of one run left in its replicas (the ones the CSV figures read), as the
// peer's county: each village's own rows and the ids of the rest (what it pulled), the
// reviewing township's whole replica, and as the seed the new township's rows that neither a
// village nor the reviewing township wrote (the county's, which the hub held before).
PeerCounty PeerCountyOf(const fs::path& run, const GeneratedCounty& county) {
  PeerCounty out;
  std::set<std::string> writers;
  for (const fs::path& generated : county.villages) {
    NodeSession session =
        Must(OpenNodeSession((run / generated.filename()).string(), false), "session");
    const std::string self = NodeIdHex(session.identity.node_id);
    writers.insert(self);
    PeerCounty::Village village;
    for (PeerDocument& d : PeerDocumentsOf(session.replica->db())) {
      if (d.origin == self) {
        village.own.push_back(std::move(d));
      } else {
        village.pull_ids.push_back(d.id);
      }
    }
    out.villages.push_back(std::move(village));
  }
  {
    NodeSession session = Must(OpenNodeSession((run / "township").string(), false), "session");
    writers.insert(NodeIdHex(session.identity.node_id));
    out.township = PeerDocumentsOf(session.replica->db());
  }
  NodeSession fresh = Must(OpenNodeSession((run / "township-new").string(), false), "session");
  for (PeerDocument& d : PeerDocumentsOf(fresh.replica->db())) {
    ++out.new_township_documents;
    if (!writers.count(d.origin)) out.seed.push_back(std::move(d));
  }
  return out;
}

constexpr char kPeerNote[] = "PouchDB peer";

// Step 6: PouchDB's syncs of the same rows, beside ours (`villages` and `fresh`).
void MeasurePeer(const Options& options, const fs::path& run, const GeneratedCounty& county,
                 const SyncFigures& villages, const SyncFigures& fresh, Figures& figures) {
  const fs::path directory = options.peer_pouchdb;
  const std::string missing = PeerMissing(directory);
  if (!missing.empty()) {
    figures.Note(kPeerNote, "not available: " + missing);
    return;
  }
  const PeerCounty peer_county = PeerCountyOf(run, county);
  size_t pull_ids = 0;
  for (const PeerCounty::Village& v : peer_county.villages) pull_ids += v.pull_ids.size();
  std::string error;
  const std::optional<PeerFigures> peer =
      RunPouchDbPeer(directory, peer_county, run / "pouchdb-documents.json", &error);
  if (!peer) {
    figures.Note(kPeerNote, "not available: " + error);
    return;
  }
  if (static_cast<size_t>(peer->villages.documents_down) != pull_ids) {
    figures.Note(kPeerNote, "failed: the villages pulled " +
                                std::to_string(peer->villages.documents_down) + " documents, not " +
                                std::to_string(pull_ids));
    return;
  }
  figures.Note(kPeerNote, "measured in this run: " + peer->software +
                              " (memory adapter both ends, default replication options)");
  const std::string level = std::to_string(kZstdLevel);
  const std::string strong = std::to_string(kZstdStrongLevel);
  const PeerStep& v = peer->villages;
  figures.Add("PouchDB: village first syncs: documents up+down",
              static_cast<double>(v.documents_up + v.documents_down), "");
  figures.Add("PouchDB: village first syncs: wire bytes", static_cast<double>(v.wire_bytes), "B");
  figures.Add("PouchDB: village first syncs: HTTP requests", static_cast<double>(v.requests), "");
  figures.Add("PouchDB: village first syncs: seconds", v.seconds, "s");
  figures.Add("PouchDB: village first syncs: wire bytes per row",
              static_cast<double>(v.wire_bytes) / villages.rows, "B/row");
  figures.Add("PouchDB: village first syncs: wire / CSV zstd -" + level + " (per village)",
              static_cast<double>(v.wire_bytes) / villages.csv.project_level, "");
  figures.Add("PouchDB: village first syncs: wire / CSV zstd -" + strong + " (per village)",
              static_cast<double>(v.wire_bytes) / villages.csv.strong, "");
  figures.Add("PouchDB: village first syncs: wire / gongkai's wire",
              static_cast<double>(v.wire_bytes) / static_cast<double>(villages.wire_bytes), "");
  const PeerStep& t = peer->township;
  figures.Add("PouchDB: township sync (reviews + relayed): documents written",
              static_cast<double>(t.documents_up), "");
  figures.Add("PouchDB: township sync (reviews + relayed): wire bytes",
              static_cast<double>(t.wire_bytes), "B");
  figures.Add("PouchDB: township sync (reviews + relayed): HTTP requests",
              static_cast<double>(t.requests), "");
  figures.Add("PouchDB: township sync (reviews + relayed): seconds", t.seconds, "s");
  const PeerStep& n = peer->new_township;
  figures.Add("PouchDB: new township pull: documents", static_cast<double>(n.documents_down), "");
  figures.Add("PouchDB: new township pull: wire bytes", static_cast<double>(n.wire_bytes), "B");
  figures.Add("PouchDB: new township pull: HTTP requests", static_cast<double>(n.requests), "");
  figures.Add("PouchDB: new township pull: seconds", n.seconds, "s");
  figures.Add("PouchDB: new township pull: wire bytes per row",
              static_cast<double>(n.wire_bytes) / fresh.rows, "B/row");
  figures.Add("PouchDB: new township pull: wire / CSV zstd -" + level,
              static_cast<double>(n.wire_bytes) / fresh.csv.project_level, "");
  figures.Add("PouchDB: new township pull: wire / CSV zstd -" + strong,
              static_cast<double>(n.wire_bytes) / fresh.csv.strong, "");
  figures.Add("PouchDB: new township pull: wire / gongkai's wire",
              static_cast<double>(n.wire_bytes) / static_cast<double>(fresh.wire_bytes), "");
}

void Run(const Options& options, const DataShape& shape) {
  const fs::path base = (options.dir.empty() ? fs::temp_directory_path() : fs::path(options.dir)) /
                        ("gongkai-hub-sync-bench-" + std::to_string(::getpid()));
  fs::remove_all(base);
  fs::create_directories(base);
  const fs::path generated_dir = base / "generated";
  if (!options.json) {
    std::printf("hub sync benchmark: %d villages of township %s, %d run(s), homes under %s\n",
                shape.villages, kTownshipRegion, options.runs, base.c_str());
    std::fflush(stdout);
  }
  auto start = Clock::now();
  const GeneratedCounty county = GenerateCounty(generated_dir, shape);
  const double generate_s = Since(start);
  size_t village_envelopes = 0;
  for (size_t w = 0; w + 1 < county.own_envelopes.size(); ++w)
    village_envelopes += county.own_envelopes[w].size();
  const size_t township_envelopes = county.own_envelopes.back().size();
  const size_t total_envelopes = village_envelopes + township_envelopes;
  if (!options.json) {
    std::printf(
        "generated in %.1f s (in-process nodes, workflow.h): %zu envelopes (villages %zu, "
        "township reviews %zu); %lld versions (%lld returned and resubmitted), %lld items, "
        "%lld reviews\n",
        generate_s, total_envelopes, village_envelopes, township_envelopes,
        static_cast<long long>(county.versions), static_cast<long long>(county.returned),
        static_cast<long long>(county.items), static_cast<long long>(county.reviews));
    // Envelope sizes by what they carry: the township's are one review row each.
    size_t village_bytes = 0, review_bytes = 0;
    for (size_t w = 0; w < county.own_envelopes.size(); ++w) {
      for (const Bytes& e : county.own_envelopes[w])
        (w + 1 < county.own_envelopes.size() ? village_bytes : review_bytes) += e.size();
    }
    std::printf(
        "envelope bytes: villages' %zu (%.0f B each on average), township reviews' %zu (%.0f B "
        "each, one review row)\n",
        village_bytes, static_cast<double>(village_bytes) / village_envelopes, review_bytes,
        static_cast<double>(review_bytes) / township_envelopes);
    std::fflush(stdout);
  }
  std::vector<SecretKey> keys;
  for (const fs::path& home : county.writers)
    keys.push_back(Must(LoadNodeKey(home / "node.key"), "node key"));

  Figures figures;
  MeasureBundles(county, base / "bundles", figures);
  for (const int n : options.county_sizes) {
    figures.Add(
        "village first sync in a county of " + std::to_string(n) + " villages: envelopes pulled",
        FirstSyncPullsInCountyOf(base / ("county-" + std::to_string(n)), n), "");
  }
  for (int r = 0; r < options.runs; ++r) {
    const fs::path run = base / ("run-" + std::to_string(r));
    fs::create_directories(run);
    const double verify_rate = VerifyRate(keys[0], county.own_envelopes[0][0]);
    figures.Add("ed25519 verify (same run)", verify_rate, "/s");

    // 1. Ingest.
    CopyHome(county.hub_home, run / "hub-a");
    const double in_process_s = IngestInProcess(run / "hub-a", county, keys, false);
    const double in_process_rate = total_envelopes / in_process_s;
    figures.Add("ingest, HubService::Handle, <=256 per push", in_process_rate, "envelopes/s");
    figures.Add("ingest, HubService::Handle / ed25519 verify", in_process_rate / verify_rate, "");
    CopyHome(county.hub_home, run / "hub-a2");
    const double compressed_s = IngestInProcess(run / "hub-a2", county, keys, true);
    const double compressed_rate = total_envelopes / compressed_s;
    figures.Add("ingest, HubService::Handle, <=256 per compressed push", compressed_rate,
                "envelopes/s");
    figures.Add("ingest, compressed push / ed25519 verify", compressed_rate / verify_rate, "");

    CopyHome(county.hub_home, run / "hub-b");
    size_t sent = 0;
    const double http_s =
        IngestOverHttp(run / "hub-b", county, keys, kMaxPushEnvelopes, total_envelopes, &sent);
    const double http_rate = sent / http_s;
    figures.Add("ingest, HTTP 127.0.0.1, <=256 per push", http_rate, "envelopes/s");
    figures.Add("ingest, HTTP <=256 per push / ed25519 verify", http_rate / verify_rate, "");

    CopyHome(county.hub_home, run / "hub-c");
    const size_t single_limit = options.quick ? 60 : 300;
    const double single_s = IngestOverHttp(run / "hub-c", county, keys, 1, single_limit, &sent);
    const double single_rate = sent / single_s;
    figures.Add("ingest, HTTP 127.0.0.1, 1 per push (" + std::to_string(sent) + ")", single_rate,
                "envelopes/s");
    figures.Add("ingest, HTTP 1 per push / ed25519 verify", single_rate / verify_rate, "");

    // 2 and 3. Real syncs over HTTP through the byte-counting relay.
    CopyHome(county.hub_home, run / "hub");
    for (const fs::path& home : county.villages) CopyHome(home, run / home.filename());
    CopyHome(county.township, run / "township");
    CopyHome(county.new_township, run / "township-new");
    ServedHub hub(run / "hub", true);
    SyncFigures villages;
    for (const fs::path& home : county.villages) {
      const SyncFigures f = SyncOnce(hub, run / home.filename());
      villages.envelopes += f.envelopes;
      villages.rows += f.rows;
      villages.wire_bytes += f.wire_bytes;
      villages.envelope_bytes += f.envelope_bytes;
      villages.requests += f.requests;
      villages.seconds += f.seconds;
      villages.csv.raw += f.csv.raw;
      villages.csv.project_level += f.csv.project_level;
      villages.csv.strong += f.csv.strong;
    }
    const double per_row = static_cast<double>(villages.wire_bytes) / villages.rows;
    figures.Add("village first syncs: envelopes pushed+pulled", villages.envelopes, "");
    figures.Add("village first syncs: rows", villages.rows, "");
    figures.Add("village first syncs: wire bytes", villages.wire_bytes, "B");
    figures.Add("village first syncs: HTTP requests", villages.requests, "");
    figures.Add("village first syncs: seconds", villages.seconds, "s");
    figures.Add("village first syncs: envelopes/s (push+pull)",
                villages.envelopes / villages.seconds, "envelopes/s");
    figures.Add("village first syncs: wire bytes per row", per_row, "B/row");
    figures.Add("village first syncs: envelope bytes per row",
                static_cast<double>(villages.envelope_bytes) / villages.rows, "B/row");
    figures.Add("village first syncs: same rows as CSV, bytes per row",
                static_cast<double>(villages.csv.raw) / villages.rows, "B/row");
    figures.Add(
        "village first syncs: wire / CSV zstd -" + std::to_string(kZstdLevel) + " (per village)",
        static_cast<double>(villages.wire_bytes) / villages.csv.project_level, "");
    figures.Add("village first syncs: wire / CSV zstd -" + std::to_string(kZstdStrongLevel) +
                    " (per village)",
                static_cast<double>(villages.wire_bytes) / villages.csv.strong, "");

    const SyncFigures reviewer = SyncOnce(hub, run / "township");
    figures.Add("township sync (reviews + relayed): envelopes", reviewer.envelopes, "");
    figures.Add("township sync (reviews + relayed): seconds", reviewer.seconds, "s");
    figures.Add("township sync (reviews + relayed): HTTP requests", reviewer.requests, "");

    const SyncFigures fresh = SyncOnce(hub, run / "township-new");
    figures.Add("new township pull: envelopes", fresh.envelopes, "");
    figures.Add("new township pull: rows", fresh.rows, "");
    figures.Add("new township pull: wire bytes", fresh.wire_bytes, "B");
    figures.Add("new township pull: HTTP round trips", fresh.requests, "");
    figures.Add("new township pull: seconds", fresh.seconds, "s");
    figures.Add("new township pull: envelopes/s", fresh.envelopes / fresh.seconds, "envelopes/s");
    figures.Add("new township pull: wire bytes per row",
                static_cast<double>(fresh.wire_bytes) / fresh.rows, "B/row");
    figures.Add("new township pull: envelope bytes per row",
                static_cast<double>(fresh.envelope_bytes) / fresh.rows, "B/row");
    figures.Add("new township pull: same rows as CSV, bytes per row",
                static_cast<double>(fresh.csv.raw) / fresh.rows, "B/row");
    figures.Add("new township pull: wire / CSV zstd -" + std::to_string(kZstdLevel),
                static_cast<double>(fresh.wire_bytes) / fresh.csv.project_level, "");
    figures.Add("new township pull: wire / CSV zstd -" + std::to_string(kZstdStrongLevel),
                static_cast<double>(fresh.wire_bytes) / fresh.csv.strong, "");

    // 6. The same rows synced by PouchDB, through the same relay class.
    if (options.peer_pouchdb.empty()) {
      figures.Note(kPeerNote, std::string("not available: not asked for (--peer-pouchdb DIR or ") +
                                  kPeerEnvironment + "=DIR)");
    } else {
      MeasurePeer(options, run, county, villages, fresh, figures);
    }
  }
  figures.Print(options.json);
  fs::remove_all(base);
}

}  // namespace
}  // namespace gongkai::bench

int main(int argc, char** argv) {
  using namespace gongkai::bench;
  Options options;
  bool runs_given = false;
  bool villages_given = false;
  bool county_sizes_given = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      options.quick = true;
    } else if (std::strcmp(argv[i], "--json") == 0) {
      options.json = true;
    } else if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      options.runs = std::max(1, std::atoi(argv[++i]));
      runs_given = true;
    } else if (std::strcmp(argv[i], "--villages") == 0 && i + 1 < argc) {
      options.villages = std::clamp(std::atoi(argv[++i]), 1, 99);
      villages_given = true;
    } else if (std::strcmp(argv[i], "--county-sizes") == 0 && i + 1 < argc) {
      options.county_sizes.clear();
      for (const char* at = argv[++i]; *at;) {
        char* end = nullptr;
        const long n = std::strtol(at, &end, 10);
        if (end == at) break;
        options.county_sizes.push_back(static_cast<int>(std::clamp(n, 1L, 1000L)));
        at = *end == ',' ? end + 1 : end;
      }
      county_sizes_given = true;
    } else if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      options.dir = argv[++i];
    } else if (std::strcmp(argv[i], "--peer-pouchdb") == 0 && i + 1 < argc) {
      options.peer_pouchdb = argv[++i];
    } else {
      std::printf(
          "usage: hub_sync_bench [--quick] [--runs N] [--villages N] [--county-sizes N,N,...]\n"
          "                      [--json] [--dir DIR] [--peer-pouchdb DIR]\n"
          "Generates a township of villages with a year of disclosures, then measures hub\n"
          "ingest, bytes per synced row and a new township's first sync (default 30\n"
          "villages, 3 runs; --quick: 3 villages, 1 run), a village's year as a USB bundle,\n"
          "and the envelopes a village pulls first in counties of N villages (default\n"
          "10,100,1000; --quick 10,100). Homes go to a new folder in DIR\n"
          "(default: the temp folder), removed at the end. --peer-pouchdb DIR (or\n"
          "GONGKAI_PEER_POUCHDB=DIR; DIR = tests/bench/peer after npm ci there) also syncs\n"
          "the same rows with PouchDB 9 through the same relay and prints its figures.\n");
      return std::strcmp(argv[i], "--help") == 0 ? 0 : 2;
    }
  }
  if (options.quick) {
    if (!runs_given) options.runs = 1;
    if (!villages_given) options.villages = 3;
    if (!county_sizes_given) options.county_sizes = {10, 100};
  }
  if (options.peer_pouchdb.empty()) {
    if (const char* from_environment = std::getenv(kPeerEnvironment))
      options.peer_pouchdb = from_environment;
  }
  DataShape shape;
  shape.villages = options.villages;
  Run(options, shape);
  return 0;
}
