#include "printing/cff_font.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "printing/font_subset_repair.h"

namespace gongkai {
namespace {

constexpr char kRegular[] = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
constexpr int kSimplifiedChineseFace = 2;

std::string Code(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

TEST_CASE("the installed Noto Sans CJK SC reads, and writes back to the same parts") {
  Result<std::string> bytes = ReadOpenTypeCff(kRegular, kSimplifiedChineseFace);
  REQUIRE(bytes.ok());
  Result<CffFont> font = ParseCidCff(*bytes);
  REQUIRE(font.ok());
  CHECK(font->charstrings.size() == 65535);
  CHECK(font->font_dicts.size() == 18);
  CHECK(CffFontDictName(*font, 12) == "NotoSansCJKjp-Regular-Ideographs");
  CHECK(font->font_dicts[12].subrs.size() == 28516);

  const std::string written = WriteCidCff(*font);
  Result<CffFont> again = ParseCidCff(written);
  REQUIRE(again.ok());
  CHECK(again->charstrings == font->charstrings);
  CHECK(again->global_subrs == font->global_subrs);
  CHECK(again->fd_of_glyph == font->fd_of_glyph);
  CHECK(again->charset == font->charset);
  for (size_t fd = 0; fd < font->font_dicts.size(); ++fd) {
    CHECK(again->font_dicts[fd].subrs == font->font_dicts[fd].subrs);
    CHECK(CffFontDictName(*again, fd) == CffFontDictName(*font, fd));
  }
  // Written again, the bytes are the same: the layout depends only on the parts.
  CHECK(WriteCidCff(*again) == written);

  // 如 (glyph 14237): a global subroutine before its hintmask, a local one after it.
  Result<CffSubrCalls> calls = FindCffSubrCalls(font->charstrings[14237], font->global_subrs,
                                                font->font_dicts[font->fd_of_glyph[14237]].subrs);
  REQUIRE(calls.ok());
  CHECK(calls->global == std::set<int>{1069});
  CHECK(calls->local == std::set<int>{26920});
  CHECK(calls->endchar);
}

TEST_CASE("subroutine calls follow the bias, nesting, return and endchar") {
  // Bias 107 for fewer than 1240 subroutines: operand -107 is subroutine 0.
  const std::vector<std::string> local_bodies = {Code({139 + 5, 6, 11}), Code({139 - 107, 10, 11})};
  const std::vector<std::string> global_bodies = {Code({14})};
  const std::vector<std::string_view> local(local_bodies.begin(), local_bodies.end());
  const std::vector<std::string_view> global(global_bodies.begin(), global_bodies.end());
  // hstemhm with 4 operands (2 stems), a path, hintmask (1 byte), local 1 -> local 0, global 0.
  const std::string glyph = Code({139, 139 + 10, 139, 139 + 20, 18, 139, 139, 21, 139 + 50, 6, 19,
                                  0xc0, 139 - 106, 10, 139 - 107, 29});
  Result<CffSubrCalls> calls = FindCffSubrCalls(glyph, global, local);
  REQUIRE(calls.ok());
  CHECK(calls->local == std::set<int>{0, 1});
  CHECK(calls->global == std::set<int>{0});
  CHECK(calls->endchar);
  // Cut short: a glyph that never reaches endchar.
  Result<CffSubrCalls> open = FindCffSubrCalls(Code({139, 139, 21}), global, local);
  REQUIRE(open.ok());
  CHECK_FALSE(open->endchar);
}

TEST_CASE("refusals") {
  CHECK(ParseCidCff("").status().code() == std::string(kErrCffFormat));
  CHECK(ParseCidCff(Code({1, 0, 4, 4, 0, 0})).status().code() == std::string(kErrCffFormat));
  const std::vector<std::string_view> none;
  // A subroutine number computed (a 16.16 fixed operand), out of range, and nesting.
  CHECK(FindCffSubrCalls(Code({255, 0, 1, 0, 0, 10}), none, none).status().code() ==
        std::string(kErrCffCharstring));
  CHECK(FindCffSubrCalls(Code({139, 10}), none, none).status().code() ==
        std::string(kErrCffCharstring));
  const std::string self_call = Code({139 - 107, 10, 11});
  const std::vector<std::string_view> recursive = {self_call};
  CHECK(FindCffSubrCalls(self_call, none, recursive).status().code() ==
        std::string(kErrCffCharstring));
  CHECK(FindCffSubrCalls(Code({139, 139, 12, 9}), none, none).status().code() ==
        std::string(kErrCffCharstring));  // arithmetic operator
  CHECK(FindCffSubrCalls(Code({2}), none, none).status().code() == std::string(kErrCffCharstring));
}

}  // namespace
}  // namespace gongkai
