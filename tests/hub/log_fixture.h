// Test support for hub/'s audit log: a county hub's replica (enrolled as the county node) in
// a private folder, and envelopes of a village stored in its journal as ApplyEnvelope would
// have stored them.
#ifndef GONGKAI_TESTS_HUB_LOG_FIXTURE_H_
#define GONGKAI_TESTS_HUB_LOG_FIXTURE_H_

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "hub/log/log.h"
#include "node/replica/journal.h"
#include "node/replica/local_schema.h"
#include "node/replica/replica.h"
#include "protocol/certificate.h"
#include "protocol/envelope.h"
#include "protocol/hlc.h"
#include "protocol/merkle.h"
#include "protocol/receipt.h"
#include "tests/protocol/temp_dir.h"

namespace gongkai::testing {

inline constexpr char kHubCounty[] = "511304";
inline constexpr char kHubVillage[] = "511304100201";
inline constexpr int64_t kHubWallMs = 1'790'000'000'000;  // 2026

inline Bytes HubCertificate(const SecretKey& root, const SecretKey& key, Role role,
                            const std::string& region) {
  Certificate cert;
  cert.county = kHubCounty;
  cert.subject_key = key.public_key();
  cert.role = role;
  cert.region = region;
  cert.name = "测试节点";
  cert.issued_hlc = MakeHlc(kHubWallMs, 0);
  cert.serial = RandomSerial();
  auto body = SignCertificate(cert, root);
  REQUIRE(body.ok());
  return *body;
}

// Opens (or reopens) a replica at `path` enrolled as `key` with `role` and `region`.
inline std::unique_ptr<Replica> OpenEnrolled(const std::filesystem::path& path,
                                             const SecretKey& root, const SecretKey& key, Role role,
                                             const std::string& region,
                                             std::shared_ptr<int64_t> clock) {
  auto replica =
      Replica::Open(path, ReplicaOptions{true, kDefaultBusyTimeoutMs, [clock] { return *clock; }});
  REQUIRE(replica.ok());
  auto owned = std::make_unique<Replica>(std::move(*replica));
  if (!owned->Identity().ok()) {
    NodeIdentity identity{key.node_id(), role, region, HubCertificate(root, key, role, region),
                          root.public_key()};
    REQUIRE(owned->SetIdentity(identity).ok());
  }
  return owned;
}

struct HubFixture {
  TempDir dir;
  SecretKey root = SecretKey::Generate();
  SecretKey hub_key = SecretKey::Generate();
  SecretKey village_key = SecretKey::Generate();
  std::shared_ptr<int64_t> clock = std::make_shared<int64_t>(kHubWallMs);
  std::unique_ptr<Replica> replica;
  std::unique_ptr<HubLog> log;
  uint64_t village_seq = 0;
  Hash256 village_prev{};

  HubFixture() { Reopen(); }

  std::filesystem::path path() const { return dir.path() / "replica.db"; }
  sqlite3* db() const { return replica->db(); }
  std::string origin() const { return CountyLogOrigin(kHubCounty); }

  // Closes the log and the database and opens both again, as a restarted hub does.
  void Reopen() {
    log.reset();
    replica.reset();
    replica = OpenEnrolled(path(), root, hub_key, Role::kCounty, kHubCounty, clock);
    auto opened = HubLog::Open(*replica, hub_key, origin());
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    log = std::make_unique<HubLog>(std::move(*opened));
  }

  // The village's next envelope, sealed but not stored anywhere.
  Envelope NextEnvelope() {
    EnvelopeFields fields;
    fields.origin = village_key.node_id();
    fields.seq = ++village_seq;
    fields.prev = village_prev;
    fields.hlc = MakeHlc(kHubWallMs, static_cast<uint32_t>(village_seq));
    fields.region = kHubVillage;
    fields.payload_size = 8;
    fields.payload = AsBytesCopy("payload " + std::to_string(village_seq));
    auto sealed = SealEnvelope(fields, village_key);
    REQUIRE(sealed.ok());
    auto envelope = DecodeEnvelope(std::move(*sealed));
    REQUIRE(envelope.ok());
    village_prev = envelope->id();
    return std::move(*envelope);
  }

  // Stores the village's next envelope in the journal (not in the log) and returns its id.
  Hash256 JournalNext() {
    const Envelope envelope = NextEnvelope();
    REQUIRE(InsertJournal(db(), envelope, *clock, "test", kJournalApplied).ok());
    return envelope.id();
  }

  // Journals and logs `n` envelopes, mirroring each leaf in `tree`; returns their ids.
  std::vector<Hash256> AppendMany(int n, MerkleTree* tree) {
    std::vector<Hash256> ids;
    for (int i = 0; i < n; ++i) {
      const Hash256 id = JournalNext();
      auto appended = log->Append(id, ++*clock);
      REQUIRE(appended.ok());
      REQUIRE(appended->appended);
      REQUIRE(appended->entry.index == tree->size());
      tree->Append(EnvelopeLeafHash(id));
      ids.push_back(id);
    }
    return ids;
  }

  static Bytes AsBytesCopy(std::string_view text) {
    ByteView view = AsBytes(text);
    return Bytes(view.begin(), view.end());
  }
};

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_HUB_LOG_FIXTURE_H_
