// Test helper: builds small but complete XLSX workbooks with Poco::Zip, so the reader is
// tested against real archives.
#ifndef GONGKAI_TESTS_NODE_XLSX_BUILDER_H_
#define GONGKAI_TESTS_NODE_XLSX_BUILDER_H_

#include <Poco/DateTime.h>
#include <Poco/Path.h>
#include <Poco/Zip/Compress.h>

#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace gongkai::testing {

struct XlsxParts {
  std::string sheet_data;                   // inner XML of <sheetData>
  std::vector<std::string> shared_strings;  // xl/sharedStrings.xml (omitted when empty)
  std::string num_fmts;                     // inner XML of <numFmts>
  // Inner XML of <cellXfs>: index 0 General, 1 builtin date (14), 2 custom 164.
  std::string cell_xfs =
      "<xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
      "<xf numFmtId=\"164\" applyNumberFormat=\"1\"/>";
  bool date1904 = false;
  bool include_sheet = true;
  bool seekable = true;  // false: Poco writes data descriptors instead of sizes
  std::vector<std::pair<std::string, std::string>> extra;  // more entries
};

inline std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

inline std::string BuildXlsx(const XlsxParts& parts) {
  std::vector<std::pair<std::string, std::string>> entries;
  entries.emplace_back(
      "[Content_Types].xml",
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" "
      "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      "<Override PartName=\"/xl/workbook.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
      "<Override PartName=\"/xl/worksheets/sheet1.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
      "</Types>");
  entries.emplace_back(
      "_rels/.rels",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
      "Target=\"xl/workbook.xml\"/>"
      "</Relationships>");
  entries.emplace_back(
      "xl/workbook.xml",
      std::string(
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
          "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
          "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">") +
          (parts.date1904 ? "<workbookPr date1904=\"1\"/>" : "<workbookPr/>") +
          "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
  entries.emplace_back(
      "xl/_rels/workbook.xml.rels",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
      "Target=\"worksheets/sheet1.xml\"/>"
      "<Relationship Id=\"rId2\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
      "Target=\"styles.xml\"/>"
      "<Relationship Id=\"rId3\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
      "Target=\"sharedStrings.xml\"/>"
      "</Relationships>");
  if (parts.include_sheet) {
    entries.emplace_back(
        "xl/worksheets/sheet1.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<sheetData>" +
            parts.sheet_data + "</sheetData></worksheet>");
  }
  if (!parts.shared_strings.empty()) {
    std::string sst =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">";
    for (const std::string& s : parts.shared_strings) sst += "<si><t>" + XmlEscape(s) + "</t></si>";
    entries.emplace_back("xl/sharedStrings.xml", sst + "</sst>");
  }
  entries.emplace_back(
      "xl/styles.xml",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<numFmts>" +
          (parts.num_fmts.empty()
               ? std::string("<numFmt numFmtId=\"164\" "
                             "formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>")
               : parts.num_fmts) +
          "</numFmts><cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs>" + parts.cell_xfs +
          "</cellXfs></styleSheet>");
  for (const auto& e : parts.extra) entries.push_back(e);

  std::ostringstream out;
  Poco::Zip::Compress compress(out, parts.seekable);
  for (const auto& [name, content] : entries) {
    std::istringstream in(content);
    compress.addFile(in, Poco::DateTime(2024, 7, 1), Poco::Path(name, Poco::Path::PATH_UNIX));
  }
  compress.close();
  return out.str();
}

// A cell holding shared string `index`.
inline std::string SharedCell(const std::string& ref, int index) {
  return "<c r=\"" + ref + "\" t=\"s\"><v>" + std::to_string(index) + "</v></c>";
}

// Builds a workbook from rows of text: every cell a shared string, except text starting
// with "n:" (a number cell) or "d:" (a number cell with the builtin date style).
inline std::string XlsxFromRows(const std::vector<std::vector<std::string>>& rows) {
  XlsxParts parts;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string row_xml = "<row r=\"" + std::to_string(r + 1) + "\">";
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const std::string& text = rows[r][c];
      if (text.empty()) continue;
      std::string ref = std::string(1, static_cast<char>('A' + c)) + std::to_string(r + 1);
      if (text.starts_with("n:")) {
        row_xml += "<c r=\"" + ref + "\"><v>" + text.substr(2) + "</v></c>";
      } else if (text.starts_with("d:")) {
        row_xml += "<c r=\"" + ref + "\" s=\"1\"><v>" + text.substr(2) + "</v></c>";
      } else {
        parts.shared_strings.push_back(text);
        row_xml += SharedCell(ref, static_cast<int>(parts.shared_strings.size() - 1));
      }
    }
    parts.sheet_data += row_xml + "</row>";
  }
  return BuildXlsx(parts);
}

}  // namespace gongkai::testing

#endif  // GONGKAI_TESTS_NODE_XLSX_BUILDER_H_
