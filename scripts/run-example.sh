#!/usr/bin/env bash
# The README's first command: installs what the build needs, builds jaxrandom
# (Release) and runs the main job on its built-in example and draws it
# (build/demo.svg; with matplotlib too when the Python package and
# matplotlib are installed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DJR_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
# Without arguments the demo also draws its samples (build/demo.svg, any
# browser shows it; docs/cli.md "Pictures").
if [ $# -eq 0 ]; then
  build/cli/jaxrandom demo --plot build/demo.svg --force
else
  build/cli/jaxrandom demo "$@"
fi
# Then a picture of such samples with matplotlib (python/examples/
# plot_samples.py) when a Python with the jaxrandom package and matplotlib is
# at hand: the README's venv or the test suite's (`scripts/deps.sh examples`
# installs matplotlib). Only without arguments: the script has its own.
if [ $# -eq 0 ]; then
  for py in venv/bin/python _build/pyvenv/bin/python; do
    if [ -x "$py" ] && "$py" -c 'import jaxrandom, matplotlib' 2>/dev/null; then
      echo
      "$py" python/examples/plot_samples.py --out build/demo.png
      break
    fi
  done
fi
