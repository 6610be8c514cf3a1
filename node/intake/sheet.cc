#include "node/intake/sheet.h"

namespace gongkai {

std::string_view TrimCell(std::string_view text) {
  auto strip_front = [&]() {
    if (text.empty()) return false;
    unsigned char c = static_cast<unsigned char>(text.front());
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      text.remove_prefix(1);
      return true;
    }
    if (text.starts_with("\u3000")) return text.remove_prefix(3), true;
    if (text.starts_with("\u00A0")) return text.remove_prefix(2), true;
    return false;
  };
  auto strip_back = [&]() {
    if (text.empty()) return false;
    unsigned char c = static_cast<unsigned char>(text.back());
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      text.remove_suffix(1);
      return true;
    }
    if (text.ends_with("\u3000")) return text.remove_suffix(3), true;
    if (text.ends_with("\u00A0")) return text.remove_suffix(2), true;
    return false;
  };
  while (strip_front()) {
  }
  while (strip_back()) {
  }
  return text;
}

}  // namespace gongkai
