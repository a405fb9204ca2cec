#!/usr/bin/env bash
# Installs the build tree into a temporary prefix and builds two consumers
# against it: the README's C example through pkg-config (shared and static),
# and a CMake project through find_package(jaxrandom). Proves that the
# install, jaxrandom.pc and the CMake package config work as documented.
# Usage: test_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(ls -d "$prefix"/lib*/pkgconfig | head -n1); libdir=${libdir%/pkgconfig}
for f in "$prefix/include/jaxrandom.h" "$libdir/pkgconfig/jaxrandom.pc" \
         "$libdir/cmake/jaxrandom/jaxrandomConfig.cmake" "$prefix/bin/jaxrandom"; do
  [ -e "$f" ] || { echo "FAIL: $f was not installed" >&2; exit 1; }
done

# The README's "library in ten lines" example, verbatim.
awk '/^## The library in ten lines/{s=1} s&&/^```c/{p=1;next} p&&/^```/{exit} p' \
  "$src/README.md" > "$tmp/example.c"
grep -q jr_normal "$tmp/example.c" || { echo "FAIL: README example not found" >&2; exit 1; }

export PKG_CONFIG_PATH=$libdir/pkgconfig
cc=${CC:-cc}
# shellcheck disable=SC2046
$cc -std=c11 -Wall -Wextra -Wpedantic -Werror "$tmp/example.c" -o "$tmp/ex_shared" \
  $(pkg-config --cflags --libs jaxrandom)
LD_LIBRARY_PATH=$libdir "$tmp/ex_shared" > "$tmp/out_shared"
# shellcheck disable=SC2046
$cc -std=c11 "$tmp/example.c" -o "$tmp/ex_static" \
  $(pkg-config --cflags jaxrandom) "$libdir/libjaxrandom.a" $(pkg-config --libs-only-l --static jaxrandom | sed 's/-ljaxrandom//')
"$tmp/ex_static" > "$tmp/out_static"
cmp "$tmp/out_shared" "$tmp/out_static"
[ "$(wc -l < "$tmp/out_shared")" -eq 4 ] || { echo "FAIL: expected 4 lines" >&2; exit 1; }
# The installed tool agrees with the library (same key, same normals).
"$prefix/bin/jaxrandom" --version >/dev/null

# One version everywhere: the installed header's macros, the library's
# jr_version_string(), pkg-config and (below) the CMake package all say the
# same, because CMake generates each of them from project(VERSION).
cat > "$tmp/version.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <jaxrandom.h>
int main(void) {
  if (strcmp(JR_VERSION_STRING, jr_version_string()) != 0) return 1;
  if (JR_VERSION_NUMBER != jr_version_number()) return 1;
  printf("%s\n", JR_VERSION_STRING);
  return 0;
}
C
# shellcheck disable=SC2046
$cc -std=c11 -Wall -Werror "$tmp/version.c" -o "$tmp/version" $(pkg-config --cflags --libs jaxrandom)
hv=$(LD_LIBRARY_PATH=$libdir "$tmp/version") || { echo "FAIL: header and library versions differ" >&2; exit 1; }
pv=$(pkg-config --modversion jaxrandom)
[ "$hv" = "$pv" ] || { echo "FAIL: header says $hv, jaxrandom.pc says $pv" >&2; exit 1; }

mkdir -p "$tmp/consumer"
cp "$tmp/example.c" "$tmp/consumer/example.c"
cat > "$tmp/consumer/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.16)
project(consumer C)
find_package(jaxrandom 0.1 REQUIRED)
file(WRITE ${CMAKE_BINARY_DIR}/package_version.txt "${jaxrandom_VERSION}")
add_executable(ex example.c)
target_link_libraries(ex PRIVATE jaxrandom::jaxrandom)
add_executable(ex_static example.c)
target_link_libraries(ex_static PRIVATE jaxrandom::jaxrandom_static)
CM
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/consumer/build" >/dev/null
cv=$(cat "$tmp/consumer/build/package_version.txt")
[ "$cv" = "$hv" ] || { echo "FAIL: header says $hv, the CMake package says $cv" >&2; exit 1; }
LD_LIBRARY_PATH=$libdir "$tmp/consumer/build/ex" | cmp - "$tmp/out_shared"
"$tmp/consumer/build/ex_static" | cmp - "$tmp/out_shared"
echo "install: headers, libraries, pkg-config and CMake package all usable, version $hv everywhere"
