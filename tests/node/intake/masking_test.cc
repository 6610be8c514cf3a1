#include "node/intake/masking.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

TEST_CASE("default policies: ID keeps 6+4 and its length, account shows ****last4") {
  CHECK(MaskIdentifier("41038119900101123X", kDefaultIdMask) == "410381********123X");
  CHECK(MaskIdentifier("6228480012345678", kDefaultAccountMask) == "****5678");
  CHECK(MaskIdentifier("6228 4800", kDefaultAccountMask) == "****4800");
}

TEST_CASE("a county policy is applied as configured") {
  CHECK(MaskIdentifier("41038119900101123X", MaskPolicy{3, 2, 0}) == "410*************3X");
  CHECK(MaskIdentifier("41038119900101123X", MaskPolicy{0, 0, 6}) == "******");
}

TEST_CASE("short values are never shown more than half") {
  CHECK(MaskIdentifier("", kDefaultIdMask).empty());
  CHECK(MaskIdentifier("1234", kDefaultAccountMask) == "****34");
  CHECK(MaskIdentifier("12345678", kDefaultIdMask) == "****5678");
  CHECK(MaskIdentifier("1", kDefaultIdMask) == "*");
}

}  // namespace
}  // namespace gongkai
