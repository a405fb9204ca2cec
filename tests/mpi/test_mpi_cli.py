#!/usr/bin/env python3
"""jaxrandom-mpi against jaxrandom: for one rank count P, every case's .npy
written by `mpirun -np P jaxrandom-mpi ...` must have the SHA-256 of the
single-process `jaxrandom ... --out` file; failures on one rank must end
every rank with a non-zero status, one message, and no file.

usage: test_mpi_cli.py JAXRANDOM JAXRANDOM_MPI NP WORKDIR MPIEXEC [ARGS...]
(standard library only: runs in CI without NumPy)."""
import hashlib
import os
import shutil
import signal
import struct
import subprocess
import sys
import time

JR, JRM = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
NP, WORK = int(sys.argv[3]), os.path.abspath(sys.argv[4])
MPIEXEC = sys.argv[5:]
TIMEOUT = 180
failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print("FAIL:", what, flush=True)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run(cmd, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([str(c) for c in cmd], capture_output=True,
                          text=True, timeout=TIMEOUT, env=e,
                          stdin=subprocess.DEVNULL)


def mpirun(args, np=NP, env=None):
    return run(MPIEXEC + ["-np", str(np), JRM] + list(args), env)


def write_npy(path, shape, values, fmt="<f8", code="d"):
    """A C-order little-endian .npy, version 1.0."""
    sh = "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1
                                                   else "") + ")"
    d = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (fmt, sh)
    pad = 64 - (10 + len(d) + 1) % 64
    hdr = d + " " * pad + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)))
        f.write(hdr.encode("latin1"))
        f.write(struct.pack("<%d%s" % (len(values), code), *values))


def temps_left(directory):
    return [n for n in os.listdir(directory) if n.startswith(".")]


os.makedirs(WORK, exist_ok=True)
for name in os.listdir(WORK):  # leftovers of an earlier run
    p = os.path.join(WORK, name)
    shutil.rmtree(p) if os.path.isdir(p) else os.unlink(p)

# Inputs as files every rank reads: a batched covariance (4, 3, 3) and means.
covs = []
for b in range(4):
    s = 1.0 + 0.5 * b
    covs += [2.0 * s, 0.6, -0.4, 0.6, 1.0 * s, 0.3, -0.4, 0.3, 0.5 * s]
cov_npy = os.path.join(WORK, "cov_batch.npy")
write_npy(cov_npy, (4, 3, 3), covs)
mean_npy = os.path.join(WORK, "mean.npy")
write_npy(mean_npy, (3,), [1.0, -2.0, 0.5], "<f4", "f")
mean_csv = os.path.join(WORK, "mean.csv")
with open(mean_csv, "w") as f:
    f.write("0.5,1.5,-1\n")

# n = 20: the mvn transform's blocked BLAS path (n > 16), whose blocks must
# not depend on where a rank's rows start.
n20 = 20
cov20 = [(4.0 if i == j else 0.5 / (1 + abs(i - j))) for i in range(n20)
         for j in range(n20)]
cov20_npy = os.path.join(WORK, "cov20.npy")
write_npy(cov20_npy, (n20, n20), cov20)
mean20_npy = os.path.join(WORK, "mean20.npy")
write_npy(mean20_npy, (n20,), [0.25 * i for i in range(n20)])

