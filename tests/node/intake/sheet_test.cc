#include "node/intake/sheet.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

TEST_CASE("Excel column names") {
  CHECK(ExcelColumnName(0) == "A");
  CHECK(ExcelColumnName(25) == "Z");
  CHECK(ExcelColumnName(26) == "AA");
  CHECK(ExcelColumnName(701) == "ZZ");
  CHECK(ExcelColumnName(702) == "AAA");
}

TEST_CASE("cells are trimmed of ASCII, ideographic and no-break spaces") {
  CHECK(TrimCell(" \t张三\r\n") == "张三");
  CHECK(TrimCell("\u3000\u00A0张 三\u3000") == "张 三");
  CHECK(TrimCell("\u3000").empty());
  CHECK(TrimCell("").empty());
}

}  // namespace
}  // namespace gongkai
