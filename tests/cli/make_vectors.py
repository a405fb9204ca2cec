#!/usr/bin/python3
"""Copies the reference vectors the CLI tests use from the shared reference
(/work/shared/reference, see its README.md) into tests/data/cli_vectors.txt,
one JSON object per line, with their provenance. Tests read only the copy.
Usage: /usr/bin/python3 tests/cli/make_vectors.py [REFERENCE_DIR]"""
import json
import os
import sys

ref = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/reference"
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                   "cli_vectors.txt")
part = json.load(open(os.path.join(ref, "jaxjs-partitionable.json")))
leg = json.load(open(os.path.join(ref, "jax-tests-legacy.json")))
lines = [
    "# Reference vectors for the CLI tests (tests/cli/test_cli.py).",
    "# Copied by tests/cli/make_vectors.py from the project's shared reference:",
    "#  mode=partitionable: jaxjs-partitionable.json -- " + part["about"],
    "#  mode=legacy, seed_to_key: jax-tests-legacy.json -- " + leg["about"],
    "# One JSON object per line.",
]
for c in part["cases"]:
    if c["fn"] == "bits" and c["shape"] == [257]:
        continue  # keep the file small; [8] and [3,1,4] cover the same stream
    c = dict(c, mode="partitionable")
    lines.append(json.dumps(c, sort_keys=True))
for c in leg["legacy_mode_cases"]:
    lines.append(json.dumps(dict(c, mode="legacy"), sort_keys=True))
for c in leg["seed_to_key"]:
    lines.append(json.dumps(dict(c, fn="seed_to_key"), sort_keys=True))
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
print("wrote", out, len(lines), "lines")
