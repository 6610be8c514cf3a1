#include "node/intake/xlsx_parts.h"

#include <Poco/SAX/Attributes.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "node/intake/calendar.h"
#include "node/intake/import_error.h"
#include "node/intake/import_limits.h"

namespace gongkai {
namespace {

// Excel's last row; a reference past it is corrupt.
constexpr int64_t kMaxExcelRow = 1048576;

// Attribute by local name (namespace-agnostic: writers use r:id, or a default namespace).
const std::string* Attr(const Poco::XML::Attributes& attrs, std::string_view name) {
  for (int i = 0; i < attrs.getLength(); ++i) {
    if (attrs.getLocalName(i) == name) return &attrs.getValue(i);
  }
  return nullptr;
}

bool ParseInt(const std::string& text, int64_t max, int64_t* out) {
  if (text.empty() || text.size() > 10) return false;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value > max) return false;
  *out = value;
  return true;
}

// "B12" -> column 1, row 12.
bool ParseCellRef(const std::string& ref, int64_t* column, int64_t* row) {
  std::size_t i = 0;
  int64_t col = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && i < 3) {
    col = col * 26 + (ref[i] - 'A' + 1);
    ++i;
  }
  if (i == 0 || col > 16384) return false;
  if (!ParseInt(ref.substr(i), kMaxExcelRow, row) || *row < 1) return false;
  *column = col - 1;
  return true;
}

}  // namespace

void XlsxHandler::Fail(const char* code, int64_t row, std::string detail) {
  if (failed()) return;
  fail_code_ = code;
  fail_row_ = row;
  fail_detail_ = std::move(detail);
}

void WorkbookHandler::startElement(const std::string&, const std::string& local_name,
                                   const std::string&, const Poco::XML::Attributes& attrs) {
  if (local_name == "workbookPr") {
    const std::string* flag = Attr(attrs, "date1904");
    date1904 = flag != nullptr && (*flag == "1" || *flag == "true");
  } else if (local_name == "sheet" && first_sheet_rel_id.empty()) {
    const std::string* id = Attr(attrs, "id");
    const std::string* name = Attr(attrs, "name");
    if (id != nullptr) first_sheet_rel_id = *id;
    if (name != nullptr) first_sheet_name = *name;
  }
}

void RelsHandler::startElement(const std::string&, const std::string& local_name,
                               const std::string&, const Poco::XML::Attributes& attrs) {
  if (local_name != "Relationship") return;
  const std::string* id = Attr(attrs, "Id");
  const std::string* target = Attr(attrs, "Target");
  if (id == nullptr || target == nullptr) return;
  // Targets are relative to xl/ unless absolute within the package.
  targets[*id] = target->starts_with("/") ? target->substr(1) : "xl/" + *target;
}

void SharedStringsHandler::startElement(const std::string&, const std::string& local_name,
                                        const std::string&, const Poco::XML::Attributes&) {
  if (failed()) return;
  if (local_name == "si") {
    in_si_ = true;
    current_.clear();
  } else if (local_name == "rPh") {
    ++rph_depth_;
  } else if (local_name == "t" && in_si_) {
    in_t_ = true;
  }
}

void SharedStringsHandler::endElement(const std::string&, const std::string& local_name,
                                      const std::string&) {
  if (failed()) return;
  if (local_name == "t") {
    in_t_ = false;
  } else if (local_name == "rPh") {
    --rph_depth_;
  } else if (local_name == "si") {
    in_si_ = false;
    if (strings.size() >= kMaxXlsxSharedStrings) {
      return Fail(kErrImportXlsxTooLarge, 0,
                  "共享字符串超过" + std::to_string(kMaxXlsxSharedStrings) + "个");
    }
    strings.push_back(std::move(current_));
    current_.clear();
  }
}

void SharedStringsHandler::characters(const Poco::XML::XMLChar ch[], int start, int length) {
  if (failed() || !in_t_ || rph_depth_ > 0) return;
  current_.append(ch + start, static_cast<std::size_t>(length));
  if (current_.size() > kMaxFieldBytes) {
    Fail(kErrImportFieldTooLong, 0,
         "第" + std::to_string(strings.size() + 1) + "个共享字符串超过" +
             std::to_string(kMaxFieldBytes) + "字节");
  }
}

