// The layout pass: column widths and the cut of a sheet into pages. Internal to printing/.
#ifndef GONGKAI_PRINTING_PAGE_PLAN_H_
#define GONGKAI_PRINTING_PAGE_PLAN_H_

#include <optional>
#include <vector>

#include "printing/sheet.h"
#include "printing/sheet_blocks.h"
#include "printing/typesetter.h"
#include "protocol/status.h"

namespace gongkai {

enum class BlockKind {
  kParagraph,  // index = paragraph, lines [begin, end)
  kTableHeader,
  kTableRows,   // rows [begin, end)
  kSubtotal,    // 本页小计 over rows [begin, end)
  kGrandTotal,  // 合计 over all rows
  kTotals,
  kOpinion,      // index into sheet.opinions
  kFooterField,  // index into sheet.footer_fields
  kReviewChain,
  kAttachments,
  kSignatures,
};

struct PlacedBlock {
  BlockKind kind;
  size_t index = 0;
  size_t begin = 0;
  size_t end = 0;
  double y = 0;
};

struct SheetPlan {
  std::vector<std::vector<PlacedBlock>> pages;
  std::vector<double> row_heights;
};

// Widths of the table's columns in `available` points: each column at least as wide as its
// widest number or one-line text (or two characters of a wrapping one), the rest shared by
// weight. Empty when the minimums do not fit.
std::optional<std::vector<double>> FitColumns(const Sheet& sheet, Typesetter* type,
                                              double available);

// Cuts the sheet into pages. The first page's body starts at `first_top`, later ones at
// `next_top`; every body ends at box.bottom. Fails with kErrPrintTooTall when a row or
// block cannot fit on an empty page.
Result<SheetPlan> PlanPages(const Sheet& sheet, BlockPainter* painter, const PageBox& box,
                            double first_top, double next_top);

}  // namespace gongkai

#endif  // GONGKAI_PRINTING_PAGE_PLAN_H_
