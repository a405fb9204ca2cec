"""jax.scipy.stats.multivariate_normal.logpdf and pdf on libjaxrandom.

JAX's semantics: a scalar mean (elementwise, any cov shape), a scalar cov
(isotropic), or cov of shape (..., n, n) with n = mean.shape[-1]; x - mean
broadcast as arrays, their batch with cov's batch; the inputs promoted
together (promote_dtypes_inexact, honouring jaxrandom's jax_enable_x64); a
covariance whose Cholesky factorization fails gives NaN. Computed in double
and rounded once to the result dtype (docs/multivariate_normal.md,
"Density", states the accuracy). Results are NumPy arrays.
"""
from ..._core import _mvn_density

__all__ = ["logpdf", "pdf"]


def logpdf(x, mean, cov, allow_singular=None):
    """jax.scipy.stats.multivariate_normal.logpdf(x, mean, cov)."""
    if allow_singular is not None:
        raise NotImplementedError(
            "allow_singular argument of multivariate_normal.logpdf")
    return _mvn_density(x, mean, cov, False)


def pdf(x, mean, cov):
    """jax.scipy.stats.multivariate_normal.pdf(x, mean, cov) = exp(logpdf)."""
    return _mvn_density(x, mean, cov, True)
