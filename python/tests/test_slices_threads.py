"""out= and rows= give the bytes of the full result; the thread count never
changes a byte; array bounds of uniform equal the scalar-bound results."""
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jaxrandom as jr

FLOATS = ["float16", "bfloat16", "float32", "float64"]
UINTS = [np.uint8, np.uint16, np.uint32, np.uint64]


def gens():
    """(name, f(key, shape, **kw)) for every dtype."""
    for dt in FLOATS:
        yield "normal " + dt, lambda k, s, dt=dt, **kw: jr.normal(k, s, dt, **kw)
        yield "uniform " + dt, lambda k, s, dt=dt, **kw: jr.uniform(
            k, s, dt, -2.5, 3.0, **kw)
    for dt in UINTS:
        yield "bits %s" % dt.__name__, lambda k, s, dt=dt, **kw: jr.bits(k, s, dt, **kw)


@pytest.mark.parametrize("partitionable", [True, False])
@pytest.mark.parametrize("name,f", list(gens()))
def test_out_rows_threads(name, f, partitionable):
    key = jr.key(11)
    shape = (37, 29)  # odd sizes: legacy mode pads odd counts
    with jr.threefry_partitionable(partitionable), jr.enable_x64(True):
        full = f(key, shape)
        out = np.zeros_like(full)
        assert f(key, shape, out=out) is out
        assert out.tobytes() == full.tobytes()
        flat = full.reshape(-1)
        for a, b in [(0, 1), (5, 300), (1072, 1073), (0, 1073), (400, 400)]:
            part = f(key, shape, rows=(a, b))
            assert part.shape == (b - a,)
            assert part.tobytes() == flat[a:b].tobytes(), (a, b)
        assert f(key, shape, rows=slice(-10, None)).tobytes() == flat[-10:].tobytes()
        o = np.empty(7, full.dtype)
        f(key, shape, rows=slice(3, 10), out=o)
        assert o.tobytes() == flat[3:10].tobytes()
        for t in (1, 2, 3, 7):
            assert f(key, shape, threads=t).tobytes() == full.tobytes()


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 5000), a=st.integers(0, 5000), b=st.integers(0, 5000),
       legacy=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_rows_property(n, a, b, legacy, seed):
    a, b = sorted((min(a, n), min(b, n)))
    key = jr.key(seed)
    with jr.threefry_partitionable(not legacy):
        full = jr.normal(key, (n,))
        assert jr.normal(key, (n,), rows=(a, b)).tobytes() == full[a:b].tobytes()


@pytest.mark.parametrize("method", ["cholesky", "eigh", "svd"])
@pytest.mark.parametrize("n", [3, 20])  # exact small-n path and the BLAS path
def test_mvn_rows_out_threads(method, n):
    rng = np.random.default_rng(n)
    b = rng.standard_normal((2, n, n))
    cov = b @ b.transpose(0, 2, 1) + n * np.eye(n)
    mean = rng.standard_normal((3, 1, n))
    key = jr.key(4)
    for legacy in (False, True):
        with jr.threefry_partitionable(not legacy), jr.enable_x64(True):
            full = jr.multivariate_normal(key, mean, cov, (50, 3, 2), None, method)
            rows = full.reshape(-1, n)
            s = jr.MultivariateNormal(mean, cov, (50, 3, 2), method=method)
            assert s.sample(key).tobytes() == full.tobytes()
            for a, bb in [(0, 300), (0, 1), (129, 257), (299, 300), (7, 7)]:
                part = jr.multivariate_normal(key, mean, cov, (50, 3, 2), None,
                                              method, rows=(a, bb))
                assert part.shape == (bb - a, n)
                assert part.tobytes() == rows[a:bb].tobytes()
                assert s.sample(key, rows=(a, bb)).tobytes() == rows[a:bb].tobytes()
            out = np.empty_like(full)
            jr.multivariate_normal(key, mean, cov, (50, 3, 2), None, method, out=out)
            assert out.tobytes() == full.tobytes()
            out2 = np.empty((10, n))
            s.sample(key, rows=slice(100, 110), out=out2)
            assert out2.tobytes() == rows[100:110].tobytes()
            for t in (1, 2, 5):
                assert jr.multivariate_normal(key, mean, cov, (50, 3, 2), None,
                                              method, threads=t).tobytes() == full.tobytes()
                assert s.sample(key, threads=t).tobytes() == full.tobytes()


def test_sampler_shared_between_python_threads():
    cov = np.array([[2.0, 0.3], [0.3, 1.0]], np.float32)
    s = jr.MultivariateNormal(np.zeros(2, np.float32), cov, (20000,))
    keys = jr.split(jr.key(0), 8)
    want = [s.sample(k).tobytes() for k in keys]
    got = [None] * 8

    def work(i):
        got[i] = s.sample(keys[i]).tobytes()
    ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert got == want


@pytest.mark.parametrize("dt", FLOATS)
def test_uniform_array_bounds_equal_scalar_bounds(dt):
    with jr.enable_x64(True):
        uniform_bounds(dt)


def uniform_bounds(dt):
    key = jr.key(8)
    lo = np.array([-1.0, 0.0, 2.5])
    hi = np.array([[1.0], [3.0]])
    r = jr.uniform(key, (2, 3), dt, lo, hi)
    flat = r.reshape(-1)
    for i in range(6):
        one = jr.uniform(key, (2, 3), dt, float(lo[i % 3]), float(hi[i // 3, 0]))
        assert flat[i].tobytes() == one.reshape(-1)[i].tobytes()
    part = jr.uniform(key, (2, 3), dt, lo, hi, rows=(2, 5))
    assert part.tobytes() == flat[2:5].tobytes()
    # a scalar given as an array is the scalar
    assert jr.uniform(key, (4,), dt, np.float64(0.5), np.array(2.0)).tobytes() == \
        jr.uniform(key, (4,), dt, 0.5, 2.0).tobytes()
