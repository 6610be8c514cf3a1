// The whole offline workflow with the real programs in their own homes: a county hub, a
// township and two villages enrolled by request and certificate files; a subsidy list
// imported, submitted, returned with a comment, fixed, resubmitted and approved; an
// affairs notice withdrawn; everything carried only by bundle files. At the end every
// replica that holds a region has the same digest for it.
#include <doctest/doctest.h>

#include <fstream>

#include "protocol/temp_dir.h"
#include "tests/hub/county_office.h"

namespace gongkai {
namespace {

using testing::Office;
using testing::RunResult;

constexpr char kTownship[] = "511304100";
constexpr char kVillage1[] = "511304100201";
constexpr char kVillage2[] = "511304100202";

std::string Status(Office& office, const std::string& home, const std::string& id) {
  JsonValue shown = office.NodeJson(home, {"show", id});
  return shown.Find("disclosure")->StringOr("status", "").value_or("?");
}

TEST_CASE("county, township and two villages, offline by bundles only") {
  testing::TempDir temp;
  Office office(temp.path());
  office.InitCounty();
  office.Enrol("township", kTownship, "龙蟠镇", "township");
  office.Enrol("v1", kVillage1, "石庙村", "village");
  office.Enrol("v2", kVillage2, "金凤村", "village");
  // A wrong passphrase is refused with its own code.
  {
    std::ofstream wrong(temp.path() / "wrong.txt");
    wrong << "不对\n";
  }
  RunResult bad = office.Hub({"revoke", "0000000000", "--reason", "retired", "--passphrase-file", "wrong.txt"});
  CHECK(bad.exit_code == 1);

  // The county's certificates reach everyone.
  office.Carry("hub", "township", kTownship);
  office.Carry("hub", "v1", kVillage1);
  office.Carry("hub", "v2", kVillage2);

  // Village 1 imports a subsidy list (GB18030 CSV), submits, its supervision committee approves.
  const std::string fixture = std::string(GONGKAI_SOURCE_DIR) + "/tests/node/fixtures/subsidy_gb18030.csv";
  JsonValue draft = office.NodeJson("v1", {"new", "--category", "subsidy", "--title", "2024年耕地地力保护补贴发放公示",
                                           "--period", "2024", "--import", fixture});
  const std::string id = draft.StringOr("id", "").value_or("");
  REQUIRE(id.size() == 32);
  CHECK(draft.IntegerOr("items", 0).value_or(0) == 24);
  CHECK(Status(office, "v1", id) == "draft");
  office.NodeOk("v1", {"submit", id.substr(0, 8), "--by", "王文书"});
  office.NodeOk("v1", {"review", id.substr(0, 8), "--approve", "--comment", "同意", "--by", "监委会李主任"});
  CHECK(Status(office, "v1", id) == "submitted");
  // Nothing leaves the village but the published form of ID numbers.
  {
    RunResult shown = office.Node("v1", {"show", id, "--json"});
    CHECK(shown.out.find("410381194001010104") == std::string::npos);
    CHECK(shown.out.find("410381********0104") != std::string::npos);
  }

  // To the township, which returns it with a comment.
  office.Carry("v1", "township", kTownship);
  CHECK(Status(office, "township", id) == "submitted");
  RunResult no_comment = office.Node("township", {"review", id, "--return"});
  CHECK(no_comment.exit_code == 1);
  CHECK(no_comment.err.find("workflow.input") != std::string::npos);
  office.NodeOk("township", {"review", id, "--return", "--comment", "第3户面积与台账不符", "--by", "镇农经站张"});
  CHECK(Status(office, "township", id) == "returned");

  // Back to the village: it sees the comment, fixes, resubmits.
  office.Carry("township", "v1", kVillage1);
  CHECK(Status(office, "v1", id) == "returned");
  {
    JsonValue shown = office.NodeJson("v1", {"show", id});
    const JsonValue* reviews = shown.Find("current")->Find("reviews");
    REQUIRE(reviews != nullptr);
    bool found = false;
    for (const JsonValue& r : reviews->array()) {
      if (r.StringOr("comment", "").value_or("") == "第3户面积与台账不符") found = true;
    }
    CHECK(found);
  }
  office.NodeOk("v1", {"edit", id, "--body", "已按台账更正第3户面积"});
  office.NodeOk("v1", {"submit", id, "--by", "王文书"});
  CHECK(Status(office, "v1", id) == "submitted");

  // The township approves the new version.
  office.Carry("v1", "township", kTownship);
  office.NodeOk("township", {"review", id, "--approve", "--comment", "同意公示", "--by", "镇农经站张"});
  office.Carry("township", "v1", kVillage1);
  CHECK(Status(office, "v1", id) == "approved");
  {
    JsonValue history = office.NodeJson("v1", {"history", id});
    const JsonValue* versions = history.Find("versions");
    REQUIRE(versions != nullptr);
    REQUIRE(versions->array().size() == 2);
    CHECK(versions->array()[0].StringOr("status", "").value_or("") == "superseded");
    CHECK(versions->array()[1].StringOr("parent_version", "").value_or("") ==
          versions->array()[0].StringOr("version_id", "").value_or("-"));
  }

  // The approved version prints; its QR payload verifies on the township node, a changed
  // payload does not.
  {
    JsonValue printed = office.NodeJson("v1", {"print", id, "--out", "sheet.pdf", "--by", "王文书"});
    CHECK(printed.Find("approved")->boolean());
    CHECK(std::filesystem::file_size(temp.path() / "sheet.pdf") > 10000);
    const std::string payload = printed.StringOr("qr_payload", "").value_or("");
    REQUIRE(payload.rfind("GK1/", 0) == 0);
    office.Carry("v1", "township", kTownship);
    RunResult verified = office.Node("township", {"verify-sheet", payload});
    CHECK(verified.exit_code == 0);
    std::string changed = payload;
    changed.back() = changed.back() == '0' ? '1' : '0';
    RunResult refused = office.Node("township", {"verify-sheet", changed});
    CHECK(refused.exit_code == 1);
    JsonValue history = office.NodeJson("township", {"history", id});
    CHECK(history.Find("postings")->array().size() == 1);
  }

  // Village 2 posts a notice and withdraws it.
  JsonValue notice = office.NodeJson("v2", {"new", "--category", "affairs", "--title", "关于村道硬化一事一议筹资的公告",
                                            "--period", "2024Q3", "--body", "经村民代表会议讨论通过。"});
  const std::string notice_id = notice.StringOr("id", "").value_or("");
  office.NodeOk("v2", {"submit", notice_id});
  office.NodeOk("v2", {"withdraw", notice_id, "--reason", "筹资方案调整，重新公示"});
  CHECK(Status(office, "v2", notice_id) == "withdrawn");
  office.Carry("v2", "township", kTownship);
  CHECK(Status(office, "township", notice_id) == "withdrawn");

  // The township carries both villages' facts up to the county.
  office.Carry("township", "hub", "");
  office.Carry("hub", "v2", kVillage2);
  // A village only keeps its own subtree and its ancestors: village 1's list is not at village 2.
  CHECK(office.Node("v2", {"show", id}).exit_code == 1);

  // A bundle altered at one byte is refused as a whole and changes nothing.
  {
    const std::string before = office.Digest("v1", kVillage1);
    office.NodeOk("township", {"bundle", "export", "--out", "tampered.gkb", "--for", kVillage1, "--all"});
    std::fstream file(temp.path() / "tampered.gkb", std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(200);
    char c = 0;
    file.seekg(200);
    file.read(&c, 1);
    c = static_cast<char>(c ^ 0x5a);
    file.seekp(200);
    file.write(&c, 1);
    file.close();
    RunResult refused = office.Node("v1", {"bundle", "import", "tampered.gkb"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("bundle.") != std::string::npos);
    CHECK(office.Digest("v1", kVillage1) == before);
  }

  // Every replica that holds a region agrees on it.
  const std::string v1 = office.Digest("v1", kVillage1);
  CHECK(office.Digest("township", kVillage1) == v1);
  CHECK(office.Digest("hub", kVillage1) == v1);
  const std::string v2 = office.Digest("v2", kVillage2);
  CHECK(office.Digest("township", kVillage2) == v2);
  CHECK(office.Digest("hub", kVillage2) == v2);
  CHECK(office.Digest("township", kTownship) == office.Digest("hub", kTownship));
  CHECK(office.Digest("v1", "511304") != office.Digest("hub", "511304"));  // v1 lacks v2's rows
  // The digest command prints the same.
  JsonValue digest = office.NodeJson("v1", {"digest", "--region", kVillage1});
  CHECK(digest.StringOr("digest", "").value_or("") == v1);
  // Status shows the counts.
  JsonValue status = office.NodeJson("v1", {"status"});
  CHECK(status.StringOr("role", "").value_or("") == "village");
  CHECK(status.Find("disclosures")->IntegerOr("approved", 0).value_or(0) == 1);
}

}  // namespace
}  // namespace gongkai
