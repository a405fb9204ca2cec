"""jax.scipy.stats' parts that jaxrandom implements: ``multivariate_normal``
(``logpdf``, ``pdf``)."""
from . import multivariate_normal

__all__ = ["multivariate_normal"]
