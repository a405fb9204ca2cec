"""MultivariateNormal(mean, scale_tril=/precision=/diag=) (beyond JAX:
jr_mvn_create_form): bytes of the cholesky path for its own factor, the
einsum model for diag, NumPy's mean + L_P^-T z for precision, and the
argument and validation errors."""
import numpy as np
import pytest

import jaxrandom as jr


def spd(rng, n, batch=()):
    a = rng.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) / n + np.eye(n)


@pytest.mark.parametrize("n", [1, 3, 17])
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_scale_tril_is_cholesky_path(n, dt):
    rng = np.random.default_rng(n)
    cov = spd(rng, n, (2,)).astype(dt)
    mean = rng.standard_normal((3, 1, n)).astype(dt)
    key = jr.key(4)
    with jr.enable_x64(True):
        s = jr.MultivariateNormal(mean, cov)
        L = np.array([s.factor(r) for r in range(2)]).astype(dt)
        L = L + np.triu(np.full((n, n), 5.0), 1).astype(dt)  # ignored
        t = jr.MultivariateNormal(mean, scale_tril=L)
        assert t.shape == s.shape and t.dtype == s.dtype
        assert t.sample(key).tobytes() == s.sample(key).tobytes()


def test_diag_and_precision_models():
    key = jr.key(8)
    mean = np.array([1.0, -2.0, 0.5])
    v = np.array([4.0, 0.0, 2.5])
    with jr.enable_x64(True):
        got = jr.MultivariateNormal(mean, diag=v, shape=(50,)).sample(key)
        z = jr.normal(key, (50, 3), np.float64)
        want = mean + (0.0 + np.sqrt(v) * z)
        assert got.tobytes() == want.tobytes()
        P = spd(np.random.default_rng(1), 4)
        m4 = np.zeros(4)
        got = jr.MultivariateNormal(m4, precision=P, shape=(100,)).sample(key)
        z = jr.normal(key, (100, 4), np.float64)
        F = np.linalg.inv(np.linalg.cholesky(P)).T
        np.testing.assert_allclose(got, z @ F.T, rtol=0, atol=1e-13)


def test_form_errors():
    with pytest.raises(TypeError, match="exactly one"):
        jr.MultivariateNormal(np.zeros(2), np.eye(2), diag=[1.0, 1.0])
    with pytest.raises(TypeError, match="exactly one"):
        jr.MultivariateNormal(np.zeros(2))
    with pytest.raises(ValueError, match="method"):
        jr.MultivariateNormal(np.zeros(2), diag=[1.0, 1.0], method="eigh")
    with pytest.raises(ValueError, match="diag batch element 0 has variance -1 at 1"):
        jr.MultivariateNormal(np.zeros(2), diag=[1.0, -1.0], check_valid="raise")
    with pytest.raises(ValueError, match="precision batch element 1"):
        jr.MultivariateNormal(np.zeros(2), precision=[np.eye(2), [[1.0, 2.0], [2.0, 1.0]]],
                              check_valid="raise")
    s = jr.MultivariateNormal(np.zeros(2), precision=[[1.0, 2.0], [2.0, 1.0]])
    assert np.isnan(s.sample(jr.key(0))).all()
    with pytest.raises(ValueError, match="diag.shape"):
        jr.MultivariateNormal(np.zeros(2), diag=[1.0, 1.0, 1.0])
