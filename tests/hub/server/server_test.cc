// The county hub's HTTP server, end to end: the real `gongkai-hub serve` binary on a free
// port of 127.0.0.1, nodes enrolled through the library, and the real `gongkai` binary
// writing, submitting and syncing.
#include "hub/server/server.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "hub/county/county.h"
#include "hub/log/log.h"
#include "hub/server/service.h"
#include "node/app/exchange_actions.h"
#include "node/app/node_session.h"
#include "node/app/node_status.h"
#include "node/exchange/enrolment.h"
#include "node/exchange/hub_client.h"
#include "node/exchange/hub_sync.h"
#include "node/json/json_value.h"
#include "node/replica/digest.h"
#include "node/replica/node_key.h"
#include "node/replica/sql.h"
#include "protocol/checkpoint.h"
#include "protocol/envelope_batch.h"
#include "protocol/have.h"
#include "protocol/merkle.h"
#include "protocol/receipt.h"
#include "protocol/request_auth.h"
#include "protocol/wall_clock.h"
#include "tests/hub/child_process.h"
#include "tests/hub/county_fixture.h"

namespace gongkai::testing {
namespace {

constexpr char kTownshipRegion[] = "511304100";
constexpr char kVillageA[] = "511304100201";
constexpr char kVillageB[] = "511304100202";

void Enrol(County& county, const std::filesystem::path& home, std::string_view region,
           std::string_view name, Role role) {
  Result<Bytes> request = StartEnrolment(home, region, name, static_cast<uint64_t>(WallClockMs()));
  INFO(request.status().ToString());
  REQUIRE(request.ok());
  Result<Bytes> certificate = EnrollFromRequest(county, kPassphrase, *request, role);
  INFO(certificate.status().ToString());
  REQUIRE(certificate.ok());
  Result<CompletedEnrolment> done = CompleteEnrolment(home, *certificate);
  INFO(done.status().ToString());
  REQUIRE(done.ok());
  // Kept as a clerk keeps the file the county handed over (gongkai rebuild needs it).
  std::ofstream(home.string() + ".cert", std::ios::binary)
      .write(reinterpret_cast<const char*>(certificate->data()),
             static_cast<std::streamsize>(certificate->size()));
}

// A county with two villages and their township, and its hub serving on 127.0.0.1.
struct ServedCounty {
  TempDir dir;
  std::filesystem::path hub_home = dir.path() / "hub";
  std::filesystem::path village_a = dir.path() / "village-a";
  std::filesystem::path village_b = dir.path() / "village-b";
  std::filesystem::path township = dir.path() / "township";
  std::unique_ptr<ChildProcess> server;
  int port = 0;

  ServedCounty() {
    {
      Result<County> county =
          InitCounty(hub_home, kCountyCode, kCountyName, kPassphrase, kKdfInteractive);
      INFO(county.status().ToString());
      REQUIRE(county.ok());
      Enrol(*county, village_a, kVillageA, "石庙村 村委会", Role::kVillage);
      Enrol(*county, village_b, kVillageB, "双河村 村委会", Role::kVillage);
      Enrol(*county, township, kTownshipRegion, "龙蟠镇 政府", Role::kTownship);
    }
    Start();
  }

  void Start() {
    server = std::make_unique<ChildProcess>(
        std::vector<std::string>{HubBinary(), "serve", "--home", hub_home.string(), "--listen",
                                 "127.0.0.1:0"},
        (dir.path() / "hub.log").string());
    const std::string line = server->ReadLine();
    const std::string prefix = "listening on 127.0.0.1:";
    INFO(line);
    REQUIRE(line.starts_with(prefix));
    port = std::stoi(line.substr(prefix.size()));
    REQUIRE(port > 0);
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port); }

  CommandResult Gongkai(const std::filesystem::path& home, std::vector<std::string> words) {
    std::vector<std::string> argv = {NodeBinary()};
    argv.insert(argv.end(), words.begin(), words.end());
    argv.push_back("--home");
    argv.push_back(home.string());
    return RunCommand(argv);
  }

