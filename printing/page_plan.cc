#include "printing/page_plan.h"

#include <algorithm>
#include <functional>
#include <string>

#include "printing/pdf_render.h"

namespace gongkai {
namespace {

TextStyle TableStyle(bool bold) {
  TextStyle s;
  s.size = kTableSize;
  s.bold = bold;
  return s;
}

// Rough display width (CJK = 2, ASCII = 1) to find a column's widest text without shaping
// every cell.
size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (unsigned char ch : text) {
    if (ch < 0x80) {
      width += 1;
    } else if ((ch & 0xC0) != 0x80) {
      width += 2;
    }
  }
  return width;
}

// The narrowest a column may be (`comfortable` false: two characters of wrapping text, a
// header on two lines) and the width at which nothing in it wraps (`comfortable` true;
// wrapping text capped at kComfortableEm characters).
constexpr double kComfortableEm = 12;

double ColumnWidth(const Sheet& sheet, size_t c, Typesetter* type, bool comfortable) {
  const Column& column = sheet.columns[c];
  const double header = type->NaturalWidth(column.header, TableStyle(true));
  double need = comfortable ? header : std::max(header / 2 + kTableSize, 2 * kTableSize);
  if (column.numeric || !column.wrap || comfortable) {
    std::string widest;
    int64_t sum = 0;
    for (const Row& row : sheet.rows) {
      const Cell& cell = row[c];
      const std::string text =
          column.numeric ? (cell.number ? FormatScaled(*cell.number, column.decimals) : "")
                         : cell.text;
      if (DisplayWidth(text) > DisplayWidth(widest)) widest = text;
      sum += cell.number.value_or(0);
    }
    if (column.sum) {
      const std::string total = FormatScaled(sum, column.decimals);
      if (DisplayWidth(total) >= DisplayWidth(widest)) widest = total;
    }
    // Bold: the 小计 and 合计 rows print their sums in bold.
    double text = type->NaturalWidth(widest, TableStyle(column.sum)) + 2;
    if (!column.numeric && column.wrap) text = std::min(text, kComfortableEm * kTableSize);
    need = std::max(need, text);
  }
  return need + 2 * kCellPadX;
}

}  // namespace

std::optional<std::vector<double>> FitColumns(const Sheet& sheet, Typesetter* type,
                                              double available) {
  const size_t n = sheet.columns.size();
  std::vector<double> mins(n);
  std::vector<double> comfortable(n);
  double min_total = 0;
  double comfortable_total = 0;
  for (size_t c = 0; c < n; ++c) {
    mins[c] = ColumnWidth(sheet, c, type, false);
    comfortable[c] = std::max(mins[c], ColumnWidth(sheet, c, type, true));
    min_total += mins[c];
    comfortable_total += comfortable[c];
  }
  if (min_total > available) return std::nullopt;
  if (comfortable_total <= available) {
    mins = comfortable;
  } else {
    // Too wide to set every column comfortably: wrapping text columns give way, the widest
    // first, down to a common cap found by bisection (never below their minimum).
    auto total_at = [&](double cap) {
      double total = 0;
      for (size_t c = 0; c < n; ++c) total += std::max(mins[c], std::min(comfortable[c], cap));
      return total;
    };
    double low = 0;
    double high = available;
    for (int i = 0; i < 40; ++i) {
      const double mid = (low + high) / 2;
      (total_at(mid) > available ? high : low) = mid;
    }
    for (size_t c = 0; c < n; ++c) mins[c] = std::max(mins[c], std::min(comfortable[c], low));
  }
  // Share by weight; a column whose share is under its minimum gets the minimum and leaves
  // the share of the others to be recomputed, until no share falls short.
  std::vector<bool> fixed(n, false);
  std::vector<double> widths(n);
  for (bool changed = true; changed;) {
    changed = false;
    double remaining = available;
    double weights = 0;
    for (size_t c = 0; c < n; ++c) {
      if (fixed[c]) {
        remaining -= mins[c];
      } else {
        weights += sheet.columns[c].weight;
      }
    }
    for (size_t c = 0; c < n; ++c) {
      if (fixed[c]) {
        widths[c] = mins[c];
        continue;
      }
      widths[c] = remaining * sheet.columns[c].weight / weights;
      if (widths[c] < mins[c]) {
        fixed[c] = true;
        changed = true;
      }
    }
  }
  return widths;
}

