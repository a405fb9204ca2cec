"""Keys as uint32 arrays exchanged with any array producer, JAX's seeds, the
configuration (global, context managers per thread, environment)."""
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import jaxrandom as jr


class JaxLikeArray:
    """What a jax.Array offers NumPy: __array__."""

    def __init__(self, a):
        self._a = np.asarray(a)

    def __array__(self, dtype=None):
        return self._a if dtype is None else self._a.astype(dtype)


def test_key_is_uint32_pair():
    for f in (jr.key, jr.PRNGKey):
        k = f(42)
        assert isinstance(k, np.ndarray) and k.dtype == np.uint32
        assert k.shape == (2,) and k.tolist() == [0, 42]


def test_keys_move_as_arrays():
    k = jr.split(jr.key(7), 3)[1]
    want = jr.normal(k, (5,))
    views = [
        k.copy(), k.tolist() and np.array(k.tolist(), np.uint32),
        np.repeat(k, 2)[::2],                    # strided view
        k.astype(">u4"),                         # big-endian
        JaxLikeArray(k),                         # __array__ (jax.Array)
        np.asfortranarray(k),
    ]
    for v in views:
        assert jr.normal(v, (5,)).tobytes() == want.tobytes()
    assert jr.normal(np.asarray(JaxLikeArray(k)), (5,)).tobytes() == want.tobytes()


def test_split_shapes():
    k = jr.key(3)
    assert jr.split(k).shape == (2, 2)
    s = jr.split(k, (2, 3))
    assert s.shape == (2, 3, 2) and s.dtype == np.uint32
    assert (s.reshape(6, 2) == jr.split(k, 6)).all()
    assert jr.split(k, 0).shape == (0, 2)
    assert jr.split(k, ()).shape == (2,)
    assert (jr.split(k, np.int64(4)) == jr.split(k, 4)).all()
    assert (jr.split(k, np.array(4)) == jr.split(k, 4)).all()
    assert jr.split(k, [2, 2]).shape == (2, 2, 2)
    with pytest.raises(TypeError, match="Shapes must be 1D sequences"):
        jr.split(k, np.array([2, 2]))  # as JAX: an array is not a Sequence


def test_fold_in_data():
    k = jr.key(0)
    assert (jr.fold_in(k, 2**32 + 5) == jr.fold_in(k, 5)).all()
    assert (jr.fold_in(k, -1) == jr.fold_in(k, 2**32 - 1)).all()
    assert (jr.fold_in(k, np.uint8(9)) == jr.fold_in(k, 9)).all()
    assert (jr.fold_in(k, np.array(9)) == jr.fold_in(k, 9)).all()


def test_seeds_as_jax():
    assert jr.PRNGKey(-1).tolist() == [0, 2**32 - 1]
    with jr.enable_x64(True):
        assert jr.PRNGKey(-1).tolist() == [2**32 - 1, 2**32 - 1]
        assert jr.PRNGKey(2**40 + 3).tolist() == [256, 3]
        assert jr.PRNGKey(np.uint64(2**64 - 1)).tolist() == [2**32 - 1] * 2
        # 32-bit typed seeds take the 32-bit path
        assert jr.PRNGKey(np.int32(-1)).tolist() == [0, 2**32 - 1]
    assert jr.PRNGKey(2**40 + 3).tolist() == [0, 3]
    assert jr.key(np.array(5, np.int16)).tolist() == [0, 5]


def test_config_update_and_defaults():
    assert jr.config.jax_enable_x64 is False
    assert jr.config.jax_threefry_partitionable is True
    assert jr.normal(jr.key(0), (2,)).dtype == np.float32
    jr.config.update("jax_enable_x64", True)
    assert jr.config.read("jax_enable_x64") is True
    assert jr.normal(jr.key(0), (2,)).dtype == np.float64
    assert jr.bits(jr.key(0), (2,)).dtype == np.uint64
    assert jr.uniform(jr.key(0)).dtype == np.float64
    jr.config.update("jax_threefry_partitionable", False)
    legacy = jr.normal(jr.key(0), (4,))
    jr.config.update("jax_threefry_partitionable", True)
    assert legacy.tobytes() != jr.normal(jr.key(0), (4,)).tobytes()


