// Which characters the sheet font (Noto Sans CJK SC) cannot show. Real registers hold rare
// name characters (䶮 U+4DAE, 㛃 U+36C3, 𠮷 U+20BB7 ...). The renderer still draws them (Pango
// falls back to any installed font that has them, or draws a box), but lists them so the
// command can warn the clerk which name on which row may print wrongly.
#ifndef GONGKAI_PRINTING_FONT_COVERAGE_H_
#define GONGKAI_PRINTING_FONT_COVERAGE_H_

#include <pango/pango.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "printing/cairo_handles.h"
#include "printing/pdf_render.h"
#include "printing/sheet.h"
#include "protocol/status.h"

namespace gongkai {

// The sheet font's character set, as loaded through Pango from `context` (a cairo-backed
// Pango context). Not thread-safe (caches lookups).
class FontCoverage {
 public:
  // Fails with kErrPrintFontMissing when fontconfig gives a family other than
  // kSheetFontFamily (the font package is not installed).
  static Result<FontCoverage> Load(PangoContext* context);

  bool HasChar(char32_t code_point);

 private:
  explicit FontCoverage(FontHandle font) : font_(std::move(font)) {}

  FontHandle font_;
  std::unordered_map<char32_t, bool> cache_;
};

// Checks every character of every printed string of `sheet` (ASCII is assumed covered;
// control characters are ignored) and returns one entry per character and place, at most
// kMaxMissingGlyphReports entries; *total (if given) gets the number before truncation.
std::vector<MissingGlyph> FindMissingGlyphs(const Sheet& sheet, FontCoverage* coverage,
                                            size_t* total = nullptr);

}  // namespace gongkai

#endif  // GONGKAI_PRINTING_FONT_COVERAGE_H_
