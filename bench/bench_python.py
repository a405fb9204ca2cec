#!/usr/bin/python3
"""The Python package's speed against the C API and NumPy, in one run.

1. Throughput: jaxrandom.normal(key, (N,), float32) (default N = 10**8)
   against jr_normal through the C API of the same library (libjaxrandom.so
   via ctypes, one call, so the binding costs nothing there), both into a
   preallocated buffer (out=) and into a fresh one per call.
2. Per-call overhead: jaxrandom.normal(key, (1,)) against NumPy's
   Generator.standard_normal(1).

Run with the package installed (README, "Python"), from the repository root:
    _build/pyvenv/bin/python bench/bench_python.py [--n N] [--reps R] [--lib PATH]
Without --lib, libjaxrandom.so is built with CMake into _build/bench-python.
Reports medians (and minima) of R repetitions; timings on a shared machine
are noisy, so compare the numbers of one run only.
"""
import argparse
import ctypes
import os
import statistics
import subprocess
import sys
import time
import timeit

import numpy as np

import jaxrandom as jr

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def shared_library(path):
    if path:
        return path
    build = os.path.join(ROOT, "_build", "bench-python")
    subprocess.run(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                    "-DJR_BUILD_TESTS=OFF", "-DJR_BUILD_CLI=OFF"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build, "--target", "jaxrandom", "-j",
                    str(os.cpu_count() or 1)], check=True, stdout=subprocess.DEVNULL)
    for root, _, files in os.walk(build):
        for f in files:
            if f.startswith("libjaxrandom.so"):
                return os.path.join(root, f)
    sys.exit("bench_python: no libjaxrandom.so in " + build)


class Key(ctypes.Structure):
    _fields_ = [("k", ctypes.c_uint32 * 2)]


def c_api(lib_path):
    lib = ctypes.CDLL(lib_path)
    f = lib.jr_normal  # (ctx, key, dtype, ndim, shape, out)
    f.argtypes = [ctypes.c_void_p, Key, ctypes.c_int, ctypes.c_int,
                  ctypes.POINTER(ctypes.c_int64), ctypes.c_void_p]
    f.restype = ctypes.c_int
    return f


def timed(fn, reps):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), min(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10**8)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--lib", help="libjaxrandom.so (default: build one)")
    a = ap.parse_args()

    key = jr.key(0)
    jr_normal = c_api(shared_library(a.lib))
    ckey = Key((ctypes.c_uint32 * 2)(*key.tolist()))
    shape = (ctypes.c_int64 * 1)(a.n)
    JR_FLOAT32 = 3

    def c_into(buf):
        st = jr_normal(None, ckey, JR_FLOAT32, 1, shape, buf.ctypes.data)
        assert st == 0, st

    print("# jaxrandom %s (library %s), kernels %s, %d cores, loadavg %s"
          % (jr.__version__, jr._core._library_version(), jr._core._isa(),
             os.cpu_count(), " ".join(open("/proc/loadavg").read().split()[:3])))
    buf_c = np.empty(a.n, np.float32)
    buf_py = np.empty(a.n, np.float32)
    c_into(buf_c)  # first touch of the pages, and a check of the bytes
    jr.normal(key, (a.n,), np.float32, out=buf_py)
    assert buf_c.tobytes() == buf_py.tobytes(), "C API and Python differ"

    # interleaved, so both see the same machine load
    rows = []
    for name, c_fn, py_fn in [
        ("preallocated", lambda: c_into(buf_c),
         lambda: jr.normal(key, (a.n,), np.float32, out=buf_py)),
        ("fresh buffer", lambda: c_into(np.empty(a.n, np.float32)),
         lambda: jr.normal(key, (a.n,), np.float32)),
    ]:
        tc, tp = [], []
        for _ in range(a.reps):
            tc.append(timed(c_fn, 1)[0])
            tp.append(timed(py_fn, 1)[0])
        mc, mp = statistics.median(tc), statistics.median(tp)
        rows.append((name, mc, min(tc), mp, min(tp)))
    print("normal float32, N = %d, median (min) of %d:" % (a.n, a.reps))
    for name, mc, nc, mp, np_ in rows:
        print("  %-13s C API %7.1f M/s (%7.1f)   Python %7.1f M/s (%7.1f)   "
              "Python/C time %.3f" % (name, a.n / mc / 1e6, a.n / nc / 1e6,
                                      a.n / mp / 1e6, a.n / np_ / 1e6, mp / mc))

    # The GIL is released while sampling: a Python thread keeps running.
    import threading
    done = threading.Event()
    spins = [0]

    def spin():
        while not done.is_set():
            spins[0] += 1
    t = threading.Thread(target=spin)
    t.start()
    time.sleep(0.05)
    before = spins[0]
    t0 = time.perf_counter()
    jr.normal(key, (a.n,), np.float32, out=buf_py)
    dt = time.perf_counter() - t0
    during = spins[0] - before
    done.set()
    t.join()
    print("GIL: another Python thread ran %d loop iterations during the "
          "%.2f s call" % (during, dt))

    rng = np.random.default_rng(0)
    calls = 20000
    per = {}
    for name, fn in [("numpy Generator.standard_normal(1)",
                      lambda: rng.standard_normal(1)),
                     ("jaxrandom.normal(key, (1,))", lambda: jr.normal(key, (1,)))]:
        ts = [t / calls for t in timeit.repeat(fn, number=calls, repeat=9)]
        per[name] = (statistics.median(ts), min(ts))
    print("per-call time, median (min) of 9 x %d calls:" % calls)
    for name, (med, mn) in per.items():
        print("  %-36s %6.3f us (%6.3f)" % (name, med * 1e6, mn * 1e6))
    (nm, _), (jm, _) = per.values()
    print("  ratio jaxrandom / numpy: %.2f" % (jm / nm))


if __name__ == "__main__":
    main()
