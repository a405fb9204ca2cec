/* Running sample moments and the first rows (see sample_stats.h). */
#include "sample_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jr_io.h"

int cli_stats_init(cli_stats *s, int64_t n, int k, jr_dtype dtype,
                   int64_t keep) {
  memset(s, 0, sizeof *s);
  if (k < 1 || n < k || keep < 0) return -1;
  s->n = n;
  s->k = k;
  s->dtype = dtype;
  s->keep = keep;
  s->shift = calloc((size_t)k, sizeof(double));
  s->sum = calloc((size_t)k, sizeof(double));
  s->sumsq = calloc((size_t)k * (size_t)k, sizeof(double));
  s->rows = calloc((size_t)keep * (size_t)k + 1, sizeof(double));
  s->scratch = calloc((size_t)k, sizeof(double));
  return s->shift && s->sum && s->sumsq && s->rows && s->scratch ? 0 : -1;
}

void cli_stats_add(cli_stats *s, const void *buf, int64_t rows) {
  const jr_ndarray view = {.dtype = s->dtype, .data = (void *)(uintptr_t)buf};
  const int k = s->k;
  for (int64_t r = 0; r < rows; r++) {
    double *row = s->kept < s->keep ? s->rows + s->kept * k : s->scratch;
    for (int a = 0; a < k; a++)
      row[a] = jr_ndarray_get(&view, r * s->n + a);
    if (s->count == 0) /* a non-finite first value would poison the sums */
      for (int a = 0; a < k; a++)
        s->shift[a] = isfinite(row[a]) ? row[a] : 0.0;
    for (int a = 0; a < k; a++) {
      const double da = row[a] - s->shift[a];
      s->sum[a] += da;
      for (int b = a; b < k; b++)
        s->sumsq[a * k + b] += da * (row[b] - s->shift[b]);
    }
    if (s->kept < s->keep) s->kept++;
    s->count++;
  }
}

void cli_stats_mean(const cli_stats *s, double *mean) {
  for (int a = 0; a < s->k; a++)
    mean[a] = s->count ? s->shift[a] + s->sum[a] / (double)s->count : NAN;
}

void cli_stats_cov(const cli_stats *s, double *cov) {
  const int k = s->k;
  const double m = (double)s->count;
  for (int a = 0; a < k; a++)
    for (int b = a; b < k; b++) {
      const double c =
          s->count > 1
              ? (s->sumsq[a * k + b] - s->sum[a] * s->sum[b] / m) / (m - 1)
              : NAN;
      cov[a * k + b] = cov[b * k + a] = c;
    }
}

void cli_stats_free(cli_stats *s) {
  free(s->shift);
  free(s->sum);
  free(s->sumsq);
  free(s->rows);
  free(s->scratch);
  memset(s, 0, sizeof *s);
}
