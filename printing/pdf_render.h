// RenderSheetPdf: a Sheet -> an A3 PDF ready for the 公开栏.
//
// The page is A3 portrait (297 x 420 mm = 841.89 x 1190.55 pt), or A3 landscape when the
// table's columns cannot fit the portrait width at the table font size (see README.md,
// "Pagination"). Text is set by Pango in Noto Sans CJK SC (Regular and Bold), which cairo
// embeds as subsets. Rendering is two passes: a layout pass measures every block and cuts
// the pages, so "第 i 页/共 n 页" is known before the draw pass prints it.
//
// Every page carries the title block, the QR code of `qr_payload`, the page number, and when
// the sheet is not approved, kUnapprovedWatermark as real (searchable) text across the page.
// A table longer than a page continues with its header row repeated and a 本页小计 row per
// page; 合计 closes the table on its last page.
#ifndef GONGKAI_PRINTING_PDF_RENDER_H_
#define GONGKAI_PRINTING_PDF_RENDER_H_

#include <string>
#include <vector>

#include "printing/font_subset_repair.h"
#include "printing/sheet.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr double kA3ShortSidePt = 297.0 * 72.0 / 25.4;  // 841.89
inline constexpr double kA3LongSidePt = 420.0 * 72.0 / 25.4;   // 1190.55

// Printed across every page of a sheet whose version the township has not approved.
inline constexpr char kUnapprovedWatermark[] = "未经乡镇审核 不得张贴";

// The sheet font, and the report of characters it lacks: real registers hold rare name
// characters (䶮 U+4DAE, 㛃 U+36C3, 𠮷 U+20BB7 ...); they are still drawn (Pango falls back to
// any installed font that has them, or draws a box) and listed so the command can warn the
// clerk which name on which row may print wrongly.
inline constexpr char kSheetFontFamily[] = "Noto Sans CJK SC";
inline constexpr size_t kMaxMissingGlyphReports = 1000;

inline constexpr char kErrPrintFontMissing[] = "print.font_missing";

// Whether fontconfig gives the sheet font (kSheetFontFamily) itself, for `gongkai doctor`.
// Errors: kErrPrintFontMissing (with the family fontconfig gives instead).
Status CheckSheetFont();

// One character the font lacks, and where it occurs: "第 12 行“户主姓名”", "标题", ...
struct MissingGlyph {
  char32_t code_point = 0;
  std::string character;  // the UTF-8 character itself
  std::string where;
};

inline constexpr char kErrPrintWrite[] = "print.write";
inline constexpr char kErrPrintTableTooWide[] = "print.table_too_wide";
inline constexpr char kErrPrintTooTall[] = "print.too_tall";

struct RenderReport {
  int page_count = 0;
  bool landscape = false;
  // Characters Noto Sans CJK SC cannot show, with where they occur (at most
  // kMaxMissingGlyphReports); missing_glyph_total counts them all.
  std::vector<MissingGlyph> missing_glyphs;
  size_t missing_glyph_total = 0;
  // Glyph subroutines put back into the embedded font subsets (printing/font_subset_repair.h).
  FontSubsetRepair font_repair;
};

// Validates `sheet` (ValidateSheet), lays it out and writes the PDF to `out_path` (through a
// temporary file beside it, renamed into place only when complete, so a failed render leaves
// no partial PDF). `report` may be null; it is filled on success.
// Errors: any kErrSheet* from ValidateSheet; kErrQrEncode; kErrPrintFontMissing when Noto
// Sans CJK SC is not installed; kErrPrintTableTooWide when the columns do not fit even in
// landscape; kErrPrintTooTall when one table row or block is taller than a page body;
// kErrPrintWrite when the file cannot be written; kErrPrintFontSubset and cff.* when an
// embedded font subset cannot be repaired (font_subset_repair.h).
// Thread-safety: safe to call from several threads on different sheets (no shared state
// beyond fontconfig's, which Pango locks).
Status RenderSheetPdf(const Sheet& sheet, const std::string& out_path, RenderReport* report);

}  // namespace gongkai

#endif  // GONGKAI_PRINTING_PDF_RENDER_H_
