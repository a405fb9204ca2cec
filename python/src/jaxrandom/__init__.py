"""jax.random on libjaxrandom: the same keys, inputs and numbers as JAX on CPU.

Keys are NumPy uint32 arrays of shape (2,), what ``jax.random.PRNGKey(s)``
and ``jax.random.key_data(jax.random.key(s))`` hold, so keys move between
JAX and jaxrandom with ``np.asarray``. Results are NumPy arrays with JAX's
dtypes and shapes.

JAX's global settings, as in JAX::

    jaxrandom.config.update("jax_enable_x64", True)
    jaxrandom.config.update("jax_threefry_partitionable", False)  # JAX < 0.5
    jaxrandom.config.update("jax_version", "0.4.31")  # that release's defaults
    jaxrandom.config.update("xla_log1p", "2026-08")   # XLA 7853755041's log1p
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
import warnings as _warnings

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

_OPTIONS = ("jax_enable_x64", "jax_threefry_partitionable", "jax_version",
            "xla_log1p")
_LOG1P = {"2024": False, "2026-08": True}


def _version_str(v):
    return "%d.%d.%d" % (v // 10000, v // 100 % 100, v % 100)


def _parse_jax_version(val):
    """'MAJOR.MINOR.PATCH' (or 'MAJOR.MINOR') to major*10000 + minor*100 +
    patch, as the library's JR_PARAM_JAX_VERSION; the range is the
    library's (JR_JAX_VERSION_OLDEST to JR_JAX_VERSION_NEWEST)."""
    parts = val.split(".") if isinstance(val, str) else []
    if not (2 <= len(parts) <= 3) or not all(
            p.isascii() and p.isdigit() and len(p) <= 2 and
            (p == "0" or not p.startswith("0")) for p in parts):
        raise ValueError("jax_version: expected a JAX release as "
                         "'MAJOR.MINOR.PATCH' (e.g. '0.4.31'), got %r" % (val,))
    nums = [int(p) for p in parts] + [0] * (3 - len(parts))
    v = nums[0] * 10000 + nums[1] * 100 + nums[2]
    lo, hi = _core.JAX_VERSION_OLDEST, _core.JAX_VERSION_NEWEST
    if v < lo:
        raise ValueError("jax_version %s is older than the supported "
                         "releases (%s to %s; see docs/exactness.md)"
                         % (val, _version_str(lo), _version_str(hi)))
    if v > hi:
        _warnings.warn("jax_version %s is newer than the newest release "
                       "checked (%s): using the behaviour of %s (set "
                       "xla_log1p='2026-08' if its XLA includes 7853755041)"
                       % (val, _version_str(hi), _version_str(hi)),
                       stacklevel=3)
    return v


class _Config:
    """jax.config for the options jaxrandom uses, and the JAX release whose
    behaviour to reproduce: ``jax_version`` sets the defaults of that
    release (jax_threefry_partitionable False before 0.5.0) for what was
    not set explicitly; ``xla_log1p`` ('2024' or '2026-08') picks XLA's
    float64 log1p."""

    def __init__(self):
        self._jax_version = None
        self._explicit = set()

    def update(self, name, val):
        if name == "jax_version":
            if val is None:
                self._jax_version = None
                return
            v = _parse_jax_version(val)
            self._jax_version = val
            if "jax_threefry_partitionable" not in self._explicit:
                _core._set_option("jax_threefry_partitionable", v >= 500,
                                  False)
            if "xla_log1p" not in self._explicit:
                # No release checked includes XLA 7853755041.
                _core._set_option("_xla_log1p_2026_08", False, False)
            return
        if name == "xla_log1p":
            _core._set_option("_xla_log1p_2026_08", _as_log1p(val), False)
            self._explicit.add(name)
            return
        _core._set_option(name, _as_bool(name, val), False)
        if name == "jax_threefry_partitionable":
            self._explicit.add(name)

    def read(self, name):
        if name == "jax_version":
            return self._jax_version
        if name == "xla_log1p":
            return self.xla_log1p
        return _core._get_option(name)

    @property
    def jax_enable_x64(self):
        return _core._get_option("jax_enable_x64")

    @property
    def jax_threefry_partitionable(self):
        return _core._get_option("jax_threefry_partitionable")

    @property
    def jax_version(self):
        return self._jax_version

    @property
    def xla_log1p(self):
        return "2026-08" if _core._get_option("_xla_log1p_2026_08") else "2024"

    x64_enabled = jax_enable_x64

    def __repr__(self):
        return "jaxrandom.config(%s)" % ", ".join(
            "%s=%r" % (n, self.read(n)) for n in _OPTIONS)


def _as_log1p(val):
    if val not in _LOG1P:
        raise ValueError("xla_log1p: expected '2024' (XLA before 7853755041) "
                         "or '2026-08' (XLA 7853755041 on), got %r" % (val,))
    return _LOG1P[val]


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
            if name == "jax_version":
                raise ValueError("jax_version is a global setting: use "
                                 "config.update('jax_version', ...)")
            if name == "xla_log1p":
                name, v = "_xla_log1p_2026_08", _as_log1p(val)
            else:
                v = _as_bool(name, val)
            prev.append((name, _core._set_option(name, v, True)))
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
# An environment variable counts as an explicit setting (jax_version's
# default does not override it); unset, the default stays implicit.
if "JAX_THREEFRY_PARTITIONABLE" in _os.environ:
    config.update("jax_threefry_partitionable",
                  _env_flag("JAX_THREEFRY_PARTITIONABLE", True))
