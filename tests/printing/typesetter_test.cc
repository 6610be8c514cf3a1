#include "printing/typesetter.h"

#include <doctest/doctest.h>

#include "tests/printing/internal_fixture.h"

namespace gongkai {
namespace {

TEST_CASE("wrapping text grows in height inside its width") {
  testing::CairoFixture f;
  TextStyle style;
  style.size = 11;
  const double one = f.type.Text("杏花村", style, 0, 0, 200, false);
  CHECK(one == doctest::Approx(f.type.LineHeight(style)).epsilon(0.01));
  const std::string long_text = "新增承包地，已经村民代表会议确认，面积以确权登记为准";
  const double narrow = f.type.Text(long_text, style, 0, 0, 60, false);
  CHECK(narrow > 4 * one);
  // A long unbroken number still wraps (WORD_CHAR) instead of running out of its cell.
  CHECK(f.type.Text("62179950000000079196217995000000007919", style, 0, 0, 60, false) > one);
  CHECK(f.type.NaturalWidth(long_text, style) > 60);
  style.wrap = false;
  CHECK(f.type.Text(long_text, style, 0, 0, 60, false) == doctest::Approx(one).epsilon(0.01));
}

TEST_CASE("lines of a paragraph follow each other without overlap") {
  testing::CairoFixture f;
  TextStyle style;
  style.size = 13;
  style.indent_em = 2;
  style.line_spacing = 1.5;
  std::string text;
  for (int i = 0; i < 20; ++i) text += "村务公开接受村民监督。";
  const std::vector<LineBox> lines = f.type.Lines(text, style, 300);
  REQUIRE(lines.size() > 3);
  for (size_t i = 1; i < lines.size(); ++i) {
    // Pango's line spacing lies between the lines' ranges, not inside them.
    CHECK(lines[i].top >= lines[i - 1].top + lines[i - 1].height - 0.01);
    CHECK(lines[i].top - lines[i - 1].top == doctest::Approx(lines[1].top - lines[0].top));
  }
}

}  // namespace
}  // namespace gongkai
