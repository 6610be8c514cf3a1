// The one row limit of a disclosure (protocol/disclosure_limits.h), stage by stage: a list
// of exactly kMaxDisclosureItems rows imports, submits and builds its sheet; one row more is
// refused at the first stage it reaches, with the same limit named.
#include <doctest/doctest.h>

#include "node/intake/import_limits.h"
#include "node/intake/import_error.h"
#include "node/sheets/disclosure_sheet.h"
#include "node/workflow/workflow.h"
#include "printing/sheet.h"
#include "protocol/disclosure_limits.h"
#include "tests/node/disclosure_rows.h"
#include "tests/node/import_test_files.h"
#include "tests/node/replica_fixture.h"

namespace gongkai {
namespace {

using testing::TestCounty;
using testing::TestNode;

static_assert(kMaxImportRows == kMaxDisclosureItems);
static_assert(kMaxSheetRows == static_cast<size_t>(kMaxDisclosureItems));

Actor ActorOf(TestNode& node) {
  Actor actor;
  actor.key = &node.key;
  actor.clock = node.clock.get();
  actor.person = "文书甲";
  actor.now_ms = static_cast<int64_t>(testing::kWallMs);
  return actor;
}

std::string SubsidyCsv(int64_t rows) {
  std::string csv =
      "序号,村民小组,户主姓名,身份证号,补贴项目,面积（亩）,补贴标准,补贴金额,一卡通账号,备注\n";
  csv.reserve(static_cast<size_t>(rows) * 64);
  for (int64_t i = 0; i < rows; ++i) {
    csv += std::to_string(i + 1) + ",一组,户" + std::to_string(i) + "," +
           testing::SyntheticId(static_cast<int>(i)) + ",,1,100,100,,\n";
  }
  return csv;
}

DraftInput SubsidyDraft(const std::string& path) {
  DraftInput input;
  input.category = Category::kSubsidy;
  input.title = "2024年耕地地力保护补贴发放公示";
  input.period = "2024";
  input.import_path = path;
  return input;
}

TEST_CASE("a subsidy list of exactly the limit imports, submits and builds its sheet") {
  TestCounty county;
  testing::EnrolPlaceNames(county, {county.village.get()});
  TestNode& village = *county.village;
  const std::string path =
      testing::WriteTestFile("limit.csv", SubsidyCsv(kMaxDisclosureItems));
  auto draft = CreateDraft(*village.replica, SubsidyDraft(path), testing::kWallMs);
  REQUIRE_MESSAGE(draft.ok(), draft.status().ToString());
  CHECK(draft->items.size() == static_cast<size_t>(kMaxDisclosureItems));

  auto submitted = Submit(*village.replica, ActorOf(village), draft->id);
  REQUIRE_MESSAGE(submitted.ok(), submitted.status().ToString());
  CHECK(village.Count("disclosure_item") == kMaxDisclosureItems);

  auto sheet = BuildSheetForVersion(*village.replica, submitted->fact_id);
  REQUIRE_MESSAGE(sheet.ok(), sheet.status().ToString());
  CHECK(sheet->sheet.rows.size() == static_cast<size_t>(kMaxDisclosureItems));
}

TEST_CASE("one row past the limit is refused at import and writes nothing") {
  TestCounty county;
  TestNode& village = *county.village;
  const std::string path =
      testing::WriteTestFile("limit1.csv", SubsidyCsv(kMaxDisclosureItems + 1));
  std::vector<ImportError> errors;
  auto draft = CreateDraft(*village.replica, SubsidyDraft(path), testing::kWallMs, &errors);
  CHECK(draft.status().code() == kErrImportTooManyRows);
  CHECK(draft.status().kind() == StatusKind::kTooLarge);
  CHECK(village.Count("draft") == 0);
}

TEST_CASE("an affairs table one row past the limit is refused when drafted") {
  TestCounty county;
  DraftInput input;
  input.category = Category::kAffairs;
  input.title = "村道硬化工程一事一议筹资公告";
  input.period = "2026";
  input.table_headers = std::vector<std::string>{"户主", "金额"};
  input.table_rows = std::vector<std::vector<std::string>>(
      static_cast<size_t>(kMaxDisclosureItems) + 1, std::vector<std::string>{"张三", "10"});
  auto past = CreateDraft(*county.village->replica, input, testing::kWallMs);
  CHECK(past.status().code() == kErrWorkflowTooManyItems);
  CHECK(past.status().message().find(std::to_string(kMaxDisclosureItems)) != std::string::npos);

  input.table_rows->pop_back();
  auto at = CreateDraft(*county.village->replica, input, testing::kWallMs);
  REQUIRE_MESSAGE(at.ok(), at.status().ToString());
  CHECK(at->items.size() == static_cast<size_t>(kMaxDisclosureItems));
}

TEST_CASE("a stored draft past the limit (an older release's) is refused at submit") {
  TestCounty county;
  TestNode& village = *county.village;
  const std::string path = testing::WriteTestFile("small.csv", SubsidyCsv(3));
  auto draft = CreateDraft(*village.replica, SubsidyDraft(path), testing::kWallMs);
  REQUIRE(draft.ok());
  // Grow the stored draft past the limit behind the workflow's back: its first item,
  // kMaxDisclosureItems + 1 times.
  const std::string grow =
      "UPDATE draft SET items_json = (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
      " FROM n WHERE i <= " + std::to_string(kMaxDisclosureItems) + ")"
      " SELECT json_group_array(json(json_extract(d.items_json, '$[0]'))) FROM n, draft d"
      " WHERE d.id = '" + draft->id + "') WHERE id = '" + draft->id + "'";
  REQUIRE(sqlite3_exec(village.db(), grow.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  auto grown = LoadDraft(village.db(), draft->id);
  REQUIRE(grown.ok());
  REQUIRE(grown->has_value());
  CHECK((*grown)->items.size() == static_cast<size_t>(kMaxDisclosureItems) + 1);

  auto refused = Submit(*village.replica, ActorOf(village), draft->id);
  CHECK(refused.status().code() == kErrWorkflowTooManyItems);
  CHECK(village.Count("disclosure_version") == 0);
  CHECK(village.Count("draft") == 1);  // kept, for the clerk to split
}

}  // namespace
}  // namespace gongkai
