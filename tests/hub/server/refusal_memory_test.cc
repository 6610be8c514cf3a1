// A node remembers what the hub refused of its pushes (node/exchange/hub_refusal.h): a permanent
// refusal is not offered again, one that can change is, and an acceptance forgets it. The
// hub runs in-process behind its real HTTP server on 127.0.0.1; the node syncs with
// SyncWithHub as `gongkai sync` does. Also: a node syncs with a hub of the release before
// compressed batches.
#include <doctest/doctest.h>

#include <thread>

#include "hub/server/server.h"
#include "node/replica/apply.h"
#include "node/replica/capture.h"
#include "node/exchange/enrolment.h"
#include "node/exchange/hub_client.h"
#include "node/exchange/hub_refusal.h"
#include "node/exchange/hub_sync.h"
#include "node/replica/node_key.h"
#include "tests/hub/program_runner.h"
#include "protocol/chain.h"
#include "tests/hub/security_fixture.h"

namespace gongkai::testing {
namespace {

constexpr char kNodeRegion[] = "511304100";

// SecureHub served over HTTP, and a township node enrolled in its own home.
struct ServedNode {
  SecureHub s;
  std::filesystem::path home = s.hub.dir.path() / "township-node";
  // With `older_hub`, the hub answers as the release before compressed batches did: a
  // version 2 push is 400 batch.version, and a pull's query is not read (version 1 answers).
  bool older_hub = false;
  int refused_pushes = 0;
  HubServer server{[this](const HubRequest& request) { return Answer(request); },
                   [this](int status) { s.service->CountResponse(status); }, nullptr,
                   HubServerLimits{}};
  std::thread serving;
  int port = 0;
  std::optional<Replica> replica;
  std::optional<SecretKey> key;
  std::unique_ptr<HlcClock> clock;

  ServedNode() {
    Result<Bytes> request = StartEnrolment(home, kNodeRegion, "龙蟠镇 党政办", kHubWallMs);
    REQUIRE(request.ok());
    Result<Bytes> certificate =
        EnrollFromRequest(s.hub.county, kPassphrase, *request, Role::kTownship);
    REQUIRE(certificate.ok());
    REQUIRE(CompleteEnrolment(home, *certificate).ok());
    Result<Replica> opened = Replica::Open(home / "replica.db");
    REQUIRE(opened.ok());
    replica.emplace(std::move(*opened));
    Result<SecretKey> loaded = LoadNodeKey(home / "node.key");
    REQUIRE(loaded.ok());
    key.emplace(std::move(*loaded));
    Result<Hlc> last = replica->LastHlc();
    REQUIRE(last.ok());
    clock = std::make_unique<HlcClock>([] { return kHubWallMs; }, *last);
    Result<int> bound = server.Bind("127.0.0.1", 0);
    REQUIRE(bound.ok());
    port = *bound;
    serving = std::thread([this] { (void)server.Run(); });
  }
  ~ServedNode() {
    server.Stop();
    serving.join();
  }

