"""Arguments of every kind and shape give a result or one of the documented
exceptions, never a crash or another exception type."""
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jaxrandom as jr

ALLOWED = (TypeError, ValueError, OverflowError, NotImplementedError,
           MemoryError, AttributeError)

small_ints = st.one_of(st.integers(-3, 40), st.sampled_from([2**63, -2**63, 2**70, -2**31]))
scalars = st.one_of(small_ints, st.floats(allow_nan=True), st.booleans(),
                    st.none(), st.text(max_size=3), st.complex_numbers())
dtypes = st.sampled_from(["float16", "float32", "float64", "bfloat16", "int8",
                          "uint8", "uint32", "uint64", "bool", "complex64",
                          "object", "U3", "V4", "M8[s]", float, int, bool,
                          complex, np.float32, "nope"])


@st.composite
def arrays(draw):
    shape = tuple(draw(st.lists(st.integers(0, 4), max_size=4)))
    dt = draw(st.sampled_from(["float16", "float32", "float64", "int32",
                               "uint32", "uint64", "bool", ">f8", ">u4",
                               "complex64", "object"]))
    a = np.zeros(shape, dt)
    if a.size and dt != "object":
        a = np.asarray(draw(st.lists(st.integers(0, 3), min_size=a.size,
                                     max_size=a.size))).reshape(shape).astype(dt)
    if draw(st.booleans()) and a.ndim > 1:
        a = a.T
    return a


anything = st.one_of(scalars, arrays(), st.lists(scalars, max_size=3),
                     st.tuples(small_ints, small_ints), dtypes,
                     st.just(slice(1, 3)), st.just(slice(None, None, 2)))
keys = st.one_of(st.just(np.array([0, 7], np.uint32)), arrays(), scalars,
                 st.just(np.zeros((2, 2), np.uint32)))


def call(f, *args, **kw):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f(*args, **kw)
    except ALLOWED:
        pass


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(k=keys, a=anything, b=anything, c=anything, d=anything,
       x64=st.booleans(), which=st.integers(0, 9))
def test_no_crash(k, a, b, c, d, x64, which):
    with jr.enable_x64(x64):
        if which == 0:
            call(jr.key, a)
            call(jr.PRNGKey, b, impl=c)
        elif which == 1:
            call(jr.split, k, a)
            call(jr.fold_in, k, b)
        elif which == 2:
            call(jr.bits, k, a, b, rows=c)
        elif which == 3:
            call(jr.uniform, k, a, b, c, d)
        elif which == 4:
            call(jr.normal, k, a, b, threads=c, rows=d)
        elif which == 5:
            call(jr.normal, k, (3,), out=a)
        elif which == 6:
            call(jr.multivariate_normal, k, a, b, c, d)
        elif which == 7:
            call(jr.multivariate_normal, k, np.zeros(2), np.eye(2), a, b,
                 method=c, rows=d)
        elif which == 8:
            call(jr.MultivariateNormal, a, b, c, check_valid=d)
        else:
            s = jr.MultivariateNormal(np.zeros(2), np.eye(2), (3,))
            call(s.sample, k, out=a, threads=b, rows=c)
            call(s.factor, d)
