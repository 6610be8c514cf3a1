// Revocation by the hub's log position (hub/log/revocation_position.h).
#include "hub/log/revocation_position.h"

#include <doctest/doctest.h>

#include "tests/hub/security_fixture.h"

namespace gongkai::testing {
namespace {

TEST_CASE("revocation is judged by log position, not by when the maker says it signed") {
  SecureHub s;
  REQUIRE(s.PushOne(s.village.key, s.village.Next("v1")).outcome == "applied");
  sqlite3* db = s.hub.county.replica().db();
  CHECK(JudgeByLogPosition(db, s.village.key.node_id(), 0).ok());
  s.RevokeUnlogged(s.village, RevocationReason::kRetired);
  // Written by the office while the hub serves: held, not yet logged, already in force.
  Result<std::vector<RevocationPosition>> unlogged = RevocationsOf(db, s.village.key.node_id());
  REQUIRE(unlogged.ok());
  REQUIRE(unlogged->size() == 1);
  CHECK_FALSE((*unlogged)[0].log_index.has_value());
  CHECK(JudgeByLogPosition(db, s.village.key.node_id(), 0).code() == kErrHubRevokedRetired);
  // Once logged (any push logs it first), positions up to its index are before it.
  REQUIRE(s.PushOne(s.sibling.key, s.sibling.Next("s1")).outcome == "applied");
  Result<std::vector<RevocationPosition>> logged = RevocationsOf(db, s.village.key.node_id());
  REQUIRE(logged.ok());
  REQUIRE((*logged)[0].log_index.has_value());
  const uint64_t at = *(*logged)[0].log_index;
  CHECK(JudgeByLogPosition(db, s.village.key.node_id(), at).ok());
  CHECK(JudgeByLogPosition(db, s.village.key.node_id(), at + 1).code() == kErrHubRevokedRetired);
  CHECK(JudgeByLogPosition(db, s.sibling.key.node_id(), at + 1).ok());
  // An envelope with an HLC far in the past is refused all the same.
  Maker& v = s.village;
  Result<Bytes> backdated =
      BuildEnvelope(2, Sha256(v.signed_envelopes.back()), MakeHlc(1000, 0), kSecVillage,
                    VersionChangeset("old", v.id(), kSecVillage), v.key);
  REQUIRE(backdated.ok());
  PushResult refused = s.PushOne(s.sibling.key, *backdated);
  CHECK(refused.outcome == "refused");
  CHECK(refused.code == kErrHubRevokedRetired);
}

TEST_CASE("a key never revoked has no positions and an empty review") {
  SecureHub s;
  REQUIRE(s.PushOne(s.village.key, s.village.Next("v1")).outcome == "applied");
  sqlite3* db = s.hub.county.replica().db();
  Result<std::vector<RevocationPosition>> positions = RevocationsOf(db, s.village.key.node_id());
  REQUIRE(positions.ok());
  CHECK(positions->empty());
  Result<RevocationReview> review = ReviewRevoked(db, s.village.key.node_id());
  REQUIRE(review.ok());
  CHECK_FALSE(review->revoked_at.has_value());
  CHECK(review->receipted.size() == 1);
  CHECK(review->refused_ids.empty());
}

}  // namespace
}  // namespace gongkai::testing
