#!/usr/bin/python3
"""Copies the reference vectors the CLI tests use from a directory of the
cross-check files (independent reference vectors, not kept here) into tests/data/cli_vectors.txt,
one JSON object per line, with their provenance. Tests read only the copy.
Usage: /usr/bin/python3 tests/cli/make_vectors.py REFERENCE_DIR"""
import json
import os
import sys

if len(sys.argv) != 2:
    sys.exit("usage: make_vectors.py REFERENCE_DIR")
ref = sys.argv[1]
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
