#!/usr/bin/python3
"""End-to-end tests of the jaxrandom CLI, run by ctest:
    /usr/bin/python3 test_cli.py JAXRANDOM DATA_DIR GROUP [--sanitized]
GROUP: golden | roundtrip | inputs | errors | atomic | rows | memory |
progress | jax | density | signals.
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


def group_bom():
    """A UTF-8 byte order mark at the start of a CSV is accepted."""
    open(tmp("bom.csv"), "wb").write(b"\xef\xbb\xbf2,0.5\n0.5,1\n")
    open(tmp("nobom.csv"), "wb").write(b"2,0.5\n0.5,1\n")
    args = ["multivariate-normal", "--seed", 4, "--mean", "[0,0]",
            "--shape", 5]
    a = load_npy(*args, "--cov", tmp("bom.csv"))
    b = load_npy(*args, "--cov", tmp("nobom.csv"))
    check(a is not None and b is not None and np.array_equal(a, b),
          "a CSV with a BOM reads as without")


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
    open(tmp("big.csv"), "w").write("1,0\n0,1e400\n")
    open(tmp("semi.csv"), "w").write("1;0\n0;1\n")
    open(tmp("bom2.csv"), "wb").write(b"\xef\xbb\xbf\xef\xbb\xbf1,0\n0,1\n")
    open(tmp("bom3.csv"), "wb").write(b"1,0\n\xef\xbb\xbf0,1\n")
    open(tmp("empty.csv"), "w").write("")
    open(tmp("empty.npy"), "w").write("")
    os.symlink("nothing.csv", tmp("dang.csv"))
    os.mkdir(tmp("dir.npy"))
    os.mkdir(tmp("subdir"))
    os.symlink("subdir", tmp("dirlink.npy"))
    np.save(tmp("i64.npy"), np.array([0, 2**40], "<i8"))
    # A header claiming a million 5x5 covariances over 64 bytes of data.
    import io
    hdr = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        hdr, {"descr": "<f8", "fortran_order": False,
              "shape": (1000000, 5, 5)})
    open(tmp("bigclaim.npy"), "wb").write(hdr.getvalue() + bytes(64))
    group_bom()
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
        # --jax, --xla-log1p and the threefry mode flags.
        (["normal", "--seed", 0, "--jax", "abc"], 2, "MAJOR.MINOR.PATCH"),
        (["normal", "--seed", 0, "--jax", "0.4.31.1"], 2, "MAJOR.MINOR"),
        (["normal", "--seed", 0, "--jax", "0.4.100"], 2, "MAJOR.MINOR"),
        (["normal", "--seed", 0, "--jax", "0.04.31"], 2, "MAJOR.MINOR"),
        (["normal", "--seed", 0, "--jax", "-0.4.31"], 2, "MAJOR.MINOR"),
        (["normal", "--seed", 0, "--jax", " 0.4.31"], 2, "MAJOR.MINOR"),
        (["normal", "--seed", 0, "--jax", ""], 2, "MAJOR.MINOR"),
        (["normal", "--seed", 0, "--jax", "0.3.25"], 2,
         "older than the supported releases (0.4.0 to 0.11.0"),
        (["normal", "--seed", 0, "--xla-log1p", "2025"], 2, "--xla-log1p"),
        (["normal", "--seed", 0, "--legacy", "--partitionable"], 2,
         "contradict"),
        # Numbers out of range or not numbers.
        (["multivariate-normal", "--seed", 0, "--mean", "[0,0]", "--cov",
          good_cov, "--tol", "1e400"], 2, "--tol"),
        (["fold-in", "--seed", 0, "--data", "1e30"], 2, "--data"),
        (["split", "--seed", 0, "--num", "99999999999999999999"], 2, "--num"),
        (["normal", "--seed", "1e3"], 2, "--seed"),
        (["normal", "--seed", 0, "--threads", 5000], 2, "--threads"),
        (["bits", "--seed", 0, "--width", 0], 2, "--width"),
        (["normal", "--seed", 0, "--shape", "1e3"], 2, "--shape"),
        (["normal", "--seed", 0, "--key", "-1,2"], 2, "--key"),
        (["normal", "--seed", 0, "--shape", "99999999999999,99999999"], 2,
         "overflows"),
        (mvn + ["--mean", "[1e400,0]", "--cov", good_cov], 2, "out of range"),
        (mvn + ["--mean", "[0,0]", "--cov", tmp("big.csv")], 2,
         "out of range"),
        (mvn + ["--mean", "[0,0]", "--cov", good_cov, "--rows", "::"], 2,
         "--rows"),
        (mvn + ["--mean", "[0,0]", "--cov", good_cov, "--rows",
                "99999999999999999999:"], 2, "--rows"),
        # Inputs of the wrong kind or shape.
        (mvn + ["--mean", "[0,0]", "--cov", tmp("empty.csv")], 2,
         "no numbers"),
        (mvn + ["--mean", "[0,0]", "--cov", tmp("empty.npy")], 2,
         "not a .npy file"),
        (mvn + ["--mean", "[0,0]", "--cov", tmp("semi.csv")], 2, "field 1"),
        (mvn + ["--mean", "[0,0]", "--cov", tmp("bom2.csv")], 2,
         "byte order mark"),
        (mvn + ["--mean", "[0,0]", "--cov", tmp("bom3.csv")], 2,
         "line 2, field 1"),
        (mvn + ["--mean", "[0,0]", "--cov", tmp("dang.csv")], 2,
         "cannot open"),
        (mvn + ["--mean", "[0,0]", "--cov", tmp("dir.npy")], 2,
         "not a regular file"),
        (mvn + ["--mean", tmp("i64.npy"), "--cov", good_cov], 2,
         "does not fit 32 bits"),
        (mvn + ["--mean", "[0,0]", "--cov", "[[1,0],[0,1]]]"], 2,
         "unexpected text"),
        (mvn + ["--mean", "[]", "--cov", "[[]]"], 2, "cov.shape"),
        (mvn + ["--mean", "[[0,0],[0,0]]", "--cov",
                "[[[1,0],[0,1]],[[1,0],[0,1]],[[1,0],[0,1]]]"], 2,
         "broadcasting"),
        (mvn + ["--mean", "[[0,0],[0,0]]", "--cov", good_cov, "--shape", 5],
         2, "broadcasting"),
        # A covariance whose n is not the mean's is refused from its .npy
        # header: not "truncated" (the data is not looked at).
        (mvn + ["--mean", "[0,0]", "--cov", tmp("bigclaim.npy")], 2,
         "cov.shape == (1000000, 5, 5)"),
        (mvn + ["--mean", "[0,0,0]", "--cov", tmp("c.npy")], 2,
         "cov.shape == (2, 2)"),
        (mvn + ["--mean", tmp("nonutf8_\udcff.npy"), "--cov", good_cov], 2,
         "cannot open"),
        (["demo", "--rows", "0:1"], 2, "no option '--rows'"),
        (["key", "--seed", 0, "--shape", 3], 2, "no option '--shape'"),
        # Outputs that cannot be.
        (["normal", "--seed", 0, "--shape", 3, "--out", tmp("dirlink.npy")],
         2, "is a directory"),
        (["normal", "--seed", 0, "--shape", 3, "--out", ""], 2,
         "empty file name"),
        (["normal", "--seed", 0, "--out", "/proc/version", "--force"], 2,
         "extension"),
        (["normal", "--seed", 0, "--out", "/dev/null/x.npy"], 1,
         "Not a directory"),
        (["normal", "--seed", 0, "--shape", 3, "--out", "/dev/full",
          "--format", "csv"], 1, "No space left"),
        (["normal", "--seed", 0, "--shape", 3, "--out",
          tmp("x" * 300 + ".npy")], 2, "too long"),
        (["normal", "--seed", 0, "--shape", 3, "--out",
          tmp("d" * 300 + "/x.npy")], 2, "too long"),
        (["normal", "--seed", 0, "--shape", 3, "--out",
          tmp("nodir_\udcff/a.npy")], 1, "cannot create"),
        (["normal", "--seed", 0, "--shape", 3, "--out", tmp("exists.npy"),
          "--format", "csv"], 2, "--force"),
    ]
    # Issue-level promise: at least 60 adversarial cases, each checked for
    # its exit status, its one-line message and an untouched directory.
    check(len(cases) >= 60, f"only {len(cases)} bad-input cases")
    print(f"bad-input cases: {len(cases)}")
    cwd = tmp("errors_cwd")
    os.mkdir(cwd)

    def snapshot():
        """Every file under TMP (and the cases' working directory) with its
        size, mode and modification time: nothing may appear, go or
        change."""
        out = {}
        for root, dirs, files in os.walk(TMP):
            for name in dirs + files:
                path = os.path.join(root, name)
                st = os.lstat(path)
                out[path] = (st.st_size, st.st_mode, st.st_mtime_ns)
        return out

    for args, code, needle in cases:
        before = snapshot()
        argv = [EXE] + [os.fsencode(a) if isinstance(a, str) else str(a)
                        for a in args]
        p = subprocess.run(argv, capture_output=True, timeout=600, cwd=cwd)
        check(p.returncode == code,
              f"{args}: exit {p.returncode}, expected {code}")
        err = p.stderr.decode(errors="replace")
        lines = [ln for ln in err.splitlines() if ": note:" not in ln]
        check(len(lines) == 1 and lines[0].startswith("jaxrandom") and
              "error:" in lines[0] and needle in lines[0],
              f"{args}: expected one error line with '{needle}', got {err!r}")
        check(p.stdout == b"" or code == 0, f"{args}: no stdout on error")
        after = snapshot()
        check(after == before,
              f"{args}: files changed: "
              f"{sorted(set(after.items()) ^ set(before.items()))[:4]}")
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


    # --rows factors only the covariances its rows use: in a batch of 2000
    # covariances all but number 1234 are NaN, which --check-valid raise
    # refuses in any covariance it factors.
    covs = np.full((2000, 2, 2), np.nan, "<f8")
    covs[1234] = [[2.0, 0.5], [0.5, 1.0]]
    np.save(tmp("nan_batch.npy"), covs)
    base = ["multivariate-normal", "--seed", 5, "--mean", "[0,0]", "--cov",
            tmp("nan_batch.npy"), "--check-valid", "raise", "--x64"]
    one = load_npy(*base, "--rows", "1234:1235")
    check(one is not None and one.shape == (1, 2) and
          np.all(np.isfinite(one)), "--rows 1234:1235 of a NaN batch")
    ref = load_npy("multivariate-normal", "--seed", 5, "--mean", "[0,0]",
                   "--cov", "[[2,0.5],[0.5,1]]", "--shape", 2000, "--x64",
                   "--rows", "1234:1235")
    check(ref is not None and one is not None and
          np.array_equal(one.view(np.uint8), ref.view(np.uint8)),
          "--rows of the NaN batch equals the same row of a valid batch")
    p = run(*base, "--rows", "1233:1235", "--out", tmp("nan_rows.npy"),
            code=2)
    check(not os.path.exists(tmp("nan_rows.npy")),
          "a slice that reaches a NaN covariance is refused")


# --------------------------------------------------------------------------
def normal_xs(u_lo, u_hi):
    """|x| of a standard normal for |u| = u_lo and u_hi, x = sqrt(2)
    erfinv(u), by bisection on math.erf."""
    import math

    def erfinv(u):
        lo, hi = 0.0, 6.0
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if math.erf(mid) < u else (lo, mid)
        return lo
    return math.sqrt(2) * erfinv(u_lo), math.sqrt(2) * erfinv(u_hi)


def group_jax():
    """--jax VERSION, --partitionable, --xla-log1p."""
    def out(*args, code=0):
        p = run(*args, "--format", "npy", "--out", "-", code=code)
        return p.stdout, p.stderr.decode(errors="replace")
    for cmd in (["normal", "--shape", 50], ["split", "--num", 4],
                ["bits", "--shape", 9], ["uniform", "--shape", 7, "--x64"]):
        args = cmd + ["--seed", 11]
        plain, _ = out(*args)
        legacy, _ = out(*args, "--legacy")
        check(plain != legacy, f"{cmd}: the modes differ")
        for ver, want in (("0.4.31", legacy), ("0.4.0", legacy),
                          ("0.4.38", legacy), ("0.5.0", plain),
                          ("0.7.2", plain), ("0.11.0", plain)):
            got, err = out(*args, "--jax", ver)
            check(got == want and err == "", f"{cmd} --jax {ver}: {err!r}")
        # An explicit mode wins over the release's default, in any order.
        got, _ = out(*args, "--jax", "0.4.31", "--partitionable")
        check(got == plain, f"{cmd}: --partitionable wins over --jax 0.4.31")
        got, _ = out(*args, "--partitionable", "--jax", "0.4.31")
        check(got == plain, f"{cmd}: --partitionable (first) wins")
        got, _ = out(*args, "--jax", "0.6.0", "--legacy")
        check(got == legacy, f"{cmd}: --legacy wins over --jax 0.6.0")
        # Newer than the newest checked release: one warning line, the
        # newest known behaviour, exit 0.
        got, err = out(*args, "--jax", "0.12.3")
        lines = err.splitlines()
        check(got == plain and len(lines) == 1 and "warning:" in lines[0] and
              "0.11.0" in lines[0], f"{cmd} --jax 0.12.3: {err!r}")
    # "MAJOR.MINOR" is MAJOR.MINOR.0.
    got, _ = out("normal", "--seed", 3, "--jax", "0.4")
    want, _ = out("normal", "--seed", 3, "--legacy")
    check(got == want, "--jax 0.4")
    # --xla-log1p 2026-08 changes float64 normals only, where XLA 7853755041
    # moved log1p's branch: 0.5412 < |u| < 0.6436, i.e. |x| in about
    # (0.742, 0.922); elsewhere and in float32 the bytes are equal.
    n = 200000
    base = ["normal", "--seed", 2026, "--shape", n]
    for dt in ("float32", "float16"):
        a, _ = out(*base, "--dtype", dt)
        b, _ = out(*base, "--dtype", dt, "--xla-log1p", "2026-08")
        check(a == b, f"{dt}: --xla-log1p 2026-08 changes nothing")
    old = load_npy(*base, "--x64")
    new = load_npy(*base, "--x64", "--xla-log1p", "2026-08")
    same_v = load_npy(*base, "--x64", "--jax", "0.12.0", "--xla-log1p", "2024")
    check(np.array_equal(old.view(np.uint8), same_v.view(np.uint8)),
          "--xla-log1p 2024 is the default")
    diff = old != new
    frac = diff.mean()
    lo, hi = normal_xs(0.5412, 0.6436)
    ax = np.abs(old[diff])
    check(0.02 < frac < 0.08, f"fraction of float64 normals changed: {frac}")
    check(ax.size > 0 and ax.min() > lo - 1e-3 and ax.max() < hi + 1e-3,
          f"changed |x| in [{ax.min() if ax.size else 0}, "
          f"{ax.max() if ax.size else 0}], expected inside ({lo}, {hi})")
    check(np.all(np.abs(new - old) <= 1e-14 * np.abs(old)),
          "the two log1p variants differ by rounding only")
    print(f"--xla-log1p 2026-08: {frac:.4f} of float64 normals change")


# --------------------------------------------------------------------------
def peak_rss_mib(args):
    pid = os.fork()
    if pid == 0:
        os.execv(EXE, [EXE, *map(str, args)])
    _, status, ru = os.wait4(pid, 0)
    check(os.waitstatus_to_exitcode(status) == 0, f"{args} exit status")
    return ru.ru_maxrss / 1024.0  # KiB on Linux


def group_memory():
    # A covariance of the wrong n is refused from its header: a sparse
    # 1.4 GB .npy is neither read nor allocated.
    hdr = __import__("io").BytesIO()
    np.lib.format.write_array_header_1_0(
        hdr, {"descr": "<f8", "fortran_order": False,
              "shape": (20000000, 3, 3)})
    with open(tmp("sparse.npy"), "wb") as f:
        f.write(hdr.getvalue())
        f.truncate(len(hdr.getvalue()) + 20000000 * 9 * 8)
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 2)
        os.execv(EXE, [EXE, "multivariate-normal", "--seed", "0", "--mean",
                       "[0,0]", "--cov", tmp("sparse.npy")])
    _, status, ru = os.wait4(pid, 0)
    check(os.waitstatus_to_exitcode(status) == 2, "sparse cov: exit 2")
    check(SANITIZED or ru.ru_maxrss < 64 * 1024,
          f"sparse cov of the wrong n: peak RSS {ru.ru_maxrss} KiB")
    p = run("multivariate-normal", "--seed", 0, "--mean", "[0,0]", "--cov",
            tmp("sparse.npy"), code=2)
    check(b"cov.shape == (20000000, 3, 3)" in p.stderr,
          f"sparse cov: {p.stderr!r}")
    os.unlink(tmp("sparse.npy"))
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


def np_logpdf(x, mean, cov):
    """Independent model: NumPy's solve and slogdet in float64."""
    x, mean, cov = (np.asarray(a, np.float64) for a in (x, mean, cov))
    y = x - mean
    n = mean.shape[-1]
    bshape = np.broadcast_shapes(y.shape[:-1], cov.shape[:-2])
    y = np.broadcast_to(y, bshape + (n,))
    c = np.broadcast_to(cov, bshape + (n, n))
    sol = np.linalg.solve(c, y[..., None])[..., 0]
    _, logdet = np.linalg.slogdet(c)
    return -0.5 * np.sum(y * sol, -1) - n / 2 * np.log(2 * np.pi) - logdet / 2


def group_density():
    rng = np.random.default_rng(7)
    a = rng.standard_normal((4, 4))
    cov = a @ a.T / 4 + 0.3 * np.eye(4)
    mean = rng.standard_normal(4)
    x = rng.standard_normal((1000, 4)) * 2
    np.save(tmp("x64.npy"), x)
    np.save(tmp("m64.npy"), mean)
    np.save(tmp("c64.npy"), cov)
    np.save(tmp("x32.npy"), x.astype(np.float32))
    np.savetxt(tmp("c.csv"), cov, delimiter=",")
    ref = np_logpdf(x, mean, cov)
    got = load_npy("logpdf", "--x64", "--x", tmp("x64.npy"), "--mean",
                   tmp("m64.npy"), "--cov", tmp("c64.npy"))
    check(got is not None and got.dtype == np.float64 and got.shape == (1000,),
          "logpdf float64 result dtype/shape")
    if got is not None:
        err = np.max(np.abs(got - ref) / np.maximum(1, np.abs(ref)))
        check(err < 1e-12, f"logpdf float64 vs NumPy model: {err}")
    got = load_npy("logpdf", "--x64", "--pdf", "--x", tmp("x64.npy"), "--mean",
                   tmp("m64.npy"), "--cov", tmp("c.csv"))
    if got is not None:
        err = np.max(np.abs(got - np.exp(ref)) / np.exp(ref))
        check(err < 1e-11, f"pdf (cov from CSV) vs NumPy model: {err}")
    # float32: inputs rounded to float32 as JAX's canonicalization does
    got = load_npy("logpdf", "--x", tmp("x32.npy"), "--mean", tmp("m64.npy"),
                   "--cov", tmp("c64.npy"))
    if got is not None:
        r32 = np_logpdf(x.astype(np.float32), mean.astype(np.float32),
                        cov.astype(np.float32))
        check(got.dtype == np.float32, "float32 result")
        err = np.max(np.abs(got - r32) / np.abs(r32))
        check(err < 4 * 2.0**-24 + 1e-12, f"logpdf float32: {err}")
    try:
        from scipy.stats import multivariate_normal as smvn
    except ImportError:
        smvn = None
        print("SciPy not importable: NumPy model only")
    if smvn is not None:
        got = load_npy("logpdf", "--x64", "--x", tmp("x64.npy"), "--mean",
                       tmp("m64.npy"), "--cov", tmp("c64.npy"))
        sp = smvn.logpdf(x, mean, cov)
        err = np.max(np.abs(got - sp) / np.maximum(1, np.abs(sp)))
        check(err < 1e-12, f"logpdf vs SciPy: {err}")
    # broadcasting: x (5, 1, 3), mean (2, 3), cov (2, 3, 3) -> (5, 2)
    xb = rng.standard_normal((5, 1, 3))
    mb = rng.standard_normal((2, 3))
    cb = np.stack([np.eye(3) * 2, [[2, .5, 0], [.5, 1, .2], [0, .2, .5]]])
    for name, arr in (("xb", xb), ("mb", mb), ("cb", cb)):
        np.save(tmp(name + ".npy"), arr)
    got = load_npy("logpdf", "--x64", "--x", tmp("xb.npy"), "--mean",
                   tmp("mb.npy"), "--cov", tmp("cb.npy"))
    check(got is not None and got.shape == (5, 2), "batched shape (5, 2)")
    if got is not None:
        err = np.max(np.abs(got - np_logpdf(xb, mb, cb)))
        check(err < 1e-12, f"batched logpdf: {err}")
    # scalar mean and scalar cov (JAX's other two cases), CSV and table out
    p = run("logpdf", "--x64", "--x", "[0.5, -1]", "--mean", "0.25", "--cov",
            "[2, 3]", "--format", "csv", "--out", "-")
    vals = [float(v) for v in p.stdout.decode().split()]
    want = [-0.5 * 0.0625 / 2 - 0.5 * np.log(2 * np.pi * 2),
            -0.5 * 1.5625 / 3 - 0.5 * np.log(2 * np.pi * 3)]
    check(np.allclose(vals, want, rtol=1e-14, atol=0), f"scalar mean: {vals}")
    p = run("logpdf", "--x64", "--x", "[[1, 2]]", "--mean", "[0, 0]",
            "--cov", "4")
    v = float(p.stdout.decode().split()[0])
    check(abs(v - (-0.5 * 5 / 4 - np.log(2 * np.pi * 4))) < 1e-13,
          f"scalar cov: {v}")
    # a singular covariance: NaN, as JAX (not an error unless asked)
    p = run("logpdf", "--x", "[0, 0]", "--mean", "[0, 0]", "--cov",
            "[[1, 0], [0, 0]]")
    check(p.stdout.decode().strip().lower() == "nan",
          f"singular cov gives NaN: {p.stdout!r}")
    run("logpdf", "--x", "[0, 0]", "--mean", "[0, 0]", "--cov",
        "[[1, 0], [0, 0]]", "--check-valid", "raise", code=2)
    # errors: exit 2 with what, where and what was expected
    lp = ["logpdf", "--mean", "[0,0,0]"]
    cases = [
        (["logpdf", "--mean", "[0]", "--cov", "[[1]]"], "--x"),
        (lp + ["--x", "[1,2,3]"], "--cov"),
        (lp + ["--x", "[1,2,3]", "--cov", "[[1,0],[0,1]]"],
         "incompatible shapes"),
        (lp + ["--x", "[1,2]", "--cov", np.eye(3).tolist()],
         "Incompatible shapes for broadcasting"),
        (lp + ["--x", "[[1,2,3]]", "--cov", "[1,2,3]"], "cov.shape"),
        (lp + ["--x", "[[1,2,3],[1,2,3]]", "--cov",
               "[[[1,0,0],[0,1,0],[0,0,1]],[[1,0,0],[0,1,0],[0,0,1]],"
               "[[1,0,0],[0,1,0],[0,0,1]]]"], "broadcasting"),
        (lp + ["--x", "[1,2,3]", "--cov", str(np.eye(3).tolist()),
               "--format", "json"], "--format"),
        (lp + ["--x", "[1,2,3]", "--cov", str(np.eye(3).tolist()),
               "--seed", "x"], "--seed"),
        (["describe-cov"], "covariance"),
        (["describe-cov", "[[1,2]]"], "(..., n, n)"),
        (["describe-cov", "[1,2]"], "ndim"),
        (["describe-cov", "[[1]]", "--format", "csv"], "json"),
        (["describe-cov", "[[1]]", "--method", "qr"], "--method"),
    ]
    for args, msg in cases:
        args = [str(a) if not isinstance(a, list) else str(a) for a in args]
        p = run(*args, code=0 if msg is None else 2)
        err = p.stderr.decode()
        if msg is not None:
            check(msg in err and "error" in err,
                  f"{args}: expected '{msg}' in: {err[:300]}")
    # describe-cov: JSON checked against NumPy
    cb3 = np.stack([cov, np.diag([1.0, 1e-20, 2.0, 3.0]),
                    np.diag([1.0, 0.0, 2.0, 3.0]), -np.eye(4)])
    np.save(tmp("cb3.npy"), cb3)
    for method in ("eigh", "svd", "cholesky"):
        p = run("describe-cov", tmp("cb3.npy"), "--x64", "--method", method,
                "--format", "json")
        try:
            info = json.loads(p.stdout.decode())
        except ValueError:
            check(False, f"describe-cov json: {p.stdout[:200]!r}")
            continue
        check(len(info) == 4, "four covariances described")
        s0, l0 = np.linalg.slogdet(cov)
        check(abs(info[0]["logdet"] - l0) < 1e-12, f"{method}: logdet")
        ent = 2 * (1 + np.log(2 * np.pi)) + l0 / 2
        check(abs(info[0]["entropy"] - ent) < 1e-12, f"{method}: entropy")
        check(info[0]["cholesky_ok"] and info[1]["cholesky_ok"],
              f"{method}: cholesky ok")
        check(info[2]["cholesky_failed_pivot"] == 1
              and info[3]["cholesky_failed_pivot"] == 0,
              f"{method}: failed pivots {info[2]}, {info[3]}")
        if method != "cholesky":
            w = np.linalg.eigvalsh(cov) if method == "eigh" else \
                np.linalg.svd(cov, compute_uv=False)
            key = "min_eigenvalue" if method == "eigh" else "min_singular_value"
            check(abs(info[0][key] - w.min()) < 1e-12, f"{method}: min")
            check(info[1]["rank"] == 3 and info[2]["rank"] == 3,
                  f"{method}: numerical ranks {info[1]['rank']}, "
                  f"{info[2]['rank']}")
            if method == "eigh":
                check(info[3]["min_eigenvalue"] == -1, "eigh: -I")
    p = run("describe-cov", "--cov", "[[2, 1], [1, 2]]")
    out = p.stdout.decode()
    check("cholesky: succeeds" in out and "rank 2 of 2" in out
          and "entropy" in out, f"summary: {out}")
    # the other parameterizations give the full covariance's densities
    lchol = np.linalg.cholesky(cov)
    np.save(tmp("tril.npy"), lchol)
    np.save(tmp("prec.npy"), np.linalg.inv(cov))
    np.save(tmp("var.npy"), np.diag(cov).copy())
    for opt, path, want in (
            ("--scale-tril", tmp("tril.npy"), ref),
            ("--precision", tmp("prec.npy"), ref),
            ("--diag", tmp("var.npy"), np_logpdf(x, mean, np.diag(np.diag(cov))))):
        got = load_npy("logpdf", "--x64", "--x", tmp("x64.npy"), "--mean",
                       tmp("m64.npy"), opt, path)
        if got is None:
            check(False, f"logpdf {opt} failed")
            continue
        err = np.max(np.abs(got - want) / np.maximum(1, np.abs(want)))
        check(err < 1e-10, f"logpdf {opt} vs NumPy model: {err}")
    p = run("logpdf", "--x", "[1,2]", "--mean", "[0,0]", "--diag", "[4,-3]",
            "--check-valid", "raise", code=2)
    check("variance 1 is not > 0" in p.stderr.decode(),
          f"--diag negative: {p.stderr[:200]!r}")
    p = run("logpdf", "--x", "[1,2]", "--mean", "[0,0]", "--diag", "[4,3]",
            "--cov", "[[1,0],[0,1]]", code=2)
    check("once" in p.stderr.decode(), "two covariances refused")
    p = run("logpdf", "--x", "[1,2]", "--mean", "[0,0]", "--precision",
            "[4,3]", code=2)
    check("precision.shape" in p.stderr.decode(),
          f"precision shape: {p.stderr[:200]!r}")
    # streaming: x of 10^7 points in bounded memory
    if not SANITIZED:
        big = tmp("big.npy")
        np.lib.format.open_memmap(big, "w+", np.float32, (10_000_000, 3))[:] = 1
        rss = peak_rss_mib(["logpdf", "--x", big, "--mean", "[0,0,0]",
                            "--cov", "[[2,0.5,0],[0.5,1,0.2],[0,0.2,0.5]]",
                            "--out", "/dev/null", "--quiet"])
        print(f"peak RSS {rss:.1f} MiB: logpdf of 10^7 points (120 MB of x)")
        check(rss < 64, f"logpdf peak RSS {rss:.1f} MiB >= 64 MiB")


def group_forms():
    """multivariate-normal --scale-tril / --diag / --precision."""
    mean = "[1, -2, 0.5]"
    # L with dyadic entries: L L^T is exact and its Cholesky gives L back
    # exactly, so --scale-tril L has --cov L L^T's bytes
    L = np.array([[2, 0, 0], [1, 1, 0], [0.5, -1, 0.5]])
    cov = L @ L.T
    lit = lambda a: json.dumps(a.tolist())
    for x64 in ([], ["--x64"]):
        base = ["multivariate-normal", "--seed", "3", "--mean", mean,
                "--shape", "1000", *x64]
        a = load_npy(*base, "--cov", lit(cov))
        Lg = L.copy()
        Lg[0, 2] = 99  # the upper triangle is ignored
        b = load_npy(*base, "--scale-tril", lit(Lg))
        check(a is not None and b is not None and a.tobytes() == b.tobytes(),
              f"--scale-tril L == --cov L L^T bytes {x64}")
        v = np.array([4.0, 0.25, 9.0])
        a = load_npy(*base, "--cov", lit(np.diag(v)))
        b = load_npy(*base, "--diag", lit(v))
        check(a is not None and b is not None and a.tobytes() == b.tobytes(),
              f"--diag v == --cov diag(v) bytes {x64}")
    # precision: mean + L_P^-T z, z = normal(key, (N, n))
    P = np.array([[2.0, 0.5, 0.1], [0.5, 1.5, -0.3], [0.1, -0.3, 1.0]])
    got = load_npy("multivariate-normal", "--x64", "--seed", "5", "--mean",
                   mean, "--precision", lit(P), "--shape", "2000")
    z = load_npy("normal", "--x64", "--seed", "5", "--shape", "2000,3")
    if got is not None and z is not None:
        F = np.linalg.inv(np.linalg.cholesky(P)).T
        want = np.array([1, -2, 0.5]) + z @ F.T
        err = np.max(np.abs(got - want))
        check(err < 1e-13, f"--precision vs mean + L_P^-T z: {err}")
    # validation names the element; --check-valid ignore gives NaN
    p = run("multivariate-normal", "--seed", "0", "--mean", "[0, 0]",
            "--precision", "[[[1, 0], [0, 1]], [[1, 2], [2, 1]]]",
            "--check-valid", "raise", code=2)
    check("precision batch element 1" in p.stderr.decode()
          and "pivot 1" in p.stderr.decode(), f"precision raise: {p.stderr!r}")
    got = load_npy("multivariate-normal", "--seed", "0", "--mean", "[0, 0]",
                   "--precision", "[[[1, 0], [0, 1]], [[1, 2], [2, 1]]]")
    check(got is not None and np.all(np.isfinite(got[0]))
          and np.all(np.isnan(got[1])), "precision ignore: NaN row")
    p = run("multivariate-normal", "--seed", "0", "--mean", "[0, 0]",
            "--diag", "[1, -1]", "--check-valid", "raise", code=2)
    check("diag batch element 0 has variance -1 at 1" in p.stderr.decode(),
          f"diag raise: {p.stderr!r}")
    p = run("multivariate-normal", "--seed", "0", "--mean", "[0, 0]",
            "--scale-tril", "[[1, 0], [1, 0]]", "--check-valid", "raise",
            code=2)
    check("scale_tril batch element 0" in p.stderr.decode()
          and "(1, 1)" in p.stderr.decode(), f"tril raise: {p.stderr!r}")
    # argument errors
    p = run("multivariate-normal", "--seed", "0", "--mean", "[0, 0]",
            "--diag", "[1, 1]", "--cov", "[[1, 0], [0, 1]]", code=2)
    check("once" in p.stderr.decode(), "two covariances refused")
    p = run("multivariate-normal", "--seed", "0", "--mean", "[0, 0]",
            "--diag", "[1, 1]", "--method", "eigh", code=2)
    check("--method" in p.stderr.decode(), "--method with --diag refused")
    p = run("multivariate-normal", "--seed", "0", "--mean", "[0, 0]",
            "--diag", "[1, 1, 1]", code=2)
    check("diag.shape" in p.stderr.decode(), f"diag shape: {p.stderr!r}")
    # --rows of a batched --diag: that slice's bytes
    full = load_npy("multivariate-normal", "--seed", "0", "--mean", "[0, 0]",
                    "--diag", "[[1, 2], [3, 4], [5, 6]]")
    part = load_npy("multivariate-normal", "--seed", "0", "--mean", "[0, 0]",
                    "--diag", "[[1, 2], [3, 4], [5, 6]]", "--rows", "1:3")
    check(full is not None and part is not None
          and full[1:3].tobytes() == part.tobytes(), "--diag --rows slice")
    # --plot draws the covariance the factor implies
    svg = tmp("f.svg")
    run("multivariate-normal", "--seed", "0", "--mean", mean,
        "--scale-tril", lit(L), "--shape", "2000", "--plot", svg, "--quiet")
    check(os.path.exists(svg), "--plot with --scale-tril")
    p = run("multivariate-normal", "--help")
    check("--scale-tril" in p.stdout.decode(), "help names --scale-tril")


try:
    {"density": group_density, "forms": group_forms, "golden": group_golden, "roundtrip": group_roundtrip,
     "inputs": group_inputs, "errors": group_errors, "atomic": group_atomic,
     "rows": group_rows, "memory": group_memory,
     "progress": group_progress, "jax": group_jax,
     "signals": group_signals}[GROUP]()
finally:
    shutil.rmtree(TMP, ignore_errors=True)
print(f"{GROUP}: {CHECKS[0]} checks, {len(FAILS)} failures")
sys.exit(1 if FAILS else 0)
