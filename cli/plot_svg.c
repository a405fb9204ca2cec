/* SVG pictures of multivariate normal samples (see plot_svg.h).
 *
 * Each panel is one pair of coordinates (x, y); everything is placed in
 * pixels (renderers differ in support for non-scaling strokes, so nothing is
 * drawn in a scaled coordinate system). Each panel's frame carries its data
 * range and each ellipse its data-space centre, radii k sqrt(eigenvalue)
 * and major-axis angle as data-* attributes, so a reader (or the test) can
 * check them against the covariance's eigen-decomposition directly. */
#include "plot_svg.h"

#include <math.h>
#include <string.h>

enum {
  PANEL_W = 280, /* plotting area, pixels */
  PANEL_H = 280,
  MARGIN_L = 64, /* room for tick labels and the y label */
  MARGIN_R = 16,
  MARGIN_T = 12,
  MARGIN_B = 46,  /* tick labels and the x label */
  HEADER_H = 92,  /* the title and a legend line per kind of mark */
  MIN_WIDTH = 520 /* room for the title and the legend */
};
#define CELL_W (MARGIN_L + PANEL_W + MARGIN_R)
#define CELL_H (MARGIN_T + PANEL_H + MARGIN_B)
/* Pixel positions are clamped to this: far outside every panel (so still
 * clipped away) but never printed as hundreds of digits or "inf". */
#define PIXEL_LIMIT 1e6

int plot_coords(int64_t n) {
  return n > PLOT_PAIRWISE_MAX_N ? 2 : (int)n;
}

int plot_pairs(int64_t n, int xs[6], int ys[6]) {
  int k = 0;
  if (n > PLOT_PAIRWISE_MAX_N) {
    xs[0] = 0, ys[0] = 1;
    return 1;
  }
  for (int y = 1; y < n; y++)
    for (int x = 0; x < y; x++)
      xs[k] = x, ys[k] = y, k++;
  return k;
}

static void put_escaped(FILE *f, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '&': fputs("&amp;", f); break;
    case '"': fputs("&quot;", f); break;
    default:
      /* control characters are not allowed in XML 1.0 */
      if ((unsigned char)*s >= 0x20 || *s == '\t') fputc(*s, f);
    }
  }
}

static double clamp_px(double v) {
  if (!(v > -PIXEL_LIMIT)) return -PIXEL_LIMIT; /* NaN too */
  return v < PIXEL_LIMIT ? v : PIXEL_LIMIT;
}

/* A 2 x 2 symmetric matrix [[a, b], [b, c]]: eigenvalues l1 >= l2 (l2
 * clamped at 0: a covariance that is not positive semi-definite still gets
 * a picture) and the angle of l1's eigenvector in degrees, in (-90, 90]. */
static void eig2(double a, double b, double c, double *l1, double *l2,
                 double *deg) {
  const double t = (a + c) / 2, h = (a - c) / 2;
  const double d = hypot(h, b);
  *l1 = t + d;
  *l2 = t - d > 0 ? t - d : 0;
  if (*l1 < 0) *l1 = 0;
  *deg = 0.5 * atan2(2 * b, a - c) * (180.0 / 3.14159265358979323846);
}

typedef struct axis {
  double lo, hi; /* data range shown */
} axis;

/* mean +- 3.6 sigma: the 3-sigma ellipse's projection with a margin. A
 * range too narrow to tell its ends apart in doubles widens around the
 * mean; a non-finite one becomes [-1, 1]. */
static axis axis_for(double mean, double var) {
  const double s = var > 0 && isfinite(var) ? sqrt(var) : 1;
  if (!isfinite(mean)) mean = 0;
  axis a = {mean - 3.6 * s, mean + 3.6 * s};
  if (!(a.hi > a.lo) || !isfinite(a.hi - a.lo)) {
    const double d = fabs(mean) * 1e-3 + 1;
    a.lo = mean - d, a.hi = mean + d;
  }
  if (!(a.hi > a.lo) || !isfinite(a.hi - a.lo)) a.lo = -1, a.hi = 1;
  return a;
}

