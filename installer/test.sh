#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and runs the whole gongkai test suite:
#   1. the normal build and every CTest test;
#   2. the same tests built with AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. every libFuzzer target over its seed corpus (clang).
# Exits non-zero when anything fails. Prints "N passed, N failed" last.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
export CTEST_OUTPUT_ON_FAILURE=1
passed=0
failed=0
count() {  # count LABEL COMMAND...
  local label="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "== 通过 PASS: $label"
  else failed=$((failed + 1)); echo "== 失败 FAIL: $label"; fi
}

if count "set-up and build" bash "$here/setup.sh"; then
  count "tests" ctest --test-dir "$top/build" -j2 --timeout 900
fi

# Leak reports need whole stacks so that tests/lsan.supp can tell a third-party cache from
# a gongkai leak; hence no fast unwinding.
if count "ASan+UBSan build" bash "$here/setup.sh" --sanitize; then
  count "tests under ASan+UBSan" env ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 \
    LSAN_OPTIONS="suppressions=$top/tests/lsan.supp" UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$top/build-asan" -j2 --timeout 1800
fi

count "fuzz build" bash "$here/setup.sh" --fuzz || true
fuzz_dir="$top/build-fuzz/tests/fuzz"
for target in "$fuzz_dir"/*_fuzz; do
  [ -x "$target" ] || continue
  name=$(basename "$target" _fuzz)
  corpus="$top/tests/fuzz/corpus/$name"
  count "fuzz $name over its seed corpus" "$target" -runs=0 "$corpus"
  # A short bounded run past the seeds, to catch regressions the seeds do not reach.
  work=$(mktemp -d)
  count "fuzz $name for 10 s" "$target" -max_total_time=10 -rss_limit_mb=2048 "$work" "$corpus"
  rm -rf "$work"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
