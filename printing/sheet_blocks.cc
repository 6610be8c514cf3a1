#include "printing/sheet_blocks.h"

#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>

#include "printing/pdf_render.h"

namespace gongkai {
namespace {

constexpr double kGridLine = 0.6;
constexpr double kHeaderShade = 0.90;
constexpr double kSumShade = 0.95;

TextStyle Style(double size, bool bold = false, Align align = Align::kLeft, bool wrap = true) {
  TextStyle s;
  s.size = size;
  s.bold = bold;
  s.align = align;
  s.wrap = wrap;
  return s;
}

std::string JoinFields(const std::vector<Field>& fields) {
  std::string out;
  for (const Field& f : fields) {
    if (!out.empty()) out += "　　";
    out += f.key + "：" + f.value;
  }
  return out;
}

}  // namespace

BlockPainter::BlockPainter(const Sheet& sheet, Typesetter* type, cairo_t* cr, const PageBox& box,
                           std::vector<double> widths, const QrMatrix* qr)
    : sheet_(sheet), type_(type), cr_(cr), box_(box), widths_(std::move(widths)), qr_(qr) {}

double BlockPainter::PageHeader(bool first, double y, bool draw) {
  double qr_height = 0;
  double reserve = 0;
  if (qr_ != nullptr) {
    const double size = QrTotalSize(*qr_);
    reserve = size + 3 * kPointsPerMm;
    const double caption =
        type_->Text("扫码核验", Style(9, false, Align::kCenter), 0, 0, size, false);
    qr_height = size + caption;
    if (draw) {
      DrawQr(cr_, *qr_, box_.right - size, y);
      type_->Text("扫码核验", Style(9, false, Align::kCenter), box_.right - size, y + size, size,
                  true);
    }
  }
  const double x = box_.left + reserve;
  const double width = box_.content_width() - 2 * reserve;
  std::string place = sheet_.county + sheet_.township + sheet_.village;
  if (!place.empty()) place += "　";
  place += SheetCategoryLabel(sheet_.category);
  double h = 0;
  h += type_->Text(place, Style(kPlaceSize, false, Align::kCenter), x, y + h, width, draw);
  h += 2 * kPointsPerMm;
  if (first) {
    // A long title steps down in size before it wraps, so it stays on one line if it can.
    double size = kTitleSize;
    while (size > kMinTitleSize && type_->NaturalWidth(sheet_.title, Style(size, true)) > width) {
      size -= 1;
    }
    h += type_->Text(sheet_.title, Style(size, true, Align::kCenter), x, y + h, width, draw);
  } else {
    h += type_->Text(sheet_.title + "（续）", Style(kContinuedTitleSize, true, Align::kCenter), x,
                     y + h, width, draw);
  }
  if (!sheet_.approved) {
    // Besides the diagonal watermark, a plain line a reader (and pdftotext) sees at once.
    h += 2 * kPointsPerMm;
    if (draw) cairo_set_source_rgb(cr_, 0.75, 0.05, 0.05);
    h += type_->Text(std::string("【") + kUnapprovedWatermark + "】",
                     Style(kHeaderFieldSize + 2, true, Align::kCenter), x, y + h, width, draw);
    if (draw) cairo_set_source_rgb(cr_, 0, 0, 0);
  }
  h = std::max(h, qr_height);
  if (!sheet_.header_fields.empty()) {
    // Under the QR, across the whole width, as wide as the table it heads.
    h += 2 * kPointsPerMm;
    h += type_->Text(JoinFields(sheet_.header_fields),
                     Style(kHeaderFieldSize, false, Align::kCenter), box_.left, y + h,
                     box_.content_width(), draw);
  }
  return h;
}

void BlockPainter::PageFooter(int page, int pages) {
  const std::string text = "第 " + std::to_string(page) + " 页/共 " + std::to_string(pages) + " 页";
  type_->Text(text, Style(kPageNumberSize, false, Align::kCenter), box_.left,
              box_.bottom + 3 * kPointsPerMm, box_.content_width(), true);
}

void BlockPainter::Watermark() {
  cairo_save(cr_);
  if (qr_ != nullptr) {
    // Keep the watermark off the code: a tinted module can defeat a phone's reader.
    const double size = QrTotalSize(*qr_);
    cairo_set_fill_rule(cr_, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_rectangle(cr_, 0, 0, box_.width, box_.height);
    cairo_rectangle(cr_, box_.right - size, box_.top, size, size);
    cairo_clip(cr_);
  }
  const double angle = -std::atan2(box_.height, box_.width);
  const double diagonal = std::hypot(box_.width, box_.height);
  cairo_translate(cr_, box_.width / 2, box_.height / 2);
  cairo_rotate(cr_, angle);
  LayoutHandle layout(pango_cairo_create_layout(cr_));
  FontDescriptionHandle desc(pango_font_description_from_string("Noto Sans CJK SC Bold"));
  pango_font_description_set_absolute_size(desc.get(), 100 * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), desc.get());
  pango_layout_set_text(layout.get(), kUnapprovedWatermark, -1);
  int w = 0;
  int h = 0;
  pango_layout_get_size(layout.get(), &w, &h);
  const double scale = 0.72 * diagonal / (static_cast<double>(w) / PANGO_SCALE);
  pango_font_description_set_absolute_size(desc.get(), 100 * scale * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), desc.get());
  pango_layout_get_size(layout.get(), &w, &h);
  cairo_set_source_rgba(cr_, 0.80, 0.10, 0.10, 0.16);
  cairo_move_to(cr_, -static_cast<double>(w) / PANGO_SCALE / 2,
                -static_cast<double>(h) / PANGO_SCALE / 2);
  pango_cairo_show_layout(cr_, layout.get());
  cairo_restore(cr_);
}