  // Writes and submits an affairs disclosure at `home`; returns the version's output.
  void Publish(const std::filesystem::path& home, const std::string& title) {
    CommandResult made = Gongkai(home, {"new", "--category", "affairs", "--title", title,
                                        "--period", "2024", "--body", title + " 的正文", "--json"});
    INFO(made.out);
    REQUIRE(made.exit_code == 0);
    Result<JsonValue> json = ParseJsonObject(made.out);
    REQUIRE(json.ok());
    const std::string id = *json->StringOr("id", "");
    CommandResult submitted = Gongkai(home, {"submit", id});
    INFO(submitted.out);
    REQUIRE(submitted.exit_code == 0);
  }

  JsonValue Sync(const std::filesystem::path& home) {
    CommandResult result = Gongkai(home, {"sync", "--hub", Url(), "--json"});
    INFO(result.out);
    REQUIRE(result.exit_code == 0);
    Result<JsonValue> json = ParseJsonObject(result.out);
    REQUIRE(json.ok());
    return *json;
  }

  std::string Digest(const std::filesystem::path& home, const std::string& region) {
    CommandResult result = Gongkai(home, {"digest", "--region", region, "--json"});
    INFO(result.out);
    REQUIRE(result.exit_code == 0);
    return *ParseJsonObject(result.out)->StringOr("digest", "");
  }

  std::string HubDigest(const std::string& region) {
    Result<County> county = OpenCounty(hub_home);
    REQUIRE(county.ok());
    Result<Hash256> digest = RegionDigest(county->replica(), region);
    REQUIRE(digest.ok());
    return HexEncode(*digest);
  }

