// Internal to xlsx_reader.cc: SAX handlers for the parts of an XLSX workbook. Each handler
// records the first failure (code, row, detail) and then ignores further events, because
// exceptions must not be thrown through the C XML parser underneath Poco.
#ifndef GONGKAI_NODE_INTAKE_XLSX_PARTS_H_
#define GONGKAI_NODE_INTAKE_XLSX_PARTS_H_

#include <Poco/SAX/DefaultHandler.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "node/intake/sheet.h"

namespace gongkai {

class XlsxHandler : public Poco::XML::DefaultHandler {
 public:
  bool failed() const { return !fail_code_.empty(); }
  const std::string& fail_code() const { return fail_code_; }
  int64_t fail_row() const { return fail_row_; }
  const std::string& fail_detail() const { return fail_detail_; }

 protected:
  void Fail(const char* code, int64_t row, std::string detail);

 private:
  std::string fail_code_;
  int64_t fail_row_ = 0;
  std::string fail_detail_;
};

// xl/workbook.xml: the relationship id of the first sheet, and the 1904 date system flag.
class WorkbookHandler : public XlsxHandler {
 public:
  void startElement(const std::string& uri, const std::string& local_name, const std::string& qname,
                    const Poco::XML::Attributes& attrs) override;
  std::string first_sheet_rel_id;
  std::string first_sheet_name;
  bool date1904 = false;
};

// xl/_rels/workbook.xml.rels: relationship id -> target path inside the archive.
class RelsHandler : public XlsxHandler {
 public:
  void startElement(const std::string& uri, const std::string& local_name, const std::string& qname,
                    const Poco::XML::Attributes& attrs) override;
  std::map<std::string, std::string> targets;  // "rId1" -> "xl/worksheets/sheet1.xml"
};

// xl/sharedStrings.xml: the string table (<si> items; <rPh> phonetic runs are skipped).
class SharedStringsHandler : public XlsxHandler {
 public:
  void startElement(const std::string& uri, const std::string& local_name, const std::string& qname,
                    const Poco::XML::Attributes& attrs) override;
  void endElement(const std::string& uri, const std::string& local_name,
                  const std::string& qname) override;
  void characters(const Poco::XML::XMLChar ch[], int start, int length) override;
  std::vector<std::string> strings;

 private:
  bool in_si_ = false;
  bool in_t_ = false;
  int rph_depth_ = 0;
  std::string current_;
};

// xl/styles.xml: for each cell format (<cellXfs>/<xf>), whether it shows a date.
class StylesHandler : public XlsxHandler {
 public:
  void startElement(const std::string& uri, const std::string& local_name, const std::string& qname,
                    const Poco::XML::Attributes& attrs) override;
  void endElement(const std::string& uri, const std::string& local_name,
                  const std::string& qname) override;
  std::vector<bool> xf_is_date;

 private:
  std::map<int, std::string> custom_formats_;
  bool in_cell_xfs_ = false;
};

// True when an Excel number format code shows a date (y, d, or the CJK 年/日 outside quotes,
// brackets and escapes; builtin ids are handled by the caller).
bool IsDateFormatCode(const std::string& code);
bool IsBuiltinDateFormat(int id);

// Formats a numeric cell as Excel's General format shows it (see xlsx_reader.h).
std::string FormatExcelNumber(double value);

// The worksheet: rows of cells.
class WorksheetHandler : public XlsxHandler {
 public:
  WorksheetHandler(const std::vector<std::string>* shared, const std::vector<bool>* xf_is_date,
                   bool date1904)
      : shared_(shared), xf_is_date_(xf_is_date), date1904_(date1904) {}
  void startElement(const std::string& uri, const std::string& local_name, const std::string& qname,
                    const Poco::XML::Attributes& attrs) override;
  void endElement(const std::string& uri, const std::string& local_name,
                  const std::string& qname) override;
  void characters(const Poco::XML::XMLChar ch[], int start, int length) override;
  std::vector<SheetRow> rows;

 private:
  void EndCell();
  void EndRow();

  const std::vector<std::string>* shared_;
  const std::vector<bool>* xf_is_date_;
  bool date1904_;
  bool in_row_ = false;
  int64_t row_number_ = 0;
  std::vector<std::string> cells_;
  bool in_cell_ = false;
  int64_t column_ = -1;
  std::string type_;
  int64_t style_ = 0;
  bool in_v_ = false;
  bool in_is_ = false;
  bool in_t_ = false;
  int rph_depth_ = 0;
  std::string text_;
};

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_XLSX_PARTS_H_