double BlockPainter::GridRow(const std::vector<std::string>& texts,
                             const std::vector<double>& widths,
                             const std::vector<TextStyle>& styles, double y, bool draw,
                             double shade, double known_height) {
  double height = known_height;
  if (height <= 0) {
    // One-line cells need no shaping to know their height; only wrapping ones are laid out.
    double content = 0;
    for (size_t c = 0; c < texts.size(); ++c) {
      const double h =
          styles[c].wrap ? type_->Text(texts[c], styles[c], 0, 0, widths[c] - 2 * kCellPadX, false)
                         : type_->LineHeight(styles[c]);
      content = std::max(content, h);
    }
    height = content + 2 * kCellPadY;
  }
  if (!draw) return height;
  double x = box_.left;
  if (shade < 1) {
    cairo_set_source_rgb(cr_, shade, shade, shade);
    cairo_rectangle(cr_, x, y, box_.content_width(), height);
    cairo_fill(cr_);
  }
  cairo_set_source_rgb(cr_, 0, 0, 0);
  for (size_t c = 0; c < texts.size(); ++c) {
    // Every cell is centred vertically in its row: short cells beside a wrapped one.
    if (!texts[c].empty()) {
      type_->Text(texts[c], styles[c], x + kCellPadX, y + kCellPadY, widths[c] - 2 * kCellPadX,
                  true, height - 2 * kCellPadY);
    }
    x += widths[c];
  }
  cairo_set_line_width(cr_, kGridLine);
  x = box_.left;
  for (double w : widths) {
    cairo_rectangle(cr_, x, y, w, height);
    x += w;
  }
  cairo_stroke(cr_);
  return height;
}

std::string BlockPainter::CellText(size_t row, size_t column) const {
  const Cell& cell = sheet_.rows[row][column];
  const Column& col = sheet_.columns[column];
  if (col.numeric) return cell.number ? FormatScaled(*cell.number, col.decimals) : "";
  return cell.text;
}

TextStyle BlockPainter::CellStyle(size_t column) const {
  const Column& col = sheet_.columns[column];
  return Style(kTableSize, false, col.numeric ? Align::kRight : col.align,
               col.wrap && !col.numeric);
}

