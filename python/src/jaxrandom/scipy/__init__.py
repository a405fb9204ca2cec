"""jax.scipy's parts that jaxrandom implements: ``scipy.stats.multivariate_normal``."""
from . import stats

__all__ = ["stats"]
