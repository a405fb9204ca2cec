"""jaxrandom.scipy.stats.multivariate_normal (jax.scipy.stats' logpdf/pdf)
against an independent NumPy model (solve and slogdet) and, where it is
installed, SciPy's multivariate_normal."""
import numpy as np
import pytest

import jaxrandom
from jaxrandom.scipy.stats import multivariate_normal as mvn


def model(x, mean, cov):
    x, mean, cov = (np.asarray(a, np.float64) for a in (x, mean, cov))
    y = x - mean
    n = mean.shape[-1]
    b = np.broadcast_shapes(y.shape[:-1], cov.shape[:-2])
    y = np.broadcast_to(y, b + (n,))
    c = np.broadcast_to(cov, b + (n, n))
    sol = np.linalg.solve(c, y[..., None])[..., 0]
    return (-0.5 * np.sum(y * sol, -1) - n / 2 * np.log(2 * np.pi)
            - np.linalg.slogdet(c)[1] / 2)


def spd(rng, n, batch=()):
    a = rng.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) / n + 0.2 * np.eye(n)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 16, 33])
def test_full_cov_float64(n):
    rng = np.random.default_rng(n)
    cov, mean = spd(rng, n), rng.standard_normal(n)
    x = rng.standard_normal((257, n))
    with jaxrandom.enable_x64(True):
        got = mvn.logpdf(x, mean, cov)
        p = mvn.pdf(x, mean, cov)
    assert got.dtype == np.float64 and got.shape == (257,)
    ref = model(x, mean, cov)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(p, np.exp(ref), rtol=1e-11)


def test_float32_and_broadcasting():
    rng = np.random.default_rng(1)
    cov = spd(rng, 3, (2,)).astype(np.float32)
    mean = rng.standard_normal((2, 3)).astype(np.float32)
    x = rng.standard_normal((4, 1, 3)).astype(np.float32)
    got = mvn.logpdf(x, mean, cov)
    assert got.dtype == np.float32 and got.shape == (4, 2)
    np.testing.assert_allclose(got, model(x, mean, cov), rtol=4e-7)
    # without x64, float64 inputs are float32 as in JAX
    assert mvn.logpdf(x.astype(np.float64), mean, cov).dtype == np.float32


def test_scalar_mean_and_scalar_cov():
    with jaxrandom.enable_x64(True):
        x = np.array([0.5, -1.0])
        got = mvn.logpdf(x, 0.25, np.array([2.0, 3.0]))
        want = -0.5 * (x - 0.25) ** 2 / [2, 3] - 0.5 * np.log(
            2 * np.pi * np.array([2.0, 3.0]))
        np.testing.assert_allclose(got, want, rtol=1e-15)
        got = mvn.logpdf(np.array([[1.0, 2.0]]), np.zeros(2), 4.0)
        np.testing.assert_allclose(got, [-0.5 * 5 / 4 - np.log(8 * np.pi)],
                                   rtol=1e-15)


def test_singular_gives_nan_and_errors():
    with jaxrandom.enable_x64(True):
        got = mvn.logpdf(np.zeros((2, 2)), np.zeros(2),
                         np.array([[1.0, 0.0], [0.0, 0.0]]))
    assert np.isnan(got).all()
    with pytest.raises(ValueError, match="incompatible shapes"):
        mvn.logpdf(np.zeros(3), np.zeros(3), np.eye(2))
    with pytest.raises(ValueError, match="broadcasting"):
        mvn.logpdf(np.zeros(2), np.zeros(3), np.eye(3))
    with pytest.raises(NotImplementedError):
        mvn.logpdf(np.zeros(3), np.zeros(3), np.eye(3), allow_singular=True)


def test_against_scipy():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(5)
    for n in (3, 10):
        cov, mean = spd(rng, n), rng.standard_normal(n)
        x = rng.standard_normal((100, n)) * 2
        with jaxrandom.enable_x64(True):
            got = mvn.logpdf(x, mean, cov)
        np.testing.assert_allclose(
            got, stats.multivariate_normal.logpdf(x, mean, cov), rtol=1e-12)
