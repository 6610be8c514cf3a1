// The blocks a sheet page is made of (table header, table row, 小计/合计 row, totals, opinion
// and footer lines, review chain, attachments, signatures with the seal area, page header and
// page footer). Each block function measures itself and, when `draw`, draws itself, so the
// layout pass and the draw pass share one geometry. Internal to printing/.
#ifndef GONGKAI_PRINTING_SHEET_BLOCKS_H_
#define GONGKAI_PRINTING_SHEET_BLOCKS_H_

#include <cairo.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "printing/qr_code.h"
#include "printing/sheet.h"
#include "printing/typesetter.h"

namespace gongkai {

inline constexpr double kPointsPerMm = 72.0 / 25.4;

// Font sizes (points) and spacing of the printed sheet.
inline constexpr double kTitleSize = 24;
inline constexpr double kMinTitleSize = 19;
inline constexpr double kContinuedTitleSize = 17;
inline constexpr double kPlaceSize = 13;
inline constexpr double kHeaderFieldSize = 12;
inline constexpr double kBodySize = 13;
inline constexpr double kTableSize = 11;
inline constexpr double kFooterSize = 12;
inline constexpr double kPageNumberSize = 11;
inline constexpr double kCellPadX = 4;
inline constexpr double kCellPadY = 3;
inline constexpr double kBlockGap = 4 * kPointsPerMm;
inline constexpr double kSealAreaMm = 45;  // a village seal is 42 mm across

struct PageBox {
  double width = 0;
  double height = 0;
  double left = 0;  // content box
  double right = 0;
  double top = 0;
  double bottom = 0;  // lowest y the body may use (page number band below)
  double content_width() const { return right - left; }
};

class BlockPainter {
 public:
  // `widths` are the table's column widths (sum = box.content_width()); empty when no table.
  // `qr` is null when the sheet has no payload. All pointers are borrowed.
  BlockPainter(const Sheet& sheet, Typesetter* type, cairo_t* cr, const PageBox& box,
               std::vector<double> widths, const QrMatrix* qr);

  // Title block of the first page or of a continuation page, with the QR at its right.
  double PageHeader(bool first, double y, bool draw);
  // "第 i 页/共 n 页" under the body.
  void PageFooter(int page, int pages);
  // The large diagonal kUnapprovedWatermark, kept off the QR code.
  void Watermark();

  double TableHeader(double y, bool draw);
  // `known_height` > 0: the height the layout pass measured, not measured again.
  double TableRow(size_t row, double y, bool draw, double known_height = 0);
  // 本页小计 / 合计 row: `label` over the columns before the first summed one.
  double SumRow(const std::string& label, const std::vector<int64_t>& sums, double y, bool draw);
  double Totals(double y, bool draw);
  double FieldLine(const Field& field, double y, bool draw);
  double ReviewChain(double y, bool draw);
  double Attachments(double y, bool draw);
  double Signatures(double y, bool draw);

  std::vector<LineBox> ParagraphLines(size_t paragraph);
  void DrawParagraphLines(size_t paragraph, double y, size_t begin, size_t end);

  // Sums of the summed columns over rows [begin, end) (0 for the other columns).
  std::vector<int64_t> Sums(size_t begin, size_t end) const;
  bool HasSums() const;

 private:
  // A bordered row of cells with the given widths; returns its height.
  double GridRow(const std::vector<std::string>& texts, const std::vector<double>& widths,
                 const std::vector<TextStyle>& styles, double y, bool draw, double shade,
                 double known_height = 0);
  std::string CellText(size_t row, size_t column) const;
  TextStyle CellStyle(size_t column) const;

  const Sheet& sheet_;
  Typesetter* type_;
  cairo_t* cr_;
  PageBox box_;
  std::vector<double> widths_;
  const QrMatrix* qr_;
};

}  // namespace gongkai

#endif  // GONGKAI_PRINTING_SHEET_BLOCKS_H_
