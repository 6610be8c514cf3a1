#include "printing/chinese_amount.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

namespace gongkai {
namespace {

TEST_CASE("人民币大写: the brief's cases") {
  CHECK(AmountInChineseCapitals(0) == "零元整");
  CHECK(AmountInChineseCapitals(5) == "伍分");
  CHECK(AmountInChineseCapitals(1000) == "壹拾元整");
  CHECK(AmountInChineseCapitals(10010) == "壹佰元壹角整");
  CHECK(AmountInChineseCapitals(100100) == "壹仟零壹元整");
  CHECK(AmountInChineseCapitals(10000000) == "壹拾万元整");
  CHECK(AmountInChineseCapitals(1000000001) == "壹仟万元零壹分");
  CHECK(AmountInChineseCapitals(-100) == "负壹元整");
}

TEST_CASE("人民币大写: zeros inside and between groups") {
  CHECK(AmountInChineseCapitals(12) == "壹角贰分");
  CHECK(AmountInChineseCapitals(10) == "壹角整");
  CHECK(AmountInChineseCapitals(101) == "壹元零壹分");
  CHECK(AmountInChineseCapitals(123456) == "壹仟贰佰叁拾肆元伍角陆分");
  CHECK(AmountInChineseCapitals(101000) == "壹仟零壹拾元整");
  CHECK(AmountInChineseCapitals(20010000) == "贰拾万零壹佰元整");
  CHECK(AmountInChineseCapitals(10000000000) == "壹亿元整");
  CHECK(AmountInChineseCapitals(10001000000) == "壹亿零壹万元整");
  CHECK(AmountInChineseCapitals(10000000100) == "壹亿零壹元整");
  CHECK(AmountInChineseCapitals(11000000000) == "壹亿壹仟万元整");
  CHECK(AmountInChineseCapitals(10123456700) == "壹亿零壹佰贰拾叁万肆仟伍佰陆拾柒元整");
  CHECK(AmountInChineseCapitals(38839030) == "叁拾捌万捌仟叁佰玖拾元叁角整");
  CHECK(AmountInChineseCapitals(100000000000000) == "壹万亿元整");
  CHECK(AmountInChineseCapitals(-5) == "负伍分");
}

TEST_CASE("人民币大写: the int64 extremes") {
  // 92,233,720,368,547,758.07 元: above 亿 the high part is read again (…亿…亿).
  CHECK(AmountInChineseCapitals(std::numeric_limits<int64_t>::max()) ==
        "玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零柒分");
  CHECK(AmountInChineseCapitals(std::numeric_limits<int64_t>::min()) ==
        "负玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零捌分");
}

}  // namespace
}  // namespace gongkai
