// The sheet model: everything a printed 公开栏 sheet shows, as plain values. It knows nothing
// of where the values came from (node/ fills it from a disclosure version, through the
// builders in printing/layouts.h) and nothing of how they are drawn (printing/pdf_render.h).
//
// Strings are UTF-8 and are printed as given: masking of ID and account numbers is done by
// whoever fills the sheet (see printing/masking.h).
//
// Numbers: a cell of a numeric column holds an int64_t in units of the column's last decimal
// place ("scaled"): with decimals = 2, 123456 prints as "1,234.56" (so money is in cents and
// an area of 12.5 亩 is 1250). Integers keep exact sums, which a float would not; the printed
// form is made by FormatScaled below, the same for rows, 小计 and 合计.
// Thread-safety: plain values.
#ifndef GONGKAI_PRINTING_SHEET_H_
#define GONGKAI_PRINTING_SHEET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/disclosure_limits.h"
#include "protocol/status.h"

namespace gongkai {

// Limits of one sheet, checked by ValidateSheet before anything is drawn.
// The rows of a disclosure (protocol/disclosure_limits.h): whatever imports and submits prints.
inline constexpr size_t kMaxSheetRows = static_cast<size_t>(kMaxDisclosureItems);
inline constexpr size_t kMaxSheetColumns = 16;
inline constexpr size_t kMaxCellBytes = 1024;  // one cell, one paragraph line of a table
inline constexpr size_t kMaxParagraphBytes = 16384;
inline constexpr size_t kMaxParagraphs = 200;
inline constexpr size_t kMaxQrPayloadBytes = 256;  // keeps the QR at version <= 11 (level M)
inline constexpr int kMaxDecimals = 4;

// Stable error codes of printing/.
inline constexpr char kErrSheetTooManyRows[] = "sheet.too_many_rows";
inline constexpr char kErrSheetTooManyColumns[] = "sheet.too_many_columns";
inline constexpr char kErrSheetCellTooLong[] = "sheet.cell_too_long";
inline constexpr char kErrSheetRowWidth[] = "sheet.row_width";
inline constexpr char kErrSheetNumericCell[] = "sheet.numeric_cell";
inline constexpr char kErrSheetColumn[] = "sheet.column";
inline constexpr char kErrSheetParagraph[] = "sheet.paragraph";
inline constexpr char kErrSheetQrPayload[] = "sheet.qr_payload";
inline constexpr char kErrSheetNoTitle[] = "sheet.no_title";

enum class SheetCategory { kAffairs, kFinance, kSubsidy };

// "村务公开", "财务公开", "惠农补贴公示".
std::string_view SheetCategoryLabel(SheetCategory category);

enum class Align { kLeft, kCenter, kRight };

struct Column {
  std::string header;   // may wrap onto two lines in a narrow column
  double weight = 1.0;  // share of the spare width, > 0
  Align align = Align::kLeft;
  bool numeric = false;  // cells hold `number`; printed right-aligned with `decimals`
  int decimals = 2;      // 0..kMaxDecimals
  bool sum = false;      // numeric only: summed into 本页小计 and 合计
  bool wrap = true;      // text only: false keeps the cell on one line (ID numbers)
};

struct Cell {
  std::string text;               // text columns
  std::optional<int64_t> number;  // numeric columns; empty prints blank (and adds 0)

  static Cell Text(std::string text) { return Cell{std::move(text), std::nullopt}; }
  static Cell Number(int64_t scaled) { return Cell{{}, scaled}; }
  static Cell Blank() { return Cell{}; }
};

using Row = std::vector<Cell>;

struct Field {
  std::string key;
  std::string value;
};

// A line of the totals block under the table: label, printed value and its 大写 (may be empty).
struct TotalLine {
  std::string label;
  std::string value;
  std::string capitals;
};

// One step of the review chain: 村务监督委员会 审核 / 镇经管站 审核通过 / ...
struct ReviewStep {
  std::string stage;     // "民主理财小组审核", "乡镇审核"
  std::string who;       // person and office
  std::string decision;  // "同意公开", "退回：..."
  std::string when;      // "2024年10月12日 15:02"
};

struct Sheet {
  SheetCategory category = SheetCategory::kAffairs;
  // Title block.
  std::string county;    // "××县"
  std::string township;  // "××镇"
  std::string village;   // "××村"
  std::string title;     // "××村2024年耕地地力保护补贴发放公示"; required
  std::string period;    // "2024年第三季度", may be empty
  std::vector<Field> header_fields;  // 公开时间, 单位：元, 公示期 ... one line under the title

  // Body (村务 text), printed before the table.
  std::vector<std::string> paragraphs;

  // Table; may be empty (no columns, no rows).
  std::vector<Column> columns;
  std::vector<Row> rows;  // each exactly columns.size() cells
  // Label of the grand total row, e.g. "合计（共 1000 户）". The row is printed when any
  // column sums. On a table over several pages every page also gets a "本页小计" row.
  std::string grand_total_label = "合计";

  // After the table, on the last page.
  std::vector<TotalLine> totals;
  std::vector<Field> opinions;  // 民主理财小组/村务监督委员会审核意见, 乡镇审核意见
  std::vector<Field> footer_fields;  // 监督电话 (村, 乡镇, 县), 异议反映方式
  std::vector<ReviewStep> review_chain;
  std::vector<std::string> attachments;
  std::vector<std::string> signatures;  // "村党组织书记", "村委会主任", "填表人" -> blank lines
  std::string seal_label;  // "××村民委员会（公章）"; a blank area is kept for it

  std::string qr_payload;  // printed as a QR code on every page; may be empty
  bool approved = false;   // false -> kUnapprovedWatermark across every page
};

// Checks the limits and shapes above: title present, every row as wide as the columns,
// numeric cells only in numeric columns, decimals and weights in range, sizes within the
// limits. Returns the first failure with its code (kErrSheet*) and a message naming the row
// (1-based, as printed in 序号) and the column header.
Status ValidateSheet(const Sheet& sheet);

// "1,234.56" from 123456 with decimals 2; "-0.05"; "12" with decimals 0.
// REQUIRES: 0 <= decimals <= kMaxDecimals.
std::string FormatScaled(int64_t scaled, int decimals);

}  // namespace gongkai

#endif  // GONGKAI_PRINTING_SHEET_H_
