#include "printing/sheet.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

Sheet TwoColumnSheet(size_t rows) {
  Sheet sheet;
  sheet.title = "测试";
  Column name;
  name.header = "姓名";
  Column amount;
  amount.header = "金额";
  amount.numeric = true;
  amount.sum = true;
  sheet.columns = {name, amount};
  sheet.rows.assign(rows, Row{Cell::Text("王"), Cell::Number(100)});
  return sheet;
}

TEST_CASE("FormatScaled groups thousands and keeps the decimals") {
  CHECK(FormatScaled(123456, 2) == "1,234.56");
  CHECK(FormatScaled(5, 2) == "0.05");
  CHECK(FormatScaled(-5, 2) == "-0.05");
  CHECK(FormatScaled(0, 2) == "0.00");
  CHECK(FormatScaled(12, 0) == "12");
  CHECK(FormatScaled(100000000, 2) == "1,000,000.00");
  CHECK(FormatScaled(12345, 4) == "1.2345");
}

TEST_CASE("category labels") {
  CHECK(SheetCategoryLabel(SheetCategory::kSubsidy) == "惠农补贴公示");
  CHECK(SheetCategoryLabel(SheetCategory::kFinance) == "财务公开");
  CHECK(SheetCategoryLabel(SheetCategory::kAffairs) == "村务公开");
}

TEST_CASE("row limit: at the limit passes, one past fails") {
  CHECK(ValidateSheet(TwoColumnSheet(kMaxSheetRows)).ok());
  Status s = ValidateSheet(TwoColumnSheet(kMaxSheetRows + 1));
  CHECK(s.code() == kErrSheetTooManyRows);
  CHECK(s.kind() == StatusKind::kTooLarge);
}

TEST_CASE("column limit") {
  Sheet sheet = TwoColumnSheet(1);
  sheet.rows.clear();
  sheet.columns.resize(kMaxSheetColumns);
  CHECK(ValidateSheet(sheet).ok());
  sheet.columns.resize(kMaxSheetColumns + 1);
  CHECK(ValidateSheet(sheet).code() == kErrSheetTooManyColumns);
}

TEST_CASE("cell length limit names row and column") {
  Sheet sheet = TwoColumnSheet(3);
  sheet.rows[2][0].text.assign(kMaxCellBytes, 'a');
  CHECK(ValidateSheet(sheet).ok());
  sheet.rows[2][0].text.assign(kMaxCellBytes + 1, 'a');
  Status s = ValidateSheet(sheet);
  CHECK(s.code() == kErrSheetCellTooLong);
  CHECK(s.message().find("第 3 行“姓名”") != std::string::npos);
}

TEST_CASE("QR payload limit") {
  Sheet sheet = TwoColumnSheet(1);
  sheet.qr_payload.assign(kMaxQrPayloadBytes, 'x');
  CHECK(ValidateSheet(sheet).ok());
  sheet.qr_payload.push_back('x');
  CHECK(ValidateSheet(sheet).code() == kErrSheetQrPayload);
}

TEST_CASE("paragraph limits") {
  Sheet sheet = TwoColumnSheet(0);
  sheet.paragraphs.assign(kMaxParagraphs, "段");
  CHECK(ValidateSheet(sheet).ok());
  sheet.paragraphs.push_back("段");
  CHECK(ValidateSheet(sheet).code() == kErrSheetParagraph);
  sheet.paragraphs.assign(1, std::string(kMaxParagraphBytes, 'a'));
  CHECK(ValidateSheet(sheet).ok());
  sheet.paragraphs[0].push_back('a');
  CHECK(ValidateSheet(sheet).code() == kErrSheetParagraph);
}

TEST_CASE("shape errors") {
  Sheet sheet = TwoColumnSheet(2);
  sheet.title.clear();
  CHECK(ValidateSheet(sheet).code() == kErrSheetNoTitle);

  sheet = TwoColumnSheet(2);
  sheet.rows[1].pop_back();
  CHECK(ValidateSheet(sheet).code() == kErrSheetRowWidth);

  sheet = TwoColumnSheet(2);
  sheet.rows[0][1] = Cell::Text("100");
  CHECK(ValidateSheet(sheet).code() == kErrSheetNumericCell);
  sheet = TwoColumnSheet(2);
  sheet.rows[0][0] = Cell::Number(1);
  CHECK(ValidateSheet(sheet).code() == kErrSheetNumericCell);

  sheet = TwoColumnSheet(2);
  sheet.columns[0].sum = true;  // a text column cannot sum
  CHECK(ValidateSheet(sheet).code() == kErrSheetColumn);
  sheet = TwoColumnSheet(2);
  sheet.columns[1].decimals = kMaxDecimals + 1;
  CHECK(ValidateSheet(sheet).code() == kErrSheetColumn);
  sheet = TwoColumnSheet(2);
  sheet.columns[1].weight = 0;
  CHECK(ValidateSheet(sheet).code() == kErrSheetColumn);
}

}  // namespace
}  // namespace gongkai
