// FormatXlsx (node/cli/table_xlsx.h). The parts are the smallest set Excel, WPS and
// LibreOffice open without repair: [Content_Types].xml, the package and workbook
// relationships, the workbook, styles (normal and bold) and one worksheet.
#include "node/cli/table_xlsx.h"

#include <Poco/DateTime.h>
#include <Poco/Path.h>
#include <Poco/Zip/Compress.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "node/intake/sheet.h"

namespace gongkai {

namespace {

constexpr size_t kMaxSheetNameChars = 31;
constexpr size_t kMaxColumnWidth = 60;

// `text` escaped for XML element content and attribute values; C0 controls XML 1.0 cannot
// hold are dropped.
std::string XmlText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

// At most kMaxSheetNameChars characters (UTF-8 code points), Excel's forbidden ones replaced.
std::string SheetName(std::string_view name) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < name.size() && chars < kMaxSheetNameChars; ++chars) {
    size_t length = 1;
    const unsigned char lead = static_cast<unsigned char>(name[i]);
    if (lead >= 0xF0) {
      length = 4;
    } else if (lead >= 0xE0) {
      length = 3;
    } else if (lead >= 0xC0) {
      length = 2;
    }
    std::string_view ch = name.substr(i, length);
    if (ch.size() == 1 && std::string_view("\\/?*[]:").find(ch[0]) != std::string_view::npos) {
      out += '_';
    } else {
      out += ch;
    }
    i += length;
  }
  return out.empty() ? "Sheet1" : out;
}

std::string CellXml(const TableCell& cell, const std::string& ref, bool header) {
  if (cell.is_null() || (cell.text().empty() && !header)) return "";
  if (cell.is_number()) return "<c r=\"" + ref + "\"><v>" + cell.text() + "</v></c>";
  if (cell.is_bool()) {
    return "<c r=\"" + ref + "\" t=\"b\"><v>" + (cell.text() == "true" ? "1" : "0") + "</v></c>";
  }
  return "<c r=\"" + ref + "\" t=\"inlineStr\"" + (header ? " s=\"1\"" : "") +
         "><is><t xml:space=\"preserve\">" + XmlText(cell.text()) + "</t></is></c>";
}

std::string WorksheetXml(const Table& table) {
  std::vector<size_t> widths(table.columns.size(), 4);
  for (size_t c = 0; c < table.columns.size(); ++c) {
    widths[c] = std::max(widths[c], DisplayWidth(table.columns[c].title));
    for (const auto& row : table.rows) widths[c] = std::max(widths[c], DisplayWidth(row[c].text()));
    widths[c] = std::min(widths[c] + 2, kMaxColumnWidth);
  }
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" "
      "activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>";
  if (!widths.empty()) {
    xml += "<cols>";
    for (size_t c = 0; c < widths.size(); ++c) {
      const std::string n = std::to_string(c + 1);
      xml += "<col min=\"" + n + "\" max=\"" + n + "\" width=\"" + std::to_string(widths[c]) +
             "\" customWidth=\"1\"/>";
    }
    xml += "</cols>";
  }
  xml += "<sheetData><row r=\"1\">";
  for (size_t c = 0; c < table.columns.size(); ++c) {
    xml += CellXml(TableCell(table.columns[c].title), ExcelColumnName(c) + "1", true);
  }
  xml += "</row>";
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const std::string number = std::to_string(r + 2);
    xml += "<row r=\"" + number + "\">";
    for (size_t c = 0; c < table.rows[r].size(); ++c) {
      xml += CellXml(table.rows[r][c], ExcelColumnName(c) + number, false);
    }
    xml += "</row>";
  }
  xml += "</sheetData></worksheet>";
  return xml;
}

constexpr char kContentTypes[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/xl/workbook.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet1.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
    "<Override PartName=\"/xl/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
    "</Types>";

constexpr char kPackageRels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"xl/workbook.xml\"/></Relationships>";

constexpr char kWorkbookRels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/></Relationships>";

constexpr char kStyles[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"等线\"/></font>"
    "<font><b/><sz val=\"11\"/><name val=\"等线\"/></font></fonts>"
    "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
    "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
    "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>"
    "</cellStyleXfs>"
    "<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"
    "</cellXfs></styleSheet>";

void AddPart(Poco::Zip::Compress& zip, const std::string& name, const std::string& content) {
  std::istringstream in(content);
  zip.addFile(in, Poco::DateTime(1980, 1, 1), Poco::Path(name, Poco::Path::PATH_UNIX),
              Poco::Zip::ZipCommon::CM_DEFLATE, Poco::Zip::ZipCommon::CL_NORMAL);
}

}  // namespace

std::string FormatXlsx(const Table& table, std::string_view sheet_name) {
  const std::string workbook =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
      "<sheets><sheet name=\"" +
      XmlText(SheetName(sheet_name)) + "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
  std::stringstream out(std::ios::in | std::ios::out | std::ios::binary);
  Poco::Zip::Compress zip(out, true);
  AddPart(zip, "[Content_Types].xml", kContentTypes);
  AddPart(zip, "_rels/.rels", kPackageRels);
  AddPart(zip, "xl/workbook.xml", workbook);
  AddPart(zip, "xl/_rels/workbook.xml.rels", kWorkbookRels);
  AddPart(zip, "xl/styles.xml", kStyles);
  AddPart(zip, "xl/worksheets/sheet1.xml", WorksheetXml(table));
  zip.close();
  return out.str();
}

}  // namespace gongkai
