#include "hub/county/county_rows.h"

#include <doctest/doctest.h>

#include "hub/county_fixture.h"
#include "protocol/sha256.h"

namespace gongkai {
namespace {

using testing::HubHome;

TEST_CASE("certificate rows: found by id, and by prefix with no wildcards") {
  HubHome hub;
  sqlite3* db = hub.county.replica().db();
  const std::string hub_id = NodeIdHex(hub.county.hub_key().node_id());

  Result<std::optional<CertificateRow>> row = FindCertificateRow(db, hub_id);
  REQUIRE(row.ok());
  REQUIRE(row->has_value());
  CHECK((*row)->node_id == hub_id);
  CHECK((*row)->role == "county");
  CHECK((*row)->subject_region == testing::kCountyCode);
  CHECK((*row)->name == testing::kCountyName);
  CHECK((*row)->body == hub.county.hub_certificate());
  CHECK_FALSE(FindCertificateRow(db, std::string(32, '0'))->has_value());

  CHECK(*NodeIdsWithPrefix(db, hub_id.substr(0, 6), 5) == std::vector<std::string>{hub_id});
  CHECK(*NodeIdsWithPrefix(db, hub_id, 5) == std::vector<std::string>{hub_id});
  // LIKE would take these as wildcards; substr compares them as they are.
  CHECK(NodeIdsWithPrefix(db, "%", 5)->empty());
  CHECK(NodeIdsWithPrefix(db, hub_id.substr(0, 5) + "_", 5)->empty());
  CHECK(NodeIdsWithPrefix(db, "", 0)->empty());
}

TEST_CASE("revocation rows: id is the body's hash, reasons read back") {
  HubHome hub;
  SecretKey node = SecretKey::Generate();
  REQUIRE(EnrollFromRequest(hub.county, testing::kPassphrase,
                            testing::RequestOf(node, "511304100201", "村"), Role::kVillage)
              .ok());
  sqlite3* db = hub.county.replica().db();
  const std::string id = NodeIdHex(node.node_id());
  CHECK(RevocationReasons(db, id)->empty());
  Result<Revocation> revoked =
      Revoke(hub.county, testing::kPassphrase, id, RevocationReason::kRetired);
  REQUIRE(revoked.ok());
  CHECK(*RevocationReasons(db, id) == std::vector<std::string>{"retired"});
  auto stmt = Statement::Prepare(db, "SELECT revocation_id, body FROM revocation");
  REQUIRE(stmt.ok());
  REQUIRE(*stmt->Step());
  CHECK(stmt->ColumnText(0) == HashHex(Sha256(stmt->ColumnBlob(1))));
  Result<Revocation> opened = OpenRevocation(stmt->ColumnBlob(1), hub.county.root_public_key());
  REQUIRE(opened.ok());
  CHECK(opened->subject == node.node_id());
}

}  // namespace
}  // namespace gongkai
