#!/usr/bin/python3
"""End-to-end tests of the jaxrandom CLI, run by ctest:
    /usr/bin/python3 test_cli.py JAXRANDOM DATA_DIR GROUP [--sanitized]
GROUP: golden | roundtrip | inputs | errors | atomic | rows | memory |
progress | signals.
Expected values come from the reference vectors in DATA_DIR/cli_vectors.txt
(JAX's own tests and an independent implementation), from relations that
jax.random documents (fold_in/split symmetry, multivariate_normal with a
diagonal power-of-two factor), from NumPy (reading every file format) and
from statistics; never from the CLI's own earlier output."""
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

EXE, DATA, GROUP = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
SANITIZED = "--sanitized" in sys.argv[4:]
TMP = tempfile.mkdtemp(prefix="jr_cli_test_")
FAILS = []
CHECKS = [0]


def check(cond, what):
    CHECKS[0] += 1
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def run(*args, code=0, stdin=None):
    p = subprocess.run([EXE, *map(str, args)], capture_output=True,
                       input=stdin, timeout=600)
    if code is not None and p.returncode != code:
        check(False, f"{args}: exit {p.returncode}, expected {code}; "
                     f"stderr: {p.stderr.decode(errors='replace')[:300]}")
    return p


def tmp(name):
    return os.path.join(TMP, name)


def load_npy(*args):
    path = tmp("out.npy")
    if os.path.exists(path):
        os.unlink(path)
    p = run(*args, "--out", path)
    if p.returncode != 0:
        return None
    return np.load(path)


