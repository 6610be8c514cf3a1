#include "node/intake/masking.h"

#include <algorithm>

namespace gongkai {

std::string MaskIdentifier(std::string_view value, const MaskPolicy& policy) {
  if (value.empty()) return "";
  // A short value under a generous policy must still be masked: hide at least 8 characters
  // or half of them, whichever is fewer.
  std::size_t may_show = std::max(value.size() / 2, value.size() > 8 ? value.size() - 8 : 0);
  std::size_t last = std::min(policy.keep_last, may_show);
  std::size_t first = std::min(policy.keep_first, may_show - last);
  std::size_t hidden = value.size() - first - last;
  std::string masked(value.substr(0, first));
  masked.append(policy.fixed_stars > 0 ? policy.fixed_stars : hidden, '*');
  masked.append(value.substr(value.size() - last));
  return masked;
}

}  // namespace gongkai
