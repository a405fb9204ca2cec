#!/usr/bin/python3
"""NumPy peers of bench_workloads (W1..W5), single-threaded.

Prints the same tab-separated lines as bench_workloads:
    #  key  value
    work dtype impl threads phase count median min max   (seconds)
Run with Debian's /usr/bin/python3 (numpy 1.24) and OPENBLAS_NUM_THREADS=1;
bench/run.sh does both. The inputs use the same formulas as the C program
(AR(1) covariances rho^|i-j|; W4: rho_k = 0.9 sin k, mean cos(k + i)).

Usage: numpy_peers.py [--reps N] [--scale X] [--only W1,W2,W3,W4,W5]
"""
import argparse
import ctypes
import os
import sys
import time

import numpy as np


def emit(work, dtype, impl, phase, count, times):
    t = sorted(times)
    k = len(t)
    med = t[k // 2] if k % 2 else 0.5 * (t[k // 2 - 1] + t[k // 2])
    print(f"{work}\t{dtype}\t{impl}\t1\t{phase}\t{count:.0f}\t{med:.6g}"
          f"\t{t[0]:.6g}\t{t[-1]:.6g}", flush=True)
    print(f"  {work:3} {dtype:7} {impl:14} {phase:7} {med:10.4f} s "
          f"{count / med / 1e6:10.2f} M/s", file=sys.stderr, flush=True)


def timed(fn, reps):
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        r = fn()
        out.append(time.perf_counter() - t0)
        del r  # freeing a fresh result (munmap) stays out of the time
    return out


def ar1(n, rho):
    i = np.arange(n)
    return np.power(rho, np.abs(i[:, None] - i[None, :]).astype(np.float64))


def blas_config():
    """The OpenBLAS numpy runs: its config string names the kernel (Zen,
    Haswell, ...), which OPENBLAS_CORETYPE would override."""
    seen = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if ("blas" in p or "lapack" in p) and p not in seen:
                seen.add(p)
                try:
                    fn = ctypes.CDLL(p).openblas_get_config
                    fn.restype = ctypes.c_char_p
                    return f"{fn().decode()} ({p})"
                except (OSError, AttributeError):
                    continue
    return "not OpenBLAS: " + ", ".join(sorted(seen))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--only", default="W1,W2,W3,W4,W5")
    a = ap.parse_args()
    only = set(a.only.split(","))
    reps = a.reps

    def sc(x):
        return max(1, int(x * a.scale))

    print(f"#\tnumpy\t{np.__version__} (python {sys.version.split()[0]})")
    print(f"#\tnumpy_blas\t{blas_config()}")
    for v in ("OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        print(f"#\tenv_{v}\t{os.environ.get(v, '(unset)')}")
    rng = np.random.Generator(np.random.PCG64(42))

    for work, n, rows in (("W1", 3, sc(1e7)), ("W2", 100, sc(1e5)),
                          ("W3", 1000, sc(1e4))):
        if work not in only:
            continue
        print(f"{work}: n={n}, {rows} samples", file=sys.stderr)
        mean = 0.5 * (np.arange(n) % 5) - 1.0
        cov = ar1(n, 0.5)
        # The whole call: factorization, draws, product, a fresh result array.
        t = timed(lambda: rng.multivariate_normal(mean, cov, size=rows,
                                                  method="cholesky"), reps)
        emit(work, "float64", "numpy", "total", rows, t)
        # Its parts, to show where the time goes.
        t = timed(lambda: np.linalg.cholesky(cov), reps)
        emit(work, "float64", "numpy", "factor", rows, t)
        z = np.empty((rows, n))
        t = timed(lambda: rng.standard_normal(out=z), reps)
        emit(work, "float64", "numpy", "z", rows * n, t)

    if "W4" in only:
        k, n = sc(1e5), 4
        print(f"W4: {k} covariances of 4x4, one sample each", file=sys.stderr)
        rho = 0.9 * np.sin(np.arange(k, dtype=np.float64))
        i = np.arange(n)
        lag = np.abs(i[:, None] - i[None, :]).astype(np.float64)
        cov = np.power(rho[:, None, None], lag[None])
        mean = np.cos(np.arange(k)[:, None] + i[None, :].astype(np.float64))

        def w4_einsum():
            ell = np.linalg.cholesky(cov)
            z = rng.standard_normal((k, n))
            return mean + np.einsum("kij,kj->ki", ell, z)

        def w4_matmul():
            ell = np.linalg.cholesky(cov)
            z = rng.standard_normal((k, n, 1))
            return mean + (ell @ z)[..., 0]

        emit("W4", "float64", "numpy_einsum", "total", k,
             timed(w4_einsum, reps))
        emit("W4", "float64", "numpy_matmul", "total", k,
             timed(w4_matmul, reps))
        emit("W4", "float64", "numpy", "factor", k,
             timed(lambda: np.linalg.cholesky(cov), reps))

    if "W5" in only:
        count = sc(1e8)
        print(f"W5: {count} standard normals", file=sys.stderr)
        for dt in (np.float32, np.float64):
            name = np.dtype(dt).name
            buf = np.zeros(count, dtype=dt)  # warm: pages faulted in
            emit("W5", name, "numpy", "total", count,
                 timed(lambda: rng.standard_normal(dtype=dt, out=buf), reps))
            del buf
            emit("W5", name, "numpy_cold", "total", count,
                 timed(lambda: rng.standard_normal(count, dtype=dt), reps))


if __name__ == "__main__":
    main()
