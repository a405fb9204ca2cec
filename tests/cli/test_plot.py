#!/usr/bin/python3
"""End-to-end tests of `--plot FILE.svg` (jaxrandom demo and
multivariate-normal), run by ctest:
    /usr/bin/python3 test_plot.py JAXRANDOM GROUP [--sanitized]
GROUP: svg | errors.
The SVG is parsed with xml.etree (well-formed XML or the test fails); the
numbers it holds are checked against numpy.linalg.eigh of the requested
covariance, against the samples the same command writes with --out (read
with numpy.load) and their moments computed by NumPy, never against an
earlier picture."""
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import numpy as np

EXE, GROUP = sys.argv[1], sys.argv[2]
SANITIZED = "--sanitized" in sys.argv[3:]
TMP = tempfile.mkdtemp(prefix="jr_plot_test_")
SVG = "{http://www.w3.org/2000/svg}"
MAX_POINTS = 5000
FAILS = []
CHECKS = [0]


def check(cond, what):
    CHECKS[0] += 1
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def run(*args, code=0):
    p = subprocess.run([EXE, *map(str, args)], capture_output=True,
                       timeout=600)
    if code is not None and p.returncode != code:
        check(False, f"{args}: exit {p.returncode}, expected {code}; "
                     f"stderr: {p.stderr.decode(errors='replace')[:300]}")
    return p


def tmp(name):
    return os.path.join(TMP, name)


def fresh(*names):
    for n in names:
        if os.path.exists(tmp(n)):
            os.unlink(tmp(n))
    return [tmp(n) for n in names]


def close(a, b, rtol, atol=0.0):
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


# The demo's distribution (examples/mvn3d.c's; docs/cli.md).
DEMO_MEAN = np.array([1.0, -2.0, 0.5])
DEMO_COV = np.array([[2.0, 0.6, -0.4], [0.6, 1.0, 0.3], [-0.4, 0.3, 1.5]])


def lit(a):
    return "[" + ", ".join(lit(x) if np.ndim(x) else repr(float(x))
                           for x in a) + "]"


def f32(a):
    """What the CLI holds for a text input without --x64: float32 values."""
    return np.asarray(a, np.float32).astype(np.float64)


def rotation_deg(transform):
    m = re.fullmatch(r"rotate\(([-0-9.e+]+) ([-0-9.e+]+) ([-0-9.e+]+)\)",
                     transform)
    return [float(v) for v in m.groups()] if m else None


def major_axis_ok(deg, cov2, what):
    """The unit vector at deg is the eigenvector of cov2's larger
    eigenvalue (up to sign), when that axis is defined."""
    w, v = np.linalg.eigh(cov2)
    if w[1] - w[0] <= 1e-6 * abs(w[1]):
        return
    u = np.array([math.cos(math.radians(deg)), math.sin(math.radians(deg))])
    check(abs(abs(u @ v[:, 1]) - 1) < 1e-6, f"{what}: angle {deg} is not the "
          f"major axis {v[:, 1]}")


def parse(path, what):
    """The SVG as a tree, or None (a failed check) if it is not
    well-formed XML."""
    try:
        return ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        check(False, f"{what}: not well-formed XML: {e}")
        return None


