#!/usr/bin/env bash
# The README's first command: installs what the build needs, builds jaxrandom
# (Release) and runs the main job on its built-in example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DJR_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
exec build/cli/jaxrandom demo "$@"
