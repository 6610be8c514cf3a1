// 人民币大写: an amount in cents written in Chinese capital numerals, as on bills, 财务公开表
// totals and 支出公示 sheets, so that no digit can be added or altered by hand.
//
// Rules (after the 中国人民银行 rules for filling in bills and vouchers):
//   - digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟 inside a group of four, groups 万 and 亿
//     (above 亿 the high part is read again with 万: 壹万亿 = 10^12);
//   - "壹拾" is always written with 壹 (10 -> 壹拾元整), as bills require;
//   - a run of zeros between non-zero digits is written as one 零 (1001 -> 壹仟零壹元整,
//     100010000 -> 壹亿零壹万元整); trailing zeros of the yuan part are not written;
//   - 元 follows the yuan part; when 角 and 分 are both zero "整" follows 元;
//     when 角 is zero and 分 is not, "零" stands for the missing 角 (10000000.01 ->
//     壹仟万元零壹分); when 分 is zero after a non-zero 角, "整" is written (100.10 ->
//     壹佰元壹角整), which the rules allow and which closes the amount;
//   - an amount under one yuan omits "零元" (0.05 -> 伍分); zero is 零元整;
//   - a negative amount is prefixed with 负 (-1.00 -> 负壹元整).
// Thread-safety: pure function.
#ifndef GONGKAI_PRINTING_CHINESE_AMOUNT_H_
#define GONGKAI_PRINTING_CHINESE_AMOUNT_H_

#include <cstdint>
#include <string>

namespace gongkai {

// Returns the UTF-8 大写 form of `cents` (1 元 = 100 cents). Defined for every int64_t,
// including INT64_MIN.
std::string AmountInChineseCapitals(int64_t cents);

}  // namespace gongkai

#endif  // GONGKAI_PRINTING_CHINESE_AMOUNT_H_
