#include "node/intake/xlsx_parts.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

TEST_CASE("date number formats") {
  CHECK(IsDateFormatCode("yyyy-mm-dd"));
  CHECK(IsDateFormatCode("yyyy\"年\"m\"月\"d\"日\""));
  CHECK(IsDateFormatCode("[$-804]yyyy/m/d"));
  CHECK(IsDateFormatCode("m\"月\"d\"日\""));
  CHECK_FALSE(IsDateFormatCode("0.00"));
  CHECK_FALSE(IsDateFormatCode("#,##0.00\"元\""));
  CHECK_FALSE(IsDateFormatCode("\"day\"0"));
  CHECK_FALSE(IsDateFormatCode("[Red]0.00"));
  CHECK_FALSE(IsDateFormatCode("h:mm:ss"));
  CHECK(IsBuiltinDateFormat(14));
  CHECK(IsBuiltinDateFormat(57));
  CHECK_FALSE(IsBuiltinDateFormat(0));
  CHECK_FALSE(IsBuiltinDateFormat(20));
}

TEST_CASE("numbers as Excel's General format shows them") {
  CHECK(FormatExcelNumber(0) == "0");
  CHECK(FormatExcelNumber(42) == "42");
  CHECK(FormatExcelNumber(-3) == "-3");
  CHECK(FormatExcelNumber(1234.5600000000001) == "1234.56");
  CHECK(FormatExcelNumber(0.1 + 0.2) == "0.3");
  CHECK(FormatExcelNumber(0.00001) == "0.00001");
  CHECK(FormatExcelNumber(999999999999999) == "999999999999999");
  CHECK(FormatExcelNumber(6228480012345678901.0) == "6.22848001234568E+18");
}

}  // namespace
}  // namespace gongkai
