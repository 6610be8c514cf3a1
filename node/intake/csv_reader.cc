#include "node/intake/csv_reader.h"

#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "node/intake/import_limits.h"

namespace gongkai {
namespace {

Status Refuse(const char* code, std::string_view file_name, int64_t row, const std::string& detail,
              ImportError* error) {
  ImportError made = MakeImportError(code, file_name, row, "", detail);
  Status status =
      code == std::string_view(kErrImportCsvQuote) || code == std::string_view(kErrImportEmpty)
          ? Status::Invalid(code, made.message)
          : Status::TooLarge(code, made.message);
  if (error != nullptr) *error = std::move(made);
  return status;
}

// Reads Excel's "sep=X" first line; returns the delimiter and drops the line from `text`.
bool TakeSepLine(std::string_view& text, char* delimiter) {
  if (text.size() < 5) return false;
  std::string head(text.substr(0, 4));
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (head != "sep=") return false;
  std::size_t end = 5;
  if (end < text.size() && text[end] == '\r') ++end;
  if (end < text.size() && text[end] != '\n') return false;
  *delimiter = text[4];
  text.remove_prefix(end < text.size() ? end + 1 : end);
  return true;
}

char GuessDelimiter(std::string_view text) {
  std::string_view first_line = text.substr(0, text.find('\n'));
  bool tabs = first_line.find('\t') != std::string_view::npos;
  bool commas = first_line.find(',') != std::string_view::npos;
  return tabs && !commas ? '\t' : ',';
}

}  // namespace

Result<ImportSheet> ParseCsv(std::string_view text, std::string_view file_name,
                             ImportError* error) {
  char delimiter = ',';
  if (!TakeSepLine(text, &delimiter)) delimiter = GuessDelimiter(text);

  ImportSheet sheet;
  sheet.source = SheetSource::kCsv;
  int64_t row_number = 0;
  std::vector<std::string> cells;
  std::string field;
  int64_t quote_row = 0;

  auto end_field = [&]() -> Status {
    std::string value(TrimCell(field));
    field.clear();
    if (cells.size() >= kMaxColumns) {
      if (!value.empty()) {
        return Refuse(kErrImportTooManyColumns, file_name, row_number,
                      "列数超过" + std::to_string(kMaxColumns) + "列（" +
                          ExcelColumnName(cells.size()) + "列有内容）",
                      error);
      }
      return Status::Ok();
    }
    cells.push_back(std::move(value));
    return Status::Ok();
  };
  auto end_record = [&]() -> Status {
    while (!cells.empty() && cells.back().empty()) cells.pop_back();
    if (!cells.empty()) {
      if (static_cast<int64_t>(sheet.rows.size()) >= kMaxReadRows) {
        return Refuse(kErrImportTooManyRows, file_name, row_number,
                      "行数超过上限（每个文件最多" + std::to_string(kMaxImportRows) +
                          "行数据），请拆分成几个文件",
                      error);
      }
      sheet.rows.push_back(SheetRow{row_number, std::move(cells)});
    }
    cells.clear();
    return Status::Ok();
  };
  auto too_long = [&]() {
    return Refuse(
        kErrImportFieldTooLong, file_name, row_number,
        ExcelColumnName(cells.size()) + "列的内容超过" + std::to_string(kMaxFieldBytes) + "字节",
        error);
  };

  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    // At the start of a record.
    ++row_number;
    bool record_done = false;
    while (!record_done) {
      // At the start of a field.
      if (i < n && text[i] == '"') {
        quote_row = row_number;
        ++i;
        while (true) {
          if (i >= n) {
            return Refuse(kErrImportCsvQuote, file_name, quote_row,
                          ExcelColumnName(cells.size()) + "列的引号没有闭合", error);
          }
          char c = text[i++];
          if (c == '"') {
            if (i < n && text[i] == '"') {
              field.push_back('"');
              ++i;
              continue;
            }
            break;
          }
          field.push_back(c);
          if (field.size() > kMaxFieldBytes) return too_long();
        }
        // After the closing quote only a delimiter or the end of the record may follow.
        while (i < n && (text[i] == ' ' || text[i] == '\t') && text[i] != delimiter) ++i;
        if (i < n && text[i] != delimiter && text[i] != '\r' && text[i] != '\n') {
          return Refuse(kErrImportCsvQuote, file_name, row_number,
                        ExcelColumnName(cells.size()) + "列的引号后面还有字符（引号应成对出现）",
                        error);
        }
      } else {
        while (i < n && text[i] != delimiter && text[i] != '\r' && text[i] != '\n') {
          field.push_back(text[i++]);
          if (field.size() > kMaxFieldBytes) return too_long();
        }
      }
      GK_RETURN_IF_ERROR(end_field());
      if (i < n && text[i] == delimiter) {
        ++i;
        continue;
      }
      // End of line (CRLF, LF or a lone CR) or of the text.
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      record_done = true;
    }
    GK_RETURN_IF_ERROR(end_record());
  }
  if (sheet.rows.empty()) {
    return Refuse(kErrImportEmpty, file_name, 0, "文件中没有任何内容", error);
  }
  return sheet;
}

}  // namespace gongkai
