// EnrollFromRequest, Revoke and ListEnrolled (hub/county/county_register.cc).
#include <doctest/doctest.h>

#include <cctype>
#include <map>
#include <optional>
#include <string>

#include "hub/county/county.h"
#include "hub/county_fixture.h"
#include "node/replica/home.h"

namespace gongkai {
namespace {

using testing::HubHome;
using testing::kPassphrase;
using testing::RequestOf;

constexpr char kVillage[] = "511304100201";
constexpr char kTownship[] = "511304100";

Bytes Enrol(County& county, ByteView request, Role role) {
  Result<Bytes> file = EnrollFromRequest(county, kPassphrase, request, role);
  INFO(file.status().ToString());
  REQUIRE(file.ok());
  return *file;
}

std::string EnrolCode(County& county, ByteView request, Role role,
                      std::string_view passphrase = kPassphrase) {
  return EnrollFromRequest(county, passphrase, request, role).status().code();
}

TEST_CASE("EnrollFromRequest signs a certificate and captures its row") {
  HubHome hub;
  SecretKey node = SecretKey::Generate();
  const Bytes file = Enrol(hub.county, RequestOf(node, kVillage, "石庙村村委会"), Role::kVillage);
  Result<CertificateFile> opened = OpenCertificateFile(file);
  REQUIRE(opened.ok());
  CHECK(opened->root_public_key == hub.county.root_public_key());
  CHECK(opened->hub_certificate == hub.county.hub_certificate());
  const Certificate& cert = opened->node;
  CHECK(cert.subject_key == node.public_key());
  CHECK(cert.role == Role::kVillage);
  CHECK(cert.region == kVillage);
  CHECK(cert.name == "石庙村村委会");
  CHECK(cert.county == testing::kCountyCode);

  // The row is a synced fact, in the county's second envelope, with the certificate's HLC.
  CHECK(hub.JournalCount() == 2);
  CHECK(hub.Count("SELECT count(*) FROM certificate WHERE node_id='" + NodeIdHex(node.node_id()) +
                  "' AND role='village' AND subject_region='" + kVillage +
                  "' AND region='511304' AND hlc=" + std::to_string(cert.issued_hlc)) == 1);
}

TEST_CASE("two handles on one home: each capture's HLC follows the other's") {
  HubHome hub;
  Result<County> second = OpenCounty(hub.home, testing::FixedClock());
  REQUIRE(second.ok());
  Enrol(hub.county, RequestOf(SecretKey::Generate(), kVillage, "甲"), Role::kVillage);
  // The second handle's clock was built before that capture, from the same wall time.
  Enrol(*second, RequestOf(SecretKey::Generate(), "511304100202", "乙"), Role::kVillage);
  // And the first handle's clock is behind the second's capture now.
  Enrol(hub.county, RequestOf(SecretKey::Generate(), "511304100203", "丙"), Role::kVillage);
  CHECK(hub.JournalCount() == 4);
}

TEST_CASE("every role at its level") {
  HubHome hub;
  const std::pair<Role, const char*> cases[] = {{Role::kVillage, kVillage},
                                                {Role::kTownship, kTownship},
                                                {Role::kCounty, "511304"},
                                                {Role::kAuditor, "511304"}};
  for (const auto& [role, region] : cases) {
    CAPTURE(RoleName(role));
    SecretKey node = SecretKey::Generate();
    Result<CertificateFile> file =
        OpenCertificateFile(Enrol(hub.county, RequestOf(node, region, "某节点"), role));
    REQUIRE(file.ok());
    CHECK(file->node.role == role);
    CHECK(file->node.region == region);
  }
  CHECK(hub.Count("SELECT count(*) FROM certificate") == 5);
}

TEST_CASE("a region that does not fit the role, or lies outside the county") {
  HubHome hub;
  SecretKey node = SecretKey::Generate();
  const Bytes village = RequestOf(node, kVillage, "村");
  const Bytes township = RequestOf(node, kTownship, "镇");
  const Bytes county = RequestOf(node, "511304", "县");
  Result<Bytes> refused = EnrollFromRequest(hub.county, kPassphrase, village, Role::kTownship);
  CHECK(refused.status().code() == kErrCountyRoleRegion);
  CHECK(refused.status().kind() == StatusKind::kInvalid);
  CHECK(EnrolCode(hub.county, village, Role::kCounty) == kErrCountyRoleRegion);
  CHECK(EnrolCode(hub.county, village, Role::kAuditor) == kErrCountyRoleRegion);
  CHECK(EnrolCode(hub.county, township, Role::kVillage) == kErrCountyRoleRegion);
  CHECK(EnrolCode(hub.county, township, Role::kAuditor) == kErrCountyRoleRegion);
  CHECK(EnrolCode(hub.county, county, Role::kVillage) == kErrCountyRoleRegion);
  CHECK(EnrolCode(hub.county, county, Role::kTownship) == kErrCountyRoleRegion);

  Result<Bytes> outside = EnrollFromRequest(
      hub.county, kPassphrase, RequestOf(node, "511303100201", "邻县的村"), Role::kVillage);
  CHECK(outside.status().code() == kErrCountyOutside);
  CHECK(outside.status().kind() == StatusKind::kDenied);
  CHECK(EnrolCode(hub.county, RequestOf(node, "511303", "邻县"), Role::kAuditor) ==
        kErrCountyOutside);
  CHECK(EnrolCode(hub.county, RequestOf(node, "110101", "别省"), Role::kCounty) ==
        kErrCountyOutside);
  CHECK(hub.JournalCount() == 1);
}

TEST_CASE("a request that does not open") {
  HubHome hub;
  Bytes request = RequestOf(SecretKey::Generate(), kVillage, "村");
  CHECK(EnrolCode(hub.county, ByteView(request).first(50), Role::kVillage) == kErrRequestTruncated);
  request[request.size() - 1] ^= 0x01;
  CHECK(EnrolCode(hub.county, request, Role::kVillage) == kErrRequestSignature);
  CHECK(EnrolCode(hub.county, AsBytes("not a request"), Role::kVillage) == kErrRequestMagic);
}

TEST_CASE("passphrase errors: a wrong passphrase and a damaged root key differ") {
  HubHome hub;
  const Bytes request = RequestOf(SecretKey::Generate(), kVillage, "村");
  Result<Bytes> wrong = EnrollFromRequest(hub.county, "wrong", request, Role::kVillage);
  CHECK(wrong.status().code() == kErrKeyFileWrongPassphrase);
  CHECK(wrong.status().kind() == StatusKind::kDenied);
  CHECK(EnrolCode(hub.county, request, Role::kVillage, "") == kErrKeyFileWrongPassphrase);
  CHECK(hub.JournalCount() == 1);

  // Outside input is judged before the costly derivation: a refused request says why even
  // with a wrong passphrase.
  CHECK(EnrolCode(hub.county, request, Role::kTownship, "wrong") == kErrCountyRoleRegion);

  const std::string root_path = (hub.home / kRootKeyFileName).string();
  Bytes file = testing::ReadFile(root_path);
  file[120] ^= 0x01;  // inside the sealed seed: the check no longer matches
  testing::WriteFile(root_path, file);
  Result<Bytes> damaged = EnrollFromRequest(hub.county, kPassphrase, request, Role::kVillage);
  CHECK(damaged.status().code() == kErrKeyFileCorrupt);
  CHECK(hub.JournalCount() == 1);
}

TEST_CASE("root.key replaced under an open county") {
  HubHome hub;
  HubHome other;
  std::filesystem::copy_file(other.home / kRootKeyFileName, hub.home / kRootKeyFileName,
                             std::filesystem::copy_options::overwrite_existing);
  CHECK(EnrolCode(hub.county, RequestOf(SecretKey::Generate(), kVillage, "村"), Role::kVillage) ==
        kErrCountyInconsistent);
}

TEST_CASE("enrolling again: the same certificate, or a refusal") {
  HubHome hub;
  SecretKey node = SecretKey::Generate();
  const Bytes request = RequestOf(node, kVillage, "石庙村村委会");
  const Bytes first = Enrol(hub.county, request, Role::kVillage);
  // The same request, or a new one with the same fields, gets the same file; nothing new
  // is captured.
  CHECK(Enrol(hub.county, request, Role::kVillage) == first);
  Result<Bytes> later = MakeEnrolmentRequest(node, kVillage, "石庙村村委会", 99);
  CHECK(Enrol(hub.county, *later, Role::kVillage) == first);
  CHECK(hub.JournalCount() == 2);
  // Still needs the passphrase.
  CHECK(EnrolCode(hub.county, request, Role::kVillage, "wrong") == kErrKeyFileWrongPassphrase);

  Result<Bytes> renamed = EnrollFromRequest(
      hub.county, kPassphrase, RequestOf(node, kVillage, "另一个名字"), Role::kVillage);
  CHECK(renamed.status().code() == kErrCountyAlreadyEnrolled);
  CHECK(renamed.status().kind() == StatusKind::kConflict);
  CHECK(EnrolCode(hub.county, RequestOf(node, "511304100202", "石庙村村委会"), Role::kVillage) ==
        kErrCountyAlreadyEnrolled);
  SecretKey auditor = SecretKey::Generate();
  Enrol(hub.county, RequestOf(auditor, "511304", "审计"), Role::kAuditor);
  CHECK(EnrolCode(hub.county, RequestOf(auditor, "511304", "审计"), Role::kCounty) ==
        kErrCountyAlreadyEnrolled);
  // The hub's own key is enrolled already, as the county.
  CHECK(EnrolCode(hub.county, RequestOf(hub.county.hub_key(), "511304", "别名"), Role::kCounty) ==
        kErrCountyAlreadyEnrolled);
  CHECK(hub.JournalCount() == 3);
}

TEST_CASE("a revoked key cannot enrol again") {
  HubHome hub;
  SecretKey node = SecretKey::Generate();
  const Bytes request = RequestOf(node, kVillage, "村");
  Enrol(hub.county, request, Role::kVillage);
  REQUIRE(
      Revoke(hub.county, kPassphrase, NodeIdHex(node.node_id()), RevocationReason::kRetired).ok());
  Result<Bytes> refused = EnrollFromRequest(hub.county, kPassphrase, request, Role::kVillage);
  CHECK(refused.status().code() == kErrCountyRevoked);
  CHECK(refused.status().kind() == StatusKind::kDenied);
}

TEST_CASE("Revoke signs a revocation and captures its row") {
  HubHome hub;
  SecretKey node = SecretKey::Generate();
  Enrol(hub.county, RequestOf(node, kVillage, "村"), Role::kVillage);
  const std::string id = NodeIdHex(node.node_id());
  Result<Revocation> revoked =
      Revoke(hub.county, kPassphrase, id, RevocationReason::kRetired, "换新电脑");
  INFO(revoked.status().ToString());
  REQUIRE(revoked.ok());
  CHECK(revoked->subject == node.node_id());
  CHECK(revoked->reason == RevocationReason::kRetired);
  CHECK(revoked->note == "换新电脑");
  CHECK(hub.JournalCount() == 3);
  CHECK(hub.Count("SELECT count(*) FROM revocation WHERE node_id='" + id +
                  "' AND reason='retired' AND region='511304' AND hlc=" +
                  std::to_string(revoked->revoked_hlc)) == 1);
  // A retired key may later be found compromised; nothing after that.
  REQUIRE(Revoke(hub.county, kPassphrase, id, RevocationReason::kCompromised).ok());
  CHECK(hub.Count("SELECT count(*) FROM revocation WHERE node_id='" + id + "'") == 2);
}

TEST_CASE("Revoke takes a unique prefix of the node id, in either case") {
  HubHome hub;
  SecretKey node = SecretKey::Generate();
  Enrol(hub.county, RequestOf(node, kVillage, "村"), Role::kVillage);
  std::string prefix = NodeIdHex(node.node_id()).substr(0, kMinNodeRefLength);
  for (char& c : prefix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Result<Revocation> revoked = Revoke(hub.county, kPassphrase, prefix, RevocationReason::kRetired);
  REQUIRE(revoked.ok());
  CHECK(revoked->subject == node.node_id());
}

TEST_CASE("each Revoke refusal") {
  HubHome hub;
  SecretKey node = SecretKey::Generate();
  Enrol(hub.county, RequestOf(node, kVillage, "村"), Role::kVillage);
  const std::string id = NodeIdHex(node.node_id());
  auto code = [&](std::string_view ref, RevocationReason reason = RevocationReason::kRetired,
                  std::string_view note = {}, std::string_view passphrase = kPassphrase) {
    return Revoke(hub.county, passphrase, ref, reason, note).status().code();
  };
  CHECK(code(id.substr(0, kMinNodeRefLength - 1)) == kErrCountyNodeRef);
  CHECK(code("") == kErrCountyNodeRef);
  CHECK(code("xyz123") == kErrCountyNodeRef);
  CHECK(code(id + "0") == kErrCountyNodeRef);
  CHECK(code(id.substr(0, 6) + " ") == kErrCountyNodeRef);
  // A prefix no enrolled id has.
  std::string absent = "000000";
  const std::string hub_id = NodeIdHex(hub.county.hub_key().node_id());
  while (id.rfind(absent, 0) == 0 || hub_id.rfind(absent, 0) == 0) absent[5]++;
  Result<Revocation> unknown = Revoke(hub.county, kPassphrase, absent, RevocationReason::kRetired);
  CHECK(unknown.status().code() == kErrCountyUnknownNode);
  CHECK(unknown.status().kind() == StatusKind::kNotFound);
  CHECK(code(hub_id) == kErrCountyRevokeHub);
  CHECK(code(id, RevocationReason::kRetired, std::string(kMaxRevocationNoteSize + 1, 'x')) ==
        kErrRevocationNoteTooLarge);
  CHECK(code(id, RevocationReason::kRetired, "\xc3") == kErrRevocationNoteUtf8);
  CHECK(code(id, RevocationReason::kRetired, {}, "wrong") == kErrKeyFileWrongPassphrase);
  CHECK(hub.JournalCount() == 2);

  REQUIRE(code(id, RevocationReason::kCompromised).empty());
  Result<Revocation> again = Revoke(hub.county, kPassphrase, id, RevocationReason::kRetired);
  CHECK(again.status().code() == kErrCountyAlreadyRevoked);
  CHECK(again.status().kind() == StatusKind::kConflict);
  CHECK(code(id, RevocationReason::kCompromised) == kErrCountyAlreadyRevoked);

  SecretKey retired = SecretKey::Generate();
  Enrol(hub.county, RequestOf(retired, "511304100202", "村"), Role::kVillage);
  REQUIRE(code(NodeIdHex(retired.node_id())).empty());
  CHECK(code(NodeIdHex(retired.node_id())) == kErrCountyAlreadyRevoked);
}

TEST_CASE("two ids that share a prefix must be told apart") {
  // Two keys whose ids share their first 6 hex digits (24 bits): by the birthday bound the
  // first such pair turns up after about 5000 random keys.
  std::map<std::string, SecretKey> by_prefix;
  std::optional<std::pair<SecretKey, SecretKey>> pair;
  for (int i = 0; i < 200000 && !pair; ++i) {
    SecretKey key = SecretKey::Generate();
    const std::string prefix = NodeIdHex(key.node_id()).substr(0, kMinNodeRefLength);
    auto [it, fresh] = by_prefix.try_emplace(prefix, std::move(key));
    if (!fresh) pair.emplace(std::move(it->second), std::move(key));
  }
  REQUIRE(pair.has_value());
  HubHome hub;
  Enrol(hub.county, RequestOf(pair->first, kVillage, "甲"), Role::kVillage);
  Enrol(hub.county, RequestOf(pair->second, "511304100202", "乙"), Role::kVillage);
  const std::string a = NodeIdHex(pair->first.node_id());
  const std::string b = NodeIdHex(pair->second.node_id());
  size_t shared = 0;
  while (a[shared] == b[shared]) ++shared;
  Result<Revocation> ambiguous =
      Revoke(hub.county, kPassphrase, a.substr(0, shared), RevocationReason::kRetired);
  CHECK(ambiguous.status().code() == kErrCountyAmbiguousNode);
  CHECK(ambiguous.status().message().find(a) != std::string::npos);
  CHECK(ambiguous.status().message().find(b) != std::string::npos);
  Result<Revocation> one =
      Revoke(hub.county, kPassphrase, a.substr(0, shared + 1), RevocationReason::kRetired);
  REQUIRE(one.ok());
  CHECK(one->subject == pair->first.node_id());
}

TEST_CASE("ListEnrolled names every node, the hub, and who is revoked") {
  HubHome hub;
  SecretKey village = SecretKey::Generate();
  SecretKey sibling = SecretKey::Generate();
  SecretKey township = SecretKey::Generate();
  Enrol(hub.county, RequestOf(village, kVillage, "石庙村"), Role::kVillage);
  Enrol(hub.county, RequestOf(sibling, "511304100202", "白鹤村"), Role::kVillage);
  Enrol(hub.county, RequestOf(township, kTownship, "龙蟠镇"), Role::kTownship);
  REQUIRE(Revoke(hub.county, kPassphrase, NodeIdHex(village.node_id()), RevocationReason::kRetired)
              .ok());
  REQUIRE(Revoke(hub.county, kPassphrase, NodeIdHex(sibling.node_id()), RevocationReason::kRetired)
              .ok());
  REQUIRE(
      Revoke(hub.county, kPassphrase, NodeIdHex(sibling.node_id()), RevocationReason::kCompromised)
          .ok());

  Result<std::vector<EnrolledNode>> listed = ListEnrolled(hub.county);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 4);
  const std::vector<EnrolledNode>& nodes = *listed;
  CHECK(nodes[0].node_id == NodeIdHex(hub.county.hub_key().node_id()));
  CHECK(nodes[0].is_hub);
  CHECK(nodes[0].role == Role::kCounty);
  CHECK(nodes[0].region == "511304");
  CHECK(nodes[0].name == testing::kCountyName);
  CHECK_FALSE(nodes[0].revoked.has_value());
  CHECK(nodes[1].region == kTownship);
  CHECK(nodes[1].role == Role::kTownship);
  CHECK_FALSE(nodes[1].is_hub);
  CHECK_FALSE(nodes[1].revoked.has_value());
  CHECK(nodes[2].region == kVillage);
  CHECK(nodes[2].name == "石庙村");
  CHECK(nodes[2].revoked == RevocationReason::kRetired);
  CHECK(nodes[3].region == "511304100202");
  CHECK(nodes[3].revoked == RevocationReason::kCompromised);
  CHECK(nodes[3].issued_hlc > nodes[2].issued_hlc);
  CHECK(nodes[2].issued_hlc > nodes[0].issued_hlc);
}

}  // namespace
}  // namespace gongkai
