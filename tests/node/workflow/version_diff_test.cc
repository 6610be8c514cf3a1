// What changed between two versions: rows added, removed, changed cell by cell, totals.
#include "node/workflow/version_diff.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

std::string Row(int line, const std::string& name, const std::string& area, int64_t cents) {
  return "{\"amount_cents\":" + std::to_string(cents) + ",\"area\":\"" + area +
         "\",\"line\":" + std::to_string(line) + ",\"name\":\"" + name + "\"}";
}

TEST_CASE("identical lists have no changes and equal totals") {
  const std::vector<std::string> items = {Row(1, "张三", "1.5", 15678), Row(2, "李四", "2", 20904)};
  Result<VersionDiff> diff = DiffItems(items, items);
  REQUIRE(diff.ok());
  CHECK(diff->empty());
  CHECK(diff->rows.size() == 2);
  REQUIRE(diff->totals.size() == 1);
  CHECK(diff->totals[0].key == "amount_cents");
  CHECK(diff->totals[0].before == 36582);
  CHECK(diff->totals[0].after == 36582);
}

TEST_CASE("a corrected cell is one changed row naming the cell, with totals before and after") {
  const std::vector<std::string> before = {Row(1, "张三", "1.5", 15678), Row(2, "李四", "3", 31356),
                                           Row(3, "王五", "1", 10452)};
  const std::vector<std::string> after = {Row(1, "张三", "1.5", 15678), Row(2, "李四", "2", 20904),
                                          Row(3, "王五", "1", 10452)};
  Result<VersionDiff> diff = DiffItems(before, after);
  REQUIRE(diff.ok());
  CHECK(diff->changed == 1);
  CHECK(diff->added == 0);
  CHECK(diff->removed == 0);
  const RowChange* changed = nullptr;
  for (const RowChange& r : diff->rows) {
    if (r.kind == RowChangeKind::kChanged) changed = &r;
  }
  REQUIRE(changed != nullptr);
  CHECK(changed->before_line == 2);
  CHECK(changed->after_line == 2);
  REQUIRE(changed->changed.size() == 2);
  CHECK(changed->changed[0].key == "amount_cents");
  CHECK(changed->changed[0].before == "31356");
  CHECK(changed->changed[0].after == "20904");
  CHECK(changed->changed[1].key == "area");
  CHECK(changed->changed[1].before == "3");
  CHECK(changed->changed[1].after == "2");
  REQUIRE(diff->totals.size() == 1);
  CHECK(diff->totals[0].before == 57486);
  CHECK(diff->totals[0].after == 47034);
}

TEST_CASE("an inserted row is added, not every later row changed") {
  const std::vector<std::string> before = {Row(1, "甲", "1", 100), Row(2, "乙", "1", 100),
                                           Row(3, "丙", "1", 100)};
  const std::vector<std::string> after = {Row(1, "甲", "1", 100), Row(2, "新", "2", 200),
                                          Row(3, "乙", "1", 100), Row(4, "丙", "1", 100)};
  Result<VersionDiff> diff = DiffItems(before, after);
  REQUIRE(diff.ok());
  CHECK(diff->added == 1);
  CHECK(diff->changed == 0);
  CHECK(diff->removed == 0);
  CHECK(diff->rows[1].kind == RowChangeKind::kAdded);
  CHECK(diff->rows[1].after_line == 2);
  CHECK(diff->totals[0].before == 300);
  CHECK(diff->totals[0].after == 500);
}

TEST_CASE("a removed row is removed") {
  const std::vector<std::string> before = {Row(1, "甲", "1", 100), Row(2, "乙", "1", 100)};
  const std::vector<std::string> after = {Row(1, "甲", "1", 100)};
  Result<VersionDiff> diff = DiffItems(before, after);
  REQUIRE(diff.ok());
  CHECK(diff->removed == 1);
  CHECK(diff->rows.back().kind == RowChangeKind::kRemoved);
  CHECK(diff->rows.back().before_line == 2);
  CHECK(diff->rows.back().after_line == 0);
}

TEST_CASE("affairs table cells are numbered") {
  Result<ItemCells> cells = ItemCellsOf(R"({"cells":["一","二"]})");
  REQUIRE(cells.ok());
  REQUIRE(cells->cells.size() == 2);
  CHECK(cells->cells[0].first == "1");
  CHECK(cells->cells[1].second == "二");
}

TEST_CASE("an item that is not a JSON object, or too many rows, is workflow.input") {
  Result<VersionDiff> bad = DiffItems({"[1]"}, {});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == "workflow.input");
  std::vector<std::string> many(kMaxDiffRows + 1, Row(1, "甲", "1", 1));
  Result<VersionDiff> big = DiffItems(many, {});
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().code() == "workflow.input");
  std::vector<std::string> at_limit(kMaxDiffRows, Row(1, "甲", "1", 1));
  CHECK(DiffItems(at_limit, at_limit).ok());
}

TEST_CASE("a large rewritten middle is compared row by row without the LCS table") {
  std::vector<std::string> before;
  std::vector<std::string> after;
  for (int i = 0; i < 3000; ++i) {
    before.push_back(Row(i + 1, "甲" + std::to_string(i), "1", 100));
    after.push_back(Row(i + 1, "乙" + std::to_string(i), "1", 100));
  }
  Result<VersionDiff> diff = DiffItems(before, after);
  REQUIRE(diff.ok());
  CHECK(diff->changed == 3000);
}

}  // namespace
}  // namespace gongkai
