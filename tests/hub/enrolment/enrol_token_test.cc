// Enrolment tokens: the text form, the stored hash, issuing and redeeming (hub/enrolment/enrol_token.h).
#include "hub/enrolment/enrol_token.h"

#include <doctest/doctest.h>

#include "tests/hub/county_fixture.h"
#include "node/replica/sql.h"
#include "protocol/certificate_file.h"

namespace gongkai::testing {
namespace {

constexpr char kVillage[] = "511304100201";
constexpr char kVillageName[] = "石庙村";
constexpr int64_t kNow = 1'790'000'000'000;
constexpr int64_t kHourMs = 3600 * 1000;

Bytes Counting() {
  Bytes b(kEnrolTokenBytes);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i);
  return b;
}

TEST_CASE("token text: base32 in groups of four, fixed vector") {
  // RFC 4648 base32 of the bytes 0..19 is AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT.
  CHECK(FormatEnrolToken(Counting()) == "AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT");
  CHECK(FormatEnrolToken(Counting()).size() == kEnrolTokenChars + 7);
  CHECK(*ParseEnrolToken("AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4IB-CEQT") == Counting());
}

TEST_CASE("token text: case, spaces, dashes and look-alike digits are forgiven") {
  CHECK(*ParseEnrolToken("aaaqeayeaudaocajbifqydiob4ibceqt") == Counting());
  CHECK(*ParseEnrolToken(" aaaq eaye auda ocaj bifq ydio b4ib ceqt ") == Counting());
  // 0 for O, 1 for I, 8 for B.
  CHECK(*ParseEnrolToken("AAAQ-EAYE-AUDA-0CAJ-81FQ-YD10-B4IB-CEQT") == Counting());
}

TEST_CASE("token text: refusals") {
  CHECK(ParseEnrolToken("").status().code() == kErrEnrolTokenFormat);
  // 31 and 33 characters: one short of the length and one past it.
  CHECK(ParseEnrolToken("AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQ").status().code() == kErrEnrolTokenFormat);
  CHECK(ParseEnrolToken("AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQTA").status().code() ==
        kErrEnrolTokenFormat);
  CHECK(ParseEnrolToken("AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQ9").status().code() ==
        kErrEnrolTokenFormat);
  CHECK(ParseEnrolToken("AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQ=").status().code() ==
        kErrEnrolTokenFormat);
}

TEST_CASE("token hash: domain-separated SHA-256, fixed vector") {
  CHECK(EnrolTokenHash(Counting()) ==
        "4bb03532a30f5e31b1edc8f0b783c1332dcac9b456121c31bc1342ab08b486ed");
}

struct TokenHub : HubHome {
  SecretKey root = [this] {
    Result<SecretKey> key = OpenCountyRootKey(county, kPassphrase);
    REQUIRE(key.ok());
    return std::move(*key);
  }();

