// Benchmark support for hub_sync_bench's peer figures: the rows of the bench's synced
// replicas as PouchDB documents, and tests/bench/peer/pouchdb_peer.js (PouchDB 9, an
// express-pouchdb server on 127.0.0.1) run on them through a ByteCountingProxy, so that
// PouchDB's syncs of the same rows are counted by the same relay as gongkai's.
//
// Documents (one JSON object per row, keys sorted, written with node/json/json_text.h):
//   - one per disclosure_version, its disclosure_item rows inside as "items" (each item
//     without its version_id, ordered by line_no);
//   - one per row of every other synced table (certificate, review, revocation, withdrawal,
//     posting, county_setting);
//   - "_id" = table ":" primary key (columns joined by ":"), "table" = the table name, then
//     every column: text as text, blobs in base64, integers as numbers (as decimal text
//     when beyond 2^53, which JavaScript numbers cannot hold exactly).
// The same rows always give the same bytes, so PouchDB's deterministic revisions make a
// document written by two databases the same revision.
//
// Thread-safety: none; one thread drives a peer.
#ifndef GONGKAI_TESTS_BENCH_POUCHDB_PEER_H_
#define GONGKAI_TESTS_BENCH_POUCHDB_PEER_H_

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "node/json/json_text.h"
#include "node/json/json_value.h"
#include "node/replica/sql.h"
#include "protocol/bytes.h"
#include "protocol/schema.h"
#include "tests/bench/bench_support.h"
#include "tests/bench/byte_counting_proxy.h"
#include "tests/bench/hub_sync_data.h"

extern char** environ;

namespace gongkai::bench {

inline constexpr char kPeerScript[] = "pouchdb_peer.js";
inline constexpr char kPeerEnvironment[] = "GONGKAI_PEER_POUCHDB";
inline constexpr int kPeerStepTimeoutMs = 600'000;

struct PeerDocument {
  std::string id;
  std::string origin;  // the row's writer (NodeId hex)
  std::string json;
};

// Every synced row of `db` as documents (see the top of this file), in table order.
inline std::vector<PeerDocument> PeerDocumentsOf(sqlite3* db) {
  auto value_of = [](sqlite3_stmt* raw, int c) -> std::string {
    switch (sqlite3_column_type(raw, c)) {
      case SQLITE_INTEGER: {
        const int64_t v = sqlite3_column_int64(raw, c);
        constexpr int64_t kExact = int64_t{1} << 53;
        return v > -kExact && v < kExact ? std::to_string(v) : JsonQuote(std::to_string(v));
      }
      case SQLITE_BLOB:
        return JsonQuote(
            Base64Encode(ByteView(static_cast<const uint8_t*>(sqlite3_column_blob(raw, c)),
                                  static_cast<size_t>(sqlite3_column_bytes(raw, c)))));
      case SQLITE_NULL:
        return "null";
      default:
        return JsonQuote(
            std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(raw, c)),
                             static_cast<size_t>(sqlite3_column_bytes(raw, c))));
    }
  };
  auto text_of = [](sqlite3_stmt* raw, int c) {
    const unsigned char* text = sqlite3_column_text(raw, c);
    return std::string(text ? reinterpret_cast<const char*>(text) : "");
  };
  std::map<std::string, std::vector<std::string>> items;  // version_id -> items' JSON
  {
    const TableSpec& table = *FindTable("disclosure_item");
    Statement stmt = Must(Statement::Prepare(db,
                                             "SELECT * FROM disclosure_item ORDER BY "
                                             "version_id, line_no"),
                          "select items");
    sqlite3_stmt* raw = stmt.get();
    while (Must(stmt.Step(), "step")) {
      JsonObject item;
      for (int c = 1; c < sqlite3_column_count(raw); ++c)
        item.SetRaw(table.columns[c].name, value_of(raw, c));
      items[text_of(raw, 0)].push_back(item.ToString());
    }
  }
  std::vector<PeerDocument> out;
  for (const TableSpec& table : SyncedTables()) {
    if (table.name == "disclosure_item") continue;
    Statement stmt =
        Must(Statement::Prepare(db, "SELECT * FROM " + std::string(table.name) + " ORDER BY rowid"),
             "select rows");
    sqlite3_stmt* raw = stmt.get();
    while (Must(stmt.Step(), "step")) {
      PeerDocument document;
      document.id = std::string(table.name);
      for (size_t c = 0; c < table.primary_key_columns; ++c)
        document.id += ":" + text_of(raw, static_cast<int>(c));
      document.origin = text_of(raw, static_cast<int>(table.origin_index()));
      JsonObject json;
      json.Set("_id", document.id);
      json.Set("table", table.name);
      for (int c = 0; c < sqlite3_column_count(raw); ++c)
        json.SetRaw(table.columns[c].name, value_of(raw, c));
      if (table.name == "disclosure_version") {
        const auto found = items.find(text_of(raw, 0));
        json.SetRaw("items",
                    JsonArray(found == items.end() ? std::vector<std::string>{} : found->second));
      }
      document.json = json.ToString();
      out.push_back(std::move(document));
    }
  }
  return out;
}

