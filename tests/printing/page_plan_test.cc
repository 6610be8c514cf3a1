#include "printing/page_plan.h"

#include <doctest/doctest.h>

#include "printing/layouts.h"
#include "tests/printing/internal_fixture.h"
#include "tests/printing/sample_sheets.h"

namespace gongkai {
namespace {

PageBox Portrait() {
  PageBox box;
  box.width = kA3ShortSidePt;
  box.height = kA3LongSidePt;
  box.left = 40;
  box.right = box.width - 40;
  box.top = 40;
  box.bottom = box.height - 70;
  return box;
}

TEST_CASE("columns fill the width, none below its widest number") {
  testing::CairoFixture f;
  const Sheet sheet = MakeSubsidySheet(testing::SampleSubsidyList(50, true));
  auto widths = FitColumns(sheet, &f.type, 760);
  REQUIRE(widths);
  double total = 0;
  for (double w : *widths) total += w;
  CHECK(total == doctest::Approx(760));
  TextStyle bold;
  bold.size = kTableSize;
  bold.bold = true;
  CHECK((*widths)[7] >= f.type.NaturalWidth("5,938.63", bold));  // the 金额 合计
  CHECK_FALSE(FitColumns(sheet, &f.type, 200));
}

TEST_CASE("pages: every row once, header per page, 小计 per page, 合计 once at the end") {
  testing::CairoFixture f;
  const Sheet sheet = MakeSubsidySheet(testing::SampleSubsidyList(300, false));
  const PageBox box = Portrait();
  auto widths = FitColumns(sheet, &f.type, box.content_width());
  REQUIRE(widths);
  BlockPainter painter(sheet, &f.type, f.cr.get(), box, *widths, nullptr);
  auto plan = PlanPages(sheet, &painter, box, 150, 120);
  REQUIRE(plan.ok());
  REQUIRE(plan->pages.size() > 3);
  size_t next_row = 0;
  int grand = 0;
  for (const auto& page : plan->pages) {
    int headers = 0;
    int subtotals = 0;
    for (const PlacedBlock& b : page) {
      CHECK(b.y >= 120);
      CHECK(b.y <= box.bottom);
      if (b.kind == BlockKind::kTableHeader) ++headers;
      if (b.kind == BlockKind::kSubtotal) ++subtotals;
      if (b.kind == BlockKind::kGrandTotal) ++grand;
      if (b.kind == BlockKind::kTableRows) {
        CHECK(b.begin == next_row);
        double y = b.y;
        for (size_t r = b.begin; r < b.end; ++r) y += plan->row_heights[r];
        CHECK(y <= box.bottom);
        next_row = b.end;
      }
    }
    if (headers == 1) CHECK(subtotals == 1);
  }
  CHECK(next_row == sheet.rows.size());
  CHECK(grand == 1);
}

TEST_CASE("a one-page table has 合计 but no 小计") {
  testing::CairoFixture f;
  const Sheet sheet = MakeSubsidySheet(testing::SampleSubsidyList(5, true));
  const PageBox box = Portrait();
  BlockPainter painter(sheet, &f.type, f.cr.get(), box, *FitColumns(sheet, &f.type, 760), nullptr);
  auto plan = PlanPages(sheet, &painter, box, 150, 120);
  REQUIRE(plan.ok());
  for (const PlacedBlock& b : plan->pages[0]) CHECK(b.kind != BlockKind::kSubtotal);
}

TEST_CASE("sums cover the rows asked for") {
  testing::CairoFixture f;
  const Sheet sheet = MakeSubsidySheet(testing::SampleSubsidyList(4, true));
  BlockPainter painter(sheet, &f.type, f.cr.get(), Portrait(), {}, nullptr);
  CHECK(painter.HasSums());
  const std::vector<int64_t> sums = painter.Sums(1, 3);
  CHECK(sums[5] == 153 + 156);
  CHECK(sums[6] == 0);  // 标准 does not sum
  CHECK(sums[7] == *sheet.rows[1][7].number + *sheet.rows[2][7].number);
}

}  // namespace
}  // namespace gongkai
