"""multivariate_normal against a NumPy formulation of JAX's definition
(promotion, broadcasting, shape argument), input layouts, the reusable
sampler and the opt-in validation."""
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jaxrandom as jr

IN_DTYPES = ["bool", "int8", "uint8", "int32", "int64", "float16", "float32",
             "float64"]


def canon(dt, x64):
    dt = np.dtype(dt)
    if not x64:
        dt = {np.dtype("float64"): np.dtype("float32"),
              np.dtype("int64"): np.dtype("int32"),
              np.dtype("uint64"): np.dtype("uint32")}.get(dt, dt)
    return dt


def promote_inexact(a, b, x64):
    """JAX's promote_dtypes_inexact for these dtypes."""
    fa, fb = a.kind == "f", b.kind == "f"
    if not fa and not fb:
        return np.dtype("float64" if x64 else "float32")
    if fa and not fb:
        return a
    if fb and not fa:
        return b
    return a if a.itemsize >= b.itemsize else b


def numpy_mvn(key, mean, cov, shape, dtype, x64):
    """mean + cholesky(cov) z in float64, z = normal(key, shape + (n,), dtype
    or P); returns (expected values, expected dtype, P)."""
    mean, cov = np.asarray(mean), np.asarray(cov)
    P = promote_inexact(canon(mean.dtype, x64), canon(cov.dtype, x64), x64)
    zd = P if dtype is None else canon(dtype, x64)
    R = np.promote_types(P, zd)
    if shape is None:
        shape = np.broadcast_shapes(mean.shape[:-1], cov.shape[:-2])
    n = mean.shape[-1]
    z = jr.normal(key, tuple(shape) + (n,), zd).astype(np.float64)
    m = mean.astype(canon(mean.dtype, x64)).astype(P).astype(np.float64)
    c = cov.astype(canon(cov.dtype, x64)).astype(P).astype(np.float64)
    f = np.linalg.cholesky((c + np.swapaxes(c, -1, -2)) / 2)
    return m + np.einsum("...ij,...j->...i", f, z), R, P


def make_cov(rng, batch, n, dtype):
    if dtype == "bool":
        c = np.broadcast_to(np.eye(n, dtype=bool), tuple(batch) + (n, n))
        return np.array(c)
    b = rng.integers(0, 2, size=tuple(batch) + (n, n))
    c = b @ np.swapaxes(b, -1, -2) + n * np.eye(n, dtype=int)
    return c.astype(dtype)


@st.composite
def mvn_case(draw):
    n = draw(st.integers(1, 5))
    full = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    def sub():
        k = draw(st.integers(0, len(full)))
        return [d if draw(st.booleans()) else 1 for d in full[len(full) - k:]]
    mb, cb = sub(), sub()
    shape = draw(st.sampled_from([None, "full", "extra"]))
    bshape = np.broadcast_shapes(tuple(mb), tuple(cb))
    if shape == "full":
        shape = tuple(bshape)
    elif shape == "extra":
        shape = (draw(st.integers(1, 3)),) + tuple(bshape)
    return dict(n=n, mb=mb, cb=cb, shape=shape,
                md=draw(st.sampled_from(IN_DTYPES)),
                cd=draw(st.sampled_from(IN_DTYPES)),
                dtype=draw(st.sampled_from([None, "float16", "float32", "float64"])),
                x64=draw(st.booleans()), legacy=draw(st.booleans()),
                layout=draw(st.sampled_from(["C", "F", "reversed"])),
                seed=draw(st.integers(0, 2**32 - 1)))


def layout(a, how):
    if how == "F":
        return np.asfortranarray(a)
    if how == "reversed" and a.ndim:
        return np.ascontiguousarray(a[..., ::-1])[..., ::-1]
    return a


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mvn_case())
def test_promotion_and_broadcasting_match_numpy(c):
    rng = np.random.default_rng(c["seed"])
    mean = rng.integers(0, 2 if c["md"] == "bool" else 5,
                        size=tuple(c["mb"]) + (c["n"],)).astype(c["md"])
    cov = make_cov(rng, c["cb"], c["n"], c["cd"])
    key = jr.key(c["seed"])
    with jr.config_context(jax_enable_x64=c["x64"],
                           jax_threefry_partitionable=not c["legacy"]), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # float64 truncation
        want, R, P = numpy_mvn(key, mean, cov, c["shape"], c["dtype"], c["x64"])
        if P.itemsize == 2:
            with pytest.raises(TypeError, match="cholesky does not accept "
                               "dtype float16"):
                jr.multivariate_normal(key, mean, cov, c["shape"], c["dtype"])
            return
        got = jr.multivariate_normal(key, layout(mean, c["layout"]),
                                     layout(cov, c["layout"]), c["shape"],
                                     c["dtype"])
        again = jr.multivariate_normal(key, mean.tolist(), cov.tolist(),
                                       c["shape"], c["dtype"]) \
            if c["md"] == c["cd"] and c["md"] in ("int64", "float64") else got
    assert got.dtype == R and got.shape == want.shape
    tol = 1e-4 if np.float32 in (R, P) else 1e-10  # the factor is in P
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * 10)
    assert again.tobytes() == got.tobytes()  # lists = the arrays NumPy makes


