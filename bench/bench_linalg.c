/* The own Cholesky and product (src/linalg, docs/linalg.md) against
 * OpenBLAS in the same run, one thread: jr_chol vs LAPACKE potrf at n = 100,
 * 300, 1000, and jr_product (lower triangle) vs cblas gemm / trmm at W3's
 * shape (n = 1000, 10^4 rows). Best of the repeats, thread CPU time.
 * Also jr_chol_batch of 10^5 4 x 4 matrices (W4) vs LAPACKE potrf per matrix.
 * Usage: bench_linalg [reps] [isa: ref|avx2|avx512|auto] [rows]
 *        [all|chol|product|batch] */
#include <cblas.h>
#include <lapacke.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jaxrandom.h"
#include "linalg/chol.h"
#include "linalg/product.h"

static double now(void) {
  struct timespec ts;
  /* CPU time of this thread: OpenBLAS runs here too (one thread), and a
   * shared machine's preemptions do not count */
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng = 88172645463325252ull;
static double urand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (double)(rng >> 11) * 0x1p-52 - 1.0;
}

/* cov = B B^T / n + I, row-major (symmetric: row- and column-major agree) */
static void make_spd(int64_t n, double *c) {
  double *b = malloc(sizeof *b * (size_t)(n * n));
  for (int64_t k = 0; k < n * n; k++)
    b[k] = urand();
  cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (blasint)n, (blasint)n,
              1.0 / (double)n, b, (blasint)n, 0.0, c, (blasint)n);
  for (int64_t i = 0; i < n; i++) {
    c[i * n + i] += 1.0;
    for (int64_t j = i + 1; j < n; j++)
      c[i * n + j] = c[j * n + i];
  }
  free(b);
}

static void make_spd_small(double *m) {
  double b[16];
  for (int k = 0; k < 16; k++)
    b[k] = urand();
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      double v = i == j ? 0.5 : 0;
      for (int k = 0; k < 4; k++)
        v += b[i * 4 + k] * b[j * 4 + k];
      m[i * 4 + j] = v;
    }
}

static void bench_chol(jr_dtype d, int64_t n, int reps) {
  const size_t nn = (size_t)(n * n), ts = d == JR_FLOAT32 ? 4 : 8;
  double *cd = malloc(sizeof *cd * nn);
  make_spd(n, cd);
  void *c = malloc(ts * nn), *f = malloc(ts * nn), *w = malloc(ts * nn);
  for (size_t k = 0; k < nn; k++)
    if (d == JR_FLOAT32)
      ((float *)c)[k] = (float)cd[k];
    else
      ((double *)c)[k] = cd[k];
  double best_own = 1e30, best_lap = 1e30;
  for (int r = 0; r < reps; r++) {
    int64_t info;
    double t0 = now();
    jr_chol(d, n, c, n, f, n, &info);
    double t1 = now();
    if (info) fprintf(stderr, "jr_chol info %lld\n", (long long)info);
    if (t1 - t0 < best_own) best_own = t1 - t0;
    t0 = now();
    memcpy(w, c, ts * nn);
    lapack_int li = d == JR_FLOAT32
                        ? LAPACKE_spotrf_work(LAPACK_COL_MAJOR, 'L',
                                              (lapack_int)n, w, (lapack_int)n)
                        : LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L',
                                              (lapack_int)n, w, (lapack_int)n);
    t1 = now();
    if (li) fprintf(stderr, "potrf info %d\n", (int)li);
    if (t1 - t0 < best_lap) best_lap = t1 - t0;
  }
  const double flops = (double)n * (double)n * (double)n / 3.0;
  printf("chol    %s n=%-5lld own %9.3f ms (%6.1f GFLOP/s)  potrf %9.3f ms "
         "(%6.1f GFLOP/s)  own/potrf %.2f\n",
         jr_dtype_name(d), (long long)n, best_own * 1e3,
         flops / best_own * 1e-9, best_lap * 1e3, flops / best_lap * 1e-9,
         best_own / best_lap);
  free(cd);
  free(c);
  free(f);
  free(w);
}

