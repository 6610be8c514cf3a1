#include "printing/chinese_amount.h"

#include <array>

namespace gongkai {
namespace {

constexpr std::array<const char*, 10> kDigits = {"零", "壹", "贰", "叁", "肆",
                                                 "伍", "陆", "柒", "捌", "玖"};
constexpr std::array<const char*, 4> kUnits = {"", "拾", "佰", "仟"};

// Reads 1..9999; zeros between digits collapse into one 零, trailing zeros are silent.
std::string ReadGroup(uint64_t n) {
  std::string out;
  bool pending_zero = false;
  for (int pos = 3; pos >= 0; --pos) {
    uint64_t divisor = 1;
    for (int i = 0; i < pos; ++i) divisor *= 10;
    const uint64_t digit = (n / divisor) % 10;
    if (digit == 0) {
      if (!out.empty()) pending_zero = true;
      continue;
    }
    if (pending_zero) out += kDigits[0];
    pending_zero = false;
    out += kDigits[digit];
    out += kUnits[pos];
  }
  return out;
}

// Reads n >= 1 with 万 and 亿. `leading` says whether a higher part was already written, in
// which case a part below its full width needs a 零 in front.
std::string ReadYuan(uint64_t n, bool leading) {
  constexpr uint64_t kYi = 100000000;
  constexpr uint64_t kWan = 10000;
  std::string out;
  if (n >= kYi) {
    out += ReadYuan(n / kYi, leading) + "亿";
    const uint64_t low = n % kYi;
    if (low != 0) out += ReadYuan(low, true);
    return out;
  }
  if (leading && n < kYi / 10) out += kDigits[0];
  if (n >= kWan) {
    out += ReadGroup(n / kWan) + "万";
    const uint64_t low = n % kWan;
    if (low != 0) {
      if (low < 1000) out += kDigits[0];
      out += ReadGroup(low);
    }
    return out;
  }
  return out + ReadGroup(n);
}

}  // namespace

std::string AmountInChineseCapitals(int64_t cents) {
  std::string out;
  uint64_t magnitude = static_cast<uint64_t>(cents);
  if (cents < 0) {
    out = "负";
    magnitude = 0 - magnitude;  // well defined for INT64_MIN
  }
  const uint64_t yuan = magnitude / 100;
  const uint64_t jiao = (magnitude / 10) % 10;
  const uint64_t fen = magnitude % 10;
  if (yuan == 0 && jiao == 0 && fen == 0) return out + "零元整";
  if (yuan != 0) out += ReadYuan(yuan, false) + "元";
  if (jiao == 0 && fen == 0) return out + "整";
  if (jiao != 0) {
    out += kDigits[jiao];
    out += "角";
  } else if (yuan != 0) {
    out += kDigits[0];
  }
  if (fen != 0) {
    out += kDigits[fen];
    out += "分";
  } else {
    out += "整";
  }
  return out;
}

}  // namespace gongkai
