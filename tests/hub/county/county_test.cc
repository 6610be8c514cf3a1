#include "hub/county/county.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "hub/county_fixture.h"
#include "node/replica/apply.h"
#include "node/replica/capture.h"
#include "node/exchange/enrolment.h"
#include "node/replica/home.h"
#include "node/replica/node_key.h"
#include "node/replica_fixture.h"

namespace gongkai {
namespace {

using testing::FixedClock;
using testing::HubHome;
using testing::kCountyCode;
using testing::kCountyName;
using testing::kPassphrase;
using testing::TempDir;

unsigned ModeOf(const std::filesystem::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

size_t EntriesIn(const std::filesystem::path& folder) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) ++n;
  return n;
}

std::string InitCode(const std::filesystem::path& home, std::string_view code,
                     std::string_view name = kCountyName, std::string_view passphrase = kPassphrase,
                     KdfParams kdf = kKdfInteractive) {
  return InitCounty(home, code, name, passphrase, kdf, FixedClock()).status().code();
}

TEST_CASE("InitCounty makes the root key, the hub key and the county replica") {
  HubHome hub;
  const County& county = hub.county;
  CHECK(county.code() == kCountyCode);
  CHECK(county.name() == kCountyName);
  CHECK(ModeOf(hub.home) == 0700);
  CHECK(ModeOf(hub.home / kRootKeyFileName) == 0600);
  CHECK(ModeOf(hub.home / kHubKeyFileName) == 0600);
  CHECK(EntriesIn(hub.dir.path()) == 1);  // no staging folder left beside the home

  // root.key: an encrypted key file whose key is the county's root.
  const Bytes root_file = testing::ReadFile((hub.home / kRootKeyFileName).string());
  CHECK(root_file.size() == kKeyFileSize);
  CHECK(*KeyFilePublicKey(root_file) == county.root_public_key());
  CHECK(OpenSecretKey(root_file, kPassphrase)->public_key() == county.root_public_key());
  CHECK(OpenSecretKey(root_file, "other").status().code() == kErrKeyFileWrongPassphrase);

  // hub.key and the replica's identity name the same node, certified by the root.
  Result<SecretKey> hub_key = LoadNodeKey(hub.home / kHubKeyFileName);
  REQUIRE(hub_key.ok());
  CHECK(hub_key->public_key() == county.hub_key().public_key());
  Result<NodeIdentity> identity = hub.county.replica().Identity();
  REQUIRE(identity.ok());
  CHECK(identity->node_id == hub_key->node_id());
  CHECK(identity->role == Role::kCounty);
  CHECK(identity->region == kCountyCode);
  CHECK(identity->root_public_key == county.root_public_key());
  Result<Certificate> cert = OpenCertificate(county.hub_certificate(), county.root_public_key());
  REQUIRE(cert.ok());
  CHECK(cert->role == Role::kCounty);
  CHECK(cert->region == kCountyCode);
  CHECK(cert->name == kCountyName);
  CHECK(HlcPhysicalMs(cert->issued_hlc) == testing::kHubWallMs);

  // The hub's certificate is the first synced fact: one row, one envelope.
  CHECK(hub.Count("SELECT count(*) FROM certificate") == 1);
  CHECK(hub.Count("SELECT count(*) FROM certificate WHERE node_id='" +
                  NodeIdHex(hub_key->node_id()) + "' AND region='511304' AND role='county'") == 1);
  CHECK(hub.JournalCount() == 1);
}

TEST_CASE("OpenCounty reopens a home without the passphrase") {
  HubHome hub;
  const PublicKey root = hub.county.root_public_key();
  const Bytes cert = hub.county.hub_certificate();
  const Hlc last = *hub.county.replica().LastHlc();
  Result<County> reopened = OpenCounty(hub.home, FixedClock());
  REQUIRE(reopened.ok());
  hub.county = std::move(*reopened);
  CHECK(hub.county.root_public_key() == root);
  CHECK(hub.county.hub_certificate() == cert);
  CHECK(hub.county.code() == kCountyCode);
  CHECK(hub.county.clock().Now() > last);
}

TEST_CASE("InitCounty refuses bad arguments and leaves nothing behind") {
  TempDir dir;
  const auto home = dir.path() / "hub";
  CHECK(InitCode(home, "51130") == kErrRegionLength);
  CHECK(InitCode(home, "511304100") == kErrRegionRoleLevel);
  CHECK(InitCode(home, "991304") == kErrRegionProvince);
  CHECK(InitCode(home, "511300") == kErrRegionZeroPart);
  CHECK(InitCode(home, kCountyCode, "") == kErrCountyNameEmpty);
  CHECK(InitCode(home, kCountyCode, std::string(kMaxCertificateNameSize + 1, 'x')) ==
        kErrCertNameTooLarge);
  CHECK(InitCode(home, kCountyCode, "县\xff") == kErrCertNameUtf8);
  CHECK(InitCode(home, kCountyCode, kCountyName, "") == kErrCountyPassphraseEmpty);
  CHECK(InitCode(home, kCountyCode, kCountyName, kPassphrase, KdfParams{0, kKdfMinMemlimit}) ==
        kErrKeyFileParams);
  CHECK(EntriesIn(dir.path()) == 0);
}

TEST_CASE("InitCounty refuses an existing home, but takes an empty folder") {
  TempDir dir;
  const auto home = dir.path() / "hub";
  std::filesystem::create_directory(home);
  testing::WriteFile((home / "notes.txt").string(), std::string_view("x"));
  Result<County> refused =
      InitCounty(home, kCountyCode, kCountyName, kPassphrase, kKdfInteractive, FixedClock());
  CHECK(refused.status().code() == kErrCountyHomeExists);
  CHECK(refused.status().kind() == StatusKind::kConflict);
  testing::WriteFile(dir.File("file"), std::string_view("x"));
  CHECK(InitCode(dir.path() / "file", kCountyCode) == kErrCountyHomeExists);

  // An initialised home is refused: its root key is never replaced.
  HubHome hub;
  const Bytes root = testing::ReadFile((hub.home / kRootKeyFileName).string());
  CHECK(InitCode(hub.home, kCountyCode) == kErrCountyHomeExists);
  CHECK(testing::ReadFile((hub.home / kRootKeyFileName).string()) == root);

  std::filesystem::create_directory(dir.path() / "empty");
  CHECK(InitCode(dir.path() / "empty", kCountyCode).empty());
  CHECK(InitCode(dir.path() / "deeper" / "still" / "hub", kCountyCode).empty());
  CHECK(OpenCounty(dir.path() / "empty").ok());
}

TEST_CASE("a home that cannot be made is county.home") {
  TempDir dir;
  testing::WriteFile(dir.File("file"), std::string_view("x"));
  Result<County> refused = InitCounty(dir.path() / "file" / "hub", kCountyCode, kCountyName,
                                      kPassphrase, kKdfInteractive, FixedClock());
  CHECK(refused.status().code() == kErrCountyHome);
  CHECK(refused.status().kind() == StatusKind::kIoError);
}

TEST_CASE("each OpenCounty refusal") {
  HubHome hub;
  const auto root_path = hub.home / kRootKeyFileName;
  const auto hub_path = hub.home / kHubKeyFileName;
  SUBCASE("not initialised") {
    TempDir empty;
    Result<County> refused = OpenCounty(empty.path());
    CHECK(refused.status().code() == kErrCountyNotInitialised);
    CHECK(refused.status().kind() == StatusKind::kNotFound);
    for (const char* file : {kRootKeyFileName, kHubKeyFileName, kReplicaFileName}) {
      CAPTURE(file);
      TempDir copy;
      std::filesystem::copy(hub.home, copy.path() / "hub");
      std::filesystem::remove(copy.path() / "hub" / file);
      CHECK(OpenCounty(copy.path() / "hub").status().code() == kErrCountyNotInitialised);
    }
  }
  SUBCASE("another hub key") {
    std::filesystem::remove(hub_path);
    REQUIRE(SaveNodeKey(hub_path, SecretKey::Generate()).ok());
    CHECK(OpenCounty(hub.home).status().code() == kErrCountyInconsistent);
  }
  SUBCASE("another county's root key") {
    HubHome other;
    std::filesystem::copy_file(other.home / kRootKeyFileName, root_path,
                               std::filesystem::copy_options::overwrite_existing);
    CHECK(OpenCounty(hub.home).status().code() == kErrCountyInconsistent);
  }
  SUBCASE("a damaged root key") {
    Bytes file = testing::ReadFile(root_path.string());
    file[100] ^= 0x01;
    testing::WriteFile(root_path.string(), file);
    CHECK(OpenCounty(hub.home).status().code() == kErrKeyFileCorrupt);
    testing::WriteFile(root_path.string(), ByteView(file).first(20));
    CHECK(OpenCounty(hub.home).status().code() == kErrKeyFileSize);
  }
  SUBCASE("a hub key others can read") {
    REQUIRE(::chmod(hub_path.c_str(), 0644) == 0);
    CHECK(OpenCounty(hub.home).status().code() == kErrNodeKeyPermissions);
  }
}

// The whole offline enrolment in one process: a county, a village and a township enrol,
// the village writes, the county and the township accept it; after a revocation, neither
// accepts the village's next envelope.
TEST_CASE("end to end: init, enrol, write, apply, revoke") {
  HubHome hub;
  County& county = hub.county;
  TempDir nodes;
  const auto village_home = nodes.path() / "village";
  const auto township_home = nodes.path() / "township";
  const uint64_t now = testing::kHubWallMs;

  Result<Bytes> village_request = StartEnrolment(village_home, "511304100201", "石庙村村委会", now);
  REQUIRE(village_request.ok());
  Result<Bytes> township_request =
      StartEnrolment(township_home, "511304100", "龙蟠镇政务公开办", now);
  REQUIRE(township_request.ok());

  Result<Bytes> village_file =
      EnrollFromRequest(county, kPassphrase, *village_request, Role::kVillage);
  INFO(village_file.status().ToString());
  REQUIRE(village_file.ok());
  Result<Bytes> township_file =
      EnrollFromRequest(county, kPassphrase, *township_request, Role::kTownship);
  REQUIRE(township_file.ok());

  REQUIRE(CompleteEnrolment(village_home, *village_file).ok());
  REQUIRE(CompleteEnrolment(township_home, *township_file).ok());

  auto open_node = [&](const std::filesystem::path& home) {
    auto node = std::make_unique<testing::TestNode>();
    Result<SecretKey> key = LoadNodeKey(home / kNodeKeyFileName);
    REQUIRE(key.ok());
    node->key = std::move(*key);
    Result<Replica> replica = Replica::Open(home / kReplicaFileName);
    REQUIRE(replica.ok());
    node->replica = std::make_unique<Replica>(std::move(*replica));
    node->role = node->replica->Identity()->role;
    node->region = node->replica->Identity()->region;
    node->clock = std::make_unique<HlcClock>([] { return testing::kHubWallMs + 1000; },
                                             *node->replica->LastHlc());
    return node;
  };
  auto village = open_node(village_home);
  auto township = open_node(township_home);
  CHECK(village->role == Role::kVillage);
  CHECK(township->role == Role::kTownship);

  // Every node takes the county's envelopes (its certificate rows), verified with the hub's
  // certificate from the certificate file.
  for (testing::TestNode* node : {village.get(), township.get()}) {
    for (const Bytes& envelope : hub.Envelopes()) {
      Result<ApplyResult> applied = node->Receive(envelope, "hub");
      INFO(applied.status().ToString());
      REQUIRE(applied.ok());
      CHECK(applied->outcome == ApplyOutcome::kApplied);
    }
    CHECK(node->Count("certificate") == 3);
  }

  auto write = [&](std::string_view version_id) {
    Result<CapturedEnvelope> captured = village->Write([&](sqlite3* db, const CaptureStamp& stamp) {
      return testing::InsertVersion(db, stamp, village->region, version_id, "村务公开");
    });
    INFO(captured.status().ToString());
    REQUIRE(captured.ok());
    return captured->bytes;
  };
  const Bytes first = write("v1");
  Result<ApplyResult> at_county = ApplyEnvelope(county.replica(), first, "village");
  INFO(at_county.status().ToString());
  REQUIRE(at_county.ok());
  CHECK(at_county->outcome == ApplyOutcome::kApplied);
  CHECK(hub.Count("SELECT count(*) FROM disclosure_version WHERE version_id='v1'") == 1);
  REQUIRE(township->Receive(first)->outcome == ApplyOutcome::kApplied);

  Result<Revocation> revoked = Revoke(county, kPassphrase, village->id().substr(0, 8),
                                      RevocationReason::kCompromised, "电脑丢失");
  INFO(revoked.status().ToString());
  REQUIRE(revoked.ok());
  CHECK(revoked->subject == village->key.node_id());

  const Bytes second = write("v2");
  Result<ApplyResult> refused = ApplyEnvelope(county.replica(), second, "village");
  CHECK(refused.status().code() == kErrApplyRevoked);

  // The township accepts the second envelope only until the revocation reaches it.
  const std::vector<Bytes> county_envelopes = hub.Envelopes();
  REQUIRE(county_envelopes.size() == 4);  // hub, village, township certificates; revocation
  REQUIRE(township->Receive(county_envelopes.back(), "hub").ok());
  CHECK(township->Receive(second).status().code() == kErrApplyRevoked);
  CHECK(township->Receive(first)->outcome == ApplyOutcome::kDuplicate);

  Result<std::vector<EnrolledNode>> listed = ListEnrolled(county);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 3);
  CHECK((*listed)[2].node_id == village->id());
  CHECK((*listed)[2].revoked == RevocationReason::kCompromised);
}

}  // namespace
}  // namespace gongkai
