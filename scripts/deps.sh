#!/usr/bin/env bash
# Installs (as root) or names (otherwise) the Debian packages jaxrandom needs.
# Usage: scripts/deps.sh [build|test|bench|mpi|examples|all]...   (default: build)
set -euo pipefail
want=("$@"); [ ${#want[@]} -gt 0 ] || want=(build)
pkgs=()
for w in "${want[@]}"; do
  case "$w" in
    build) pkgs+=(build-essential cmake pkg-config liblapacke-dev libopenblas-dev) ;;
    test)  pkgs+=(build-essential cmake pkg-config liblapacke-dev libopenblas-dev
                  librandom123-dev python3-numpy clang libclang-rt-dev
                  libopenmpi-dev openmpi-bin libsimde-dev
                  python3-dev python3-pytest python3-hypothesis python3-venv
                  python3-pip python3-setuptools python3-scipy) ;;
    bench) pkgs+=(build-essential cmake pkg-config liblapacke-dev libopenblas-dev
                  libgsl-dev python3-numpy python3-scipy) ;;
    mpi)   pkgs+=(libopenmpi-dev openmpi-bin) ;;
    # The Python package and its matplotlib example (python/examples).
    examples) pkgs+=(build-essential cmake pkg-config liblapacke-dev libopenblas-dev
                  python3-dev python3-numpy python3-venv python3-pip
                  python3-setuptools python3-matplotlib) ;;
    all)   exec "$0" build test bench mpi examples ;;
    *) echo "deps.sh: unknown set '$w' (expected build, test, bench, mpi, examples or all)" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "jaxrandom: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "jaxrandom: missing Debian packages. As root, run:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
