#include "node/intake/decimal.h"

#include "node/intake/sheet.h"

namespace gongkai {
namespace {

int64_t Pow10(int n) {
  int64_t value = 1;
  while (n-- > 0) value *= 10;
  return value;
}

// True when `digits` has no commas, or is grouped "1,234,567" style.
bool CommasWellPlaced(std::string_view digits) {
  if (digits.find(',') == std::string_view::npos) return true;
  std::size_t group_start = 0;
  bool first = true;
  while (true) {
    std::size_t comma = digits.find(',', group_start);
    std::size_t length = (comma == std::string_view::npos ? digits.size() : comma) - group_start;
    if (first ? (length < 1 || length > 3) : length != 3) return false;
    if (comma == std::string_view::npos) return true;
    group_start = comma + 1;
    first = false;
  }
}

}  // namespace

DecimalParse ParseDecimal(std::string_view text, int scale, int64_t* units) {
  text = TrimCell(text);
  if (text.starts_with("￥")) text.remove_prefix(3);
  if (text.starts_with("¥")) text.remove_prefix(2);
  if (text.ends_with("元")) text.remove_suffix(3);
  text = TrimCell(text);
  if (text.empty()) return DecimalParse::kEmpty;
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  std::size_t point = text.find('.');
  std::string_view whole = text.substr(0, point);
  std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  if (whole.empty() && fraction.empty()) return DecimalParse::kFormat;
  if (point != std::string_view::npos && fraction.empty() && whole.empty()) {
    return DecimalParse::kFormat;
  }
  if (!CommasWellPlaced(whole)) return DecimalParse::kFormat;
  int64_t value = 0;
  for (char c : whole) {
    if (c == ',') continue;
    if (c < '0' || c > '9') return DecimalParse::kFormat;
    value = value * 10 + (c - '0');
    if (value > kMaxDecimalUnits) return DecimalParse::kTooLarge;
  }
  for (char c : fraction) {
    if (c < '0' || c > '9') return DecimalParse::kFormat;
  }
  // Trailing zeros beyond the scale are harmless ("12.3400" as money).
  while (static_cast<int>(fraction.size()) > scale && fraction.back() == '0') {
    fraction.remove_suffix(1);
  }
  if (static_cast<int>(fraction.size()) > scale) return DecimalParse::kTooManyDecimals;
  int64_t scaled = value;
  for (int i = 0; i < scale; ++i) {
    scaled *= 10;
    if (scaled > kMaxDecimalUnits) return DecimalParse::kTooLarge;
  }
  int64_t frac = 0;
  for (int i = 0; i < scale; ++i) {
    frac = frac * 10 + (i < static_cast<int>(fraction.size()) ? fraction[i] - '0' : 0);
  }
  scaled += frac;
  if (scaled > kMaxDecimalUnits) return DecimalParse::kTooLarge;
  *units = negative ? -scaled : scaled;
  return DecimalParse::kOk;
}

std::string FormatDecimal(int64_t units, int scale, int decimals, bool group) {
  bool negative = units < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(units) : static_cast<uint64_t>(units);
  uint64_t divisor = static_cast<uint64_t>(Pow10(scale));
  std::string whole = std::to_string(magnitude / divisor);
  if (group) {
    for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(i, ",");
  }
  std::string text = negative ? "-" + whole : whole;
  if (decimals > 0) {
    std::string fraction = std::to_string(magnitude % divisor);
    fraction.insert(0, static_cast<std::size_t>(scale) - fraction.size(), '0');
    text += "." + fraction.substr(0, static_cast<std::size_t>(decimals));
  }
  return text;
}

std::string FormatDecimalTrimmed(int64_t units, int scale, int min_decimals) {
  int decimals = scale;
  int64_t divisor = 10;
  while (decimals > min_decimals && units % divisor == 0) {
    --decimals;
    divisor *= 10;
  }
  return FormatDecimal(units, scale, decimals);
}

}  // namespace gongkai
