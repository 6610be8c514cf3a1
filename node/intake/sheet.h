// A sheet read from a CSV or XLSX file: rows of text cells, before any header is known.
#ifndef GONGKAI_NODE_INTAKE_SHEET_H_
#define GONGKAI_NODE_INTAKE_SHEET_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gongkai {

enum class SheetSource { kCsv, kXlsx };

struct SheetRow {
  int64_t number = 0;              // the row number Excel shows (1-based)
  std::vector<std::string> cells;  // UTF-8; a missing cell is ""; no trailing empty cells
};

struct ImportSheet {
  SheetSource source = SheetSource::kCsv;
  std::vector<SheetRow> rows;  // non-blank rows only, in order; numbers keep the gaps
  // XLSX: the workbook counts dates from 1904-01-01 (old Mac Excel) instead of 1900.
  bool date1904 = false;
};

// Trims ASCII white space, U+3000 (ideographic space) and U+00A0 from both ends.
std::string_view TrimCell(std::string_view text);

// Excel's name of a 0-based column index: 0 -> "A", 25 -> "Z", 26 -> "AA".
inline std::string ExcelColumnName(std::size_t index) {
  std::string name;
  for (std::size_t n = index + 1; n > 0; n = (n - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return name;
}

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_SHEET_H_
