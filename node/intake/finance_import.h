// Import of a 财务收支明细 (ledger of one period) into validated rows.
//
// Columns (variants: node/README.md "Imports"): 序号, 日期*, 凭证号, 摘要*, 收入, 支出,
// 余额, 经手人, 备注 (* required; at least one of 收入/支出 required).
// Each transaction row: 日期 in an accepted form (calendar.h) and inside the period when
// one is given; 摘要 present; 收入 and 支出 non-negative with at most 2 decimals, not both
// empty; when a 余额 column gives a value, it must equal the running balance.
//
// 期初余额 / 期末余额 come either from the options or from special rows whose 摘要 is
// 期初余额/上期结余/上年结余/上月结余/期初数 (opening) or 期末余额/本期结余/本月结余/
// 期末数 (closing); the amount of a special row is taken from its 余额 cell, else 收入,
// else 支出. When both give a value they must agree (kErrImportBalanceConflict). The
// opening is required (kErrImportMissingBalance); the closing is checked when given:
// opening + Σ收入 − Σ支出 = closing exactly in cents (kErrImportBalanceMismatch, showing
// the numbers), and otherwise computed. A 合计 row (first non-empty cell 合计/本期合计/…)
// has its 收入/支出 compared with the sums (kErrImportTotalMismatch) and is not a
// transaction. Every error is reported; no statement is returned when any exists.
#ifndef GONGKAI_NODE_INTAKE_FINANCE_IMPORT_H_
#define GONGKAI_NODE_INTAKE_FINANCE_IMPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/intake/calendar.h"
#include "node/intake/import_error.h"
#include "node/intake/sheet.h"
#include "protocol/status.h"

namespace gongkai {

struct FinanceImportOptions {
  // "2024Q3", "2024-07" or "2024" (ParsePeriod); empty = dates are not range-checked.
  std::string period;
  std::optional<int64_t> opening_cents;  // 期初余额, when not given as a row
  std::optional<int64_t> closing_cents;  // 期末余额, when not given as a row
};

struct FinanceRow {
  int64_t line_no = 0;  // Excel row number in the source file
  CivilDate date;
  std::string voucher;  // 凭证号
  std::string summary;  // 摘要
  int64_t income_cents = 0;
  int64_t expense_cents = 0;
  std::string handler;  // 经手人
  std::string note;     // 备注
};

struct FinanceTotals {
  int64_t income_cents = 0;
  int64_t expense_cents = 0;
  int64_t transactions = 0;
};

struct FinanceStatement {
  std::string file;
  std::optional<Period> period;
  int64_t opening_cents = 0;
  int64_t closing_cents = 0;  // = opening + income − expense
  std::vector<FinanceRow> rows;
  FinanceTotals totals;
};

// Validates a sheet already read (import_source.h). A malformed options.period is
// refused with kErrImportPeriodFormat before the sheet is looked at. On any error returns
// the summary Status and fills *errors (may be null) with every error.
Result<FinanceStatement> ImportFinanceSheet(const ImportSheet& sheet, const std::string& file_name,
                                            const FinanceImportOptions& options,
                                            std::vector<ImportError>* errors = nullptr);

// Reads and validates the file at `path` (CSV in UTF-8/GB18030, or XLSX).
Result<FinanceStatement> ImportFinanceFile(const std::string& path,
                                           const FinanceImportOptions& options,
                                           std::vector<ImportError>* errors = nullptr);

// The published fields of a row as one JSON object, keys sorted:
// {"date":"2024-07-01","expense_cents":0,"handler":"…","income_cents":150000,"line":4,
//  "note":"","summary":"…","voucher":"记-001"}
std::string FinanceRowPublishedJson(const FinanceRow& row);

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_FINANCE_IMPORT_H_
