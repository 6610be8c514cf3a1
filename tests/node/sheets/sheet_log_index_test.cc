#include "node/sheets/sheet_log_index.h"

#include <doctest/doctest.h>

#include "node/sheets/disclosure_sheet.h"
#include "node/exchange/hub_sync.h"
#include "node/replica/provenance.h"
#include "node/sheets/sheet_verify.h"
#include "node/replica/sql.h"
#include "tests/node/disclosure_rows.h"
#include "tests/node/replica_fixture.h"

namespace gongkai {
namespace {

using testing::kVillage;
using testing::NewVersion;
using testing::VersionSpec;
using testing::WriteAndDeliver;

struct Village : testing::TestCounty {
  VersionSpec v = NewVersion("v1", "d1");
  Village() {
    testing::EnrolPlaceNames(*this, {village.get(), township.get()});
    WriteAndDeliver(*village,
                    [&](sqlite3* db, const CaptureStamp& s) {
                      return testing::InsertVersionRow(db, s, kVillage, v);
                    },
                    {township.get()});
  }
  sqlite3* db() { return village->replica->db(); }
  // Stores a hub receipt for the envelope that carried `v`, as hub_sync does after a push.
  void StoreReceipt(int64_t log_index) {
    REQUIRE(EnsureHubReceiptTable(db()).ok());
    Result<std::optional<std::string>> envelope =
        ProvenanceOf(db(), "disclosure_version", v.version_id);
    REQUIRE(envelope.ok());
    REQUIRE(envelope->has_value());
    REQUIRE(
        ExecSql(db(),
                "INSERT INTO hub_receipt(envelope_id, log_index, received_at, bytes, stored_at) "
                "VALUES('" +
                    **envelope + "', " + std::to_string(log_index) + ", 1, x'00', 1)")
            .ok());
  }
  std::string Printed(std::optional<uint64_t> log_index) {
    DisclosureSheetOptions options;
    options.hub_log_index = log_index;
    auto built = BuildSheetForVersion(*village->replica, v.version_id, options);
    REQUIRE(built.ok());
    return built->sheet.qr_payload;
  }
};

TEST_CASE("no receipt table, no receipt: no index") {
  Village c;
  Result<std::optional<uint64_t>> none = VersionLogIndex(c.db(), c.v.version_id);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  REQUIRE(EnsureHubReceiptTable(c.db()).ok());
  none = VersionLogIndex(c.db(), c.v.version_id);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  // A version this replica does not hold has no provenance either.
  none = VersionLogIndex(c.db(), std::string(32, 'a'));
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
}

TEST_CASE("the receipt's index, and verify-sheet compares a payload's index with it") {
  Village c;
  c.StoreReceipt(41);
  Result<std::optional<uint64_t>> index = VersionLogIndex(c.db(), c.v.version_id);
  REQUIRE(index.ok());
  CHECK(*index == std::optional<uint64_t>(41));

  Result<SheetVerification> same = VerifySheetPayload(*c.village->replica, c.Printed(41));
  REQUIRE(same.ok());
  CHECK(same->log_index_checked());
  CHECK(same->Summary().find("县级日志序号 41 与本机所存县级回执一致") != std::string::npos);

  Result<SheetVerification> without =
      VerifySheetPayload(*c.village->replica, c.Printed(std::nullopt));
  REQUIRE(without.ok());
  CHECK_FALSE(without->log_index_checked());
  CHECK(without->receipt_log_index == std::optional<uint64_t>(41));

  Result<SheetVerification> other = VerifySheetPayload(*c.village->replica, c.Printed(42));
  CHECK(other.status().code() == kErrSheetVerifyLogIndex);
  CHECK(other.status().kind() == StatusKind::kDenied);

  // The township holds no receipt for the village's envelope: reported, not checked.
  Result<SheetVerification> elsewhere = VerifySheetPayload(*c.township->replica, c.Printed(42));
  REQUIRE(elsewhere.ok());
  CHECK_FALSE(elsewhere->log_index_checked());
}

TEST_CASE("a negative stored index is refused") {
  Village c;
  c.StoreReceipt(-1);
  CHECK(VersionLogIndex(c.db(), c.v.version_id).status().code() == kErrSheetRow);
}

}  // namespace
}  // namespace gongkai
