/* The own Cholesky (src/linalg, docs/linalg.md) against
 * OpenBLAS in the same run, one thread: jr_chol vs LAPACKE potrf at n = 100,
 * 300, 1000. Best of the repeats, wall time.
 * Usage: bench_linalg [reps] [isa: ref|avx2|avx512] */
#include <cblas.h>
#include <lapacke.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jaxrandom.h"
#include "linalg/chol.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
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
  static const int64_t ns[] = {100, 300, 1000};
  for (int d = 0; d < 2; d++)
    for (int i = 0; i < 3; i++)
      bench_chol(d ? JR_FLOAT32 : JR_FLOAT64, ns[i], reps);
  return 0;
}