static void bench_product(jr_dtype d, int64_t n, int64_t rows, int reps) {
  const size_t ts = d == JR_FLOAT32 ? 4 : 8, nn = (size_t)(n * n),
               rn = (size_t)(rows * n);
  char *f = aligned_alloc(64, ts * nn), *z = aligned_alloc(64, ts * rn),
       *o = aligned_alloc(64, ts * rn), *g = aligned_alloc(64, ts * rn),
       *m = aligned_alloc(64, ts * (size_t)n);
  for (size_t i = 0; i < (size_t)n; i++)
    for (size_t j = 0; j < (size_t)n; j++) {
      const double v = j > i ? 0 : urand();
      if (d == JR_FLOAT32)
        ((float *)f)[i * (size_t)n + j] = (float)v;
      else
        ((double *)f)[i * (size_t)n + j] = v;
    }
  for (size_t k = 0; k < rn; k++)
    if (d == JR_FLOAT32)
      ((float *)z)[k] = (float)urand();
    else
      ((double *)z)[k] = urand();
  memset(m, 0, ts * (size_t)n);
  const int64_t psz = jr_product_packed_size(d, n, 1);
  void *packed = aligned_alloc(64, (ts * (size_t)psz + 63) / 64 * 64);
  jr_product_pack(d, n, 1, f, n, packed);
  memset(o, 0, ts * rn);
  memset(g, 0, ts * rn);
  double best_own = 1e30, best_gemm = 1e30, best_trmm = 1e30;
  const blasint bm = (blasint)rows, bn = (blasint)n;
  for (int r = 0; r < reps; r++) {
    jr_product_args a = {d, n, 1, rows, packed, z, m, 0, o, NULL};
    double t0 = now();
    jr_product(&a);
    double t1 = now();
    if (t1 - t0 < best_own) best_own = t1 - t0;
    t0 = now();
    if (d == JR_FLOAT32)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, bm, bn, bn, 1.0f,
                  (float *)z, bn, (float *)f, bn, 0.0f, (float *)g, bn);
    else
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, bm, bn, bn, 1.0,
                  (double *)z, bn, (double *)f, bn, 0.0, (double *)g, bn);
    t1 = now();
    if (t1 - t0 < best_gemm) best_gemm = t1 - t0;
    memcpy(g, z, ts * rn);
    t0 = now();
    if (d == JR_FLOAT32)
      cblas_strmm(CblasRowMajor, CblasRight, CblasLower, CblasTrans,
                  CblasNonUnit, bm, bn, 1.0f, (float *)f, bn, (float *)g, bn);
    else
      cblas_dtrmm(CblasRowMajor, CblasRight, CblasLower, CblasTrans,
                  CblasNonUnit, bm, bn, 1.0, (double *)f, bn, (double *)g, bn);
    t1 = now();
    if (t1 - t0 < best_trmm) best_trmm = t1 - t0;
  }
  const double tri = 2.0 * (double)rows * (double)n * (double)(n + 1) / 2.0;
  const double full = 2.0 * (double)rows * (double)n * (double)n;
  printf("product %s n=%lld rows=%lld own %8.2f ms (%6.1f GFLOP/s, triangle)"
         "  gemm %8.2f ms (%6.1f GFLOP/s)  trmm %8.2f ms (%6.1f)  own rate / "
         "gemm rate %.2f\n",
         jr_dtype_name(d), (long long)n, (long long)rows, best_own * 1e3,
         tri / best_own * 1e-9, best_gemm * 1e3, full / best_gemm * 1e-9,
         best_trmm * 1e3, tri / best_trmm * 1e-9,
         (tri / best_own) / (full / best_gemm));
  free(f);
  free(z);
  free(o);
  free(g);
  free(m);
  free(packed);
}

/* W4's factorization: 10^5 covariances of 4 x 4 */
static void bench_batch(jr_dtype d, int64_t count, int reps) {
  const int64_t n = 4, nn = 16;
  const size_t ts = d == JR_FLOAT32 ? 4 : 8;
  char *c = malloc(ts * (size_t)(count * nn)),
       *f = malloc(ts * (size_t)(count * nn));
  int64_t *info = malloc(sizeof *info * (size_t)count);
  for (int64_t e = 0; e < count; e++) {
    double m[16];
    make_spd_small(m);
    for (int k = 0; k < 16; k++)
      if (d == JR_FLOAT32)
        ((float *)c)[e * nn + k] = (float)m[k];
      else
        ((double *)c)[e * nn + k] = m[k];
  }
  double best_own = 1e30, best_lap = 1e30;
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    jr_chol_batch(d, n, count, c, f, info, 0);
    double t1 = now();
    if (t1 - t0 < best_own) best_own = t1 - t0;
    t0 = now();
    for (int64_t e = 0; e < count; e++) {
      char *fe = f + ts * (size_t)(e * nn);
      memcpy(fe, c + ts * (size_t)(e * nn), ts * (size_t)nn);
      if (d == JR_FLOAT32)
        LAPACKE_spotrf_work(LAPACK_COL_MAJOR, 'L', 4, (float *)fe, 4);
      else
        LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', 4, (double *)fe, 4);
    }
    t1 = now();
    if (t1 - t0 < best_lap) best_lap = t1 - t0;
  }
  printf("batch   %s n=4 count=%lld own %8.3f ms (%6.1f ns/matrix)  "
         "potrf loop %8.3f ms (%6.1f ns)  potrf/own %.1f\n",
         jr_dtype_name(d), (long long)count, best_own * 1e3,
         best_own / (double)count * 1e9, best_lap * 1e3,
         best_lap / (double)count * 1e9, best_lap / best_own);
  free(c);
  free(f);
  free(info);
}

int main(int argc, char **argv) {
  const int reps = argc > 1 ? atoi(argv[1]) : 5;
  if (argc > 2) {
    jr_isa isa = !strcmp(argv[2], "ref")      ? JR_ISA_REF
                 : !strcmp(argv[2], "avx2")   ? JR_ISA_AVX2
                 : !strcmp(argv[2], "avx512") ? JR_ISA_AVX512
                                              : JR_ISA_AUTO;
    if (jr_isa_select(isa) != JR_OK) {
      fprintf(stderr, "bench_linalg: %s\n", jr_last_error());
      return 1;
    }
  }
  openblas_set_num_threads(1);
  printf("kernel set %s, OpenBLAS %s, one thread\n",
         jr_isa_name(jr_isa_active()), openblas_get_config());
  const char *what = argc > 4 ? argv[4] : "all";
  const int all = !strcmp(what, "all");
  static const int64_t ns[] = {100, 300, 1000};
  for (int d = 0; d < 2 && (all || !strcmp(what, "chol")); d++)
    for (int i = 0; i < 3; i++)
      bench_chol(d ? JR_FLOAT32 : JR_FLOAT64, ns[i], reps);
  for (int d = 0; d < 2 && (all || !strcmp(what, "batch")); d++)
    bench_batch(d ? JR_FLOAT32 : JR_FLOAT64, 100000, reps);
  const int64_t rows = argc > 3 && atoll(argv[3]) > 0 ? atoll(argv[3]) : 10000;
  for (int d = 0; d < 2 && (all || !strcmp(what, "product")); d++)
    bench_product(d ? JR_FLOAT32 : JR_FLOAT64, 1000, rows, reps > 3 ? 3 : reps);
  return 0;
}
