#include "node/masking.h"

#include <algorithm>

namespace gongkai {

std::string MaskIdentifier(std::string_view value, const MaskPolicy& policy) {
  if (value.empty()) return "";
  // Never show more than half: a short value under a generous policy must still be masked.
  std::size_t may_show = value.size() / 2;
  std::size_t last = std::min(policy.keep_last, may_show);
  std::size_t first = std::min(policy.keep_first, may_show - last);
  std::size_t hidden = value.size() - first - last;
  std::string masked(value.substr(0, first));
  masked.append(policy.fixed_stars > 0 ? policy.fixed_stars : hidden, '*');
  masked.append(value.substr(value.size() - last));
  return masked;
}

}  // namespace gongkai
