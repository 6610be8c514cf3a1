// `gongkai-hub audit proof` and `gongkai verify-proof`, on the hub database of a real
// end-to-end run (audit_fixture.h): a valid proof is accepted by the village, an altered one
// and one made by another county's hub are refused.
#include "hub/audit/audit_proof.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "tests/hub/audit_fixture.h"
#include "hub/log/log.h"
#include "protocol/file_io.h"

namespace gongkai::testing {
namespace {

std::string ReadText(const std::filesystem::path& path) {
  Result<Bytes> bytes = ReadFileLimited(path.string(), kMaxProofFileSize);
  REQUIRE(bytes.ok());
  return std::string(AsChars(*bytes));
}

void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// The id of the first envelope of `region` in the hub's log.
std::string LoggedEnvelopeOf(const std::filesystem::path& db, const std::string& region) {
  return QueryText(db,
                   "SELECT e.envelope_id FROM log_entry e JOIN journal j USING(envelope_id)"
                   " WHERE j.region = '" +
                       region + "' ORDER BY e.idx LIMIT 1");
}

TEST_CASE("a village accepts the proof of its own envelope, offline") {
  AuditedCounty& county = Audited();
  const std::string id = LoggedEnvelopeOf(county.pristine, kAuditVillageA);
  const std::filesystem::path file = county.dir.path() / "proof-a.txt";
  CommandResult made = RunHub({"audit", "proof", "--home", county.hub_home.string(), "--envelope",
                               id.substr(0, 10), "--out", file.string()});
  INFO(made.out);
  REQUIRE(made.exit_code == 0);
  const std::string text = ReadText(file);
  CHECK(text.starts_with(std::string(kProofFileMagic) + "\nenvelope " + id + "\n"));

  CommandResult checked = RunGongkai(county.village_a, {"verify-proof", file.string(), "--json"});
  INFO(checked.out);
  CHECK(checked.exit_code == 0);
  Result<JsonValue> json = ParseJsonObject(checked.out);
  REQUIRE(json.ok());
  CHECK(*json->StringOr("envelope_id", "") == id);
  CHECK(json->Find("in_replica")->boolean());
  CHECK(json->Find("has_receipt")->boolean());
  CHECK(*json->StringOr("origin", "") == "gongkai/county/" + std::string(kCountyCode));

  // Village B trusts the same hub: the proof holds there too, for an envelope it lacks.
  CommandResult other = RunGongkai(county.village_b, {"verify-proof", file.string()});
  INFO(other.out);
  CHECK(other.exit_code == 0);
  CHECK(other.out.find("证明有效") != std::string::npos);
  CHECK(other.out.find("本机副本中没有这个信封") != std::string::npos);
}

TEST_CASE("an altered proof is refused") {
  AuditedCounty& county = Audited();
  const std::string id = LoggedEnvelopeOf(county.pristine, kAuditVillageA);
  Result<InclusionProofFile> proof = MakeEnvelopeProof(county.pristine, id);
  INFO(proof.status().ToString());
  REQUIRE(proof.ok());
  REQUIRE(!proof->path.empty());

  InclusionProofFile bad_path = *proof;
  bad_path.path[0][0] ^= 1;
  InclusionProofFile bad_index = *proof;
  bad_index.index = (proof->index + 1) % proof->tree_size;
  InclusionProofFile bad_id = *proof;
  bad_id.envelope_id[31] ^= 0x80;
  std::string bad_note = FormatProofFile(*proof);
  bad_note[bad_note.size() - 5] ^= 1;  // inside the checkpoint's signature line

  int n = 0;
  for (const std::string& text :
       {FormatProofFile(bad_path), FormatProofFile(bad_index), FormatProofFile(bad_id), bad_note}) {
    const std::filesystem::path file = county.dir.path() / ("bad-" + std::to_string(n++) + ".txt");
    WriteText(file, text);
    CommandResult checked = RunGongkai(county.village_a, {"verify-proof", file.string(), "--json"});
    INFO(checked.out);
    CHECK(checked.exit_code == 1);
    CHECK(checked.out.find("\"error\"") != std::string::npos);
  }
}

TEST_CASE("a proof signed by another county's hub is refused") {
  AuditedCounty& county = Audited();
  // Another county with the same code but its own root and hub key.
  const std::filesystem::path other_home = county.dir.path() / "other-hub";
  {
    Result<County> other =
        InitCounty(other_home, kCountyCode, kCountyName, kPassphrase, kKdfInteractive);
    REQUIRE(other.ok());
    Result<HubLog> log =
        HubLog::Open(other->replica(), other->hub_key(), CountyLogOrigin(kCountyCode));
    REQUIRE(log.ok());
    REQUIRE(log->AppendMissing().ok());
    REQUIRE(log->SignCheckpoint().ok());
  }
  const std::string id =
      QueryText(other_home / "replica.db", "SELECT envelope_id FROM log_entry WHERE idx = 0");
  const std::filesystem::path file = county.dir.path() / "proof-other.txt";
  CommandResult made = RunHub(
      {"audit", "proof", "--home", other_home.string(), "--envelope", id, "--out", file.string()});
  REQUIRE(made.exit_code == 0);
  CommandResult checked = RunGongkai(county.village_a, {"verify-proof", file.string(), "--json"});
  INFO(checked.out);
  CHECK(checked.exit_code == 1);
  CHECK(checked.out.find("note.") != std::string::npos);
}

TEST_CASE("audit proof refuses unknown, ambiguous and malformed envelope references") {
  AuditedCounty& county = Audited();
  CHECK(MakeEnvelopeProof(county.pristine, "xyz").status().code() == kErrProofEnvelopeRef);
  CHECK(MakeEnvelopeProof(county.pristine, "abcde").status().code() == kErrProofEnvelopeRef);
  CHECK(MakeEnvelopeProof(county.pristine, std::string(64, '0')).status().code() ==
        kErrProofUnknown);
  // Two logged ids sharing their first six digits.
  const std::filesystem::path twins = county.Copy("twins.db");
  Tamper(twins,
         "INSERT INTO log_entry(idx, envelope_id, leaf_hash, received_at) VALUES"
         " (1000, 'abcdef" +
             std::string(58, '0') +
             "', zeroblob(32), 0),"
             " (1001, 'abcdef" +
             std::string(57, '0') + "1', zeroblob(32), 0)");
  CHECK(MakeEnvelopeProof(twins, "abcdef").status().code() == kErrProofAmbiguous);

  // An entry newer than the latest checkpoint: log one more envelope without signing.
  const std::filesystem::path db = county.Copy("uncovered.db");
  const std::string last = QueryText(db, "SELECT max(size) FROM log_checkpoint");
  Tamper(db, "DELETE FROM log_checkpoint WHERE size = " + last);
  const std::string newest = QueryText(
      db, "SELECT envelope_id FROM log_entry WHERE idx = " + std::to_string(std::stoll(last) - 1));
  CHECK(MakeEnvelopeProof(db, newest).status().code() == kErrProofNotCovered);
  Tamper(db, "DELETE FROM log_checkpoint");
  CHECK(MakeEnvelopeProof(db, newest).status().code() == kErrProofNoCheckpoint);
}

}  // namespace
}  // namespace gongkai::testing
