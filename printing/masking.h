// Masking of personal numbers before they reach a sheet. The sheet model takes strings as
// they are to be printed; whoever fills it (printing/layouts.h for subsidy lists) masks ID
// and account numbers with these helpers, so the full numbers never enter a PDF.
//
// The policy is the county's to set; the defaults follow common county practice: an ID number
// keeps its first 6 (the area code) and last 4 characters (410381********123X), a bank card
// or 一卡通 account keeps only its last 4.
// Thread-safety: pure functions.
#ifndef GONGKAI_PRINTING_MASKING_H_
#define GONGKAI_PRINTING_MASKING_H_

#include <string>
#include <string_view>

namespace gongkai {

struct SheetMaskPolicy {
  int id_keep_first = 6;
  int id_keep_last = 4;
  int account_keep_first = 0;
  int account_keep_last = 4;
};

inline constexpr char kMaskChar = '*';

// Masks `text` keeping `keep_first` and `keep_last` characters (Unicode code points of the
// UTF-8 input; whitespace is dropped first, as account numbers are often written in groups of
// four). Every other character becomes one '*', so the length is kept. When the text has no
// more characters than keep_first + keep_last, every character is masked: a short or mistyped
// number must not print whole. Negative counts count as 0.
std::string MaskKeeping(std::string_view text, int keep_first, int keep_last);

// An 18-character 身份证号 -> "410381********123X" under the default policy.
std::string MaskIdNumber(std::string_view id_number, const SheetMaskPolicy& policy = {});

// A card or account number -> "***************1234" under the default policy.
std::string MaskAccount(std::string_view account, const SheetMaskPolicy& policy = {});

}  // namespace gongkai

#endif  // GONGKAI_PRINTING_MASKING_H_
