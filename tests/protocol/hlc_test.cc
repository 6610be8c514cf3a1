#include "protocol/hlc.h"

#include <doctest/doctest.h>

#include <random>

namespace gongkai {
namespace {

// 2026-11-21T10:02:03.123Z
constexpr uint64_t kT0 = 1795255323123;

struct FakeWall {
  uint64_t ms = kT0;
  HlcClock::WallClock fn() {
    return [this] { return ms; };
  }
};

TEST_CASE("layout: 48-bit milliseconds over a 16-bit counter") {
  CHECK(MakeHlc(1, 0) == 0x10000);
  CHECK(MakeHlc(kT0, 5) == (kT0 << 16 | 5));
  CHECK(HlcPhysicalMs(MakeHlc(kT0, 7)) == kT0);
  CHECK(HlcCounter(MakeHlc(kT0, 7)) == 7);
  CHECK(MakeHlc(kT0, kHlcMaxCounter) + 1 == MakeHlc(kT0 + 1, 0));
  CHECK(kHlcMaxValue < (uint64_t{1} << 63));  // a positive SQLite INTEGER
  CHECK(HlcIsValid(kHlcMaxValue));
  CHECK_FALSE(HlcIsValid(kHlcMaxValue + 1));
}

TEST_CASE("text form: fixed vectors and round trip") {
  CHECK(HlcToString(MakeHlc(kT0, 5)) == "2026-11-21T10:02:03.123Z+5");
  CHECK(HlcToString(0) == "1970-01-01T00:00:00.000Z+0");
  CHECK(HlcToString(kHlcMaxValue) == "6429-10-17T02:45:55.327Z+65535");
  CHECK(*ParseHlc("2026-11-21T10:02:03.123Z+5") == MakeHlc(kT0, 5));
  CHECK(*ParseHlc("2024-02-29T00:00:00.000Z+0") == MakeHlc(1709164800000, 0));
  CHECK(*ParseHlc("6429-10-17T02:45:55.327Z+65535") == kHlcMaxValue);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 2000; ++i) {
    const Hlc h = rng() % (kHlcMaxValue + 1);
    CHECK(*ParseHlc(HlcToString(h)) == h);
  }
}

TEST_CASE("text form: malformed text is refused") {
  for (const char* bad :
       {"", "2026-11-21T10:02:03.123Z", "2026-11-21T10:02:03.123Z+", "2026-11-21 10:02:03.123Z+5",
        "2026-11-21T10:02:03Z+5", "2026-11-21T10:02:03.123+5", "2026-11-21T10:02:03.123Z+05",
        "2026-11-21T10:02:03.123Z+-1", "2026-11-21T10:02:03.123Z+5 ", "2026-02-30T10:02:03.123Z+5",
        "2025-02-29T00:00:00.000Z+0", "2026-13-01T10:02:03.123Z+5", "2026-11-21T24:00:00.000Z+5",
        "2026-11-21T10:60:00.000Z+5", "2026-11-21T10:02:60.000Z+5", "1969-12-31T23:59:59.999Z+0",
        "２026-11-21T10:02:03.123Z+5"}) {
    CAPTURE(bad);
    CHECK(ParseHlc(bad).status().code() == kErrHlcText);
  }
  CHECK(ParseHlc("2026-11-21T10:02:03.123Z+65536").status().code() == kErrHlcRange);
  CHECK(ParseHlc("2026-11-21T10:02:03.123Z+99999999999999999999").status().code() == kErrHlcRange);
  CHECK(ParseHlc("6429-10-17T02:45:55.328Z+0").status().code() == kErrHlcRange);
  CHECK(ParseHlc("9999-12-31T23:59:59.999Z+0").status().code() == kErrHlcRange);
}

TEST_CASE("Now follows the wall clock and ticks within a millisecond") {
  FakeWall wall;
  HlcClock clock(wall.fn());
  CHECK(clock.Now() == MakeHlc(kT0, 0));
  CHECK(clock.Now() == MakeHlc(kT0, 1));
  wall.ms += 10;
  CHECK(clock.Now() == MakeHlc(kT0 + 10, 0));
  CHECK(clock.last() == MakeHlc(kT0 + 10, 0));
}

TEST_CASE("a restored clock continues after its stored value") {
  FakeWall wall;
  HlcClock clock(wall.fn(), MakeHlc(kT0 + 1000, 3));  // stored by a run with a faster clock
  CHECK(clock.Now() == MakeHlc(kT0 + 1000, 4));
  HlcClock broken(wall.fn(), kHlcMaxValue + 1);
  CHECK(broken.last() == kHlcMaxValue);
}

TEST_CASE("the counter carries into the physical part instead of wrapping") {
  FakeWall wall;
  HlcClock clock(wall.fn());
  Hlc previous = clock.Now();
  for (uint64_t i = 1; i <= kHlcMaxCounter; ++i) {
    const Hlc h = clock.Now();
    REQUIRE(h == previous + 1);
    previous = h;
  }
  CHECK(previous == MakeHlc(kT0, kHlcMaxCounter));
  CHECK(clock.Now() == MakeHlc(kT0 + 1, 0));
  CHECK(clock.Now() == MakeHlc(kT0 + 1, 1));
  // The wall clock catching up to the borrowed millisecond does not repeat a value.
  wall.ms = kT0 + 1;
  CHECK(clock.Now() == MakeHlc(kT0 + 1, 2));
}

TEST_CASE("a wall clock going backwards never makes Now go backwards") {
  FakeWall wall;
  HlcClock clock(wall.fn());
  const Hlc before = clock.Now();
  wall.ms = kT0 - 3600 * 1000;  // set back an hour
  const Hlc after = clock.Now();
  CHECK(after > before);
  CHECK(after == MakeHlc(kT0, 1));
}

TEST_CASE("receive rule") {
  FakeWall wall;
  HlcClock clock(wall.fn(), MakeHlc(kT0, 4));
  // A remote a little ahead: we take its time and tick its counter.
  HlcObservation seen = clock.Observe(MakeHlc(kT0 + 2000, 9));
  CHECK_FALSE(seen.clamped);
  CHECK(seen.ahead_ms == 2000);
  CHECK(seen.clock == MakeHlc(kT0 + 2000, 10));
  CHECK(clock.Now() == MakeHlc(kT0 + 2000, 11));
  // A remote behind us changes only the counter.
  seen = clock.Observe(MakeHlc(kT0 - 50, 100));
  CHECK(seen.clock == MakeHlc(kT0 + 2000, 12));
  CHECK(seen.ahead_ms == 0);
  // Same millisecond: the larger counter plus one.
  seen = clock.Observe(MakeHlc(kT0 + 2000, 40));
  CHECK(seen.clock == MakeHlc(kT0 + 2000, 41));
  // The wall clock ahead of both wins.
  wall.ms = kT0 + 5000;
  CHECK(clock.Observe(MakeHlc(kT0 + 3000, 1)).clock == MakeHlc(kT0 + 5000, 0));
}

TEST_CASE("drift bound: at the limit accepted, one past clamped") {
  FakeWall wall;
  HlcClock clock(wall.fn());
  HlcObservation at = clock.Observe(MakeHlc(kT0 + kMaxForwardDriftMs, 0));
  CHECK_FALSE(at.clamped);
  CHECK(at.clock == MakeHlc(kT0 + kMaxForwardDriftMs, 1));
  HlcObservation past = clock.Observe(MakeHlc(kT0 + kMaxForwardDriftMs + 1, 0));
  CHECK(past.clamped);
  CHECK(past.ahead_ms == kMaxForwardDriftMs + 1);
  CHECK(HlcPhysicalMs(past.clock) == kT0 + kMaxForwardDriftMs);
}

TEST_CASE("a remote ten years ahead leaves Now within the bound of wall time") {
  FakeWall wall;
  HlcClock clock(wall.fn());
  const uint64_t ten_years = uint64_t{3653} * 86400000;
  HlcObservation seen = clock.Observe(MakeHlc(kT0 + ten_years, 0));
  CHECK(seen.clamped);
  CHECK(seen.ahead_ms == ten_years);
  const Hlc now = clock.Now();
  CHECK(HlcPhysicalMs(now) >= kT0);
  CHECK(HlcPhysicalMs(now) <= kT0 + kMaxForwardDriftMs);
  // So does a value no clock can make.
  HlcObservation invalid = clock.Observe(~uint64_t{0});
  CHECK(invalid.clamped);
  CHECK(HlcPhysicalMs(clock.Now()) <= kT0 + kMaxForwardDriftMs);
}

TEST_CASE("the clock stops at the largest value rather than wrapping") {
  FakeWall wall;
  wall.ms = ~uint64_t{0};  // a wall clock past kHlcMaxPhysicalMs counts as that
  HlcClock clock(wall.fn(), kHlcMaxValue - 1);
  CHECK(clock.Now() == kHlcMaxValue);
  CHECK(clock.Now() == kHlcMaxValue);
  CHECK(clock.Observe(kHlcMaxValue).clock == kHlcMaxValue);
}

TEST_CASE("property: strictly increasing and never behind the wall, under a random clock") {
  std::mt19937_64 rng(42);
  for (int run = 0; run < 20; ++run) {
    FakeWall wall;
    HlcClock clock(wall.fn());
    Hlc previous = 0;
    for (int i = 0; i < 5000; ++i) {
      switch (rng() % 6) {
        case 0:
          wall.ms += rng() % 5;
          break;  // normal progress
        case 1:
          wall.ms -= rng() % 100000;
          break;  // set back
        case 2:
          wall.ms += rng() % 100000;
          break;  // jump ahead
        default:
          break;  // same millisecond
      }
      Hlc h = 0;
      if (rng() % 4 == 0) {
        // Remotes near, far ahead, or behind.
        const int64_t offset = static_cast<int64_t>(rng() % 1000000) - 400000;
        const Hlc remote = MakeHlc(wall.ms + offset, rng() % (kHlcMaxCounter + 1));
        HlcObservation seen = clock.Observe(remote);
        h = seen.clock;
        CHECK(seen.clamped == (HlcPhysicalMs(remote) > wall.ms + kMaxForwardDriftMs));
        if (!seen.clamped) REQUIRE(h > remote);
      } else {
        h = clock.Now();
      }
      REQUIRE(h > previous);
      REQUIRE(HlcPhysicalMs(h) >= wall.ms);
      previous = h;
    }
  }
}

}  // namespace
}  // namespace gongkai
