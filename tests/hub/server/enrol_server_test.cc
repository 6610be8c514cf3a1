// Online enrolment and TLS, end to end: the real `gongkai-hub serve --enrol` over HTTPS on a
// free port of 127.0.0.1, tokens issued by the real `gongkai-hub enroll`, nodes enrolled by
// the real `gongkai init --token` and syncing with a pinned certificate.
#include <doctest/doctest.h>

#include <cctype>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tests/hub/child_process.h"
#include "tests/hub/county_fixture.h"
#include "hub/enrolment/enrol_token.h"
#include "hub/server/service.h"
#include "node/json/json_value.h"
#include "node/exchange/tls_pin.h"

namespace gongkai::testing {
namespace {

constexpr char kVillageA[] = "511304100201";
constexpr char kVillageB[] = "511304100202";

std::string ErrorCode(const CommandResult& result) {
  Result<JsonValue> json = ParseJsonObject(result.out);
  if (!json.ok()) return "(not JSON: " + result.out + ")";
  const JsonValue* error = json->Find("error");
  if (error == nullptr) return "(no error)";
  return *error->StringOr("code", "");
}

struct EnrolServer {
  TempDir dir;
  std::filesystem::path hub_home = dir.path() / "hub";
  std::filesystem::path passphrase_file = dir.path() / "passphrase";
  std::string fingerprint;
  std::unique_ptr<ChildProcess> server;
  int port = 0;
  bool tls = true;

  explicit EnrolServer(bool with_tls = true) : tls(with_tls) {
    {
      Result<County> county =
          InitCounty(hub_home, kCountyCode, kCountyName, kPassphrase, kKdfInteractive);
      INFO(county.status().ToString());
      REQUIRE(county.ok());
    }
    std::ofstream(passphrase_file) << kPassphrase << "\n";
    std::vector<std::string> argv = {HubBinary(),
                                     "serve",
                                     "--home",
                                     hub_home.string(),
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--enrol",
                                     "--passphrase-file",
                                     passphrase_file.string()};
    if (tls) {
      CommandResult made = Hub({"tls", "init", "--json"});
      INFO(made.out);
      REQUIRE(made.exit_code == 0);
      fingerprint = *ParseJsonObject(made.out)->StringOr("fingerprint", "");
      REQUIRE(fingerprint.size() == 64);
      argv.insert(argv.end(), {"--tls-cert", (hub_home / "tls.crt").string(), "--tls-key",
                               (hub_home / "tls.key").string()});
    }
    server = std::make_unique<ChildProcess>(argv, (dir.path() / "hub.log").string());
    const std::string line = server->ReadLine();
    const std::string prefix = "listening on 127.0.0.1:";
    INFO(line);
    REQUIRE(line.starts_with(prefix));
    port = std::stoi(line.substr(prefix.size()));
  }

  std::string Url(bool https) const {
    return (https ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port);
  }
  std::string Url() const { return Url(tls); }

  CommandResult Hub(std::vector<std::string> words) {
    std::vector<std::string> argv = {HubBinary()};
    argv.insert(argv.end(), words.begin(), words.end());
    argv.insert(argv.end(), {"--home", hub_home.string()});
    return RunCommand(argv);
  }
  CommandResult Node(const std::filesystem::path& home, std::vector<std::string> words) {
    std::vector<std::string> argv = {NodeBinary()};
    argv.insert(argv.end(), words.begin(), words.end());
    argv.insert(argv.end(), {"--home", home.string(), "--json"});
    return RunCommand(argv);
  }

  // A token from `gongkai-hub enroll --region ...`.
  std::string Token(const std::string& region, const std::string& name,
                    const std::string& role = "village") {
    CommandResult issued =
        Hub({"enroll", "--region", region, "--name", name, "--role", role, "--hub-url", Url(),
             "--qr", (dir.path() / "token.png").string(), "--json"});
    INFO(issued.out);
    REQUIRE(issued.exit_code == 0);
    Result<JsonValue> json = ParseJsonObject(issued.out);
    REQUIRE(json.ok());
    CHECK(*json->StringOr("hub_fingerprint", "") == fingerprint);
    CHECK(json->StringOr("command", "")->find("--token") != std::string::npos);
    return *json->StringOr("token", "");
  }

