#!/usr/bin/env bash
# Installs an MPI build (-DJR_ENABLE_MPI=ON) into a temporary prefix and
# builds tests/mpi/install_consumer.c against the installed MPI layer twice:
# with mpicc + pkg-config (jaxrandom-mpi.pc) and as a CMake project with
# find_package(jaxrandom COMPONENTS mpi); runs both on 2 ranks. Also checks
# that a plain find_package(jaxrandom) does not need MPI's component.
# Usage: test_install_mpi.sh BUILD_DIR SOURCE_DIR MPIEXEC [MPIEXEC ARGS...]
set -euo pipefail
build=$1 src=$2
shift 2
mpiexec=("$@")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(ls -d "$prefix"/lib*/pkgconfig | head -n1); libdir=${libdir%/pkgconfig}
for f in "$prefix/include/jaxrandom_mpi.h" "$libdir/libjaxrandom_mpi.a" \
         "$libdir/pkgconfig/jaxrandom-mpi.pc" \
         "$libdir/cmake/jaxrandom/jaxrandomMpiTargets.cmake" \
         "$prefix/bin/jaxrandom-mpi"; do
  [ -e "$f" ] || { echo "FAIL: $f was not installed" >&2; exit 1; }
done
cp "$src/tests/mpi/install_consumer.c" "$tmp/consumer.c"

export PKG_CONFIG_PATH=$libdir/pkgconfig
# shellcheck disable=SC2046
mpicc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags jaxrandom-mpi) \
  "$tmp/consumer.c" -o "$tmp/consumer_pc" $(pkg-config --libs jaxrandom-mpi)
out=$("${mpiexec[@]}" -n 2 "$tmp/consumer_pc")
[ "$out" = "ok 2" ] || { echo "FAIL: pkg-config consumer printed '$out'" >&2; exit 1; }

mkdir -p "$tmp/cm"
cp "$tmp/consumer.c" "$tmp/cm/consumer.c"
cat > "$tmp/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(consumer C)
find_package(jaxrandom 0.1 REQUIRED COMPONENTS mpi)
add_executable(consumer consumer.c)
target_link_libraries(consumer PRIVATE jaxrandom::jaxrandom_mpi)
CM
cmake -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/cm/build" >/dev/null
out=$("${mpiexec[@]}" -n 2 "$tmp/cm/build/consumer")
[ "$out" = "ok 2" ] || { echo "FAIL: CMake consumer printed '$out'" >&2; exit 1; }

# An unknown component is reported as not found, not silently accepted.
mkdir -p "$tmp/bad"
cat > "$tmp/bad/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(bad C)
find_package(jaxrandom 0.1 REQUIRED COMPONENTS nosuchpart)
CM
if cmake -S "$tmp/bad" -B "$tmp/bad/build" -DCMAKE_PREFIX_PATH="$prefix" \
     >/dev/null 2>&1; then
  echo "FAIL: find_package accepted an unknown component" >&2; exit 1
fi
echo "install (MPI): jaxrandom_mpi.h, libjaxrandom_mpi.a, jaxrandom-mpi.pc and the mpi component all usable"