MEAN = "[1, 2, 3]"
COV = "[[2, 0.5, 0], [0.5, 1, 0.2], [0, 0.2, 0.5]]"
CASES = [
    # name, arguments (without --out); shapes do not divide evenly by 2..4
    ("normal_f32", ["normal", "--seed", 1, "--shape", "1001,3"]),
    ("normal_f16", ["normal", "--seed", 2, "--shape", 4099, "--dtype",
                    "float16"]),
    ("normal_bf16_legacy", ["normal", "--seed", 3, "--shape", "37,3",
                            "--dtype", "bfloat16", "--legacy"]),
    ("normal_f64_x64", ["normal", "--seed", 4, "--shape", "5,7,3", "--x64",
                        "--dtype", "float64"]),
    # 16 MiB blocks of float64: 2097152 records; 3 * 2097152 + 2 records
    # give ranks different block counts (P = 3: 2, 2, 1), so some ranks join
    # the last collective write with nothing to write.
    ("normal_f64_blocks", ["normal", "--seed", 17, "--shape", 6291458,
                           "--x64", "--dtype", "float64"]),
    ("normal_scalar", ["normal", "--seed", 5]),
    ("normal_empty", ["normal", "--seed", 5, "--shape", "0,3"]),
    ("uniform_f32", ["uniform", "--seed", 6, "--shape", 999, "--minval", -2,
                     "--maxval", 3]),
    ("uniform_f64_legacy", ["uniform", "--seed", 7, "--shape", "101,3",
                            "--x64", "--dtype", "float64", "--legacy"]),
    ("bits_u8", ["bits", "--seed", 8, "--shape", 1003, "--width", 8]),
    ("bits_u16_legacy", ["bits", "--seed", 9, "--shape", "3,333",
                         "--width", 16, "--legacy"]),
    ("bits_u64_x64", ["bits", "--seed", 10, "--shape", "5,7", "--x64",
                      "--width", 64]),
    ("bits_u32_key", ["bits", "--key", "7,9", "--shape", 1001]),
    ("mvn", ["multivariate-normal", "--seed", 0, "--mean", MEAN, "--cov", COV,
             "--shape", 1001]),
    ("mvn_legacy", ["multivariate-normal", "--seed", 11, "--mean", MEAN,
                    "--cov", COV, "--shape", "7,11", "--legacy"]),
    ("mvn_batched_cov", ["multivariate-normal", "--seed", 12, "--mean",
                         mean_npy, "--cov", cov_npy, "--shape", "25,4"]),
    ("mvn_batched_x64_eigh", ["multivariate-normal", "--seed", 13, "--mean",
                              mean_csv, "--cov", cov_npy, "--x64",
                              "--method", "eigh"]),
    ("mvn_n20", ["multivariate-normal", "--seed", 15, "--mean", mean20_npy,
                 "--cov", cov20_npy, "--shape", 2003]),
    ("mvn_n20_x64_legacy", ["multivariate-normal", "--seed", 16, "--mean",
                            mean20_npy, "--cov", cov20_npy, "--shape", 517,
                            "--x64", "--legacy"]),
    ("mvn_rows", ["multivariate-normal", "--seed", 14, "--mean", MEAN,
                  "--cov", COV, "--shape", 1000, "--rows", "13:777"]),
    # Every rank's rows use every covariance: each is factored on one rank
    # and sent to the others.
    ("mvn_batched_svd", ["multivariate-normal", "--seed", 18, "--mean",
                         mean_npy, "--cov", cov_npy, "--shape", "25,4",
                         "--method", "svd"]),
    ("mvn_batched_eigh_rows", ["multivariate-normal", "--seed", 19, "--mean",
                               mean_npy, "--cov", cov_npy, "--shape", "25,4",
                               "--method", "eigh", "--rows", "3:90"]),
]

for name, args in CASES:
    ref = os.path.join(WORK, name + ".ref.npy")
    out = os.path.join(WORK, "%s.np%d.npy" % (name, NP))
    r = run([JR] + args + ["--out", ref, "--quiet"])
    check(r.returncode == 0, "%s: jaxrandom failed: %s" % (name, r.stderr))
    r = mpirun(args + ["--out", out, "--quiet"])
    check(r.returncode == 0,
          "%s: jaxrandom-mpi -np %d failed: %s" % (name, NP, r.stderr))
    if r.returncode == 0 and os.path.exists(ref):
        check(sha(out) == sha(ref),
              "%s: -np %d differs from one process" % (name, NP))
check(not temps_left(WORK), "temporary files left: %s" % temps_left(WORK))

