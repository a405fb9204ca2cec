"""MultivariateNormal(...).log_prob / logpdf / pdf (jr_mvn_logpdf_eval):
one object samples and evaluates densities. Full cov: the bytes of
jaxrandom.scipy.stats.multivariate_normal.logpdf for the same arguments,
every method and dtype; scale_tril, precision and diag: an independent
NumPy model of the covariance they define; threads on a fresh object; the
errors."""
import threading

import numpy as np
import pytest

import jaxrandom as jr
from jaxrandom.scipy.stats import multivariate_normal as mvn


def spd(rng, n, batch=()):
    a = rng.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) / n + 0.3 * np.eye(n)


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


@pytest.mark.parametrize("n", [1, 3, 20])
@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("method", ["cholesky", "eigh", "svd"])
def test_full_cov_bytes(n, dt, method):
    rng = np.random.default_rng(n)
    cov = spd(rng, n, (2, 1)).astype(dt)
    mean = rng.standard_normal((3, n)).astype(dt)
    x = rng.standard_normal((4, 2, 3, n)).astype(dt)
    with jr.enable_x64(True):
        d = jr.MultivariateNormal(mean, cov, method=method)
        want = mvn.logpdf(x, mean, cov)
        got = d.log_prob(x)
        assert got.dtype == want.dtype and got.shape == want.shape == (4, 2, 3)
        assert got.tobytes() == want.tobytes()
        assert d.logpdf(x).tobytes() == want.tobytes()  # built once: again
        assert d.pdf(x).tobytes() == mvn.pdf(x, mean, cov).tobytes()
        # sampling unchanged by a density call
        key = jr.key(3)
        assert (d.sample(key).tobytes() ==
                jr.multivariate_normal(key, mean, cov, method=method).tobytes())


@pytest.mark.parametrize("n", [1, 4, 18])
def test_forms_against_model(n):
    rng = np.random.default_rng(10 + n)
    mean = rng.standard_normal(n)
    x = rng.standard_normal((50, n))
    with jr.enable_x64(True):
        cov = spd(rng, n)
        L = np.linalg.cholesky(cov)
        np.testing.assert_allclose(
            jr.MultivariateNormal(mean, scale_tril=L).log_prob(x),
            model(x, mean, L @ L.T), rtol=1e-10, atol=1e-10)
        P = spd(rng, n)
        np.testing.assert_allclose(
            jr.MultivariateNormal(mean, precision=P).log_prob(x),
            model(x, mean, np.linalg.inv(P)), rtol=1e-9, atol=1e-9)
        v = rng.uniform(0.5, 2.0, n)
        np.testing.assert_allclose(
            jr.MultivariateNormal(mean, diag=v).log_prob(x),
            model(x, mean, np.diag(v)), rtol=1e-12, atol=1e-12)
        # scale_tril's factor is the cholesky path's: the same bytes
        c = jr.MultivariateNormal(mean, cov)
        t = jr.MultivariateNormal(mean, scale_tril=c.factor(0))
        assert t.log_prob(x).tobytes() == c.log_prob(x).tobytes()


def test_failed_factor_is_nan():
    with jr.enable_x64(True):
        d = jr.MultivariateNormal(np.zeros(2), [[1.0, 2.0], [2.0, 1.0]],
                                  method="eigh")
        assert np.isnan(d.log_prob(np.zeros((3, 2)))).all()
        t = jr.MultivariateNormal(np.zeros(2), diag=[1.0, -1.0])
        assert np.isnan(t.log_prob([0.0, 0.0]))


def test_threads_share_a_fresh_object():
    rng = np.random.default_rng(2)
    cov = spd(rng, 8, (30,))
    mean = rng.standard_normal(8)
    x = rng.standard_normal((5, 30, 8))
    with jr.enable_x64(True):
        want = mvn.logpdf(x, mean, cov)
        for method in ("eigh", "svd"):
            d = jr.MultivariateNormal(mean, cov, method=method)
            res = [None] * 6
            barrier = threading.Barrier(6)

            def run(i):
                barrier.wait()
                with jr.enable_x64(True):  # the flag is per thread, as JAX's
                    res[i] = d.log_prob(x)

            ts = [threading.Thread(target=run, args=(i,)) for i in range(6)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            for r in res:
                assert r.tobytes() == want.tobytes()


def test_errors():
    with jr.enable_x64(True):
        d = jr.MultivariateNormal(np.zeros(3, np.float32),
                                  np.eye(3, dtype=np.float32))
        with pytest.raises(TypeError, match="promotes the density to float64"):
            d.log_prob(np.zeros(3))
        with pytest.raises(ValueError, match=r"shapes=\[\(4, 2\), \(3,\)\]"):
            d.log_prob(np.zeros((4, 2), np.float32))
        s = jr.MultivariateNormal(np.zeros(3), scale_tril=np.eye(3)[None].repeat(2, 0))
        with pytest.raises(ValueError, match=r"scale_tril.shape\[:-2\]"):
            s.log_prob(np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"diag.shape\[:-1\]"):
        jr.MultivariateNormal(np.zeros((3, 2)), diag=np.ones((2, 2)))
