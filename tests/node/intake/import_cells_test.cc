#include "node/intake/import_cells.h"

#include <doctest/doctest.h>

#include "node/intake/decimal.h"
#include "node/intake/import_limits.h"

namespace gongkai {
namespace {

TEST_CASE("amount cells: value, empty, each error code") {
  ImportErrorList errors;
  CellPlace place{"a.csv", 3, "金额(元)"};
  CHECK(ParseAmountCell("1,234.50", kMoneyScale, place, &errors) == 123450);
  CHECK(ParseAmountCell("", kMoneyScale, place, &errors) == std::nullopt);
  CHECK(errors.empty());
  CHECK(ParseAmountCell("1.234", kMoneyScale, place, &errors) == std::nullopt);
  CHECK(ParseAmountCell("abc", kMoneyScale, place, &errors) == std::nullopt);
  CHECK(ParseAmountCell("-1", kMoneyScale, place, &errors) == std::nullopt);
  CHECK(ParseAmountCell("1.23456", kAreaScale, place, &errors) == std::nullopt);
  REQUIRE(errors.errors().size() == 4);
  CHECK(errors.errors()[0].code == kErrImportAmountFormat);
  CHECK(errors.errors()[0].message == "a.csv 第3行 “金额(元)”列：“1.234”的小数位数过多（最多2位）");
  CHECK(errors.errors()[1].code == kErrImportAmountFormat);
  CHECK(errors.errors()[2].code == kErrImportNegativeAmount);
  CHECK(errors.errors()[3].code == kErrImportAreaFormat);
}

TEST_CASE("totals rows and the data-row limit") {
  CHECK(IsTotalsRow({5, {"", "合 计", "100"}}));
  CHECK(IsTotalsRow({5, {"本月合计"}}));
  CHECK_FALSE(IsTotalsRow({5, {"1", "合计"}}));
  ImportErrorList errors;
  CHECK(CheckRowCount(kMaxImportRows, "a.csv", &errors));
  CHECK_FALSE(CheckRowCount(kMaxImportRows + 1, "a.csv", &errors));
  CHECK(errors.errors().at(0).code == kErrImportTooManyRows);
  CHECK(FormatYuan(123456789) == "1,234,567.89");
}

}  // namespace
}  // namespace gongkai
