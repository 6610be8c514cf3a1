#include "node/intake/sheet_dates.h"

#include <doctest/doctest.h>

namespace gongkai {
namespace {

// 2026-09-21T06:33:00.000Z.
constexpr uint64_t kMorningUtcMs = 1'789'972'380'000;

TEST_CASE("HLC times print in Beijing time, which crosses midnight eight hours before UTC") {
  CHECK(BeijingDateTimeText(MakeHlc(kMorningUtcMs, 3)) == "2026年9月21日 14:33");
  // 2026-09-21T15:59:59.999Z is 23:59 in Beijing; one millisecond later is the next day.
  const uint64_t before = kMorningUtcMs + (9 * 3600 + 26 * 60 + 59) * 1000 + 999;
  CHECK(BeijingDateTimeText(MakeHlc(before, 0)) == "2026年9月21日 23:59");
  CHECK(BeijingDateTimeText(MakeHlc(before + 1, 0)) == "2026年9月22日 00:00");
  CHECK(BeijingDate(MakeHlc(before + 1, 0)) == CivilDate{2026, 9, 22});
  CHECK(BeijingDateTimeText(0) == "1970年1月1日 08:00");
}

TEST_CASE("ISO dates to Chinese, strictly") {
  CHECK(*ChineseDateFromIso("2026-09-01") == "2026年9月1日");
  CHECK(*ChineseDateFromIso("2024-02-29") == "2024年2月29日");
  for (const char* bad : {"", "2026-9-01", "2026/09/01", "2026-09-01 ", "2025-02-29", "2026-13-01",
                          "2026-00-10", "20260901", "2026-09-0x"}) {
    INFO(std::string(bad));
    CHECK(ChineseDateFromIso(bad).status().code() == kErrSheetDate);
  }
}

TEST_CASE("periods as printed") {
  CHECK(*ChinesePeriod("2026") == "2026年");
  CHECK(*ChinesePeriod("2026Q1") == "2026年第一季度");
  CHECK(*ChinesePeriod("2026Q4") == "2026年第四季度");
  CHECK(*ChinesePeriod("2026-07") == "2026年7月");
  CHECK(*ChinesePeriod("2026-12") == "2026年12月");
  for (const char* bad : {"", "2026q3", "2026-7", " 2026", "2026Q5", "2026-13", "二〇二六"}) {
    INFO(std::string(bad));
    CHECK(ChinesePeriod(bad).status().code() == kErrSheetPeriod);
  }
}

}  // namespace
}  // namespace gongkai
