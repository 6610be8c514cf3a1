#include "node/workflow/workflow.h"

#include <doctest/doctest.h>

#include <fstream>

#include "node/workflow/disclosure_view.h"
#include "node/json/json_value.h"
#include "node/replica/sql.h"
#include "tests/node/replica_fixture.h"

namespace gongkai {
namespace {

using testing::TestCounty;
using testing::TestNode;

const std::string kFixtures = std::string(GONGKAI_SOURCE_DIR) + "/tests/node/fixtures/";

Actor ActorOf(TestNode& node, std::string person) {
  Actor actor;
  actor.key = &node.key;
  actor.clock = node.clock.get();
  actor.person = std::move(person);
  actor.now_ms = static_cast<int64_t>(testing::kWallMs);
  return actor;
}

void Deliver(const CapturedEnvelope& envelope, std::initializer_list<TestNode*> to) {
  for (TestNode* node : to) {
    auto applied = node->Receive(envelope.bytes);
    INFO(applied.status().ToString());
    REQUIRE(applied.ok());
  }
}

DisclosureState Load(TestNode& node, const std::string& id) {
  auto state = LoadDisclosure(node.db(), id);
  REQUIRE(state.ok());
  REQUIRE(state->has_value());
  return std::move(**state);
}

DraftInput SubsidyInput() {
  DraftInput input;
  input.category = Category::kSubsidy;
  input.title = "2024年耕地地力保护补贴发放公示";
  input.period = "2024";
  input.import_path = kFixtures + "subsidy_gb18030.csv";
  return input;
}

TEST_CASE("a draft imports a subsidy list in its published form only") {
  TestCounty county;
  auto draft = CreateDraft(*county.village->replica, SubsidyInput(), testing::kWallMs);
  INFO(draft.status().ToString());
  REQUIRE(draft.ok());
  CHECK(draft->id.size() == 32);
  CHECK(draft->items.size() == 24);
  CHECK(draft->publicity_days == 7);
  CHECK(draft->items[0].find("410381194001010104") == std::string::npos);
  CHECK(draft->items[0].find("\"id\":\"410381********0104\"") != std::string::npos);
  auto body = ParseJsonObject(draft->body);
  REQUIRE(body.ok());
  CHECK(body->StringOr("subsidy_name", "").value() == "耕地地力保护补贴");

  auto loaded = LoadDraft(county.village->db(), draft->id);
  REQUIRE(loaded.ok());
  REQUIRE(loaded->has_value());
  CHECK((*loaded)->items == draft->items);
  CHECK((*loaded)->title == draft->title);
  // Nothing synced yet.
  CHECK(county.village->Count("disclosure_version") == 0);
}

TEST_CASE("a broken import writes nothing and reports every error") {
  TestCounty county;
  testing::TempDir dir;
  const std::string path = (dir.path() / "bad.csv").string();
  {
    std::ofstream out(path);
    out << "户主姓名,身份证号,补贴金额\n张三,410381194001010105,10.00\n李四,123,abc\n";
  }
  DraftInput input = SubsidyInput();
  input.import_path = path;
  std::vector<ImportError> errors;
  auto draft = CreateDraft(*county.village->replica, input, testing::kWallMs, &errors);
  CHECK_FALSE(draft.ok());
  CHECK(errors.size() >= 3);
  CHECK(county.village->Count("draft") == 0);
}

TEST_CASE("input is checked before anything is written") {
  TestCounty county;
  DraftInput input;
  input.category = Category::kAffairs;
  input.title = "关于村道硬化的公告";
  input.period = "2024年三季度";
  CHECK(CreateDraft(*county.village->replica, input, testing::kWallMs).status().code() ==
        std::string(kErrWorkflowInput));
  input.period = "2024Q3";
  input.title = "两行\n标题";
  CHECK(CreateDraft(*county.village->replica, input, testing::kWallMs).status().code() ==
        std::string(kErrWorkflowInput));
  input.title = "   ";
  CHECK(CreateDraft(*county.village->replica, input, testing::kWallMs).status().code() ==
        std::string(kErrWorkflowInput));
  input.title = "公告";
  input.publicity_days = 0;
  CHECK(CreateDraft(*county.village->replica, input, testing::kWallMs).status().code() ==
        std::string(kErrWorkflowInput));
  input.publicity_days = 10;
  input.subsidy_name = "x";
  CHECK(CreateDraft(*county.village->replica, input, testing::kWallMs).status().code() ==
        std::string(kErrWorkflowInput));
  CHECK(county.village->Count("draft") == 0);
}

TEST_CASE("submit, return with a comment, resubmit, approve: status follows the facts") {
  TestCounty county;
  TestNode& village = *county.village;
  TestNode& township = *county.township;
  auto draft = CreateDraft(*village.replica, SubsidyInput(), testing::kWallMs);
  REQUIRE(draft.ok());
  const std::string id = draft->id;

  // Finance and subsidy need items; a review before submit is refused.
  CHECK(Review(*village.replica, ActorOf(village, "监委会"), id, Decision::kApprove, "")
            .status()
            .code() == std::string(kErrWorkflowState));

  auto v1 = Submit(*village.replica, ActorOf(village, "文书甲"), id);
  INFO(v1.status().ToString());
  REQUIRE(v1.ok());
  CHECK(village.Count("draft") == 0);
  CHECK(village.Count("disclosure_item") == 24);
  auto state = Load(village, id);
  CHECK(state.status == DisclosureStatus::kSubmitted);
  REQUIRE(state.current() != nullptr);
  CHECK(state.current()->author == "文书甲");
  CHECK(state.current()->publicity_from == "2026-09-21");
  CHECK(state.current()->publicity_to == "2026-09-27");
  CHECK(state.current()->content_hash.size() == 64);
  // Submitting again needs a new draft.
  CHECK(Submit(*village.replica, ActorOf(village, "文书甲"), id).status().code() ==
        std::string(kErrWorkflowNotFound));

  // The village's supervision committee reviews on the village node.
  auto supervision =
      Review(*village.replica, ActorOf(village, "监委会主任"), id, Decision::kApprove, "同意");
  REQUIRE(supervision.ok());
  CHECK(Review(*village.replica, ActorOf(village, "监委会主任"), id, Decision::kApprove, "")
            .status()
            .code() == std::string(kErrWorkflowState));
  Deliver(v1->envelope, {&township});
  Deliver(supervision->envelope, {&township});

  // A return needs a comment; the village cannot take the township's stage, nor the
  // sibling village review someone else's disclosure.
  CHECK(Review(*township.replica, ActorOf(township, "镇审核员"), id, Decision::kReturn, "")
            .status()
            .code() == std::string(kErrWorkflowInput));
  auto returned = Review(*township.replica, ActorOf(township, "镇审核员"), id, Decision::kReturn,
                         "第3户面积与台账不符");
  REQUIRE(returned.ok());
  CHECK(Load(township, id).status == DisclosureStatus::kReturned);
  Deliver(returned->envelope, {&village});
  state = Load(village, id);
  CHECK(state.status == DisclosureStatus::kReturned);
  REQUIRE(state.current()->LatestReview("township") != nullptr);
  CHECK(state.current()->LatestReview("township")->comment == "第3户面积与台账不符");

  // The clerk edits the returned version and resubmits: the new version's parent is it.
  DraftInput fix;
  fix.body_text = "已按台账更正第3户面积";
  auto edited = EditDraft(*village.replica, id, fix, testing::kWallMs);
  REQUIRE(edited.ok());
  CHECK(edited->based_on == v1->fact_id);
  CHECK(edited->items.size() == 24);
  auto v2 = Submit(*village.replica, ActorOf(village, "文书甲"), id);
  REQUIRE(v2.ok());
  state = Load(village, id);
  REQUIRE(state.versions.size() == 2);
  CHECK(state.versions[0].status == DisclosureStatus::kSuperseded);
  CHECK(state.current()->version_id == v2->fact_id);
  CHECK(state.current()->parent_version == v1->fact_id);
  CHECK(state.status == DisclosureStatus::kSubmitted);
  CHECK_FALSE(state.conflict);
  // The edit changed the body, so the content hash changed too.
  CHECK(state.versions[0].content_hash != state.versions[1].content_hash);

  Deliver(v2->envelope, {&township});
  auto approved =
      Review(*township.replica, ActorOf(township, "镇审核员"), id, Decision::kApprove, "同意公示");
  REQUIRE(approved.ok());
  Deliver(approved->envelope, {&village});
  CHECK(Load(village, id).status == DisclosureStatus::kApproved);
  CHECK(Load(township, id).status == DisclosureStatus::kApproved);

  // A later version voids the approval.
  DraftInput again;
  again.title = "2024年耕地地力保护补贴发放公示（更正）";
  REQUIRE(EditDraft(*village.replica, id, again, testing::kWallMs).ok());
  auto v3 = Submit(*village.replica, ActorOf(village, "文书甲"), id);
  REQUIRE(v3.ok());
  CHECK(Load(village, id).status == DisclosureStatus::kSubmitted);

  // Posting is only for approved versions.
  CHECK(RecordPosting(*village.replica, ActorOf(village, "文书甲"), id, v3->fact_id, 1)
            .status()
            .code() == std::string(kErrWorkflowState));
  CHECK(RecordPosting(*village.replica, ActorOf(village, "文书甲"), id, v2->fact_id, 2)
            .status()
            .code() == std::string(kErrWorkflowState));  // superseded now

  // Withdrawal ends it; nothing more can be reviewed or edited.
  CHECK(Withdraw(*village.replica, ActorOf(village, "文书甲"), id, "").status().code() ==
        std::string(kErrWorkflowInput));
  auto withdrawn = Withdraw(*village.replica, ActorOf(village, "文书甲"), id, "数据有误，重新公示");
  REQUIRE(withdrawn.ok());
  CHECK(Load(village, id).status == DisclosureStatus::kWithdrawn);
  CHECK(EditDraft(*village.replica, id, again, testing::kWallMs).status().code() ==
        std::string(kErrWorkflowState));
  CHECK(Withdraw(*village.replica, ActorOf(village, "文书甲"), id, "再撤").status().code() ==
        std::string(kErrWorkflowState));
}

TEST_CASE("who may review what") {
  TestCounty county;
  TestNode& village = *county.village;
  DraftInput input;
  input.category = Category::kAffairs;
  input.title = "关于村道硬化一事一议筹资的公告";
  input.period = "2024Q3";
  input.body_text = "经村民代表会议讨论通过……";
  auto draft = CreateDraft(*village.replica, input, testing::kWallMs);
  REQUIRE(draft.ok());
  auto v1 = Submit(*village.replica, ActorOf(village, "文书"), draft->id);
  REQUIRE(v1.ok());
  Deliver(v1->envelope, {county.township.get(), county.county.get()});

  // The county node and a sibling village may not review it; a township that does not
  // hold it cannot find it.
  CHECK(Review(*county.county->replica, ActorOf(*county.county, "县"), draft->id,
               Decision::kApprove, "")
            .status()
            .code() == std::string(kErrWorkflowRole));
  CHECK(Review(*county.sibling->replica, ActorOf(*county.sibling, "邻村"), draft->id,
               Decision::kApprove, "")
            .status()
            .code() == std::string(kErrWorkflowNotFound));
  // A township may not edit or withdraw a village's disclosure.
  DraftInput edit;
  edit.title = "改";
  CHECK(EditDraft(*county.township->replica, draft->id, edit, testing::kWallMs).status().code() ==
        std::string(kErrWorkflowRole));
  CHECK(Withdraw(*county.township->replica, ActorOf(*county.township, "镇"), draft->id, "x")
            .status()
            .code() == std::string(kErrWorkflowRole));
}

TEST_CASE("two versions with one parent are a conflict, both kept") {
  TestCounty county;
  TestNode& village = *county.village;
  DraftInput input;
  input.category = Category::kAffairs;
  input.title = "公告";
  input.period = "2024";
  auto draft = CreateDraft(*village.replica, input, testing::kWallMs);
  REQUIRE(draft.ok());
  auto v1 = Submit(*village.replica, ActorOf(village, "文书"), draft->id);
  REQUIRE(v1.ok());
  // Two edits of v1: the second one is written as a concurrent edit would be, by drafting
  // on the same base twice.
  DraftInput a;
  a.title = "公告（甲）";
  REQUIRE(EditDraft(*village.replica, draft->id, a, testing::kWallMs).ok());
  auto saved = LoadDraft(village.db(), draft->id);
  REQUIRE(saved.ok());
  REQUIRE(Submit(*village.replica, ActorOf(village, "文书"), draft->id).ok());
  // Submitting a draft on a superseded base is refused as stale ...
  DraftInput b;
  b.title = "公告（乙）";
  REQUIRE(ExecSql(village.db(), "INSERT INTO draft(id, category, title, period, body,"
                                " items_json, publicity_days, updated_at, based_on)"
                                " VALUES('" + draft->id + "', 'affairs', '公告（乙）', '2024',"
                                " '{}', '[]', 7, 1, '" + v1->fact_id + "')")
              .ok());
  CHECK(Submit(*village.replica, ActorOf(village, "文书"), draft->id).status().code() ==
        std::string(kErrWorkflowStale));
  // ... but one arriving from elsewhere (another replica of the same origin region, e.g. a
  // restored backup) is kept, and the disclosure is flagged.
  REQUIRE(ExecSql(village.db(), "DELETE FROM draft").ok());
  auto other = village.Write([&](sqlite3* db, const CaptureStamp& stamp) -> Status {
    return ExecSql(db, "INSERT INTO disclosure_version VALUES('" + std::string(32, 'e') + "', '" +
                           draft->id + "', '" + v1->fact_id +
                           "', 'affairs', '公告（乙）', '2024', '{}', '2026-09-22', '2026-09-28',"
                           " 0, '', '文书', '" + stamp.origin + "', " +
                           std::to_string(stamp.hlc) + ", '" + testing::kVillage + "')");
  });
  REQUIRE(other.ok());
  auto state = Load(village, draft->id);
  CHECK(state.conflict);
  CHECK(state.versions.size() == 3);
  CHECK(state.current()->version_id == std::string(32, 'e'));  // the latest hlc
}

TEST_CASE("ids resolve from a unique prefix") {
  TestCounty county;
  DraftInput input;
  input.category = Category::kAffairs;
  input.title = "公告";
  input.period = "2024";
  auto draft = CreateDraft(*county.village->replica, input, testing::kWallMs);
  REQUIRE(draft.ok());
  auto full = ResolveDisclosureId(county.village->db(), draft->id.substr(0, 8));
  REQUIRE(full.ok());
  CHECK(*full == draft->id);
  CHECK(ResolveDisclosureId(county.village->db(), draft->id.substr(0, 5)).status().code() ==
        std::string(kErrWorkflowInput));
  CHECK(ResolveDisclosureId(county.village->db(), "ABCDEF12").status().code() ==
        std::string(kErrWorkflowInput));
  CHECK(ResolveDisclosureId(county.village->db(),
                            draft->id[0] == '0' ? "1111111" : "0000000")
            .status()
            .code() == std::string(kErrWorkflowNotFound));
  // Two drafts sharing a prefix are ambiguous at that prefix.
  REQUIRE(ExecSql(county.village->db(),
                  "INSERT INTO draft(id, category, title, period, body, items_json,"
                  " publicity_days, updated_at) VALUES('" + draft->id.substr(0, 8) +
                      std::string(24, '0') + "', 'affairs', 't', '2024', '{}', '[]', 7, 1)")
              .ok());
  if (draft->id.substr(8) != std::string(24, '0')) {
    CHECK(ResolveDisclosureId(county.village->db(), draft->id.substr(0, 8)).status().code() ==
          std::string(kErrWorkflowAmbiguous));
  }
}

TEST_CASE("a crash inside submit leaves the draft and no version") {
  TestCounty county;
  auto draft = CreateDraft(*county.village->replica, SubsidyInput(), testing::kWallMs);
  REQUIRE(draft.ok());
  CaptureFaults faults;
  faults.after_journal = [] { return Status::IoError("test.fault", "power cut"); };
  auto failed = Submit(*county.village->replica, ActorOf(*county.village, "文书"), draft->id, faults);
  CHECK_FALSE(failed.ok());
  CHECK(county.village->Count("draft") == 1);
  CHECK(county.village->Count("disclosure_version") == 0);
  CHECK(county.village->Count("disclosure_item") == 0);
  CHECK(county.village->JournalCount() == 1);  // only the county's certificates
  CHECK(Submit(*county.village->replica, ActorOf(*county.village, "文书"), draft->id).ok());
}

TEST_CASE("the content hash pins every field and each item") {
  const std::vector<std::string> items = {"{\"a\":1}", "{\"a\":2}"};
  const std::string base = ContentHash("d", "affairs", "t", "2024", "{}", "2024-01-01",
                                       "2024-01-07", items);
  CHECK(base.size() == 64);
  CHECK(base != ContentHash("d", "affairs", "t2", "2024", "{}", "2024-01-01", "2024-01-07", items));
  CHECK(base != ContentHash("d", "affairs", "t", "2024", "{}", "2024-01-01", "2024-01-08", items));
  CHECK(base != ContentHash("d", "affairs", "t", "2024", "{}", "2024-01-01", "2024-01-07",
                            {"{\"a\":1}"}));
  // Field boundaries are unambiguous.
  CHECK(ContentHash("ab", "c", "", "", "", "", "", {}) !=
        ContentHash("a", "bc", "", "", "", "", "", {}));
}

}  // namespace
}  // namespace gongkai