def check_picture(path, mean, cov, samples, total_rows, title_parts, what):
    """Checks the picture at path of a distribution (mean, cov: float64 as
    the CLI holds them), samples: the rows written (all of them, to compare
    points and moments), total_rows = len(samples)."""
    root = parse(path, what)
    if root is None:
        return
    check(root.tag == SVG + "svg", f"{what}: root is {root.tag}")
    n = len(mean)
    title = "".join(t.text or "" for t in root.iter(SVG + "text")
                    if t.get("class") == "title")
    for part in title_parts:
        check(part in title, f"{what}: title {title!r} lacks {part!r}")
    pairs = ([(x, y) for y in range(1, n) for x in range(y)] if n <= 4
             else [(0, 1)])
    panels = [g for g in root.iter(SVG + "g") if g.get("class") == "panel"]
    check([(int(g.get("data-x")), int(g.get("data-y"))) for g in panels]
          == pairs, f"{what}: panels {len(panels)} for n = {n}")
    shown = min(total_rows, MAX_POINTS)
    if total_rows > 1:
        smean = samples.mean(axis=0)
        scov = np.cov(samples, rowvar=False)
    for g in panels:
        x, y = int(g.get("data-x")), int(g.get("data-y"))
        pw = f"{what} panel ({x}, {y})"
        frame = [r for r in g.iter(SVG + "rect") if r.get("class") == "frame"]
        check(len(frame) == 1, f"{pw}: one frame")
        fr = frame[0]
        left, top = float(fr.get("x")), float(fr.get("y"))
        width, height = float(fr.get("width")), float(fr.get("height"))
        x0, x1 = float(fr.get("data-x0")), float(fr.get("data-x1"))
        y0, y1 = float(fr.get("data-y0")), float(fr.get("data-y1"))
        sx, sy = width / (x1 - x0), height / (y1 - y0)
        bottom = top + height
        # The ranges hold the 3-sigma ellipse's extent (mean +- 3 sigma).
        for m, v, lo, hi, ax in ((mean[x], cov[x, x], x0, x1, "x"),
                                 (mean[y], cov[y, y], y0, y1, "y")):
            check(lo < m - 3 * math.sqrt(v) and m + 3 * math.sqrt(v) < hi,
                  f"{pw}: {ax} range [{lo}, {hi}] misses 3 sigma")
        # Axis labels: the coordinate, minus the offset the tick labels are
        # relative to (when there is one).
        axl = [t for t in g.iter(SVG + "text")
               if t.get("class") == "axislabel"]
        check(len(axl) == 2, f"{pw}: {len(axl)} axis labels")
        offs = {}
        for t, c in zip(axl, (x, y)):
            off = float(t.get("data-offset"))
            offs[c] = off
            want = f"x{c}" if off == 0 else \
                f"x{c} {'-' if off > 0 else '+'} {abs(off):.15g}"
            check(t.text == want, f"{pw}: axis label {t.text!r}, "
                  f"expected {want!r}")
        # Tick labels sit where their values map; their text is the value
        # less the axis's offset.
        ticks = [t for t in g.iter(SVG + "text")
                 if t.get("class") == "ticklabel"]
        check(len(ticks) >= 6, f"{pw}: {len(ticks)} tick labels")
        for t in ticks:
            v = float(t.get("data-value"))
            if t.get("text-anchor") == "middle":
                off = offs.get(x, 0)
                check(abs(float(t.get("x")) - (left + (v - x0) * sx)) < 0.02,
                      f"{pw}: x tick {v} misplaced")
            else:
                off = offs.get(y, 0)
                check(abs(float(t.get("y")) - 4 - (bottom - (v - y0) * sy))
                      < 0.02, f"{pw}: y tick {v} misplaced")
            check(len(t.text) <= 8 and
                  abs(float(t.text) + off - v) <= 1e-9 * max(1, abs(v)),
                  f"{pw}: tick label {t.text!r} + {off} is not {v}")
        # Points: the first rows, mapped through the panel's scale.
        pts = [c for c in g.iter(SVG + "circle") if c.get("class") == "pt"]
        check(len(pts) == shown, f"{pw}: {len(pts)} points, expected {shown}")
        if pts and len(pts) == shown:
            got = np.array([[float(c.get("cx")), float(c.get("cy"))]
                            for c in pts])
            want = np.stack([left + (samples[:shown, x] - x0) * sx,
                             bottom - (samples[:shown, y] - y0) * sy], axis=1)
            check(close(got, want, 0, 0.006), f"{pw}: points are not the "
                  f"first rows (max error "
                  f"{np.max(np.abs(got - want)):.4f} px)")
        ells = list(g.iter(SVG + "ellipse"))
        req = [e for e in ells if e.get("class") == "requested"]
        smp = [e for e in ells if e.get("class") == "sample"]
        check(sorted(int(e.get("data-sigma")) for e in req) == [1, 2, 3],
              f"{pw}: requested ellipses {len(req)}")
        check(len(smp) == (1 if total_rows > 1 else 0),
              f"{pw}: {len(smp)} sample ellipses for {total_rows} rows")
        check(len(ells) == len(req) + len(smp), f"{pw}: stray ellipses")
        S = np.diag([sx, -sy])
        for e in req + smp:
            k = int(e.get("data-sigma"))
            ew = f"{pw} {e.get('class')} {k}-sigma"
            if e.get("class") == "requested":
                c2 = cov[np.ix_([x, y], [x, y])]
                c = np.array([mean[x], mean[y]])
                tol = 1e-9
            else:
                check(k == 2, f"{ew}: the sample ellipse is 2 sigma")
                c2 = scov[np.ix_([x, y], [x, y])]
                c = smean[[x, y]]
                tol = 1e-7  # streaming sums against NumPy's two passes
            w = np.linalg.eigh(c2)[0]
            # data space: centre, radii k sqrt(eigenvalues), major axis
            check(close([float(e.get("data-cx")), float(e.get("data-cy"))], c,
                        tol, tol), f"{ew}: centre")
            check(close([float(e.get("data-rx")), float(e.get("data-ry"))],
                        k * np.sqrt(w[::-1]), tol, tol),
                  f"{ew}: radii {e.get('data-rx')}, {e.get('data-ry')} "
                  f"against {k * np.sqrt(w[::-1])}")
            major_axis_ok(float(e.get("data-angle")), c2, f"{ew} (data)")
            # pixels: the same ellipse through the panel's scale diag(sx, -sy)
            p2 = S @ c2 @ S
            pw2 = np.linalg.eigh(p2)[0]
            check(close([float(e.get("rx")), float(e.get("ry"))],
                        k * np.sqrt(pw2[::-1]), 0, 0.002),
                  f"{ew}: pixel radii {e.get('rx')}, {e.get('ry')} against "
                  f"{k * np.sqrt(pw2[::-1])}")
            pc = [left + (c[0] - x0) * sx, bottom - (c[1] - y0) * sy]
            check(close([float(e.get("cx")), float(e.get("cy"))], pc, 0,
                        0.002), f"{ew}: pixel centre")
            rot = rotation_deg(e.get("transform", ""))
            check(rot is not None and close(rot[1:], pc, 0, 0.002),
                  f"{ew}: rotation {e.get('transform')} not about the centre")
            if rot is not None:
                w2, v2 = np.linalg.eigh(p2)
                if w2[1] - w2[0] > 1e-3 * w2[1]:
                    u = np.array([math.cos(math.radians(rot[0])),
                                  math.sin(math.radians(rot[0]))])
                    check(abs(abs(u @ v2[:, 1]) - 1) < 1e-7,
                          f"{ew}: pixel rotation {rot[0]} is not the major "
                          f"axis {v2[:, 1]}")
    legend = " ".join(t.text or "" for t in root.iter(SVG + "text"))
    noun = "sample" if total_rows == 1 else "samples"
    check(f"{total_rows} {noun}" in legend, f"{what}: legend lacks "
          f"{total_rows} {noun}")


