#include "node/intake/csv_reader.h"

#include <doctest/doctest.h>

#include "node/intake/import_limits.h"

namespace gongkai {
namespace {

TEST_CASE("RFC 4180: quotes, doubled quotes, CRLF, newlines inside quotes") {
  Result<ImportSheet> sheet = ParseCsv(
      "姓名,备注\r\n\"张三\",\"说\"\"好\"\"的\"\r\n李四,\"两行\n内容\"\r\n王五,x\r\n", "a.csv");
  REQUIRE(sheet.ok());
  REQUIRE(sheet->rows.size() == 4);
  CHECK(sheet->rows[1].cells[1] == "说\"好\"的");
  CHECK(sheet->rows[2].cells[1] == "两行\n内容");
  // The record with the embedded newline is still one Excel row.
  CHECK(sheet->rows[3].number == 4);
  CHECK(sheet->rows[3].cells[0] == "王五");
}

TEST_CASE("sep= line, trailing empty lines and fields, blank rows keep numbering") {
  Result<ImportSheet> sheet = ParseCsv("sep=;\na;b;;\n\n c ; \"d\" \n\n\n", "a.csv");
  REQUIRE(sheet.ok());
  REQUIRE(sheet->rows.size() == 2);
  CHECK(sheet->rows[0].number == 1);
  CHECK(sheet->rows[0].cells.size() == 2);
  CHECK(sheet->rows[1].number == 3);
  CHECK(sheet->rows[1].cells[0] == "c");
  // A quote after a space is text, as in Excel.
  CHECK(sheet->rows[1].cells[1] == "\"d\"");
}

TEST_CASE("a file whose first line has tabs and no commas is TSV; lone CR ends a line") {
  Result<ImportSheet> tsv = ParseCsv("姓名\t金额\n张三\t1,000.00\n", "a.txt");
  REQUIRE(tsv.ok());
  CHECK(tsv->rows[1].cells[1] == "1,000.00");
  Result<ImportSheet> mac = ParseCsv("a,b\rc,d\r", "a.csv");
  REQUIRE(mac.ok());
  CHECK(mac->rows.size() == 2);
}

TEST_CASE("full-width and no-break spaces are trimmed from cells") {
  Result<ImportSheet> sheet = ParseCsv("\u3000张三\u00A0,x\n", "a.csv");
  REQUIRE(sheet.ok());
  CHECK(sheet->rows[0].cells[0] == "张三");
}

TEST_CASE("an unterminated or misplaced quote is refused naming the row") {
  ImportError error;
  Result<ImportSheet> open = ParseCsv("a,b\nc,\"d\n", "q.csv", &error);
  REQUIRE_FALSE(open.ok());
  CHECK(open.status().code() == kErrImportCsvQuote);
  CHECK(error.message.find("第2行") != std::string::npos);
  CHECK(ParseCsv("a,\"b\"c\n", "q.csv").status().code() == kErrImportCsvQuote);
  // A quote inside an unquoted field is kept, as Excel does.
  CHECK(ParseCsv("a,b\"c\n", "q.csv")->rows[0].cells[1] == "b\"c");
}

TEST_CASE("field length limit: at the limit and one past") {
  std::string at(kMaxFieldBytes, 'x');
  CHECK(ParseCsv("a," + at + "\n", "f.csv").ok());
  CHECK(ParseCsv("a,\"" + at + "\"\n", "f.csv").ok());
  Result<ImportSheet> past = ParseCsv("a," + at + "x\n", "f.csv");
  CHECK(past.status().code() == kErrImportFieldTooLong);
  CHECK(past.status().kind() == StatusKind::kTooLarge);
  CHECK(ParseCsv("a,\"" + at + "x\"\n", "f.csv").status().code() == kErrImportFieldTooLong);
}

TEST_CASE("column limit: at the limit, past it with empty cells, past it with content") {
  std::string at;
  for (std::size_t i = 0; i < kMaxColumns; ++i) at += (i ? ",v" : "v");
  Result<ImportSheet> ok = ParseCsv(at + "\n", "c.csv");
  REQUIRE(ok.ok());
  CHECK(ok->rows[0].cells.size() == kMaxColumns);
  CHECK(ParseCsv(at + ",,,,\n", "c.csv").ok());
  CHECK(ParseCsv(at + ",x\n", "c.csv").status().code() == kErrImportTooManyColumns);
}

TEST_CASE("row limit: kMaxReadRows non-blank rows read, one more refused") {
  std::string text;
  text.reserve(static_cast<std::size_t>(kMaxReadRows + 1) * 2);
  for (int64_t i = 0; i < kMaxReadRows; ++i) text += "1\n";
  CHECK(ParseCsv(text, "r.csv")->rows.size() == static_cast<std::size_t>(kMaxReadRows));
  text += "1\n";
  CHECK(ParseCsv(text, "r.csv").status().code() == kErrImportTooManyRows);
}

TEST_CASE("a file of only blank lines is empty") {
  CHECK(ParseCsv("\n\r\n , \n", "e.csv").status().code() == kErrImportEmpty);
}

}  // namespace
}  // namespace gongkai