bool IsBuiltinDateFormat(int id) {
  return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

bool IsDateFormatCode(const std::string& code) {
  bool quoted = false;
  int bracket = 0;
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (quoted) {
      if (c == '"') quoted = false;
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // the next character is a literal or padding
    } else if (c == '[') {
      ++bracket;
    } else if (c == ']') {
      if (bracket > 0) --bracket;
    } else if (bracket == 0 && (c == 'y' || c == 'Y' || c == 'd' || c == 'D')) {
      return true;
    } else if (bracket == 0 && (code.compare(i, 3, "年") == 0 || code.compare(i, 3, "日") == 0)) {
      return true;
    }
  }
  return false;
}

void StylesHandler::startElement(const std::string&, const std::string& local_name,
                                 const std::string&, const Poco::XML::Attributes& attrs) {
  if (local_name == "numFmt") {
    const std::string* id = Attr(attrs, "numFmtId");
    const std::string* code = Attr(attrs, "formatCode");
    int64_t value = 0;
    if (id != nullptr && code != nullptr && ParseInt(*id, 100000, &value)) {
      custom_formats_[static_cast<int>(value)] = *code;
    }
  } else if (local_name == "cellXfs") {
    in_cell_xfs_ = true;
  } else if (local_name == "xf" && in_cell_xfs_) {
    if (xf_is_date.size() >= 65536) return Fail(kErrImportXlsxFormat, 0, "单元格格式过多");
    const std::string* id_text = Attr(attrs, "numFmtId");
    int64_t id = 0;
    bool is_date = false;
    if (id_text != nullptr && ParseInt(*id_text, 100000, &id)) {
      auto custom = custom_formats_.find(static_cast<int>(id));
      is_date = custom != custom_formats_.end() ? IsDateFormatCode(custom->second)
                                                : IsBuiltinDateFormat(static_cast<int>(id));
    }
    xf_is_date.push_back(is_date);
  }
}

void StylesHandler::endElement(const std::string&, const std::string& local_name,
                               const std::string&) {
  if (local_name == "cellXfs") in_cell_xfs_ = false;
}

std::string FormatExcelNumber(double value) {
  char buffer[64];
  double magnitude = std::fabs(value);
  if (value == 0) return "0";
  if (magnitude < 1e15 && value == std::floor(value)) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
    return buffer;
  }
  if (magnitude >= 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.15G", value);
    return buffer;
  }
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  std::string text = buffer;
  if (text.find('e') == std::string::npos) return text;
  // A small number: write it out in full (15 significant digits) rather than 1e-05.
  int exponent = static_cast<int>(std::floor(std::log10(magnitude)));
  int decimals = std::min(30, 14 - exponent);
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  text = buffer;
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

void WorksheetHandler::startElement(const std::string&, const std::string& local_name,
                                    const std::string&, const Poco::XML::Attributes& attrs) {
  if (failed()) return;
  if (local_name == "row") {
    in_row_ = true;
    cells_.clear();
    column_ = -1;
    const std::string* r = Attr(attrs, "r");
    int64_t number = row_number_ + 1;
    if (r != nullptr && (!ParseInt(*r, kMaxExcelRow, &number) || number < 1)) {
      return Fail(kErrImportXlsxFormat, row_number_ + 1, "行号“" + *r + "”无效");
    }
    row_number_ = number;
  } else if (local_name == "c" && in_row_) {
    in_cell_ = true;
    text_.clear();
    const std::string* r = Attr(attrs, "r");
    if (r != nullptr) {
      int64_t row = 0;
      if (!ParseCellRef(*r, &column_, &row) || row != row_number_) {
        return Fail(kErrImportXlsxFormat, row_number_, "单元格引用“" + *r + "”无效");
      }
    } else {
      ++column_;
    }
    const std::string* t = Attr(attrs, "t");
    type_ = t != nullptr ? *t : "n";
    const std::string* s = Attr(attrs, "s");
    style_ = 0;
    if (s != nullptr && !ParseInt(*s, 65535, &style_)) {
      return Fail(kErrImportXlsxFormat, row_number_, "单元格样式“" + *s + "”无效");
    }
  } else if (in_cell_ && local_name == "v") {
    in_v_ = true;
  } else if (in_cell_ && local_name == "is") {
    in_is_ = true;
  } else if (in_is_ && local_name == "rPh") {
    ++rph_depth_;
  } else if (in_is_ && local_name == "t") {
    in_t_ = true;
  }
}

