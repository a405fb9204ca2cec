#!/usr/bin/env python3
"""Samples a correlated 3-D normal with jaxrandom and draws it.

The picture `jaxrandom demo --plot FILE.svg` writes, with matplotlib: the
samples as a scatter (a panel per pair of coordinates for n <= 4, the first
two coordinates otherwise; at most --n-points points drawn), the requested
covariance's 1-, 2- and 3-sigma ellipses and the sample covariance's 2-sigma
ellipse, labelled axes and a title with the key, n, dtype and method.

    python plot_samples.py                      # writes plot_samples.png
    python plot_samples.py --seed 3 --shape 1000,100 --out s.png

Needs NumPy, the jaxrandom package and matplotlib (Debian:
python3-matplotlib; `scripts/deps.sh examples`). matplotlib is imported only
to draw, so the helpers here work without it.
"""
import argparse
import math
import sys

import numpy as np

import jaxrandom as jr

# The project's example: examples/mvn3d.c's distribution, which `jaxrandom
# demo` samples too (key 0, 100000 float32 samples, cholesky); change all
# three together (tests/cli/test_plot.py checks they agree).
MEAN = [1.0, -2.0, 0.5]
COV = [[2.0, 0.6, -0.4], [0.6, 1.0, 0.3], [-0.4, 0.3, 1.5]]
MAX_POINTS = 5000      # points drawn per panel by default (as the SVG)
PAIRWISE_MAX_N = 4     # a panel per pair up to this dimension
SIGMAS = (1, 2, 3)     # requested covariance's ellipses
SAMPLE_SIGMA = 2       # sample covariance's ellipse

POINT_COLOR = "#1f5fa8"
REQUESTED_COLOR = "#111111"
SAMPLE_COLOR = "#d62728"


def pairs(n):
    """The coordinate pairs (x, y) drawn for dimension n, x < y."""
    if n > PAIRWISE_MAX_N:
        return [(0, 1)]
    return [(x, y) for y in range(1, n) for x in range(y)]


def ellipse_params(cov2, k=1.0):
    """The k-sigma ellipse of a 2 x 2 covariance [[a, b], [b, c]].

    Returns (r1, r2, angle): the semi-axes k sqrt(l1) >= k sqrt(l2) for the
    eigenvalues l1 >= l2 and the angle of l1's eigenvector from the x axis
    in degrees, in (-90, 90]. Negative eigenvalues (a covariance that is not
    positive semi-definite) count as 0, so there is still a picture.
    Closed form, so it is checked against numpy.linalg.eigh, not built on it.
    """
    a, b, c = float(cov2[0][0]), float(cov2[0][1]), float(cov2[1][1])
    t, h = (a + c) / 2, (a - c) / 2
    d = math.hypot(h, b)
    l1, l2 = max(t + d, 0.0), max(t - d, 0.0)
    angle = math.degrees(0.5 * math.atan2(2 * b, a - c))
    return k * math.sqrt(l1), k * math.sqrt(l2), angle


def axis_limits(mean, var):
    """mean +- 3.6 sigma: the 3-sigma ellipse's extent with a margin."""
    s = math.sqrt(var) if var > 0 and math.isfinite(var) else 1.0
    mean = mean if math.isfinite(mean) else 0.0
    return mean - 3.6 * s, mean + 3.6 * s


def sample(seed, shape, dtype="float32", method="cholesky"):
    """jax.random.multivariate_normal(key(seed), MEAN, COV, shape, dtype)."""
    with jr.enable_x64(np.dtype(dtype).itemsize == 8):
        return jr.multivariate_normal(jr.key(seed), MEAN, COV, shape,
                                      dtype=dtype, method=method)


def title_for(key, n, count, dtype, method):
    return ("jaxrandom.multivariate_normal: key (%d, %d), n = %d, "
            "%d samples, %s, %s" % (int(key[0]), int(key[1]), n, count,
                                    np.dtype(dtype).name, method))


