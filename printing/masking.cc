#include "printing/masking.h"

#include <algorithm>
#include <vector>

namespace gongkai {
namespace {

// Splits UTF-8 into code points (as byte strings). Malformed bytes are kept one by one, so
// they are masked like any other character.
std::vector<std::string_view> SplitCodePoints(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t len = 1;
    if (lead >= 0xF0) {
      len = 4;
    } else if (lead >= 0xE0) {
      len = 3;
    } else if (lead >= 0xC0) {
      len = 2;
    }
    len = std::min(len, text.size() - i);
    out.push_back(text.substr(i, len));
    i += len;
  }
  return out;
}

bool IsSpace(std::string_view cp) {
  return cp == " " || cp == "\t" || cp == "\r" || cp == "\n" || cp == "\u3000";
}

}  // namespace

std::string MaskKeeping(std::string_view text, int keep_first, int keep_last) {
  std::vector<std::string_view> chars;
  for (std::string_view cp : SplitCodePoints(text)) {
    if (!IsSpace(cp)) chars.push_back(cp);
  }
  const size_t first = static_cast<size_t>(std::max(keep_first, 0));
  const size_t last = static_cast<size_t>(std::max(keep_last, 0));
  const bool keep_any = chars.size() > first + last;
  std::string out;
  for (size_t i = 0; i < chars.size(); ++i) {
    if (keep_any && (i < first || i >= chars.size() - last)) {
      out += chars[i];
    } else {
      out += kMaskChar;
    }
  }
  return out;
}

std::string MaskIdNumber(std::string_view id_number, const SheetMaskPolicy& policy) {
  return MaskKeeping(id_number, policy.id_keep_first, policy.id_keep_last);
}

std::string MaskAccount(std::string_view account, const SheetMaskPolicy& policy) {
  return MaskKeeping(account, policy.account_keep_first, policy.account_keep_last);
}

}  // namespace gongkai