double BlockPainter::TableHeader(double y, bool draw) {
  std::vector<std::string> texts;
  std::vector<TextStyle> styles;
  for (const Column& c : sheet_.columns) {
    texts.push_back(c.header);
    styles.push_back(Style(kTableSize, true, Align::kCenter));
  }
  return GridRow(texts, widths_, styles, y, draw, kHeaderShade);
}

double BlockPainter::TableRow(size_t row, double y, bool draw, double known_height) {
  std::vector<std::string> texts;
  std::vector<TextStyle> styles;
  for (size_t c = 0; c < sheet_.columns.size(); ++c) {
    texts.push_back(CellText(row, c));
    styles.push_back(CellStyle(c));
  }
  return GridRow(texts, widths_, styles, y, draw, 1.0, known_height);
}

bool BlockPainter::HasSums() const {
  return std::any_of(sheet_.columns.begin(), sheet_.columns.end(),
                     [](const Column& c) { return c.sum; });
}

std::vector<int64_t> BlockPainter::Sums(size_t begin, size_t end) const {
  std::vector<int64_t> sums(sheet_.columns.size(), 0);
  for (size_t r = begin; r < end; ++r) {
    for (size_t c = 0; c < sums.size(); ++c) {
      if (sheet_.columns[c].sum) sums[c] += sheet_.rows[r][c].number.value_or(0);
    }
  }
  return sums;
}

double BlockPainter::SumRow(const std::string& label, const std::vector<int64_t>& sums, double y,
                            bool draw) {
  size_t first_sum = 0;
  while (first_sum < sheet_.columns.size() && !sheet_.columns[first_sum].sum) ++first_sum;
  const size_t span = std::max<size_t>(first_sum, 1);
  std::vector<std::string> texts = {label};
  std::vector<double> widths = {0};
  std::vector<TextStyle> styles = {Style(kTableSize, true, Align::kCenter)};
  for (size_t c = 0; c < span; ++c) widths[0] += widths_[c];
  for (size_t c = span; c < sheet_.columns.size(); ++c) {
    const Column& col = sheet_.columns[c];
    texts.push_back(col.sum ? FormatScaled(sums[c], col.decimals) : "");
    widths.push_back(widths_[c]);
    styles.push_back(Style(kTableSize, true, Align::kRight));
  }
  return GridRow(texts, widths, styles, y, draw, kSumShade);
}

double BlockPainter::Totals(double y, bool draw) {
  const double w = box_.content_width();
  const std::vector<double> widths = {0.2 * w, 0.25 * w, 0.55 * w};
  const std::vector<TextStyle> styles = {Style(kFooterSize, true, Align::kCenter),
                                         Style(kFooterSize, false, Align::kRight),
                                         Style(kFooterSize, false, Align::kLeft)};
  double h = 0;
  for (const TotalLine& t : sheet_.totals) {
    const std::string capitals = t.capitals.empty() ? "" : "大写：" + t.capitals;
    h += GridRow({t.label, t.value, capitals}, widths, styles, y + h, draw, 1.0);
  }
  return h;
}

double BlockPainter::FieldLine(const Field& field, double y, bool draw) {
  return type_->Text(field.key + "：" + field.value, Style(kFooterSize), box_.left, y,
                     box_.content_width(), draw);
}

double BlockPainter::ReviewChain(double y, bool draw) {
  double h =
      type_->Text("审核记录", Style(kFooterSize, true), box_.left, y, box_.content_width(), draw);
  h += 1 * kPointsPerMm;
  const double w = box_.content_width();
  const std::vector<double> widths = {0.2 * w, 0.3 * w, 0.3 * w, 0.2 * w};
  std::vector<TextStyle> head(4, Style(kTableSize, true, Align::kCenter));
  std::vector<TextStyle> body(4, Style(kTableSize, false, Align::kCenter));
  h += GridRow({"环节", "审核人", "结论", "时间"}, widths, head, y + h, draw, kHeaderShade);
  if (sheet_.review_chain.empty()) {
    h += GridRow({"（尚无审核记录）", "", "", ""}, widths, body, y + h, draw, 1.0);
  }
  for (const ReviewStep& s : sheet_.review_chain) {
    h += GridRow({s.stage, s.who, s.decision, s.when}, widths, body, y + h, draw, 1.0);
  }
  return h;
}

