#!/usr/bin/python3
"""Joins the TSV output of bench_workloads, numpy_peers.py and run.sh into
one Markdown report: the workload table with ratios, targets and fraction of
the machine limit, then the details (factorization, product rate, first
touch, limits, memory). Usage: report.py FILE.tsv..."""
import sys

meta = {}
res = {}  # (work, dtype, impl, threads, phase) -> (count, median, min, max)

for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if p[0] == "#" and len(p) >= 3:
                meta[p[1]] = p[2]
            elif len(p) == 9:
                res[(p[0], p[1], p[2], int(p[3]), p[4])] = tuple(
                    float(x) for x in p[5:])


def get(work, dtype, impl, phase="total", threads=1):
    return res.get((work, dtype, impl, threads, phase))


def rate(work, dtype, impl, phase="total", threads=1):
    r = get(work, dtype, impl, phase, threads)
    return r[0] / r[1] if r else None


def fmt_rate(x, unit=1e6):
    if x is None:
        return "-"
    v = x / unit
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


def fmt_ratio(x):
    return "-" if x is None else f"{x:.2f}x"


def div(a, b):
    return a / b if a is not None and b else None


F32, F64 = "float32", "float64"
WORDS = {F32: 1, F64: 2}  # threefry 32-bit words per normal (JAX's bits)
BYTES = {F32: 4, F64: 8}
NDIM = {"W1": 3, "W2": 100, "W3": 1000, "W4": 4}

tf = rate("L", "uint32", "threefry_cache", "words")
bw = max([x for x in (rate("L", "-", "memset", "write"),
                      rate("L", "-", "ntstore", "write")) if x] or [0]) or None


def limit_rate(work, dtype):
    """Samples/s if the work ran at the machine limit on one thread: the
    normals at the cache-resident threefry rate or the output at the write
    bandwidth, whichever is slower, plus (W2, W3) the product at the GEMM
    rate of that shape."""
    if not tf or not bw:
        return None
    n = NDIM.get(work, 1)
    t = max(n * WORDS[dtype] / tf, n * BYTES[dtype] / bw)
    if work in ("W2", "W3"):
        g = rate(work, dtype, "dgemm" if dtype == F64 else "sgemm", "gemm")
        if not g:
            return None
        t += 2.0 * n * n / g
    return 1.0 / t


targets = []  # (what, value, goal)
rows = []


def peer_best(work):
    if work == "W4":
        c = [(rate("W4", F64, i), i) for i in ("numpy_einsum", "numpy_matmul")]
        c = [x for x in c if x[0]]
        return max(c) if c else (None, None)
    return rate(work, F64, "numpy"), "numpy"


for work in ("W1", "W2", "W3", "W4", "W5"):
    for dt in (F32, F64):
        j1 = rate(work, dt, "jr")
        if work == "W4":  # the faster of create + sample and the one call
            j1 = max((r for r in (j1, rate(work, dt, "jr_oneshot")) if r),
                     default=None)
        if j1 is None:
            continue
        j2 = rate(work, dt, "jr", threads=2)
        if work == "W5":
            npr, npname = rate(work, dt, "numpy"), "numpy"
        else:
            npr, npname = peer_best(work)
        gs = rate(work, F64, "gsl")
        lim = limit_rate(work, dt)
        ratio = div(j1, npr)
        goal = {("W5", F32): 4, ("W5", F64): 2, ("W1", F64): 3,
                ("W1", F32): 5, ("W2", F64): 1.8, ("W2", F32): 3.5,
                ("W3", F64): 1.8, ("W3", F32): 3.5, ("W4", F64): 4.5,
                ("W4", F32): 4.5}.get((work, dt))
        peer_dt = dt if work == "W5" else F64
        if goal:
            targets.append((f"{work} {dt} vs NumPy {peer_dt}"
                            + (f" ({npname})" if work == "W4" else ""),
                            ratio, goal))
        if j2 is not None:
            targets.append((f"{work} {dt} 2 threads / 1 thread", div(j2, j1),
                            1.8))
        rows.append((work, dt, fmt_rate(j1), fmt_rate(j2),
                     fmt_ratio(div(j2, j1)), fmt_rate(npr),
                     fmt_rate(gs) if dt == F64 else "-", fmt_ratio(ratio),
                     f">= {goal}x" if goal else "-",
                     ("yes" if ratio >= goal else "NO")
                     if goal and ratio else "-",
                     f"{100 * j1 / lim:.0f}%" if lim else "-"))

