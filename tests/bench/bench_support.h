// What every benchmark program needs: seconds since a moment, and a way to stop at once
// with the failing step named when setting up the measured data goes wrong.
#ifndef GONGKAI_TESTS_BENCH_BENCH_SUPPORT_H_
#define GONGKAI_TESTS_BENCH_BENCH_SUPPORT_H_

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "protocol/status.h"

namespace gongkai::bench {

using Clock = std::chrono::steady_clock;

inline double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The value of `result`; prints `what` and the error and exits 1 when it failed.
template <typename T>
T Must(Result<T> result, const char* what) {
  if (!result.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, result.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(result).value();
}

inline void Must(const Status& status, const char* what) {
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
    std::exit(1);
  }
}

}  // namespace gongkai::bench

#endif  // GONGKAI_TESTS_BENCH_BENCH_SUPPORT_H_
