// The system's wall clock, the one source of "now" for code that is not handed a clock.
// Code that must be testable against a wrong clock takes a std::function<int64_t()> and
// defaults it to this.
#ifndef GONGKAI_PROTOCOL_WALL_CLOCK_H_
#define GONGKAI_PROTOCOL_WALL_CLOCK_H_

#include <cstdint>

namespace gongkai {

// Milliseconds since 1970-01-01T00:00:00Z by the system clock (which may be wrong).
int64_t WallClockMs();

}  // namespace gongkai

#endif  // GONGKAI_PROTOCOL_WALL_CLOCK_H_
