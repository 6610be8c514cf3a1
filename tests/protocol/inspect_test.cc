#include "protocol/inspect.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "changeset_fixture.h"

namespace gongkai {
namespace {

using namespace testing;  // NOLINT: test fixtures

const Signer kVillageSigner{kVillageId, Role::kVillage, kVillage};
const Signer kTownshipSigner{kTownshipId, Role::kTownship, kTownship};
const Signer kCountySigner{kCountyId, Role::kCounty, kCounty};
const Signer kAuditorSigner{"44444444444444444444444444444444", Role::kAuditor, kCounty};

Status Inspect(ByteView changeset, const Signer& signer, std::string_view region,
               InspectionSummary* out = nullptr) {
  return InspectChangeset(changeset, signer, region, out);
}

// A changeset of `sql` run on a fresh source replica whose schema is `schema`.
Bytes ChangesetOf(const std::string& sql, const std::string& schema = SyncedSchemaSql()) {
  SourceDb source(schema);
  source.Run(sql);
  return source.Changeset();
}

Bytes VillageChangeset() {
  return ChangesetOf(
      InsertVersion("v1", kVillageId, kVillage) + InsertItem("v1", 1, kVillageId, kVillage) +
      InsertItem("v1", 2, kVillageId, kVillage) +
      InsertReview("r1", "supervision", kVillageId, kVillage) +
      InsertWithdrawal("w1", kVillageId, kVillage) + InsertPosting("p1", kVillageId, kVillage));
}

TEST_CASE("a village's own rows pass, with a summary per table") {
  InspectionSummary summary;
  summary.changes = 99;
  REQUIRE(Inspect(VillageChangeset(), kVillageSigner, kVillage, &summary).ok());
  CHECK(summary.changes == 6);
  CHECK(summary.rows_per_table.size() == 5);
  CHECK(summary.rows_per_table["disclosure_version"] == 1);
  CHECK(summary.rows_per_table["disclosure_item"] == 2);
  CHECK(summary.rows_per_table["review"] == 1);
  CHECK(summary.rows_per_table["withdrawal"] == 1);
  CHECK(summary.rows_per_table["posting"] == 1);
  CHECK(Inspect(VillageChangeset(), kVillageSigner, kVillage).ok());  // out may be null
}

TEST_CASE("a township's reviews of its villages and its own rows pass") {
  const Bytes for_village = ChangesetOf(InsertReview("r1", "township", kTownshipId, kVillage) +
                                        InsertReview("r2", "township", kTownshipId, kVillage));
  CHECK(Inspect(for_village, kTownshipSigner, kVillage).ok());
  const Bytes sibling = ChangesetOf(InsertReview("r3", "township", kTownshipId, kSiblingVillage));
  CHECK(Inspect(sibling, kTownshipSigner, kSiblingVillage).ok());
  const Bytes own = ChangesetOf(InsertVersion("v9", kTownshipId, kTownship) +
                                InsertItem("v9", 1, kTownshipId, kTownship) +
                                InsertReview("r4", "township", kTownshipId, kTownship));
  CHECK(Inspect(own, kTownshipSigner, kTownship).ok());
}

TEST_CASE("the county's certificates, revocations and disclosures pass") {
  const Bytes county = ChangesetOf(
      InsertCertificate("n1", kCountyId, kCounty) + InsertRevocation("x1", kCountyId, kCounty) +
      InsertVersion("v1", kCountyId, kCounty) + InsertPosting("p1", kCountyId, kCounty));
  InspectionSummary summary;
  CHECK(Inspect(county, kCountySigner, kCounty, &summary).ok());
  CHECK(summary.changes == 4);
  CHECK(summary.rows_per_table["certificate"] == 1);
}

TEST_CASE("UPDATE and DELETE inside a changeset are refused") {
  const std::string schema = LooseTablesSql() + InsertPosting("p1", kVillageId, kVillage) +
                             InsertItem("v1", 3, kVillageId, kVillage);
  const Bytes update = ChangesetOf("UPDATE posting SET copies = 2", schema);
  Status s = Inspect(update, kVillageSigner, kVillage);
  CHECK(s.code() == kErrInspectUpdate);
  CHECK(s.message() == "change 1: posting row ('p1'): is an UPDATE; synced rows are never updated");
  const Bytes del = ChangesetOf("DELETE FROM disclosure_item", schema);
  s = Inspect(del, kVillageSigner, kVillage);
  CHECK(s.code() == kErrInspectDelete);
  CHECK(s.message() ==
        "change 1: disclosure_item row ('v1',3): is a DELETE; synced rows are never deleted");
  // An insert among them does not hide the update.
  const Bytes mixed = ChangesetOf(InsertPosting("p2", kVillageId, kVillage) +
                                      "UPDATE posting SET copies = 3 "
                                      "WHERE posting_id = 'p1';",
                                  schema);
  CHECK(Inspect(mixed, kVillageSigner, kVillage).code() == kErrInspectUpdate);
}

TEST_CASE("a row whose origin is not the signer is refused, and the message says where") {
  const Bytes forged = ChangesetOf(InsertItem("v1", 3, kTownshipId, kVillage));
  const Status s = Inspect(forged, kVillageSigner, kVillage);
  CHECK(s.code() == kErrInspectOrigin);
  CHECK(s.kind() == StatusKind::kDenied);
  CHECK(s.message() ==
        "change 1: disclosure_item row ('v1',3) column origin: '2222222222222222…' is not the "
        "signer '1111111111111111…'");
}

TEST_CASE("regions: the envelope's one region, inside the signer's scope") {
  const Bytes own = ChangesetOf(InsertPosting("p1", kVillageId, kVillage));
  CHECK(Inspect(own, kVillageSigner, kSiblingVillage).code() == kErrInspectRegionMismatch);
  CHECK(Inspect(own, kVillageSigner, kVillage).ok());
  // Rows of two regions in one changeset: the second does not match the envelope.
  const Bytes two = ChangesetOf(InsertReview("r1", "township", kTownshipId, kVillage) +
                                InsertReview("r2", "township", kTownshipId, kSiblingVillage));
  CHECK(Inspect(two, kTownshipSigner, kVillage).code() == kErrInspectRegionMismatch);
  // A village writing for its sibling village.
  const Bytes sibling = ChangesetOf(InsertPosting("p1", kVillageId, kSiblingVillage));
  Status s = Inspect(sibling, kVillageSigner, kSiblingVillage);
  CHECK(s.code() == kErrInspectScope);
  CHECK(s.kind() == StatusKind::kDenied);
  CHECK(s.message().find("posting row ('p1') column region") != std::string::npos);
  // A village writing its township's or the county's rows.
  const Bytes up = ChangesetOf(InsertPosting("p1", kVillageId, kTownship));
  CHECK(Inspect(up, kVillageSigner, kTownship).code() == kErrInspectScope);
  // A township reviewing another township's village.
  const Bytes other = ChangesetOf(InsertReview("r1", "township", kTownshipId, kOtherVillage));
  CHECK(Inspect(other, kTownshipSigner, kOtherVillage).code() == kErrInspectScope);
  // A township writing a disclosure for one of its villages.
  const Bytes down = ChangesetOf(InsertVersion("v1", kTownshipId, kVillage));
  CHECK(Inspect(down, kTownshipSigner, kVillage).code() == kErrInspectScope);
  // The county writing into a village.
  const Bytes county_down = ChangesetOf(InsertPosting("p1", kCountyId, kVillage));
  CHECK(Inspect(county_down, kCountySigner, kVillage).code() == kErrInspectScope);
}

TEST_CASE("roles: an auditor writes nothing, villages no certificates, counties no reviews") {
  const Bytes posting = ChangesetOf(InsertPosting("p1", kAuditorSigner.node_id, kCounty));
  Status s = Inspect(posting, kAuditorSigner, kCounty);
  CHECK(s.code() == kErrInspectRole);
  CHECK(s.message() == "change 1: posting row ('p1'): an auditor may not write posting rows");
  const Bytes cert = ChangesetOf(InsertCertificate("n1", kVillageId, kVillage));
  CHECK(Inspect(cert, kVillageSigner, kVillage).code() == kErrInspectRole);
  const Bytes revocation = ChangesetOf(InsertRevocation("x1", kTownshipId, kTownship));
  CHECK(Inspect(revocation, kTownshipSigner, kTownship).code() == kErrInspectRole);
  const Bytes review = ChangesetOf(InsertReview("r1", "township", kCountyId, kCounty));
  CHECK(Inspect(review, kCountySigner, kCounty).code() == kErrInspectRole);
}

TEST_CASE("the review stage follows the role") {
  const Bytes village_as_township =
      ChangesetOf(InsertReview("r1", "township", kVillageId, kVillage));
  Status s = Inspect(village_as_township, kVillageSigner, kVillage);
  CHECK(s.code() == kErrInspectStage);
  CHECK(s.message().find("review row ('r1') column stage") != std::string::npos);
  const Bytes township_as_village =
      ChangesetOf(InsertReview("r1", "supervision", kTownshipId, kVillage));
  CHECK(Inspect(township_as_village, kTownshipSigner, kVillage).code() == kErrInspectStage);
}

TEST_CASE("a table that is not synced is refused") {
  const Bytes drafts = ChangesetOf(
      "INSERT INTO drafts VALUES ('d1', 'x');",
      SyncedSchemaSql() + "CREATE TABLE drafts (draft_id TEXT PRIMARY KEY, body TEXT);");
  const Status s = Inspect(drafts, kVillageSigner, kVillage);
  CHECK(s.code() == kErrInspectUnknownTable);
  CHECK(s.message() == "change 1: drafts row ('d1'): 'drafts' is not a synced table");
}

TEST_CASE("column count and primary key must match the schema") {
  const std::string tail = "origin TEXT, hlc INTEGER, region TEXT";
  const std::string wider = LooseTablesSql({"posting"}) +
                            "CREATE TABLE posting (posting_id TEXT PRIMARY KEY, "
                            "version_id TEXT, disclosure_id TEXT, posted_by TEXT, "
                            "copies INTEGER, " +
                            tail + ", extra TEXT);";
  Bytes bytes = ChangesetOf("INSERT INTO posting VALUES ('p1', 'v1', 'd1', '', 1, '" +
                                std::string(kVillageId) + "', 1, '" + kVillage + "', 'x');",
                            wider);
  Status s = Inspect(bytes, kVillageSigner, kVillage);
  CHECK(s.code() == kErrInspectColumnCount);
  CHECK(s.message() == "change 1: posting row ('p1'): has 9 columns, the schema has 8");

  const std::string narrower = LooseTablesSql({"posting"}) +
                               "CREATE TABLE posting (posting_id TEXT PRIMARY KEY, "
                               "version_id TEXT, disclosure_id TEXT, posted_by TEXT, " +
                               tail + ");";
  bytes = ChangesetOf("INSERT INTO posting VALUES ('p1', 'v1', 'd1', '', '" +
                          std::string(kVillageId) + "', 1, '" + kVillage + "');",
                      narrower);
  CHECK(Inspect(bytes, kVillageSigner, kVillage).code() == kErrInspectColumnCount);

  const std::string other_key = LooseTablesSql({"posting"}) +
                                "CREATE TABLE posting (posting_id TEXT, version_id TEXT, "
                                "disclosure_id TEXT, posted_by TEXT, copies INTEGER, " +
                                tail + ", PRIMARY KEY (posting_id, version_id));";
  bytes = ChangesetOf(InsertPosting("p1", kVillageId, kVillage), other_key);
  s = Inspect(bytes, kVillageSigner, kVillage);
  CHECK(s.code() == kErrInspectPrimaryKey);
  CHECK(s.message().find("column version_id") != std::string::npos);

  const std::string key_moved =
      LooseTablesSql({"disclosure_item"}) +
      "CREATE TABLE disclosure_item (version_id TEXT, line_no INTEGER, data TEXT, " + tail +
      ", PRIMARY KEY (version_id));";
  bytes = ChangesetOf(InsertItem("v1", 1, kVillageId, kVillage), key_moved);
  CHECK(Inspect(bytes, kVillageSigner, kVillage).code() == kErrInspectPrimaryKey);
}

// A posting table without types or constraints, so that any value can be put in.
const std::string kUntypedPosting =
    LooseTablesSql({"posting"}) +
    "CREATE TABLE posting (posting_id PRIMARY KEY, version_id, disclosure_id, posted_by, "
    "copies, origin, hlc, region);";

std::string PostingWith(const std::string& copies, const std::string& posted_by = "''",
                        const std::string& hlc = "1") {
  return "INSERT INTO posting VALUES ('p1', 'v1', 'd1', " + posted_by + ", " + copies + ", '" +
         std::string(kVillageId) + "', " + hlc + ", '" + kVillage + "');";
}

TEST_CASE("values must have the column's type, never NULL, text in UTF-8") {
  auto code_of = [](const std::string& insert) {
    return Inspect(ChangesetOf(insert, kUntypedPosting), kVillageSigner, kVillage).code();
  };
  CHECK(code_of(PostingWith("1")) == "");
  CHECK(code_of(PostingWith("'two'")) == kErrInspectColumnType);
  CHECK(code_of(PostingWith("2.5")) == kErrInspectColumnType);
  CHECK(code_of(PostingWith("x'02'")) == kErrInspectColumnType);
  CHECK(code_of(PostingWith("NULL")) == kErrInspectColumnType);
  CHECK(code_of(PostingWith("1", "NULL")) == kErrInspectColumnType);
  CHECK(code_of(PostingWith("1", "7")) == kErrInspectColumnType);
  CHECK(code_of(PostingWith("1", "''", "'1'")) == kErrInspectColumnType);
  CHECK(code_of(PostingWith("1", "CAST(x'e5ad97' AS TEXT)")) == "");  // 字
  CHECK(code_of(PostingWith("1", "CAST(x'e5ad' AS TEXT)")) == kErrInspectTextEncoding);
  CHECK(code_of(PostingWith("1", "CAST(x'410042' AS TEXT)")) == kErrInspectTextEncoding);
  const Status s =
      Inspect(ChangesetOf(PostingWith("'two'"), kUntypedPosting), kVillageSigner, kVillage);
  CHECK(s.message() ==
        "change 1: posting row ('p1') column copies: TEXT 'two' where the schema has INTEGER "
        "NOT NULL");
  const Status n =
      Inspect(ChangesetOf(PostingWith("NULL"), kUntypedPosting), kVillageSigner, kVillage);
  CHECK(n.message().find("column copies: NULL NULL") != std::string::npos);
}

TEST_CASE("enumerated columns hold one of their values") {
  const std::string loose_review =
      LooseTablesSql({"review"}) +
      "CREATE TABLE review (review_id TEXT PRIMARY KEY, version_id TEXT, disclosure_id TEXT, "
      "stage TEXT, decision TEXT, comment TEXT, reviewer TEXT, origin TEXT, hlc INTEGER, "
      "region TEXT);";
  Bytes bytes = ChangesetOf(InsertReview("r1", "county", kVillageId, kVillage), loose_review);
  Status s = Inspect(bytes, kVillageSigner, kVillage);
  CHECK(s.code() == kErrInspectValue);
  CHECK(s.message() ==
        "change 1: review row ('r1') column stage: 'county' is not an allowed value");
  bytes = ChangesetOf(
      "INSERT INTO review VALUES ('r1', 'v1', 'd1', 'supervision', 'APPROVE', '', '', '" +
          std::string(kVillageId) + "', 1, '" + kVillage + "');",
      loose_review);
  CHECK(Inspect(bytes, kVillageSigner, kVillage).code() == kErrInspectValue);
}

TEST_CASE("empty, garbage and truncated changesets") {
  CHECK(Inspect(Bytes{}, kVillageSigner, kVillage).code() == kErrInspectEmpty);
  SourceDb nothing;
  CHECK(Inspect(nothing.Changeset(), kVillageSigner, kVillage).code() == kErrInspectEmpty);

  for (const Bytes& garbage :
       {Bytes{0xff}, Bytes{0x00, 0x01, 0x02}, Bytes(100, 0xff), Bytes{'T'}, Bytes{'T', 0x05, 0x01},
        Bytes(64, 'T'), Bytes{'P', 0x01, 0x01, 0x00, 0x12}}) {
    CAPTURE(HexEncode(garbage));
    const Status s = Inspect(garbage, kVillageSigner, kVillage);
    CHECK_FALSE(s.ok());
    CHECK(s.code() == kErrInspectCorrupt);
  }

  const Bytes full = VillageChangeset();
  size_t corrupt = 0;
  for (size_t n = 1; n < full.size(); ++n) {
    CAPTURE(n);
    InspectionSummary summary;
    const Status s = Inspect(ByteView(full).first(n), kVillageSigner, kVillage, &summary);
    if (s.ok()) {
      // A cut at a record boundary is itself a well-formed, shorter changeset: the envelope's
      // signature, not inspection, is what notices it.
      CHECK(summary.changes < 6);
    } else {
      CHECK((s.code() == kErrInspectCorrupt || s.code() == kErrInspectEmpty));
      if (s.code() == kErrInspectCorrupt) ++corrupt;
    }
  }
  CHECK(corrupt > full.size() / 2);
}

TEST_CASE("limits: changes per changeset, bytes per changeset") {
  auto items = [](size_t n) {
    return "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < " +
           std::to_string(n) + ") INSERT INTO disclosure_item SELECT 'v1', i, '{}', '" +
           std::string(kVillageId) + "', 1, '" + kVillage + "' FROM k;";
  };
  InspectionSummary summary;
  CHECK(Inspect(ChangesetOf(items(kMaxChangesPerChangeset)), kVillageSigner, kVillage, &summary)
            .ok());
  CHECK(summary.changes == kMaxChangesPerChangeset);
  const Status s =
      Inspect(ChangesetOf(items(kMaxChangesPerChangeset + 1)), kVillageSigner, kVillage);
  CHECK(s.code() == kErrInspectTooMany);
  CHECK(s.kind() == StatusKind::kTooLarge);

  const Bytes huge(kMaxChangesetSize + 1, 0);
  CHECK(Inspect(huge, kVillageSigner, kVillage).code() == kErrInspectTooLarge);
  // At the byte limit the bytes are read (and here found malformed), not refused for size.
  CHECK(Inspect(ByteView(huge).first(kMaxChangesetSize), kVillageSigner, kVillage).code() ==
        kErrInspectCorrupt);
}

TEST_CASE("a signer whose region does not fit its role is the caller's bug") {
  const Signer bad{kVillageId, Role::kVillage, kTownship};
  const Status s = Inspect(VillageChangeset(), bad, kVillage);
  CHECK(s.code() == kErrInspectSigner);
  CHECK(s.kind() == StatusKind::kInternal);
}

TEST_CASE("outside text in messages is shortened and escaped") {
  const std::string schema =
      SyncedSchemaSql() + "CREATE TABLE \"evil\x1b[2J\" (k TEXT PRIMARY KEY);";
  const Bytes bytes = ChangesetOf("INSERT INTO \"evil\x1b[2J\" VALUES ('a''\n');", schema);
  const Status s = Inspect(bytes, kVillageSigner, kVillage);
  CHECK(s.code() == kErrInspectUnknownTable);
  CHECK(s.message().find('\x1b') == std::string::npos);
  CHECK(s.message().find('\n') == std::string::npos);
  CHECK(s.message().find("evil\\x1b[2J") != std::string::npos);
  CHECK(s.message().find("('a\\x27\\x0a')") != std::string::npos);
}

// The seed corpus of tests/fuzz/inspect_fuzz.cc: changesets a village (the fuzz target's
// signer) really sends, and a few that it must not. Set GONGKAI_REGENERATE_CORPUS=1 to write
// them; otherwise this checks that the committed files still judge as expected.
TEST_CASE("the inspect fuzz corpus") {
  const std::string schema_loose = LooseTablesSql() + InsertPosting("p1", kVillageId, kVillage);
  const std::vector<std::pair<std::string, Bytes>> seeds = {
      {"village_all_tables", VillageChangeset()},
      {"village_items", ChangesetOf(InsertVersion("v2", kVillageId, kVillage, "subsidy") +
                                    InsertItem("v2", 1, kVillageId, kVillage) +
                                    InsertItem("v2", 2, kVillageId, kVillage) +
                                    InsertItem("v2", 3, kVillageId, kVillage))},
      {"village_review", ChangesetOf(InsertReview("r9", "supervision", kVillageId, kVillage))},
      {"refused_update", ChangesetOf("UPDATE posting SET copies = 2", schema_loose)},
      {"refused_origin", ChangesetOf(InsertPosting("p1", kTownshipId, kVillage))},
  };
  const std::filesystem::path dir =
      std::filesystem::path(GONGKAI_SOURCE_DIR) / "tests/fuzz/corpus/inspect";
  const bool regenerate = std::getenv("GONGKAI_REGENERATE_CORPUS") != nullptr;
  for (const auto& [name, bytes] : seeds) {
    CAPTURE(name);
    const std::filesystem::path file = dir / name;
    if (regenerate) {
      std::filesystem::create_directories(dir);
      std::ofstream(file, std::ios::binary)
          .write(reinterpret_cast<const char*>(bytes.data()),
                 static_cast<std::streamsize>(bytes.size()));
    }
    std::ifstream in(file, std::ios::binary);
    REQUIRE(in.good());
    const Bytes stored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const Status s = Inspect(stored, kVillageSigner, kVillage);
    CHECK(s.ok() == (name.rfind("village_", 0) == 0));
  }
}

}  // namespace
}  // namespace gongkai
