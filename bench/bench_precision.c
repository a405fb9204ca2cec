/* Sampling the precision form (jr_mvn_create_form with JR_COV_PRECISION:
 * mean + L_P^-T z by the triangular solve) against the cholesky path's
 * mean + L z product at the same n, rows and dtype, in process CPU time,
 * best of the repeats, one thread, creation excluded (jr_mvn_sample_rows
 * only; both draw the same z). Both matrices are 0.5 I + 0.5 J (J all
 * ones): dense factors without subnormal entries, whose arithmetic would
 * time the CPU's microcode assists rather than the kernels.
 * Usage: bench_precision [reps] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "jaxrandom.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void *xmalloc(size_t bytes) {
  void *p = malloc(bytes);
  if (!p) {
    fprintf(stderr, "bench_precision: out of memory\n");
    exit(1);
  }
  return p;
}

static void put(jr_dtype d, void *p, int64_t k, double v) {
  if (d == JR_FLOAT32)
    ((float *)p)[k] = (float)v;
  else
    ((double *)p)[k] = v;
}

static void check(jr_status st, const char *what) {
  if (st != JR_OK) {
    fprintf(stderr, "bench_precision: %s: %s\n", what, jr_last_error());
    exit(1);
  }
}

static double best(const jr_mvn *m, const jr_ctx *ctx, int64_t rows, void *out,
                   int reps) {
  double b = INFINITY;
  for (int r = 0; r < reps; r++) {
    const double t0 = now();
    check(jr_mvn_sample_rows(m, ctx, jr_key_from_seed(r, 0), 0, rows, out),
          "sample");
    const double t = now() - t0;
    if (t < b) b = t;
  }
  return b;
}

int main(int argc, char **argv) {
  const int reps = argc > 1 ? atoi(argv[1]) : 5;
  static const int64_t ns[] = {100, 1000};
  jr_ctx *ctx = jr_ctx_create();
  check(jr_ctx_set_int(ctx, JR_PARAM_THREADS, 1), "threads");
  printf("dtype    n   rows   cholesky product s   precision solve s   "
         "ratio\n");
  for (int di = 0; di < 2; di++) {
    const jr_dtype d = di ? JR_FLOAT32 : JR_FLOAT64;
    const size_t es = jr_dtype_size(d);
    for (int k = 0; k < 2; k++) {
      const int64_t n = ns[k], rows = n == 100 ? 100000 : 2000;
      void *c = xmalloc(es * (size_t)(n * n)), *p = xmalloc(es * (size_t)(n * n));
      void *m = xmalloc(es * (size_t)n), *out = xmalloc(es * (size_t)(rows * n));
      for (int64_t i = 0; i < n; i++) {
        put(d, m, i, 0.5 * (double)(i % 5) - 1.0);
        for (int64_t j = 0; j < n; j++) {
          put(d, c, i * n + j, i == j ? 1.0 : 0.5);
          put(d, p, i * n + j, i == j ? 1.0 : 0.5);
        }
      }
      const int64_t cs[2] = {n, n}, ms[1] = {n}, shape[1] = {rows};
      const jr_array ca = {c, d, 2, cs, NULL}, pa = {p, d, 2, cs, NULL},
                     ma = {m, d, 1, ms, NULL};
      jr_mvn *mc = NULL, *mp = NULL;
      check(jr_mvn_create(ctx, &ma, &ca, 1, shape, d, JR_CHOLESKY, &mc),
            "create cholesky");
      check(jr_mvn_create_form(ctx, &ma, &pa, JR_COV_PRECISION, 1, shape, d, 0,
                               -1, &mp),
            "create precision");
      const double tc = best(mc, ctx, rows, out, reps);
      const double tp = best(mp, ctx, rows, out, reps);
      printf("%-7s %5lld %6lld %18.4f %19.4f %7.2f\n", jr_dtype_name(d),
             (long long)n, (long long)rows, tc, tp, tp / tc);
      jr_mvn_free(mc);
      jr_mvn_free(mp);
      free(c);
      free(p);
      free(m);
      free(out);
    }
  }
  jr_ctx_free(ctx);
  return 0;
}
