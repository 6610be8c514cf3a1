// CID-keyed CFF fonts (Adobe Technical Notes 5176 "The Compact Font Format" and 5177 "The
// Type 2 Charstring Format"), as far as repairing the font subsets cairo embeds needs: read
// the font's parts, find the subroutines a glyph calls, write the font back. Internal to
// printing/ (see cff_subset_repair.h for why it exists).
//
// A CffFont holds views into bytes it does not own: the CFF data it was read from, and any
// replacement subroutines; those must outlive it and every WriteCidCff of it.
// Thread-safety: plain values and pure functions.
#ifndef GONGKAI_PRINTING_CFF_FONT_H_
#define GONGKAI_PRINTING_CFF_FONT_H_

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrCffFormat[] = "cff.format";          // bytes that are not such a CFF
inline constexpr char kErrCffCharstring[] = "cff.charstring";  // a charstring not understood

// Type 2 limits: subroutine nesting depth (TN 5177, Appendix B).
inline constexpr int kMaxCffSubrNesting = 10;

// One DICT entry: operator (0..21, or 1200 + b for the escape 12 b), its operands as
// integers (a real operand reads as 0; no operand this code rewrites is real) and as the
// bytes they were written in.
struct CffDictEntry {
  int op = 0;
  std::vector<int64_t> values;
  std::string_view raw;
};

struct CffFontDict {
  std::vector<CffDictEntry> dict;  // a Font DICT of the FDArray
  std::vector<CffDictEntry> private_dict;
  std::vector<std::string_view> subrs;  // its local subroutines (may be empty)
};

struct CffFont {
  std::string_view head;  // header and Name INDEX, copied as they are
  std::vector<CffDictEntry> top;
  std::vector<std::string_view> strings;
  std::vector<std::string_view> global_subrs;
  std::string_view charset;    // raw, in the font's charset format
  std::string_view fd_select;  // raw, format 0 or 3
  std::vector<std::string_view> charstrings;
  std::vector<CffFontDict> font_dicts;
  std::vector<uint8_t> fd_of_glyph;  // FDSelect, decoded
};

// Reads a CID-keyed CFF (Top DICT with FDArray and FDSelect). Errors: kErrCffFormat.
Result<CffFont> ParseCidCff(std::string_view data);

// The CFF bytes of `font`: header, Name, Top DICT, String and Global Subr INDEXes, charset,
// FDSelect, CharStrings, FDArray, then each Private DICT followed by its Subrs.
std::string WriteCidCff(const CffFont& font);

// The FontName of font dict `fd` ("" when it has none).
std::string_view CffFontDictName(const CffFont& font, size_t fd);

// Type 2 subroutine number bias for a Subrs INDEX of `count` entries.
int CffSubrBias(size_t count);

struct CffSubrCalls {
  std::set<int> global;  // indices into the Global Subrs INDEX
  std::set<int> local;   // indices into the glyph's font dict's Subrs
  bool endchar = false;  // the program reached endchar (a whole glyph always does)
};

// Every subroutine `charstring` calls, directly or through subroutines, run with
// `global_subrs` and `local_subrs` (hint masks are skipped by the number of stems declared
// so far, the first one counting the implied vstem of its operands). Errors:
// kErrCffCharstring (a subroutine number that is computed, or out of range, nesting deeper
// than kMaxCffSubrNesting, an operator that is not Type 2).
Result<CffSubrCalls> FindCffSubrCalls(std::string_view charstring,
                                      const std::vector<std::string_view>& global_subrs,
                                      const std::vector<std::string_view>& local_subrs);

}  // namespace gongkai

#endif  // GONGKAI_PRINTING_CFF_FONT_H_
