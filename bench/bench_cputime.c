/* W3 and W4 (docs/performance.md) timed in process CPU time, best of the
 * repeats, one thread: on a shared machine wall-clock figures move with the
 * load (bench_workloads measures wall time, as its peers do), CPU time much
 * less. W3: jr_mvn_create + jr_mvn_sample_rows (n = 1000, 10^4 rows, AR(1)
 * rho = 0.5); W4: jr_multivariate_normal (the one-shot path) and create +
 * sample, 10^5 4 x 4 AR(1) covariances rho_k = 0.9 sin k, mean cos(k + i).
 * The NumPy peer in the same terms: bench/numpy_cputime.py.
 * Usage: bench_cputime [reps] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BENCH_NAME "bench_cputime"
#include "bench_util.h"
#include "jaxrandom.h"

static int reps = 5;

static void w3(jr_dtype d) {
  const int64_t n = 1000, rows = 10000;
  const size_t es = jr_dtype_size(d);
  void *c = xmalloc(es * (size_t)(n * n)), *m = xmalloc(es * (size_t)n);
  void *out = xmalloc(es * (size_t)(rows * n));
  for (int64_t i = 0; i < n; i++) {
    put(d, m, i, 0.5 * (double)(i % 5) - 1.0);
    for (int64_t j = 0; j < n; j++)
      put(d, c, i * n + j, pow(0.5, (double)(i > j ? i - j : j - i)));
  }
  const int64_t cs[2] = {n, n}, ms[1] = {n}, shape[1] = {rows};
  const jr_array ca = {c, d, 2, cs, NULL}, ma = {m, d, 1, ms, NULL};
  jr_ctx *ctx = jr_ctx_create();
  check(jr_ctx_set_int(ctx, JR_PARAM_THREADS, 1), "threads");
  const jr_key key = jr_key_from_seed(0, 1);
  double best = 1e30;
  for (int r = 0; r < reps; r++) {
    const double t0 = bench_cpu_now();
    jr_mvn *mv = NULL;
    check(jr_mvn_create(ctx, &ma, &ca, 1, shape, d, JR_CHOLESKY, &mv),
          "jr_mvn_create");
    check(jr_mvn_sample_rows(mv, ctx, key, 0, rows, out), "sample");
    jr_mvn_free(mv);
    const double t = bench_cpu_now() - t0;
    if (t < best) best = t;
  }
  printf("W3\t%s\tcreate+sample\t%.4f s\n", jr_dtype_name(d), best);
  jr_ctx_free(ctx);
  free(c);
  free(m);
  free(out);
}

static void w4(jr_dtype d) {
  const int64_t n = 4, rows = 100000;
  const size_t es = jr_dtype_size(d);
  void *c = xmalloc(es * (size_t)(rows * n * n));
  void *m = xmalloc(es * (size_t)(rows * n));
  void *out = xmalloc(es * (size_t)(rows * n));
  for (int64_t k = 0; k < rows; k++) {
    const double rho = 0.9 * sin((double)k);
    for (int64_t i = 0; i < n; i++) {
      put(d, m, k * n + i, cos((double)(k + i)));
      for (int64_t j = 0; j < n; j++)
        put(d, c, (k * n + i) * n + j,
            pow(rho, (double)(i > j ? i - j : j - i)));
    }
  }
  const int64_t cs[3] = {rows, n, n}, ms[2] = {rows, n}, os[2] = {rows, n};
  const jr_array ca = {c, d, 3, cs, NULL}, ma = {m, d, 2, ms, NULL};
  jr_array oa = {out, d, 2, os, NULL};
  jr_ctx *ctx = jr_ctx_create();
  check(jr_ctx_set_int(ctx, JR_PARAM_THREADS, 1), "threads");
  const jr_key key = jr_key_from_seed(0, 1);
  double one = 1e30, two = 1e30;
  for (int r = 0; r < reps; r++) {
    double t0 = bench_cpu_now();
    check(jr_multivariate_normal(ctx, key, &ma, &ca, JR_SHAPE_NONE, NULL, d,
                                 JR_CHOLESKY, &oa),
          "jr_multivariate_normal");
    double t = bench_cpu_now() - t0;
    if (t < one) one = t;
    t0 = bench_cpu_now();
    jr_mvn *mv = NULL;
    check(
        jr_mvn_create(ctx, &ma, &ca, JR_SHAPE_NONE, NULL, d, JR_CHOLESKY, &mv),
        "jr_mvn_create");
    check(jr_mvn_sample_rows(mv, ctx, key, 0, rows, out), "sample");
    jr_mvn_free(mv);
    t = bench_cpu_now() - t0;
    if (t < two) two = t;
  }
  printf("W4\t%s\tone-shot\t%.5f s\n", jr_dtype_name(d), one);
  printf("W4\t%s\tcreate+sample\t%.5f s\n", jr_dtype_name(d), two);
  jr_ctx_free(ctx);
  free(c);
  free(m);
  free(out);
}

int main(int argc, char **argv) {
  if (argc > 1) reps = atoi(argv[1]);
  if (reps < 1) reps = 1;
  printf("# kernel set %s, one thread, process CPU time, best of %d\n",
         jr_isa_name(jr_isa_active()), reps);
  w3(JR_FLOAT64);
  w3(JR_FLOAT32);
  w4(JR_FLOAT64);
  w4(JR_FLOAT32);
  return 0;
}
