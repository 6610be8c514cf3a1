#include "node/intake/sheet_dates.h"

#include <cstdio>

namespace gongkai {

namespace {

bool Digits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

CivilDate BeijingDate(Hlc hlc) {
  const int64_t ms = static_cast<int64_t>(HlcPhysicalMs(hlc)) + kBeijingOffsetMs;
  return CivilFromDays(ms / kMsPerDay);  // ms >= 0: division is floor
}

std::string ChineseDate(const CivilDate& date) {
  return std::to_string(date.year) + "年" + std::to_string(date.month) + "月" +
         std::to_string(date.day) + "日";
}

std::string BeijingClock(Hlc hlc) {
  const int64_t ms = static_cast<int64_t>(HlcPhysicalMs(hlc)) + kBeijingOffsetMs;
  const int64_t minute_of_day = (ms % kMsPerDay) / 60000;
  char clock[8];
  std::snprintf(clock, sizeof clock, "%02d:%02d", static_cast<int>(minute_of_day / 60),
                static_cast<int>(minute_of_day % 60));
  return clock;
}

std::string BeijingDateTimeText(Hlc hlc) {
  return ChineseDate(BeijingDate(hlc)) + " " + BeijingClock(hlc);
}

Result<std::string> ChineseDateFromIso(std::string_view iso) {
  auto refuse = [] { return Status::Invalid(kErrSheetDate, "日期应为 YYYY-MM-DD 形式的真实日期"); };
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-' || !Digits(iso.substr(0, 4)) ||
      !Digits(iso.substr(5, 2)) || !Digits(iso.substr(8, 2))) {
    return refuse();
  }
  const CivilDate date{std::stoi(std::string(iso.substr(0, 4))),
                       std::stoi(std::string(iso.substr(5, 2))),
                       std::stoi(std::string(iso.substr(8, 2)))};
  if (!date.valid()) return refuse();
  return ChineseDate(date);
}

Result<std::string> ChinesePeriod(std::string_view period) {
  auto parsed = ParsePeriod(period);
  if (!parsed.ok() || parsed->text != period) {
    return Status::Invalid(kErrSheetPeriod,
                           "期间应为规范形式：年（2024）、季度（2024Q3）或月份（2024-07）");
  }
  const std::string year = std::string(period.substr(0, 4)) + "年";
  if (period.size() == 4) return year;
  if (period[4] == 'Q') {
    static constexpr const char* kQuarters[] = {"一", "二", "三", "四"};
    return year + "第" + kQuarters[period[5] - '1'] + "季度";
  }
  return year + std::to_string(parsed->first.month) + "月";
}

}  // namespace gongkai
