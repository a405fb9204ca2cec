#!/usr/bin/env bash
# On-demand scaling measurement for docs/mpi.md (not part of ctest):
# multivariate-normal, ROWS samples of a 3-D float32 normal, written by
# jaxrandom (one process) and by `mpirun -np P jaxrandom-mpi` for P = 1, 2,
# to a file in OUTDIR and to /dev/null. Prints the best of REPEAT runs.
#   usage: tests/mpi/bench_scaling.sh BUILD_DIR OUTDIR [ROWS] [REPEAT]
set -euo pipefail
build=${1:?usage: bench_scaling.sh BUILD_DIR OUTDIR [ROWS] [REPEAT]}
outdir=${2:?usage: bench_scaling.sh BUILD_DIR OUTDIR [ROWS] [REPEAT]}
rows=${3:-100000000}
repeat=${4:-3}
jr=$build/cli/jaxrandom
jrm=$build/cli/jaxrandom-mpi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun=(mpirun --oversubscribe --bind-to none --mca btl self,vader
        --mca btl_vader_single_copy_mechanism none
        --mca oob_tcp_if_include lo --mca btl_tcp_if_include lo)
args=(multivariate-normal --seed 0 --mean '[1,2,3]'
      --cov '[[2,0.5,0],[0.5,1,0.2],[0,0.2,0.5]]' --shape "$rows" --quiet)
out=$outdir/jr_scaling.npy

best() { # "wall cpu" of the fastest of $repeat runs (cpu = user + sys of
         # the whole process tree); removes $out after each run
  local b= t
  t=$(mktemp)
  for _ in $(seq "$repeat"); do
    rm -f "$out"
    /usr/bin/time -o "$t" -f "%e %U %S" "$@" >/dev/null
    b=$(awk -v prev="${b:-1e9 0}" '{split(prev, p, " "); w = $1; c = $2 + $3;
         if (w < p[1]) print w, c; else print prev}' "$t")
  done
  rm -f "$out" "$t"
  echo "$b"
}

report() { # label "wall cpu"
  echo "$1 $2" | awk -v rows="$rows" '{printf "%-40s %7.2f s wall %7.2f s cpu %7.1f M samples/s %7.0f MB/s\n", $1, $2, $3, rows / $2 / 1e6, rows * 12 / $2 / 1e6}'
}

echo "# $(date -u +%Y-%m-%d) $(uname -m), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $rows x 3 float32 multivariate-normal, best of $repeat (MB/s: file bytes)"
for sink in file devnull; do
  [ "$sink" = file ] && target=$out || target=/dev/null
  report "jaxrandom,threads=1,$sink" "$(best "$jr" "${args[@]}" --threads 1 --out "$target")"
  report "jaxrandom,threads=$(nproc),$sink" "$(best "$jr" "${args[@]}" --out "$target")"
  for np in 1 2; do
    report "jaxrandom-mpi,P=$np,threads/rank=1,$sink" \
      "$(best "${mpirun[@]}" -np "$np" "$jrm" "${args[@]}" --threads 1 --out "$target" --force)"
  done
done