void WorksheetHandler::characters(const Poco::XML::XMLChar ch[], int start, int length) {
  if (failed()) return;
  if (in_v_ || (in_t_ && rph_depth_ == 0)) {
    text_.append(ch + start, static_cast<std::size_t>(length));
    if (text_.size() > kMaxFieldBytes) {
      Fail(kErrImportFieldTooLong, row_number_,
           ExcelColumnName(static_cast<std::size_t>(column_)) + "列的内容超过" +
               std::to_string(kMaxFieldBytes) + "字节");
    }
  }
}

void WorksheetHandler::endElement(const std::string&, const std::string& local_name,
                                  const std::string&) {
  if (failed()) return;
  if (local_name == "v") {
    in_v_ = false;
  } else if (local_name == "t") {
    in_t_ = false;
  } else if (local_name == "rPh") {
    --rph_depth_;
  } else if (local_name == "is") {
    in_is_ = false;
  } else if (local_name == "c" && in_cell_) {
    EndCell();
  } else if (local_name == "row" && in_row_) {
    EndRow();
  }
}

void WorksheetHandler::EndCell() {
  in_cell_ = false;
  std::string value;
  if (type_ == "s") {
    int64_t index = 0;
    if (!ParseInt(std::string(TrimCell(text_)), 1 << 30, &index) ||
        static_cast<std::size_t>(index) >= shared_->size()) {
      return Fail(
          kErrImportXlsxFormat, row_number_,
          ExcelColumnName(static_cast<std::size_t>(column_)) + "列引用了不存在的共享字符串");
    }
    value = (*shared_)[static_cast<std::size_t>(index)];
  } else if (type_ == "b") {
    value = TrimCell(text_) == "1" ? "TRUE" : "FALSE";
  } else if (type_ == "n" && !TrimCell(text_).empty()) {
    std::string number(TrimCell(text_));
    char* end = nullptr;
    double parsed = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size() || !std::isfinite(parsed)) {
      return Fail(
          kErrImportXlsxFormat, row_number_,
          ExcelColumnName(static_cast<std::size_t>(column_)) + "列的数值“" + number + "”无效");
    }
    bool is_date = style_ >= 0 && static_cast<std::size_t>(style_) < xf_is_date_->size() &&
                   (*xf_is_date_)[static_cast<std::size_t>(style_)];
    std::optional<CivilDate> date;
    if (is_date) date = DateFromExcelSerial(parsed, date1904_);
    value = date ? date->ToString() : FormatExcelNumber(parsed);
  } else {
    value = std::move(text_);  // inlineStr, str (formula result), e (#N/A), d (ISO date)
  }
  text_.clear();
  value = std::string(TrimCell(value));
  if (value.empty()) return;
  if (static_cast<std::size_t>(column_) >= kMaxColumns) {
    return Fail(kErrImportTooManyColumns, row_number_,
                "列数超过" + std::to_string(kMaxColumns) + "列（" +
                    ExcelColumnName(static_cast<std::size_t>(column_)) + "列有内容）");
  }
  if (cells_.size() <= static_cast<std::size_t>(column_)) {
    cells_.resize(static_cast<std::size_t>(column_) + 1);
  }
  cells_[static_cast<std::size_t>(column_)] = std::move(value);
}

void WorksheetHandler::EndRow() {
  in_row_ = false;
  if (cells_.empty()) return;
  if (static_cast<int64_t>(rows.size()) >= kMaxReadRows) {
    return Fail(kErrImportTooManyRows, row_number_,
                "行数超过上限（每个文件最多" + std::to_string(kMaxImportRows) +
                    "行数据），请拆分成几个文件");
  }
  rows.push_back(SheetRow{row_number_, std::move(cells_)});
  cells_.clear();
}

}  // namespace gongkai
