#include "printing/font_coverage.h"

#include <doctest/doctest.h>

#include "printing/layouts.h"
#include "tests/printing/internal_fixture.h"
#include "tests/printing/sample_sheets.h"

namespace gongkai {
namespace {

TEST_CASE("Noto Sans CJK SC covers 䶮 㛃 𠮷 but not 𪚥") {
  testing::CairoFixture f;
  auto coverage = FontCoverage::Load(f.type.context());
  REQUIRE(coverage.ok());
  CHECK(coverage->HasChar(U'国'));
  CHECK(coverage->HasChar(U'䶮'));                // U+4DAE, Ext A
  CHECK(coverage->HasChar(U'㛃'));                // U+36C3, Ext A
  CHECK(coverage->HasChar(U'𠮷'));                // U+20BB7, Ext B (in the font's JIS repertoire)
  CHECK_FALSE(coverage->HasChar(U'\U0002A6A5'));  // 𪚥, Ext B
  CHECK_FALSE(coverage->HasChar(U'\U00030000'));  // Ext G
}

TEST_CASE("missing characters are reported with their place") {
  testing::CairoFixture f;
  auto coverage = FontCoverage::Load(f.type.context());
  REQUIRE(coverage.ok());
  Sheet sheet = MakeSubsidySheet(testing::SampleSubsidyList(3, true));
  sheet.rows[1][2].text = "张𪚥𪚥";
  sheet.title += "𪚥";
  sheet.review_chain[0].who = "𪚥";
  size_t total = 0;
  std::vector<MissingGlyph> found = FindMissingGlyphs(sheet, &*coverage, &total);
  REQUIRE(found.size() == 4);
  CHECK(total == 4);
  CHECK(found[0].where == "标题");
  CHECK(found[1].where == "第 2 行“户主姓名”");
  CHECK(found[2].where == "第 2 行“户主姓名”");
  CHECK(found[3].where == "审核记录第 1 条");
  CHECK(found[1].code_point == 0x2A6A5);
  CHECK(found[1].character == "𪚥");
}

TEST_CASE("the report is bounded") {
  testing::CairoFixture f;
  auto coverage = FontCoverage::Load(f.type.context());
  REQUIRE(coverage.ok());
  Sheet sheet = MakeSubsidySheet(testing::SampleSubsidyList(kMaxMissingGlyphReports + 1, true));
  for (Row& row : sheet.rows) row[2].text = "𪚥";
  size_t total = 0;
  CHECK(FindMissingGlyphs(sheet, &*coverage, &total).size() == kMaxMissingGlyphReports);
  CHECK(total == kMaxMissingGlyphReports + 1);
  sheet.rows.pop_back();
  CHECK(FindMissingGlyphs(sheet, &*coverage, &total).size() == kMaxMissingGlyphReports);
  CHECK(total == kMaxMissingGlyphReports);
}

}  // namespace
}  // namespace gongkai
