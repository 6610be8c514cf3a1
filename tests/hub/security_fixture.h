// Test support for the hub's refusals: a county hub home with two villages and a township
// enrolled under keys the test holds, an in-process HubService on a clock the test moves,
// signed requests, and envelopes made by hand (so that they can be forged).
#ifndef GONGKAI_TESTS_HUB_SECURITY_FIXTURE_H_
#define GONGKAI_TESTS_HUB_SECURITY_FIXTURE_H_

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "county_fixture.h"
#include "hub/county/county.h"
#include "hub/server/service.h"
#include "node/replica/digest.h"
#include "node/json/json_value.h"
#include "node/replica/sql.h"
#include "protocol/envelope.h"
#include "protocol/envelope_batch.h"
#include "protocol/hlc.h"
#include "protocol/request_auth.h"
#include "protocol/schema.h"
#include "protocol/sqlite_handles.h"

namespace gongkai::testing {

inline constexpr char kSecTownship[] = "511304100";
inline constexpr char kSecVillage[] = "511304100201";
inline constexpr char kSecSibling[] = "511304100202";

// A changeset that inserts one disclosure_version row, recorded on a scratch database.
inline Bytes VersionChangeset(const std::string& version_id, const std::string& origin,
                              const std::string& region) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
  SqliteDb db(raw);
  for (const TableSpec& table : SyncedTables()) {
    REQUIRE(ExecSql(db.get(), CreateTableSql(table)).ok());
  }
  sqlite3_session* session_raw = nullptr;
  REQUIRE(sqlite3session_create(db.get(), "main", &session_raw) == SQLITE_OK);
  SqliteSession session(session_raw);
  REQUIRE(sqlite3session_attach(session.get(), nullptr) == SQLITE_OK);
  REQUIRE(ExecSql(db.get(),
                  "INSERT INTO disclosure_version VALUES('" + version_id + "', 'd-" + version_id +
                      "', '', 'affairs', '标题', '2026', '{}', '', '', 0, '', '文书', '" + origin +
                      "', " + std::to_string(MakeHlc(kHubWallMs, 1)) + ", '" + region + "')")
              .ok());
  int size = 0;
  void* data = nullptr;
  REQUIRE(sqlite3session_changeset(session.get(), &size, &data) == SQLITE_OK);
  return SqliteBuffer(data, size).ToBytes();
}

// One enrolled key and the envelopes it has signed so far (its chain).
struct Maker {
  explicit Maker(std::string of_region) : region(std::move(of_region)) {}

  SecretKey key = SecretKey::Generate();
  std::string region;
  std::vector<Bytes> signed_envelopes;

  std::string id() const { return NodeIdHex(key.node_id()); }

  // The next envelope of this key's chain: one version row of `rows_region` (default its own).
  Bytes Next(const std::string& version_id, std::string rows_region = {}) {
    if (rows_region.empty()) rows_region = region;
    const uint64_t seq = signed_envelopes.size() + 1;
    const Hash256 prev = signed_envelopes.empty() ? Hash256{} : Sha256(signed_envelopes.back());
    Result<Bytes> envelope =
        BuildEnvelope(seq, prev, MakeHlc(kHubWallMs, static_cast<uint32_t>(seq)), rows_region,
                      VersionChangeset(version_id, id(), rows_region), key);
    REQUIRE(envelope.ok());
    signed_envelopes.push_back(*envelope);
    return *envelope;
  }
};

struct PushResult {
  std::string id, outcome, code, receipt;
};

struct SecureHub {
  HubHome hub;  // its County is the office's: it enrols and revokes
  int64_t now = kHubWallMs;
  Maker village{kSecVillage};
  Maker sibling{kSecSibling};
  Maker township{kSecTownship};
  std::unique_ptr<HubService> service;

  SecureHub() {
    Enrol(village, Role::kVillage, "石庙村");
    Enrol(sibling, Role::kVillage, "双河村");
    Enrol(township, Role::kTownship, "龙蟠镇");
    Result<std::unique_ptr<HubService>> opened = HubService::Open(hub.home, [this] { return now; });
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    service = std::move(*opened);
  }

