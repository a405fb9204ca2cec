"""Every error condition: JAX's exception type and message (jax/_src/random
and the C library's multivariate_normal messages, which are JAX's), and the
binding's own argument errors. Never a crash."""
import re

import numpy as np
import pytest

import jaxrandom as jr

K = jr.key(0)
E3 = np.eye(3, dtype=np.float32)
M3 = np.zeros(3, np.float32)


def raises(exc, msg, f, *a, **kw):
    with pytest.raises(exc) as e:
        f(*a, **kw)
    assert msg in str(e.value), (str(e.value), msg)
    assert type(e.value) is exc


def test_key_errors():
    raises(TypeError, "unexpected PRNG key type <class 'list'>", jr.normal, [0, 0])
    raises(TypeError, "unexpected PRNG key type <class 'int'>", jr.split, 5)
    raises(TypeError, "JAX encountered invalid PRNG key data: expected "
           "key_data.dtype = uint32; got dtype=int32", jr.normal,
           np.zeros(2, np.int32))
    raises(TypeError, "JAX encountered invalid PRNG key data: expected "
           "key_data.shape to end with (2,); got shape=(3,)", jr.bits,
           np.zeros(3, np.uint32))
    raises(TypeError, "JAX encountered invalid PRNG key data: expected "
           "key_data.ndim >= 1; got ndim=0", jr.uniform, np.uint32(0))
    raises(ValueError, "normal accepts a single key, but was given a key array "
           "of shape (3, 2) != (). Use jax.vmap for batching.", jr.normal,
           jr.split(K, 3))
    raises(ValueError, "multivariate_normal accepts a single key",
           jr.multivariate_normal, jr.split(K, 2), M3, E3)


def test_seed_errors():
    raises(TypeError, "key accepts a scalar seed, but was given an array of "
           "shape (2,) != (). Use jax.vmap for batching", jr.key, np.arange(2))
    raises(TypeError, "PRNGKey accepts a scalar seed", jr.PRNGKey, np.arange(2))
    raises(TypeError, "PRNG key seed must be an integer; got 1.5", jr.key, 1.5)
    raises(TypeError, "PRNG key seed must be an integer", jr.key, np.float32(1))
    with pytest.raises(OverflowError):
        jr.PRNGKey(2**64)
    raises(ValueError, 'unrecognized PRNG implementation "rbg"', jr.key, 0,
           impl="rbg")
    raises(ValueError, "Cannot specify both `impl` and `dtype` arguments to "
           "jax.random.key", jr.key, 0, impl="threefry2x32", dtype="threefry2x32")


def test_fold_in_split_errors():
    raises(TypeError, "fold_in accepts a scalar, but was given an array "
           "ofshape (2,) != (). Use jax.vmap for batching.", jr.fold_in, K,
           np.arange(2))
    raises(TypeError, "fold_in data must be an integer", jr.fold_in, K, "a")
    raises(ValueError, "negative dimensions are not allowed", jr.split, K, -1)
    raises(TypeError, "Shapes must be 1D sequences of concrete values of "
           "integer type, got (1.5,).", jr.split, K, (1.5,))


def test_dtype_errors():
    raises(ValueError, "dtype argument to `bits` must be an unsigned int "
           "dtype, got int32", jr.bits, K, (2,), np.int32)
    raises(ValueError, "dtype argument to `bits` must be an unsigned int "
           "dtype, got float32", jr.bits, K, (2,), float)
    raises(ValueError, "dtype argument to `uniform` must be a float dtype, "
           "got int32", jr.uniform, K, (2,), int)
    raises(ValueError, "dtype argument to `uniform` must be a float dtype, "
           "got complex64", jr.uniform, K, (2,), np.complex64)
    raises(ValueError, "dtype argument to `normal` must be a float or complex "
           "dtype, got uint8", jr.normal, K, (2,), np.uint8)
    raises(ValueError, "dtype argument to `normal` must be a float or complex "
           "dtype, got bool", jr.normal, K, (2,), bool)
    raises(NotImplementedError, "complex dtype complex64 is not supported",
           jr.normal, K, (2,), np.complex64)
    raises(TypeError, "JAX only supports number, bool, and string dtypes, got "
           "dtype object", jr.normal, K, (2,), object)
    raises(TypeError, "JAX only supports number, bool, and string dtypes",
           jr.normal, K, (2,), np.longdouble)
    with pytest.raises(TypeError):
        jr.normal(K, (2,), "no such dtype")


def test_shape_errors():
    raises(TypeError, "Shapes must be 1D sequences of concrete values of "
           "integer type, got abc.", jr.normal, K, "abc")
    raises(TypeError, "Shapes must be 1D sequences of concrete values of "
           "integer type, got (2, 0.5).", jr.uniform, K, (2, 0.5))
    raises(TypeError, "Shapes must be 1D sequences", jr.bits, K, None)
    raises(ValueError, "negative dimensions are not allowed: shape (2, -1)",
           jr.normal, K, (2, -1))
    raises(ValueError, "at most 32 are supported", jr.normal, K, (1,) * 33)
    with pytest.raises((ValueError, MemoryError)):
        jr.normal(K, (2**40, 2**40))