# W2/W3: the product's share of the sample time against gemm at its shape.
# The factor is triangular (cholesky): the product's flops are those of the
# triangle, n (n + 1) per row (n (n + 1) / 2 fma), gemm's 2 n^2.
prod = {}
for work in ("W2", "W3"):
    for dt in (F32, F64):
        s, z = get(work, dt, "jr", "sample"), get(work, dt, "jr", "z")
        g = rate(work, dt, "dgemm" if dt == F64 else "sgemm", "gemm")
        if s and z and g:
            n = NDIM[work]
            t = s[1] - z[1]
            pr = s[0] * n * (n + 1) / t if t > 0 else None
            prod[(work, dt)] = (pr, g, div(pr, g))
for dt in (F32, F64):
    if ("W3", dt) in prod:
        targets.append((f"W3 {dt} product rate (triangle flops) / "
                        f"{'dgemm' if dt == F64 else 'sgemm'}",
                        prod[("W3", dt)][2], 0.85))
rss = meta.get("cli_peak_rss_kib")
if rss:
    targets.append(("peak RSS of the 1e8 x 3 float32 CLI run, MiB",
                    int(rss) / 1024, 64))

out = []
w = out.append
w("## Run")
w("")
for k in ("date", "commit", "cpu", "cpu_flags", "isa", "threads", "reps",
          "scale", "jaxrandom", "openblas", "openblas_core", "gsl", "numpy",
          "numpy_blas",
          "env_OPENBLAS_NUM_THREADS", "env_OPENBLAS_CORETYPE",
          "env_OPENBLAS_L2_SIZE"):
    if k in meta:
        w(f"- {k}: {meta[k]}")
loads = [f"{k[5:] or 'start'} {v.split(' (')[0]}" for k, v in meta.items()
         if k.startswith("load")]
if loads:
    w("- loadavg (1/5/15 min; 2 cores) before each part: " + "; ".join(loads))
w("")
w("## Workloads (M samples/s; W5: M normals/s; median of the reps)")
w("")
w("Ratios and targets use jaxrandom on 1 thread with the whole call "
  "(factorization + sampling; W4: the faster of jr_mvn_create + "
  "jr_mvn_sample_rows and jr_multivariate_normal) into a warm buffer; "
  "NumPy is its float64 "
  "call (W4: the faster of the einsum and matmul formulations; W5: "
  "standard_normal with out=, the same dtype). GSL is float64, 1 thread. "
  "'limit' = jaxrandom 1T as a fraction of the machine limit (see below).")
w("")
w("| work | dtype | jr 1T | jr 2T | 2T/1T | NumPy | GSL | jr/NumPy | "
  "target | met | limit |")
