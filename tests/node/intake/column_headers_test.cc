#include "node/intake/column_headers.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

const std::vector<ColumnSpec> kSpecs = {
    {0, "户主姓名", {"姓名", "户主"}, true},
    {1, "面积", {"面积(亩)", "计税面积"}, false},
    {2, "补贴金额", {"金额"}, true},
};

TEST_CASE("header normalisation: spaces, full-width brackets, marks") {
  CHECK(NormalizeHeader(" 面积（亩） ") == "面积(亩)");
  CHECK(NormalizeHeader("户主\n姓名") == "户主姓名");
  CHECK(NormalizeHeader("*姓\u3000名：") == "姓名");
  CHECK(NormalizeHeader("【备注】") == "[备注]");
}

TEST_CASE("matching by canonical name, alias and trailing unit") {
  CHECK(MatchHeader("户主姓名", kSpecs) == 0);
  CHECK(MatchHeader("户 主", kSpecs) == 0);
  CHECK(MatchHeader("计税面积（亩）", kSpecs) == 1);
  CHECK(MatchHeader("金额（元）", kSpecs) == 2);
  CHECK(MatchHeader("身份证号", kSpecs) == -1);
  CHECK(MatchHeader("", kSpecs) == -1);
}

TEST_CASE("the header row is found below title rows") {
  ImportSheet sheet;
  sheet.rows = {{1, {"××村2024年耕地地力保护补贴发放表"}},
                {2, {"单位：元"}},
                {4, {"序号", "姓名", "面积(亩)", "金额"}},
                {5, {"1", "张三", "1", "100"}}};
  ImportErrorList errors;
  std::optional<HeaderMap> map = FindHeaderRow(sheet, kSpecs, "f.csv", &errors);
  REQUIRE(map.has_value());
  CHECK(map->header_row == 4);
  CHECK(map->column[0] == 1);
  CHECK(map->text[1] == "面积(亩)");
  CHECK(map->Cell(sheet.rows[3], 2) == "100");
  CHECK(map->Name(2, kSpecs) == "金额");
}

TEST_CASE("the header must be within the first rows") {
  ImportSheet sheet;
  for (int i = 1; i <= 10; ++i) sheet.rows.push_back({i, {"标题"}});
  sheet.rows.push_back({11, {"姓名", "金额"}});
  ImportErrorList errors;
  CHECK_FALSE(FindHeaderRow(sheet, kSpecs, "f.csv", &errors).has_value());
  REQUIRE(errors.errors().size() == 1);
  CHECK(errors.errors()[0].code == kErrImportMissingColumn);
  sheet.rows.erase(sheet.rows.begin());
  ImportErrorList ok;
  CHECK(FindHeaderRow(sheet, kSpecs, "f.csv", &ok).has_value());
}

TEST_CASE("missing required and duplicate columns are all reported") {
  ImportSheet sheet;
  sheet.rows = {{1, {"姓名", "面积", "计税面积"}}};
  ImportErrorList errors;
  CHECK_FALSE(FindHeaderRow(sheet, kSpecs, "f.csv", &errors).has_value());
  REQUIRE(errors.errors().size() == 2);
  CHECK(errors.errors()[0].code == kErrImportDuplicateColumn);
  CHECK(errors.errors()[0].column == "计税面积");
  CHECK(errors.errors()[1].code == kErrImportMissingColumn);
  CHECK(errors.errors()[1].column == "补贴金额");
}

}  // namespace
}  // namespace gongkai
