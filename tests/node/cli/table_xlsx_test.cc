#include "node/cli/table_xlsx.h"

#include <Poco/MemoryStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>
#include <doctest/doctest.h>

#include <sstream>

#include "node/intake/xlsx_reader.h"

namespace gongkai {
namespace {

Table Sample() {
  Table table;
  table.columns = {{"name", "名称"}, {"n", "数"}, {"note", "备注"}, {"ok", "按时"}};
  table.AddRow({"石庙村", TableCell(int64_t{12}), "=1+1", TableCell::Bool(true)});
  table.AddRow({"a<b & \"c\"", TableCell(int64_t{-3}), TableCell::Null(), TableCell::Bool(false)});
  table.AddRow({std::string("bell\x07 tab"), TableCell(int64_t{0}), "", "x"});
  return table;
}

// The text of one part of the zip in `bytes`; "" when it has no such part.
std::string Part(const std::string& bytes, const std::string& name) {
  Poco::MemoryInputStream in(bytes.data(), bytes.size());
  Poco::Zip::ZipArchive archive(in);
  auto header = archive.findHeader(name);
  if (header == archive.headerEnd()) return "";
  Poco::MemoryInputStream again(bytes.data(), bytes.size());
  Poco::Zip::ZipInputStream part(again, header->second, true);
  std::string text;
  Poco::StreamCopier::copyToString(part, text);
  return text;
}

TEST_CASE("an XLSX table reads back with the cells it was given") {
  const std::string bytes = FormatXlsx(Sample(), "年度报告");
  Result<ImportSheet> sheet = ReadXlsx(bytes, "report.xlsx");
  REQUIRE(sheet.ok());
  REQUIRE(sheet->rows.size() == 4);
  CHECK(sheet->rows[0].cells == std::vector<std::string>{"名称", "数", "备注", "按时"});
  CHECK(sheet->rows[1].cells[0] == "石庙村");
  CHECK(sheet->rows[1].cells[1] == "12");
  CHECK(sheet->rows[1].cells[2] == "=1+1");  // text, not a formula
  CHECK(sheet->rows[2].cells[0] == "a<b & \"c\"");
  CHECK(sheet->rows[2].cells[1] == "-3");
  CHECK(sheet->rows[3].cells[0] == "bell tab");  // the control character is dropped
  CHECK(sheet->rows[3].number == 4);
}

TEST_CASE("XLSX cells are typed: numbers, booleans, inline strings; empty cells left out") {
  const std::string sheet = Part(FormatXlsx(Sample(), "x"), "xl/worksheets/sheet1.xml");
  REQUIRE(!sheet.empty());
  CHECK(sheet.find("<c r=\"B2\"><v>12</v></c>") != std::string::npos);
  CHECK(sheet.find("<c r=\"D2\" t=\"b\"><v>1</v></c>") != std::string::npos);
  CHECK(sheet.find("<c r=\"D3\" t=\"b\"><v>0</v></c>") != std::string::npos);
  CHECK(sheet.find("<c r=\"C2\" t=\"inlineStr\"><is><t xml:space=\"preserve\">=1+1</t>") !=
        std::string::npos);
  CHECK(sheet.find("<f>") == std::string::npos);
  CHECK(sheet.find("r=\"C3\"") == std::string::npos);  // null
  CHECK(sheet.find("r=\"C4\"") == std::string::npos);  // empty text
  CHECK(sheet.find("<c r=\"A1\" t=\"inlineStr\" s=\"1\">") != std::string::npos);  // bold header
  CHECK(sheet.find("state=\"frozen\"") != std::string::npos);
}

TEST_CASE("XLSX sheet names: Excel's forbidden characters replaced, 31 characters kept") {
  const std::string workbook =
      Part(FormatXlsx(Sample(), "a/b[c]:d*e?f\\g一二三四五六七八九十一二三四五六七八九十"),
           "xl/workbook.xml");
  CHECK(workbook.find("name=\"a_b_c__d_e_f_g一二三四五六七八九十一二三四五六七\"") !=
        std::string::npos);
  CHECK(Part(FormatXlsx(Sample(), ""), "xl/workbook.xml").find("name=\"Sheet1\"") !=
        std::string::npos);
}

TEST_CASE("the same table gives the same XLSX bytes, and a table with no rows is a header") {
  CHECK(FormatXlsx(Sample(), "x") == FormatXlsx(Sample(), "x"));
  Table empty;
  empty.columns = {{"a", "甲"}};
  Result<ImportSheet> sheet = ReadXlsx(FormatXlsx(empty, "x"), "e.xlsx");
  REQUIRE(sheet.ok());
  REQUIRE(sheet->rows.size() == 1);
  CHECK(sheet->rows[0].cells == std::vector<std::string>{"甲"});
}

}  // namespace
}  // namespace gongkai
