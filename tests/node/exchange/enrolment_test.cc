#include "node/exchange/enrolment.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "node/replica/home.h"
#include "node/replica/node_key.h"
#include "node/replica_fixture.h"
#include "protocol/certificate_file.h"
#include "protocol/enrolment_request.h"

namespace gongkai {
namespace {

using testing::kCounty;
using testing::kVillage;
using testing::TempDir;

constexpr char kName[] = "石庙村村委会";
constexpr uint64_t kNow = 1'790'000'000'000;

unsigned ModeOf(const std::filesystem::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// A county as the node sees it: a root key and the hub's certificate, and a way to answer
// a request the way the county office would (without hub/, which node/ may not use).
struct Office {
  TempDir dir;
  SecretKey root = SecretKey::Generate();
  std::unique_ptr<testing::TestNode> hub =
      testing::MakeNode(dir, "county", root, Role::kCounty, kCounty);

  Bytes Sign(const PublicKey& subject, Role role, std::string region, std::string name) {
    Certificate cert;
    cert.county = kCounty;
    cert.subject_key = subject;
    cert.role = role;
    cert.region = std::move(region);
    cert.name = std::move(name);
    cert.issued_hlc = MakeHlc(kNow, 0);
    cert.serial = RandomSerial();
    Result<Bytes> body = SignCertificate(cert, root);
    REQUIRE(body.ok());
    return *body;
  }
  Bytes Answer(ByteView request_bytes, Role role = Role::kVillage) {
    Result<EnrolmentRequest> request = OpenEnrolmentRequest(request_bytes);
    REQUIRE(request.ok());
    return FileFor(Sign(request->node_key, role, request->region, request->name));
  }
  Bytes FileFor(ByteView node_certificate) {
    Result<Bytes> file = MakeCertificateFile(root.public_key(), node_certificate, hub->certificate);
    REQUIRE(file.ok());
    return *file;
  }
};

struct Home {
  TempDir dir;
  std::filesystem::path path = dir.path() / "village";
  std::filesystem::path key() const { return path / kNodeKeyFileName; }
  std::filesystem::path request() const { return path / kEnrolmentRequestFileName; }
  std::filesystem::path replica() const { return path / kReplicaFileName; }
  bool Has(const std::filesystem::path& file) const { return std::filesystem::exists(file); }
};

Bytes Start(const Home& home, std::string_view region = kVillage, std::string_view name = kName) {
  Result<Bytes> request = StartEnrolment(home.path, region, name, kNow);
  INFO(request.status().ToString());
  REQUIRE(request.ok());
  return *request;
}

TEST_CASE("StartEnrolment makes the home, the key and the request") {
  Home home;
  const Bytes bytes = Start(home);
  CHECK(ModeOf(home.path) == 0700);
  CHECK(ModeOf(home.key()) == 0600);
  CHECK(ModeOf(home.request()) == 0644);
  CHECK(testing::ReadFile(home.request().string()) == bytes);
  Result<SecretKey> key = LoadNodeKey(home.key());
  REQUIRE(key.ok());
  Result<EnrolmentRequest> request = OpenEnrolmentRequest(bytes);
  REQUIRE(request.ok());
  CHECK(request->node_key == key->public_key());
  CHECK(request->region == kVillage);
  CHECK(request->name == kName);
  CHECK(request->created_at_ms == kNow);
  CHECK_FALSE(home.Has(home.replica()));
}

TEST_CASE("StartEnrolment again with the same region and name returns the same request") {
  Home home;
  const Bytes first = Start(home);
  const Bytes key = testing::ReadFile(home.key().string());
  Result<Bytes> again = StartEnrolment(home.path, kVillage, kName, kNow + 60'000);
  REQUIRE(again.ok());
  CHECK(*again == first);
  CHECK(testing::ReadFile(home.key().string()) == key);
}

TEST_CASE("a pending request for another region or name is not replaced") {
  Home home;
  const Bytes first = Start(home);
  Result<Bytes> region = StartEnrolment(home.path, "511304100202", kName, kNow);
  CHECK(region.status().code() == kErrEnrolmentPendingDiffers);
  CHECK(region.status().kind() == StatusKind::kConflict);
  CHECK(StartEnrolment(home.path, kVillage, "另一个名字", kNow).status().code() ==
        kErrEnrolmentPendingDiffers);
  CHECK(testing::ReadFile(home.request().string()) == first);
  // Removing the request is how a clerk asks again; the key stays.
  std::filesystem::remove(home.request());
  const Bytes second = Start(home, "511304100202");
  CHECK(OpenEnrolmentRequest(second)->node_key == OpenEnrolmentRequest(first)->node_key);
}

TEST_CASE("bad arguments are refused before anything is written") {
  Home home;
  CHECK(StartEnrolment(home.path, "511304100", "", kNow).status().code() == kErrRequestNameEmpty);
  CHECK(StartEnrolment(home.path, "5113041002", kName, kNow).status().code() == kErrRequestRegion);
  CHECK(StartEnrolment(home.path, "511304100000", kName, kNow).status().code() ==
        kErrRequestRegion);
  CHECK(StartEnrolment(home.path, kVillage, std::string(kMaxEnrolmentNameSize + 1, 'x'), kNow)
            .status()
            .code() == kErrRequestNameTooLarge);
  CHECK_FALSE(home.Has(home.path));
}

TEST_CASE("a key without a request gets a request; a request without a key a new key") {
  Home home;
  const Bytes first = Start(home);
  const PublicKey key = OpenEnrolmentRequest(first)->node_key;
  std::filesystem::remove(home.request());
  CHECK(OpenEnrolmentRequest(Start(home))->node_key == key);

  std::filesystem::remove(home.key());
  const Bytes fresh = Start(home);
  CHECK(OpenEnrolmentRequest(fresh)->node_key != key);
  CHECK(LoadNodeKey(home.key())->public_key() == OpenEnrolmentRequest(fresh)->node_key);
}

TEST_CASE("a damaged or foreign pending request is refused") {
  Home home;
  Start(home);
  testing::WriteFile(home.request().string(), std::string_view("GKRQ garbage"));
  Result<Bytes> damaged = StartEnrolment(home.path, kVillage, kName, kNow);
  CHECK(damaged.status().code() == kErrEnrolmentPendingInvalid);
  CHECK(damaged.status().message().find(kErrRequestVersion) != std::string::npos);

  SecretKey other = SecretKey::Generate();
  testing::WriteFile(home.request().string(), *MakeEnrolmentRequest(other, kVillage, kName, 0));
  CHECK(StartEnrolment(home.path, kVillage, kName, kNow).status().code() ==
        kErrEnrolmentPendingInvalid);
  testing::WriteFile(home.request().string(), Bytes(kMaxEnrolmentRequestSize + 1, 0));
  CHECK(StartEnrolment(home.path, kVillage, kName, kNow).status().code() ==
        kErrEnrolmentPendingInvalid);
}

TEST_CASE("a home that is not a folder") {
  TempDir dir;
  testing::WriteFile(dir.File("file"), std::string_view("x"));
  Result<Bytes> refused = StartEnrolment(dir.path() / "file", kVillage, kName, kNow);
  CHECK(refused.status().code() == kErrEnrolmentHome);
  CHECK(refused.status().kind() == StatusKind::kIoError);
}

TEST_CASE("a damaged node key is reported as such") {
  Home home;
  Start(home);
  REQUIRE(::chmod(home.key().c_str(), 0644) == 0);
  CHECK(StartEnrolment(home.path, kVillage, kName, kNow).status().code() == kErrNodeKeyPermissions);
}

TEST_CASE("CompleteEnrolment stores the identity and the hub's certificate") {
  Office office;
  Home home;
  const Bytes file = office.Answer(Start(home));
  Result<CompletedEnrolment> done = CompleteEnrolment(home.path, file);
  INFO(done.status().ToString());
  REQUIRE(done.ok());
  CHECK_FALSE(done->already_complete);
  CHECK(done->certificate.region == kVillage);
  CHECK(done->certificate.name == kName);
  CHECK(done->hub.subject_key == office.hub->key.public_key());
  CHECK(done->root_public_key == office.root.public_key());
  CHECK_FALSE(home.Has(home.request()));

  Result<Replica> replica = Replica::Open(home.replica());
  REQUIRE(replica.ok());
  Result<NodeIdentity> identity = replica->Identity();
  REQUIRE(identity.ok());
  CHECK(identity->node_id == LoadNodeKey(home.key())->node_id());
  CHECK(identity->role == Role::kVillage);
  CHECK(identity->region == kVillage);
  CHECK(identity->root_public_key == office.root.public_key());
  CHECK(QueryInt(replica->db(), "SELECT count(*) FROM known_certificate WHERE node_id=?",
                 office.hub->id())
            ->value_or(0) == 1);

  // Enrolled: a new request is refused.
  Result<Bytes> again = StartEnrolment(home.path, kVillage, kName, kNow);
  CHECK(again.status().code() == kErrEnrolmentAlreadyEnrolled);
  CHECK(again.status().kind() == StatusKind::kConflict);
}

TEST_CASE("CompleteEnrolment again with the same file changes nothing") {
  Office office;
  Home home;
  const Bytes file = office.Answer(Start(home));
  REQUIRE(CompleteEnrolment(home.path, file).ok());
  Result<CompletedEnrolment> again = CompleteEnrolment(home.path, file);
  REQUIRE(again.ok());
  CHECK(again->already_complete);
  // Another certificate for the same key (issued twice) is not taken over the first.
  const Bytes reissued =
      office.Answer(*MakeEnrolmentRequest(*LoadNodeKey(home.key()), kVillage, kName, kNow));
  CHECK(CompleteEnrolment(home.path, reissued).status().code() == kErrEnrolmentAlreadyEnrolled);
}

TEST_CASE("a run stopped after the identity was stored is finished by a repeat") {
  Office office;
  Home home;
  const Bytes file = office.Answer(Start(home));
  Result<CertificateFile> opened = OpenCertificateFile(file);
  REQUIRE(opened.ok());
  {
    Result<Replica> replica = Replica::Open(home.replica());
    REQUIRE(replica.ok());
    REQUIRE(replica
                ->SetIdentity(NodeIdentity{opened->node.subject_id(), Role::kVillage, kVillage,
                                           opened->node_certificate, office.root.public_key()})
                .ok());
  }
  REQUIRE(home.Has(home.request()));
  Result<CompletedEnrolment> done = CompleteEnrolment(home.path, file);
  REQUIRE(done.ok());
  CHECK(done->already_complete);
  CHECK_FALSE(home.Has(home.request()));
  Result<Replica> replica = Replica::Open(home.replica());
  CHECK(QueryInt(replica->db(), "SELECT count(*) FROM known_certificate WHERE node_id=?",
                 office.hub->id())
            ->value_or(0) == 1);
}

TEST_CASE("each CompleteEnrolment refusal") {
  Office office;
  Home home;
  SUBCASE("not started") {
    const Bytes file = office.FileFor(
        office.Sign(SecretKey::Generate().public_key(), Role::kVillage, kVillage, kName));
    Result<CompletedEnrolment> refused = CompleteEnrolment(home.path, file);
    CHECK(refused.status().code() == kErrEnrolmentNotStarted);
    CHECK(refused.status().kind() == StatusKind::kNotFound);
  }
  SUBCASE("another node's certificate") {
    Start(home);
    Home other;
    const Bytes theirs = office.Answer(Start(other));
    Result<CompletedEnrolment> refused = CompleteEnrolment(home.path, theirs);
    CHECK(refused.status().code() == kErrEnrolmentOtherNode);
    CHECK(refused.status().kind() == StatusKind::kDenied);
    CHECK(home.Has(home.request()));
    CHECK_FALSE(home.Has(home.replica()));
  }
  SUBCASE("another region or name than asked for") {
    const PublicKey key = OpenEnrolmentRequest(Start(home))->node_key;
    const Bytes region =
        office.FileFor(office.Sign(key, Role::kVillage, testing::kSiblingVillage, kName));
    CHECK(CompleteEnrolment(home.path, region).status().code() == kErrEnrolmentCertificateDiffers);
    const Bytes name = office.FileFor(office.Sign(key, Role::kVillage, kVillage, "别的村"));
    CHECK(CompleteEnrolment(home.path, name).status().code() == kErrEnrolmentCertificateDiffers);
    CHECK_FALSE(home.Has(home.replica()));
  }
  SUBCASE("a damaged pending request") {
    const Bytes file = office.Answer(Start(home));
    testing::WriteFile(home.request().string(), std::string_view("GKRQ"));
    CHECK(CompleteEnrolment(home.path, file).status().code() == kErrEnrolmentPendingInvalid);
  }
  SUBCASE("not a certificate file") {
    const Bytes request = Start(home);
    CHECK(CompleteEnrolment(home.path, request).status().code() == kErrCertFileMagic);
  }
  SUBCASE("a certificate file whose root key was altered") {
    Office elsewhere;
    const Bytes file = elsewhere.Answer(Start(home));
    Bytes tampered = file;
    tampered[5] ^= 0x01;  // the root key: nothing opens under it
    CHECK(CompleteEnrolment(home.path, tampered).status().code() == kErrCertFileNodeCertificate);
  }
}

TEST_CASE("a request with no role: the county picks township, county or auditor by level") {
  Office office;
  Home township;
  const Bytes file =
      office.Answer(Start(township, testing::kTownship, "龙蟠镇政务公开办"), Role::kTownship);
  Result<CompletedEnrolment> done = CompleteEnrolment(township.path, file);
  REQUIRE(done.ok());
  CHECK(done->certificate.role == Role::kTownship);
  Home auditor;
  const Bytes audit = office.Answer(Start(auditor, kCounty, "县审计局"), Role::kAuditor);
  REQUIRE(CompleteEnrolment(auditor.path, audit).ok());
  CHECK(Replica::Open(auditor.replica())->Identity()->role == Role::kAuditor);
}

TEST_CASE("an enrolled node verifies the county's envelopes with the hub's certificate") {
  Office office;
  Home home;
  const Bytes request = Start(home);
  const Bytes file = office.Answer(request);
  REQUIRE(CompleteEnrolment(home.path, file).ok());
  const Bytes village_cert = OpenCertificateFile(file)->node_certificate;
  // The county's first envelope: the certificate rows of the hub and of this village.
  auto captured = office.hub->Write([&](sqlite3* db, const CaptureStamp& stamp) -> Status {
    GK_RETURN_IF_ERROR(
        testing::InsertCertificate(db, stamp, office.root.public_key(), office.hub->certificate));
    return testing::InsertCertificate(db, stamp, office.root.public_key(), village_cert);
  });
  REQUIRE(captured.ok());
  Result<Replica> replica = Replica::Open(home.replica());
  REQUIRE(replica.ok());
  Result<ApplyResult> applied = ApplyEnvelope(*replica, captured->bytes, "hub");
  INFO(applied.status().ToString());
  REQUIRE(applied.ok());
  CHECK(applied->outcome == ApplyOutcome::kApplied);
  CHECK(applied->rows_inserted == 2);
}

}  // namespace
}  // namespace gongkai
