"""The JAX release to reproduce (config 'jax_version') and XLA's float64
log1p variant (config 'xla_log1p')."""
import math
import warnings

import numpy as np
import pytest

import jaxrandom as jr


@pytest.fixture(autouse=True)
def fresh_config():
    """Each test starts from the import-time defaults, and leaves them."""
    def reset():
        jr.config._jax_version = None
        jr.config._explicit.clear()
        jr._core._set_option("jax_threefry_partitionable", True, False)
        jr._core._set_option("_xla_log1p_2026_08", False, False)
    reset()
    yield
    reset()


def sample():
    k = jr.key(11)
    return [jr.normal(k, (40,)).tobytes(), jr.split(k, 3).tobytes(),
            jr.bits(k, (9,)).tobytes()]


def test_version_sets_the_mode_default():
    plain = sample()
    with jr.threefry_partitionable(False):
        legacy = sample()
    assert plain != legacy
    for ver, want in (("0.4.31", legacy), ("0.4.0", legacy), ("0.4", legacy),
                      ("0.5.0", plain), ("0.8.1", plain), ("0.11.0", plain)):
        jr.config.update("jax_version", ver)
        assert jr.config.jax_version == ver
        assert jr.config.read("jax_version") == ver
        assert sample() == want, ver
        assert jr.config.jax_threefry_partitionable == (want is plain)


def test_explicit_mode_wins():
    with jr.threefry_partitionable(False):
        legacy = sample()
    plain = sample()
    jr.config.update("jax_threefry_partitionable", True)
    jr.config.update("jax_version", "0.4.31")
    assert sample() == plain
    jr.config.update("jax_threefry_partitionable", False)
    jr.config.update("jax_version", "0.6.0")
    assert sample() == legacy


@pytest.mark.parametrize("bad", ["abc", "0.4.31.1", "0.4.100", "0.04.31",
                                 "-0.4.31", " 0.4.31", "", "0", 431])
def test_malformed_version(bad):
    with pytest.raises(ValueError, match="MAJOR.MINOR.PATCH"):
        jr.config.update("jax_version", bad)


def test_older_version_is_an_error():
    with pytest.raises(ValueError, match=r"older than the supported releases "
                       r"\(0\.4\.0 to 0\.11\.0"):
        jr.config.update("jax_version", "0.3.25")
    assert jr.config.jax_version is None


def test_newer_version_warns():
    plain = sample()
    with pytest.warns(UserWarning, match="newest release checked"):
        jr.config.update("jax_version", "0.12.3")
    assert sample() == plain
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jr.config.update("jax_version", "0.11.0")  # no warning


def x_range(u_lo, u_hi):
    def erfinv(u):
        lo, hi = 0.0, 6.0
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if math.erf(mid) < u else (lo, mid)
        return lo
    return math.sqrt(2) * erfinv(u_lo), math.sqrt(2) * erfinv(u_hi)


def test_xla_log1p_variant():
    k = jr.key(2026)
    with jr.enable_x64(True):
        old = jr.normal(k, (200000,))
        f32 = jr.normal(k, (1000,), dtype=np.float32)
        jr.config.update("xla_log1p", "2026-08")
        assert jr.config.xla_log1p == "2026-08"
        new = jr.normal(k, (200000,))
        assert jr.normal(k, (1000,), dtype=np.float32).tobytes() == \
            f32.tobytes()
        # threads= builds its own context: the variant goes with it.
        assert jr.normal(k, (200000,), threads=2).tobytes() == new.tobytes()
        # An explicit variant survives jax_version's defaults.
        jr.config.update("jax_version", "0.11.0")
        assert jr.normal(k, (200000,)).tobytes() == new.tobytes()
        jr.config.update("xla_log1p", "2024")
        assert jr.normal(k, (200000,)).tobytes() == old.tobytes()
        with jr.config_context(xla_log1p="2026-08"):
            assert jr.normal(k, (200000,)).tobytes() == new.tobytes()
        assert jr.normal(k, (200000,)).tobytes() == old.tobytes()
    diff = old != new
    assert 0.02 < diff.mean() < 0.08
    lo, hi = x_range(0.5412, 0.6436)
    ax = np.abs(old[diff])
    assert ax.min() > lo - 1e-3 and ax.max() < hi + 1e-3
    assert np.all(np.abs(new - old) <= 1e-14 * np.abs(old))


def test_bad_log1p_and_context():
    with pytest.raises(ValueError, match="2026-08"):
        jr.config.update("xla_log1p", "2025")
    with pytest.raises(ValueError, match="global"):
        with jr.config_context(jax_version="0.4.31"):
            pass