  void Enrol(const Maker& maker, Role role, const std::string& name) {
    Result<Bytes> certificate =
        EnrollFromRequest(hub.county, kPassphrase, RequestOf(maker.key, maker.region, name), role);
    INFO(certificate.status().ToString());
    REQUIRE(certificate.ok());
  }

  // Revokes at the office, as `gongkai-hub revoke` does while the hub serves: the row is
  // held, not yet logged.
  void RevokeUnlogged(const Maker& maker, RevocationReason reason) {
    Result<Revocation> revoked = Revoke(hub.county, kPassphrase, maker.id(), reason);
    INFO(revoked.status().ToString());
    REQUIRE(revoked.ok());
  }
  // Revokes and lets the hub log the revocation (an empty push logs what is not yet logged).
  void RevokeKey(const Maker& maker, RevocationReason reason) {
    RevokeUnlogged(maker, reason);
    const int64_t size = LogSize();
    REQUIRE(Push(township.key, {}).empty());
    REQUIRE(LogSize() == size + 1);
  }

  HubRequest Signed(const SecretKey& key, const std::string& method, const std::string& path,
                    const std::string& body = {}) {
    HubRequest request;
    request.method = method;
    request.path = path;
    request.target = path;
    request.body = body;
    request.auth = SignRequest(key, method, path, AsBytes(body), now);
    return request;
  }

  HubAnswer Send(const HubRequest& request) { return service->Handle(request); }

  // Pushes `envelopes` as `sender`; REQUIRES the request to be accepted (200).
  std::vector<PushResult> Push(const SecretKey& sender, const std::vector<Bytes>& envelopes) {
    Result<Bytes> batch = EncodeBatch(envelopes);
    REQUIRE(batch.ok());
    HubAnswer answer =
        Send(Signed(sender, "POST", "/v1/push", std::string(batch->begin(), batch->end())));
    INFO(answer.body);
    REQUIRE(answer.status == 200);
    Result<JsonValue> json = ParseJsonObject(answer.body);
    REQUIRE(json.ok());
    const JsonValue* results = json->Find("results");
    REQUIRE(results != nullptr);
    std::vector<PushResult> out;
    for (const JsonValue& result : results->array()) {
      out.push_back({*result.StringOr("id", ""), *result.StringOr("outcome", ""),
                     *result.StringOr("code", ""), *result.StringOr("receipt", "")});
    }
    return out;
  }
  PushResult PushOne(const SecretKey& sender, const Bytes& envelope) {
    std::vector<PushResult> results = Push(sender, {envelope});
    REQUIRE(results.size() == 1);
    return results[0];
  }

  int64_t Count(const std::string& sql) { return hub.Count(sql); }
  int64_t LogSize() { return Count("SELECT count(*) FROM log_entry"); }
  std::string Digest() {
    Result<Hash256> digest = RegionDigest(hub.county.replica(), kCountyCode);
    REQUIRE(digest.ok());
    return HexEncode(*digest);
  }
  // The code of each refused_envelope row for `bytes`, in id order.
  std::vector<std::string> RefusedCodes(const Bytes& bytes) {
    Result<Statement> stmt =
        Statement::Prepare(hub.county.replica().db(),
                           "SELECT code FROM refused_envelope WHERE bytes_hash=? ORDER BY id");
    REQUIRE(stmt.ok());
    stmt->Bind(1, HexEncode(Sha256(bytes)));
    std::vector<std::string> codes;
    while (*stmt->Step()) codes.push_back(stmt->ColumnText(0));
    return codes;
  }
  std::string ErrorCode(const HubAnswer& answer) {
    Result<JsonValue> json = ParseJsonObject(answer.body);
    REQUIRE(json.ok());
    return *json->StringOr("code", "");
  }
};

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_HUB_SECURITY_FIXTURE_H_
