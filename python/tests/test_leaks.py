"""No reference leaks: 10^5 rounds of every entry point, successful and
failing, grow neither the process's resident memory nor the reference
counts of the arguments."""
import gc
import sys
import warnings

import numpy as np

import jaxrandom as jr

ROUNDS = 100_000


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def one_round(key, keys, mean, cov, sampler, out, bad_key, shape, lo):
    jr.key(1)
    jr.PRNGKey(2)
    jr.fold_in(key, 3)
    jr.split(key, 2)
    jr.bits(key, shape)
    jr.uniform(key, shape, minval=-1.0, maxval=2.0)
    jr.uniform(key, shape, minval=lo)
    jr.normal(key, shape)
    jr.normal(key, shape, out=out)
    jr.normal(key, (8,), rows=(2, 5))
    jr.normal(key, shape, np.float64)  # truncation warning (ignored)
    jr.multivariate_normal(key, mean, cov, (2,), check_valid="warn")
    sampler.sample(key, rows=(0, 1))
    sampler.factor(0)
    sampler.log_prob(mean)
    # a fresh object whose density is built on first use, then freed
    jr.MultivariateNormal(mean, np.eye(3), method="eigh").pdf(mean)
    for f, args in ((jr.normal, (bad_key,)), (jr.normal, (key, "x")),
                    (jr.bits, (key, shape, np.float32)),
                    (jr.multivariate_normal, (key, mean, mean)),
                    (jr.multivariate_normal, (keys, mean, cov)),
                    (sampler.log_prob, (np.zeros(2, np.float32),)),
                    (jr.normal, (key, shape, None, np.empty(1)))):
        try:
            f(*args)
        except (TypeError, ValueError):
            pass
        else:
            raise AssertionError("no error from %s%r" % (f.__name__, args))


def test_no_leaks():
    key = jr.key(0)
    keys = jr.split(key, 2)
    mean = np.zeros(3, np.float32)
    cov = np.array([[1.0, 2.0, 0], [2.0, 1.0, 0], [0, 0, 1.0]])  # warns
    sampler = jr.MultivariateNormal(mean, np.eye(3), (4,))
    out = np.empty(4, np.float32)
    bad_key = np.zeros(2, np.int32)
    shape = (4,)
    lo = np.zeros(4)
    args = (key, keys, mean, cov, sampler, out, bad_key, shape, lo)
    watched = list(args) + [np.float32, np.float64, np.uint32]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(ROUNDS // 10):  # warm-up: caches, allocator pools
            one_round(*args)
        gc.collect()
        refs = [sys.getrefcount(o) for o in watched]
        before = rss_bytes()
        for _ in range(ROUNDS):
            one_round(*args)
        gc.collect()
        grown = rss_bytes() - before
    assert [sys.getrefcount(o) for o in watched] == refs
    # a leak of even one small object per round would be >= 5 MB
    assert grown < 2 * 2**20, "RSS grew by %d bytes over %d rounds" % (grown, ROUNDS)
