// 公民身份号码 (GB 11643-1999): 6-digit address code, 8-digit birth date YYYYMMDD, 3-digit
// sequence, 1 check character. The check character is ISO 7064 MOD 11-2 over the first 17
// digits: Y = Σ aᵢ·Wᵢ mod 11 with W = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, and Y = 0..10
// maps to "10X98765432".
// Thread-safety: pure functions.
#ifndef GONGKAI_NODE_INTAKE_ID_NUMBER_H_
#define GONGKAI_NODE_INTAKE_ID_NUMBER_H_

#include <string>
#include <string_view>

#include "node/intake/calendar.h"

namespace gongkai {

inline constexpr std::size_t kIdNumberLength = 18;
// The earliest birth year accepted (the oldest recorded residents were born in the 1880s).
inline constexpr int kIdEarliestBirthYear = 1880;

// The check character for 17 digits. REQUIRES: first17 is exactly 17 ASCII digits.
char IdCheckCharacter(std::string_view first17);

struct IdCheck {
  // "" when valid, else kErrImportIdFormat, kErrImportIdCheckDigit or kErrImportIdBirthdate.
  std::string code;
  std::string detail;      // Chinese, for the clerk ("校验位错误，应为X")
  std::string normalized;  // when valid: 18 characters, spaces removed, 'x' -> 'X'
};

// Checks an ID number as typed in a list: spaces inside are removed, a lowercase x is
// accepted and upper-cased. Refuses 15-digit first-generation numbers, numbers Excel has
// turned into scientific notation (4.10381E+17) and any other shape (kErrImportIdFormat);
// a birth date that is not a real date, before kIdEarliestBirthYear or after `today`
// (when today.valid()) (kErrImportIdBirthdate); a wrong check character
// (kErrImportIdCheckDigit, naming the right one).
IdCheck CheckIdNumber(std::string_view text, const CivilDate& today);

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_ID_NUMBER_H_