w("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    w("| " + " | ".join(r) + " |")
w("")
w("## Targets")
w("")
w("| target | measured | goal | met | by |")
w("|---|---|---|---|---|")
for what, v, goal in targets:
    if v is None:
        w(f"| {what} | - | {goal} | - | - |")
        continue
    if "RSS" in what:
        ok = v <= goal
        w(f"| {what} | {v:.1f} | <= {goal} | {'yes' if ok else 'NO'} | "
          f"{v / goal:.2f} of the cap |")
    else:
        ok = v >= goal
        w(f"| {what} | {v:.2f} | >= {goal} | {'yes' if ok else 'NO'} | "
          f"{100 * (v / goal - 1):+.0f}% |")
w("")
w("## Details")
w("")
w("Factorization and sampling (seconds, median; jaxrandom 1T):")
w("")
w("| work | dtype | impl | factor s | sample s | total s | z alone s |")
w("|---|---|---|---|---|---|---|")
for work in ("W1", "W2", "W3", "W4"):
    for dt, impl in ((F32, "jr"), (F64, "jr"), (F64, "gsl"), (F64, "numpy")):
        t = get(work, dt, impl)
        if not t:
            continue
        cells = [get(work, dt, impl, p) for p in ("factor", "sample")]
        cells += [t, get(work, dt, impl, "z")]
        w(f"| {work} | {dt} | {impl} | " + " | ".join(
            f"{c[1]:.4g}" if c else "-" for c in cells) + " |")
w("")
w("NumPy's 'factor' is np.linalg.cholesky alone and 'z' standard_normal(out=) "
  "of the same count, both outside its timed call; jaxrandom's 'z' is "
  "jr_normal of rows*n. Product rate = rows n (n + 1) / (sample - z) (the "
  "triangle's flops; GEMM's are 2 rows n^2):")
w("")
w("| work | dtype | product GFLOP/s | GEMM GFLOP/s (same shape) | fraction |")
w("|---|---|---|---|---|")
for (work, dt), (pr, g, fr) in prod.items():
    w(f"| {work} | {dt} | {fmt_rate(pr, 1e9)} | {fmt_rate(g, 1e9)} | "
      f"{'-' if fr is None else f'{100 * fr:.0f}%'} |")
w("")
w("First touch (output into fresh pages each run, M/s, 1T):")
w("")
w("| work | dtype | jr warm | jr fresh | NumPy warm | NumPy fresh |")
w("|---|---|---|---|---|---|")
for work in ("W1", "W5"):
    for dt in (F32, F64):
        a = rate(work, dt, "jr")
        if a is None:
            continue
        npw = rate(work, dt, "numpy") if work == "W5" else None
        npc = rate(work, dt, "numpy_cold") if work == "W5" else (
            rate(work, F64, "numpy") if dt == F64 else None)
        w(f"| {work} | {dt} | {fmt_rate(a)} | "
          f"{fmt_rate(rate(work, dt, 'jr_cold'))} | {fmt_rate(npw)} | "
          f"{fmt_rate(npc)} |")
w("")
w("(NumPy's multivariate_normal always returns a fresh array.)")
w("")
w("Machine limits (same run):")
w("")
w("| limit | threads | rate |")
w("|---|---|---|")
for impl, unit, name in (("memset", "write", "memset, warm buffer"),
                         ("ntstore", "write", "non-temporal stores, warm"),
                         ("firsttouch", "write", "memset into fresh pages")):
    r = rate("L", "-", impl, unit)
    if r:
        w(f"| {name} | 1 | {r / 1e9:.2f} GB/s |")
for th in (1, 2):
    for impl, name in (("threefry_cache", "threefry, cache-resident slices"),
                       ("threefry_mem", "threefry into a warm 1e8-word array")):
        r = rate("L", "uint32", impl, "words", th)
        if r:
            w(f"| {name} | {th} | {r / 1e6:.0f} M words/s |")
for work in ("W2", "W3"):
    for dt, g in ((F32, "sgemm"), (F64, "dgemm")):
        r = rate(work, dt, g, "gemm")
        if r:
            n = NDIM[work]
            w(f"| {g} ({get(work, dt, g, 'gemm')[0] / (2 * n * n):.0f} x {n})"
              f" x ({n} x {n}) | 1 | {r / 1e9:.1f} GFLOP/s |")
if rss:
    w("")
    w(f"Memory: `{meta.get('cli_cmd', '?')}`: peak RSS "
      f"{int(rss) / 1024:.1f} MiB, {meta.get('cli_seconds', '?')} s wall.")
print("\n".join(out))
