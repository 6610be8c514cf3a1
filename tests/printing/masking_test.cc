#include "printing/masking.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

TEST_CASE("ID numbers keep the first 6 and last 4 characters by default") {
  CHECK(MaskIdNumber("41038119800101123X") == "410381********123X");
  CHECK(MaskIdNumber("11010519491231002X").size() == 18);
  // An old 15-digit number keeps the same ends.
  CHECK(MaskIdNumber("410381800101123") == "410381*****1123");
}

TEST_CASE("accounts keep the last 4 by default, spaces dropped") {
  CHECK(MaskAccount("6217995000000007919") == "***************7919");
  CHECK(MaskAccount("6217 9950 0000 0007 919") == "***************7919");
}

TEST_CASE("a county policy changes the counts") {
  SheetMaskPolicy policy;
  policy.id_keep_first = 3;
  policy.id_keep_last = 1;
  policy.account_keep_first = 4;
  policy.account_keep_last = 2;
  CHECK(MaskIdNumber("41038119800101123X", policy) == "410**************X");
  CHECK(MaskAccount("6217995000000007919", policy) == "6217*************19");
}

TEST_CASE("short or odd input never prints whole") {
  CHECK(MaskIdNumber("1234567890") == "**********");
  CHECK(MaskIdNumber("123") == "***");
  CHECK(MaskIdNumber("") == "");
  CHECK(MaskAccount("1234") == "****");
  CHECK(MaskKeeping("12345", -3, -1) == "*****");
  // Characters, not bytes: a full-width digit counts once.
  CHECK(MaskKeeping("１２３４５６", 1, 1) == "１****６");
}

}  // namespace
}  // namespace gongkai
