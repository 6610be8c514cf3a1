// Checks shared by the subsidy and finance imports: money and area cells, 合计 rows, and
// the data-row limit. Each adds its errors to an ImportErrorList.
#ifndef GONGKAI_NODE_INTAKE_IMPORT_CELLS_H_
#define GONGKAI_NODE_INTAKE_IMPORT_CELLS_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "node/intake/import_error.h"
#include "node/intake/sheet.h"

namespace gongkai {

// Where a cell is, for messages.
struct CellPlace {
  std::string_view file;
  int64_t row;
  std::string_view column;  // header as written
};

// Parses a non-negative decimal cell with at most `scale` decimals (kMoneyScale for
// money: errors kErrImportAmountFormat; kAreaScale for area: kErrImportAreaFormat) and
// returns its value in units of 10^-scale. Negative values add kErrImportNegativeAmount.
// Returns nullopt when the cell is empty (no error) or on error (error added).
std::optional<int64_t> ParseAmountCell(std::string_view cell, int scale, const CellPlace& place,
                                       ImportErrorList* errors);

// True when the row is a 合计/总计/小计 line: its first non-empty cell starts with one of
// them (after removing spaces).
bool IsTotalsRow(const SheetRow& row);

// Money as clerks read it: "1,234.56".
std::string FormatYuan(int64_t cents);

// Adds kErrImportTooManyRows when data_rows > kMaxImportRows; returns false then.
bool CheckRowCount(int64_t data_rows, std::string_view file, ImportErrorList* errors);

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_IMPORT_CELLS_H_