def example_sources_agree():
    """The demo, python/examples/plot_samples.py and examples/mvn3d.c show
    one example: the same mean, covariance, key and (for the two pictures)
    number of samples."""
    import ast
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    tree = ast.parse(open(os.path.join(root, "python", "examples",
                                       "plot_samples.py")).read())
    consts, defaults = {}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name) and \
                node.targets[0].id in ("MEAN", "COV", "MAX_POINTS"):
            consts[node.targets[0].id] = ast.literal_eval(node.value)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == \
                "add_argument" and node.args and \
                isinstance(node.args[0], ast.Constant):
            for kw in node.keywords:
                if kw.arg == "default":
                    try:
                        defaults[node.args[0].value] = \
                            ast.literal_eval(kw.value)
                    except ValueError:  # a name such as MAX_POINTS
                        pass
    check(np.array_equal(consts.get("MEAN"), DEMO_MEAN) and
          np.array_equal(consts.get("COV"), DEMO_COV),
          f"plot_samples.py's MEAN/COV {consts} differ from the demo's")
    check(consts.get("MAX_POINTS") == MAX_POINTS, "plot_samples MAX_POINTS")
    check(defaults.get("--seed") == 0 and defaults.get("--shape") == (100000,)
          and defaults.get("--dtype") == "float32" and
          defaults.get("--method") == "cholesky",
          f"plot_samples.py's defaults {defaults} differ from the demo's")
    c = open(os.path.join(root, "examples", "mvn3d.c")).read()
    nums = [[float(v) for v in re.findall(r"(-?[0-9.]+)f", m)]
            for m in re.findall(r"(?:mean\[3\]|cov\[3\]\[3\]) = (\{.*?\});",
                                c, re.S)]
    check(len(nums) == 2 and nums[0] == DEMO_MEAN.tolist() and
          nums[1] == DEMO_COV.ravel().tolist(),
          f"examples/mvn3d.c's mean/cov {nums} differ from the demo's")


