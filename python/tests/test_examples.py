"""python/examples/plot_samples.py: its ellipse helper against
numpy.linalg.eigh, its figure's contents, and a run of the script into a PNG
(when matplotlib is installed)."""
import importlib.util
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                       "examples", "plot_samples.py")


def load_example():
    spec = importlib.util.spec_from_file_location("plot_samples", EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


ex = load_example()


def need_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        pytest.skip("matplotlib is not installed (Debian: python3-matplotlib, "
                    "scripts/deps.sh examples): the example cannot draw")


def covariances():
    rng = np.random.default_rng(5)
    yield np.array([[2.0, 0.6], [0.6, 1.0]])
    yield np.array([[1.0, -0.3], [-0.3, 1.5]])    # major axis near y
    yield np.array([[1.0, 0.0], [0.0, 4.0]])      # axis-aligned, vertical
    yield np.array([[4.0, 0.0], [0.0, 1.0]])
    yield np.array([[1e-6, 0.0], [0.0, 1e6]])
    for _ in range(200):
        a = rng.normal(size=(2, 2)) * rng.uniform(0.01, 10.0)
        yield a @ a.T


@pytest.mark.parametrize("k", [1, 2, 3])
def test_ellipse_params_match_eigh(k):
    for cov in covariances():
        r1, r2, deg = ex.ellipse_params(cov, k)
        w, v = np.linalg.eigh(cov)          # ascending
        np.testing.assert_allclose([r1, r2], k * np.sqrt(w[::-1]),
                                   rtol=1e-6, atol=1e-9 * k * np.sqrt(w[1]))
        assert -90.0 < deg <= 90.0
        if w[1] - w[0] > 1e-9 * w[1]:       # the major axis is defined
            u = np.array([np.cos(np.radians(deg)), np.sin(np.radians(deg))])
            assert abs(u @ v[:, 1]) == pytest.approx(1.0, abs=1e-9), cov


def test_ellipse_params_clamps_indefinite():
    r1, r2, deg = ex.ellipse_params([[1.0, 2.0], [2.0, 1.0]], 2)  # l = 3, -1
    assert r1 == pytest.approx(2 * np.sqrt(3.0)) and r2 == 0.0
    assert deg == pytest.approx(45.0)


def test_pairs():
    assert ex.pairs(2) == [(0, 1)]
    assert ex.pairs(3) == [(0, 1), (0, 2), (1, 2)]
    assert len(ex.pairs(4)) == 6
    assert ex.pairs(5) == [(0, 1)]


def test_sample_is_the_library_call():
    x = ex.sample(0, (1000,))
    import jaxrandom as jr
    y = jr.multivariate_normal(jr.key(0), ex.MEAN, ex.COV, (1000,))
    assert x.dtype == np.float32 and x.shape == (1000, 3)
    assert x.tobytes() == y.tobytes()


@pytest.mark.parametrize("n", [2, 3, 4, 6])
def test_figure_contents(n):
    need_matplotlib()
    from matplotlib.patches import Ellipse
    rng = np.random.default_rng(n)
    a = rng.normal(size=(n, n))
    cov = a @ a.T + n * np.eye(n)
    mean = rng.normal(size=n)
    pts = rng.multivariate_normal(mean, cov, size=7000)
    fig = ex.make_figure(pts, mean, cov, "t", n_points=1234)
    panels = [ax for ax in fig.axes if ax.collections]
    assert len(panels) == len(ex.pairs(n))
    for ax, (x, y) in zip(panels, ex.pairs(n)):
        assert ax.get_xlabel() == "x%d" % x and ax.get_ylabel() == "x%d" % y
        assert len(ax.collections[0].get_offsets()) == 1234
        ells = [p for p in ax.patches if isinstance(p, Ellipse)]
        assert len(ells) == 4               # 1, 2, 3 sigma + the sample's
        sub = cov[np.ix_([x, y], [x, y])]
        w = np.linalg.eigvalsh(sub)[::-1]
        for k, e in zip((1, 2, 3), ells):
            assert e.center == pytest.approx((mean[x], mean[y]))
            assert (e.width, e.height) == pytest.approx(2 * k * np.sqrt(w))
        scov = np.cov(pts[:, [x, y]], rowvar=False)
        ws = np.linalg.eigvalsh(scov)[::-1]
        assert (ells[3].width, ells[3].height) == pytest.approx(
            4 * np.sqrt(ws))
        assert ells[3].get_linestyle() == "--"
    assert fig._suptitle.get_text() == "t"


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(33)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    length, kind = struct.unpack(">I4s", head[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", head[16:24])


def test_script_writes_png(tmp_path):
    need_matplotlib()
    out = tmp_path / "s.png"
    r = subprocess.run([sys.executable, EXAMPLE, "--seed", "1",
                        "--shape", "200,100", "--out", str(out)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "key (0, 1), n = 3, 20000 samples, float32, cholesky" in r.stdout
    w, h = png_size(out)
    assert 600 <= w <= 3000 and 600 <= h <= 3000, (w, h)
    with open(out, "rb") as f:
        data = f.read()
    assert data.endswith(b"IEND\xaeB`\x82"), "truncated PNG"
    assert 20_000 < len(data) < 5_000_000, len(data)


def test_script_rejects_bad_shape(tmp_path):
    r = subprocess.run([sys.executable, EXAMPLE, "--shape", "ten",
                        "--out", str(tmp_path / "x.png")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=300)
    assert r.returncode == 2 and "comma-separated list" in r.stderr
    assert not (tmp_path / "x.png").exists()
