// Errors found in an imported file, for the clerk who has to fix it.
//
// An import reports every error of a file together (it does not stop at the first) and
// returns no rows when any error exists: nothing is half-imported. Each error has a stable
// code (below, matched by scripts and tests, never reworded) and a Chinese sentence that
// names the file, the row as Excel shows it (1-based, title and header rows counted) and the
// column header as written in the file:
//   subsidy.csv 第12行 “身份证号”列：校验位错误，应为X
// Errors of the whole file (encoding, format, limits) have row 0 and no column.
#ifndef GONGKAI_NODE_INTAKE_IMPORT_ERROR_H_
#define GONGKAI_NODE_INTAKE_IMPORT_ERROR_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace gongkai {

// The whole file.
inline constexpr char kErrImportIo[] = "import.io";  // cannot be read
inline constexpr char kErrImportFileTooLarge[] = "import.file_too_large";
inline constexpr char kErrImportEmpty[] = "import.empty";         // no bytes, or no data rows
inline constexpr char kErrImportEncoding[] = "import.encoding";   // not UTF-8 nor GB18030
inline constexpr char kErrImportBinary[] = "import.binary";       // NUL or control bytes
inline constexpr char kErrImportCsvQuote[] = "import.csv_quote";  // unbalanced quotes
inline constexpr char kErrImportFieldTooLong[] = "import.field_too_long";
inline constexpr char kErrImportTooManyColumns[] = "import.too_many_columns";
inline constexpr char kErrImportTooManyRows[] = "import.too_many_rows";
inline constexpr char kErrImportXlsxFormat[] = "import.xlsx_format";  // corrupt zip/xml, no sheet
inline constexpr char kErrImportXlsxTooLarge[] = "import.xlsx_too_large";  // zip bomb
inline constexpr char kErrImportMissingColumn[] = "import.missing_column";
inline constexpr char kErrImportDuplicateColumn[] = "import.duplicate_column";
inline constexpr char kErrImportPeriodFormat[] = "import.period_format";  // bad option
// One cell or row.
inline constexpr char kErrImportMissingValue[] = "import.missing_value";  // required cell empty
inline constexpr char kErrImportIdFormat[] = "import.id_format";
inline constexpr char kErrImportIdCheckDigit[] = "import.id_check_digit";
inline constexpr char kErrImportIdBirthdate[] = "import.id_birthdate";
inline constexpr char kErrImportDuplicateId[] = "import.duplicate_id";
inline constexpr char kErrImportAmountFormat[] = "import.amount_format";
inline constexpr char kErrImportAreaFormat[] = "import.area_format";
inline constexpr char kErrImportNegativeAmount[] = "import.negative_amount";
inline constexpr char kErrImportAmountMismatch[] = "import.amount_mismatch";  // ≠ 面积×标准
inline constexpr char kErrImportAccountFormat[] = "import.account_format";
inline constexpr char kErrImportTotalMismatch[] = "import.total_mismatch";  // 合计 row differs
inline constexpr char kErrImportDateFormat[] = "import.date_format";
inline constexpr char kErrImportDateOutsidePeriod[] = "import.date_outside_period";
inline constexpr char kErrImportMissingAmount[] = "import.missing_amount";  // 收入 and 支出 empty
inline constexpr char kErrImportMissingBalance[] = "import.missing_balance";    // no 期初余额
inline constexpr char kErrImportBalanceConflict[] = "import.balance_conflict";  // option ≠ row
inline constexpr char kErrImportBalanceMismatch[] = "import.balance_mismatch";
// The summary Status of a file with errors of more than one code.
inline constexpr char kErrImportRejected[] = "import.rejected";

struct ImportError {
  std::string code;     // one of the kErrImport* codes
  std::string file;     // the file's base name, as the clerk knows it
  int64_t row = 0;      // Excel row number (1-based); 0 for the whole file
  std::string column;   // header as written in the file; empty when none
  std::string message;  // the full Chinese sentence (file, row and column included)
};

// Builds an error whose message is "<file>[ 第<row>行][ “<column>”列]：<detail>".
ImportError MakeImportError(std::string_view code, std::string_view file, int64_t row,
                            std::string_view column, std::string_view detail);

// Collects the errors of one file, keeping at most kMaxReportedErrors (and counting all).
// Not thread-safe.
class ImportErrorList {
 public:
  void Add(ImportError error);
  void Add(std::string_view code, std::string_view file, int64_t row, std::string_view column,
           std::string_view detail) {
    Add(MakeImportError(code, file, row, column, detail));
  }
  bool empty() const { return total_ == 0; }
  // All errors found, including those not kept.
  std::size_t total() const { return total_; }
  const std::vector<ImportError>& errors() const { return errors_; }
  std::vector<ImportError> Release() { return std::move(errors_); }

  // The summary: OK when empty; otherwise a Status whose code is the errors' code when they
  // all share one (else kErrImportRejected), whose kind is kTooLarge for limit errors and
  // kIoError for kErrImportIo (else kInvalid), and whose message counts the errors and
  // quotes the first few.
  Status ToStatus() const;

 private:
  std::vector<ImportError> errors_;
  std::size_t total_ = 0;
};

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_IMPORT_ERROR_H_