def test_context_managers_nest_and_restore():
    base = jr.normal(jr.key(1), (3,))
    with jr.threefry_partitionable(False):
        legacy = jr.normal(jr.key(1), (3,))
        with jr.threefry_partitionable(True):
            assert jr.normal(jr.key(1), (3,)).tobytes() == base.tobytes()
        assert jr.normal(jr.key(1), (3,)).tobytes() == legacy.tobytes()
        with jr.enable_x64(True):
            assert jr.normal(jr.key(1), (3,)).dtype == np.float64
    assert jr.normal(jr.key(1), (3,)).tobytes() == base.tobytes()
    with pytest.raises(RuntimeError):
        with jr.config_context(jax_enable_x64=True):
            raise RuntimeError
    assert jr.config.jax_enable_x64 is False


def test_context_is_per_thread():
    seen = []
    with jr.enable_x64(True):
        t = threading.Thread(
            target=lambda: seen.append(jr.normal(jr.key(0), ()).dtype))
        t.start()
        t.join()
        assert jr.normal(jr.key(0), ()).dtype == np.float64
    assert seen == [np.float32]


def test_environment_variables():
    code = "import jaxrandom as j; print(j.config.jax_enable_x64, j.config.jax_threefry_partitionable)"
    env = dict(os.environ, JAX_ENABLE_X64="1", JAX_THREEFRY_PARTITIONABLE="0")
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         stdout=subprocess.PIPE, text=True).stdout.split()
    assert out == ["True", "False"]


def test_float64_without_x64_warns_and_truncates():
    with pytest.warns(UserWarning, match="Explicitly requested dtype float64 is "
                      "not available, and will be truncated to dtype float32"):
        r = jr.normal(jr.key(0), (3,), np.float64)
    assert r.dtype == np.float32
    with pytest.warns(UserWarning, match="dtype uint64"):
        assert jr.bits(jr.key(0), (3,), "uint64").dtype == np.uint32


def test_result_dtypes():
    k = jr.key(0)
    for dt in ("float16", "float32"):
        assert jr.normal(k, (2,), dt).dtype == np.dtype(dt)
        assert jr.uniform(k, (2,), dt).dtype == np.dtype(dt)
    for dt in (np.uint8, np.uint16, np.uint32):
        assert jr.bits(k, (2,), dt).dtype == dt
    with jr.enable_x64(True):
        assert jr.normal(k, (2,), float).dtype == np.float64
    assert jr.normal(k, (2,), float).dtype == np.float32
    assert jr.normal(k).shape == () and jr.normal(k, 3).shape == (3,)


def test_bfloat16():
    """With ml_dtypes: its bfloat16 dtype. Without: uint16 bit patterns."""
    k = jr.key(0)
    u = jr.uniform(k, (1000,), "bfloat16")
    n32 = jr.normal(k, (1000,), np.float32)
    nb = jr.normal(k, (1000,), "bfloat16")
    if jr.HAS_BFLOAT16:
        assert u.dtype.name == "bfloat16"
        u, nb = u.view(np.uint16), nb.view(np.uint16)
    else:
        assert u.dtype == np.uint16 and nb.dtype == np.uint16
    as32 = lambda b: (b.astype(np.uint32) << np.uint32(16)).view(np.float32)
    # JAX: bfloat16 has 7 mantissa bits, so uniform draws 8-bit words:
    # u = ((b8 >> 1) | 0x3F80) as bfloat16 - 1 = (b8 >> 1) / 128 exactly
    b8 = jr.bits(k, (1000,), np.uint8)
    assert (as32(u) == (b8 >> 1).astype(np.float32) / 128).all()
    x = as32(nb)
    assert np.isfinite(x).all() and abs(x.mean()) < 0.1 and abs(x.std() - 1) < 0.1


def test_key_data_helpers():
    k = jr.split(jr.key(1), (2, 3))
    assert jr.key_data(k) is not None and (jr.key_data(k) == k).all()
    assert (jr.wrap_key_data(k) == k).all()
    with pytest.raises(TypeError, match="invalid PRNG key data"):
        jr.wrap_key_data(np.zeros((2, 3), np.uint32))
    with pytest.raises(ValueError, match="unrecognized PRNG implementation"):
        jr.wrap_key_data(k, impl="rbg")
