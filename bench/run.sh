#!/usr/bin/env bash
# Builds the benchmarks, runs jaxrandom/GSL (bench_workloads), the NumPy
# peers (numpy_peers.py) and the CLI memory check in one go, and prints one
# Markdown report (docs/performance.md records one).
#
# Usage: bench/run.sh [--reps N] [--scale X] [--only W1,...,W5,L] [--no-build]
#                     [--no-rss] [--commit REV]
# On a CPU with AVX-512 the workloads also run as an AVX2-only CPU would
# see them (the second report section): JAXRANDOM_ISA=avx2 next to NumPy and
# the gemm limits on OpenBLAS's Haswell kernels (OPENBLAS_CORETYPE=Haswell).
# --commit REV builds and measures a clean export of that commit (git
# archive) instead of the working tree, which may hold other people's
# unfinished edits; the documented runs use --commit HEAD.
# Env: BUILD (default <repo>/build-bench, or <repo>/build-bench-commit/<sha>
#      with --commit), OUT (results, default $BUILD/bench-results/<UTC time>).
# The machine may be shared: look at the load line of the report, and re-run
# at a quiet moment before quoting figures.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$repo/build-bench}
reps=3 scale=1 only="" do_build=1 do_rss=1 commit=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --no-rss) do_rss=0; shift ;;
    --commit) commit=$2; shift 2 ;;
    *) sed -n '6,13p' "$0" >&2; exit 2 ;;
  esac
done
py=/usr/bin/python3 # Debian's, with numpy; the PATH one may lack it

src=$repo
if [ -n "$commit" ]; then
  sha=$(git -C "$repo" rev-parse --short "$commit^{commit}")
  build=${BUILD:-$repo/build-bench-commit/$sha}
  src=$build/src
  if [ $do_build = 1 ]; then
    rm -rf "$src"
    mkdir -p "$src"
    git -C "$repo" archive "$sha" | tar -x -C "$src"
  fi
  build=$build/build
fi

if [ $do_build = 1 ]; then
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DJR_BUILD_BENCH=ON >&2
  cmake --build "$build" -j2 --target bench_workloads jaxrandom_cli >&2
fi
out=${OUT:-$build/bench-results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"

{
  if [ -n "$commit" ]; then
    printf '#\tcommit\t%s (clean export)\n' "$sha"
  else
    printf '#\tcommit\t%s%s\n' "$(git -C "$repo" rev-parse --short HEAD)" \
      "$(git -C "$repo" diff --quiet HEAD -- src include cli 2>/dev/null ||
        echo ' + uncommitted changes in src/include/cli')"
  fi
  printf '#\tload\t%s (loadavg at start; 2 cores)\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/run.tsv"

# Single-threaded peers: OpenBLAS on one thread everywhere. For NumPy,
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some machines, they slow a
# current NumPy) are unset for that command alone; the report shows the
# OpenBLAS kernel NumPy ran. Each workload runs in C and then in NumPy before
# the next one starts, so a peer pair sees about the same machine load.
: >"$out/workloads.tsv"
: >"$out/numpy.tsv"
: >"$out/workloads_avx2.tsv"
: >"$out/numpy_avx2.tsv"
avx512=0
grep -qw avx512f /proc/cpuinfo && avx512=1
for w in L W5 W1 W2 W4 W3; do
  if [ -n "$only" ] && ! [[ ",$only," == *",$w,"* ]]; then continue; fi
  echo "== $w $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  printf '#\tload_%s\t%s\n' "$w" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/run.tsv"
  OPENBLAS_NUM_THREADS=1 "$build/bench/bench_workloads" --reps "$reps" \
    --scale "$scale" --only "$w" >>"$out/workloads.tsv"
  if [ "$w" = L ]; then
    # the limits (gemm at W2/W3's shapes) for the avx2 section's product
    # rate: OpenBLAS's AVX2 (Haswell) kernels, as on an AVX2-only CPU
    [ $avx512 = 1 ] && OPENBLAS_CORETYPE=Haswell OPENBLAS_NUM_THREADS=1 \
      "$build/bench/bench_workloads" --reps "$reps" --scale "$scale" \
      --only L | grep -v '^#' >>"$out/workloads_avx2.tsv"
    continue
  fi
  if [ $avx512 = 1 ]; then
    JAXRANDOM_ISA=avx2 OPENBLAS_NUM_THREADS=1 "$build/bench/bench_workloads" \
      --reps "$reps" --scale "$scale" --only "$w" --no-gsl \
      >>"$out/workloads_avx2.tsv"
    # the AVX2-only CPU's NumPy: OpenBLAS's Haswell kernels
    env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=Haswell OPENBLAS_NUM_THREADS=1 \
      "$py" "$src/bench/numpy_peers.py" --reps "$reps" --scale "$scale" \
      --only "$w" >>"$out/numpy_avx2.tsv"
  fi
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \
    "$py" "$src/bench/numpy_peers.py" --reps "$reps" --scale "$scale" \
    --only "$w" >>"$out/numpy.tsv"
done

if [ $do_rss = 1 ]; then
  # Peak RSS of a streamed 1e8 x 3 float32 CLI run (default threads).
  echo "== CLI peak RSS" >&2
  f=$(mktemp /tmp/jr_bench_rss.XXXXXX)
  rm -f "$f"
  f=$f.npy
  rows=$("$py" -c "print(max(1, int(1e8 * $scale)))")
  cmd=("$build/cli/jaxrandom" multivariate-normal --seed 0 --mean '[1, 2, 3]'
    --cov '[[2, 0.5, 0], [0.5, 1, 0.2], [0, 0.2, 0.5]]' --shape "$rows"
    --dtype float32 --quiet --out "$f")
  /usr/bin/time -v "${cmd[@]}" 2>"$out/rss.txt"
  rm -f "$f"
  kib=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/rss.txt")
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/rss.txt")
  {
    printf '#\tcli_peak_rss_kib\t%s\n' "$kib"
    printf '#\tcli_seconds\t%s\n' "$wall"
    printf '#\tcli_cmd\tjaxrandom multivariate-normal --seed 0 --mean '"'"'[1, 2, 3]'"'"' --cov '"'"'[[2, 0.5, 0], [0.5, 1, 0.2], [0, 0.2, 0.5]]'"'"' --shape %s --dtype float32 --quiet --out /tmp/x.npy\n' "$rows"
  } >>"$out/run.tsv"
fi
printf '#\tload_end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/run.tsv"

{
  "$py" "$src/bench/report.py" "$out/workloads.tsv" "$out/numpy.tsv" \
    "$out/run.tsv"
  if [ -s "$out/workloads_avx2.tsv" ]; then
    printf '\n# The same run as on an AVX2-only CPU: JAXRANDOM_ISA=avx2, and NumPy and the gemm limits on OpenBLAS'"'"'s Haswell (AVX2) kernels (OPENBLAS_CORETYPE=Haswell; the run header below names the default core); no GSL\n\n'
    "$py" "$src/bench/report.py" "$out/workloads_avx2.tsv" \
      "$out/numpy_avx2.tsv" "$out/run.tsv"
  fi
} | tee "$out/report.md"
echo "(raw results in $out)" >&2
