/* Factors must not depend on OpenBLAS's process-wide thread count: its
 * syevd/gesdd (and blocked potrf) sum in a thread-dependent order, so
 * jr_mvn_create pins OpenBLAS to one thread while it factors. This test sets
 * the caller's OpenBLAS thread count to 1 and to 2 and requires identical
 * factor bytes, and that the caller's setting is restored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jaxrandom.h"

void openblas_set_num_threads(int);
int openblas_get_num_threads(void);

enum { N = 300 };

static jr_status factors(jr_method method, const double *cov, double *out) {
  double mean[N] = {0};
  int64_t ms[1] = {N}, cs[2] = {N, N};
  jr_array m = {mean, JR_FLOAT64, 1, ms, NULL};
  jr_array c = {(void *)cov, JR_FLOAT64, 2, cs, NULL};
  jr_mvn *mvn;
  jr_status st = jr_mvn_create(NULL, &m, &c, JR_SHAPE_NONE, NULL, JR_DTYPE_NONE,
                               method, &mvn);
  if (st != JR_OK) return st;
  st = jr_mvn_factor(mvn, 0, out);
  jr_mvn_free(mvn);
  return st;
}

int main(void) {
  /* A random SPD matrix: A A^T / N + I, from a simple LCG. */
  double *a = malloc(sizeof(double) * N * N),
         *cov = malloc(sizeof(double) * N * N);
  double *f1 = malloc(sizeof(double) * N * N),
         *f2 = malloc(sizeof(double) * N * N);
  if (!a || !cov || !f1 || !f2) return 2;
  unsigned long long s = 12345;
  for (int i = 0; i < N * N; i++) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    a[i] = (double)(s >> 11) / 9007199254740992.0 - 0.5;
  }
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      double acc = 0;
      for (int k = 0; k < N; k++)
        acc += a[i * N + k] * a[j * N + k];
      cov[i * N + j] = acc / N + (i == j);
    }
  int fails = 0;
  const jr_method methods[3] = {JR_CHOLESKY, JR_EIGH, JR_SVD};
  for (int mi = 0; mi < 3; mi++) {
    openblas_set_num_threads(1);
    jr_status st1 = factors(methods[mi], cov, f1);
    openblas_set_num_threads(2);
    jr_status st2 = factors(methods[mi], cov, f2);
    if (openblas_get_num_threads() != 2) {
      printf("FAIL: method %d: OpenBLAS thread count not restored (%d)\n", mi,
             openblas_get_num_threads());
      fails++;
    }
    if (st1 != JR_OK || st2 != JR_OK) {
      printf("FAIL: method %d: status %d/%d: %s\n", mi, st1, st2,
             jr_last_error());
      fails++;
    } else if (memcmp(f1, f2, sizeof(double) * N * N) != 0) {
      printf("FAIL: method %d: factor bytes differ with OpenBLAS at 1 vs 2 "
             "threads\n",
             mi);
      fails++;
    }
  }
  free(a);
  free(cov);
  free(f1);
  free(f2);
  printf("%s: %d failure(s)\n", fails ? "FAIL" : "PASS", fails);
  return fails != 0;
}
