// Benchmark of protocol/: SHA-256, Ed25519, bounded zstd on changeset-like data, and full
// envelope verification as a ratio to the raw signature-verify rate.
//
//   protocol_bench [--seconds S] [--json]
//
// Every figure is measured in this run on this machine; nothing is a constant.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "protocol/compress.h"
#include "protocol/envelope.h"
#include "protocol/inspect.h"
#include "protocol/keys.h"
#include "protocol/schema.h"
#include "protocol/sha256.h"
#include "protocol/sqlite_handles.h"

namespace gongkai {
namespace {

using Clock = std::chrono::steady_clock;

double g_seconds = 1.0;

// Runs `op` until g_seconds have passed (at least `min_iters` times); returns ops per second.
double Rate(const std::function<void()>& op, int min_iters = 3) {
  op();  // warm up
  int iters = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  while (iters < min_iters || elapsed < g_seconds) {
    op();
    ++iters;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  return iters / elapsed;
}

void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", err ? err : "?");
    std::exit(1);
  }
}

// A real changeset: one subsidy disclosure version and `items` lines, as a village writes it.
Bytes SubsidyChangeset(const std::string& origin, const std::string& region, int items,
                       bool review_only) {
  sqlite3* raw = nullptr;
  sqlite3_open(":memory:", &raw);
  SqliteDb db(raw);
  Exec(db.get(), SyncedSchemaSql());
  sqlite3_session* session_raw = nullptr;
  sqlite3session_create(db.get(), "main", &session_raw);
  SqliteSession session(session_raw);
  sqlite3session_attach(session.get(), nullptr);
  Exec(db.get(), "BEGIN");
  const std::string version_id = HexEncode(Sha256("version"));
  const std::string tail = "'" + origin + "', 1785000000000, '" + region + "'";
  if (review_only) {
    Exec(db.get(),
         "INSERT INTO review (review_id, version_id, disclosure_id, stage, decision, comment, "
         "reviewer, origin, hlc, region) VALUES ('" + HexEncode(Sha256("review")) + "', '" +
             version_id + "', 'd1', 'supervision', 'approve', '同意公开', '王建国', " + tail + ")");
  } else {
    Exec(db.get(),
         "INSERT INTO disclosure_version (version_id, disclosure_id, parent_version, category, "
         "title, period, body, publicity_from, publicity_to, item_count, content_hash, author, "
         "origin, hlc, region) VALUES ('" + version_id + "', 'd1', '', 'subsidy', "
         "'2026年耕地地力保护补贴发放公示', '2026', '', '2026-11-01', '2026-11-08', " +
             std::to_string(items) + ", '" + HexEncode(Sha256("content")) + "', '李文书', " +
             tail + ")");
    static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"};
    static const char* kGiven[] = {"建国", "秀英", "志强", "桂兰", "海燕", "德明", "玉梅", "长林"};
    for (int i = 1; i <= items; ++i) {
      char data[512];
      const long area_tenths = 15 + (i * 37) % 120;  // 1.5 to 13.4 mu
      const long cents = area_tenths * 10250 / 10;    // 102.50 yuan per mu
      std::snprintf(data, sizeof data,
                    "{\"account\":\"****%04d\",\"amount\":\"%ld.%02ld\",\"area\":\"%ld.%ld\","
                    "\"group\":\"第%d组\",\"id\":\"511303********%04d\",\"item\":\"耕地地力保护补贴\","
                    "\"name\":\"%s%s\",\"note\":\"\",\"rate\":\"102.50\"}",
                    (i * 7919) % 10000, cents / 100, cents % 100, area_tenths / 10,
                    area_tenths % 10, 1 + i % 9, (i * 104729) % 10000, kSurnames[i % 10],
                    kGiven[i % 8]);
      Exec(db.get(), "INSERT INTO disclosure_item (version_id, line_no, data, origin, hlc, region) "
                     "VALUES ('" + version_id + "', " + std::to_string(i) + ", '" + data + "', " +
                         tail + ")");
    }
  }
  Exec(db.get(), "COMMIT");
  int size = 0;
  void* buffer = nullptr;
  sqlite3session_changeset(session.get(), &size, &buffer);
  return SqliteBuffer(buffer, size).ToBytes();
}

struct Figure {
  std::string name;
  double value;
  std::string unit;
};

}  // namespace
}  // namespace gongkai

