// Typesetter: measures and draws text in the sheet font with one reusable PangoLayout on a
// cairo context. Used twice with the same metrics: by the layout pass (draw = false, only
// heights) and by the draw pass. Internal to printing/.
// Not thread-safe; borrows `cr`, which must outlive it.
#ifndef GONGKAI_PRINTING_TYPESETTER_H_
#define GONGKAI_PRINTING_TYPESETTER_H_

#include <cairo.h>

#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "printing/cairo_handles.h"
#include "printing/sheet.h"

namespace gongkai {

struct TextStyle {
  double size = 11;  // points
  bool bold = false;
  Align align = Align::kLeft;
  bool wrap = true;         // false: one line, aligned by hand inside the width
  double indent_em = 0;     // first-line indent
  double line_spacing = 0;  // factor of the font height (0 = font default)
};

// Top and height of one line of a wrapped paragraph, relative to the paragraph top.
struct LineBox {
  double top = 0;
  double height = 0;
};

class Typesetter {
 public:
  explicit Typesetter(cairo_t* cr);

  PangoContext* context() const { return context_.get(); }

  // Lays `text` out in a box `width` wide at (x, y), draws it when `draw`, and returns its
  // height. A wrapping style breaks lines anywhere a word or, failing that, a character ends
  // (PANGO_WRAP_WORD_CHAR), so CJK text and long numbers stay inside the box.
  // With `box_height` > 0 the text is centred vertically in a box that high starting at y.
  double Text(std::string_view text, const TextStyle& style, double x, double y, double width,
              bool draw, double box_height = 0);

  // Height of one line in `style`, without shaping any text (cached).
  double LineHeight(const TextStyle& style);

  // Width of `text` on one line.
  double NaturalWidth(std::string_view text, const TextStyle& style);

  // The lines `text` wraps into; DrawLines draws lines [begin, end) with line `begin`'s top
  // at y, so a paragraph can be split across pages without drawing any line twice.
  std::vector<LineBox> Lines(std::string_view text, const TextStyle& style, double width);
  void DrawLines(std::string_view text, const TextStyle& style, double x, double y, double width,
                 size_t begin, size_t end);

 private:
  PangoLayout* Prepare(std::string_view text, const TextStyle& style, double width);
  PangoFontDescription* Font(double size, bool bold);

  cairo_t* cr_;
  PangoContextHandle context_;
  LayoutHandle layout_;
  std::map<std::pair<double, bool>, FontDescriptionHandle> fonts_;
  std::map<std::pair<double, bool>, double> line_heights_;
};

}  // namespace gongkai

#endif  // GONGKAI_PRINTING_TYPESETTER_H_
