// cairo 1.16 cuts some glyphs short in the CFF subsets it embeds (see
// printing/font_subset_repair.h). These tests draw the characters known to be hit, alone,
// and read the page back with pdftoppm; and check every character of the printed layouts'
// fixed texts, each alone in its own PDF, for glyph programs that do not reach endchar.
#include "printing/font_subset_repair.h"

#include <cairo-pdf.h>
#include <doctest/doctest.h>
#include <pango/pangocairo.h>

#include <set>
#include <string>
#include <vector>

#include "printing/cairo_handles.h"
#include "printing/cff_font.h"
#include "printing/layouts.h"
#include "printing/pdf_render.h"
#include "tests/printing/pdf_tools.h"
#include "tests/printing/sample_sheets.h"

namespace gongkai {
namespace {

using testing::Run;
using testing::TempDir;

constexpr double kCell = 60;  // points: one character per cell, one row

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// The characters of `text` (UTF-8), one string each.
std::vector<std::string> Characters(const std::string& text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size();) {
    const unsigned char b = static_cast<unsigned char>(text[i]);
    const size_t n = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    out.push_back(text.substr(i, n));
    i += n;
  }
  return out;
}

// A PDF as cairo writes it (not repaired): each character of `text` centred in its own
// cell of a one-row page, in Noto Sans CJK SC at 40 pt.
std::string CairoTextPdf(const std::string& text, bool bold) {
  const std::vector<std::string> chars = Characters(text);
  std::string pdf;
  SurfaceHandle surface(
      cairo_pdf_surface_create_for_stream(Append, &pdf, kCell * chars.size(), kCell));
  CairoHandle cr(cairo_create(surface.get()));
  Handle<PangoLayout, UnrefAsGObject<PangoLayout>> layout(pango_cairo_create_layout(cr.get()));
  Handle<PangoFontDescription, pango_font_description_free> font(pango_font_description_new());
  pango_font_description_set_family(font.get(), "Noto Sans CJK SC");
  pango_font_description_set_weight(font.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size(font.get(), 40 * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), font.get());
  for (size_t i = 0; i < chars.size(); ++i) {
    pango_layout_set_text(layout.get(), chars[i].c_str(), -1);
    cairo_move_to(cr.get(), kCell * i + 10, 0);
    pango_cairo_show_layout(cr.get(), layout.get());
  }
  cr.Reset();
  cairo_surface_finish(surface.get());
  return pdf;
}

// Dark pixels in each cell of the page, as pdftoppm draws it in grey at 72 dpi.
std::vector<int> InkPerCell(const std::string& pdf_bytes, size_t cells, const TempDir& dir) {
  const std::string pdf = dir.File("cells.pdf");
  {
    std::ofstream out(pdf, std::ios::binary);
    out << pdf_bytes;
  }
  Run("pdftoppm -r 72 -gray -singlefile '" + pdf + "' '" + dir.File("cells") + "'");
  const std::string pgm = testing::ReadAll(dir.File("cells.pgm"));
  std::vector<int> ink(cells, 0);
  // P5 header: "P5\n<w> <h>\n255\n"
  std::istringstream header(pgm);
  std::string magic;
  int width = 0;
  int height = 0;
  int max = 0;
  header >> magic >> width >> height >> max;
  if (magic != "P5" || width <= 0 || height <= 0) return ink;
  const size_t data = static_cast<size_t>(header.tellg()) + 1;
  if (pgm.size() < data + static_cast<size_t>(width) * height) return ink;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const auto v = static_cast<unsigned char>(pgm[data + static_cast<size_t>(y) * width + x]);
      const size_t cell = static_cast<size_t>(x / kCell);
      if (v < 128 && cell < cells) ++ink[cell];
    }
  }
  return ink;
}

// Glyph programs of the embedded subsets that do not reach endchar when run with the
// subset's own subroutines (a glyph cut short), as "font: glyph n".
std::vector<std::string> CutShortGlyphs(const std::string& pdf) {
  std::vector<std::string> bad;
  Result<std::vector<EmbeddedCffFont>> fonts = EmbeddedCffFonts(pdf);
  REQUIRE_MESSAGE(fonts.ok(), fonts.status().message());
  for (const EmbeddedCffFont& f : *fonts) {
    Result<CffFont> font = ParseCidCff(f.cff);
    REQUIRE(font.ok());
    for (size_t g = 1; g < font->charstrings.size(); ++g) {
      const auto& local = font->font_dicts[font->fd_of_glyph[g]].subrs;
      Result<CffSubrCalls> calls =
          FindCffSubrCalls(font->charstrings[g], font->global_subrs, local);
      if (!calls.ok() || !calls->endchar)
        bad.push_back(f.postscript_name + ": glyph " + std::to_string(g));
    }
  }
  return bad;
}

