#!/usr/bin/env python3
"""Regenerates the core known-answer files in tests/data/ from the shared
reference vectors (developer tool: the tests read only tests/data/).

Usage: tests/core/make_data.py REFERENCE_DIR tests/data
(REFERENCE_DIR holds the cross-check JSON files, not kept in this repository.)

It only re-formats: every expected value is copied verbatim from the JSON
(uint64 strings and decimal floats keep their exact text)."""
import json
import os
import sys


def dump(path, header, lines):
    with open(path, "w") as f:
        for h in header:
            f.write(("# " + h).rstrip() + "\n")
        for ln in lines:
            f.write(ln + "\n")


def num(v):
    # JSON numbers: keep the decimal text as json parsed it (floats from the
    # reference are shortest round-trip decimals, so repr() is exact).
    return repr(v) if isinstance(v, float) else str(v)


def main(ref, out):
    jj = json.load(open(os.path.join(ref, "jaxjs-partitionable.json")))
    lines = []
    for c in jj["cases"]:
        fn, seed = c["fn"], c["seed"]
        exp = " ".join(num(v) for v in c["expected"])
        if fn == "key":
            lines.append(f"key {seed} : {exp}")
        elif fn == "split":
            lines.append(f"split {seed} {c['num']} : {exp}")
        elif fn == "bits":
            sh = c["shape"]
            lines.append(f"bits {seed} {len(sh)} {' '.join(map(str, sh))} : {exp}")
        elif fn == "uniform":
            sh = c["shape"]
            lines.append(f"uniform {seed} {len(sh)} {' '.join(map(str, sh))} "
                         f"{num(c['minval'])} {num(c['maxval'])} : {exp}")
        else:
            raise SystemExit("unknown fn " + fn)
    dump(os.path.join(out, "jaxjs_partitionable.txt"), [
        "Known answers for jax.random in partitionable mode (the JAX default).",
        "Source: cross-check file jaxjs-partitionable.json (independent reference vectors given to the developers, not kept in this repository); its 'about' says:",
        "  " + jj["about"],
        "Converted by tests/core/make_data.py; one case per line, values after ':'.",
        "  key <seed> : k0 k1                 jax.random.key(seed), x64 off",
        "  split <seed> <num> : k0 k1 ...     split(key(seed), num), flattened",
        "  bits <seed> <ndim> <dims> : ...    32-bit random_bits, row-major",
        "  uniform <seed> <ndim> <dims> <minval> <maxval> : ...   float32 values as",
        "      the shortest decimal of the float64 holding the float32 (exact)",
        "Note: for minval=0.001, maxval=0.01 the product f * (maxval - minval) is",
        "inexact, and these values were computed without contracting the",
        "multiply-add (9 of the 36 elements differ by one ulp from the fused",
        "result). XLA:CPU contracts it (algorithm.md section 6); test_known_answers.c",
        "checks that each such value is exactly the unfused result of the same",
        "bits and that the library returns the fused one.",
    ], lines)

    lg = json.load(open(os.path.join(ref, "jax-tests-legacy.json")))
    lines = []
    for c in lg["legacy_mode_cases"]:
        fn, seed = c["fn"], c["seed"]
        if fn == "bits":
            sh = c["shape"]
            lines.append(f"bits {seed} {c['width']} {len(sh)} {' '.join(map(str, sh))} : "
                         + " ".join(str(v) for v in c["expected"]))
        elif fn in ("uniform", "normal"):
            sh = c["shape"]
            assert c["dtype"] == "float32"
            lines.append(f"{fn} {seed} {len(sh)} {' '.join(map(str, sh))} : "
                         + " ".join(num(v) for v in c["expected"]))
        elif fn == "multivariate_normal":
            # mean (1, n) broadcast against shape (b,), identity covariance
            assert c["method"] == "cholesky" and c["dtype"] == "float32"
            n = len(c["cov"])
            for i in range(n):
                for j in range(n):
                    assert c["cov"][i][j] == (1 if i == j else 0)
            assert len(c["mean"]) == 1
            b = c["shape"][0]
            lines.append(f"mvn_identity {seed} {b} {n} {' '.join(num(v) for v in c['mean'][0])} : "
                         + " ".join(num(v) for row in c["expected"] for v in row))
        elif fn == "split":
            lines.append(f"split {seed} {c['num']} : "
                         + " ".join(str(v) for k in c["expected"] for v in k))
        elif fn == "fold_in":
            lines.append(f"fold_in {seed} {c['data']} : "
                         + " ".join(str(v) for v in c["expected"]))
        else:
            raise SystemExit("unknown fn " + fn)
    for s in lg["seed_to_key"]:
        lines.append(f"seed_key {s['seed']} {1 if s['x64'] else 0} : "
                     + " ".join(str(v) for v in s["key"]))
    dump(os.path.join(out, "jax_tests_legacy.txt"), [
        "Known answers from JAX's own test suite, legacy mode",
        "(jax_threefry_partitionable=False) except seed_key, which is mode-free.",
        "Source: cross-check file jax-tests-legacy.json (independent reference vectors given to the developers, not kept in this repository); its 'about' says:",
        "  " + lg["about"],
        "Float values are printed to 6 decimals; JAX compares with rtol=atol=1e-6.",
        "Note: multivariate_normal elements 0 and 5 (1.067826, 1.413987) are not the",
        "rounding of today's float32 results 1.06782651 and 1.41398752, which lie",
        "within one ulp above the rounding midpoint: they were printed from results",
        "one ulp lower (an older XLA). They pass JAX's own 1e-6 check.",
        "Converted by tests/core/make_data.py; one case per line, values after ':'.",
        "  bits <seed> <width> <ndim> <dims> : values (uint64 as decimal)",
        "  uniform|normal <seed> <ndim> <dims> : float32 values (6 decimals)",
        "  mvn_identity <seed> <batch> <n> <mean[n]> : values (cov = identity, cholesky)",
        "  split <seed> <num> : k0 k1 ...;  fold_in <seed> <data> : k0 k1",
        "  seed_key <seed> <x64> : k0 k1",
    ], lines)

    xm = json.load(open(os.path.join(ref, "xla-cpu-math.json")))
    lines = []
    for fn, pairs in xm["pairs"].items():
        for a, b in pairs:
            lines.append(f"{fn} {a} {b}")
    dump(os.path.join(out, "xla_cpu_math.txt"), [
        "Input/output bit patterns of XLA:CPU's elementary functions.",
        "Source: cross-check file xla-cpu-math.json (independent reference vectors given to the developers, not kept in this repository); its 'about' says:",
        # the spec it cites is docs/algorithm.md here (same section numbers)
        "  " + xm["about"].replace("spec section", "algorithm.md section"),
        "Converted by tests/core/make_data.py; one pair per line:",
        "  <function>_<type> <input bits hex> <expected output bits hex>",
    ], lines)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