int main(int argc, char** argv) {
  using namespace gongkai;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      g_seconds = std::atof(argv[++i]);
    } else {
      std::printf("usage: protocol_bench [--seconds S] [--json]\n"
                  "Measures SHA-256, Ed25519, zstd on changeset-like data and envelope\n"
                  "verification on this machine (S seconds per figure, default 1).\n");
      return std::strcmp(argv[i], "--help") == 0 ? 0 : 2;
    }
  }
  std::vector<Figure> figures;
  auto add = [&](std::string name, double value, std::string unit) {
    if (!json) std::printf("%-52s %12.2f %s\n", name.c_str(), value, unit.c_str());
    std::fflush(stdout);
    figures.push_back({std::move(name), value, std::move(unit)});
  };

  // SHA-256 over 16 MiB.
  Bytes big(size_t{16} << 20);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 2654435761u >> 13);
  volatile uint8_t sink = 0;
  double sha_rate = Rate([&] { sink = sink ^ Sha256(big)[0]; });
  add("sha256", sha_rate * big.size() / 1e6, "MB/s");

  // Ed25519 over a message the size of a typical envelope's signed part.
  SecretKey key = *SecretKey::FromSeed(Sha256("bench village key"));
  const std::string origin = NodeIdHex(key.node_id());
  const std::string region = "511303101201";
  Bytes review_changeset = SubsidyChangeset(origin, region, 0, /*review_only=*/true);
  Bytes review_env = *BuildEnvelope(1, Hash256{}, 1785000000000ull << 16, region,
                                    review_changeset, key);
  Envelope decoded_review = *DecodeEnvelope(review_env);
  Bytes message(decoded_review.signed_part().begin(), decoded_review.signed_part().end());
  Signature sig = key.Sign(message);
  add("ed25519 sign (" + std::to_string(message.size()) + " B)",
      Rate([&] { sink = sink ^ key.Sign(message)[0]; }), "/s");
  const double verify_rate =
      Rate([&] { sink = sink ^ VerifySignature(key.public_key(), message, sig); });
  add("ed25519 verify (" + std::to_string(message.size()) + " B)", verify_rate, "/s");

  // zstd on a real 1,000-line subsidy changeset.
  Bytes subsidy = SubsidyChangeset(origin, region, 1000, false);
  Bytes frame = Compress(subsidy);
  add("changeset bytes (1,000 subsidy lines)", static_cast<double>(subsidy.size()), "B");
  add("zstd frame bytes (level " + std::to_string(kZstdLevel) + ")",
      static_cast<double>(frame.size()), "B");
  add("zstd compress", Rate([&] { sink = sink ^ Compress(subsidy)[0]; }) * subsidy.size() / 1e6,
      "MB/s");
  add("zstd decompress",
      Rate([&] { sink = sink ^ (*Decompress(frame))[0]; }) * subsidy.size() / 1e6, "MB/s");

  // Full envelope verification: size cap, decode, id, signature, bounded decompression and
  // changeset inspection against the signer — everything a receiver does before applying.
  const Signer signer{origin, Role::kVillage, region};
  auto full_verify = [&](const Bytes& raw) {
    Result<Envelope> env = DecodeEnvelope(ByteView(raw));
    if (!env.ok() || !VerifyEnvelopeSignature(*env, key.public_key()).ok()) std::abort();
    Result<Bytes> payload = OpenPayload(*env);
    if (!payload.ok()) std::abort();
    if (!InspectChangeset(*payload, signer, env->region(), nullptr).ok()) std::abort();
  };
  const double full_rate = Rate([&] { full_verify(review_env); });
  add("envelope full verify (1 review row, " + std::to_string(review_env.size()) + " B)",
      full_rate, "/s");
  add("  as a ratio to raw ed25519 verify (target >= 0.8)", full_rate / verify_rate, "");
  Bytes subsidy_env = *BuildEnvelope(2, decoded_review.id(), 1785000000001ull << 16, region,
                                     subsidy, key);
  const double big_rate = Rate([&] { full_verify(subsidy_env); });
  add("envelope full verify (1,001 rows, " + std::to_string(subsidy_env.size()) + " B)",
      big_rate, "/s");
  add("  rows verified per second", big_rate * 1001, "rows/s");

  if (json) {
    std::printf("{");
    for (size_t i = 0; i < figures.size(); ++i) {
      std::printf("%s\"%s\": {\"value\": %.3f, \"unit\": \"%s\"}", i ? ", " : "",
                  figures[i].name.c_str(), figures[i].value, figures[i].unit.c_str());
    }
    std::printf("}\n");
  }
  return 0;
}