def make_figure(points, mean, cov, title, n_points=MAX_POINTS):
    """The figure: points (count x n), the requested mean and covariance."""
    import matplotlib
    matplotlib.use("Agg")  # files only, no display
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Ellipse

    points = np.asarray(points, dtype=np.float64)
    mean = np.asarray(mean, dtype=np.float64)
    cov = np.asarray(cov, dtype=np.float64)
    count, n = points.shape
    smean = points.mean(axis=0)
    scov = np.cov(points, rowvar=False) if count > 1 else None
    shown = points[:min(count, n_points)]
    grid = 1 if n > PAIRWISE_MAX_N else n - 1

    fig = Figure(figsize=(3.6 * grid + 0.6, 3.6 * grid + 0.9), dpi=110,
                 layout="constrained")
    axes = fig.subplots(grid, grid, squeeze=False)
    used = set()
    for x, y in pairs(n):
        row, col = (0, 0) if n > PAIRWISE_MAX_N else (y - 1, x)
        used.add((row, col))
        ax = axes[row][col]
        ax.scatter(shown[:, x], shown[:, y], s=3, color=POINT_COLOR,
                   alpha=0.35, linewidths=0, rasterized=True)
        sub = cov[np.ix_([x, y], [x, y])]
        for k in SIGMAS:
            r1, r2, deg = ellipse_params(sub, k)
            ax.add_patch(Ellipse((mean[x], mean[y]), 2 * r1, 2 * r2,
                                 angle=deg, fill=False, lw=1.3,
                                 color=REQUESTED_COLOR))
        if scov is not None:
            r1, r2, deg = ellipse_params(scov[np.ix_([x, y], [x, y])],
                                         SAMPLE_SIGMA)
            ax.add_patch(Ellipse((smean[x], smean[y]), 2 * r1, 2 * r2,
                                 angle=deg, fill=False, lw=1.6, ls="--",
                                 color=SAMPLE_COLOR))
        ax.set_xlim(*axis_limits(mean[x], cov[x, x]))
        ax.set_ylim(*axis_limits(mean[y], cov[y, y]))
        ax.set_xlabel("x%d" % x)
        ax.set_ylabel("x%d" % y)
        ax.tick_params(labelsize=8)
    spare = [axes[r][c] for r in range(grid) for c in range(grid)
             if (r, c) not in used]
    for ax in spare:
        ax.set_axis_off()
    handles = [
        Line2D([], [], ls="", marker="o", ms=4, color=POINT_COLOR,
               label="%d sample%s drawn" % (len(shown),
                                            "" if len(shown) == 1 else "s")),
        Line2D([], [], color=REQUESTED_COLOR, lw=1.3,
               label="requested covariance:\n1, 2, 3 sigma"),
    ]
    if scov is not None:
        handles.append(Line2D([], [], color=SAMPLE_COLOR, lw=1.6, ls="--",
                              label="sample covariance:\n%d sigma"
                              % SAMPLE_SIGMA))
    if spare:  # the empty upper corner holds the legend and the moments
        corner = spare[-1]
        corner.legend(handles=handles, loc="upper center", frameon=False,
                      fontsize=10, bbox_to_anchor=(0.5, 0.98))
        if scov is not None:
            corner.text(0.5, 0.5, moments_table(mean, cov, smean, scov),
                        transform=corner.transAxes, ha="center", va="top",
                        family="monospace", fontsize=7.5)
    else:
        axes[0][0].legend(handles=handles, loc="upper left", fontsize=8,
                          framealpha=0.85)
    fig.suptitle(title, fontsize=10, fontweight="bold")
    return fig


def moments_table(mean, cov, smean, scov):
    """The requested and sample mean and covariance, side by side."""
    def row(label, a, b):
        return "%-5s%s   %s" % (label, "".join("%7.3f" % v for v in a),
                                "".join("%7.3f" % v for v in b))
    w = 7 * len(mean)
    rows = ["%-5s%*s   %*s" % ("", w, "requested", w, "sample"),
            row("mean", mean, smean), ""]
    rows += [row("cov" if i == 0 else "", cov[i], scov[i])
             for i in range(len(mean))]
    return "\n".join(rows)


def parse_shape(text):
    try:
        shape = tuple(int(s) for s in text.split(",") if s.strip())
    except ValueError:
        shape = None
    if not shape or any(d < 0 for d in shape):
        raise argparse.ArgumentTypeError(
            "expected a comma-separated list of sizes >= 0, e.g. 100000 or "
            "1000,100, got %r" % text)
    return shape


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", type=int, default=0, help="key seed (0)")
    p.add_argument("--shape", type=parse_shape, default=(100000,),
                   help="batch shape, comma-separated (100000)")
    p.add_argument("--dtype", default="float32",
                   choices=["float16", "float32", "float64"])
    p.add_argument("--method", default="cholesky",
                   choices=["cholesky", "eigh", "svd"])
    p.add_argument("--out", default="plot_samples.png",
                   help="the picture (PNG; another matplotlib format by its "
                   "extension)")
    p.add_argument("--n-points", type=int, default=MAX_POINTS,
                   help="points drawn per panel (%d)" % MAX_POINTS)
    args = p.parse_args(argv)
    if args.n_points < 0:
        p.error("--n-points must be >= 0")

    x = sample(args.seed, args.shape, args.dtype, args.method)
    points = x.reshape(-1, len(MEAN)).astype(np.float64)
    if len(points) == 0:
        p.error("--shape %s has no samples" % (args.shape,))
    title = title_for(jr.key(args.seed), len(MEAN), len(points),
                      x.dtype, args.method)
    fig = make_figure(points, MEAN, COV, title, args.n_points)
    fig.savefig(args.out)
    print("%s: %s" % (args.out, title))
    return 0


if __name__ == "__main__":
    sys.exit(main())
