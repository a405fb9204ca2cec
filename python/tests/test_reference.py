"""Every reference case of the C suite (tests/data, see each file's header
for provenance), through the Python API, compared as the C tests compare:
bit for bit where the reference is exact, to the printed decimals where it
was printed (JAX's own test values)."""
from fractions import Fraction

import numpy as np
import pytest

import jaxrandom as jr
from conftest import cases, json_cases, data_path


def mode_ctx(mode):
    assert mode in ("legacy", "partitionable"), mode
    return jr.threefry_partitionable(mode == "partitionable")


def read_shape(tok, i):
    ndim = int(tok[i])
    dims = tuple(int(t) for t in tok[i + 1:i + 1 + ndim])
    return dims, i + 1 + ndim


def f32_exact(got, expected):
    exp = np.array([float(v) for v in expected], np.float64).astype(np.float32)
    got = np.asarray(got, np.float32).ravel()
    assert got.tobytes() == exp.tobytes(), (got, exp)


def f32_printed(got, expected, decimals, ulp_slack=False):
    """Each float32 rounds to the printed value (JAX's printed test values);
    ulp_slack accepts one float32 ulp beyond (see jax_suite.txt)."""
    got = np.asarray(got, np.float32).ravel()
    assert got.size == len(expected)
    for g, e in zip(got, expected):
        err = abs(float(g) - float(e))
        half = 0.5 * 10.0 ** -decimals * (1 + 1e-9)
        ulp = float(np.spacing(np.abs(g)))
        assert err <= half + (ulp if ulp_slack else 0.0), (g, e, decimals)
        if decimals == 6:
            assert err <= 1e-6 + 1e-6 * abs(float(e))


def ints(got, expected):
    exp = np.ravel(np.array(expected, dtype=object))
    assert [int(v) for v in np.asarray(got).ravel()] == [int(v) for v in exp]


def round_f32(x):
    """The float32 nearest to the Fraction x (ties to even)."""
    c = np.float32(float(x))
    best = None
    for cand in (np.nextafter(c, np.float32(-np.inf)), c,
                 np.nextafter(c, np.float32(np.inf))):
        d = abs(Fraction(float(cand)) - x)
        key = (d, int(cand.view(np.uint32)) & 1)
        if best is None or key < best[0]:
            best = (key, cand)
    return best[1]


def unfused_ok(key, got, expected, lo, hi):
    """jaxjs_partitionable.txt's [0.001, 0.01) uniforms were computed without
    contracting f * (hi - lo) + lo; XLA contracts it. Each element must be
    the fused value, and the reference either equal or the unfused one.
    Returns the number of elements where the reference is the unfused one."""
    n = got.size
    b = jr.bits(key, (n,), np.uint32)
    f = ((b >> np.uint32(9)) | np.uint32(0x3F800000)).view(np.float32) - np.float32(1)
    lo32, hi32 = np.float32(lo), np.float32(hi)
    span = hi32 - lo32
    exp = np.array([float(v) for v in expected]).astype(np.float32)
    diff = 0
    for g, x, e in zip(got.ravel(), f, exp):
        fused = max(round_f32(Fraction(float(x)) * Fraction(float(span))
                              + Fraction(float(lo32))), lo32)
        unfused = max(x * span + lo32, lo32)
        assert g.tobytes() == np.float32(fused).tobytes()
        if g.tobytes() != e.tobytes():
            diff += 1
            assert e.tobytes() == unfused.tobytes() and fused != unfused
    return diff


def test_jaxjs_partitionable():
    n = contraction = 0
    for tok, vals, no in cases("jaxjs_partitionable.txt"):
        fn, seed = tok[0], int(tok[1])
        key = jr.key(seed)
        n += 1
        if fn == "key":
            ints(key, vals)
        elif fn == "split":
            ints(jr.split(key, int(tok[2])), vals)
        elif fn == "bits":
            shape, _ = read_shape(tok, 2)
            r = jr.bits(key, shape)
            assert r.dtype == np.uint32 and r.shape == shape
            ints(r, vals)
        elif fn == "uniform":
            shape, i = read_shape(tok, 2)
            lo, hi = float(tok[i]), float(tok[i + 1])
            r = jr.uniform(key, shape, minval=lo, maxval=hi)
            assert r.dtype == np.float32 and r.shape == shape
            exp = np.array([float(v) for v in vals]).astype(np.float32)
            if r.tobytes() != exp.tobytes():
                contraction += unfused_ok(key, r, vals, lo, hi)
        else:
            pytest.fail("line %d: unknown case %s" % (no, fn))
    assert n == 78
    assert contraction == 9  # as in test_known_answers.c


