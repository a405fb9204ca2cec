"""NumPy's W3 and W4 (docs/performance.md) in process CPU time, best of the
repeats, as bench/bench_cputime.c times jaxrandom: W3
Generator.multivariate_normal(method='cholesky'), n = 1000, 10^4 samples,
AR(1) rho = 0.5; W4 np.linalg.cholesky on 10^5 4 x 4 AR(1) covariances
(rho_k = 0.9 sin k) + matmul with standard_normal, mean cos(k + i).
Run with OPENBLAS_NUM_THREADS=1. Usage: numpy_cputime.py [reps]"""
import sys
import time

import numpy as np


def best(f, reps):
    b = float("inf")
    for _ in range(reps):
        t = time.process_time()
        f()
        b = min(b, time.process_time() - t)
    return b


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    rng = np.random.default_rng(0)
    n = 1000
    i = np.arange(n)
    cov = 0.5 ** np.abs(i[:, None] - i[None, :])
    mean = 0.5 * (i % 5) - 1.0
    t = best(lambda: rng.multivariate_normal(mean, cov, size=10000,
                                             method="cholesky"), reps)
    print(f"W3\tfloat64\tnumpy\t{t:.4f} s")
    k = np.arange(100000)
    ii = np.arange(4)
    covs = (0.9 * np.sin(k))[:, None, None] ** \
        np.abs(ii[:, None] - ii[None, :])[None]
    means = np.cos(k[:, None] + ii[None, :])

    def w4():
        f = np.linalg.cholesky(covs)
        z = rng.standard_normal((100000, 4))
        return means + np.matmul(f, z[:, :, None])[:, :, 0]

    print(f"W4\tfloat64\tnumpy_matmul\t{best(w4, reps):.5f} s")


if __name__ == "__main__":
    main()
