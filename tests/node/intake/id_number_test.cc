#include "node/intake/id_number.h"

#include <doctest/doctest.h>

#include "node/intake/import_error.h"

namespace gongkai {
namespace {

const CivilDate kToday{2024, 7, 1};

TEST_CASE("published valid numbers pass; x is upper-cased, spaces removed") {
  for (const char* id : {"11010519491231002X", "440524188001010014", "370101190102039973"}) {
    CAPTURE(id);
    IdCheck check = CheckIdNumber(id, kToday);
    CHECK(check.code.empty());
    CHECK(check.normalized == id);
  }
  CHECK(CheckIdNumber("11010519491231002x", kToday).normalized == "11010519491231002X");
  CHECK(CheckIdNumber("110105 19491231 002X", kToday).normalized == "11010519491231002X");
  CHECK(IdCheckCharacter("11010519491231002") == 'X');
  CHECK(IdCheckCharacter("44052418800101001") == '4');
}

TEST_CASE("a wrong check character names the right one") {
  IdCheck check = CheckIdNumber("110105194912310021", kToday);
  CHECK(check.code == kErrImportIdCheckDigit);
  CHECK(check.detail == "校验位错误，应为X");
  CHECK(CheckIdNumber("440524188001010015", kToday).code == kErrImportIdCheckDigit);
}

TEST_CASE("shape errors: length, letters, 15-digit, scientific notation") {
  for (const char* bad : {"11010519491231002", "1101051949123100211", "11010519491231X02X",
                          "A1010519491231002X", "", "110105194912310Y2X"}) {
    CAPTURE(bad);
    CHECK(CheckIdNumber(bad, kToday).code == kErrImportIdFormat);
  }
  CHECK(CheckIdNumber("110105491231002", kToday).detail.find("15位") != std::string::npos);
  IdCheck sci = CheckIdNumber("4.10381199001011E+17", kToday);
  CHECK(sci.code == kErrImportIdFormat);
  CHECK(sci.detail.find("文本") != std::string::npos);
}

TEST_CASE("birth dates must be real, not before 1880, not after today") {
  // Check digits computed for each body so only the date is at fault.
  auto with_check = [](std::string body17) { return body17 + IdCheckCharacter(body17); };
  CHECK(CheckIdNumber(with_check("11010519490230002"), kToday).code == kErrImportIdBirthdate);
  CHECK(CheckIdNumber(with_check("11010518791231002"), kToday).code == kErrImportIdBirthdate);
  CHECK(CheckIdNumber(with_check("11010518800101002"), kToday).code.empty());
  CHECK(CheckIdNumber(with_check("11010520240701002"), kToday).code.empty());
  CHECK(CheckIdNumber(with_check("11010520240702002"), kToday).code == kErrImportIdBirthdate);
  // Without a today, only the lower bound applies.
  CHECK(CheckIdNumber(with_check("11010520240702002"), CivilDate{}).code.empty());
}

}  // namespace
}  // namespace gongkai
