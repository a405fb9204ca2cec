/* multivariate_normal.logpdf: jr_mvn_density_eval (covariance factored
 * once) over m points of dimension n, float64, one thread; prints one line
 * per case: n, points, best and median seconds of the reps. Run by
 * bench/bench_density.py, which times SciPy in the same run. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "jaxrandom.h"

static double clock_s(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static double now(void) {
  return clock_s(CLOCK_MONOTONIC);
}
/* CPU time of the process (one thread here): less sensitive than the wall
 * clock to other programs sharing the cores */
static double cpu_now(void) {
  return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static uint64_t state = 42;
static double rnd(void) { /* splitmix64, uniform in [-1, 1) */
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (double)(z >> 11) * 0x1p-52 - 1.0;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int run(int64_t n, int64_t m, int reps) {
  double *cov = malloc(sizeof(double) * (size_t)(n * n));
  double *a = malloc(sizeof(double) * (size_t)(n * n));
  double *mean = malloc(sizeof(double) * (size_t)n);
  double *x = malloc(sizeof(double) * (size_t)(n * m));
  double *out = malloc(sizeof(double) * (size_t)m);
  double t[32], c[32];
  if (!cov || !a || !mean || !x || !out) return 1;
  for (int64_t k = 0; k < n * n; k++)
    a[k] = rnd();
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) {
      double s = i == j ? (double)n : 0.0;
      for (int64_t k = 0; k < n; k++)
        s += a[i * n + k] * a[j * n + k];
      cov[i * n + j] = s / (double)n;
    }
  for (int64_t k = 0; k < n; k++)
    mean[k] = rnd();
  for (int64_t k = 0; k < n * m; k++)
    x[k] = 2 * rnd();
  int64_t ms[1] = {n}, cs[2] = {n, n}, xs[2] = {m, n};
  jr_array mv = {mean, JR_FLOAT64, 1, ms, NULL};
  jr_array cv = {cov, JR_FLOAT64, 2, cs, NULL};
  jr_array xv = {x, JR_FLOAT64, 2, xs, NULL};
  jr_ctx *ctx = jr_ctx_create();
  jr_ctx_set_int(ctx, JR_PARAM_THREADS, 1);
  double checksum = 0;
  for (int r = 0; r < reps; r++) {
    /* the whole call: factor and evaluate, as SciPy's logpdf(x, mean, cov) */
    const double t0 = now(), c0 = cpu_now();
    jr_mvn_density *d = NULL;
    jr_status st = jr_mvn_density_create(ctx, &mv, &cv, JR_FLOAT64, &d);
    if (!st) st = jr_mvn_density_eval(d, ctx, &xv, 0, 0, -1, out);
    t[r] = now() - t0;
    c[r] = cpu_now() - c0;
    jr_mvn_density_free(d);
    if (st) {
      fprintf(stderr, "bench_density: %s\n", jr_last_error());
      return 1;
    }
    checksum += out[m / 2];
  }
  qsort(t, (size_t)reps, sizeof t[0], cmp);
  qsort(c, (size_t)reps, sizeof c[0], cmp);
  printf("n=%lld points=%lld best=%.6f median=%.6f cpu_best=%.6f "
         "cpu_median=%.6f (checksum %.6g)\n",
         (long long)n, (long long)m, t[0], t[reps / 2], c[0], c[reps / 2],
         checksum);
  jr_ctx_free(ctx);
  free(cov);
  free(a);
  free(mean);
  free(x);
  free(out);
  return 0;
}

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 5;
  if (reps < 1 || reps > 32) reps = 5;
  /* a second argument: that case only (3 or 100), for profiling */
  const int only = argc > 2 ? atoi(argv[2]) : 0;
  printf("kernels %s\n", jr_isa_name(jr_isa_active()));
  return (only != 100 && run(3, 1000000, reps)) ||
         (only != 3 && run(100, 100000, reps));
}
