#include "protocol/hlc.h"
#include "protocol/wall_clock.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

namespace gongkai {
namespace {

constexpr uint64_t kMsPerDay = 86400000;
// "YYYY-MM-DDTHH:MM:SS.mmmZ+": the fixed-width part of the text form.
constexpr std::string_view kHlcTextShape = "dddd-dd-ddTdd:dd:dd.dddZ+";
constexpr size_t kMaxCounterDigits = 10;  // more digits could overflow before the range check

Status TextError(std::string_view text, std::string_view why) {
  return Status::Invalid(kErrHlcText,
                         "HLC \"" + std::string(text.substr(0, 40)) + "\": " + std::string(why));
}

unsigned Digits(std::string_view text, size_t pos, size_t n) {
  unsigned v = 0;
  for (size_t i = pos; i < pos + n; ++i) v = v * 10 + static_cast<unsigned>(text[i] - '0');
  return v;
}

}  // namespace

std::string HlcToString(Hlc h) {
  const uint64_t ms = HlcPhysicalMs(h);
  const std::chrono::sys_days day{std::chrono::days{static_cast<int>(ms / kMsPerDay)}};
  const std::chrono::year_month_day ymd{day};
  const uint64_t in_day = ms % kMsPerDay;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ+%u",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<unsigned>(in_day / 3600000),
                static_cast<unsigned>(in_day / 60000 % 60),
                static_cast<unsigned>(in_day / 1000 % 60), static_cast<unsigned>(in_day % 1000),
                static_cast<unsigned>(HlcCounter(h)));
  return buf;
}

Result<Hlc> ParseHlc(std::string_view text) {
  if (text.size() <= kHlcTextShape.size()) return TextError(text, "too short");
  for (size_t i = 0; i < kHlcTextShape.size(); ++i) {
    const char want = kHlcTextShape[i];
    const bool ok = want == 'd' ? (text[i] >= '0' && text[i] <= '9') : text[i] == want;
    if (!ok) return TextError(text, "expected the form 2026-11-21T10:02:03.123Z+5");
  }
  const std::string_view counter_text = text.substr(kHlcTextShape.size());
  for (char c : counter_text) {
    if (c < '0' || c > '9') return TextError(text, "counter is not a decimal number");
  }
  if (counter_text.size() > 1 && counter_text[0] == '0') {
    return TextError(text, "counter has a leading zero");
  }
  if (counter_text.size() > kMaxCounterDigits) {
    return Status::Invalid(kErrHlcRange, "HLC counter has too many digits");
  }
  uint64_t counter = 0;
  for (char c : counter_text) counter = counter * 10 + static_cast<uint64_t>(c - '0');
  if (counter > kHlcMaxCounter) {
    return Status::Invalid(kErrHlcRange,
                           "HLC counter " + std::to_string(counter) + " is above 65535");
  }

  const unsigned year = Digits(text, 0, 4);
  const std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(year)},
                                        std::chrono::month{Digits(text, 5, 2)},
                                        std::chrono::day{Digits(text, 8, 2)}};
  if (year < 1970 || !ymd.ok()) return TextError(text, "no such date (from 1970)");
  const unsigned hour = Digits(text, 11, 2);
  const unsigned minute = Digits(text, 14, 2);
  const unsigned second = Digits(text, 17, 2);
  if (hour > 23 || minute > 59 || second > 59) return TextError(text, "no such time of day");
  const auto days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  const uint64_t ms = static_cast<uint64_t>(days) * kMsPerDay + hour * 3600000ull +
                      minute * 60000ull + second * 1000ull + Digits(text, 20, 3);
  if (ms > kHlcMaxPhysicalMs) {
    return Status::Invalid(kErrHlcRange, "HLC time is after " + HlcToString(kHlcMaxValue));
  }
  return MakeHlc(ms, counter);
}

HlcClock::HlcClock(WallClock wall, Hlc last)
    : wall_(std::move(wall)), last_(HlcIsValid(last) ? last : kHlcMaxValue) {}

uint64_t HlcClock::SystemWallMs() {
  return static_cast<uint64_t>(WallClockMs());
}

uint64_t HlcClock::WallMs() const { return std::min(wall_(), kHlcMaxPhysicalMs); }

Hlc HlcClock::Now() {
  const uint64_t wall = WallMs();
  std::lock_guard<std::mutex> lock(mu_);
  // The layout makes last_ + 1 carry a full counter into the physical part.
  if (wall > HlcPhysicalMs(last_)) {
    last_ = MakeHlc(wall, 0);
  } else if (last_ < kHlcMaxValue) {
    ++last_;
  }
  return last_;
}

HlcObservation HlcClock::Observe(Hlc remote) {
  const uint64_t wall = WallMs();
  HlcObservation result;
  const uint64_t remote_ms = HlcPhysicalMs(remote);
  result.ahead_ms = remote_ms > wall ? remote_ms - wall : 0;
  const uint64_t bound = std::min(wall + kMaxForwardDriftMs, kHlcMaxPhysicalMs);
  if (!HlcIsValid(remote) || remote_ms > bound) {
    result.clamped = true;
    remote = MakeHlc(bound, 0);
  }
  std::lock_guard<std::mutex> lock(mu_);
  // The receive rule: the largest of ours and theirs, then a tick (or the wall clock when
  // it is ahead of both), which on the packed integer is exactly the paper's case analysis.
  const Hlc largest = std::max(last_, remote);
  if (wall > HlcPhysicalMs(largest)) {
    last_ = MakeHlc(wall, 0);
  } else {
    last_ = largest < kHlcMaxValue ? largest + 1 : largest;
  }
  result.clock = last_;
  return result;
}

Hlc HlcClock::last() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

}  // namespace gongkai