# Every rank's own exit status: a wrapper records it and exits 0, so mpirun
# never kills a rank before it has ended by itself.
wrap = os.path.join(WORK, "rank_status.sh")
with open(wrap, "w") as f:
    f.write('#!/bin/sh\nd="$1"; shift\n"$@"\n'
            'echo $? > "$d/status.${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-x}}"\n'
            'exit 0\n')
os.chmod(wrap, 0o755)


def rank_statuses(args, env=None, tag="s"):
    d = os.path.join(WORK, "status_" + tag)
    os.makedirs(d, exist_ok=True)
    for n in os.listdir(d):
        os.unlink(os.path.join(d, n))
    r = run(MPIEXEC + ["-np", str(NP), wrap, d, JRM] + [str(a) for a in args],
            env)
    got = {}
    for n in os.listdir(d):
        with open(os.path.join(d, n)) as f:
            got[n] = f.read().strip()
    return r, got


def error_lines(stderr):
    return [l for l in stderr.splitlines() if l.startswith("jaxrandom-mpi")
            and ": error: " in l]


def expect_failure(tag, args, env, rank_named, what):
    out = os.path.join(WORK, tag + ".npy")
    full = args + ["--out", out]
    r = mpirun(full, env=env)
    check(r.returncode != 0, "%s: mpirun exit status 0" % tag)
    lines = error_lines(r.stderr)
    check(len(lines) == 1, "%s: expected one error line, got %r" %
          (tag, r.stderr))
    if lines:
        check("rank %d of %d" % (rank_named, NP) in lines[0] and
              what in lines[0], "%s: message %r" % (tag, lines[0]))
    check(not os.path.exists(out), "%s: output file exists" % tag)
    check(not temps_left(WORK), "%s: temporary files left: %s" %
          (tag, temps_left(WORK)))
    r, st = rank_statuses(full, env, tag)
    check(len(st) == NP and all(v not in ("", "0") for v in st.values()),
          "%s: every rank must exit non-zero, got %r" % (tag, st))
    check(not os.path.exists(out), "%s: output file exists (2)" % tag)


last = NP - 1
# A failure while writing, on the last rank only (test hook).
expect_failure("fail_write", ["normal", "--seed", 1, "--shape", "1001,3"],
               {"JAXRANDOM_MPI_TEST_FAIL_RANK": str(last),
                "OMPI_MCA_mca_base_env_list": "JAXRANDOM_MPI_TEST_FAIL_RANK"},
               last, "injected failure")
# A covariance that is not positive semidefinite under --check-valid raise:
# validated once, by the rank that factors it (every rank's rows use all 4
# covariances, so the owner of element 2 is rank 2 mod P), one message
# naming the batch element.
bad_covs = list(covs)
bad_covs[18:27] = [1.0, 2.0, 0.0, 2.0, 1.0, 0.0, 0.0, 0.0, 1.0]
bad_cov_npy = os.path.join(WORK, "cov_bad.npy")
write_npy(bad_cov_npy, (4, 3, 3), bad_covs)
expect_failure("check_valid", ["multivariate-normal", "--seed", 1, "--mean",
                               mean_npy, "--cov", bad_cov_npy, "--shape",
                               "25,4", "--check-valid", "raise"], None,
               2 % NP, "cov batch element 2 ")
os.unlink(bad_cov_npy)
# A bad input path (every rank sees it missing; rank 0 is named).
expect_failure("bad_input", ["multivariate-normal", "--seed", 1, "--mean",
                             os.path.join(WORK, "missing.npy"), "--cov", COV,
                             "--shape", 10], None, 0, "missing.npy")
# A covariance whose n is not the mean's: refused from its .npy header by
# rank 0 (the header claims a million 2x2 matrices over 32 bytes of data).
bigclaim = os.path.join(WORK, "bigclaim.npy")
write_npy(bigclaim, (1000000, 2, 2), [1.0, 0.0, 0.0, 1.0])
expect_failure("cov_header", ["multivariate-normal", "--seed", 1, "--mean",
                              "[0, 0, 0]", "--cov", bigclaim, "--shape", 10],
               None, 0, "cov.shape == (1000000, 2, 2)")