  IssuedEnrolToken Issue(Role role = Role::kVillage, std::string region = kVillage,
                         int64_t hours = kDefaultEnrolTokenValidHours) {
    Result<IssuedEnrolToken> issued =
        IssueEnrolToken(county, role, region, kVillageName, hours, kNow);
    INFO(issued.status().ToString());
    REQUIRE(issued.ok());
    return *issued;
  }
  Result<Bytes> Redeem(const std::string& token, const SecretKey& node, int64_t now = kNow,
                       std::string region = kVillage, std::string role = "",
                       std::string peer = "10.0.0.5") {
    OnlineEnrolRequest request{token, RequestOf(node, region, kVillageName), role};
    return RedeemEnrolToken(county, root, request, peer, now);
  }
};

TEST_CASE("issue: the table keeps the hash, never the token") {
  TokenHub hub;
  IssuedEnrolToken issued = hub.Issue();
  CHECK(issued.expires_at_ms == kNow + 72 * kHourMs);
  CHECK(hub.Count("SELECT count(*) FROM enrol_token WHERE token_hash = '" + issued.token_hash +
                  "'") == 1);
  CHECK(EnrolTokenHash(*ParseEnrolToken(issued.token)) == issued.token_hash);
  CHECK(
      hub.Count("SELECT count(*) FROM enrol_token WHERE instr(token_hash || role || region || name,"
                " '" +
                issued.token.substr(0, 9) + "') > 0") == 0);
  CHECK(hub.Issue().token != issued.token);
}

TEST_CASE("issue: refusals") {
  TokenHub hub;
  auto issue = [&](Role role, std::string region, int64_t hours) {
    return IssueEnrolToken(hub.county, role, region, kVillageName, hours, kNow).status().code();
  };
  CHECK(issue(Role::kTownship, kVillage, 72) == kErrCountyRoleRegion);
  CHECK(issue(Role::kVillage, "510101100201", 72) == kErrCountyOutside);
  CHECK(issue(Role::kVillage, kVillage, 0) == kErrEnrolValidHours);
  CHECK(IssueEnrolToken(hub.county, Role::kVillage, kVillage, kVillageName,
                        kMaxEnrolTokenValidHours, kNow)
            .ok());
  CHECK(issue(Role::kVillage, kVillage, kMaxEnrolTokenValidHours + 1) == kErrEnrolValidHours);
}

TEST_CASE("redeem: issues the certificate once, marks the token used in the same capture") {
  TokenHub hub;
  IssuedEnrolToken issued = hub.Issue();
  SecretKey node = SecretKey::Generate();
  const int64_t journal = hub.JournalCount();
  Result<Bytes> file = hub.Redeem(issued.token, node);
  INFO(file.status().ToString());
  REQUIRE(file.ok());
  Result<CertificateFile> opened = OpenCertificateFile(*file);
  REQUIRE(opened.ok());
  CHECK(opened->node.subject_key == node.public_key());
  CHECK(opened->node.region == kVillage);
  CHECK(opened->node.role == Role::kVillage);
  CHECK(hub.JournalCount() == journal + 1);
  CHECK(hub.Count("SELECT count(*) FROM enrol_token WHERE used_by = '" + NodeIdHex(node.node_id()) +
                  "' AND used_at = " + std::to_string(kNow)) == 1);

  // The same key asking again (its answer was lost) gets the same file; nothing new.
  Result<Bytes> again = hub.Redeem(issued.token, node, kNow + 1);
  REQUIRE(again.ok());
  CHECK(*again == *file);
  CHECK(hub.JournalCount() == journal + 1);

  // Another key: used.
  CHECK(hub.Redeem(issued.token, SecretKey::Generate()).status().code() == kErrEnrolTokenUsed);
  CHECK(hub.Count("SELECT count(*) FROM enrol_attempt WHERE code = 'enrol.token_used'") == 1);
}

TEST_CASE("redeem: unknown, expired, mismatched tokens issue nothing and are recorded") {
  TokenHub hub;
  IssuedEnrolToken issued = hub.Issue(Role::kVillage, kVillage, 1);
  const int64_t journal = hub.JournalCount();
  SecretKey node = SecretKey::Generate();
  CHECK(hub.Redeem(FormatEnrolToken(Counting()), node).status().code() == kErrEnrolTokenUnknown);
  CHECK(hub.Redeem("not a token", node).status().code() == kErrEnrolTokenFormat);
  CHECK(hub.Redeem(issued.token, node, kNow + kHourMs).status().code() == kErrEnrolTokenExpired);
  CHECK(hub.Redeem(issued.token, node, kNow, "511304100202").status().code() ==
        kErrEnrolTokenMismatch);
  CHECK(hub.Redeem(issued.token, node, kNow, kVillage, "township").status().code() ==
        kErrEnrolTokenMismatch);
  OnlineEnrolRequest forged{issued.token, RequestOf(node, kVillage, kVillageName), ""};
  forged.request.back() ^= 1;  // the proof of possession no longer verifies
  CHECK(RedeemEnrolToken(hub.county, hub.root, forged, "10.0.0.5", kNow).status().code() ==
        kErrRequestSignature);
  CHECK(hub.JournalCount() == journal);
  CHECK(hub.Count("SELECT count(*) FROM enrol_token WHERE used_at IS NOT NULL") == 0);
  CHECK(hub.Count("SELECT count(*) FROM enrol_attempt WHERE code != 'ok'") == 6);
  // Still good within its hour and for what it was issued.
  CHECK(hub.Redeem(issued.token, node, kNow + kHourMs - 1).ok());
}

TEST_CASE("redeem: refusals from one address are limited, then the window moves on") {
  TokenHub hub;
  IssuedEnrolToken issued = hub.Issue();
  SecretKey node = SecretKey::Generate();
  const std::string wrong = FormatEnrolToken(Counting());
  for (int n = 0; n < kMaxEnrolFailuresPerPeer; ++n) {
    CHECK(hub.Redeem(wrong, node).status().code() == kErrEnrolTokenUnknown);
  }
  // At the limit even the right token waits; another address is not held up.
  CHECK(hub.Redeem(issued.token, node).status().code() == kErrEnrolRateLimited);
  CHECK(hub.Redeem(wrong, node, kNow, kVillage, "", "10.0.0.6").status().code() ==
        kErrEnrolTokenUnknown);
  CHECK(hub.Redeem(issued.token, node, kNow + kEnrolFailureWindowMs).ok());
}

TEST_CASE("redeem: refusals from all addresses together are limited too") {
  TokenHub hub;
  SecretKey node = SecretKey::Generate();
  const std::string wrong = FormatEnrolToken(Counting());
  for (int n = 0; n < kMaxEnrolFailuresTotal; ++n) {
    CHECK(hub.Redeem(wrong, node, kNow, kVillage, "", "10.1.0." + std::to_string(n))
              .status()
              .code() == kErrEnrolTokenUnknown);
  }
  CHECK(hub.Redeem(wrong, node, kNow, kVillage, "", "10.2.0.1").status().code() ==
        kErrEnrolRateLimited);
}

TEST_CASE("the request body") {
  Result<OnlineEnrolRequest> parsed =
      ParseOnlineEnrolBody(R"({"request":"AAEC","role":"village","token":"T"})");
  REQUIRE(parsed.ok());
  CHECK(parsed->token == "T");
  CHECK(parsed->request == Bytes{0, 1, 2});
  CHECK(parsed->role == "village");
  CHECK(ParseOnlineEnrolBody("{}").status().code() == kErrEnrolBody);
  CHECK(ParseOnlineEnrolBody(R"({"request":"%%%","token":"T"})").status().code() == kErrEnrolBody);
  const std::string padding(kMaxEnrolBodyBytes, ' ');
  CHECK(ParseOnlineEnrolBody(R"({"request":"AAEC","token":"T"})" + padding).status().code() ==
        kErrEnrolBody);
}

}  // namespace
}  // namespace gongkai::testing
