// Import of a 惠农补贴「一卡通」 payment list (CSV or XLSX) into validated rows.
//
// Columns (headers and their accepted variants: node/README.md "Imports"): 序号, 村民小组,
// 户主姓名*, 身份证号*, 补贴项目, 面积, 补贴标准, 补贴金额*, 账号, 备注 (* required).
// Each data row is checked: 户主姓名 present; 身份证号 a valid 18-character number
// (node/intake/id_number.h) not repeated in the file; 补贴金额 a non-negative amount with at most
// 2 decimals; 面积 (亩) at most 4 decimals, 补贴标准 (元/亩) at most 2; when both are given,
// |面积 × 标准 − 金额| <= 0.01 元, computed exactly; 账号 digits (spaces allowed and removed).
// A row whose first non-empty cell starts with 合计/总计 is a totals row: its 面积 and
// 金额, when given, must equal the sums (kErrImportTotalMismatch). Blank rows are skipped.
//
// Every error of the file is reported; no rows are returned when any exists.
// Privacy: SubsidyRow keeps the full ID and account numbers for the village node only;
// id_published and account_published (and PublishedJson) are what may leave it.
#ifndef GONGKAI_NODE_INTAKE_SUBSIDY_IMPORT_H_
#define GONGKAI_NODE_INTAKE_SUBSIDY_IMPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "node/intake/calendar.h"
#include "node/intake/import_error.h"
#include "node/intake/masking.h"
#include "node/intake/sheet.h"
#include "protocol/status.h"

namespace gongkai {

struct SubsidyImportOptions {
  // Birth dates after this day are refused; when not valid() only the lower bound applies.
  CivilDate today;
  // Used for rows whose 补贴项目 is empty or absent ("耕地地力保护补贴").
  std::string default_item;
  MaskPolicy id_mask = kDefaultIdMask;
  MaskPolicy account_mask = kDefaultAccountMask;
};

struct SubsidyRow {
  int64_t line_no = 0;                // Excel row number in the source file
  std::string group;                  // 村民小组
  std::string name;                   // 户主姓名
  std::string id_number;              // PRIVATE: full 18 characters, 'X' upper-case
  std::string id_published;           // masked per id_mask
  std::string item;                   // 补贴项目
  std::optional<int64_t> area;        // 面积 in ten-thousandths of a mu (12.5 亩 = 125000)
  std::optional<int64_t> rate_cents;  // 补贴标准, cents per mu
  int64_t amount_cents = 0;           // 补贴金额
  std::string account;                // PRIVATE: digits only; "" when not given
  std::string account_published;      // masked per account_mask; "" when not given
  std::string note;                   // 备注
};

struct SubsidyTotals {
  int64_t households = 0;  // rows (ID numbers are unique within a list)
  int64_t area = 0;        // ten-thousandths of a mu, over rows that give an area
  int64_t amount_cents = 0;
};

struct SubsidyList {
  std::string file;  // base name of the source file
  std::vector<SubsidyRow> rows;
  SubsidyTotals totals;
};

// Validates a sheet already read (see import_source.h). On any error returns the summary
// Status (ImportErrorList::ToStatus) and fills *errors (may be null) with every error.
Result<SubsidyList> ImportSubsidySheet(const ImportSheet& sheet, const std::string& file_name,
                                       const SubsidyImportOptions& options,
                                       std::vector<ImportError>* errors = nullptr);

// Reads and validates the file at `path` (CSV in UTF-8/GB18030, or XLSX).
Result<SubsidyList> ImportSubsidyFile(const std::string& path, const SubsidyImportOptions& options,
                                      std::vector<ImportError>* errors = nullptr);

// The published fields of a row as one JSON object, keys sorted (disclosure_item.data):
// {"account":"****5678","amount_cents":12345,"area":"12.5","group":"一组",
//  "id":"410381********1234","item":"...","line":7,"name":"...","note":"",
//  "rate_cents":9876}. "account", "area" and "rate_cents" are omitted when not given;
// area is the exact decimal text in mu. Never contains the full ID or account number.
std::string SubsidyRowPublishedJson(const SubsidyRow& row);

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_SUBSIDY_IMPORT_H_
