"""jax.random on libjaxrandom: the same keys, inputs and numbers as JAX on CPU.

Keys are NumPy uint32 arrays of shape (2,), what ``jax.random.PRNGKey(s)``
and ``jax.random.key_data(jax.random.key(s))`` hold, so keys move between
JAX and jaxrandom with ``np.asarray``. Results are NumPy arrays with JAX's
dtypes and shapes.

JAX's global settings, as in JAX::

    jaxrandom.config.update("jax_enable_x64", True)
    jaxrandom.config.update("jax_threefry_partitionable", False)  # JAX < 0.5
    with jaxrandom.enable_x64(True): ...            # this thread, this block
    with jaxrandom.threefry_partitionable(False): ...

bfloat16: with ``ml_dtypes`` installed, bfloat16 results have its dtype;
without it they are returned as uint16 arrays holding the bfloat16 bit
patterns (``HAS_BFLOAT16`` tells which).

Beyond JAX: ``threads=`` (0 = all cores; results never depend on it),
``rows=`` (a slice of the flattened output, or of the batch rows for
multivariate_normal), ``out=`` (a C-contiguous array of the result's shape
and dtype, filled in place), ``check_valid=``/``tol=`` for
multivariate_normal, and :class:`MultivariateNormal`, which factors the
covariance once and samples any number of keys.
"""
import contextlib as _contextlib
import os as _os

from . import _core
from . import scipy  # jax.scipy.stats.multivariate_normal.logpdf / pdf
from ._core import (HAS_BFLOAT16, MultivariateNormal, PRNGKey, bits, fold_in,
                    key, multivariate_normal, normal, split, uniform)

__all__ = [
    "HAS_BFLOAT16", "MultivariateNormal", "PRNGKey", "bits", "config",
    "config_context", "enable_x64", "fold_in", "key", "key_data",
    "multivariate_normal", "normal", "scipy", "split",
    "threefry_partitionable",
    "uniform", "wrap_key_data",
]
__version__ = "0.1.0"

_OPTIONS = ("jax_enable_x64", "jax_threefry_partitionable")


class _Config:
    """jax.config for the options jaxrandom uses."""

    def update(self, name, val):
        _core._set_option(name, _as_bool(name, val), False)

    def read(self, name):
        return _core._get_option(name)

    @property
    def jax_enable_x64(self):
        return _core._get_option("jax_enable_x64")

    @property
    def jax_threefry_partitionable(self):
        return _core._get_option("jax_threefry_partitionable")

    x64_enabled = jax_enable_x64

    def __repr__(self):
        return "jaxrandom.config(%s)" % ", ".join(
            "%s=%s" % (n, _core._get_option(n)) for n in _OPTIONS)


def _as_bool(name, val):
    if isinstance(val, bool) or (isinstance(val, int) and val in (0, 1)):
        return bool(val)
    if type(val).__name__ == "bool_":  # numpy.bool_
        return bool(val)
    raise ValueError("%s: expected a bool, got %r" % (name, val))


config = _Config()


@_contextlib.contextmanager
def config_context(**options):
    """Sets options for this thread within a block, as JAX's context
    managers do: ``with config_context(jax_enable_x64=True): ...``."""
    prev = []
    try:
        for name, val in options.items():
            prev.append((name, _core._set_option(name, _as_bool(name, val),
                                                  True)))
        yield
    finally:
        for name, old in reversed(prev):
            _core._set_option(name, old, True)


def enable_x64(new_val):
    """Context manager: ``with jaxrandom.enable_x64(True): ...``."""
    return config_context(jax_enable_x64=new_val)


def threefry_partitionable(new_val):
    """Context manager: ``with jaxrandom.threefry_partitionable(False): ...``
    (legacy JAX < 0.5 streams inside the block)."""
    return config_context(jax_threefry_partitionable=new_val)


def key_data(keys):
    """The key data of keys: jaxrandom keys are their data already."""
    import numpy as np
    return np.asarray(keys)


def wrap_key_data(key_bits_array, *, impl=None):
    """jax.random.wrap_key_data: jaxrandom keys are uint32 (..., 2) arrays."""
    import numpy as np
    if impl not in (None, "threefry2x32"):
        raise ValueError('unrecognized PRNG implementation "%s". Did you mean '
                         'one of: "threefry2x32"?' % (impl,))
    a = np.asarray(key_bits_array)
    if a.ndim < 1 or a.shape[-1] != 2 or a.dtype != np.uint32:
        raise TypeError("JAX encountered invalid PRNG key data: expected a "
                        "uint32 array whose shape ends with (2,); got "
                        "shape=%s dtype=%s" % (a.shape, a.dtype))
    return a


def _env_flag(name, default):
    v = _os.environ.get(name)
    if v is None:
        return default
    return v.strip().lower() in ("1", "true", "t", "yes", "y", "on")


# JAX reads these environment variables for its defaults.
config.update("jax_enable_x64", _env_flag("JAX_ENABLE_X64", False))
config.update("jax_threefry_partitionable",
              _env_flag("JAX_THREEFRY_PARTITIONABLE", True))