  HubAnswer Answer(HubRequest request) {
    if (older_hub && request.path == "/v1/push" && request.body.size() > 4 &&
        request.body[4] != 1) {
      ++refused_pushes;
      HubAnswer refused;
      refused.status = 400;
      refused.body = std::string(R"({"code":")") + kErrBatchVersion + R"(","message":"batch version 2"})";
      return refused;
    }
    if (older_hub) request.query.clear();
    return s.service->Handle(request);
  }

  Bytes Write(const std::string& version_id) {
    Result<CapturedEnvelope> captured =
        Capture(*replica, *key, *clock, [&](sqlite3* db, const CaptureStamp& stamp) {
          return ExecSql(
              db, "INSERT INTO disclosure_version VALUES('" + version_id + "', 'd-" + version_id +
                      "', '', 'affairs', '标题', '2026', '{}', '', '', 0, '', '文书', '" +
                      stamp.origin + "', " + std::to_string(stamp.hlc) + ", '" + kNodeRegion +
                      "')");
        });
    INFO(captured.status().ToString());
    REQUIRE(captured.ok());
    return captured->bytes;
  }

  SyncReport Sync() {
    Result<std::unique_ptr<HubClient>> client = HubClient::Create(
        "http://127.0.0.1:" + std::to_string(port), *key, [this] { return s.now; });
    REQUIRE(client.ok());
    Result<SyncReport> report = SyncWithHub(*replica, **client, s.now);
    INFO(report.status().ToString());
    REQUIRE(report.ok());
    return *report;
  }

  std::vector<HubRefusal> Refusals() {
    Result<std::vector<HubRefusal>> all = ListHubRefusals(replica->db());
    REQUIRE(all.ok());
    return *all;
  }
};

TEST_CASE("a node syncs with a hub of the release before compressed batches") {
  ServedNode n;
  n.older_hub = true;
  const Bytes written = n.Write("v-older-1");
  SyncReport report = n.Sync();
  CHECK(n.refused_pushes == 1);  // the compressed push, sent again as version 1
  CHECK(report.pushed == 1);
  CHECK(report.push_applied == 1);
  CHECK(report.receipts == 1);
  CHECK(report.refused.empty());
  CHECK(n.s.Count("SELECT count(*) FROM log_entry WHERE envelope_id='" +
                  HexEncode(Sha256(written)) + "'") == 1);
  // And back to a current hub: the push goes compressed at once, and the pull is compressed.
  n.older_hub = false;
  n.Write("v-older-2");
  report = n.Sync();
  CHECK(n.refused_pushes == 1);
  CHECK(report.push_applied == 1);
  CHECK(report.receipts == 1);
}

TEST_CASE("an envelope refused for good is remembered and not offered again") {
  ServedNode n;
  // Someone holding a copy of the township's key gave the hub another seq 1 first.
  Maker clone{kNodeRegion};
  clone.key = *SecretKey::FromSeed(n.key->seed());
  REQUIRE(n.s.PushOne(n.s.sibling.key, clone.Next("forged")).outcome == "applied");
  const Bytes own = n.Write("v1");

  SyncReport first = n.Sync();
  CHECK(first.pushed == 1);
  REQUIRE(first.refused.size() == 1);
  CHECK(first.refused[0].code == kErrChainEquivocation);
  std::vector<HubRefusal> remembered = n.Refusals();
  REQUIRE(remembered.size() == 1);
  CHECK(remembered[0].envelope_id == HexEncode(Sha256(own)));
  CHECK(remembered[0].code == kErrChainEquivocation);
  CHECK(remembered[0].permanent);
  CHECK(remembered[0].times == 1);

  const int64_t refused_times = n.s.Count("SELECT sum(times) FROM refused_envelope");
  SyncReport second = n.Sync();
  CHECK(second.pushed == 0);
  CHECK(second.refused.empty());
  CHECK(second.withheld == 1);
  CHECK(n.s.Count("SELECT sum(times) FROM refused_envelope") == refused_times);
  CHECK(n.Refusals().size() == 1);

  // The clerk sees it, in Chinese, with what will happen to it.
  RunResult status =
      RunProgram(n.s.hub.dir.path(), "gongkai", {"status", "--home", n.home.string()});
  INFO(status.out, status.err);
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("被县汇聚服务器拒收 1 个数据包（其中 1 个无法补救、不再送出") !=
        std::string::npos);
  RunResult json =
      RunProgram(n.s.hub.dir.path(), "gongkai", {"status", "--json", "--home", n.home.string()});
  Result<JsonValue> parsed = ParseJsonObject(json.out);
  REQUIRE(parsed.ok());
  CHECK(*parsed->IntegerOr("hub_refused", -1) == 1);
  CHECK(*parsed->IntegerOr("hub_refused_withheld", -1) == 1);
  RunResult alarms =
      RunProgram(n.s.hub.dir.path(), "gongkai", {"alarms", "--home", n.home.string()});
  INFO(alarms.out);
  CHECK(alarms.exit_code == 0);
  CHECK(alarms.out.find(remembered[0].envelope_id.substr(0, 12)) != std::string::npos);
  CHECK(alarms.out.find(std::string("（") + kErrChainEquivocation + "）") != std::string::npos);
  CHECK(alarms.out.find("无法补救，不再送出") != std::string::npos);
}

TEST_CASE("an envelope refused for a reason that can change is offered again, then forgotten") {
  ServedNode n;
  const Bytes own = n.Write("v1");
  const std::string id = HexEncode(Sha256(own));
  // As if an earlier sync had found the hub without the maker's certificate.
  REQUIRE(EnsureHubRefusalTable(n.replica->db()).ok());
  REQUIRE(RecordHubRefusal(n.replica->db(), id, kErrApplyUnknownSigner, "未知签名者", 1).ok());
  REQUIRE(n.Refusals().size() == 1);
  CHECK_FALSE(n.Refusals()[0].permanent);

  SyncReport report = n.Sync();
  CHECK(report.pushed == 1);
  CHECK(report.push_applied == 1);
  CHECK(report.withheld == 0);
  CHECK(n.Refusals().empty());
  RunResult status =
      RunProgram(n.s.hub.dir.path(), "gongkai", {"status", "--home", n.home.string()});
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("拒收") == std::string::npos);
}

}  // namespace
}  // namespace gongkai::testing
