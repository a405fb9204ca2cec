/* Sampling the precision form (jr_mvn_create_form with JR_COV_PRECISION:
 * mean + L_P^-T z by the triangular solve) against the cholesky path's
 * mean + L z product at the same n, rows and dtype, in process CPU time,
 * best of the repeats, one thread, creation excluded (jr_mvn_sample_rows
 * only; both draw the same z). Both matrices are 0.5 I + 0.5 J (J all
 * ones): dense factors without subnormal entries, whose arithmetic would
 * time the CPU's microcode assists rather than the kernels.
 * Then the kernels alone (the active set's jr_product against jr_solve on
 * the same lower factor, zero means, calls of 96 / 64 rows as the sampler
 * makes them), which is how the solve's register tiles were chosen.
 * Usage: bench_precision [reps] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BENCH_NAME "bench_precision"
#include "bench_util.h"
#include "jaxrandom.h"
#include "linalg/product.h"
#include "linalg/solve.h"

static double best(const jr_mvn *m, const jr_ctx *ctx, int64_t rows, void *out,
                   int reps) {
  double b = INFINITY;
  for (int r = 0; r < reps; r++) {
    const double t0 = bench_cpu_now();
    check(jr_mvn_sample_rows(m, ctx, jr_key_from_seed(r, 0), 0, rows, out),
          "sample");
    const double t = bench_cpu_now() - t0;
    if (t < b) b = t;
  }
  return b;
}

/* jr_product (lower) and jr_solve on one factor L with L_ii in {1, 2, 3}
 * and small entries below: best CPU seconds of each over reps. */
static void kernels_only(jr_dtype d, int64_t n, int64_t rows, int reps) {
  const size_t es = jr_dtype_size(d);
  void *l = xmalloc(es * (size_t)(n * n)),
       *z = xmalloc(es * (size_t)(rows * n));
  void *m = calloc((size_t)(rows * n), es),
       *o = xmalloc(es * (size_t)(rows * n));
  if (!m) exit(1);
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++)
      put(d, l, i * n + j,
          j > i    ? 0
          : j == i ? 1.0 + (double)(i % 3)
                   : 0.01 * (double)((i * 7 + j * 3) % 11 - 5));
  for (int64_t k = 0; k < rows * n; k++)
    put(d, z, k, (double)((uint64_t)k * 2654435761u % 1000) / 500.0 - 1);
  void *pp = aligned_alloc(
      64, (es * (size_t)jr_product_packed_size(d, n, 1) + 63) / 64 * 64);
  void *sp = xmalloc(es * (size_t)jr_solve_packed_size(n));
  void *s1 = aligned_alloc(64, jr_product_scratch_bytes(d, n));
  void *s2 = aligned_alloc(64, jr_solve_scratch_bytes(d, n));
  if (!pp || !s1 || !s2) exit(1);
  jr_product_pack(d, n, 1, l, n, pp);
  jr_solve_pack(d, n, l, n, sp);
  double bp = INFINITY, bs = INFINITY;
  for (int r = 0; r < reps; r++) {
    const double t0 = bench_cpu_now();
    for (int64_t a = 0; a < rows; a += JR_PRODUCT_MC) {
      const jr_product_args g = {d,
                                 n,
                                 1,
                                 rows - a < JR_PRODUCT_MC ? rows - a
                                                          : JR_PRODUCT_MC,
                                 pp,
                                 (char *)z + (size_t)(a * n) * es,
                                 m,
                                 0,
                                 (char *)o + (size_t)(a * n) * es,
                                 s1};
      check(jr_product(&g), "product");
    }
    const double t1 = bench_cpu_now();
    for (int64_t a = 0; a < rows; a += JR_SOLVE_CHUNK) {
      const jr_solve_args g = {d,
                               n,
                               rows - a < JR_SOLVE_CHUNK ? rows - a
                                                         : JR_SOLVE_CHUNK,
                               sp,
                               (char *)z + (size_t)(a * n) * es,
                               m,
                               0,
                               (char *)o + (size_t)(a * n) * es,
                               s2};
      check(jr_solve(&g), "solve");
    }
    const double t2 = bench_cpu_now();
    if (t1 - t0 < bp) bp = t1 - t0;
    if (t2 - t1 < bs) bs = t2 - t1;
  }
  printf("%-7s %5lld %6lld %18.4f %19.4f %7.2f\n", jr_dtype_name(d),
         (long long)n, (long long)rows, bp, bs, bs / bp);
  free(l);
  free(z);
  free(m);
  free(o);
  free(pp);
  free(sp);
  free(s1);
  free(s2);
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
      void *c = xmalloc(es * (size_t)(n * n)),
           *p = xmalloc(es * (size_t)(n * n));
      void *m = xmalloc(es * (size_t)n),
           *out = xmalloc(es * (size_t)(rows * n));
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
  printf("kernels only (jr_product lower vs jr_solve, same factor):\n");
  for (int di = 0; di < 2; di++)
    for (int k = 0; k < 2; k++)
      kernels_only(di ? JR_FLOAT32 : JR_FLOAT64, ns[k],
                   ns[k] == 100 ? 20000 : 1000, reps);
  return 0;
}