# --------------------------------------------------------------------------
def group_svg():
    example_sources_agree()
    # The demo: 100000 samples drawn, the first 5000 shown.
    svg, npy = fresh("demo.svg", "demo.npy")
    p = run("demo", "--plot", svg, "--out", npy)
    check(f"picture written to {svg}" in p.stdout.decode(), "demo says so")
    x = np.load(npy).astype(np.float64)
    check(x.shape == (100000, 3), f"demo shape {x.shape}")
    check_picture(svg, DEMO_MEAN, f32(DEMO_COV), x, len(x),
                  ["key (0, 0)", "n = 3", "float32", "cholesky"], "demo")
    # The demo alone draws the same picture (--out changes nothing in it).
    svg2, = fresh("demo2.svg")
    run("demo", "--plot", svg2)
    check(open(svg, "rb").read() == open(svg2, "rb").read(),
          "demo --plot without --out differs")
    run("multivariate-normal", "--example", "--plot", svg2, "--force")
    check(open(svg, "rb").read() == open(svg2, "rb").read(),
          "--example --plot differs from demo --plot")

    # n = 2 with a strong correlation, fewer rows than drawn; --rows.
    mean = np.array([3.0, -1.0])
    cov = np.array([[1.0, 1.6], [1.6, 4.0]])
    base = ["multivariate-normal", "--seed", 7, "--mean", lit(mean), "--cov",
            lit(cov), "--shape", 300]
    svg, npy = fresh("n2.svg", "n2.npy")
    run(*base, "--plot", svg, "--out", npy)
    x = np.load(npy).astype(np.float64)
    check_picture(svg, mean, f32(cov), x, 300,
                  ["key (0, 7)", "n = 2", "float32", "cholesky"], "n = 2")
    svg, npy = fresh("rows.svg", "rows.npy")
    run(*base, "--rows", "100:250", "--plot", svg, "--out", npy)
    xr = np.load(npy).astype(np.float64)
    check(np.array_equal(xr, x[100:250]), "--rows writes the slice")
    check_picture(svg, mean, f32(cov), xr, 150, ["rows 100:250"], "--rows")

    # n = 4: six panels; eigh, legacy, float16 normals (the result is
    # float32: JAX promotes the factor and the normals).
    rng = np.random.default_rng(4)
    a = rng.normal(size=(4, 4))
    cov = np.round(a @ a.T + 4 * np.eye(4), 3)
    mean = np.round(rng.normal(size=4) * 5, 3)
    svg, npy = fresh("n4.svg", "n4.npy")
    run("multivariate-normal", "--seed", 12, "--mean", lit(mean), "--cov",
        lit(cov), "--shape", "40,200", "--method", "eigh", "--legacy",
        "--dtype", "float16", "--plot", svg, "--out", npy)
    x = np.load(npy).astype(np.float64).reshape(-1, 4)
    check_picture(svg, f32(mean), f32(cov), x, 8000,
                  ["key (0, 12)", "n = 4", "float32", "eigh", "legacy"],
                  "n = 4")

    # n = 6: x0 against x1 only; float64 with --x64, svd.
    a = rng.normal(size=(6, 6))
    cov = a @ a.T + np.eye(6)
    mean = rng.normal(size=6)
    svg, npy = fresh("n6.svg", "n6.npy")
    run("multivariate-normal", "--seed", 3, "--x64", "--mean", lit(mean),
        "--cov", lit(cov), "--shape", 7000, "--dtype", "float64", "--method",
        "svd", "--plot", svg, "--out", npy)
    x = np.load(npy)
    check(x.dtype == np.float64, "n = 6 float64")
    check_picture(svg, mean, cov, x, 7000,
                  ["key (0, 3)", "n = 6", "float64", "svd"], "n = 6")

    # No rows and one row: no sample ellipse, still a picture.
    for rows in (0, 1):
        svg, npy = fresh(f"r{rows}.svg", f"r{rows}.npy")
        run(*base[:-1], rows, "--plot", svg, "--out", npy)
        x = np.load(npy).astype(np.float64).reshape(-1, 2)
        check_picture(svg, np.array([3.0, -1.0]), f32([[1.0, 1.6],
                                                       [1.6, 4.0]]),
                      x, rows, ["n = 2"], f"{rows} rows")

    # A large mean against a small spread: the moments keep their digits.
    mean = np.array([1e6, -1e6])
    cov = np.array([[1e-2, 5e-3], [5e-3, 2e-2]])
    svg, npy = fresh("far.svg", "far.npy")
    run("multivariate-normal", "--seed", 1, "--x64", "--mean", lit(mean),
        "--cov", lit(cov), "--shape", 20000, "--plot", svg, "--out", npy)
    x = np.load(npy)
    check_picture(svg, mean, cov, x, 20000, ["float64"], "large mean")

    # Non-finite samples (a covariance that is not PSD): a picture without
    # those points or a sample ellipse, well-formed.
    svg, = fresh("nan.svg")
    run("multivariate-normal", "--seed", 0, "--mean", "[0, 0]", "--cov",
        "[[1, 2], [2, 1]]", "--shape", 50, "--plot", svg)
    root = parse(svg, "not PSD")
    if root is not None:
        kinds = sorted(e.get("class") for e in root.iter(SVG + "ellipse"))
        check(kinds == ["requested"] * 3, f"not PSD: ellipses {kinds}")
        text = " ".join(t.text or "" for t in root.iter(SVG + "text"))
        check("sample covariance" not in text, "not PSD: a legend line for "
              "a sample ellipse that is not drawn")
        n_pts = sum(1 for c in root.iter(SVG + "circle")
                    if c.get("class") == "pt")
        check(n_pts == 0, f"not PSD: {n_pts} NaN points drawn")

    # Bounded memory: millions of rows go through the moments, only the
    # first 5000 are kept.
    if not SANITIZED:
        svg, = fresh("big.svg")
        pid = os.fork()
        if pid == 0:
            os.execv(EXE, [EXE, "multivariate-normal", "--seed", "0",
                           "--mean", "[1, 2, 3]", "--cov",
                           "[[2, 0.5, 0], [0.5, 1, 0.2], [0, 0.2, 0.5]]",
                           "--shape", "4000000", "--plot", svg, "--quiet"])
        _, status, ru = os.wait4(pid, 0)
        check(os.waitstatus_to_exitcode(status) == 0, "big --plot exit")
        rss = ru.ru_maxrss / 1024.0
        print(f"peak RSS {rss:.1f} MiB for 4e6 rows with --plot")
        check(rss < 64, f"peak RSS {rss:.1f} MiB >= 64 MiB")
        root = parse(svg, "big")
        if root is not None:
            n_pts = sum(1 for c in root.iter(SVG + "circle")
                        if c.get("class") == "pt")
            check(n_pts == 3 * MAX_POINTS, f"big: {n_pts} points")


