#include "protocol/wall_clock.h"

#include <chrono>

namespace gongkai {

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace gongkai