def run_legacy_case(tok, vals, mode):
    fn = tok[0]
    with mode_ctx(mode):
        if fn == "bits":
            seed, width = int(tok[1]), int(tok[2])
            shape, _ = read_shape(tok, 3)
            with jr.enable_x64(width == 64):
                r = jr.bits(jr.PRNGKey(seed), shape, "uint%d" % width)
            assert r.dtype == np.dtype("uint%d" % width)
            ints(r, vals)
        elif fn in ("uniform", "normal"):
            shape, i = read_shape(tok, 2)
            f = jr.uniform if fn == "uniform" else jr.normal
            r = f(jr.PRNGKey(int(tok[1])), shape)
            assert r.dtype == np.float32
            dec = tok[i] if i < len(tok) else "6"
            if dec == "repr":
                f32_exact(r, vals)
            else:
                f32_printed(r, vals, int(dec))
        elif fn == "split":
            ints(jr.split(jr.PRNGKey(int(tok[1])), int(tok[2])), vals)
        elif fn == "fold_in":
            ints(jr.fold_in(jr.PRNGKey(int(tok[1])), int(tok[2])), vals)
        elif fn == "seed_key":
            with jr.enable_x64(tok[2] == "1"):
                ints(jr.PRNGKey(int(tok[1])), vals)
                ints(jr.key(int(tok[1])), vals)
        elif fn == "mvn_identity":
            seed, batch, n = int(tok[1]), int(tok[2]), int(tok[3])
            mean = [float(t) for t in tok[4:4 + n]]
            dec = tok[4 + n] if len(tok) > 4 + n else "6"
            r = jr.multivariate_normal(jr.PRNGKey(seed), np.array(mean),
                                       np.eye(n, dtype=int), (batch,))
            assert r.shape == (batch, n) and r.dtype == np.float32
            f32_printed(r, vals, int(dec), ulp_slack=True)
            # identity factor: exactly mean + z
            z = jr.normal(jr.PRNGKey(seed), (batch, n))
            assert r.tobytes() == (np.float32(mean) + z).tobytes()
        else:
            return False
    return True


def test_jax_tests_legacy():
    n = 0
    for tok, vals, no in cases("jax_tests_legacy.txt"):
        assert run_legacy_case(tok, vals, "legacy"), "line %d" % no
        n += 1
    assert n == 22


def test_jax_suite():
    n = 0
    for tok, vals, no in cases("jax_suite.txt"):
        fn = tok[0]
        n += 1
        if fn == "threefry":
            k = [int(t, 16) for t in tok[1:5]]
            y = jr._core._threefry2x32(*k)
            ints(y, [int(v, 16) for v in vals])
            key = np.array(k[:2], np.uint32)
            if k[2] == 0:  # fold_in(key, d) hashes (0, d)
                ints(jr.fold_in(key, k[3]), [int(v, 16) for v in vals])
            elif k[2] < 2**31:  # the 64-bit element at flat index (x0, x1)
                ints(_threefry_via_bits(key, k[2], k[3]),
                     [int(v, 16) for v in vals])
        elif fn in ("bits", "uniform", "normal", "split"):
            mode = tok[1]
            rest = [tok[0]] + tok[2:]
            assert run_legacy_case(rest, vals, mode), "line %d" % no
        elif fn == "mvn_identity":
            rest = [tok[0]] + tok[2:]
            assert run_legacy_case(rest, vals, tok[1])
        elif fn in ("fold_in", "seed_key"):
            assert run_legacy_case(tok, vals, "partitionable")
        elif fn == "split_fold_in_symmetry":
            key, num = jr.key(int(tok[1])), int(tok[2])
            s = jr.split(key, num)
            for i in range(num):
                assert (jr.fold_in(key, i) == s[i]).all()
        elif fn == "bits_view_property":
            key, N = jr.PRNGKey(int(tok[1])), int(tok[2])
            with jr.threefry_partitionable(False):
                b8 = jr.bits(key, (N * 8,), np.uint8)
                b16 = jr.bits(key, (N * 4,), np.uint16)
                b32 = jr.bits(key, (N * 2,), np.uint32)
            assert (b8.view(np.uint32) == b32).all()
            assert (b16.view(np.uint32) == b32).all()
        elif fn == "stateful_split_uniform":
            base, num = jr.key(int(tok[1])), int(tok[2])
            s = jr.split(jr.fold_in(base, 0), num)
            u = [jr.uniform(jr.fold_in(k, 0)) for k in s]
            assert all(x.shape == () for x in u)
            f32_exact(u, vals)
        elif fn == "stateful_random":
            base, draw, k = jr.key(int(tok[1])), int(tok[2]), int(tok[3])
            f32_exact(jr.uniform(jr.fold_in(base, draw), (k,)), vals)
        else:
            pytest.fail("line %d: unknown case %s" % (no, fn))
    assert n == 42


