// Hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014): the `hlc` column
// of every synced row and the HLC of every envelope.
//
// An Hlc is one unsigned 64-bit integer, stored in SQLite as INTEGER:
//   bits 63..16  physical part: milliseconds since 1970-01-01T00:00:00Z (48 bits)
//   bits 15..0   logical counter: orders events within one millisecond (16 bits)
// so comparing the integers compares HLCs. The physical part is kept below 2^47 (year 6429)
// so that every valid HLC is below 2^63: a positive SQLite INTEGER that sorts like the HLC.
//
// Text form, for logs and JSON: "2026-11-21T10:02:03.123Z+5" (UTC, always milliseconds,
// then '+' and the counter in decimal).
#ifndef GONGKAI_PROTOCOL_HLC_H_
#define GONGKAI_PROTOCOL_HLC_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "protocol/status.h"

namespace gongkai {

using Hlc = uint64_t;

inline constexpr int kHlcCounterBits = 16;
inline constexpr uint64_t kHlcMaxCounter = (uint64_t{1} << kHlcCounterBits) - 1;  // 65535
// 6429-10-17T02:45:55.327Z: the largest physical part whose HLC is a positive int64.
inline constexpr uint64_t kHlcMaxPhysicalMs = (uint64_t{1} << 47) - 1;
inline constexpr Hlc kHlcMaxValue = (kHlcMaxPhysicalMs << kHlcCounterBits) | kHlcMaxCounter;

// How far ahead of our wall clock a remote HLC may pull our clock: 5 minutes. A village PC
// without NTP drifts by seconds a day, so honest peers stay well inside it between syncs;
// a clock set wrong by hours (a time zone taken for UTC) or by years is far outside it and
// must raise an alarm, not move every later row of ours into its future. Five minutes is
// also the customary Kerberos clock-skew allowance (RFC 4120 §1.6).
inline constexpr uint64_t kMaxForwardDriftMs = 5 * 60 * 1000;

// Error codes.
inline constexpr char kErrHlcText[] = "hlc.text";
inline constexpr char kErrHlcRange[] = "hlc.range";

constexpr Hlc MakeHlc(uint64_t physical_ms, uint64_t counter) {
  return (physical_ms << kHlcCounterBits) | (counter & kHlcMaxCounter);
}
constexpr uint64_t HlcPhysicalMs(Hlc h) { return h >> kHlcCounterBits; }
constexpr uint64_t HlcCounter(Hlc h) { return h & kHlcMaxCounter; }

// True when `h` is one a clock can make (physical part at most kHlcMaxPhysicalMs). A value
// read from outside (an envelope, a row) must pass this before it is used.
constexpr bool HlcIsValid(Hlc h) { return h <= kHlcMaxValue; }

// "2026-11-21T10:02:03.123Z+5". REQUIRES: HlcIsValid(h).
std::string HlcToString(Hlc h);
// Strict inverse of HlcToString: exactly that shape (four-digit year from 1970, real
// calendar date, no leading zeros in the counter). Fails with kErrHlcText for any other
// text, kErrHlcRange for a counter above 65535 or a time after kHlcMaxPhysicalMs.
Result<Hlc> ParseHlc(std::string_view text);

// What Observe did with a remote HLC.
struct HlcObservation {
  Hlc clock = 0;          // our clock after observing (also what Now() would build on)
  bool clamped = false;   // the remote was more than kMaxForwardDriftMs ahead of our wall
  uint64_t ahead_ms = 0;  // how far the remote's physical part was ahead of our wall clock
};

// A hybrid logical clock fed by an injected wall clock.
// Promises: Now() is strictly increasing across all calls, whatever the wall clock does
// (a wall clock that goes backwards holds the physical part and advances the counter); the
// physical part is never behind the wall clock; a counter that would pass 65535 carries into
// the physical part; a remote HLC moves the clock at most to wall + kMaxForwardDriftMs.
// At kHlcMaxValue the clock stops (year 6429: not reachable by a sane wall clock).
// Thread-safe: calls are serialised by an internal mutex.
class HlcClock {
 public:
  // Milliseconds since the Unix epoch. Values above kHlcMaxPhysicalMs count as that.
  using WallClock = std::function<uint64_t()>;

  // `last` is the largest HLC this node has issued or observed (restored from storage),
  // or 0 for a new node. An invalid `last` is taken as kHlcMaxValue.
  explicit HlcClock(WallClock wall, Hlc last = 0);

  // The HLC of a local event or a message we send (the send rule).
  Hlc Now();

  // Merges the HLC of a received message (the receive rule), bounded by the drift limit:
  // a remote more than kMaxForwardDriftMs ahead of our wall clock is taken as if it were
  // exactly that far ahead, and the result says so (the caller raises a clock alarm).
  // An invalid remote (HlcIsValid false) is treated as infinitely far ahead.
  HlcObservation Observe(Hlc remote);

  // The largest HLC issued or observed so far (to persist).
  Hlc last() const;

  // The system wall clock (CLOCK_REALTIME) in milliseconds.
  static uint64_t SystemWallMs();

 private:
  uint64_t WallMs() const;

  WallClock wall_;
  mutable std::mutex mu_;
  Hlc last_;  // guarded by mu_
};

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_HLC_H_