def one_line_error(p, what, *needles):
    err = p.stderr.decode(errors="replace")
    lines = err.strip("\n").split("\n")
    check(len(lines) == 1 and "error:" in lines[0],
          f"{what}: not one error line: {err!r}")
    for s in needles:
        check(s in err, f"{what}: message {err!r} lacks {s!r}")


def leftovers(d):
    return [f for f in os.listdir(d) if ".jaxrandom-" in f]


def group_errors():
    mvn2 = ["multivariate-normal", "--seed", 0, "--mean", "[1, 2]", "--cov",
            "[[2, 0.5], [0.5, 1]]", "--shape", 100]
    d = tmp("err")
    os.mkdir(d)
    svg, npy = os.path.join(d, "a.svg"), os.path.join(d, "a.npy")
    cases = [
        (["multivariate-normal", "--seed", 0, "--mean", "[1]", "--cov",
          "[[2]]", "--plot", svg], 2, ["n >= 2", "n = 1"]),
        (["multivariate-normal", "--seed", 0, "--mean", "[[1, 2], [3, 4]]",
          "--cov", "[[2, 0.5], [0.5, 1]]", "--plot", svg], 2,
         ["one distribution", "(2, 2)"]),
        (mvn2 + ["--plot", "/nonexistent-dir/a.svg"], 1,
         ["--plot /nonexistent-dir/a.svg", "No such file"]),
        (mvn2 + ["--plot", os.path.join(d, "a.png")], 2, [".svg"]),
        (mvn2 + ["--plot", "-"], 2, [".svg"]),
        (mvn2 + ["--plot", svg, "--out", svg], 2, ["same file as --out"]),
        (["normal", "--seed", 0, "--plot", svg], 2, ["--plot"]),
        (["demo", "--rows", "0:5", "--plot", svg], 2, ["--rows"]),
    ]
    for args, code, needles in cases:
        p = run(*args, code=code)
        one_line_error(p, args, *needles)
        check(not os.path.exists(svg), f"{args}: left {svg}")
        check(not leftovers(d), f"{args}: left {leftovers(d)}")
    # With --out too: refused before the samples are written.
    p = run(*mvn2, "--out", npy, "--plot", "/nonexistent-dir/a.svg", code=1)
    one_line_error(p, "--out with a bad --plot", "--plot")
    check(not os.path.exists(npy), "a bad --plot left the samples file")

    # An existing picture is kept without --force, replaced with it.
    with open(svg, "w") as f:
        f.write("keep")
    p = run(*mvn2, "--plot", svg, code=2)
    one_line_error(p, "existing", "--plot", "--force")
    check(open(svg).read() == "keep", "existing picture overwritten")
    run(*mvn2, "--plot", svg, "--force")
    check(parse(svg, "--force") is not None, "--force wrote a picture")
    check(not leftovers(d), f"--force: left {leftovers(d)}")
    os.unlink(svg)

    # A directory the program may not write into (not as root, who may).
    if os.geteuid() != 0:
        ro = tmp("ro")
        os.mkdir(ro)
        os.chmod(ro, 0o555)
        p = run(*mvn2, "--plot", os.path.join(ro, "a.svg"), code=None)
        check(p.returncode in (1, 2), f"read-only dir: exit {p.returncode}")
        one_line_error(p, "read-only dir", "--plot")
        check(os.listdir(ro) == [], f"read-only dir: left {os.listdir(ro)}")
        os.chmod(ro, 0o755)

    # A write that fails after the sampling (a full device behind a link):
    # exit 1, one line, the demo prints no moments.
    if os.path.exists("/dev/full"):
        link = os.path.join(d, "full.svg")
        os.symlink("/dev/full", link)
        p = run("demo", "--plot", link, code=1)
        one_line_error(p, "/dev/full", "full.svg")
        check(b"requested" not in p.stdout, "/dev/full: moments printed")
        check(not leftovers(d), f"/dev/full: left {leftovers(d)}")
        os.unlink(link)


try:
    {"svg": group_svg, "errors": group_errors}[GROUP]()
finally:
    shutil.rmtree(TMP, ignore_errors=True)
print(f"plot {GROUP}: {CHECKS[0]} checks, {len(FAILS)} failures")
sys.exit(1 if FAILS else 0)