  SecretKey KeyOf(const std::filesystem::path& home) {
    Result<SecretKey> key = LoadNodeKey(home / "node.key");
    REQUIRE(key.ok());
    return std::move(*key);
  }
};

httplib::Headers HeadersOf(const RequestAuth& auth) {
  return {{kRequestNodeHeader, auth.node},
          {kRequestTimeHeader, auth.time},
          {kRequestNonceHeader, auth.nonce},
          {kRequestSignatureHeader, auth.signature}};
}

std::string CodeOf(const std::string& body) {
  Result<JsonValue> json = ParseJsonObject(body);
  REQUIRE(json.ok());
  return *json->StringOr("code", "");
}

httplib::Result SignedPost(httplib::Client& client, const SecretKey& key, const std::string& path,
                           const std::string& body) {
  RequestAuth auth = SignRequest(key, "POST", path, AsBytes(body), WallClockMs());
  return client.Post(path.c_str(), HeadersOf(auth), body, "application/octet-stream");
}

TEST_CASE("two villages and a township sync through the hub and hold equal digests") {
  ServedCounty c;
  c.Publish(c.village_a, "石庙村2024年村务公开");
  c.Publish(c.village_b, "双河村2024年村务公开");

  JsonValue a = c.Sync(c.village_a);
  CHECK(*a.IntegerOr("push_applied", -1) >= 1);
  CHECK(*a.IntegerOr("receipts", -1) == *a.IntegerOr("pushed", -2));
  c.Sync(c.village_b);
  JsonValue t = c.Sync(c.township);
  CHECK(*t.IntegerOr("pull_applied", -1) >= 2);  // both villages' envelopes
  c.Sync(c.village_a);
  c.Sync(c.village_b);

  for (const auto& [home, region] :
       {std::pair{c.village_a, kVillageA}, std::pair{c.village_b, kVillageB}}) {
    const std::string hub = c.HubDigest(region);
    CHECK(c.Digest(c.township, region) == hub);
    CHECK(c.Digest(home, region) == hub);
  }
  CHECK(c.Digest(c.township, kTownshipRegion) == c.HubDigest(kTownshipRegion));

  // Every own envelope was receipted; a second sync sends nothing and checks the checkpoint.
  CommandResult status = c.Gongkai(c.village_a, {"status", "--json"});
  CHECK(*ParseJsonObject(status.out)->IntegerOr("pending_envelopes", -1) == 0);
  JsonValue again = c.Sync(c.village_a);
  CHECK(*again.IntegerOr("pushed", -1) == 0);
  CHECK(*again.IntegerOr("pull_applied", -1) == 0);
  CHECK(*again.IntegerOr("checkpoint_size", -1) >= 3);
}

TEST_CASE("the hub refuses unsigned, unknown, forged and replayed requests") {
  ServedCounty c;
  httplib::Client client(c.Url());
  const SecretKey village = c.KeyOf(c.village_a);
  Result<Bytes> have = HaveSummary().Encode();
  REQUIRE(have.ok());
  const std::string body(have->begin(), have->end());

  SUBCASE("health needs no signature") {
    auto res = client.Get("/v1/health");
    REQUIRE(res);
    CHECK(res->status == 200);
  }
  SUBCASE("unsigned") {
    auto res = client.Post("/v1/pull", body, "application/octet-stream");
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(CodeOf(res->body) == kErrAuthMissing);
  }
  SUBCASE("unknown key") {
    SecretKey stranger = SecretKey::Generate();
    auto res = SignedPost(client, stranger, "/v1/pull", body);
    REQUIRE(res);
    CHECK(res->status == 403);
    CHECK(CodeOf(res->body) == kErrServeUnknownNode);
  }
  SUBCASE("forged signature: the body is not what was signed") {
    RequestAuth auth =
        SignRequest(village, "POST", "/v1/pull", AsBytes(std::string("x")), WallClockMs());
    auto res = client.Post("/v1/pull", HeadersOf(auth), body, "application/octet-stream");
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(CodeOf(res->body) == kErrAuthSignature);
  }
  SUBCASE("replayed") {
    RequestAuth auth = SignRequest(village, "POST", "/v1/pull", AsBytes(body), WallClockMs());
    auto first = client.Post("/v1/pull", HeadersOf(auth), body, "application/octet-stream");
    REQUIRE(first);
    CHECK(first->status == 200);
    auto second = client.Post("/v1/pull", HeadersOf(auth), body, "application/octet-stream");
    REQUIRE(second);
    CHECK(second->status == 401);
    CHECK(CodeOf(second->body) == kErrAuthReplay);
  }
  SUBCASE("a time far from the hub's clock") {
    RequestAuth auth = SignRequest(village, "POST", "/v1/pull", AsBytes(body),
                                   WallClockMs() - kMaxRequestClockSkewMs - 60000);
    auto res = client.Post("/v1/pull", HeadersOf(auth), body, "application/octet-stream");
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(CodeOf(res->body) == kErrAuthClock);
  }
}

TEST_CASE("garbage and truncated pushes are refused and leave the hub working") {
  ServedCounty c;
  c.Publish(c.village_a, "石庙村2024年村务公开");
  httplib::Client client(c.Url());
  const SecretKey village = c.KeyOf(c.village_a);

  auto garbage = SignedPost(client, village, "/v1/push", "this is not a batch");
  REQUIRE(garbage);
  CHECK(garbage->status == 400);
  CHECK(CodeOf(garbage->body) == kErrBatchMagic);

  Result<Bytes> batch = EncodeBatch({Bytes(100, 7)});
  REQUIRE(batch.ok());
  const std::string cut(batch->begin(), batch->begin() + 50);
  auto truncated = SignedPost(client, village, "/v1/push", cut);
  REQUIRE(truncated);
  CHECK(truncated->status == 400);
  CHECK(CodeOf(truncated->body) == kErrBatchTruncated);

  // A batch that decodes but holds a bad envelope: that envelope is refused, nothing else.
  const std::string bad(batch->begin(), batch->end());
  auto refused = SignedPost(client, village, "/v1/push", bad);
  REQUIRE(refused);
  CHECK(refused->status == 200);
  CHECK(refused->body.find("\"outcome\":\"refused\"") != std::string::npos);

  JsonValue synced = c.Sync(c.village_a);
  CHECK(*synced.IntegerOr("push_applied", -1) >= 1);
  CHECK(c.Digest(c.village_a, kVillageA) == c.HubDigest(kVillageA));

  // The metrics count the refused envelope.
  RequestAuth auth = SignRequest(village, "GET", "/metrics", {}, WallClockMs());
  auto metrics = client.Get("/metrics", HeadersOf(auth));
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK(metrics->body.find("gongkai_hub_envelopes_refused_total{code=") != std::string::npos);
  CHECK(metrics->body.find("gongkai_hub_nodes 4") != std::string::npos);
}

TEST_CASE("the hub serves its checkpoint and proofs that verify") {
  ServedCounty c;
  c.Publish(c.village_a, "石庙村2024年村务公开");
  JsonValue synced = c.Sync(c.village_a);
  const int64_t size = *synced.IntegerOr("checkpoint_size", 0);
  REQUIRE(size >= 4);
  httplib::Client client(c.Url());
  const SecretKey village = c.KeyOf(c.village_a);
  auto get = [&](const std::string& target) {
    RequestAuth auth = SignRequest(village, "GET", target, {}, WallClockMs());
    auto res = client.Get(target.c_str(), HeadersOf(auth));
    REQUIRE(res);
    return std::make_pair(res->status, res->body);
  };
  Result<SecretKey> hub_key = LoadNodeKey(c.hub_home / "hub.key");
  REQUIRE(hub_key.ok());
  const std::string origin = CountyLogOrigin(kCountyCode);
  auto [status, note] = get("/v1/checkpoint");
  REQUIRE(status == 200);
  Result<Checkpoint> checkpoint = OpenCheckpoint(note, origin, origin, hub_key->public_key());
  REQUIRE(checkpoint.ok());
  CHECK(checkpoint->size == static_cast<uint64_t>(size));

  auto proof_hashes = [](const JsonValue& json) {
    std::vector<Hash256> out;
    for (const JsonValue& item : json.Find("proof")->array()) {
      Bytes bytes = *Base64Decode(item.string());
      Hash256 h{};
      std::copy(bytes.begin(), bytes.end(), h.begin());
      out.push_back(h);
    }
    return out;
  };
  // Inclusion of the village's own last envelope, as its receipt names it.
  Result<NodeSession> session = OpenNodeSession(c.village_a.string(), false);
  REQUIRE(session.ok());
  Result<std::optional<int64_t>> receipted =
      QueryInt(session->replica->db(), "SELECT count(*) FROM journal WHERE status='receipted'");
  REQUIRE(receipted.ok());
  CHECK(receipted->value_or(0) >= 1);
  auto id_stmt =
      Statement::Prepare(session->replica->db(),
                         "SELECT envelope_id, log_index FROM hub_receipt ORDER BY log_index DESC");
  REQUIRE(id_stmt.ok());
  REQUIRE(*id_stmt->Step());
  const std::string id = id_stmt->ColumnText(0);
  const uint64_t index = static_cast<uint64_t>(id_stmt->ColumnInt(1));
  auto [inclusion_status, inclusion_body] = get("/v1/proof/inclusion?id=" + id);
  REQUIRE(inclusion_status == 200);
  JsonValue inclusion = *ParseJsonObject(inclusion_body);
  CHECK(*inclusion.IntegerOr("index", -1) == static_cast<int64_t>(index));
  const Hash256 envelope_id = *HexDecodeFixed<kHashSize>(id);
  CHECK(VerifyInclusion(index, checkpoint->size, EnvelopeLeafHash(envelope_id),
                        proof_hashes(inclusion), checkpoint->root)
            .ok());

  // Consistency from the log of one entry (the hub's own certificate) to now.
  auto [consistency_status, consistency_body] =
      get("/v1/proof/consistency?old=1&new=" + std::to_string(checkpoint->size));
  REQUIRE(consistency_status == 200);
  CHECK(proof_hashes(*ParseJsonObject(consistency_body)).size() >= 1);
  auto [bad_status, bad_body] = get("/v1/proof/consistency?old=x&new=1");
  CHECK(bad_status == 400);
  CHECK(CodeOf(bad_body) == kErrServeQuery);
  auto [missing_status, missing_body] = get("/v1/proof/inclusion?id=" + std::string(64, '0'));
  CHECK(missing_status == 404);
  auto [unknown_status, unknown_body] = get("/v1/nothing");
  CHECK(unknown_status == 404);
  CHECK(CodeOf(unknown_body) == kErrServeNotFound);
}

TEST_CASE("a node refuses a hub whose log history was rewritten") {
  ServedCounty c;
  c.Publish(c.village_a, "石庙村2024年村务公开");
  c.Sync(c.village_a);
  // The node's stored checkpoint: a larger log, signed by the hub's key, than the hub now
  // shows: the hub's history no longer extends what it showed before.
  {
    Result<SecretKey> hub_key = LoadNodeKey(c.hub_home / "hub.key");
    REQUIRE(hub_key.ok());
    Checkpoint forked;
    forked.origin = CountyLogOrigin(kCountyCode);
    forked.size = 1000;
    forked.root = Sha256(std::string_view("another history"));
    Result<std::string> note = SignCheckpoint(forked, forked.origin, *hub_key);
    REQUIRE(note.ok());
    Result<NodeSession> session = OpenNodeSession(c.village_a.string(), false);
    REQUIRE(session.ok());
    REQUIRE(session->replica->PutSetting(kSettingHubCheckpoint, AsBytes(*note)).ok());
  }
  CommandResult result = c.Gongkai(c.village_a, {"sync", "--hub", c.Url(), "--json"});
  CHECK(result.exit_code == 1);
  CHECK(result.out.find("sync.history_rewritten") != std::string::npos);
}

TEST_CASE("gongkai sync retries and then reports an unreachable hub") {
  ServedCounty c;
  c.server.reset();  // nothing listens on the port any more
  CommandResult result = c.Gongkai(c.village_a, {"sync", "--hub", c.Url(), "--json"});
  CHECK(result.exit_code == 1);
  CHECK(result.out.find("sync.unreachable") != std::string::npos);
}

TEST_CASE("gongkai-hub serve stops cleanly on SIGTERM") {
  ServedCounty c;
  REQUIRE(kill(c.server->pid(), SIGTERM) == 0);
  CHECK(c.server->Wait() == 0);
}

}  // namespace
}  // namespace gongkai::testing