inline std::string DocumentArray(const std::vector<PeerDocument>& documents) {
  std::vector<std::string> json;
  for (const PeerDocument& d : documents) json.push_back(d.json);
  return JsonArray(json);
}

// The county as pouchdb_peer.js reads it: the hub's own rows as the seed, each village's
// own rows and the ids of the rows it pulled, the reviewing township's whole database, and
// how many documents the new township must end with.
struct PeerCounty {
  struct Village {
    std::vector<PeerDocument> own;
    std::vector<std::string> pull_ids;
  };
  std::vector<PeerDocument> seed;
  std::vector<Village> villages;
  std::vector<PeerDocument> township;
  size_t new_township_documents = 0;

  std::string ToJson() const {
    std::vector<std::string> village_json;
    for (const Village& v : villages) {
      JsonObject o;
      o.SetRaw("docs", DocumentArray(v.own));
      o.SetRaw("pull_ids", JsonStringArray(v.pull_ids));
      village_json.push_back(o.ToString());
    }
    JsonObject o;
    o.SetRaw("seed", DocumentArray(seed));
    o.SetRaw("villages", JsonArray(village_json));
    o.SetRaw("township", DocumentArray(township));
    o.Set("new_township_docs", static_cast<int64_t>(new_township_documents));
    return o.ToString();
  }
};

