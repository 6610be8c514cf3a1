// Puts back the glyph subroutines cairo 1.16 drops from the CFF font subsets it embeds.
// Internal to printing/.
//
// Why: cairo subsets a CFF font by scanning each glyph's charstring for the subroutines it
// calls and writing every other subroutine as a bare `return`. Its scan (cairo-cff-subset.c,
// cairo 1.16.0 as in Debian 12) clears its operand count only at hint and move operators,
// not at the other path operators. A glyph whose first hintmask comes after path operators
// (hint replacement) therefore has the path's operands taken for an implied vstem: the mask
// is skipped as several bytes instead of one, and the subroutine calls after it are never
// seen. Unless another glyph of the same subset calls those subroutines, the glyph is
// embedded cut short, with no endchar, and poppler (pdftoppm, pdftocairo, evince) draws
// nothing for it, while pdftotext still finds the character. Noto Sans CJK SC's 如 (U+5982)
// alone is one: it calls local subroutine 26920 of its font dict after its hintmask.
//
// RepairPdfFontSubsets reads every embedded CIDFontType0C font (FontFile3, FlateDecode) of
// a PDF written by cairo, finds the installed font of its PostScript name with fontconfig,
// runs each glyph of the subset against the installed font's subroutines (cff_font.h:
// FindCffSubrCalls, which follows hint masks by the Type 2 rules), and replaces each
// subroutine a glyph calls whose body differs from the installed font's with that body.
// Nothing else in the PDF changes but the font stream, its Length and the xref offsets; a
// PDF with nothing to repair is returned byte for byte.
//
// Thread-safety: safe to call from several threads; the installed fonts' CFF tables are
// read once per process and kept (about 15 MB each), under a mutex.
#ifndef GONGKAI_PRINTING_FONT_SUBSET_REPAIR_H_
#define GONGKAI_PRINTING_FONT_SUBSET_REPAIR_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrPrintFontSubset[] = "print.font_subset";

// An embedded font program larger than this (uncompressed) is refused.
inline constexpr size_t kMaxEmbeddedFontBytes = 64u << 20;

struct FontSubsetRepair {
  size_t fonts = 0;           // CFF subsets examined
  size_t subrs_restored = 0;  // subroutine bodies put back
};

// The PDF `pdf` with its CFF subsets repaired (see above). Errors: kErrPrintFontSubset (a
// PDF not laid out as cairo writes it: no classic xref table, an object not where the xref
// says; a font stream that does not inflate or is over kMaxEmbeddedFontBytes; an installed
// font that fontconfig cannot find or whose subroutines do not match the subset's counts),
// cff.* from cff_font.h.
Result<std::string> RepairPdfFontSubsets(std::string_view pdf, FontSubsetRepair* repair);

struct EmbeddedCffFont {
  std::string postscript_name;  // without the subset tag ("NotoSansCJKsc-Regular")
  std::string cff;              // the font program, inflated
};

// The CIDFontType0C font programs embedded in `pdf` (FontFile3, FlateDecode), as they are.
// Errors: as RepairPdfFontSubsets, but for the installed fonts.
Result<std::vector<EmbeddedCffFont>> EmbeddedCffFonts(std::string_view pdf);

// The 'CFF ' table of face `face_index` of the OpenType file or collection at `path`.
// Errors: kErrPrintFontSubset.
Result<std::string> ReadOpenTypeCff(const std::string& path, int face_index);

}  // namespace gongkai

#endif  // GONGKAI_PRINTING_FONT_SUBSET_REPAIR_H_