def _threefry_via_bits(k, x0, x1):
    """threefry2x32(k, (x0, x1)) through the public API: in partitionable
    mode, 64-bit bits of shape (2**32 * x0 + x1 + 1,) would reach it but are
    too large; the hash of (x0, x1) is the 64-bit element at flat index
    x0 * 2**32 + x1 (hi word = first output), which bits(rows=) computes
    alone."""
    total = (x0 << 32) + x1 + 1
    with jr.enable_x64(True):
        v = int(jr.bits(k, (total,), np.uint64, rows=(total - 1, total))[0])
    return [v >> 32, v & 0xFFFFFFFF]


def test_mvn_jax_legacy():
    d = {}
    with open(data_path("mvn_jax_legacy.txt")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                k, *v = line.split()
                d[k] = v
    mean = np.array([int(x) for x in d["mean"]]).reshape([int(x) for x in d["mean_shape"]])
    cov = np.array([int(x) for x in d["cov"]]).reshape([int(x) for x in d["cov_shape"]])
    with jr.threefry_partitionable(False):
        r = jr.multivariate_normal(jr.PRNGKey(int(d["seed"][0])), mean, cov,
                                   tuple(int(x) for x in d["shape"]))
    assert r.shape == tuple(int(x) for x in d["expected_shape"])
    assert r.dtype == np.float32
    tol = float(d["tolerance"][0])
    exp = np.array([float(x) for x in d["expected"]])
    assert np.all(np.abs(r.ravel() - exp) <= tol + tol * np.abs(exp))


def test_cli_vectors():
    n = 0
    for c in json_cases("cli_vectors.txt"):
        fn, n = c["fn"], n + 1
        if fn == "seed_to_key":
            with jr.enable_x64(c["x64"]):
                ints(jr.PRNGKey(c["seed"]), c["key"])
            continue
        with mode_ctx(c["mode"]):
            key = jr.PRNGKey(c["seed"])
            exp = c["expected"]
            if fn == "key":
                ints(jr.key(c["seed"]), exp)
            elif fn == "split":
                ints(jr.split(key, c["num"]), exp)
            elif fn == "fold_in":
                ints(jr.fold_in(key, c["data"]), exp)
            elif fn == "bits":
                w = c.get("width", 32)
                with jr.enable_x64(w == 64):
                    ints(jr.bits(key, tuple(c["shape"]), "uint%d" % w), exp)
            elif fn == "uniform" and "minval" in c:
                r = jr.uniform(key, tuple(c["shape"]), minval=c["minval"],
                               maxval=c["maxval"])
                e = np.array(exp, np.float64).astype(np.float32)
                if r.tobytes() != e.tobytes():
                    assert unfused_ok(key, r, exp, c["minval"], c["maxval"])
            elif fn in ("uniform", "normal"):
                f = jr.uniform if fn == "uniform" else jr.normal
                f32_printed(f(key, tuple(c["shape"]), c["dtype"]), exp, 6)
            elif fn == "multivariate_normal":
                r = jr.multivariate_normal(key, c["mean"], c["cov"],
                                           tuple(c["shape"]), c["dtype"],
                                           c["method"])
                f32_printed(r, np.ravel(exp), 6, ulp_slack=True)
            else:
                pytest.fail("unknown case %s" % fn)
    assert n == 94


def test_xla_cpu_math():
    """XLA:CPU's own input/output pairs for the elementary functions the
    samplers use (through the library's scalar entry points)."""
    groups = {}
    for tok, _, _ in cases("xla_cpu_math.txt"):
        groups.setdefault(tok[0], []).append((int(tok[1], 16), int(tok[2], 16)))
    assert sum(len(v) for v in groups.values()) == 3200
    for name, pairs in groups.items():
        width = 16 if name.endswith(("f16", "bf16")) else 64 if name.endswith("f64") else 32
        ut = {16: np.uint16, 32: np.uint32, 64: np.uint64}[width]
        ft = {16: None, 32: np.float32, 64: np.float64}[width]
        got = jr._core._xla_math(name, np.array([p[0] for p in pairs], ut))
        exp = np.array([p[1] for p in pairs], ut)
        for g, e, (i, _) in zip(got, exp, pairs):
            if g == e:
                continue
            # any NaN matches a NaN
            if width == 16:
                expo = 0x7C00 if name.endswith("_f16") else 0x7F80
                mant = 0x03FF if name.endswith("_f16") else 0x007F
                isnan = lambda v: (int(v) & expo) == expo and (int(v) & mant)
                assert isnan(g) and isnan(e), (name, hex(i))
            else:
                assert np.isnan(np.array(g).view(ft)) and np.isnan(np.array(e).view(ft)), (name, hex(i))
