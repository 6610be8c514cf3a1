// Exact decimal numbers for money and land area. Money is never floating point: an amount
// is an int64 count of cents (分), an area an int64 count of ten-thousandths of a mu
// (亩 × 10^4), a rate 元/亩 a count of cents.
// Thread-safety: pure functions.
#ifndef GONGKAI_NODE_INTAKE_DECIMAL_H_
#define GONGKAI_NODE_INTAKE_DECIMAL_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace gongkai {

inline constexpr int kMoneyScale = 2;  // cents
inline constexpr int kAreaScale = 4;   // ten-thousandths of a mu

// Largest magnitude accepted: 10^15 units (10^13 元 in cents), far beyond any village list,
// and small enough that sums of kMaxImportRows values and products of two values fit in
// __int128 / int64 without overflow checks at every step.
inline constexpr int64_t kMaxDecimalUnits = 1000000000000000;

enum class DecimalParse {
  kOk,
  kEmpty,
  kFormat,           // not a number
  kTooManyDecimals,  // more digits after the point than `scale`
  kTooLarge,         // magnitude past kMaxDecimalUnits
};

// Parses "1234", "1234.5", "-3.25", "+7", "1,234.56" (thousands separators only in groups
// of three), "￥12.00"/"¥12.00", and a trailing "元"; surrounding spaces are ignored. On kOk
// *units = value × 10^scale exactly. REQUIRES: 0 <= scale <= 6.
DecimalParse ParseDecimal(std::string_view text, int scale, int64_t* units);

// Writes units / 10^scale with exactly `decimals` digits after the point (extra digits must
// be zero; REQUIRES: decimals <= scale), with thousands separators when `group`:
// FormatDecimal(123456, 2, 2, true) == "1,234.56".
std::string FormatDecimal(int64_t units, int scale, int decimals, bool group = false);

// Shortest form that keeps every nonzero digit, at least `min_decimals` decimals:
// FormatDecimalTrimmed(125000, 4, 0) == "12.5".
std::string FormatDecimalTrimmed(int64_t units, int scale, int min_decimals);

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_DECIMAL_H_