  CommandResult Init(const std::filesystem::path& home, const std::string& token,
                     const std::string& region, const std::string& name,
                     std::vector<std::string> more = {}) {
    std::vector<std::string> words = {"init",     "--hub", Url(),    "--token", token,
                                      "--region", region,  "--name", name};
    if (tls) words.insert(words.end(), {"--hub-fingerprint", fingerprint});
    words.insert(words.end(), more.begin(), more.end());
    return Node(home, words);
  }

  int64_t HubCount(const std::string& sql) {
    Result<County> county = OpenCounty(hub_home);
    REQUIRE(county.ok());
    auto n = QueryInt(county->replica().db(), sql);
    REQUIRE(n.ok());
    return n->value_or(0);
  }
};

TEST_CASE("online enrolment over https, then a sync with the pinned certificate") {
  EnrolServer hub;
  const std::string token = hub.Token(kVillageA, "石庙村");
  std::ifstream png(hub.dir.path() / "token.png", std::ios::binary);
  std::string magic(8, '\0');
  png.read(magic.data(), 8);
  CHECK(magic == "\x89PNG\r\n\x1a\n");

  const std::filesystem::path village = hub.dir.path() / "village";
  CommandResult done = hub.Init(village, token, kVillageA, "石庙村");
  INFO(done.out);
  REQUIRE(done.exit_code == 0);
  CHECK(*ParseJsonObject(done.out)->StringOr("region", "") == kVillageA);
  CHECK(hub.HubCount("SELECT count(*) FROM enrol_token WHERE used_at IS NOT NULL") == 1);

  // No --hub: enrolment saved the address and the pin.
  CommandResult synced = hub.Node(village, {"sync"});
  INFO(synced.out);
  CHECK(synced.exit_code == 0);

  SUBCASE("a wrong pin is refused before anything is sent") {
    CommandResult set =
        hub.Node(village, {"config", "set", "hub-fingerprint", std::string(64, 'a')});
    REQUIRE(set.exit_code == 0);
    CommandResult refused = hub.Node(village, {"sync"});
    CHECK(refused.exit_code == 1);
    CHECK(ErrorCode(refused) == kErrSyncTlsPin);
  }
  SUBCASE("plain http to the https server fails cleanly") {
    CommandResult refused = hub.Node(village, {"sync", "--hub", hub.Url(false)});
    CHECK(refused.exit_code == 1);
    CHECK(ErrorCode(refused) == "sync.unreachable");
  }
}

TEST_CASE("a token works once") {
  EnrolServer hub;
  const std::string token = hub.Token(kVillageA, "石庙村");
  REQUIRE(hub.Init(hub.dir.path() / "first", token, kVillageA, "石庙村").exit_code == 0);
  CommandResult second = hub.Init(hub.dir.path() / "second", token, kVillageA, "石庙村");
  CHECK(second.exit_code == 1);
  CHECK(ErrorCode(second) == kErrEnrolTokenUsed);
  CHECK(hub.HubCount("SELECT count(*) FROM certificate WHERE subject_region = '" +
                     std::string(kVillageA) + "'") == 1);
}

TEST_CASE("an expired token, a token for another region or role, an unknown token") {
  EnrolServer hub;
  const std::string token = hub.Token(kVillageA, "石庙村");
  SUBCASE("expired") {
    {
      Result<County> county = OpenCounty(hub.hub_home);
      REQUIRE(county.ok());
      REQUIRE(
          ExecSql(county->replica().db(), "UPDATE enrol_token SET expires_at = created_at").ok());
    }
    CommandResult refused = hub.Init(hub.dir.path() / "v", token, kVillageA, "石庙村");
    CHECK(refused.exit_code == 1);
    CHECK(ErrorCode(refused) == kErrEnrolTokenExpired);
  }
  SUBCASE("another region") {
    CommandResult refused = hub.Init(hub.dir.path() / "v", token, kVillageB, "石庙村");
    CHECK(ErrorCode(refused) == kErrEnrolTokenMismatch);
  }
  SUBCASE("another role") {
    CommandResult refused =
        hub.Init(hub.dir.path() / "v", token, kVillageA, "石庙村", {"--role", "township"});
    CHECK(ErrorCode(refused) == kErrEnrolTokenMismatch);
  }
  SUBCASE("unknown") {
    CommandResult refused = hub.Init(
        hub.dir.path() / "v", "AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT", kVillageA, "石庙村");
    CHECK(ErrorCode(refused) == kErrEnrolTokenUnknown);
  }
  CHECK(hub.HubCount("SELECT count(*) FROM enrol_token WHERE used_at IS NOT NULL") == 0);
  CHECK(hub.HubCount("SELECT count(*) FROM enrol_attempt WHERE code != 'ok'") == 1);
}

TEST_CASE("enrolment with a wrong pin or no pin does not spend the token") {
  EnrolServer hub;
  const std::string token = hub.Token(kVillageA, "石庙村");
  CommandResult unpinned = hub.Node(
      hub.dir.path() / "v",
      {"init", "--hub", hub.Url(), "--token", token, "--region", kVillageA, "--name", "石庙村"});
  CHECK(ErrorCode(unpinned) == kErrSyncTlsUnpinned);
  CHECK_FALSE(std::filesystem::exists(hub.dir.path() / "v" / "node.key"));  // refused before a key
  CommandResult wrong = hub.Node(
      hub.dir.path() / "v", {"init", "--hub", hub.Url(), "--token", token, "--region", kVillageA,
                             "--name", "石庙村", "--hub-fingerprint", std::string(64, 'b')});
  CHECK(ErrorCode(wrong) == kErrSyncTlsPin);
  CHECK(hub.HubCount("SELECT count(*) FROM enrol_token WHERE used_at IS NOT NULL") == 0);
  // The same home finishes with the right pin: the pending request and key are reused.
  CHECK(hub.Init(hub.dir.path() / "v", token, kVillageA, "石庙村").exit_code == 0);
}

TEST_CASE("offline enrolment keeps the hub address and pin given with the certificate") {
  EnrolServer hub;
  const std::filesystem::path village = hub.dir.path() / "village";
  const std::string request = (hub.dir.path() / "v.request").string();
  const std::string certificate = (hub.dir.path() / "v.cert").string();
  REQUIRE(hub.Node(village,
                   {"init", "--region", kVillageA, "--name", "石庙村", "--request-out", request})
              .exit_code == 0);
  CommandResult signed_file =
      hub.Hub({"enroll", "--request", request, "--role", "village", "--out", certificate,
               "--passphrase-file", hub.passphrase_file.string(), "--json"});
  INFO(signed_file.out);
  REQUIRE(signed_file.exit_code == 0);
  // A fingerprint as openssl prints it, with colons and in capitals, is taken too.
  std::string pasted;
  for (size_t i = 0; i < hub.fingerprint.size(); i += 2) {
    pasted += (i ? ":" : "") + hub.fingerprint.substr(i, 2);
  }
  for (char& c : pasted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CommandResult done = hub.Node(village, {"init", "--certificate", certificate, "--hub", hub.Url(),
                                          "--hub-fingerprint", pasted});
  INFO(done.out);
  REQUIRE(done.exit_code == 0);
  CommandResult synced = hub.Node(village, {"sync"});
  INFO(synced.out);
  CHECK(synced.exit_code == 0);
}

TEST_CASE("online enrolment over plain http; a hub without --enrol refuses") {
  EnrolServer hub(false);
  const std::string token = hub.Token(kVillageB, "双河村");
  CommandResult done = hub.Init(hub.dir.path() / "v", token, kVillageB, "双河村");
  INFO(done.out);
  CHECK(done.exit_code == 0);
  CHECK(hub.Node(hub.dir.path() / "v", {"sync"}).exit_code == 0);

  Result<std::unique_ptr<HubService>> service = HubService::Open(hub.dir.path() / "hub");
  REQUIRE(service.ok());
  HubRequest request;
  request.method = "POST";
  request.path = request.target = "/v1/enrol";
  request.body = "{}";
  HubAnswer answer = (*service)->Handle(request);
  CHECK(answer.status == 503);
  CHECK(answer.body.find(kErrEnrolDisabled) != std::string::npos);
}

}  // namespace
}  // namespace gongkai::testing