# A --jax older than the supported releases (every rank parses it).
expect_failure("jax_old", ["normal", "--seed", 1, "--shape", 10, "--jax",
                           "0.3.0"], None, 0, "older than the supported")
# --plot is the serial program's (one process draws all samples): refused
# before any work, no picture and no output left.
plot_svg = os.path.join(WORK, "refused.svg")
expect_failure("plot", ["multivariate-normal", "--seed", 1, "--mean",
                        "[0, 0]", "--cov", "[[1, 0.5], [0.5, 1]]", "--shape",
                        10, "--plot", plot_svg], None, 0, "--plot")
check(not os.path.exists(plot_svg), "plot: the picture exists")
# Inputs are read by rank 0 and broadcast. The mean is a relative path and
# the ranks run in different directories (MPMD launch, -wdir): one that has
# m.npy and one that lacks it.
have = os.path.join(WORK, "have")
lack = os.path.join(WORK, "lack")
os.makedirs(have, exist_ok=True)
os.makedirs(lack, exist_ok=True)
shutil.copy(mean_npy, os.path.join(have, "m.npy"))
MARGS = ["multivariate-normal", "--seed", 1, "--mean", "m.npy", "--cov", COV,
         "--shape", 1001]


def mpmd(first_dir, rest_dir, args, prefix=()):
    """Rank 0 runs in first_dir, ranks 1.. in rest_dir."""
    cmd = MPIEXEC + ["-np", "1", "-wdir", first_dir] + list(prefix) + \
        [JRM] + args
    if NP >= 2:
        cmd += [":", "-np", str(NP - 1), "-wdir", rest_dir] + \
            list(prefix) + [JRM] + args
    return run(cmd)


# Only rank 0 can see the input: it works, and equals one process.
out = os.path.join(WORK, "rank0_input.npy")
ref = os.path.join(WORK, "rank0_input.ref.npy")
run([JR] + MARGS[:4] + [os.path.join(have, "m.npy")] + MARGS[5:] +
    ["--out", ref])
r = mpmd(have, lack, MARGS + ["--out", out])
check(r.returncode == 0 and os.path.exists(out) and sha(out) == sha(ref),
      "input seen by rank 0 only: %r" % r.stderr)
# Rank 0 cannot see it (a bad input path on one rank): every rank fails,
# one message naming rank 0, no file.
out = os.path.join(WORK, "rank0_lacks.npy")
r = mpmd(lack, have, MARGS + ["--out", out])
check(r.returncode != 0, "rank 0 lacks input: mpirun exit status 0")
lines = error_lines(r.stderr)
check(len(lines) == 1 and ("rank 0 of %d" % NP) in lines[0] and
      "m.npy" in lines[0], "rank 0 lacks input: message %r" % r.stderr)
check(not os.path.exists(out), "rank 0 lacks input: output file exists")
d = os.path.join(WORK, "status_rank0_lacks")
os.makedirs(d, exist_ok=True)
r = mpmd(lack, have, MARGS + ["--out", out], prefix=(wrap, d))
st = {n: open(os.path.join(d, n)).read().strip() for n in os.listdir(d)}
check(len(st) == NP and all(v not in ("", "0") for v in st.values()),
      "rank 0 lacks input: every rank must exit non-zero, got %r" % st)
check(not temps_left(WORK), "rank 0 lacks input: temporary files left")
# No clobbering without --force; --force replaces the file whole.
out = os.path.join(WORK, "exists.npy")
with open(out, "wb") as f:
    f.write(b"precious")
r = mpirun(["uniform", "--seed", 3, "--shape", 100, "--out", out])
check(r.returncode != 0 and "--force" in r.stderr,
      "no-clobber: %d %r" % (r.returncode, r.stderr))
with open(out, "rb") as f:
    check(f.read() == b"precious", "no-clobber: file changed")