@pytest.mark.parametrize("method", ["cholesky", "eigh", "svd"])
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_methods_factor_and_sampler(method, dt):
    rng = np.random.default_rng(1)
    b = rng.standard_normal((4, 3, 3))
    cov = (b @ b.transpose(0, 2, 1) + 3 * np.eye(3)).astype(dt)
    mean = rng.standard_normal((2, 1, 3)).astype(dt)
    key = jr.key(5)
    with jr.enable_x64(True):
        full = jr.multivariate_normal(key, mean, cov, None, None, method)
        s = jr.MultivariateNormal(mean, cov, method=method)
        assert s.shape == (2, 4, 3) and s.dtype == dt and s.n == 3 and s.rows == 8
        assert s.sample(key).tobytes() == full.tobytes()
        for row in range(8):
            f = s.factor(row)
            c = cov[row % 4].astype(np.float64)
            np.testing.assert_allclose(f @ f.T, c, rtol=1e-4 if dt == np.float32 else 1e-10)
        z = jr.normal(key, (2, 4, 3), dt).astype(np.float64)
        fs = np.array([s.factor(r) for r in range(8)]).reshape(2, 4, 3, 3)
        want = mean + np.einsum("...ij,...j->...i", fs, z)
        np.testing.assert_allclose(full, want, rtol=1e-5, atol=1e-5)
        for k in range(3):  # many keys from one factorization
            kk = jr.fold_in(key, k)
            assert s.sample(kk).tobytes() == jr.multivariate_normal(
                kk, mean, cov, None, None, method).tobytes()


def test_identity_cov_is_exact():
    key = jr.key(2)
    mean = np.array([1.5, -2.0, 0.25], np.float32)
    r = jr.multivariate_normal(key, mean, np.eye(3, dtype=np.float32), (7,))
    assert r.tobytes() == (mean + jr.normal(key, (7, 3))).tobytes()


def test_input_dtypes_and_layouts_equal():
    rng = np.random.default_rng(3)
    b = rng.standard_normal((3, 3))
    cov32 = (b @ b.T + np.eye(3)).astype(np.float32)
    mean32 = np.float32([1, 2, 3])
    key = jr.key(9)
    want = jr.multivariate_normal(key, mean32, cov32, (4,))
    for m in (mean32.astype(">f4"), mean32.tolist(), mean32.astype(np.float64)):
        for c in (cov32.astype(">f4"), np.asfortranarray(cov32), cov32.T.T,
                  cov32.astype(np.float64), np.repeat(cov32, 2, axis=1)[:, ::2]):
            assert jr.multivariate_normal(key, m, c, (4,)).tobytes() == want.tobytes()


def test_check_valid():
    key = jr.key(0)
    indef = np.array([[1.0, 2.0], [2.0, 1.0]])
    r = jr.multivariate_normal(key, np.zeros(2), indef, (3,))
    assert np.isnan(r).all()  # JAX: NaN where cholesky fails
    with pytest.warns(RuntimeWarning, match="not positive semidefinite"):
        r2 = jr.multivariate_normal(key, np.zeros(2), indef, (3,),
                                    check_valid="warn")
    assert np.isnan(r2).all()
    with pytest.raises(ValueError, match="not positive semidefinite"):
        jr.multivariate_normal(key, np.zeros(2), indef, check_valid="raise")
    with pytest.raises(ValueError, match="not symmetric"):
        jr.MultivariateNormal(np.zeros(2), [[2.0, 1.0], [0.0, 2.0]],
                              check_valid="raise")
    near = [[2.0, 1.0], [1.0 + 1e-9, 2.0]]
    # without x64 the float64 input is float32 first: symmetric then
    jr.multivariate_normal(key, np.zeros(2), near, check_valid="raise", tol=0)
    with jr.enable_x64(True):
        jr.multivariate_normal(key, np.zeros(2), near, check_valid="raise",
                               tol=1e-6)
        with pytest.raises(ValueError, match="not symmetric"):
            jr.multivariate_normal(key, np.zeros(2), near, check_valid="raise",
                                   tol=1e-12)
    with pytest.raises(ValueError, match="non-finite"):
        jr.multivariate_normal(key, [np.inf, 0.0], np.eye(2), check_valid="raise")
