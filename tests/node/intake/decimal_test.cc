#include "node/intake/decimal.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

int64_t Parse(const char* text, int scale) {
  int64_t units = -999;
  REQUIRE(ParseDecimal(text, scale, &units) == DecimalParse::kOk);
  return units;
}

TEST_CASE("decimal parsing is exact") {
  CHECK(Parse("1234", 2) == 123400);
  CHECK(Parse("1234.5", 2) == 123450);
  CHECK(Parse("0.1", 2) == 10);
  CHECK(Parse(".5", 2) == 50);
  CHECK(Parse("-3.25", 2) == -325);
  CHECK(Parse("+7", 2) == 700);
  CHECK(Parse("1,234,567.89", 2) == 123456789);
  CHECK(Parse("￥12.00", 2) == 1200);
  CHECK(Parse("12.30元", 2) == 1230);
  CHECK(Parse("12.3400", 2) == 1234);
  CHECK(Parse("1.2345", 4) == 12345);
  CHECK(Parse(" 5 ", 0) == 5);
}

TEST_CASE("decimal parsing refuses what is not an exact amount") {
  int64_t units = 0;
  CHECK(ParseDecimal("", 2, &units) == DecimalParse::kEmpty);
  CHECK(ParseDecimal("  ", 2, &units) == DecimalParse::kEmpty);
  CHECK(ParseDecimal("1.234", 2, &units) == DecimalParse::kTooManyDecimals);
  CHECK(ParseDecimal("1.23456", 4, &units) == DecimalParse::kTooManyDecimals);
  for (const char* bad :
       {"abc", "1.2.3", "1,23", "12,3456", ",123", "1e5", "-", ".", "1 2", "--1", "NaN"}) {
    CAPTURE(bad);
    CHECK(ParseDecimal(bad, 2, &units) == DecimalParse::kFormat);
  }
  CHECK(ParseDecimal("10000000000000", 2, &units) == DecimalParse::kOk);
  CHECK(ParseDecimal("10000000000001", 2, &units) == DecimalParse::kTooLarge);
  CHECK(ParseDecimal("99999999999999999999999", 2, &units) == DecimalParse::kTooLarge);
}

TEST_CASE("decimal formatting") {
  CHECK(FormatDecimal(123456, 2, 2, true) == "1,234.56");
  CHECK(FormatDecimal(123456789, 2, 2, true) == "1,234,567.89");
  CHECK(FormatDecimal(-5, 2, 2) == "-0.05");
  CHECK(FormatDecimal(0, 2, 2) == "0.00");
  CHECK(FormatDecimal(1200, 2, 0) == "12");
  CHECK(FormatDecimalTrimmed(125000, 4, 0) == "12.5");
  CHECK(FormatDecimalTrimmed(120000, 4, 0) == "12");
  CHECK(FormatDecimalTrimmed(123456, 4, 0) == "12.3456");
  CHECK(FormatDecimalTrimmed(1200, 2, 2) == "12.00");
}

}  // namespace
}  // namespace gongkai
