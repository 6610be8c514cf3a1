#include "node/intake/calendar.h"

#include <doctest/doctest.h>

#include "node/intake/import_error.h"

namespace gongkai {
namespace {

TEST_CASE("clerk date forms") {
  const CivilDate july1{2024, 7, 1};
  for (const char* text :
       {"2024-07-01", "2024-7-1", "2024/7/1", "2024/07/01", "2024.7.1", "20240701", "2024年7月1日",
        " 2024年07月01日 ", "2024-07-01T00:00:00", "2024-07-01 08:30:00"}) {
    CAPTURE(text);
    CHECK(ParseClerkDate(text, false) == july1);
  }
  for (const char* text : {"2024-02-30", "2024/13/1", "24-7-1", "7/1/2024", "2024年7月", "abc", "",
                           "2024-7-1x", "45474"}) {
    CAPTURE(text);
    CHECK_FALSE(ParseClerkDate(text, false).has_value());
  }
  CHECK(ParseClerkDate("45474", true) == july1);
  CHECK(ParseClerkDate("2023-02-29", false) == std::nullopt);
  CHECK(ParseClerkDate("2024-02-29", false) == CivilDate{2024, 2, 29});
}

TEST_CASE("Excel serials: 1900 system with its phantom leap day, and 1904") {
  CHECK(DateFromExcelSerial(1, false) == CivilDate{1900, 1, 1});
  CHECK(DateFromExcelSerial(59, false) == CivilDate{1900, 2, 28});
  CHECK_FALSE(DateFromExcelSerial(60, false).has_value());
  CHECK(DateFromExcelSerial(61, false) == CivilDate{1900, 3, 1});
  CHECK(DateFromExcelSerial(45474.75, false) == CivilDate{2024, 7, 1});
  CHECK(DateFromExcelSerial(2958465, false) == CivilDate{9999, 12, 31});
  CHECK_FALSE(DateFromExcelSerial(2958466, false).has_value());
  CHECK_FALSE(DateFromExcelSerial(0, false).has_value());
  CHECK(DateFromExcelSerial(0, true) == CivilDate{1904, 1, 1});
  CHECK(DateFromExcelSerial(44012, true) == CivilDate{2024, 7, 1});  // 45474 - 1462
}

TEST_CASE("days round trip") {
  CHECK(DaysFromCivil({1970, 1, 1}) == 0);
  CHECK(DaysFromCivil({2000, 3, 1}) == 11017);
  for (int64_t d = -800000; d < 3000000; d += 997) {
    CHECK(DaysFromCivil(CivilFromDays(d)) == d);
  }
  CHECK(CivilDate{2024, 7, 1}.ToString() == "2024-07-01");
}

TEST_CASE("periods: year, quarter, month") {
  Result<Period> q3 = ParsePeriod("2024Q3");
  REQUIRE(q3.ok());
  CHECK(q3->first == CivilDate{2024, 7, 1});
  CHECK(q3->last == CivilDate{2024, 9, 30});
  CHECK(ParsePeriod("2024q1")->last == CivilDate{2024, 3, 31});
  Result<Period> feb = ParsePeriod("2024-2");
  REQUIRE(feb.ok());
  CHECK(feb->text == "2024-02");
  CHECK(feb->last == CivilDate{2024, 2, 29});
  CHECK(ParsePeriod("2023-02")->last == CivilDate{2023, 2, 28});
  Result<Period> year = ParsePeriod("2024");
  CHECK(year->first == CivilDate{2024, 1, 1});
  CHECK(year->last == CivilDate{2024, 12, 31});
  for (const char* bad : {"2024Q5", "2024-13", "24Q1", "2024H1", "", "2024-", "Q3"}) {
    CAPTURE(bad);
    CHECK(ParsePeriod(bad).status().code() == kErrImportPeriodFormat);
  }
}

TEST_CASE("Beijing day of a time: the day turns at 16:00 UTC, also before 1970") {
  const int64_t oct1 = DaysFromCivil({2026, 10, 1});
  const int64_t utc_midnight_oct1 = oct1 * kMsPerDay;
  CHECK(BeijingDayNumber(utc_midnight_oct1) == oct1);
  CHECK(BeijingDayNumber(utc_midnight_oct1 - kBeijingOffsetMs) == oct1);
  CHECK(BeijingDayNumber(utc_midnight_oct1 - kBeijingOffsetMs - 1) == oct1 - 1);
  CHECK(BeijingCivilDate(utc_midnight_oct1 + 16 * 3'600'000 - 1) == CivilDate{2026, 10, 1});
  CHECK(BeijingCivilDate(utc_midnight_oct1 + 16 * 3'600'000) == CivilDate{2026, 10, 2});
  CHECK(BeijingDayNumber(-kBeijingOffsetMs) == 0);
  CHECK(BeijingDayNumber(-kBeijingOffsetMs - 1) == -1);
  CHECK(BeijingCivilDate(-kBeijingOffsetMs - 1) == CivilDate{1969, 12, 31});
}

}  // namespace
}  // namespace gongkai
