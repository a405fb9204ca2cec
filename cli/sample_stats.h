/* What the demo and --plot learn from the rows of a multivariate normal as
 * they stream past: running moments of the first k coordinates over every
 * row, and the first rows themselves (those k coordinates), for drawing.
 * Memory is O(k^2 + keep k), whatever the number of rows. */
#ifndef JR_CLI_SAMPLE_STATS_H
#define JR_CLI_SAMPLE_STATS_H

#include <stdint.h>

#include "jaxrandom.h"

typedef struct cli_stats {
  int64_t n;      /* elements per row */
  int k;          /* leading coordinates tracked, 1 <= k <= n */
  jr_dtype dtype; /* of the rows */
  int64_t count;  /* rows seen */
  /* Sums of (x - shift) and of its outer products (k x k): shifting by the
   * first row keeps the covariance free of the cancellation of raw sums
   * when the mean is large against the spread. */
  double *shift, *sum, *sumsq;
  int64_t keep;    /* rows to keep (the first ones) */
  int64_t kept;    /* rows kept so far */
  double *rows;    /* keep x k */
  double *scratch; /* k: a row past the kept ones */
} cli_stats;

/* Zeroes s and allocates it for rows of n elements of dtype, tracking the
 * first k coordinates and keeping the first `keep` rows. Returns 0, or -1
 * when out of memory (s is then safe to free). */
int cli_stats_init(cli_stats *s, int64_t n, int k, jr_dtype dtype,
                   int64_t keep);
/* Adds `rows` consecutive rows from buf (rows x n elements of s->dtype). */
void cli_stats_add(cli_stats *s, const void *buf, int64_t rows);
/* The sample mean (k values); NaN without rows. */
void cli_stats_mean(const cli_stats *s, double *mean);
/* The sample covariance (k x k, divisor count - 1); NaN below two rows. */
void cli_stats_cov(const cli_stats *s, double *cov);
void cli_stats_free(cli_stats *s);

#endif /* JR_CLI_SAMPLE_STATS_H */
