// Masking of private numbers for publication. Full 身份证号 and 一卡通账号 never leave the
// village node; what is synced, printed and posted is the masked form. The county may set
// its own policy; the defaults follow the usual county sheets:
//   ID number  410381199001011234 -> 410381********1234  (first 6 and last 4 kept)
//   account    6228480012345678   -> ****5678            (last 4 kept, fixed 4 stars)
// Thread-safety: pure functions.
#ifndef GONGKAI_NODE_INTAKE_MASKING_H_
#define GONGKAI_NODE_INTAKE_MASKING_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace gongkai {

struct MaskPolicy {
  std::size_t keep_first = 0;  // characters shown at the start
  std::size_t keep_last = 0;   // characters shown at the end
  // Stars written for the hidden middle: 0 = one per hidden character (keeps the length,
  // as on ID numbers); n > 0 = exactly n stars (hides the length, as on account numbers).
  std::size_t fixed_stars = 0;
};

inline constexpr MaskPolicy kDefaultIdMask{6, 4, 0};
inline constexpr MaskPolicy kDefaultAccountMask{0, 4, 4};

// Masks `value` (ASCII, as the importer normalises IDs and accounts). At least 8
// characters, or half of them when the value is shorter than 16, always stay hidden: when
// the policy would show more, the shown parts shrink (the start first); an empty value
// stays empty.
std::string MaskIdentifier(std::string_view value, const MaskPolicy& policy);

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_MASKING_H_