r = mpirun(["uniform", "--seed", 3, "--shape", 100, "--out", out, "--force"])
ref = os.path.join(WORK, "exists.ref.npy")
run([JR, "uniform", "--seed", 3, "--shape", 100, "--out", ref])
check(r.returncode == 0 and sha(out) == sha(ref), "--force: %r" % r.stderr)
# --force through a symbolic link: the file it leads to is replaced in its
# own directory (mode kept), the link stays.
ldir = os.path.join(WORK, "linkdir")
os.makedirs(os.path.join(ldir, "t"), exist_ok=True)
real = os.path.join(ldir, "t", "real.npy")
with open(real, "wb") as f:
    f.write(b"old")
os.chmod(real, 0o600)
lnk = os.path.join(ldir, "l.npy")
os.symlink(os.path.join("t", "real.npy"), lnk)
r = mpirun(["uniform", "--seed", 3, "--shape", 100, "--out", lnk, "--force"])
check(r.returncode == 0 and os.path.islink(lnk) and sha(real) == sha(ref) and
      (os.stat(real).st_mode & 0o7777) == 0o600 and
      not temps_left(os.path.join(ldir, "t")),
      "--force through a link: %r" % r.stderr)
# A device target is written directly (as jaxrandom does): /dev/null.
if os.path.exists("/dev/null"):
    r = mpirun(["normal", "--seed", 1, "--shape", "1001,3", "--out",
                "/dev/null"])
    check(r.returncode == 0, "/dev/null: %r" % r.stderr)
# SIGTERM to mpirun (forwarded to the ranks) while writing: rank 0's
# handler removes the temporary file; no output appears.
sigdir = os.path.join(WORK, "signal")
os.makedirs(sigdir, exist_ok=True)
out = os.path.join(sigdir, "big.npy")
e = dict(os.environ)
proc = subprocess.Popen([str(c) for c in MPIEXEC + [
    "-np", str(NP), JRM, "normal", "--seed", 0, "--shape", 200000000,
    "--quiet", "--out", out]], stdin=subprocess.DEVNULL,
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=e)
deadline = time.time() + 60
while time.time() < deadline and not temps_left(sigdir) and \
        proc.poll() is None:
    time.sleep(0.05)
started = bool(temps_left(sigdir))
proc.send_signal(signal.SIGTERM)
try:
    rc = proc.wait(timeout=TIMEOUT)
except subprocess.TimeoutExpired:
    proc.kill()
    rc = proc.wait()
check(started, "signal: the temporary file never appeared")
check(rc != 0 and not os.path.exists(out) and not temps_left(sigdir),
      "signal: status %d, left %r" % (rc, os.listdir(sigdir)))