Result<SheetPlan> PlanPages(const Sheet& sheet, BlockPainter* painter, const PageBox& box,
                            double first_top, double next_top) {
  SheetPlan plan;
  plan.pages.emplace_back();
  double y = first_top;
  const double body = box.bottom - next_top;
  auto new_page = [&] {
    plan.pages.emplace_back();
    y = next_top;
  };
  auto page_empty = [&] { return plan.pages.back().empty(); };
  auto add = [&](PlacedBlock block) {
    block.y = y;
    plan.pages.back().push_back(block);
  };
  auto gap = [&] {
    if (!page_empty()) y += kBlockGap;
  };
  // Places an unbreakable block, on a new page when it does not fit this one.
  auto place = [&](PlacedBlock block, double height, const std::string& what) -> Status {
    if (height > body) {
      return Status::TooLarge(kErrPrintTooTall, what + "高度超过一页，无法排版");
    }
    gap();
    if (y + height > box.bottom && !page_empty()) new_page();
    add(block);
    y += height;
    return Status::Ok();
  };

  for (size_t p = 0; p < sheet.paragraphs.size(); ++p) {
    const std::vector<LineBox> lines = painter->ParagraphLines(p);
    size_t i = 0;
    if (p == 0) gap();
    while (i < lines.size()) {
      const size_t start = i;
      auto bottom_of = [&](size_t k) { return lines[k].top + lines[k].height - lines[start].top; };
      while (i < lines.size() && y + bottom_of(i) <= box.bottom) ++i;
      if (i == start) {
        new_page();
        continue;
      }
      add({BlockKind::kParagraph, p, start, i});
      y += bottom_of(i - 1);
      if (i < lines.size()) new_page();
    }
  }

  if (!sheet.columns.empty()) {
    const bool sums = painter->HasSums();
    const std::vector<int64_t> grand = painter->Sums(0, sheet.rows.size());
    const double header = painter->TableHeader(0, false);
    const double subtotal = sums ? painter->SumRow("本页小计", grand, 0, false) : 0;
    const double total = sums ? painter->SumRow(sheet.grand_total_label, grand, 0, false) : 0;
    const double reserve = subtotal + total;
    plan.row_heights.reserve(sheet.rows.size());
    for (size_t r = 0; r < sheet.rows.size(); ++r) {
      const double h = painter->TableRow(r, 0, false);
      if (header + h + reserve > body) {
        return Status::TooLarge(kErrPrintTooTall,
                                "第 " + std::to_string(r + 1) + " 行内容过多，一页放不下");
      }
      plan.row_heights.push_back(h);
    }
    gap();
    const double first_row = sheet.rows.empty() ? 0 : plan.row_heights[0];
    if (y + header + first_row + reserve > box.bottom && !page_empty()) new_page();
    const size_t table_first_page = plan.pages.size();
    add({BlockKind::kTableHeader});
    y += header;
    size_t begin = 0;
    double rows_top = y;
    auto close_rows = [&](size_t end) {
      plan.pages.back().push_back({BlockKind::kTableRows, 0, begin, end, rows_top});
    };
    for (size_t r = 0; r < sheet.rows.size(); ++r) {
      if (y + plan.row_heights[r] + reserve > box.bottom && r > begin) {
        close_rows(r);
        if (sums) add({BlockKind::kSubtotal, 0, begin, r});
        new_page();
        add({BlockKind::kTableHeader});
        y += header;
        begin = r;
        rows_top = y;
      }
      y += plan.row_heights[r];
    }
    close_rows(sheet.rows.size());
    if (sums) {
      if (plan.pages.size() > table_first_page) {
        add({BlockKind::kSubtotal, 0, begin, sheet.rows.size()});
        y += subtotal;
      }
      add({BlockKind::kGrandTotal});
      y += total;
    }
  }

  if (!sheet.totals.empty()) {
    GK_RETURN_IF_ERROR(place({BlockKind::kTotals}, painter->Totals(0, false), "合计栏"));
  }
  for (size_t i = 0; i < sheet.opinions.size(); ++i) {
    GK_RETURN_IF_ERROR(place({BlockKind::kOpinion, i},
                             painter->FieldLine(sheet.opinions[i], 0, false), "审核意见"));
  }
  for (size_t i = 0; i < sheet.footer_fields.size(); ++i) {
    GK_RETURN_IF_ERROR(place({BlockKind::kFooterField, i},
                             painter->FieldLine(sheet.footer_fields[i], 0, false), "页脚"));
  }
  GK_RETURN_IF_ERROR(place({BlockKind::kReviewChain}, painter->ReviewChain(0, false), "审核记录"));
  if (!sheet.attachments.empty()) {
    GK_RETURN_IF_ERROR(
        place({BlockKind::kAttachments}, painter->Attachments(0, false), "附件清单"));
  }
  if (!sheet.signatures.empty() || !sheet.seal_label.empty()) {
    GK_RETURN_IF_ERROR(place({BlockKind::kSignatures}, painter->Signatures(0, false), "签名栏"));
  }
  return plan;
}

}  // namespace gongkai
