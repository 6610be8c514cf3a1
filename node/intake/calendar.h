// Dates as clerks write them, accounting periods, and Excel's serial day numbers.
// Proleptic Gregorian calendar (a 记账日期 is a civil date); the one time zone is Beijing's,
// for the day a time falls on.
// Thread-safety: pure functions.
#ifndef GONGKAI_NODE_INTAKE_CALENDAR_H_
#define GONGKAI_NODE_INTAKE_CALENDAR_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/status.h"

namespace gongkai {

struct CivilDate {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  auto operator<=>(const CivilDate&) const = default;

  // True for a real date with 1 <= year <= 9999.
  bool valid() const;
  // "2024-07-01". REQUIRES: valid().
  std::string ToString() const;
};

// Days since 1970-01-01 (negative before). REQUIRES: date.valid().
int64_t DaysFromCivil(const CivilDate& date);
CivilDate CivilFromDays(int64_t days);

// A day in milliseconds, and Beijing time's offset from UTC (UTC+8 all year).
inline constexpr int64_t kMsPerDay = int64_t{24} * 3600 * 1000;
inline constexpr int64_t kBeijingOffsetMs = int64_t{8} * 3600 * 1000;
// The Beijing day (days since 1970-01-01) and date of `ms`, milliseconds since the epoch
// (rounded down, also before 1970).
int64_t BeijingDayNumber(int64_t ms);
CivilDate BeijingCivilDate(int64_t ms);

// Excel's serial day number to a date, ignoring any time fraction: the 1900 system counts
// 1900-01-01 as 1 and (Lotus's error, kept by Excel) has a 1900-02-29 at 60, which is
// refused; the 1904 system counts 1904-01-01 as 0. nullopt when out of 1..9999 years.
std::optional<CivilDate> DateFromExcelSerial(double serial, bool date1904);

// Accepted date forms (surrounding spaces ignored):
//   2024-07-01  2024-7-1  2024/07/01  2024/7/1  2024.7.1  20240701  2024年7月1日
//   2024-07-01T00:00:00 and "2024-07-01 00:00:00" (time ignored; XLSX writes these)
// and, when `allow_serial` (XLSX cells only), a plain number 1..2958465 as an Excel serial.
std::optional<CivilDate> ParseClerkDate(std::string_view text, bool allow_serial,
                                        bool date1904 = false);

// A reporting period: "2024" (a year), "2024Q3" or "2024q3" (a quarter), "2024-07" or
// "2024-7" (a month). first/last are the first and last day, inclusive.
struct Period {
  std::string text;  // normalised: "2024", "2024Q3", "2024-07"
  CivilDate first;
  CivilDate last;
};

// Errors: kErrImportPeriodFormat ("import.period_format").
Result<Period> ParsePeriod(std::string_view text);

// The quarter ("2026Q4") holding `date`.
Period QuarterOf(const CivilDate& date);

// The deadline of a period: day `deadline_day` of the month after the period's last day
// (2026Q3, day 15 -> 2026-10-15; 2026-07 -> 2026-08-15; 2026 -> 2027-01-15), and the first
// millisecond after that day ends in Beijing time: what is received before it is on time.
// The county sets the day (finance.deadline_day, hub/audit/audit_settings.h), 1..28.
inline constexpr int64_t kDefaultFinanceDeadlineDay = 15;
struct Deadline {
  CivilDate day;
  int64_t ends_at_ms = 0;
};
Deadline PeriodDeadline(const Period& period, int64_t deadline_day);

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_CALENDAR_H_
