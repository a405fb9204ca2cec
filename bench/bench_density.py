#!/usr/bin/python3
"""jaxrandom's multivariate_normal.logpdf against SciPy's in the same run,
one thread (OpenBLAS limited to 1 thread for SciPy too):
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/bench_density.py BENCH_DENSITY [REPS]
BENCH_DENSITY is the bench_density program (-DJR_BUILD_BENCH=ON). Cases:
n = 3 with 10^6 points and n = 100 with 10^5 points, float64, the whole
call (factorization included) on both sides; best and median of REPS,
wall clock, and the best CPU time (process time: steadier on a shared
machine)."""
import os
import platform
import subprocess
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy.stats import multivariate_normal  # noqa: E402

exe = sys.argv[1]
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
            if l.startswith("model name")), platform.processor())
print(f"CPU: {cpu}; load {os.getloadavg()[0]:.2f}; SciPy {scipy.__version__},"
      f" NumPy {np.__version__}")
res = subprocess.run([exe, str(reps)], capture_output=True, text=True,
                     check=True, env=dict(os.environ, JR_THREADS="1"))
ours = {}
for line in res.stdout.splitlines():
    if line.startswith("kernels"):
        print("jaxrandom", line)
        continue
    f = dict(kv.split("=") for kv in line.split()[:6])
    ours[int(f["n"])] = (float(f["best"]), float(f["median"]),
                         float(f["cpu_best"]), float(f["cpu_median"]))
rng = np.random.default_rng(42)
print("| n | points | jaxrandom best / median (s) | SciPy best / median (s) "
      "| SciPy / jaxrandom (best) | CPU s: jaxrandom best / SciPy best "
      "| ratio (CPU best) |")
print("|---|---|---|---|---|---|---|")
for n, m in ((3, 1_000_000), (100, 100_000)):
    a = rng.uniform(-1, 1, (n, n))
    cov = (a @ a.T + n * np.eye(n)) / n
    mean = rng.uniform(-1, 1, n)
    x = rng.uniform(-2, 2, (m, n))
    t, c = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        multivariate_normal.logpdf(x, mean, cov)
        t.append(time.perf_counter() - t0)
        c.append(time.process_time() - c0)
    t.sort()
    c.sort()
    sb, sm = t[0], t[len(t) // 2]
    ob, om, ocb, _ = ours[n]
    print(f"| {n} | {m} | {ob:.4f} / {om:.4f} | {sb:.4f} / {sm:.4f} "
          f"| {sb / ob:.1f}x | {ocb:.4f} / {c[0]:.4f} | {c[0] / ocb:.1f}x |")
