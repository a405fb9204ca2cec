/* Pictures of multivariate normal samples as dependency-free SVG: the
 * samples as a scatter, the requested covariance's 1-, 2- and 3-sigma
 * ellipses and the sample covariance's 2-sigma ellipse, per pair of
 * coordinates. Pure formatting: no I/O beyond the FILE it is given. */
#ifndef JR_CLI_PLOT_SVG_H
#define JR_CLI_PLOT_SVG_H

#include <stdint.h>
#include <stdio.h>

/* At most this many points are drawn per panel (the first ones given). */
#define PLOT_MAX_POINTS 5000
/* Pairwise panels up to this dimension; above it, coordinates 0 and 1. */
#define PLOT_PAIRWISE_MAX_N 4

/* Everything is given for the first plot_coords(n) coordinates only (call
 * that k): those are all the picture shows. */
typedef struct plot_data {
  const char *title;    /* one line; XML-escaped on output */
  int64_t n;            /* the distribution's dimension, >= 2 */
  const double *mean;   /* k: the requested mean */
  const double *cov;    /* k x k row-major: the requested covariance */
  const double *smean;  /* k: the sample mean (NULL: no sample ellipse) */
  const double *scov;   /* k x k row-major: the sample covariance */
  int64_t count;        /* rows in points */
  const double *points; /* count x k row-major */
  int64_t total;        /* samples behind smean/scov (>= count) */
} plot_data;

/* The coordinates a picture of dimension n shows: n for n <=
 * PLOT_PAIRWISE_MAX_N, else 2. */
int plot_coords(int64_t n);

/* The pairs (x, y) drawn for dimension n, in drawing order: pairwise for
 * n <= PLOT_PAIRWISE_MAX_N (x < y), else (0, 1). Returns how many (at most
 * 6); xs/ys receive them. */
int plot_pairs(int64_t n, int xs[6], int ys[6]);

/* Writes the picture to f. Returns 0, or -1 if f reported a write error. */
int plot_svg_write(FILE *f, const plot_data *d);

#endif /* JR_CLI_PLOT_SVG_H */
