#include "node/exchange/proof_check.h"

#include <doctest/doctest.h>

#include <string>

#include "node/exchange/hub_sync.h"
#include "protocol/merkle.h"
#include "protocol/receipt.h"
#include "tests/node/replica_fixture.h"

namespace gongkai::testing {
namespace {

constexpr char kOrigin[] = "gongkai/county/511304";

// A log of three entries whose first is the county's certificates envelope, signed by `key`.
struct SmallLog {
  MerkleTree tree;
  std::vector<Hash256> ids;

  explicit SmallLog(const TestCounty& c) {
    ids = {Sha256(c.certificates_envelope), Sha256(AsBytes("other 1")), Sha256(AsBytes("other 2"))};
    for (const Hash256& id : ids) tree.Append(EnvelopeLeafHash(id));
  }

  std::string Note(const SecretKey& key, const Hash256& root) const {
    Result<std::string> note = SignCheckpoint(Checkpoint{kOrigin, 3, root, {}}, kOrigin, key);
    REQUIRE(note.ok());
    return *note;
  }

  std::string Proof(uint64_t index, const SecretKey& key) const {
    return FormatProofFile(InclusionProofFile{ids[index], index, 3, *tree.InclusionProof(index, 3),
                                              Note(key, tree.CurrentRoot())});
  }
};

TEST_CASE("a proof signed by the node's own county hub is accepted, with what the node holds") {
  TestCounty c;
  SmallLog log(c);
  Result<ProofCheck> held = CheckProofFile(*c.village->replica, log.Proof(0, c.county->key));
  INFO(held.status().ToString());
  REQUIRE(held.ok());
  CHECK(held->in_journal);
  CHECK(!held->has_receipt);
  CHECK(!held->has_stored);
  CHECK(held->origin == kOrigin);
  CHECK(held->checkpoint.size == 3);

  Result<ProofCheck> other = CheckProofFile(*c.village->replica, log.Proof(2, c.county->key));
  REQUIRE(other.ok());
  CHECK(!other->in_journal);
}

TEST_CASE("a proof signed by another key, or altered, is refused") {
  TestCounty c;
  SmallLog log(c);
  const SecretKey stranger = SecretKey::Generate();
  CHECK(CheckProofFile(*c.village->replica, log.Proof(1, stranger))
            .status()
            .code()
            .starts_with("note."));
  std::string text = log.Proof(1, c.county->key);
  text.replace(text.find("index 1"), 7, "index 2");
  CHECK(CheckProofFile(*c.village->replica, text).status().code().starts_with("merkle."));
  CHECK(CheckProofFile(*c.village->replica, "not a proof\n").status().code() == kErrProofFileMagic);
}

TEST_CASE("a node without its county hub's certificate cannot check") {
  TempDir dir;
  const SecretKey root = SecretKey::Generate();
  std::unique_ptr<TestNode> lonely = MakeNode(dir, "lonely", root, Role::kVillage, kVillage);
  TestCounty c;
  SmallLog log(c);
  CHECK(CheckProofFile(*lonely->replica, log.Proof(0, c.county->key)).status().code() ==
        kErrProofCheckNoHub);
}

TEST_CASE("a checkpoint of the stored size with another root is flagged") {
  TestCounty c;
  SmallLog log(c);
  Hash256 other_root = log.tree.CurrentRoot();
  other_root[0] ^= 1;
  const std::string stored = log.Note(c.county->key, other_root);
  REQUIRE(c.village->replica->PutSetting(kSettingHubCheckpoint, AsBytes(stored)).ok());
  Result<ProofCheck> check = CheckProofFile(*c.village->replica, log.Proof(0, c.county->key));
  REQUIRE(check.ok());
  CHECK(check->has_stored);
  CHECK(check->stored_size == 3);
  CHECK(check->contradicts_stored);
}

}  // namespace
}  // namespace gongkai::testing
