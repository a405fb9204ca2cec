#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into BUILD_DIR and runs each one
# for SECONDS (default 60), starting from the committed corpus (new inputs
# go to a scratch copy; the committed corpus is never modified).
# Usage: tests/fuzz/run_fuzzers.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/_build/fuzz}"
mkdir -p "$build" && build="$(cd "$build" && pwd)" # absolute: the runs cd into it
secs="${2:-60}"
jobs="${JR_JOBS:-2}"
CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DJR_BUILD_FUZZ=ON -DJR_SANITIZE=address,undefined \
  -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link >/dev/null
targets=(npy csv literal shape)
cmake --build "$build" -j"$jobs" --target "${targets[@]/#/fuzz_}" >/dev/null
status=0
for t in "${targets[@]}"; do
  work="$build/fuzz-work/$t"
  rm -rf "$work" && mkdir -p "$work"
  cp "$here/corpus/$t/"* "$work/"
  echo "== fuzz_$t for ${secs}s" >&2
  if ! (cd "$build" && ASAN_OPTIONS=detect_leaks=1 \
        "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -max_len=4096 \
        -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 "$work" 2>&1 |
        tail -n 12); then
    status=1
  fi
  if ls "$build"/crash-* "$build"/leak-* "$build"/timeout-* >/dev/null 2>&1; then
    echo "fuzz_$t: found a failing input (see $build)" >&2
    status=1
  fi
done
exit $status
