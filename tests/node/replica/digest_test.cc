#include "node/replica/digest.h"

#include <doctest/doctest.h>

#include "node/replica/sql.h"
#include "node/replica/table_info.h"
#include "node/replica_fixture.h"

namespace gongkai {
namespace {

using testing::InsertVersion;
using testing::kCounty;
using testing::kSiblingVillage;
using testing::kTownship;
using testing::kVillage;
using testing::TempDir;

TEST_CASE("digest pins the encoding: an empty replica") {
  TempDir dir;
  auto replica = Replica::Open(dir.path() / "r.db");
  REQUIRE(replica.ok());
  auto digest = RegionDigest(*replica, kCounty);
  REQUIRE(digest.ok());
  // Recomputed by hand from the format: per table 'T', name, columns, then 'E' and 0 rows.
  Sha256Stream expected;
  for (std::string_view table : {"certificate", "revocation", "disclosure_version",
                                 "disclosure_item", "review", "withdrawal", "posting"}) {
    auto info = ReadTableInfo(replica->db(), table);
    REQUIRE(info.ok());
    ByteWriter w;
    w.U8('T');
    w.U32(static_cast<uint32_t>(table.size()));
    w.Raw(table);
    w.U32(static_cast<uint32_t>(info->columns.size()));
    for (const std::string& column : info->columns) {
      w.U32(static_cast<uint32_t>(column.size()));
      w.Raw(column);
    }
    w.U8('E');
    w.U64(0);
    expected.Update(w.bytes());
  }
  CHECK(*digest == expected.Finish());
}

TEST_CASE("digest: a table a later schema version added counts only where it holds rows") {
  TempDir dir;
  auto replica = Replica::Open(dir.path() / "r.db");
  REQUIRE(replica.ok());
  auto county_before = RegionDigest(*replica, kCounty);
  auto village_before = RegionDigest(*replica, kVillage);
  REQUIRE(county_before.ok());
  REQUIRE(village_before.ok());
  REQUIRE(ExecSql(replica->db(),
                  "INSERT INTO county_setting VALUES ('s1', 'finance.deadline_day', 20, '" +
                      std::string(32, '3') + "', 1, '" + kCounty + "')")
              .ok());
  auto county_after = RegionDigest(*replica, kCounty);
  auto village_after = RegionDigest(*replica, kVillage);
  REQUIRE(county_after.ok());
  REQUIRE(village_after.ok());
  CHECK(*county_after != *county_before);
  CHECK(*village_after == *village_before);
  // Before the row, the county's digest was that of the seven version-1 tables alone.
  const std::string_view seven[] = {"certificate",     "revocation", "disclosure_version",
                                    "disclosure_item", "review",     "withdrawal",
                                    "posting"};
  auto without = TablesDigest(replica->db(), seven, kCounty);
  REQUIRE(without.ok());
  CHECK(*without == *county_before);
}

TEST_CASE("digest: equal for the same facts, different when any row differs") {
  TempDir dir;
  auto a = Replica::Open(dir.path() / "a.db");
  auto b = Replica::Open(dir.path() / "b.db");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CaptureStamp stamp{"0123456789abcdef0123456789abcdef", 99};
  // Inserted in different orders: the digest follows key order, not insertion order.
  REQUIRE(InsertVersion(a->db(), stamp, kVillage, "v1", "一").ok());
  REQUIRE(InsertVersion(a->db(), stamp, kVillage, "v2", "二").ok());
  REQUIRE(InsertVersion(b->db(), stamp, kVillage, "v2", "二").ok());
  REQUIRE(InsertVersion(b->db(), stamp, kVillage, "v1", "一").ok());
  auto da = RegionDigest(*a, kCounty);
  auto db = RegionDigest(*b, kCounty);
  REQUIRE(da.ok());
  REQUIRE(db.ok());
  CHECK(*da == *db);

  SUBCASE("one more row in a sibling village changes the county and not the village") {
    REQUIRE(InsertVersion(b->db(), stamp, kSiblingVillage, "s1", "三").ok());
    CHECK(*RegionDigest(*a, kCounty) != *RegionDigest(*b, kCounty));
    CHECK(*RegionDigest(*a, kTownship) != *RegionDigest(*b, kTownship));
    CHECK(*RegionDigest(*a, kVillage) == *RegionDigest(*b, kVillage));
  }
  SUBCASE("one column differs") {
    TempDir other;
    auto c = Replica::Open(other.path() / "c.db");
    REQUIRE(c.ok());
    REQUIRE(InsertVersion(c->db(), stamp, kVillage, "v1", "一").ok());
    REQUIRE(InsertVersion(c->db(), stamp, kVillage, "v2", "二!").ok());
    CHECK(*RegionDigest(*c, kVillage) != *da);
  }
  SUBCASE("text and blob of the same bytes differ") {
    REQUIRE(ExecSql(a->db(),
                    "CREATE TABLE t(k TEXT PRIMARY KEY, v ANY, region TEXT) STRICT;"
                    "INSERT INTO t VALUES('1', 'ab', '511304')")
                .ok());
    REQUIRE(ExecSql(b->db(),
                    "CREATE TABLE t(k TEXT PRIMARY KEY, v ANY, region TEXT) STRICT;"
                    "INSERT INTO t VALUES('1', x'6162', '511304')")
                .ok());
    std::string_view tables[] = {"t"};
    auto ta = TablesDigest(a->db(), tables, kCounty);
    auto tb = TablesDigest(b->db(), tables, kCounty);
    REQUIRE(ta.ok());
    REQUIRE(tb.ok());
    CHECK(*ta != *tb);
  }
}

TEST_CASE("digest refuses an invalid region") {
  TempDir dir;
  auto a = Replica::Open(dir.path() / "a.db");
  REQUIRE(a.ok());
  auto refused = RegionDigest(*a, "5113");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == kErrDigestRegion);
}

}  // namespace
}  // namespace gongkai
