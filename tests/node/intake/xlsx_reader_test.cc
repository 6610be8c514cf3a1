#include "node/intake/xlsx_reader.h"

#include <doctest/doctest.h>

#include "node/intake/import_limits.h"
#include "tests/node/xlsx_builder.h"

namespace gongkai {
namespace {

using testing::BuildXlsx;
using testing::SharedCell;
using testing::XlsxFromRows;
using testing::XlsxParts;

TEST_CASE("a built workbook reads back: shared strings, numbers, dates, gaps") {
  std::string bytes = XlsxFromRows({
      {"××村2024年财务收支公开表"},
      {"日期", "摘要", "收入"},
      {"d:45474", "卖树苗", "n:1234.5"},
      {"d:45475", "n:42", "n:0.1"},
  });
  Result<ImportSheet> sheet = ReadXlsx(bytes, "f.xlsx");
  REQUIRE(sheet.ok());
  CHECK(sheet->source == SheetSource::kXlsx);
  REQUIRE(sheet->rows.size() == 4);
  CHECK(sheet->rows[0].cells[0] == "××村2024年财务收支公开表");
  CHECK(sheet->rows[2].cells[0] == "2024-07-01");
  CHECK(sheet->rows[2].cells[1] == "卖树苗");
  CHECK(sheet->rows[2].cells[2] == "1234.5");
  CHECK(sheet->rows[3].cells[1] == "42");
  CHECK(sheet->rows[3].cells[2] == "0.1");
}

TEST_CASE("cell references with gaps, inline strings, rich text, phonetic runs, types") {
  XlsxParts parts;
  parts.shared_strings = {"甲"};
  parts.sheet_data =
      "<row r=\"2\">" + SharedCell("C2", 0) +
      "<c r=\"E2\" t=\"inlineStr\"><is><r><t>张</t></r><r><t>三</t></r>"
      "<rPh sb=\"0\" eb=\"1\"><t>zhang</t></rPh></is></c></row>"
      "<row r=\"5\"><c r=\"A5\" t=\"b\"><v>1</v></c><c r=\"B5\" t=\"str\"><f>A1</f><v>公式</v></c>"
      "<c r=\"C5\" t=\"e\"><v>#N/A</v></c><c r=\"D5\" s=\"2\"><v>45566</v></c>"
      "<c r=\"E5\"><v>410381199001011234</v></c><c r=\"F5\"><v>1234.5600000000001</v></c></row>"
      "<row><c><v>7</v></c><c><v>8</v></c></row>";
  Result<ImportSheet> sheet = ReadXlsx(BuildXlsx(parts), "g.xlsx");
  REQUIRE(sheet.ok());
  REQUIRE(sheet->rows.size() == 3);
  CHECK(sheet->rows[0].number == 2);
  REQUIRE(sheet->rows[0].cells.size() == 5);
  CHECK(sheet->rows[0].cells[0] == "");
  CHECK(sheet->rows[0].cells[2] == "甲");
  CHECK(sheet->rows[0].cells[4] == "张三");
  CHECK(sheet->rows[1].number == 5);
  CHECK(sheet->rows[1].cells[0] == "TRUE");
  CHECK(sheet->rows[1].cells[1] == "公式");
  CHECK(sheet->rows[1].cells[2] == "#N/A");
  CHECK(sheet->rows[1].cells[3] == "2024-10-01");  // custom format yyyy"年"m"月"d"日"
  CHECK(sheet->rows[1].cells[4] == "4.10381199001011E+17");
  CHECK(sheet->rows[1].cells[5] == "1234.56");
  CHECK(sheet->rows[2].number == 6);
  CHECK(sheet->rows[2].cells[1] == "8");
}

TEST_CASE("the 1904 date system and archives with data descriptors") {
  XlsxParts parts;
  parts.date1904 = true;
  parts.seekable = false;
  parts.sheet_data = "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>0</v></c></row>";
  Result<ImportSheet> sheet = ReadXlsx(BuildXlsx(parts), "m.xlsx");
  REQUIRE(sheet.ok());
  CHECK(sheet->date1904);
  CHECK(sheet->rows[0].cells[0] == "1904-01-01");
}

TEST_CASE("garbage, a corrupt zip, a zip without a sheet, bad XML are xlsx_format") {
  CHECK(ReadXlsx("hello", "a.xlsx").status().code() == kErrImportXlsxFormat);
  std::string good = XlsxFromRows({{"a", "b"}});
  std::string truncated = good.substr(0, good.size() / 2);
  CHECK(ReadXlsx(truncated, "a.xlsx").status().code() == kErrImportXlsxFormat);
  std::string flipped = good;
  for (std::size_t i = 200; i < flipped.size() - 200; i += 7) flipped[i] ^= 0x5A;
  CHECK(ReadXlsx(flipped, "a.xlsx").status().code() == kErrImportXlsxFormat);
  XlsxParts no_sheet;
  no_sheet.include_sheet = false;
  ImportError error;
  Result<ImportSheet> missing = ReadXlsx(BuildXlsx(no_sheet), "n.xlsx", &error);
  CHECK(missing.status().code() == kErrImportXlsxFormat);
  CHECK(error.message.find("n.xlsx") == 0);
  XlsxParts bad_xml;
  bad_xml.sheet_data = "<row r=\"1\"><c r=\"A1\"><v>1</c></row>";
  CHECK(ReadXlsx(BuildXlsx(bad_xml), "x.xlsx").status().code() == kErrImportXlsxFormat);
  XlsxParts bad_ref;
  bad_ref.sheet_data = "<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>";
  CHECK(ReadXlsx(BuildXlsx(bad_ref), "x.xlsx").status().code() == kErrImportXlsxFormat);
  XlsxParts bad_shared;
  bad_shared.sheet_data = "<row r=\"1\">" + SharedCell("A1", 5) + "</row>";
  CHECK(ReadXlsx(BuildXlsx(bad_shared), "x.xlsx").status().code() == kErrImportXlsxFormat);
  XlsxParts empty;
  CHECK(ReadXlsx(BuildXlsx(empty), "x.xlsx").status().code() == kErrImportEmpty);
}

// Rewrites the uncompressed size the archive declares for `name` (local header and
// central directory), as a zip bomb would.
std::string LieAboutSize(std::string zip, const std::string& name, uint32_t size) {
  auto put = [&](std::size_t at) {
    for (int i = 0; i < 4; ++i) zip[at + i] = static_cast<char>((size >> (8 * i)) & 0xFF);
  };
  for (std::size_t at = zip.find("PK\x03\x04"); at != std::string::npos;
       at = zip.find("PK\x03\x04", at + 4)) {
    if (zip.compare(at + 30, name.size(), name) == 0) put(at + 22);
  }
  for (std::size_t at = zip.find("PK\x01\x02"); at != std::string::npos;
       at = zip.find("PK\x01\x02", at + 4)) {
    if (zip.compare(at + 46, name.size(), name) == 0) put(at + 24);
  }
  return zip;
}

TEST_CASE("part size limit: declared size at the limit and past it, and a lying size") {
  XlsxParts parts;
  for (int r = 1; r <= 2000; ++r) {
    parts.sheet_data += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) +
                        "\"><v>" + std::to_string(r) + "</v></c></row>";
  }
  std::string bytes = BuildXlsx(parts);
  // The sheet part's real size.
  std::string sheet_xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<sheetData>" +
      parts.sheet_data + "</sheetData></worksheet>";
  const uint64_t size = sheet_xml.size();
  CHECK(ReadXlsx(bytes, "z.xlsx", nullptr, size).ok());
  Result<ImportSheet> past = ReadXlsx(bytes, "z.xlsx", nullptr, size - 1);
  CHECK(past.status().code() == kErrImportXlsxTooLarge);
  CHECK(past.status().kind() == StatusKind::kTooLarge);
  // The archive claims 100 bytes; the bytes are counted while inflating.
  std::string liar = LieAboutSize(bytes, "xl/worksheets/sheet1.xml", 100);
  CHECK(ReadXlsx(liar, "z.xlsx", nullptr, 1000).status().code() == kErrImportXlsxTooLarge);
}

TEST_CASE("columns past the limit with content are refused") {
  XlsxParts parts;
  parts.sheet_data = "<row r=\"1\"><c r=\"BL1\"><v>1</v></c></row>";  // column 64
  CHECK(ReadXlsx(BuildXlsx(parts), "c.xlsx").ok());
  parts.sheet_data = "<row r=\"1\"><c r=\"BM1\"><v>1</v></c></row>";  // column 65
  CHECK(ReadXlsx(BuildXlsx(parts), "c.xlsx").status().code() == kErrImportTooManyColumns);
}

TEST_CASE("a cell past the field limit is refused") {
  XlsxParts parts;
  std::string at(kMaxFieldBytes, 'x');
  parts.sheet_data =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>" + at + "</t></is></c></row>";
  CHECK(ReadXlsx(BuildXlsx(parts), "c.xlsx").ok());
  parts.sheet_data =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>" + at + "x</t></is></c></row>";
  CHECK(ReadXlsx(BuildXlsx(parts), "c.xlsx").status().code() == kErrImportFieldTooLong);
}

}  // namespace
}  // namespace gongkai