// A child process with its stdin and stdout on pipes. The destructor closes stdin, waits up
// to 5 s for the child to exit and kills it (SIGKILL) otherwise, so no child outlives it.
class PeerProcess {
 public:
  // Starts argv[0], searched on PATH. nullptr and *error when it cannot.
  static std::unique_ptr<PeerProcess> Start(const std::vector<std::string>& argv,
                                            std::string* error) {
    int to_child[2], from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0) {
      *error = std::strerror(errno);
      return nullptr;
    }
    if (::pipe2(from_child, O_CLOEXEC) != 0) {
      *error = std::strerror(errno);
      ::close(to_child[0]);
      ::close(to_child[1]);
      return nullptr;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    if (spawned != 0) {
      *error = argv[0] + ": " + std::strerror(spawned);
      ::close(to_child[1]);
      ::close(from_child[0]);
      return nullptr;
    }
    // A write to a child that has died must fail, not end the benchmark.
    ::signal(SIGPIPE, SIG_IGN);
    return std::unique_ptr<PeerProcess>(new PeerProcess(pid, to_child[1], from_child[0]));
  }

  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  ~PeerProcess() {
    if (stdin_ >= 0) ::close(stdin_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::close(stdout_);
  }

  bool WriteLine(const std::string& line) {
    const std::string text = line + "\n";
    for (size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(stdin_, text.data() + done, text.size() - done);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  // The next line the child prints, without its newline; nullopt at its end or after
  // `timeout_ms` without one.
  std::optional<std::string> ReadLine(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      const size_t end = pending_.find('\n');
      if (end != std::string::npos) {
        std::string line = pending_.substr(0, end);
        pending_.erase(0, end + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      if (left <= 0) return std::nullopt;
      pollfd readable{stdout_, POLLIN, 0};
      if (::poll(&readable, 1, static_cast<int>(left)) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::read(stdout_, buffer, sizeof buffer);
      if (n <= 0) return std::nullopt;
      pending_.append(buffer, static_cast<size_t>(n));
    }
  }

 private:
  PeerProcess(pid_t pid, int stdin_fd, int stdout_fd)
      : pid_(pid), stdin_(stdin_fd), stdout_(stdout_fd) {}
  pid_t pid_;
  int stdin_;
  int stdout_;
  std::string pending_;
};

// One step of the peer as the relay and the script counted it.
struct PeerStep {
  int64_t documents_up = 0;
  int64_t documents_down = 0;
  int64_t requests = 0;
  double seconds = 0;
  uint64_t wire_bytes = 0;  // both ways, counted by the relay
};

struct PeerFigures {
  std::string software;  // "PouchDB 9.0.0, express-pouchdb 4.2.0, node v20..."
  PeerStep villages;     // summed over the villages
  PeerStep township;
  PeerStep new_township;
};

// Why the peer in `directory` cannot run (the script or its node_modules missing), or
// empty. Whether `node` itself runs shows only when it is started.
inline std::string PeerMissing(const std::filesystem::path& directory) {
  if (!std::filesystem::exists(directory / kPeerScript))
    return (directory / kPeerScript).string() + " not found";
  if (!std::filesystem::exists(directory / "node_modules" / "pouchdb-core" / "package.json"))
    return "no node_modules in " + directory.string() + " (run npm ci there)";
  return "";
}

// Runs pouchdb_peer.js from `directory` on `county` (written to `documents_file`), every
// request through a ByteCountingProxy. Returns the figures, or nullopt with *error.
inline std::optional<PeerFigures> RunPouchDbPeer(const std::filesystem::path& directory,
                                                 const PeerCounty& county,
                                                 const std::filesystem::path& documents_file,
                                                 std::string* error) {
  WriteFile(documents_file, county.ToJson());
  std::unique_ptr<PeerProcess> peer =
      PeerProcess::Start({"node", (std::filesystem::absolute(directory) / kPeerScript).string(),
                          documents_file.string()},
                         error);
  if (!peer) return std::nullopt;
  // Reads one reply; nullopt and *error when the peer failed or said why.
  auto reply = [&]() -> std::optional<JsonValue> {
    const std::optional<std::string> line = peer->ReadLine(kPeerStepTimeoutMs);
    if (!line) {
      *error = "the peer ended or gave no answer";
      return std::nullopt;
    }
    Result<JsonValue> parsed = ParseJsonObject(*line);
    if (!parsed.ok()) {
      *error = "the peer said: " + *line;
      return std::nullopt;
    }
    if (const JsonValue* failed = parsed.value().Find("error")) {
      *error = "the peer failed: " + (failed->is_string() ? failed->string() : *line);
      return std::nullopt;
    }
    return std::move(parsed).value();
  };
  const std::optional<JsonValue> started = reply();
  if (!started) return std::nullopt;
  const int64_t server_port = started->IntegerOr("port", 0).value_or(0);
  ByteCountingProxy relay;
  if (server_port <= 0 || !relay.Start(static_cast<int>(server_port))) {
    *error = "no relay to the peer's server";
    return std::nullopt;
  }
  auto step = [&](const std::string& command) -> std::optional<PeerStep> {
    relay.Reset();
    if (!peer->WriteLine(command)) {
      *error = "the peer has ended";
      return std::nullopt;
    }
    const std::optional<JsonValue> answer = reply();
    if (!answer) return std::nullopt;
    PeerStep s;
    s.documents_up = answer->IntegerOr("docs_up", 0).value_or(0);
    s.documents_down = answer->IntegerOr("docs_down", 0).value_or(0);
    s.requests = answer->IntegerOr("requests", 0).value_or(0);
    s.seconds = static_cast<double>(answer->IntegerOr("microseconds", 0).value_or(0)) / 1e6;
    s.wire_bytes = relay.sent() + relay.received();
    return s;
  };
  if (!step("relay http://127.0.0.1:" + std::to_string(relay.port()))) return std::nullopt;
  PeerFigures figures;
  figures.software = "PouchDB " + started->StringOr("pouchdb", "?").value_or("?") +
                     ", express-pouchdb " +
                     started->StringOr("express_pouchdb", "?").value_or("?") + ", node " +
                     started->StringOr("node", "?").value_or("?");
  for (size_t v = 0; v < county.villages.size(); ++v) {
    const std::optional<PeerStep> s = step("village " + std::to_string(v));
    if (!s) return std::nullopt;
    figures.villages.documents_up += s->documents_up;
    figures.villages.documents_down += s->documents_down;
    figures.villages.requests += s->requests;
    figures.villages.seconds += s->seconds;
    figures.villages.wire_bytes += s->wire_bytes;
  }
  const std::optional<PeerStep> township = step("township");
  if (!township) return std::nullopt;
  figures.township = *township;
  const std::optional<PeerStep> fresh = step("new-township");
  if (!fresh) return std::nullopt;
  figures.new_township = *fresh;
  peer.reset();  // closes its stdin: the server closes and node exits
  relay.Stop();
  return figures;
}

}  // namespace gongkai::bench

#endif  // GONGKAI_TESTS_BENCH_POUCHDB_PEER_H_
