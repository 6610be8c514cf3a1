#include "node/intake/id_number.h"

#include "node/intake/import_error.h"

namespace gongkai {

char IdCheckCharacter(std::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

IdCheck CheckIdNumber(std::string_view text, const CivilDate& today) {
  IdCheck check;
  std::string id;
  for (char c : text) {
    if (c == ' ' || c == '\t') continue;
    id.push_back(c == 'x' ? 'X' : c);
  }
  auto fail = [&](const char* code, std::string detail) {
    check.code = code;
    check.detail = std::move(detail);
    return check;
  };
  if (id.find('E') != std::string::npos || id.find('e') != std::string::npos) {
    if (id.find_first_not_of("0123456789.E+e") == std::string::npos) {
      return fail(kErrImportIdFormat, "身份证号被Excel存成了数字（" + id +
                                          "），后几位已经丢失；请把该列设为“文本”格式后重新填写");
    }
  }
  bool all_digits_15 = id.size() == 15 && id.find_first_not_of("0123456789") == std::string::npos;
  if (all_digits_15) {
    return fail(kErrImportIdFormat, "这是15位的旧身份证号，请改为18位号码");
  }
  bool shape_ok = id.size() == kIdNumberLength && id.find_first_not_of("0123456789") >= 17 &&
                  (id[17] == 'X' || (id[17] >= '0' && id[17] <= '9'));
  if (!shape_ok) {
    return fail(kErrImportIdFormat,
                "“" + std::string(text) + "”不是18位身份证号（应为17位数字加1位数字或X）");
  }
  CivilDate birth{std::stoi(id.substr(6, 4)), std::stoi(id.substr(10, 2)),
                  std::stoi(id.substr(12, 2))};
  if (!birth.valid() || birth.year < kIdEarliestBirthYear || (today.valid() && birth > today)) {
    return fail(kErrImportIdBirthdate, "出生日期“" + id.substr(6, 8) + "”不是合理的日期");
  }
  char expected = IdCheckCharacter(id);
  if (id[17] != expected) {
    return fail(kErrImportIdCheckDigit, std::string("校验位错误，应为") + expected);
  }
  check.normalized = std::move(id);
  return check;
}

}  // namespace gongkai
