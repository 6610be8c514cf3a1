// Dates and periods as a printed sheet shows them.
//
// Times of facts come from their HLC (protocol/hlc.h: milliseconds since the epoch, UTC) and
// are shown in Beijing time, UTC+8 all year (China keeps no summer time): "2026年9月21日 14:33".
// Civil dates stored as "YYYY-MM-DD" (publicity_from/to) print as "2026年9月21日"; periods
// (node/intake/calendar.h, normalised) as "2026年", "2026年第三季度", "2026年7月".
// Thread-safety: pure functions.
#ifndef GONGKAI_NODE_INTAKE_SHEET_DATES_H_
#define GONGKAI_NODE_INTAKE_SHEET_DATES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "node/intake/calendar.h"
#include "protocol/hlc.h"
#include "protocol/status.h"

namespace gongkai {

inline constexpr char kErrSheetDate[] = "disclosure_sheet.date";
inline constexpr char kErrSheetPeriod[] = "disclosure_sheet.period";

// The Beijing civil date of an HLC. REQUIRES: HlcIsValid(hlc).
CivilDate BeijingDate(Hlc hlc);
// "2026年9月21日" (no leading zeros).
std::string ChineseDate(const CivilDate& date);
// "14:33": the Beijing time of day of an HLC. REQUIRES: HlcIsValid(hlc).
std::string BeijingClock(Hlc hlc);
// "2026年9月21日 14:33" in Beijing time. REQUIRES: HlcIsValid(hlc).
std::string BeijingDateTimeText(Hlc hlc);

// "2026-09-21" exactly (four-digit year, two-digit month and day, a real date) to
// "2026年9月21日". kErrSheetDate otherwise.
Result<std::string> ChineseDateFromIso(std::string_view iso);

// A normalised period ("2026", "2026Q3", "2026-07": ParsePeriod(text).text == text) to
// "2026年", "2026年第三季度", "2026年7月". kErrSheetPeriod for anything else.
Result<std::string> ChinesePeriod(std::string_view period);

}  // namespace gongkai

#endif  // GONGKAI_NODE_INTAKE_SHEET_DATES_H_
