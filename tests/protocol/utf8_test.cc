#include "protocol/utf8.h"

#include <doctest/doctest.h>

#include <string>

namespace gongkai {
namespace {

TEST_CASE("well-formed UTF-8 is accepted") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ASCII"));
  CHECK(IsValidUtf8("南充市嘉陵区龙蟠镇"));
  CHECK(IsValidUtf8("\xc2\x80"));          // U+0080, smallest two-byte
  CHECK(IsValidUtf8("\xef\xbf\xbf"));      // U+FFFF
  CHECK(IsValidUtf8("\xf0\x90\x80\x80"));  // U+10000
  CHECK(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF, the largest
}

TEST_CASE("malformed UTF-8 is refused") {
  CHECK_FALSE(IsValidUtf8(std::string("a\0b", 3)));  // NUL
  CHECK_FALSE(IsValidUtf8("\x80"));                  // lone continuation
  CHECK_FALSE(IsValidUtf8("\xc0\xaf"));              // overlong '/'
  CHECK_FALSE(IsValidUtf8("\xe0\x80\xaf"));          // overlong, three bytes
  CHECK_FALSE(IsValidUtf8("\xed\xa0\x80"));          // surrogate U+D800
  CHECK_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));      // U+110000
  CHECK_FALSE(IsValidUtf8("\xf8\x88\x80\x80\x80"));  // five-byte form
  CHECK_FALSE(IsValidUtf8("\xe5\x8d"));              // truncated 南
  CHECK_FALSE(IsValidUtf8("\xe5\x41\x97"));          // bad continuation
  CHECK_FALSE(IsValidUtf8("\xff"));
}

}  // namespace
}  // namespace gongkai
