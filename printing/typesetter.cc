#include "printing/typesetter.h"

#include <pango/pangocairo.h>

#include "printing/font_coverage.h"

namespace gongkai {
namespace {

int ToPango(double points) { return static_cast<int>(points * PANGO_SCALE + 0.5); }
double FromPango(int units) { return static_cast<double>(units) / PANGO_SCALE; }

}  // namespace

Typesetter::Typesetter(cairo_t* cr) : cr_(cr), context_(pango_cairo_create_context(cr)) {
  // Unhinted metrics: the layout pass and the draw pass, and every viewer, agree on widths.
  FontOptionsHandle options(cairo_font_options_create());
  cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(context_.get(), options.get());
  pango_context_set_language(context_.get(), pango_language_from_string("zh-cn"));
  layout_ = LayoutHandle(pango_layout_new(context_.get()));
}

PangoFontDescription* Typesetter::Font(double size, bool bold) {
  auto key = std::make_pair(size, bold);
  auto it = fonts_.find(key);
  if (it == fonts_.end()) {
    FontDescriptionHandle desc(pango_font_description_new());
    pango_font_description_set_family(desc.get(), kSheetFontFamily);
    pango_font_description_set_weight(desc.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    // Absolute size: device units of the PDF surface are points.
    pango_font_description_set_absolute_size(desc.get(), size * PANGO_SCALE);
    it = fonts_.emplace(key, std::move(desc)).first;
  }
  return it->second.get();
}

PangoLayout* Typesetter::Prepare(std::string_view text, const TextStyle& style, double width) {
  PangoLayout* layout = layout_.get();
  pango_layout_set_font_description(layout, Font(style.size, style.bold));
  if (style.wrap) {
    pango_layout_set_width(layout, ToPango(width));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, style.align == Align::kLeft     ? PANGO_ALIGN_LEFT
                                       : style.align == Align::kCenter ? PANGO_ALIGN_CENTER
                                                                       : PANGO_ALIGN_RIGHT);
  } else {
    pango_layout_set_width(layout, -1);
    pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT);
  }
  pango_layout_set_indent(layout, ToPango(style.indent_em * style.size));
  pango_layout_set_line_spacing(layout, static_cast<float>(style.line_spacing));
  pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
  return layout;
}

double Typesetter::LineHeight(const TextStyle& style) {
  const auto key = std::make_pair(style.size, style.bold);
  auto it = line_heights_.find(key);
  if (it != line_heights_.end()) return it->second;
  TextStyle one_line = style;
  one_line.wrap = false;
  const double height = Text("国", one_line, 0, 0, 0, false);
  line_heights_.emplace(key, height);
  return height;
}

double Typesetter::Text(std::string_view text, const TextStyle& style, double x, double y,
                        double width, bool draw, double box_height) {
  PangoLayout* layout = Prepare(text, style, width);
  int w = 0;
  int h = 0;
  pango_layout_get_size(layout, &w, &h);
  if (draw) {
    double dx = 0;
    if (!style.wrap && style.align != Align::kLeft) {
      const double spare = width - FromPango(w);
      dx = style.align == Align::kCenter ? spare / 2 : spare;
    }
    const double dy = box_height > 0 ? (box_height - FromPango(h)) / 2 : 0;
    cairo_move_to(cr_, x + dx, y + dy);
    pango_cairo_show_layout(cr_, layout);
  }
  return FromPango(h);
}

double Typesetter::NaturalWidth(std::string_view text, const TextStyle& style) {
  TextStyle one_line = style;
  one_line.wrap = false;
  PangoLayout* layout = Prepare(text, one_line, 0);
  int w = 0;
  int h = 0;
  pango_layout_get_size(layout, &w, &h);
  return FromPango(w);
}

std::vector<LineBox> Typesetter::Lines(std::string_view text, const TextStyle& style,
                                       double width) {
  PangoLayout* layout = Prepare(text, style, width);
  std::vector<LineBox> lines;
  LayoutIterHandle iter(pango_layout_get_iter(layout));
  do {
    int top = 0;
    int bottom = 0;
    pango_layout_iter_get_line_yrange(iter.get(), &top, &bottom);
    lines.push_back({FromPango(top), FromPango(bottom - top)});
  } while (pango_layout_iter_next_line(iter.get()));
  return lines;
}

void Typesetter::DrawLines(std::string_view text, const TextStyle& style, double x, double y,
                           double width, size_t begin, size_t end) {
  PangoLayout* layout = Prepare(text, style, width);
  LayoutIterHandle iter(pango_layout_get_iter(layout));
  double origin = 0;
  for (size_t i = 0; i < end; ++i) {
    if (i >= begin) {
      int top = 0;
      int bottom = 0;
      pango_layout_iter_get_line_yrange(iter.get(), &top, &bottom);
      if (i == begin) origin = FromPango(top);
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(iter.get(), nullptr, &logical);
      const double baseline = FromPango(pango_layout_iter_get_baseline(iter.get()));
      cairo_move_to(cr_, x + FromPango(logical.x), y + baseline - origin);
      pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(iter.get()));
    }
    if (!pango_layout_iter_next_line(iter.get())) break;
  }
}

}  // namespace gongkai
