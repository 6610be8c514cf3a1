#include "node/intake/import_cells.h"

#include <string>

#include "node/intake/column_headers.h"
#include "node/intake/decimal.h"
#include "node/intake/import_limits.h"

namespace gongkai {

std::optional<int64_t> ParseAmountCell(std::string_view cell, int scale, const CellPlace& place,
                                       ImportErrorList* errors) {
  const bool money = scale == kMoneyScale;
  const char* format_code = money ? kErrImportAmountFormat : kErrImportAreaFormat;
  int64_t units = 0;
  switch (ParseDecimal(cell, scale, &units)) {
    case DecimalParse::kEmpty:
      return std::nullopt;
    case DecimalParse::kFormat:
      errors->Add(format_code, place.file, place.row, place.column,
                  "“" + std::string(cell) + "”不是数字");
      return std::nullopt;
    case DecimalParse::kTooManyDecimals:
      errors->Add(
          format_code, place.file, place.row, place.column,
          "“" + std::string(cell) + "”的小数位数过多（最多" + std::to_string(scale) + "位）");
      return std::nullopt;
    case DecimalParse::kTooLarge:
      errors->Add(format_code, place.file, place.row, place.column,
                  "“" + std::string(cell) + "”数值过大");
      return std::nullopt;
    case DecimalParse::kOk:
      break;
  }
  if (units < 0) {
    errors->Add(kErrImportNegativeAmount, place.file, place.row, place.column,
                "“" + std::string(cell) + "”是负数，" + (money ? "金额" : "面积") + "不能为负");
    return std::nullopt;
  }
  return units;
}

bool IsTotalsRow(const SheetRow& row) {
  for (const std::string& cell : row.cells) {
    if (cell.empty()) continue;
    std::string text = NormalizeHeader(cell);
    return text.starts_with("合计") || text.starts_with("总计") || text.starts_with("小计") ||
           text.starts_with("本期合计") || text.starts_with("本月合计") ||
           text.starts_with("本季合计") || text.starts_with("本年合计");
  }
  return false;
}

std::string FormatYuan(int64_t cents) { return FormatDecimal(cents, kMoneyScale, 2, true); }

bool CheckRowCount(int64_t data_rows, std::string_view file, ImportErrorList* errors) {
  if (data_rows <= kMaxImportRows) return true;
  errors->Add(kErrImportTooManyRows, file, 0, "",
              "共有" + std::to_string(data_rows) + "行数据，超过每个文件" +
                  std::to_string(kMaxImportRows) + "行的上限，请拆分成几个文件");
  return false;
}

}  // namespace gongkai
