// Benchmark of hub/'s audit log on a real replica file: logging a county's worth of
// envelopes, proofs, checkpoints and receipts, storage per entry, and what a restarted hub
// needs to append.
//
//   hub_bench [--entries N] [--dir DIR]
//   hub_bench --append-one DIR      (run by the benchmark itself, as a fresh process)
//
// The replica uses the settings of Replica::Open (WAL, synchronous=FULL), so a transaction
// per append pays one fsync; the figures say which runs batch. Every figure is measured in
// this run on this machine; nothing is a constant.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "hub/log/log.h"
#include "node/replica/journal.h"
#include "node/replica/local_schema.h"
#include "node/replica/replica.h"
#include "node/replica/sql.h"
#include "protocol/certificate.h"
#include "protocol/checkpoint.h"
#include "protocol/envelope.h"
#include "protocol/hlc.h"
#include "protocol/merkle.h"
#include "protocol/receipt.h"
#include "tests/bench/bench_support.h"

namespace gongkai {
namespace {

using bench::Clock;
using bench::Must;
using bench::Since;


constexpr char kCounty[] = "511304";
constexpr char kVillage[] = "511304100201";
constexpr int64_t kWallMs = 1'790'000'000'000;

// kB of a /proc/self/status field (VmRSS, VmHWM).
long ProcStatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0)
      return std::strtol(line.c_str() + std::strlen(field) + 1, nullptr, 10);
  }
  return -1;
}

// The hub key is derived from a fixed seed so that the --append-one process can use it.
SecretKey HubKey() { return Must(SecretKey::FromSeed(Bytes(kSeedSize, 0x42)), "hub key"); }

Replica OpenHubReplica(const std::filesystem::path& path) {
  return Must(
      Replica::Open(path, ReplicaOptions{true, kDefaultBusyTimeoutMs, [] { return kWallMs; }}),
      "open replica");
}

void Enrol(Replica& replica, const SecretKey& hub_key) {
  const SecretKey root = SecretKey::Generate();
  Certificate cert;
  cert.county = kCounty;
  cert.subject_key = hub_key.public_key();
  cert.role = Role::kCounty;
  cert.region = kCounty;
  cert.name = "县政务公开办 枢纽";
  cert.issued_hlc = MakeHlc(kWallMs, 0);
  cert.serial = RandomSerial();
  NodeIdentity identity{hub_key.node_id(), Role::kCounty, kCounty,
                        Must(SignCertificate(cert, root), "certificate"), root.public_key()};
  Must(replica.SetIdentity(identity), "identity");
}

// Stores `count` signed envelopes of one village in the journal, in one transaction, as the
// hub's apply would have; `*seq` and `*prev` carry the chain across calls.
void JournalEnvelopes(sqlite3* db, const SecretKey& village, int count, uint64_t* seq,
                      Hash256* prev) {
  auto tx = Must(Transaction::Begin(db), "begin");
  for (int i = 0; i < count; ++i) {
    EnvelopeFields fields;
    fields.origin = village.node_id();
    fields.seq = ++*seq;
    fields.prev = *prev;
    fields.hlc = MakeHlc(kWallMs, *seq);
    fields.region = kVillage;
    fields.payload = Bytes(300, static_cast<uint8_t>(*seq));  // a small changeset's size
    fields.payload_size = 300;
    const Envelope e = Must(DecodeEnvelope(Must(SealEnvelope(fields, village), "seal")), "decode");
    *prev = e.id();
    Must(InsertJournal(db, e, kWallMs + static_cast<int64_t>(*seq), "bench", kJournalApplied),
         "journal");
  }
  Must(tx.Commit(), "commit");
}

int64_t FileBytes(sqlite3* db, const std::filesystem::path& path) {
  Must(ExecSql(db, "PRAGMA wal_checkpoint(TRUNCATE)"), "wal checkpoint");
  return static_cast<int64_t>(std::filesystem::file_size(path));
}