def test_mvn_errors_in_jax_order():
    raises(ValueError, "method must be one of {'svd', 'eigh', 'cholesky'}",
           jr.multivariate_normal, K, 0.0, 1.0, method="qr")
    raises(ValueError, "dtype argument to `multivariate_normal` must be a "
           "float dtype, got int32", jr.multivariate_normal, K, 0.0, [1.0],
           dtype=np.int32, method="eigh")
    raises(ValueError, "multivariate_normal requires mean.ndim >= 1, got "
           "mean.ndim == 0", jr.multivariate_normal, K, 0.0, [1.0])
    raises(ValueError, "multivariate_normal requires cov.ndim >= 2, got "
           "cov.ndim == 1", jr.multivariate_normal, K, M3, M3)
    raises(ValueError, "multivariate_normal requires cov.shape == (..., n, n) "
           "for n=3, but got cov.shape == (3, 2).", jr.multivariate_normal, K,
           M3, np.zeros((3, 2)))
    raises(ValueError, "Incompatible shapes for broadcasting: shapes=[(2,), "
           "(4,)]", jr.multivariate_normal, K, np.zeros((2, 3)),
           np.zeros((4, 3, 3)))
    raises(ValueError, "normal parameter shapes must be broadcast-compatible "
           "with shape argument, and the result of broadcasting the shapes "
           "must equal the shape argument, but got result (2,) for shape "
           "argument (1,).", jr.multivariate_normal, K, np.zeros((2, 3)), E3,
           (1,))
    raises(TypeError, "cholesky does not accept dtype float16",
           jr.multivariate_normal, K, M3.astype(np.float16),
           E3.astype(np.float16))
    raises(TypeError, "svd does not accept dtype float16",
           jr.multivariate_normal, K, M3.astype(np.float16), E3.astype(int),
           method="svd", dtype=np.float32)
    raises(TypeError, "multivariate_normal: mean must be a real array",
           jr.multivariate_normal, K, M3.astype(complex), E3)
    raises(TypeError, "multivariate_normal: cov must be a real array",
           jr.multivariate_normal, K, M3, [["a"]])
    raises(ValueError, "check_valid must be one of 'ignore', 'warn' or "
           "'raise', got 'yes'", jr.multivariate_normal, K, M3, E3,
           check_valid="yes")
    raises(ValueError, "tol must be >= 0", jr.multivariate_normal, K, M3, E3,
           tol=-1.0)
    raises(NotImplementedError, "n = 50000", jr.MultivariateNormal,
           np.zeros(50000, np.float32),
           np.lib.stride_tricks.as_strided(np.zeros(1, np.float32),
                                           (50000, 50000), (0, 0)))


def test_uniform_bound_errors():
    raises(ValueError, "uniform: minval of shape (3,) is not "
           "broadcast-compatible with shape (2, 4)", jr.uniform, K, (2, 4),
           minval=np.zeros(3))
    raises(TypeError, "uniform: maxval must be real", jr.uniform, K, (2,),
           maxval=np.ones(2, complex))


def test_out_errors():
    raises(ValueError, "out has shape (3,); expected (2, 3)", jr.normal, K,
           (2, 3), out=np.empty(3, np.float32))
    raises(TypeError, "out has dtype float64; expected float32", jr.normal, K,
           (3,), out=np.empty(3))
    raises(TypeError, "out must be a numpy.ndarray", jr.normal, K, (3,),
           out=[0.0] * 3)
    raises(ValueError, "out must be C-contiguous and aligned", jr.normal, K,
           (3, 2), out=np.empty((2, 3), np.float32).T)
    ro = np.empty(3, np.float32)
    ro.flags.writeable = False
    raises(ValueError, "out is read-only", jr.normal, K, (3,), out=ro)
    raises(ValueError, "out has shape (3,); expected (2,)", jr.normal, K,
           (3,), rows=(1, 3), out=np.empty(3, np.float32))
    raises(ValueError, "out has shape (4, 3); expected (2, 3)",
           jr.multivariate_normal, K, M3, E3, (4,), rows=(0, 2),
           out=np.empty((4, 3), np.float32))
    raises(TypeError, "out has dtype uint32; expected uint8", jr.bits, K,
           (3,), np.uint8, out=np.empty(3, np.uint32))


def test_rows_threads_errors():
    raises(ValueError, "rows [2, 1) outside [0, 5)", jr.normal, K, (5,),
           rows=(2, 1))
    raises(ValueError, "rows [0, 6) outside [0, 5)", jr.bits, K, (5,),
           rows=(0, 6))
    raises(ValueError, "rows: a slice with step 1 expected", jr.uniform, K,
           (5,), rows=slice(0, 4, 2))
    raises(TypeError, "rows: expected None, a slice or a pair", jr.normal, K,
           (5,), rows=(1, 2, 3))
    raises(ValueError, "threads must be 0 (all cores) or a positive count",
           jr.normal, K, (5,), threads=-1)
    raises(TypeError, "'float' object cannot be interpreted as an integer",
           jr.normal, K, (5,), threads=1.5)
    s = jr.MultivariateNormal(M3, E3, (4,))
    raises(ValueError, "rows [3, 5) outside [0, 4)", s.sample, K, rows=(3, 5))
    raises(ValueError, "row 4", s.factor, 4)


def test_call_errors():
    raises(TypeError, "normal() got an unexpected keyword argument 'size'",
           jr.normal, K, size=3)
    raises(TypeError, "normal() got multiple values for argument 'shape'",
           jr.normal, K, (2,), shape=(3,))
    raises(TypeError, "normal() missing required argument 'key'", jr.normal)
    raises(TypeError, "normal() takes at most 3 positional arguments (4 given)",
           jr.normal, K, (2,), None, None)
    raises(TypeError, "multivariate_normal() missing required argument 'cov'",
           jr.multivariate_normal, K, M3)


def test_config_errors():
    raises(AttributeError, "Unrecognized config option: jax_foo",
           jr.config.update, "jax_foo", True)
    raises(ValueError, "jax_enable_x64: expected a bool, got 'yes'",
           jr.config.update, "jax_enable_x64", "yes")
    with pytest.raises(AttributeError, match="Unrecognized config option"):
        with jr.config_context(jax_bar=True):
            pass
    assert jr.config.jax_enable_x64 is False
