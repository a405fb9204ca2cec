#!/usr/bin/env bash
# The README's second command: installs what the tests need, then builds and
# runs the whole test suite: a Release build with gcc (warnings as errors in
# CI), a clang build, a clang build whose avx512 kernel set runs on SIMDe's
# emulation (CPUs without AVX-512), an AddressSanitizer +
# UndefinedBehaviorSanitizer build, the optional MPI build, the Python
# package's tests, and a bounded fuzzing run of every parser.
#   JR_FUZZ_SECONDS  seconds per fuzz target (default 60; 0 skips fuzzing)
#   JR_QUICK=1       only the Release build (for quick local runs)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test examples
jobs=$(nproc)
werror=OFF; [ "${CI:-}" = "true" ] && werror=ON
run() { echo "== $*" >&2; "$@"; }
summary=$(mktemp); trap 'rm -f "$summary"' EXIT
# Runs ctest in a build dir; its summary line is kept for the grand total.
ctest_dir() {
  (cd "$1" && ctest --output-on-failure -j"$jobs" ${2:+-E "$2"}) | tee -a "$summary"
}
total() { # "tests: N passed, M failed" over every ctest run so far
  awk '/tests passed, [0-9]+ tests failed out of/ {
         f += $4; t += $NF } END { printf "tests: %d passed, %d failed\n", t - f, f }' "$summary"
}

run cmake -S . -B _build/release -DCMAKE_BUILD_TYPE=Release -DJR_WERROR=$werror -DJR_ENABLE_MPI=ON >/dev/null
run cmake --build _build/release -j"$jobs"
ctest_dir _build/release
[ "${JR_QUICK:-0}" = 1 ] && { total; exit 0; }

run cmake -S . -B _build/clang -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release -DJR_WERROR=$werror >/dev/null
run cmake --build _build/clang -j"$jobs"
ctest_dir _build/clang

# The AVX-512 kernels on SIMDe's emulation of the intrinsics (AVX2 + FMA), so
# every suite runs the avx512 set here too and compares it with ref
# (docs/kernels.md). Test-only build; about a minute on 2 cores.
run cmake -S . -B _build/avx512emu -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release \
  -DJR_EMULATE_AVX512=ON -DJR_WERROR=$werror >/dev/null
run cmake --build _build/avx512emu -j"$jobs"
ctest_dir _build/avx512emu
# ...and it really ran (an unsupported set would be skipped, not failed).
JAXRANDOM_ISA=avx512 _build/avx512emu/tests/kernels/test_isa_env avx512 | grep 'active avx512' >/dev/null ||
  { echo "jaxrandom: the emulated avx512 kernel set did not run" >&2; exit 1; }

# Sanitizers: the exhaustive and statistical suites are the slow ones; they
# run in full here too, only with a larger time budget.
run cmake -S . -B _build/asan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DJR_SANITIZE=address,undefined -DJR_WERROR=$werror >/dev/null
run cmake --build _build/asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest_dir _build/asan

# The Python package (python/): a virtual environment over Debian's Python
# and NumPy, the package built and installed offline (CMake builds the static
# library into it), then its pytest suite; the counts join the total.
run /usr/bin/python3 -m venv --system-site-packages --clear _build/pyvenv
run _build/pyvenv/bin/pip install --quiet --no-build-isolation --no-index ./python
pyrc=0
(cd python && ../_build/pyvenv/bin/python -m pytest -q -p no:cacheprovider \
  --junitxml=../_build/pytest.xml tests) || pyrc=$?
/usr/bin/python3 python/junit_summary.py _build/pytest.xml | tee -a "$summary"
[ "$pyrc" = 0 ] || { total; exit "$pyrc"; }

if [ "${JR_FUZZ_SECONDS:-60}" != 0 ] && [ -x tests/fuzz/run_fuzzers.sh ]; then
  run tests/fuzz/run_fuzzers.sh _build/fuzz "${JR_FUZZ_SECONDS:-60}"
fi
echo "jaxrandom: all test builds passed" >&2
total