def descendants(pid):
    """The pids below `pid` in the process tree (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir("/proc/%d/task" % p)
        except OSError:
            continue
        for t in tasks:
            try:
                with open("/proc/%d/task/%s/children" % (p, t)) as f:
                    kids = [int(x) for x in f.read().split()]
            except OSError:
                kids = []
            out += kids
            todo += kids
    return out


# SIGTERM to mpirun at moments up to the job's end: a file left is whole,
# and a zero status means the whole file; never a temporary file left.
# (mpirun exits non-zero once signalled, and may forward the signal only
# after the ranks have exited: that window cannot be seen by the ranks.)
small = os.path.join(sigdir, "small.npy")
small_ref = os.path.join(sigdir, "small_ref.npy")
small_args = ["normal", "--seed", 3, "--shape", 30000000, "--quiet",
              "--out"]
run([JR] + small_args + [small_ref])


def sigterm_job(delay, env_args=(), wait_for=None):
    """Starts the small job, sends SIGTERM to mpirun `delay` s after the
    temporary file (or `wait_for`) appears; returns (status, file there)."""
    if os.path.exists(small):
        os.unlink(small)
    proc = subprocess.Popen([str(c) for c in MPIEXEC + list(env_args) + [
        "-np", str(NP), JRM] + small_args + [small]],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, env=e)
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None and \
            not (os.path.exists(wait_for) if wait_for else temps_left(sigdir)):
        time.sleep(0.01)
    time.sleep(delay)
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
    return rc, os.path.exists(small)


for delay in [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]:
    rc, there = sigterm_job(delay)
    check((not there or sha(small) == sha(small_ref)) and
          (rc != 0 or there),
          "SIGTERM %.1f s into the write: status %d, file %s" % (
              delay, rc, "left" if there else "absent"))
    check(not temps_left(sigdir),
          "SIGTERM %.1f s into the write: left %r" % (delay,
                                                      temps_left(sigdir)))
# After the file was published, before the ranks exit (held in
# MPI_Finalize by a preloaded wrapper): mpirun's status will be non-zero,
# so rank 0 removes the published file.
preload = os.environ.get("JR_FINALIZE_DELAY_SO")
if preload:
    rc, there = sigterm_job(0.2, ["-x", "LD_PRELOAD=" + preload, "-x",
                                  "JR_TEST_FINALIZE_DELAY_MS=4000"],
                            wait_for=small)
    check(rc != 0 and not there and not temps_left(sigdir),
          "SIGTERM after publishing: status %d, file %s, left %r" % (
              rc, "left" if there else "absent", temps_left(sigdir)))
# SIGKILL of mpirun and every rank: the temporary file stays (nothing can
# catch SIGKILL); the next run writing the same output removes it and
# writes the file.
killed = os.path.join(sigdir, "killed.npy")
proc = subprocess.Popen([str(c) for c in MPIEXEC + [
    "-np", str(NP), JRM, "normal", "--seed", 0, "--shape", 200000000,
    "--quiet", "--out", killed]], stdin=subprocess.DEVNULL,
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=e)
deadline = time.time() + 60
while time.time() < deadline and not temps_left(sigdir) and \
        proc.poll() is None:
    time.sleep(0.05)
time.sleep(0.3)
tree = descendants(proc.pid)
proc.kill()
for pid in tree:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
proc.wait()
deadline = time.time() + 30
while time.time() < deadline and any(os.path.exists("/proc/%d" % p) and
                                     open("/proc/%d/stat" % p).read()
                                     .split()[2] != "Z" for p in tree):
    time.sleep(0.05)
stale = temps_left(sigdir)
check(len(stale) == 1, "SIGKILL: temporary files %r" % stale)
r = mpirun(small_args + [killed])
check(r.returncode == 0 and sha(killed) == sha(small_ref) and
      not temps_left(sigdir),
      "after SIGKILL: status %d, left %r, %r" % (r.returncode,
                                                 os.listdir(sigdir), r.stderr))
for n in ["small.npy", "small_ref.npy", "killed.npy"]:
    if os.path.exists(os.path.join(sigdir, n)):
        os.unlink(os.path.join(sigdir, n))
# --help and --version: once, status 0.
r = mpirun(["--help"])
check(r.returncode == 0 and r.stdout.count("usage:") == 1,
      "--help: %d %r" % (r.returncode, r.stdout))
r = mpirun(["--version"])
check(r.returncode == 0 and r.stdout.count("jaxrandom-mpi ") == 1,
      "--version: %d %r" % (r.returncode, r.stdout))
# Usage errors: one message, non-zero.
r = mpirun(["normal", "--seed", 1, "--shape", 10])
check(r.returncode != 0 and len(error_lines(r.stderr)) == 1 and
      "--out" in r.stderr, "missing --out: %r" % r.stderr)
r = mpirun(["split", "--seed", 1, "--out", os.path.join(WORK, "s.npy")])
check(r.returncode != 0 and len(error_lines(r.stderr)) == 1,
      "split refused: %r" % r.stderr)

# Ranks given different command lines (rank 0 one, the others another):
# agreed on before any output, one message naming rank 1, no file, no hang
# (run's timeout), every rank non-zero.
def disagree(tag, args0, args1, needle, rank=1):
    out = os.path.join(WORK, tag + ".npy")
    a0 = [str(a) for a in args0]
    a1 = [str(a) for a in args1]
    d = os.path.join(WORK, "status_" + tag)
    os.makedirs(d, exist_ok=True)
    cmd = MPIEXEC + ["-np", "1", wrap, d, JRM] + a0 + [":", "-np",
                                                     str(NP - 1), wrap, d,
                                                     JRM] + a1
    try:
        r = run(cmd)
    except subprocess.TimeoutExpired:
        check(False, "%s: hangs" % tag)
        return
    st = {n: open(os.path.join(d, n)).read().strip() for n in os.listdir(d)}
    check(len(st) == NP and all(v not in ("", "0") for v in st.values()),
          "%s: every rank must exit non-zero, got %r" % (tag, st))
    lines = error_lines(r.stderr)
    check(len(lines) == 1 and ("rank %d of %d" % (rank, NP)) in lines[0] and
          needle in lines[0], "%s: message %r" % (tag, r.stderr))
    check(not os.path.exists(out), "%s: output file exists" % tag)
    check(not temps_left(WORK), "%s: temporary files left" % tag)


if NP >= 2:
    OUT = os.path.join(WORK, "%s.npy")
    base = ["normal", "--shape", 1001, "--out"]
    disagree("seeds", base + [OUT % "seeds", "--seed", 1],
             base + [OUT % "seeds", "--seed", 2], "differs")
    disagree("keys", base + [OUT % "keys", "--key", "0,1"],
             base + [OUT % "keys", "--key", "0,2"], "differs")
    disagree("subcommands", base + [OUT % "subcommands", "--seed", 1],
             ["uniform"] + base[1:] + [OUT % "subcommands", "--seed", 1],
             "differs")
    disagree("shapes", base + [OUT % "shapes", "--seed", 1],
             base + [OUT % "shapes", "--seed", 1, "--shape", 1002], "differs")
    disagree("legacy", base + [OUT % "legacy", "--seed", 1],
             base + [OUT % "legacy", "--seed", 1, "--legacy"], "differs")
    disagree("jax", base + [OUT % "jax", "--seed", 1],
             base + [OUT % "jax", "--seed", 1, "--jax", "0.4.31"], "differs")
    disagree("xla_log1p", base + [OUT % "xla_log1p", "--seed", 1, "--x64"],
             base + [OUT % "xla_log1p", "--seed", 1, "--x64", "--xla-log1p",
                     "2026-08"], "differs")
    disagree("bad_option", base + [OUT % "bad_option", "--seed", 1],
             base + [OUT % "bad_option", "--seed", 1, "--bogus"],
             "unknown option")
    disagree("help_one", base + [OUT % "help_one", "--seed", 1],
             base + [OUT % "help_one", "--seed", 1, "--help"], "--help")
    disagree("help_zero", ["--help"], base + [OUT % "help_zero", "--seed", 1],
             "--help")
    disagree("mvn_inputs", ["multivariate-normal", "--seed", 1, "--mean",
                            "[0, 1]", "--cov", "[[1, 0], [0, 1]]", "--shape",
                            10, "--out", OUT % "mvn_inputs"],
             ["multivariate-normal", "--seed", 1, "--mean", "[0, 2]",
              "--cov", "[[1, 0], [0, 1]]", "--shape", 10, "--out",
              OUT % "mvn_inputs"], "differs")
    # Per-rank --threads is not part of the request.
    out = OUT % "threads"
    r = run(MPIEXEC + ["-np", "1", JRM] + [str(a) for a in base] +
            [out, "--seed", 1, "--threads", 1, ":", "-np", str(NP - 1), JRM] +
            [str(a) for a in base] + [out, "--seed", 1, "--threads", 2])
    ref = OUT % "threads_ref"
    run([JR] + base + [ref, "--seed", 1])
    check(r.returncode == 0 and sha(out) == sha(ref),
          "different --threads per rank: %r" % r.stderr)

check(not temps_left(WORK), "temporary files left at the end: %s" %
      temps_left(WORK))

print("test_mpi_cli: np=%d, %d checks, %d failures" % (NP, checks, failures))
sys.exit(1 if failures else 0)