def vectors():
    with open(os.path.join(DATA, "cli_vectors.txt")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                yield json.loads(line)


def words_of(stdout):
    return [int(w) for line in stdout.decode().split() for w in line.split(",")]


# --------------------------------------------------------------------------
def group_golden():
    unit = {c["seed"]: c["expected"] for c in vectors()
            if c["fn"] == "uniform" and c.get("mode") == "partitionable" and
            c.get("minval", 0) == 0 and c.get("maxval", 1) == 1}
    for c in vectors():
        fn, mode = c["fn"], c.get("mode")
        leg = ["--legacy"] if mode == "legacy" else []
        if fn == "seed_to_key":
            x = ["--x64"] if c["x64"] else []
            p = run("key", "--seed", c["seed"], *x)
            check(words_of(p.stdout) == c["key"], f"key {c}")
        elif fn == "key":
            p = run("key", "--seed", c["seed"])
            check(words_of(p.stdout) == c["expected"], f"key {c}")
        elif fn == "split":
            num = c.get("num")
            p = run("split", "--seed", c["seed"], "--num", num, *leg)
            exp = np.array(c["expected"], dtype=np.uint64).ravel().tolist()
            check(words_of(p.stdout) == exp, f"split {c}")
            a = load_npy("split", "--seed", c["seed"], "--num", num, *leg)
            check(a is not None and a.dtype == np.uint32 and
                  a.shape == (num, 2) and a.ravel().tolist() == exp,
                  f"split npy {c}")
        elif fn == "fold_in":
            p = run("fold-in", "--seed", c["seed"], "--data", c["data"], *leg)
            check(words_of(p.stdout) == c["expected"], f"fold_in {c}")
        elif fn == "bits":
            w = c.get("width", 32)
            x = ["--x64"] if w == 64 else []
            a = load_npy("bits", "--seed", c["seed"], "--shape",
                         ",".join(map(str, c["shape"])), "--width", w, *leg, *x)
            exp = np.array([int(v) for v in c["expected"]],
                           dtype=f"u{w // 8}").reshape(c["shape"])
            check(a is not None and a.dtype == exp.dtype and
                  np.array_equal(a, exp), f"bits {c}")
        elif fn == "uniform":
            mn, mx = c.get("minval", 0), c.get("maxval", 1)
            a = load_npy("uniform", "--seed", c["seed"], "--shape",
                         ",".join(map(str, c["shape"])), "--minval", mn,
                         "--maxval", mx, *leg)
            exp = np.array(c["expected"], dtype=np.float64)
            if mode == "legacy":  # printed to 6 decimals by JAX's test
                ok = a is not None and np.allclose(a.ravel(), exp,
                                                   rtol=1e-6, atol=1e-6)
            elif (mn, mx) == (0, 1) or (mn, mx) == (-3, 5):
                # exact: f * (maxval - minval) is exact for these spans
                ok = a is not None and a.dtype == np.float32 and \
                    np.array_equal(a.ravel(), exp.astype(np.float32))
            else:
                # The reference was computed without fusing
                # f * (maxval - minval) + minval; XLA:CPU fuses it (algorithm.md 6).
                # f is the [0, 1) value of the same element (the
                # reference's [0, 1) case of this seed), the fused result
                # is computed exactly in float64 and rounded once.
                f = np.array(unit[c["seed"]][:len(exp)], np.float32)
                lo, hi = np.float32(mn), np.float32(mx)
                span = np.float32(hi - lo)
                fused = np.maximum(lo, (f.astype(np.float64) * span +
                                        np.float64(lo)).astype(np.float32))
                unfused = np.maximum(lo, np.float32(f * span) + lo)
                e32 = exp.astype(np.float32)
                ok = a is not None and np.array_equal(a.ravel(), fused) and \
                    np.all((e32 == fused) | (e32 == unfused))
            check(ok, f"uniform {c}")
        elif fn == "normal":
            a = load_npy("normal", "--seed", c["seed"], "--shape",
                         ",".join(map(str, c["shape"])), *leg)
            check(a is not None and np.allclose(a, c["expected"], rtol=1e-6,
                                                atol=1e-6), f"normal {c}")
        elif fn == "multivariate_normal":
            a = load_npy("multivariate-normal", "--seed", c["seed"], "--mean",
                         json.dumps(c["mean"]), "--cov", json.dumps(c["cov"]),
                         "--shape", ",".join(map(str, c["shape"])),
                         "--method", c["method"], *leg)
            check(a is not None and a.shape == (2, 3) and
                  np.allclose(a, c["expected"], rtol=1e-6, atol=1e-6),
                  f"mvn {c}")
    # fold_in(key, i) == split(key, n)[i] in partitionable mode (JAX's
    # test_threefry_split_fold_in_symmetry).
    keys = words_of(run("split", "--seed", 72, "--num", 5).stdout)
    for i in range(5):
        k = words_of(run("fold-in", "--seed", 72, "--data", i).stdout)
        check(k == keys[2 * i:2 * i + 2], f"fold_in/split symmetry {i}")
    # --key takes what key/split print.
    k = run("split", "--seed", 0).stdout.decode().split()[1]
    a = load_npy("uniform", "--key", k, "--shape", 4)
    b = load_npy("uniform", "--key", k.replace(",", " ,").split()[0] + "," +
                 k.split(",")[1], "--shape", 4)
    check(a is not None and np.array_equal(a, b), "--key round trip")
    # uniform within [minval, maxval) for every dtype; normal statistics.
    for dt in ["float16", "bfloat16", "float32", "float64"]:
        x = ["--x64"] if dt == "float64" else []
        a = load_npy("uniform", "--seed", 3, "--shape", 20000, "--dtype", dt,
                     "--minval", -2, "--maxval", 3, *x)
        if dt == "bfloat16":
            a = (a.astype(np.uint32) << 16).view(np.float32)
        check(a is not None and a.min() >= -2 and a.max() < 3 and
              abs(a.astype(np.float64).mean() - 0.5) < 0.1,
              f"uniform range {dt}")
        z = load_npy("normal", "--seed", 4, "--shape", 20000, "--dtype", dt, *x)
        if dt == "bfloat16":
            z = (z.astype(np.uint32) << 16).view(np.float32)
        z = z.astype(np.float64)
        check(abs(z.mean()) < 5 / np.sqrt(20000) and abs(z.std() - 1) < 0.03,
              f"normal statistics {dt}: mean {z.mean()} std {z.std()}")
    # multivariate_normal with cov I equals normal(key, shape + (n,)); with
    # a diagonal power-of-two factor it is mean + f * z exactly (algorithm.md 8).
    for leg in [[], ["--legacy"]]:
        z = load_npy("normal", "--seed", 11, "--shape", "50,3", *leg)
        m = load_npy("multivariate-normal", "--seed", 11, "--mean", "[0,0,0]",
                     "--cov", "[[1,0,0],[0,1,0],[0,0,1]]", "--shape", 50, *leg)
        check(m is not None and np.array_equal(m, z), f"mvn identity {leg}")
        m = load_npy("multivariate-normal", "--seed", 11, "--mean", "[1,2,3]",
                     "--cov", "[[4,0,0],[0,1,0],[0,0,0.25]]", "--shape", 50,
                     *leg)
        exp = (z * np.array([2, 1, 0.5], np.float32)) + \
            np.array([1, 2, 3], np.float32)
        check(m is not None and np.array_equal(m, exp), f"mvn diagonal {leg}")
    # The demo prints requested and sample moments.
    p = run("demo")
    out = p.stdout.decode()
    check("requested" in out and "sample" in out and "mean[2]" in out,
          "demo output")
    p2 = run("multivariate-normal", "--example")
    check(p2.stdout == p.stdout, "--example equals demo")
    # --help and --version
    for sub in ["key", "split", "fold-in", "bits", "uniform", "normal",
                "multivariate-normal", "multivariate_normal", "demo"]:
        p = run(sub, "--help")
        check(b"Examples:" in p.stdout and b"Usage:" in p.stdout, f"help {sub}")
    check(b"Subcommands" in run("--help").stdout, "main help")
    check(run("--version").stdout.startswith(b"jaxrandom "), "version")


def to_bf16(x):
    """float64 -> bfloat16 bit patterns, round to nearest even (as
    ml_dtypes/JAX convert; via float32, exact for the short decimals the CLI
    prints, which are far from bfloat16 rounding midpoints)."""
    u = np.asarray(x, np.float64).astype(np.float32).view(np.uint32)
    u = u.astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


# --------------------------------------------------------------------------
def group_roundtrip():
    cases = [("bits", w, [f"--width={w}"] + (["--x64"] if w == 64 else []),
              f"u{w // 8}") for w in (8, 16, 32, 64)]
    for dt in ["float16", "bfloat16", "float32", "float64"]:
        x = ["--x64"] if dt == "float64" else []
        npdt = {"float16": "<f2", "bfloat16": "<u2", "float32": "<f4",
                "float64": "<f8"}[dt]
        cases.append(("uniform", dt, ["--dtype", dt] + x, npdt))
        cases.append(("normal", dt, ["--dtype", dt] + x, npdt))
    for cmd, tag, extra, npdt in cases:
        args = [cmd, "--seed", 5, "--shape", "7,3", *extra]
        a = load_npy(*args)
        check(a is not None and a.dtype == np.dtype(npdt) and a.shape == (7, 3),
              f"npy dtype/shape {cmd} {tag}: {None if a is None else a.dtype}")
        with open(tmp("out.npy"), "rb") as f:
            ver = np.lib.format.read_magic(f)
        check(ver == (1, 0), f"npy version {ver}")
        raw = tmp(f"o_{cmd}_{tag}.bin")
        run(*args, "--out", raw)
        b = np.fromfile(raw, dtype=npdt).reshape(7, 3)
        check(a is not None and np.array_equal(a.view(np.uint8),
                                               b.view(np.uint8)),
              f".bin == .npy data {cmd} {tag}")
        csv = tmp(f"o_{cmd}_{tag}.csv")
        run(*args, "--out", csv)
        rows = [line.split(",") for line in open(csv).read().splitlines()]
        check(len(rows) == 7 and all(len(r) == 3 for r in rows),
              f"csv layout {cmd} {tag}")
        if tag == "bfloat16":
            back = np.array([[float(v) for v in r] for r in rows])
            check(np.array_equal(to_bf16(back), b), f"csv values {cmd} {tag}")
        elif cmd == "bits":
            back = np.array([[int(v) for v in r] for r in rows], dtype=npdt)
            check(np.array_equal(back, b), f"csv values {cmd} {tag}")
        else:
            back = np.array([[float(v) for v in r] for r in rows]).astype(npdt)
            check(np.array_equal(back, b), f"csv round-trip {cmd} {tag}")
        # stdout table: same numbers, whitespace separated
        p = run(*args)
        vals = p.stdout.decode().split()
        if tag == "bfloat16":
            ok = np.array_equal(to_bf16(np.array(vals, dtype=np.float64)),
                                b.ravel())
        elif cmd == "bits":
            ok = [int(v) for v in vals] == b.ravel().tolist()
        else:
            ok = np.array_equal(np.array(vals, dtype=np.float64).astype(npdt),
                                b.ravel())
        check(ok, f"table values {cmd} {tag}")
        # --out - --format npy through a pipe
        p = run(*args, "--out", "-", "--format", "npy")
        with open(tmp("pipe.npy"), "wb") as f:
            f.write(p.stdout)
        c = np.load(tmp("pipe.npy"))
        check(np.array_equal(c.view(np.uint8), b.view(np.uint8)),
              f"npy to stdout {cmd} {tag}")
    # scalar shape () and empty shapes
    a = load_npy("normal", "--seed", 0, "--shape", "")
    check(a is not None and a.shape == () and a.dtype == np.float32, "scalar")
    a = load_npy("uniform", "--seed", 0, "--shape", "0,3")
    check(a is not None and a.shape == (0, 3), "empty 0x3")
    a = load_npy("split", "--seed", 0, "--shape", "2,3")
    check(a is not None and a.shape == (2, 3, 2), "split shape")
    # x64: uint64 without --x64 is truncated to 32 bits, as JAX does
    p = run("bits", "--seed", 1, "--shape", 3, "--width", 64)
    check(b"note" in p.stderr, "uint64 without x64 note")
    a = load_npy("bits", "--seed", 1, "--shape", 3, "--width", 64)
    b = load_npy("bits", "--seed", 1, "--shape", 3)
    check(a is not None and a.dtype == np.uint32 and np.array_equal(a, b),
          "uint64 -> uint32")
    a = load_npy("bits", "--seed", 1, "--shape", 3, "--x64")
    check(a is not None and a.dtype == np.uint64, "x64 default uint64")
    a = load_npy("uniform", "--seed", 1, "--shape", 3, "--x64")
    check(a is not None and a.dtype == np.float64, "x64 default float64")
    a = load_npy("uniform", "--seed", 1, "--shape", 3, "--dtype", "float64")
    check(a is not None and a.dtype == np.float32, "float64 -> float32")


# --------------------------------------------------------------------------
def group_inputs():
    mean = np.array([1.0, -2.0, 0.5])
    cov = np.array([[2.0, 0.6, -0.4], [0.6, 1.0, 0.3], [-0.4, 0.3, 0.5]])
    base = ["multivariate-normal", "--seed", 9, "--shape", 40]
    ref = load_npy(*base, "--mean", json.dumps(mean.tolist()), "--cov",
                   json.dumps(cov.tolist()))
    check(ref is not None and ref.shape == (40, 3) and ref.dtype == np.float32,
          "mvn literal")

    def same(tag, mspec, cspec, extra=()):
        a = load_npy(*base, "--mean", mspec, "--cov", cspec, *extra)
        check(a is not None and np.array_equal(a, ref), f"input {tag}")

    np.save(tmp("m32.npy"), mean.astype("<f4"))
    np.save(tmp("c32.npy"), cov.astype("<f4"))
    same("npy f4", tmp("m32.npy"), tmp("c32.npy"))
    np.save(tmp("m32be.npy"), mean.astype(">f4"))
    np.save(tmp("c32f.npy"), np.asfortranarray(cov.astype(">f4")))
    same("npy big-endian + fortran", tmp("m32be.npy"), tmp("c32f.npy"))
    np.save(tmp("c64.npy"), cov)
    same("npy f8 canonicalized", tmp("m32.npy"), tmp("c64.npy"))
    p = run(*base, "--mean", tmp("m32.npy"), "--cov", tmp("c64.npy"),
            "--out", "/dev/null")
    check(b"float64" in p.stderr and b"float32" in p.stderr, "float64 note")
    with open(tmp("m.csv"), "w") as f:
        f.write("# mean\n" + ",".join(map(repr, mean)) + "\n")
    with open(tmp("m_col.csv"), "w") as f:
        f.write("\n".join(map(repr, mean)) + "\n")
    with open(tmp("c.csv"), "w") as f:
        f.write("\n".join(",".join(map(repr, r)) for r in cov) + "\r\n")
    same("csv", tmp("m.csv"), tmp("c.csv"))
    same("csv column mean", tmp("m_col.csv"), tmp("c.csv"))
    # A UTF-8 byte order mark (as spreadsheets write CSV) is accepted.
    with open(tmp("m_bom.csv"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + ",".join(map(repr, mean)).encode() + b"\n")
    with open(tmp("c_bom.csv"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + "\n".join(",".join(map(repr, r))
                                          for r in cov).encode())
    same("csv with BOM", tmp("m_bom.csv"), tmp("c_bom.csv"))
    # integer inputs promote to the default float
    a = load_npy(*base, "--mean", "[1,2,3]", "--cov",
                 "[[2,0,0],[0,1,0],[0,0,3]]")
    np.save(tmp("mi.npy"), np.array([1, 2, 3], dtype="<i8"))
    np.save(tmp("ci.npy"), np.array([[2, 0, 0], [0, 1, 0], [0, 0, 3]], "<i4"))
    b = load_npy(*base, "--mean", tmp("mi.npy"), "--cov", tmp("ci.npy"))
    check(a is not None and b is not None and b.dtype == np.float32 and
          np.array_equal(a, b), "integer npy inputs")
    b = load_npy(*base, "--mean", tmp("mi.npy"), "--cov", tmp("ci.npy"),
                 "--x64")
    check(b is not None and b.dtype == np.float64, "integer inputs with x64")
    # float16 inputs are read, but JAX's CPU linalg has no half-precision
    # factorization: an error as in JAX. With a float32 cov they promote.
    np.save(tmp("m16.npy"), mean.astype("<f2"))
    np.save(tmp("c16.npy"), cov.astype("<f2"))
    p = run(*base, "--mean", tmp("m16.npy"), "--cov", tmp("c16.npy"), code=2)
    check(b"error" in p.stderr, "float16 mean and cov rejected")
    a = load_npy(*base, "--mean", tmp("m16.npy"), "--cov", tmp("c32.npy"))
    check(a is not None and a.dtype == np.float32, "float16 mean promotes")
    # batch: mean (2, 3) and cov (3, 3) broadcast to batch (2,)
    a = load_npy("multivariate-normal", "--seed", 9, "--mean",
                 "[[0,0,0],[10,10,10]]", "--cov", json.dumps(cov.tolist()))
    check(a is not None and a.shape == (2, 3) and a[1].min() > 3,
          "batched mean")
    # version 2.0 and 3.0 .npy inputs
    for ver in [(2, 0), (3, 0)]:
        with open(tmp("mv.npy"), "wb") as f:
            np.lib.format.write_array(f, mean.astype("<f4"), version=ver)
        same(f"npy version {ver}", tmp("mv.npy"), tmp("c32.npy"))


# --------------------------------------------------------------------------
def group_errors():
    good_cov = "[[1,0],[0,1]]"
    np.save(tmp("c.npy"), np.eye(2, dtype="<f4"))
    raw = open(tmp("c.npy"), "rb").read()
    open(tmp("trunc.npy"), "wb").write(raw[:-2])
    open(tmp("magic.npy"), "wb").write(b"\x93NUMPX" + raw[6:])
    np.save(tmp("cplx.npy"), np.eye(2, dtype=np.complex64))
    np.save(tmp("nan.npy"), np.array([[1, np.nan], [np.nan, 1]], "<f4"))
    open(tmp("ragged.csv"), "w").write("1,2\n3\n")
    open(tmp("word.csv"), "w").write("1,x\n0,1\n")
    open(tmp("exists.npy"), "wb").write(b"keep me")
    mvn = ["multivariate-normal", "--seed", 0]
    cases = [
        (["frobnicate"], 2, "unknown subcommand"),
        (["uniform", "--seed", 0, "--maxval", "1e400"], 2, "out of range"),
        (["uniform", "--seed", 0, "--minval", "-1e400"], 2, "out of range"),
        (["uniform", "--seed", 0, "--bogus"], 2, "unknown option"),
        (["uniform", "--seed", 0, "--num", 3], 2, "has no option"),
        (["uniform", "--seed"], 2, "needs a value"),
        (["uniform", "--legacy=1", "--seed", 0], 2, "takes no value"),
        (["uniform", "stray", "--seed", 0], 2, "unexpected argument"),
        (["uniform"], 2, "missing the key"),
        (["uniform", "--seed", "abc"], 2, "--seed"),
        (["uniform", "--seed", "99999999999999999999"], 2, "--seed"),
        (["uniform", "--seed", 1, "--key", "0,1"], 2, "not both"),
        (["uniform", "--key", "1"], 2, "--key"),
        (["uniform", "--key", "1,4294967296"], 2, "--key"),
        (["uniform", "--seed", 0, "--shape", "-1"], 2, "shape"),
        (["uniform", "--seed", 0, "--shape", "3,,4"], 2, "shape"),
        (["uniform", "--seed", 0, "--shape", "a"], 2, "shape"),
        (["uniform", "--seed", 0, "--shape", "4294967296,4294967296"], 2,
         "overflow"),
        (["uniform", "--seed", 0, "--shape", ",".join(["1"] * 33)], 2,
         "dimensions"),
        (["uniform", "--seed", 0, "--dtype", "float128"], 2, "unknown dtype"),
        (["uniform", "--seed", 0, "--dtype", "int32"], 2, "float dtype"),
        (["normal", "--seed", 0, "--dtype", "uint8"], 2, "float dtype"),
        (["bits", "--seed", 0, "--dtype", "float32"], 2, "unsigned int"),
        (["bits", "--seed", 0, "--width", 12], 2, "--width"),
        (["uniform", "--seed", 0, "--minval", "x"], 2, "--minval"),
        (["uniform", "--seed", 0, "--threads", -1], 2, "--threads"),
        (["uniform", "--seed", 0, "--format", "xml"], 2, "--format"),
        (["uniform", "--seed", 0, "--out", tmp("o.txt")], 2, "extension"),
        (["uniform", "--seed", 0, "--out", tmp("exists.npy")], 2, "--force"),
        (["uniform", "--seed", 0, "--out", TMP], 2, "directory"),
        (["split", "--seed", 0, "--num", 2, "--shape", 3], 2, "not both"),
        (["fold-in", "--seed", 0], 2, "--data"),
        (["uniform", "--seed", 0, "--rows", "0:1"], 2, "--rows"),
        (mvn, 2, "--mean"),
        (mvn + ["--mean", "[0,0]"], 2, "--cov"),
        (mvn + ["--mean", "[0,0]", "--cov", "[[1,0],[0]]"], 2, "ragged"),
        (mvn + ["--mean", "[0,0", "--cov", good_cov], 2, "literal"),
        (mvn + ["--mean", "[0,zz]", "--cov", good_cov], 2, "number"),
        (mvn + ["--mean", "[0,0]", "--cov", "[1,0]"], 2, "cov.ndim"),
        (mvn + ["--mean", "[0,0,0]", "--cov", good_cov], 2, "cov.shape"),
        (mvn + ["--mean", "[0,0]", "--cov", good_cov, "--shape", 3, "--rows",
                "2:9"], 2, "outside"),
        (mvn + ["--mean", "[0,0]", "--cov", good_cov, "--rows", "5:2"], 2,
         "--rows"),
        (mvn + ["--mean", "[0,0]", "--cov", good_cov, "--method", "qr"], 2,
         "method must be one of"),
        (mvn + ["--mean", "[0,0]", "--cov", good_cov, "--check-valid", "x"],
         2, "--check-valid"),
        (mvn + ["--mean", "[0,0]", "--cov", good_cov, "--dtype", "int32"], 2,
         "float dtype"),
        (mvn + ["--mean", "[0,0]", "--cov", good_cov, "--shape", 3, "--example"
                ], 2, "--example"),
        (mvn + ["--mean", "[0,0]", "--cov", tmp("trunc.npy")], 2, "truncated"),
        (mvn + ["--mean", "[0,0]", "--cov", tmp("magic.npy")], 2, "magic"),
        (mvn + ["--mean", "[0,0]", "--cov", tmp("cplx.npy")], 2, "dtype"),
        (mvn + ["--mean", "[0,0]", "--cov", tmp("none.npy")], 2,
         "cannot open"),
        (mvn + ["--mean", "[0,0]", "--cov", tmp("ragged.csv")], 2, "line 2"),
        (mvn + ["--mean", "[0,0]", "--cov", tmp("word.csv")], 2, "field 2"),
        (mvn + ["--mean", "[0,0]", "--cov", tmp("nan.npy"), "--check-valid",
                "raise"], 2, ""),
        (mvn + ["--mean", "[0,0]", "--cov", "[[1,2],[2,1]]", "--check-valid",
                "raise"], 2, ""),
        (mvn + ["--mean", "[0,0]", "--cov", "[[1,0.5],[0,1]]",
                "--check-valid", "raise"], 2, ""),
        (["uniform", "--seed", 0, "--shape", 10, "--out", "/dev/full"], 1,
         "No space left"),
        (["uniform", "--seed", 0, "--out", tmp("nodir/x.npy")], 1,
         "cannot create"),
    ]
    for args, code, needle in cases:
        p = run(*args, code=code)
        err = p.stderr.decode(errors="replace")
        lines = [ln for ln in err.splitlines() if ": note:" not in ln]
        check(len(lines) == 1 and lines[0].startswith("jaxrandom") and
              "error:" in lines[0] and needle in lines[0],
              f"{args}: expected one error line with '{needle}', got {err!r}")
        check(p.stdout == b"" or code == 0, f"{args}: no stdout on error")
    check(open(tmp("exists.npy"), "rb").read() == b"keep me",
          "existing file untouched")
    check(not [f for f in os.listdir(TMP) if "jaxrandom-" in f],
          "no temporary files left")
    # With --force the file is replaced.
    run("uniform", "--seed", 0, "--out", tmp("exists.npy"), "--force")
    check(np.load(tmp("exists.npy")).shape == (), "--force replaces")

    # A FIFO as an input is refused at once (no writer: opening it for
    # reading would wait forever).
    for opt in ("--mean", "--cov"):
        ext = ".npy" if opt == "--mean" else ".csv"
        fifo = tmp("in_fifo_" + opt[2:] + ext)
        os.mkfifo(fifo)
        args = ["multivariate-normal", "--seed", 0, opt, fifo] + (
            ["--cov", "[[1]]"] if opt == "--mean" else ["--mean", "[0]"])
        try:
            q = subprocess.run([EXE, *map(str, args)], capture_output=True,
                               timeout=60, stdin=subprocess.DEVNULL)
            check(q.returncode == 2 and b"regular file" in q.stderr,
                  f"FIFO {opt}: exit {q.returncode}, {q.stderr!r}")
        except subprocess.TimeoutExpired:
            check(False, f"FIFO {opt}: blocked")

    # Text that cannot be written is an error: stdout on /dev/full or
    # closed. No subcommand: the usage on stderr, exit 2.
    p = run(code=2)
    check(p.stdout == b"" and b"Usage:" in p.stderr,
          f"no subcommand: usage on stderr, got {p.stdout[:80]!r}")
    for args in (["demo"], ["--help"], ["--version"], ["normal", "--help"],
                 ["help", "split"], ["key", "--seed", 1],
                 ["multivariate-normal", "--example"]):
        for how in ("/dev/full", "closed"):
            if how == "/dev/full" and not os.path.exists("/dev/full"):
                continue
            if how == "closed":
                q = subprocess.run(["/bin/sh", "-c", 'exec "$0" "$@" >&-',
                                    EXE, *map(str, args)],
                                   capture_output=True,
                                   timeout=600)
            else:
                with open("/dev/full", "wb") as full:
                    q = subprocess.run([EXE, *map(str, args)], stdout=full,
                                       stderr=subprocess.PIPE, timeout=600)
            err = q.stderr.decode(errors="replace")
            check(q.returncode == 1 and "error:" in err and "writ" in err,
                  f"{args} to {how} stdout: exit {q.returncode}, {err!r}")


# --------------------------------------------------------------------------
def group_atomic():
    # Kill a long write: no partial target, no temporary file left; an
    # existing target survives a killed --force run.
    for sig in [signal.SIGINT, signal.SIGTERM]:
        for pre_existing in [False, True]:
            d = tmp(f"atomic_{sig}_{pre_existing}")
            os.mkdir(d)
            target = os.path.join(d, "big.npy")
            if pre_existing:
                open(target, "wb").write(b"old")
            p = subprocess.Popen([EXE, "normal", "--seed", "0", "--shape",
                                  "4000000000", "--quiet", "--out", target] +
                                 (["--force"] if pre_existing else []),
                                 stderr=subprocess.PIPE)
            tmpfile, deadline = None, time.time() + 60
            while time.time() < deadline:
                names = [n for n in os.listdir(d) if "jaxrandom-" in n]
                if names and os.path.getsize(os.path.join(d, names[0])) > 1 << 20:
                    tmpfile = names[0]
                    break
                time.sleep(0.02)
            check(tmpfile is not None, f"temporary file appeared ({sig})")
            p.send_signal(sig)
            p.wait(timeout=60)
            check(p.returncode == -sig, f"died by the signal: {p.returncode}")
            left = sorted(os.listdir(d))
            check(left == (["big.npy"] if pre_existing else []),
                  f"after {sig}: directory holds {left}")
            if pre_existing:
                check(open(target, "rb").read() == b"old",
                      "existing target untouched")
    # A pipe and /dev/null are written directly.
    p = run("uniform", "--seed", 0, "--shape", 1000, "--out", "/dev/null")
    check(p.returncode == 0, "/dev/null output")
    # A completed file has the permissions of a normal new file.
    run("uniform", "--seed", 0, "--out", tmp("perm.npy"))
    um = os.umask(0)
    os.umask(um)
    check((os.stat(tmp("perm.npy")).st_mode & 0o777) == (0o666 & ~um),
          "output file mode")
    # --force keeps the replaced file's permission bits.
    os.chmod(tmp("perm.npy"), 0o600)
    run("uniform", "--seed", 0, "--out", tmp("perm.npy"), "--force")
    check((os.stat(tmp("perm.npy")).st_mode & 0o7777) == 0o600,
          "--force keeps the mode: %o" % os.stat(tmp("perm.npy")).st_mode)
    group_links()
    group_long_names()


def same_as_plain(path, args, what):
    ref = tmp("links_ref.npy")
    if os.path.exists(ref):
        os.unlink(ref)
    run(*args, "--out", ref)
    with open(path, "rb") as a, open(ref, "rb") as b:
        check(a.read() == b.read(), f"{what}: content differs")


def temps_in(*dirs):
    return [n for d in dirs for n in os.listdir(d) if "jaxrandom-" in n]


def group_links():
    """Symbolic links as --out: written through or streamed, never
    replaced; a dangling link refused before any work."""
    d = tmp("links")
    os.mkdir(d)
    args = ["normal", "--seed", 0, "--shape", 3]
    # A link to our own stdout (/proc/self/fd/1): a stream, with --force
    # too; the link stays a link.
    so = os.path.join(d, "so")
    os.symlink("/proc/self/fd/1", so)
    r = os.path.join(d, "r.npy")
    with open(r, "wb") as f:
        p = subprocess.run([EXE, *map(str, args), "--out", so, "--format",
                            "npy", "--force"], stdout=f,
                           stderr=subprocess.PIPE, timeout=600)
    check(p.returncode == 0, f"link to stdout: exit {p.returncode} "
          f"{p.stderr!r}")
    check(os.path.islink(so), "link to stdout: the link was replaced")
    same_as_plain(r, args, "link to stdout")
    # A link to a regular file elsewhere: without --force refused, with it
    # the file is replaced in its own directory (mode kept), the link stays.
    other = tmp("links_other")
    os.mkdir(other)
    real = os.path.join(other, "real.npy")
    with open(real, "wb") as f:
        f.write(b"old")
    os.chmod(real, 0o640)
    lnk = os.path.join(d, "lnk.npy")
    os.symlink(os.path.relpath(real, d), lnk)
    p = run(*args, "--out", lnk, code=2)
    check(b"--force" in p.stderr and open(real, "rb").read() == b"old",
          "link to a file without --force")
    run(*args, "--out", lnk, "--force")
    check(os.path.islink(lnk), "link to a file: the link was replaced")
    same_as_plain(real, args, "link to a file")
    check((os.stat(real).st_mode & 0o7777) == 0o640,
          "link to a file: mode %o" % os.stat(real).st_mode)
    check(not temps_in(d, other), "link to a file: temporary files left")
    # A link to a FIFO: a stream (read here), never replaced.
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    lf = os.path.join(d, "lf.npy")
    os.symlink("fifo", lf)
    proc = subprocess.Popen([EXE, *map(str, args), "--out", lf, "--force"],
                            stderr=subprocess.PIPE)
    with open(fifo, "rb") as f:
        data = f.read()
    proc.wait(timeout=600)
    check(proc.returncode == 0 and os.path.islink(lf) and
          data.startswith(b"\x93NUMPY"), f"link to a FIFO: {proc.returncode}")
    # A dangling link: refused before any work (before the missing --mean
    # is even looked at), nothing created.
    dang = os.path.join(d, "dang.npy")
    os.symlink("nothing.npy", dang)
    for force in ([], ["--force"]):
        p = run("multivariate-normal", "--seed", 0, "--mean",
                tmp("no_such_mean.npy"), "--cov", "[[1]]", "--out", dang,
                *force, code=2)
        check(b"dangling" in p.stderr and b"no_such_mean" not in p.stderr,
              f"dangling link {force}: {p.stderr!r}")
    check(os.path.islink(dang) and not os.path.exists(
        os.path.join(d, "nothing.npy")), "dangling link: something created")
    check(not temps_in(d), "links: temporary files left")


def group_long_names():
    """Output names up to the file system's limit (255 bytes): the
    temporary name must not push them over it."""
    d = tmp("long")
    os.mkdir(d)
    for n in (238, 247, 255):
        name = os.path.join(d, "a" * (n - 4) + ".npy")
        p = run("normal", "--seed", 0, "--shape", 3, "--out", name)
        check(p.returncode == 0 and os.path.exists(name),
              f"{n}-byte output name: {p.stderr!r}")
    # Multi-byte UTF-8 names are shortened at a character boundary.
    name = os.path.join(d, "\u00e9" * 125 + ".npy")  # 254 bytes
    p = run("normal", "--seed", 0, "--shape", 3, "--out", name)
    check(p.returncode == 0 and os.path.exists(name), "UTF-8 long name")
    check(not temps_in(d), "long names: temporary files left")


def pty_stderr(args, seconds):
    """Runs the CLI with a terminal as stdin/stdout/stderr for `seconds`
    (then kills it) and returns what it wrote."""
    import pty
    import select
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(EXE, [EXE, *map(str, args)])
    out, end = b"", time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(fd)
    return out


def group_progress():
    # A job longer than a second shows a progress bar on a terminal stderr;
    # --quiet silences it. (The job is killed after a few seconds.)
    job = ["normal", "--seed", 0, "--shape", "100000000000", "--out",
           "/dev/null", "--threads", 1]
    out = pty_stderr(job, 4)
    check(b"jaxrandom: [" in out and b"%" in out, f"progress bar: {out[-200:]!r}")
    out = pty_stderr(job + ["--quiet"], 2.5)
    check(b"jaxrandom: [" not in out, "--quiet silences the progress bar")

# --------------------------------------------------------------------------
FATAL = ["SIGINT", "SIGTERM", "SIGHUP", "SIGPIPE", "SIGQUIT", "SIGUSR1",
         "SIGUSR2", "SIGALRM", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF"]


def child_setup(ignore=(), fsize=None):
    """A child's signal dispositions as a shell gives them: the default for
    everything handled, those in `ignore` ignored (nohup, trap ''), no core
    files; with fsize, RLIMIT_FSIZE (ulimit -f) in bytes."""
    def setup():
        for name in FATAL:
            sig = getattr(signal, name)
            signal.signal(sig, signal.SIG_IGN if sig in ignore else
                          signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return setup


def host_tag():
    """The host part of temporary names (FNV-1a of the host name)."""
    h = 2166136261
    for b in os.uname().nodename.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return "%08x" % h


def start_long_write(d, extra=(), ignore=()):
    """A long .npy write into directory d; returns the process once its
    temporary file holds data (None if it never appeared)."""
    target = os.path.join(d, "big.npy")
    p = subprocess.Popen([EXE, "normal", "--seed", "0", "--shape",
                          "4000000000", "--quiet", "--threads", "1", "--out",
                          target, *extra], stderr=subprocess.PIPE, cwd=d,
                         restore_signals=False,
                         preexec_fn=child_setup(ignore))
    deadline = time.time() + 60
    while time.time() < deadline:
        names = temps_in(d)
        if names and os.path.getsize(os.path.join(d, names[0])) > 1 << 20:
            return p, target
        time.sleep(0.02)
    p.kill()
    p.wait()
    check(False, f"no temporary file appeared in {d}")
    return None, target


def group_signals():
    """Every fatal signal removes the temporary file and kills by the
    signal; ignored signals stay ignored; an ignored SIGXFSZ past the file
    size limit is an error; SIGKILL's leftovers go at the next run."""
    for k, name in enumerate(FATAL):
        sig = getattr(signal, name)
        force = k % 3 == 0  # some over an existing file
        d = tmp(f"sig_{name}")
        os.mkdir(d)
        if force:
            open(os.path.join(d, "big.npy"), "wb").write(b"old")
        p, target = start_long_write(d, ["--force"] if force else [])
        if not p:
            continue
        p.send_signal(sig)
        p.wait(timeout=60)
        err = p.stderr.read().decode(errors="replace")
        check(p.returncode == -sig, f"{name}: exit {p.returncode}, {err!r}")
        left = sorted(os.listdir(d))
        check(left == (["big.npy"] if force else []),
              f"{name}: directory holds {left}")
        if force:
            check(open(target, "rb").read() == b"old",
                  f"{name}: the existing file was replaced")
    # Ignored at start (nohup, a supervisor): the signal does nothing; a
    # later SIGTERM still cleans up.
    for name in ["SIGHUP", "SIGTERM", "SIGINT", "SIGUSR1"]:
        sig = getattr(signal, name)
        d = tmp(f"ign_{name}")
        os.mkdir(d)
        p, _ = start_long_write(d, ignore=(sig,))
        if not p:
            continue
        p.send_signal(sig)
        time.sleep(0.3)
        check(p.poll() is None, f"ignored {name} ended the run: {p.returncode}")
        other = signal.SIGTERM if sig != signal.SIGTERM else signal.SIGINT
        p.send_signal(other)
        p.wait(timeout=60)
        check(p.returncode == -other, f"after ignored {name}: {p.returncode}")
        check(os.listdir(d) == [], f"after ignored {name}: {os.listdir(d)}")
    # trap '' XFSZ with ulimit -f: the write fails, exit 1, one line.
    for force in [False, True]:
        d = tmp(f"xfsz_{force}")
        os.mkdir(d)
        target = os.path.join(d, "x.npy")
        if force:
            open(target, "wb").write(b"old")
        p = subprocess.run([EXE, "normal", "--seed", "0", "--shape", "1000000",
                            "--out", target] + (["--force"] if force else []),
                           capture_output=True, timeout=120,
                           restore_signals=False,
                           preexec_fn=child_setup((signal.SIGXFSZ,), 1 << 16))
        err = p.stderr.decode(errors="replace")
        check(p.returncode == 1, f"ignored SIGXFSZ: exit {p.returncode}")
        check(err.count("\n") == 1 and "file too large" in err.lower(),
              f"ignored SIGXFSZ: message {err!r}")
        check(sorted(os.listdir(d)) == (["x.npy"] if force else []),
              f"ignored SIGXFSZ: directory holds {os.listdir(d)}")
        if force:
            check(open(target, "rb").read() == b"old", "XFSZ: old file kept")
    # SIGKILL leaves the temporary file; the next run writing the same
    # target removes it. Names of a live process, another host, another
    # target or another shape stay.
    d = tmp("kill")
    os.mkdir(d)
    p, target = start_long_write(d)
    if p:
        p.kill()
        p.wait(timeout=60)
        stale = temps_in(d)
        check(len(stale) == 1 and f"-{p.pid}-" in stale[0],
              f"SIGKILL leaves its temporary file: {stale}")
        q = subprocess.Popen(["true"])  # its pid is then free
        q.wait()
        tag = host_tag()
        keep = [f".big.npy.jaxrandom-{tag}-{os.getpid()}-abcdef",
                f".big.npy.jaxrandom-00000000-{q.pid}-abcdef",
                f".other.npy.jaxrandom-{tag}-{q.pid}-abcdef",
                f".big.npy.jaxrandom-{tag}-{q.pid}-abc",
                "big.npy.jaxrandom-x"]
        gone = [f".big.npy.jaxrandom-{tag}-{q.pid}-Zz09_a"]
        for n in keep + gone:
            open(os.path.join(d, n), "wb").write(b"x")
        r = run("normal", "--seed", 0, "--shape", 3, "--out", target)
        check(r.returncode == 0, f"run after SIGKILL: {r.stderr!r}")
        left = sorted(n for n in os.listdir(d))
        check(left == sorted(keep + ["big.npy"]),
              f"after the next run the directory holds {left}")


# --------------------------------------------------------------------------
def group_rows():
    cov = "[[2,0.5,0],[0.5,1,0.2],[0,0.2,0.5]]"
    for extra in [[], ["--legacy"], ["--method", "eigh"], ["--dtype", "float16"],
                  ["--x64"]]:
        base = ["multivariate-normal", "--seed", 21, "--mean", "[1,2,3]",
                "--cov", cov, "--shape", "4,25"] + extra
        full = load_npy(*base)
        check(full is not None and full.shape == (4, 25, 3), f"full {extra}")
        parts = []
        for a, b in [(0, 7), (7, 7), (7, 64), (64, 100)]:
            part = load_npy(*base, "--rows", f"{a}:{b}")
            check(part is not None and part.shape == (b - a, 3),
                  f"rows {a}:{b} shape")
            parts.append(part)
        cat = np.concatenate(parts)
        check(np.array_equal(cat.view(np.uint8),
                             full.reshape(100, 3).view(np.uint8)),
              f"rows slices concatenate to the full output {extra}")
        tail = load_npy(*base, "--rows", "90:")
        check(np.array_equal(tail, full.reshape(100, 3)[90:]), "rows A:")
        for threads in [1, 2, 3]:
            t = load_npy(*base, "--threads", threads)
            check(np.array_equal(t.view(np.uint8), full.view(np.uint8)),
                  f"threads {threads}")


# --------------------------------------------------------------------------
def peak_rss_mib(args):
    pid = os.fork()
    if pid == 0:
        os.execv(EXE, [EXE, *map(str, args)])
    _, status, ru = os.wait4(pid, 0)
    check(os.waitstatus_to_exitcode(status) == 0, f"{args} exit status")
    return ru.ru_maxrss / 1024.0  # KiB on Linux


def group_memory():
    if SANITIZED:
        print("memory bound not asserted under sanitizers (shadow memory)")
        return
    jobs = [["normal", "--seed", 0, "--shape", "30000000", "--out", "/dev/null",
             "--quiet"],
            ["multivariate-normal", "--seed", 0, "--mean", "[1,2,3]", "--cov",
             "[[2,0.5,0],[0.5,1,0.2],[0,0.2,0.5]]", "--shape", "10000000",
             "--out", "/dev/null", "--quiet"],
            ["bits", "--seed", 0, "--shape", "3000000", "--format", "csv",
             "--out", "/dev/null", "--quiet"]]
    for args in jobs:
        rss = peak_rss_mib(args)
        print(f"peak RSS {rss:.1f} MiB: {' '.join(args[:1])}")
        check(rss < 64, f"peak RSS {rss:.1f} MiB >= 64 MiB for {args}")


try:
    {"golden": group_golden, "roundtrip": group_roundtrip,
     "inputs": group_inputs, "errors": group_errors, "atomic": group_atomic,
     "rows": group_rows, "memory": group_memory,
     "progress": group_progress, "signals": group_signals}[GROUP]()
finally:
    shutil.rmtree(TMP, ignore_errors=True)
print(f"{GROUP}: {CHECKS[0]} checks, {len(FAILS)} failures")
sys.exit(1 if FAILS else 0)