namespace gongkai::testing {
namespace {

TEST_CASE(
    "a village whose clock is three days slow still syncs: it signs again at the hub's time") {
  ServedCounty c;
  c.Publish(c.village_a, "石庙村2024年村务公开");
  Result<NodeSession> session = OpenNodeSession(c.village_a.string(), true);
  REQUIRE(session.ok());
  constexpr int64_t kSlow = 3 * 24 * 3600 * 1000LL;
  auto client = HubClient::Create(
      c.Url(), *session->key, [] { return WallClockMs() - kSlow; }, [](int) {});
  REQUIRE(client.ok());
  Result<SyncReport> report = SyncWithHub(*session->replica, **client, WallClockMs() - kSlow);
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  CHECK(report->push_applied >= 1);
  CHECK(report->receipts >= 1);
  // The difference was measured from the hub's answers and used for the signatures.
  REQUIRE((*client)->hub_clock_offset_ms().has_value());
  CHECK(*(*client)->hub_clock_offset_ms() > kSlow - 60'000);
  CHECK(*(*client)->hub_clock_offset_ms() < kSlow + 60'000);
  CHECK((*client)->signing_offset_ms() > kSlow - 60'000);

  SUBCASE("a node with a right clock signs at its own clock") {
    auto right = HubClient::Create(c.Url(), *session->key, {}, [](int) {});
    REQUIRE(right.ok());
    REQUIRE((*right)->Send("GET", "/v1/checkpoint").ok());
    CHECK((*right)->signing_offset_ms() == 0);
    CHECK((*right)->attempts_made() == 1);
    REQUIRE((*right)->hub_clock_offset_ms().has_value());
    CHECK(std::abs(*(*right)->hub_clock_offset_ms()) < 60'000);
  }
  SUBCASE("the replay protection stands: a request signed at the slow clock is refused") {
    RequestAuth auth =
        SignRequest(*session->key, "GET", "/v1/checkpoint", {}, WallClockMs() - kSlow);
    httplib::Client http(c.Url());
    auto res = http.Get("/v1/checkpoint", HeadersOf(auth));
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(CodeOf(res->body) == kErrAuthClock);
    CHECK(!res->get_header_value(kResponseHubTimeHeader).empty());
  }
}

// Refusals auth.clock the hub recorded (hub/log/refused_request.h).
int64_t ClockRefusals(const std::filesystem::path& hub_home) {
  auto replica = Replica::Open(hub_home / "replica.db", ReplicaOptions{false, 5000, {}});
  REQUIRE(replica.ok());
  auto n =
      QueryInt(replica->db(), "SELECT count(*) FROM refused_request WHERE code = 'auth.clock'");
  REQUIRE(n.ok());
  return n->value_or(0);
}

TEST_CASE("a PC whose clock stays days off is refused auth.clock once, not on every sync") {
  ServedCounty c;
  constexpr int64_t kSlow = 3 * 24 * 3600 * 1000LL;
  auto slow_clock = [] { return WallClockMs() - kSlow; };
  for (int round = 1; round <= 3; ++round) {
    c.Publish(c.village_a, "石庙村2024年村务公开第" + std::to_string(round) + "期");
    Result<NodeSession> session = OpenNodeSession(c.village_a.string(), true);
    REQUIRE(session.ok());
    Result<SyncOutcome> synced = SyncNow(*session, c.Url(), slow_clock);
    INFO("sync " << round << ": " << synced.status().ToString());
    REQUIRE(synced.ok());
    CHECK(synced->report.push_applied >= 1);
    // The first sync learns the difference from a refusal; the later ones sign with the
    // difference it stored and are not refused.
    CHECK(ClockRefusals(c.hub_home) == 1);
    Result<std::optional<HubClockMeasure>> measure = LoadHubClockMeasure(*session->replica);
    REQUIRE(measure.ok());
    REQUIRE(measure->has_value());
    CHECK((*measure)->offset_ms > kSlow - 60'000);
  }
  SUBCASE("once the clock is set right, the stored difference is refused once and replaced") {
    Result<NodeSession> session = OpenNodeSession(c.village_a.string(), true);
    REQUIRE(session.ok());
    Result<SyncOutcome> synced = SyncNow(*session, c.Url(), [] { return WallClockMs(); });
    INFO(synced.status().ToString());
    REQUIRE(synced.ok());
    CHECK(ClockRefusals(c.hub_home) == 2);
    Result<std::optional<HubClockMeasure>> measure = LoadHubClockMeasure(*session->replica);
    REQUIRE((measure.ok() && measure->has_value()));
    CHECK(std::abs((*measure)->offset_ms) < 60'000);
    REQUIRE(SyncNow(*session, c.Url(), [] { return WallClockMs(); }).ok());
    CHECK(ClockRefusals(c.hub_home) == 2);
  }
}

TEST_CASE("gongkai status tells a wrong clock in Chinese, from what the last sync measured") {
  CHECK(DescribeClockOffset(0) == "");
  CHECK(DescribeClockOffset(kClockWarnMs) == "");
  CHECK(DescribeClockOffset(-kClockWarnMs) == "");
  CHECK(DescribeClockOffset(3 * 24 * 3600 * 1000LL + 2 * 3600 * 1000LL + 59'000) ==
        "本机时钟比汇聚服务器慢 3 天 2 小时");
  CHECK(DescribeClockOffset(-(7 * 60 * 1000LL)) == "本机时钟比汇聚服务器快 7 分钟");
  CHECK(DescribeClockOffset(-(90 * 60 * 1000LL)) == "本机时钟比汇聚服务器快 1 小时 30 分钟");

  ServedCounty c;
  CommandResult synced = c.Gongkai(c.village_a, {"sync", "--hub", c.Url(), "--json"});
  INFO(synced.out);
  REQUIRE(synced.exit_code == 0);
  CommandResult right = c.Gongkai(c.village_a, {"status", "--json"});
  REQUIRE(right.exit_code == 0);
  Result<JsonValue> json = ParseJsonObject(right.out);
  REQUIRE(json.ok());
  INFO(right.out);
  CHECK(std::abs(*json->IntegerOr("hub_clock_offset_ms", 1'000'000'000)) < 60'000);
  CHECK(right.out.find("\"clock_wrong\":false") != std::string::npos);
  CHECK(c.Gongkai(c.village_a, {"status"}).out.find("本机时钟") == std::string::npos);

  {
    // As a sync from a PC three days slow records it.
    Result<NodeSession> session = OpenNodeSession(c.village_a.string(), false);
    REQUIRE(session.ok());
    REQUIRE(session->replica
                ->PutSetting(kSettingHubClockOffset,
                             AsBytes(std::to_string(3 * 24 * 3600 * 1000LL + 5 * 60 * 1000LL)))
                .ok());
  }
  CommandResult wrong = c.Gongkai(c.village_a, {"status"});
  INFO(wrong.out);
  CHECK(wrong.out.find("本机时钟比汇聚服务器慢 3 天 0 小时") != std::string::npos);
  CHECK(wrong.out.find("校准") != std::string::npos);
  CHECK(c.Gongkai(c.village_a, {"status", "--json"}).out.find("\"clock_wrong\":true") !=
        std::string::npos);
}

}  // namespace
}  // namespace gongkai::testing

namespace gongkai::testing {
namespace {

// Overwrites `count` bytes of `path` at `offset` with 0x5a.
void Scribble(const std::filesystem::path& path, std::streamoff offset, size_t count) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(file.is_open());
  file.seekp(offset);
  const std::string junk(count, '\x5a');
  file.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  REQUIRE(file.good());
}

TEST_CASE("a corrupted replica is named with its file and a way back, and nothing crashes") {
  ServedCounty c;
  c.Publish(c.village_a, "石庙村2024年村务公开");
  REQUIRE(c.Gongkai(c.village_a, {"sync", "--hub", c.Url()}).exit_code == 0);
  const std::filesystem::path db = c.village_a / "replica.db";
  REQUIRE(std::filesystem::file_size(db) > 8192);
  std::vector<std::vector<std::string>> refused = {{"sync", "--hub", c.Url()}};
  SUBCASE("the header: every command stops") {
    Scribble(db, 0, 100);
    refused.push_back({"status"});
    refused.push_back({"list"});
  }
  SUBCASE("pages in the middle: sync checks the whole file first") {
    Scribble(db, static_cast<std::streamoff>(std::filesystem::file_size(db) / 2), 8192);
    CommandResult status = c.Gongkai(c.village_a, {"status"});
    CHECK(status.exit_code >= 0);  // whatever it reads, it ends without a crash
    CHECK(status.exit_code < 128);
  }
  for (const std::vector<std::string>& words : refused) {
    const std::filesystem::path err = c.dir.path() / "stderr.txt";
    std::filesystem::remove(err);
    std::vector<std::string> argv = {NodeBinary()};
    argv.insert(argv.end(), words.begin(), words.end());
    argv.insert(argv.end(), {"--home", c.village_a.string()});
    ChildProcess child(argv, err.string());
    const std::string out = child.ReadAll();
    const int exit_code = child.Wait();
    std::ifstream err_file(err);
    const std::string said = out + std::string(std::istreambuf_iterator<char>(err_file),
                                               std::istreambuf_iterator<char>());
    INFO(words[0] << ": " << said);
    CHECK(exit_code > 0);  // an exit, not a signal
    CHECK(exit_code < 128);
    CHECK(said.find(db.string()) != std::string::npos);
    CHECK(said.find("损坏") != std::string::npos);
    CHECK(said.find("不要删除") != std::string::npos);
  }
}

int64_t OwnEnvelopes(ServedCounty& c, const std::filesystem::path& home) {
  CommandResult status = c.Gongkai(home, {"status", "--json"});
  INFO(status.out);
  REQUIRE(status.exit_code == 0);
  Result<JsonValue> json = ParseJsonObject(status.out);
  REQUIRE(json.ok());
  return json->Find("own_envelopes")->integer();
}

TEST_CASE("a corrupted replica is rebuilt with its key and certificate, and its chain goes on") {
  ServedCounty c;
  c.Publish(c.village_a, "石庙村2024年村务公开");
  c.Sync(c.village_a);
  const int64_t own = OwnEnvelopes(c, c.village_a);
  REQUIRE(own > 0);
  const std::string cert = c.village_a.string() + ".cert";
  const std::filesystem::path db = c.village_a / "replica.db";

  CommandResult sound = c.Gongkai(c.village_a, {"rebuild", "--certificate", cert, "--json"});
  CHECK(sound.exit_code != 0);
  CHECK(sound.out.find("rebuild.not_damaged") != std::string::npos);

  Scribble(db, 0, 100);
  CommandResult other = c.Gongkai(
      c.village_a, {"rebuild", "--certificate", c.village_b.string() + ".cert", "--json"});
  CHECK(other.exit_code != 0);
  CHECK(other.out.find("enrolment.other_node") != std::string::npos);

  CommandResult rebuilt = c.Gongkai(c.village_a, {"rebuild", "--certificate", cert, "--json"});
  INFO(rebuilt.out);
  REQUIRE(rebuilt.exit_code == 0);
  Result<JsonValue> summary = ParseJsonObject(rebuilt.out);
  REQUIRE(summary.ok());
  const std::string damaged = *summary->StringOr("damaged", "");
  CHECK(std::filesystem::exists(damaged));  // moved aside, not deleted
  // Nothing is written before a complete sync has brought its own envelopes back.
  CommandResult early = c.Gongkai(c.village_a, {"new", "--category", "affairs", "--title", "早写",
                                                "--period", "2024", "--body", "正文", "--json"});
  REQUIRE(early.exit_code == 0);  // a draft stays on this PC; submitting signs an envelope
  Result<JsonValue> draft = ParseJsonObject(early.out);
  REQUIRE(draft.ok());
  CommandResult submit = c.Gongkai(c.village_a, {"submit", *draft->StringOr("id", ""), "--json"});
  CHECK(submit.exit_code != 0);
  CHECK(submit.out.find("capture.restored") != std::string::npos);

  JsonValue synced = c.Sync(c.village_a);
  CHECK(synced.Find("refused")->array().empty());
  CHECK(OwnEnvelopes(c, c.village_a) == own);
  // The chain goes on from the county's copy: the hub takes the next envelopes.
  c.Publish(c.village_a, "石庙村2024年财务公开说明");
  JsonValue again = c.Sync(c.village_a);
  CHECK(again.Find("refused")->array().empty());
  CHECK(OwnEnvelopes(c, c.village_a) == 2 * own);
  CommandResult pending = c.Gongkai(c.village_a, {"status", "--json"});
  Result<JsonValue> status = ParseJsonObject(pending.out);
  REQUIRE(status.ok());
  CHECK(status->Find("pending_envelopes")->integer() == 0);
}

}  // namespace
}  // namespace gongkai::testing