TEST_CASE("glyphs cairo's subsetter cuts short draw once the subset is repaired") {
  TempDir dir("font_subset_repair");
  // Measured on Noto Sans CJK 20220127 with cairo 1.16.0: the only mapped characters whose
  // subroutine calls cairo's charstring scan misses are these four.
  const struct {
    std::string text;
    bool bold;
  } cases[] = {{"如", false}, {"瘃", false}, {"忉", true}, {"烪", true}, {"公告如下", false}};
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const std::string raw = CairoTextPdf(c.text, c.bold);
    FontSubsetRepair repair;
    Result<std::string> repaired = RepairPdfFontSubsets(raw, &repair);
    REQUIRE_MESSAGE(repaired.ok(), repaired.status().message());
    CHECK(repair.fonts == 1);
    if (repair.subrs_restored == 0) MESSAGE("cairo embedded this subset whole: ", c.text);
    CHECK(CutShortGlyphs(*repaired).empty());
    const size_t cells = Characters(c.text).size();
    for (int ink : InkPerCell(*repaired, cells, dir)) CHECK(ink > 30);
    CHECK(Run("pdftotext '" + dir.File("cells.pdf") + "' - | tr -d ' \\n\\f'") == c.text);
  }
}

TEST_CASE("a PDF with nothing to repair comes back byte for byte") {
  const std::string raw = CairoTextPdf("公开栏", false);
  REQUIRE(CutShortGlyphs(raw).empty());
  FontSubsetRepair repair;
  Result<std::string> repaired = RepairPdfFontSubsets(raw, &repair);
  REQUIRE_MESSAGE(repaired.ok(), repaired.status().message());
  CHECK(repair.subrs_restored == 0);
  CHECK(*repaired == raw);
}

TEST_CASE("only font descriptors are read: a title that looks like one changes nothing") {
  TempDir dir("font_subset_title");
  AffairsNotice notice = testing::SampleAffairs(true);
  notice.title = "/Type /FontDescriptor /FontFile3 9 0 R /FontName /ABCDEF+Nothing 公告如下";
  const std::string pdf = dir.File("title.pdf");
  RenderReport report;
  REQUIRE(RenderSheetPdf(MakeAffairsSheet(notice), pdf, &report).ok());
  CHECK(report.font_repair.fonts == 2);
  CHECK(CutShortGlyphs(testing::ReadAll(pdf)).empty());
}

TEST_CASE("a PDF that is not laid out as cairo writes it is refused") {
  FontSubsetRepair repair;
  CHECK(RepairPdfFontSubsets("%PDF-1.5\nno xref here\n", &repair).status().code() ==
        std::string(kErrPrintFontSubset));
  std::string raw = CairoTextPdf("如", false);
  const size_t xref = raw.rfind("xref\n0 ");
  REQUIRE(xref != std::string::npos);
  raw[raw.find(" 00000 n", xref) - 1] ^= 1;  // object 1 no longer where the xref says
  CHECK(RepairPdfFontSubsets(raw, &repair).status().code() == std::string(kErrPrintFontSubset));
}

TEST_CASE("every character of the layouts' fixed texts, alone in a PDF, draws whole") {
  TempDir dir("font_subset_fixed");
  // The fixed texts of every layout: all four kinds of sheet, watermark included.
  std::string text;
  const Sheet sheets[] = {MakeSubsidySheet(testing::SampleSubsidyList(3, true)),
                          MakeFinanceSheet(testing::SampleFinance(3, true)),
                          MakeAffairsSheet(testing::SampleAffairs(true)),
                          MakeAffairsSheet(testing::SampleAffairs(false))};
  for (size_t i = 0; i < std::size(sheets); ++i) {
    const std::string pdf = dir.File("sheet" + std::to_string(i) + ".pdf");
    REQUIRE(RenderSheetPdf(sheets[i], pdf, nullptr).ok());
    text += Run("pdftotext -raw '" + pdf + "' -");
    CHECK(CutShortGlyphs(testing::ReadAll(pdf)).empty());
  }
  std::set<std::string> chars;
  for (const std::string& c : Characters(text)) {
    if (static_cast<unsigned char>(c[0]) >= 0x80) chars.insert(c);
  }
  REQUIRE(chars.size() > 200);
  // Each character is its own cairo document; under the sanitizers that costs over a minute
  // for all of them, so that build checks every fourth (the normal build checks all).
#ifdef GONGKAI_SANITIZED_BUILD
  constexpr size_t kStride = 4;
#else
  constexpr size_t kStride = 1;
#endif
  size_t repaired_subsets = 0;
  size_t index = 0;
  for (const std::string& c : chars) {
    if (index++ % kStride != 0) continue;
    for (bool bold : {false, true}) {
      CAPTURE(c);
      CAPTURE(bold);
      FontSubsetRepair repair;
      Result<std::string> repaired = RepairPdfFontSubsets(CairoTextPdf(c, bold), &repair);
      REQUIRE_MESSAGE(repaired.ok(), repaired.status().message());
      if (repair.subrs_restored > 0) ++repaired_subsets;
      CHECK(CutShortGlyphs(*repaired).empty());
    }
  }
  MESSAGE(chars.size(), " characters; subsets repaired: ", repaired_subsets);
}

}  // namespace
}  // namespace gongkai
