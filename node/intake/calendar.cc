#include "node/intake/calendar.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include "node/intake/import_error.h"
#include "node/intake/sheet.h"

namespace gongkai {
namespace {

bool IsLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// Splits "2024-7-1" style text into all-digit groups separated by exactly `sep`.
bool SplitDigits(std::string_view text, std::string_view sep, std::vector<int>* parts) {
  parts->clear();
  while (true) {
    std::size_t k = 0;
    int value = 0;
    while (k < text.size() && text[k] >= '0' && text[k] <= '9') {
      if (k >= 4) return false;
      value = value * 10 + (text[k] - '0');
      ++k;
    }
    if (k == 0) return false;
    parts->push_back(value);
    text.remove_prefix(k);
    if (text.empty()) return true;
    if (!text.starts_with(sep)) return false;
    text.remove_prefix(sep.size());
  }
}

std::optional<CivilDate> Checked(int year, int month, int day) {
  CivilDate date{year, month, day};
  if (!date.valid()) return std::nullopt;
  return date;
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

bool CivilDate::valid() const {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= DaysInMonth(year, month);
}

std::string CivilDate::ToString() const {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
  return buffer;
}

// Howard Hinnant's days_from_civil / civil_from_days algorithms (public domain).
int64_t DaysFromCivil(const CivilDate& date) {
  int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = (date.month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return CivilDate{year, month, day};
}

std::optional<CivilDate> DateFromExcelSerial(double serial, bool date1904) {
  if (!std::isfinite(serial) || serial < 0 || serial >= 2958466) return std::nullopt;
  int64_t whole = static_cast<int64_t>(std::floor(serial));
  int64_t days;
  if (date1904) {
    days = DaysFromCivil({1904, 1, 1}) + whole;
  } else {
    if (whole < 1 || whole == 60) return std::nullopt;
    days = DaysFromCivil({1899, 12, 31}) + whole - (whole > 60 ? 1 : 0);
  }
  CivilDate date = CivilFromDays(days);
  if (!date.valid()) return std::nullopt;
  return date;
}

std::optional<CivilDate> ParseClerkDate(std::string_view text, bool allow_serial, bool date1904) {
  text = TrimCell(text);
  // A time part written by XLSX or by a database export.
  if (std::size_t t = text.find_first_of("T "); t == 10) text = text.substr(0, 10);
  std::vector<int> parts;
  if (text.ends_with("日")) {
    std::string_view body = text.substr(0, text.size() - 3);
    std::size_t year_end = body.find("年");
    std::size_t month_end = body.find("月");
    if (year_end == std::string_view::npos || month_end == std::string_view::npos ||
        month_end < year_end) {
      return std::nullopt;
    }
    std::string_view y = TrimCell(body.substr(0, year_end));
    std::string_view m = TrimCell(body.substr(year_end + 3, month_end - year_end - 3));
    std::string_view d = TrimCell(body.substr(month_end + 3));
    if (y.size() != 4 || !AllDigits(y) || m.size() > 2 || !AllDigits(m) || d.size() > 2 ||
        !AllDigits(d)) {
      return std::nullopt;
    }
    return Checked(std::stoi(std::string(y)), std::stoi(std::string(m)), std::stoi(std::string(d)));
  }
  if (text.size() == 8 && AllDigits(text)) {
    int value = std::stoi(std::string(text));
    return Checked(value / 10000, value / 100 % 100, value % 100);
  }
  for (std::string_view sep : {"-", "/", "."}) {
    if (SplitDigits(text, sep, &parts) && parts.size() == 3 && text.find(sep) == 4) {
      return Checked(parts[0], parts[1], parts[2]);
    }
  }
  if (allow_serial && !text.empty() && text.size() <= 24) {
    char* end = nullptr;
    std::string copy(text);
    double value = std::strtod(copy.c_str(), &end);
    if (end == copy.c_str() + copy.size()) return DateFromExcelSerial(value, date1904);
  }
  return std::nullopt;
}

Result<Period> ParsePeriod(std::string_view text) {
  std::string_view trimmed = TrimCell(text);
  auto refuse = [&]() {
    return Status::Invalid(kErrImportPeriodFormat,
                           "期间“" + std::string(trimmed) +
                               "”的格式不对，应为年（2024）、季度（2024Q3）或月份（2024-07）");
  };
  if (trimmed.size() < 4 || !AllDigits(trimmed.substr(0, 4))) return refuse();
  int year = std::stoi(std::string(trimmed.substr(0, 4)));
  if (year < 1) return refuse();
  std::string_view rest = trimmed.substr(4);
  Period period;
  char buffer[16];
  if (rest.empty()) {
    period.first = {year, 1, 1};
    period.last = {year, 12, 31};
    std::snprintf(buffer, sizeof buffer, "%04d", year);
  } else if (rest.size() == 2 && (rest[0] == 'Q' || rest[0] == 'q') && rest[1] >= '1' &&
             rest[1] <= '4') {
    int quarter = rest[1] - '0';
    period.first = {year, quarter * 3 - 2, 1};
    period.last = {year, quarter * 3, DaysInMonth(year, quarter * 3)};
    std::snprintf(buffer, sizeof buffer, "%04dQ%d", year, quarter);
  } else if ((rest.size() == 2 || rest.size() == 3) && rest[0] == '-' &&
             AllDigits(rest.substr(1))) {
    int month = std::stoi(std::string(rest.substr(1)));
    if (month < 1 || month > 12) return refuse();
    period.first = {year, month, 1};
    period.last = {year, month, DaysInMonth(year, month)};
    std::snprintf(buffer, sizeof buffer, "%04d-%02d", year, month);
  } else {
    return refuse();
  }
  period.text = buffer;
  return period;
}

Period QuarterOf(const CivilDate& date) {
  const int quarter = (date.month - 1) / 3 + 1;
  Period period;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04dQ%d", static_cast<int>(date.year), quarter);
  period.text = buffer;
  period.first = {date.year, quarter * 3 - 2, 1};
  period.last = {date.year, quarter * 3, DaysInMonth(date.year, quarter * 3)};
  return period;
}

int64_t BeijingDayNumber(int64_t ms) {
  const int64_t local = ms + kBeijingOffsetMs;
  return local / kMsPerDay - (local % kMsPerDay < 0 ? 1 : 0);
}

CivilDate BeijingCivilDate(int64_t ms) { return CivilFromDays(BeijingDayNumber(ms)); }

Deadline PeriodDeadline(const Period& period, int64_t deadline_day) {
  const CivilDate after = CivilFromDays(DaysFromCivil(period.last) + 1);
  Deadline deadline;
  deadline.day = CivilDate{after.year, after.month, static_cast<int>(deadline_day)};
  deadline.ends_at_ms = (DaysFromCivil(deadline.day) + 1) * kMsPerDay - kBeijingOffsetMs;
  return deadline;
}

}  // namespace gongkai