// A fresh process: open the replica and the log, append one envelope, report.
int AppendOne(const std::filesystem::path& dir) {
  const long rss_before = ProcStatusKb("VmRSS:");
  const auto start = Clock::now();
  const SecretKey hub_key = HubKey();
  Replica replica = OpenHubReplica(dir / "replica.db");
  HubLog log = Must(HubLog::Open(replica, hub_key, CountyLogOrigin(kCounty)), "open log");
  const double open_s = Since(start);
  const SecretKey village = SecretKey::Generate();
  uint64_t seq = 0;
  Hash256 prev{};
  JournalEnvelopes(replica.db(), village, 1, &seq, &prev);
  const auto append_start = Clock::now();
  const LogAppend appended = Must(log.Append(prev, kWallMs), "append");
  const double append_s = Since(append_start);
  std::printf(
      "  restart: open %.1f ms, then append entry %llu in %.2f ms; "
      "process RSS %ld kB at start, peak %ld kB\n",
      open_s * 1e3, static_cast<unsigned long long>(appended.entry.index), append_s * 1e3,
      rss_before, ProcStatusKb("VmHWM:"));
  return 0;
}

int Run(int entries, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const std::filesystem::path path = dir / "replica.db";
  std::filesystem::remove(path);
  std::filesystem::remove(dir / "replica.db-wal");
  std::filesystem::remove(dir / "replica.db-shm");
  const SecretKey hub_key = HubKey();
  const SecretKey village = SecretKey::Generate();
  Replica replica = OpenHubReplica(path);
  Enrol(replica, hub_key);
  HubLog log = Must(HubLog::Open(replica, hub_key, CountyLogOrigin(kCounty)), "open log");
  sqlite3* db = replica.db();
  uint64_t seq = 0;
  Hash256 prev{};

  std::printf("hub audit log, %d entries, replica %s\n", entries, path.c_str());
  auto start = Clock::now();
  JournalEnvelopes(db, village, entries, &seq, &prev);
  std::printf("  setup: %d signed envelopes journaled in %.2f s\n", entries, Since(start));
  const int64_t bytes_before = FileBytes(db, path);

  // 1. The log of a county: every journal envelope appended (AppendMissing, batches of
  //    kAppendMissingBatch per transaction).
  start = Clock::now();
  const uint64_t appended = Must(log.AppendMissing(), "append missing");
  double s = Since(start);
  std::printf("  append %llu entries (batched, %d per transaction): %.2f s, %.0f entries/s\n",
              static_cast<unsigned long long>(appended), kAppendMissingBatch, s,
              static_cast<double>(appended) / s);
  const int64_t bytes_after = FileBytes(db, path);
  std::printf("  storage: %.0f bytes per entry (log_entry + log_subtree, file growth)\n",
              static_cast<double>(bytes_after - bytes_before) / static_cast<double>(appended));

  // 2. One transaction (and one fsync) per append, as an envelope arriving alone.
  constexpr int kSingles = 500;
  JournalEnvelopes(db, village, kSingles, &seq, &prev);
  std::vector<Hash256> single_ids;
  {
    auto rows = Must(Statement::Prepare(db,
                                        "SELECT envelope_id FROM journal ORDER BY rowid DESC "
                                        "LIMIT ?"),
                     "select");
    rows.Bind(1, int64_t{kSingles});
    while (Must(rows.Step(), "step")) {
      single_ids.insert(single_ids.begin(),
                        Must(HexDecodeFixed<kHashSize>(rows.ColumnText(0)), "id"));
    }
  }
  start = Clock::now();
  for (const Hash256& id : single_ids) Must(log.Append(id, kWallMs), "append");
  s = Since(start);
  std::printf(
      "  append %d entries, one transaction each (synchronous=FULL): %.2f s, "
      "%.0f entries/s\n",
      kSingles, s, kSingles / s);
  // The same with the log's work only: all in the caller's one transaction.
  JournalEnvelopes(db, village, kSingles, &seq, &prev);
  {
    const uint64_t size = Must(log.Size(), "size");
    auto tx = Must(Transaction::Begin(db), "begin");
    start = Clock::now();
    Must(log.AppendMissing(), "append");
    s = Since(start);
    Must(tx.Commit(), "commit");
    std::printf(
        "  append %d entries inside one caller transaction: %.0f entries/s "
        "(size now %llu)\n",
        kSingles, kSingles / s, static_cast<unsigned long long>(size + kSingles));
  }
  const uint64_t size = Must(log.Size(), "size");

  // 3. Proofs at the full size, checked against the root.
  const Hash256 root = Must(log.Root(), "root");
  std::mt19937_64 random(7);
  constexpr int kProofs = 10000;
  size_t hashes = 0;
  start = Clock::now();
  for (int i = 0; i < kProofs; ++i) {
    const uint64_t index = random() % size;
    hashes += Must(log.InclusionProof(index, size), "inclusion").size();
  }
  s = Since(start);
  std::printf("  inclusion proofs at size %llu: %.0f /s (%.1f hashes each)\n",
              static_cast<unsigned long long>(size), kProofs / s,
              static_cast<double>(hashes) / kProofs);
  {
    const uint64_t index = random() % size;
    const LogEntry entry = *Must(log.store().EntryAt(index), "entry");
    Must(VerifyInclusion(index, size, entry.leaf_hash, Must(log.InclusionProof(index, size), "p"),
                         root),
         "verify inclusion");
  }
  hashes = 0;
  start = Clock::now();
  for (int i = 0; i < kProofs; ++i) {
    const uint64_t old_size = 1 + random() % size;
    hashes += Must(log.ConsistencyProof(old_size, size), "consistency").size();
  }
  s = Since(start);
  std::printf("  consistency proofs to size %llu: %.0f /s (%.1f hashes each)\n",
              static_cast<unsigned long long>(size), kProofs / s,
              static_cast<double>(hashes) / kProofs);
  start = Clock::now();
  constexpr int kRoots = 10000;
  for (int i = 0; i < kRoots; ++i) Must(log.store().Root(1 + random() % size), "root");
  std::printf("  roots at random sizes: %.0f /s\n", kRoots / Since(start));

  // 4. Checkpoints: sign + store, each at a new size (one append in between, not timed);
  //    half alone (a transaction and fsync each), half inside the caller's transaction.
  constexpr int kCheckpoints = 200;
  JournalEnvelopes(db, village, kCheckpoints, &seq, &prev);
  double alone_s = 0, nested_s = 0;
  std::string note;
  {
    auto rows = Must(Statement::Prepare(db,
                                        "SELECT envelope_id FROM journal WHERE envelope_id "
                                        "NOT IN (SELECT envelope_id FROM log_entry) "
                                        "ORDER BY rowid"),
                     "select");
    std::vector<Hash256> ids;
    while (Must(rows.Step(), "step")) {
      ids.push_back(Must(HexDecodeFixed<kHashSize>(rows.ColumnText(0)), "id"));
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      const bool alone = i < ids.size() / 2;
      std::optional<Transaction> tx;
      if (!alone) tx.emplace(Must(Transaction::Begin(db), "begin"));
      Must(log.Append(ids[i], kWallMs), "append");
      start = Clock::now();
      note = Must(log.SignCheckpoint(), "checkpoint").note;
      (alone ? alone_s : nested_s) += Since(start);
      if (tx) Must(tx->Commit(), "commit");
    }
  }
  std::printf(
      "  checkpoints signed and stored: %.2f ms each alone (fsync), %.3f ms each "
      "inside a caller transaction\n",
      alone_s * 1e3 / (kCheckpoints / 2), nested_s * 1e3 / (kCheckpoints / 2));
  const std::string origin = CountyLogOrigin(kCounty);
  Must(OpenCheckpoint(note, origin, origin, hub_key.public_key()), "open checkpoint");

  // 5. Receipts: issue (sign + store) for entries that have none.
  constexpr int kReceipts = 2000;
  start = Clock::now();
  {
    auto tx = Must(Transaction::Begin(db), "begin");
    for (int i = 0; i < kReceipts; ++i) {
      const LogEntry entry = *Must(log.store().EntryAt(static_cast<uint64_t>(i)), "entry");
      Must(log.IssueReceipt(entry.envelope_id), "receipt");
    }
    Must(tx.Commit(), "commit");
  }
  s = Since(start);
  std::printf("  receipts issued (in one transaction): %.0f /s\n", kReceipts / s);

  std::printf("  this process: peak RSS %ld kB\n", ProcStatusKb("VmHWM:"));
  // 6. A restarted hub: a new process opens the file and appends one entry.
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::fflush(stdout);
  return std::system(("'" + self + "' --append-one '" + dir.string() + "'").c_str()) == 0 ? 0 : 1;
}

}  // namespace
}  // namespace gongkai

int main(int argc, char** argv) {
  int entries = 100000;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "gongkai-hub-bench";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--append-one") == 0 && i + 1 < argc) {
      return gongkai::AppendOne(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--entries") == 0 && i + 1 < argc) {
      entries = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: hub_bench [--entries N] [--dir DIR]\n");
      return 2;
    }
  }
  if (entries < 2000) {
    std::fprintf(stderr, "hub_bench: --entries must be at least 2000\n");
    return 2;
  }
  const int rc = gongkai::Run(entries, dir);
  std::filesystem::remove_all(dir);
  return rc;
}
