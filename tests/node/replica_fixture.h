// Test support for node/: a county root key and enrolled nodes (county, township, two
// villages), each with its own replica in a private temporary folder, a fake wall clock,
// and row writers for captures.
#ifndef GONGKAI_TESTS_NODE_REPLICA_FIXTURE_H_
#define GONGKAI_TESTS_NODE_REPLICA_FIXTURE_H_

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "node/replica/apply.h"
#include "node/replica/capture.h"
#include "node/replica/digest.h"
#include "node/replica/replica.h"
#include "node/replica/sql.h"
#include "protocol/certificate.h"
#include "protocol/hlc.h"
#include "protocol/temp_dir.h"

namespace gongkai::testing {

inline constexpr char kCounty[] = "511304";
inline constexpr char kTownship[] = "511304100";
inline constexpr char kVillage[] = "511304100201";
inline constexpr char kSiblingVillage[] = "511304100202";
inline constexpr uint64_t kWallMs = 1'790'000'000'000;  // a fixed wall clock, 2026

struct TestNode {
  SecretKey key = SecretKey::Generate();
  Role role = Role::kVillage;
  std::string region;
  Bytes certificate;
  std::unique_ptr<Replica> replica;
  std::unique_ptr<HlcClock> clock;

  std::string id() const { return NodeIdHex(key.node_id()); }
  sqlite3* db() const { return replica->db(); }

  Result<CapturedEnvelope> Write(const CaptureWrites& writes, const CaptureFaults& faults = {}) {
    return Capture(*replica, key, *clock, writes, faults);
  }
  Result<ApplyResult> Receive(ByteView bytes, std::string_view source = "test") {
    return ApplyEnvelope(*replica, bytes, source);
  }
  Hash256 Digest(std::string_view of_region) const {
    auto digest = RegionDigest(*replica, of_region);
    REQUIRE(digest.ok());
    return *digest;
  }
  int64_t JournalCount() const {
    auto n = replica->JournalCount();
    REQUIRE(n.ok());
    return *n;
  }
  int64_t Count(const std::string& table) const {
    auto n = QueryInt(db(), "SELECT count(*) FROM " + table);
    REQUIRE(n.ok());
    return n->value_or(0);
  }
};

inline Bytes IssueCertificate(const SecretKey& root, const TestNode& node, std::string name) {
  Certificate cert;
  cert.county = kCounty;
  cert.subject_key = node.key.public_key();
  cert.role = node.role;
  cert.region = node.region;
  cert.name = std::move(name);
  cert.issued_hlc = MakeHlc(kWallMs, 0);
  cert.serial = RandomSerial();
  auto body = SignCertificate(cert, root);
  REQUIRE(body.ok());
  return *body;
}

// An enrolled node with its replica at dir/name.db. Every node knows the county node's
// certificate out of band (as given at enrolment) so it can verify the county's first
// envelope, which carries every certificate row.
inline std::unique_ptr<TestNode> MakeNode(const TempDir& dir, const std::string& name,
                                          const SecretKey& root, Role role, std::string region) {
  auto node = std::make_unique<TestNode>();
  node->role = role;
  node->region = std::move(region);
  node->certificate = IssueCertificate(root, *node, name);
  auto replica =
      Replica::Open(dir.path() / (name + ".db"),
                    ReplicaOptions{true, kDefaultBusyTimeoutMs, [] { return int64_t{42}; }});
  REQUIRE(replica.ok());
  node->replica = std::make_unique<Replica>(std::move(*replica));
  NodeIdentity identity{node->key.node_id(), role, node->region, node->certificate,
                        root.public_key()};
  REQUIRE(node->replica->SetIdentity(identity).ok());
  auto last = node->replica->LastHlc();
  REQUIRE(last.ok());
  node->clock = std::make_unique<HlcClock>([] { return kWallMs; }, *last);
  return node;
}

inline std::string Quote(std::string_view text) { return "'" + std::string(text) + "'"; }

inline Status InsertVersion(sqlite3* db, const CaptureStamp& stamp, std::string_view region,
                            std::string_view version_id, std::string_view title) {
  return ExecSql(db, "INSERT INTO disclosure_version VALUES(" + Quote(version_id) + ", " +
                         Quote(std::string(version_id) + "-d") + ", '', 'affairs', " +
                         Quote(title) + ", '2026Q3', '正文', '2026-10-01', '2026-10-08', 0, '', " +
                         "'文书', " + Quote(stamp.origin) + ", " + std::to_string(stamp.hlc) +
                         ", " + Quote(region) + ")");
}

inline Status InsertItem(sqlite3* db, const CaptureStamp& stamp, std::string_view region,
                         std::string_view version_id, int line, std::string_view data) {
  return ExecSql(db, "INSERT INTO disclosure_item VALUES(" + Quote(version_id) + ", " +
                         std::to_string(line) + ", " + Quote(data) + ", " + Quote(stamp.origin) +
                         ", " + std::to_string(stamp.hlc) + ", " + Quote(region) + ")");
}

// Writes the certificate row of `body` (county capture).
inline Status InsertCertificate(sqlite3* db, const CaptureStamp& stamp, const PublicKey& root,
                                ByteView body) {
  auto cert = OpenCertificate(body, root);
  if (!cert.ok()) return cert.status();
  GK_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db, "INSERT INTO certificate VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt.Bind(1, NodeIdHex(cert->subject_id()))
      .Bind(2, ByteView(cert->subject_key))
      .Bind(3, RoleName(cert->role))
      .Bind(4, cert->region)
      .Bind(5, cert->name)
      .Bind(6, body)
      .Bind(7, stamp.origin)
      .Bind(8, static_cast<int64_t>(stamp.hlc))
      .Bind(9, std::string_view(cert->county));
  return stmt.Run();
}

// A county root, the county node, a township and two of its villages.
struct TestCounty {
  TempDir dir;
  SecretKey root = SecretKey::Generate();
  std::unique_ptr<TestNode> county = MakeNode(dir, "county", root, Role::kCounty, kCounty);
  std::unique_ptr<TestNode> township = MakeNode(dir, "township", root, Role::kTownship, kTownship);
  std::unique_ptr<TestNode> village = MakeNode(dir, "village", root, Role::kVillage, kVillage);
  std::unique_ptr<TestNode> sibling =
      MakeNode(dir, "sibling", root, Role::kVillage, kSiblingVillage);
  Bytes certificates_envelope;  // the county's envelope of every certificate row

  std::vector<TestNode*> nodes() {
    return {county.get(), township.get(), village.get(), sibling.get()};
  }

  TestCounty() {
    for (TestNode* node : nodes()) {
      REQUIRE(node->replica->AddKnownCertificate(county->certificate).ok());
    }
    auto captured = county->Write([&](sqlite3* db, const CaptureStamp& stamp) -> Status {
      for (TestNode* node : nodes()) {
        GK_RETURN_IF_ERROR(InsertCertificate(db, stamp, root.public_key(), node->certificate));
      }
      return Status::Ok();
    });
    REQUIRE(captured.ok());
    certificates_envelope = captured->bytes;
    for (TestNode* node : nodes()) {
      if (node == county.get()) continue;
      auto applied = node->Receive(certificates_envelope);
      INFO(applied.status().ToString());
      REQUIRE(applied.ok());
      REQUIRE(applied->outcome == ApplyOutcome::kApplied);
    }
  }
};

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_NODE_REPLICA_FIXTURE_H_