/* A step of 1, 2 or 5 times a power of ten giving about 5 ticks. */
static double nice_step(double span) {
  const double raw = span / 5;
  const double p = pow(10, floor(log10(raw)));
  const double m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/* Ticks at multiples of a nice step, labelled with 4 significant digits.
 * Where that cannot tell neighbouring ticks apart (a mean far from 0
 * against a small spread: 1000000.1 and 1000000.2 are both "1e+06"), the
 * labels are relative to an offset, a multiple of the step near the middle,
 * which the axis label names ("x0 - 1000000"). Returns that offset (0 when
 * none). Each label also carries its value as data-value. */
static double ticks(FILE *f, axis a, int horizontal, double x0, double y0) {
  const double step = nice_step(a.hi - a.lo);
  if (!(step > 0) || !isfinite(step)) return 0;
  /* Counted, not accumulated: v += step would stall where step is below
   * the spacing of doubles near v. */
  const double first = ceil(a.lo / step), last = floor(a.hi / step);
  if (!(last - first < 20)) return 0;
  const double big = fmax(fabs(a.lo), fabs(a.hi));
  const int digits = (int)floor(log10(big)) - (int)floor(log10(step)) + 1;
  const double mid = digits > 4 ? round((a.lo + a.hi) / 2 / step) : 0;
  for (double i = first; i <= last; i++) {
    const double v = i * step;
    const double t = (v - a.lo) / (a.hi - a.lo);
    const double shown = (i - mid) * step; /* exact steps, no cancellation */
    if (horizontal) {
      const double x = x0 + t * PANEL_W;
      fprintf(f,
              "<line class=\"tick\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
              "y2=\"%.2f\"/><text class=\"ticklabel\" x=\"%.2f\" y=\"%.2f\" "
              "text-anchor=\"middle\" data-value=\"%.17g\">%.4g</text>\n",
              x, y0, x, y0 + 5, x, y0 + 18, v, shown);
    } else {
      const double y = y0 - t * PANEL_H;
      fprintf(f,
              "<line class=\"tick\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
              "y2=\"%.2f\"/><text class=\"ticklabel\" x=\"%.2f\" y=\"%.2f\" "
              "text-anchor=\"end\" data-value=\"%.17g\">%.4g</text>\n",
              x0 - 5, y, x0, y, x0 - 8, y + 4, v, shown);
    }
  }
  return mid * step;
}

/* "x3", or "x3 - 1000000" / "x3 + 1000000" for ticks relative to an
 * offset (the digits that tell the offset's multiples of step apart). */
static void axis_name(FILE *f, int coord, double offset) {
  fprintf(f, "x%d", coord);
  if (offset != 0)
    fprintf(f, " %c %.15g", offset > 0 ? '-' : '+', fabs(offset));
}

/* The k-sigma ellipse of [[a, b], [b, c]] centred at (cx, cy), drawn in
 * pixels: under the panel's scaling diag(sx, -sy) the covariance becomes
 * [[sx^2 a, -sx sy b], [-sx sy b, sy^2 c]], whose eigen-decomposition gives
 * the pixel radii and rotation. The data-space radii and angle are kept as
 * data-* attributes for readers and tests. Nothing is drawn for a
 * non-finite ellipse (NaN samples, an overflowing covariance). */
static void ellipse(FILE *f, const char *cls, int k, double cx, double cy,
                    double a, double b, double c, double sx, double sy,
                    double left, double bottom, axis ax, axis ay) {
  double l1, l2, deg, p1, p2, pdeg;
  eig2(a, b, c, &l1, &l2, &deg);
  eig2(sx * sx * a, -sx * sy * b, sy * sy * c, &p1, &p2, &pdeg);
  const double px = left + (cx - ax.lo) * sx, py = bottom - (cy - ay.lo) * sy;
  const double r1 = k * sqrt(p1), r2 = k * sqrt(p2);
  if (!isfinite(l1) || !isfinite(deg) || !isfinite(px) || !isfinite(py) ||
      !isfinite(r1) || !isfinite(pdeg))
    return;
  fprintf(f,
          "<ellipse class=\"%s\" data-sigma=\"%d\" data-cx=\"%.17g\" "
          "data-cy=\"%.17g\" data-rx=\"%.17g\" data-ry=\"%.17g\" "
          "data-angle=\"%.17g\" cx=\"%.3f\" cy=\"%.3f\" rx=\"%.3f\" "
          "ry=\"%.3f\" transform=\"rotate(%.4f %.3f %.3f)\"/>\n",
          cls, k, cx, cy, k * sqrt(l1), k * sqrt(l2), deg, clamp_px(px),
          clamp_px(py), clamp_px(r1), clamp_px(r2), pdeg, clamp_px(px),
          clamp_px(py));
}

static void panel(FILE *f, const plot_data *d, int px, int py, double ox,
                  double oy) {
  const int k = plot_coords(d->n);
  const axis ax = axis_for(d->mean[px], d->cov[px * k + px]);
  const axis ay = axis_for(d->mean[py], d->cov[py * k + py]);
  const double left = ox + MARGIN_L, top = oy + MARGIN_T;
  const double bottom = top + PANEL_H;
  const double sx = PANEL_W / (ax.hi - ax.lo), sy = PANEL_H / (ay.hi - ay.lo);
  const int64_t shown = d->count < PLOT_MAX_POINTS ? d->count : PLOT_MAX_POINTS;

  fprintf(f, "<g class=\"panel\" data-x=\"%d\" data-y=\"%d\">\n", px, py);
  fprintf(f,
          "<clipPath id=\"clip%d_%d\"><rect x=\"%.2f\" y=\"%.2f\" "
          "width=\"%d\" height=\"%d\"/></clipPath>\n",
          px, py, left, top, PANEL_W, PANEL_H);
  fprintf(f,
          "<rect class=\"frame\" x=\"%.2f\" y=\"%.2f\" width=\"%d\" "
          "height=\"%d\" data-x0=\"%.17g\" data-x1=\"%.17g\" "
          "data-y0=\"%.17g\" data-y1=\"%.17g\"/>\n",
          left, top, PANEL_W, PANEL_H, ax.lo, ax.hi, ay.lo, ay.hi);
  const double xoff = ticks(f, ax, 1, left, bottom);
  const double yoff = ticks(f, ay, 0, left, bottom);
  fprintf(f,
          "<text class=\"axislabel\" x=\"%.2f\" y=\"%.2f\" "
          "text-anchor=\"middle\" data-offset=\"%.17g\">",
          left + PANEL_W / 2.0, bottom + 38, xoff);
  axis_name(f, px, xoff);
  fprintf(f,
          "</text>\n<text class=\"axislabel\" x=\"%.2f\" y=\"%.2f\" "
          "text-anchor=\"middle\" transform=\"rotate(-90 %.2f %.2f)\" "
          "data-offset=\"%.17g\">",
          ox + 16, top + PANEL_H / 2.0, ox + 16, top + PANEL_H / 2.0, yoff);
  axis_name(f, py, yoff);
  fputs("</text>\n", f);

  fprintf(f, "<g clip-path=\"url(#clip%d_%d)\">\n<g class=\"points\">\n", px,
          py);
  for (int64_t r = 0; r < shown; r++) {
    const double x = d->points[r * k + px], y = d->points[r * k + py];
    if (!isfinite(x) || !isfinite(y)) continue;
    fprintf(f, "<circle class=\"pt\" cx=\"%.2f\" cy=\"%.2f\" r=\"1.2\"/>\n",
            clamp_px(left + (x - ax.lo) * sx),
            clamp_px(bottom - (y - ay.lo) * sy));
  }
  fputs("</g>\n", f);
  for (int s = 1; s <= 3; s++)
    ellipse(f, "requested", s, d->mean[px], d->mean[py], d->cov[px * k + px],
            d->cov[px * k + py], d->cov[py * k + py], sx, sy, left, bottom, ax,
            ay);
  if (d->smean && d->scov)
    ellipse(f, "sample", 2, d->smean[px], d->smean[py], d->scov[px * k + px],
            d->scov[px * k + py], d->scov[py * k + py], sx, sy, left, bottom,
            ax, ay);
  fputs("</g>\n</g>\n", f);
}

static void legend(FILE *f, const plot_data *d) {
  const int64_t shown = d->count < PLOT_MAX_POINTS ? d->count : PLOT_MAX_POINTS;
  fputs("<g class=\"legend\">\n<circle cx=\"28\" cy=\"40\" r=\"3\" "
        "fill=\"#1f5fa8\"/><text x=\"48\" y=\"44\">",
        f);
  if (shown < d->total)
    fprintf(f, "the first %lld of %lld samples", (long long)shown,
            (long long)d->total);
  else
    fprintf(f, "%lld sample%s", (long long)shown, shown == 1 ? "" : "s");
  fputs("</text>\n<line x1=\"16\" y1=\"58\" x2=\"40\" y2=\"58\" "
        "stroke=\"#111\" stroke-width=\"1.4\"/><text x=\"48\" y=\"62\">"
        "requested covariance: 1, 2, 3 sigma</text>\n",
        f);
  if (d->smean && d->scov)
    fprintf(f,
            "<line x1=\"16\" y1=\"76\" x2=\"40\" y2=\"76\" stroke=\"#d62728\" "
            "stroke-width=\"1.6\" stroke-dasharray=\"5 3\"/><text x=\"48\" "
            "y=\"80\">sample covariance (%s%lld samples): 2 sigma</text>\n",
            d->total > 1 ? "all " : "", (long long)d->total);
  fputs("</g>\n", f);
}

int plot_svg_write(FILE *f, const plot_data *d) {
  int xs[6], ys[6];
  const int np = plot_pairs(d->n, xs, ys);
  const int grid = d->n > PLOT_PAIRWISE_MAX_N ? 1 : (int)d->n - 1;
  /* Wide enough for the title too (about 8.5 pixels a character at its
   * 14 px bold). */
  const int title_w = 20 + (int)(8.5 * (double)strlen(d->title));
  int w = grid * CELL_W < MIN_WIDTH ? MIN_WIDTH : grid * CELL_W;
  if (w < title_w) w = title_w;
  const int h = HEADER_H + grid * CELL_H;
  fprintf(f,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
          "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
          "font-size=\"12\">\n",
          w, h, w, h);
  fputs("<style>\n"
        ".frame{fill:none;stroke:#444;stroke-width:1}\n"
        ".tick{stroke:#444;stroke-width:1}\n"
        ".ticklabel{font-size:11px}\n"
        ".pt{fill:#1f5fa8;fill-opacity:0.35}\n"
        ".requested{fill:none;stroke:#111;stroke-width:1.4}\n"
        ".sample{fill:none;stroke:#d62728;stroke-width:1.6;"
        "stroke-dasharray:5 3}\n"
        ".axislabel{font-size:13px}\n"
        ".title{font-size:14px;font-weight:bold}\n"
        "</style>\n",
        f);
  fputs("<title>", f);
  put_escaped(f, d->title);
  fputs("</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        "<text class=\"title\" x=\"10\" y=\"22\">",
        f);
  put_escaped(f, d->title);
  fputs("</text>\n", f);
  legend(f, d);
  for (int i = 0; i < np; i++) {
    const int col = d->n > PLOT_PAIRWISE_MAX_N ? 0 : xs[i];
    const int row = d->n > PLOT_PAIRWISE_MAX_N ? 0 : ys[i] - 1;
    panel(f, d, xs[i], ys[i], col * CELL_W, HEADER_H + row * CELL_H);
  }
  fputs("</svg>\n", f);
  return ferror(f) ? -1 : 0;
}