double BlockPainter::Attachments(double y, bool draw) {
  double h =
      type_->Text("附件：", Style(kFooterSize, true), box_.left, y, box_.content_width(), draw);
  for (size_t i = 0; i < sheet_.attachments.size(); ++i) {
    h += type_->Text(std::to_string(i + 1) + ". " + sheet_.attachments[i], Style(kFooterSize),
                     box_.left + 2 * kFooterSize, y + h, box_.content_width() - 2 * kFooterSize,
                     draw);
  }
  return h;
}

double BlockPainter::Signatures(double y, bool draw) {
  const double seal = kSealAreaMm * kPointsPerMm;
  const double left_width = box_.content_width() - seal - 10 * kPointsPerMm;
  constexpr size_t kPerRow = 3;
  const double slot = left_width / kPerRow;
  const double row_height = 14 * kPointsPerMm;  // room for a hand signature
  const size_t rows = (sheet_.signatures.size() + kPerRow - 1) / kPerRow;
  for (size_t i = 0; draw && i < sheet_.signatures.size(); ++i) {
    const double x = box_.left + slot * static_cast<double>(i % kPerRow);
    const double line_y = y + row_height * static_cast<double>(i / kPerRow + 1) - 3;
    const std::string& label = sheet_.signatures[i];
    const bool filled = label.find("：") != std::string::npos;
    const double th = type_->Text(filled ? label : label + "：", Style(kFooterSize), x,
                                  line_y - kFooterSize * 1.5, slot, true);
    (void)th;
    if (!filled) {
      const double start = x + type_->NaturalWidth(label + "：", Style(kFooterSize));
      cairo_set_line_width(cr_, kGridLine);
      cairo_move_to(cr_, start, line_y);
      cairo_line_to(cr_, x + slot - 6 * kPointsPerMm, line_y);
      cairo_stroke(cr_);
    }
  }
  // The seal area stays blank above the committee's name and the date, where the seal is
  // pressed over them as on any official paper.
  if (draw && !sheet_.seal_label.empty()) {
    // Centred under the seal area, wider than it so the committee's full name fits one line.
    const double text_width = 2 * seal;
    const double x = box_.right - seal / 2 - text_width / 2;
    std::string date;
    for (const Field& f : sheet_.header_fields) {
      if (f.key == "公开时间") date = f.value;
    }
    const double mid = y + seal / 2;
    const double lh = type_->Text(sheet_.seal_label, Style(kFooterSize, false, Align::kCenter), x,
                                  mid, text_width, true);
    if (!date.empty()) {
      type_->Text(date, Style(kFooterSize, false, Align::kCenter), x, mid + lh, text_width, true);
    }
  }
  const double seal_height = sheet_.seal_label.empty() ? 0 : seal;
  return std::max(row_height * static_cast<double>(rows), seal_height);
}

std::vector<LineBox> BlockPainter::ParagraphLines(size_t paragraph) {
  TextStyle s = Style(kBodySize);
  s.indent_em = 2;
  s.line_spacing = 1.5;
  return type_->Lines(sheet_.paragraphs[paragraph], s, box_.content_width());
}

void BlockPainter::DrawParagraphLines(size_t paragraph, double y, size_t begin, size_t end) {
  TextStyle s = Style(kBodySize);
  s.indent_em = 2;
  s.line_spacing = 1.5;
  type_->DrawLines(sheet_.paragraphs[paragraph], s, box_.left, y, box_.content_width(), begin, end);
}

}  // namespace gongkai
