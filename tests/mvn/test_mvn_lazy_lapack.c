/* LAPACKE (and the OpenBLAS behind it) is loaded at the first eigh/svd, not
 * at start-up (docs/linalg.md, "LAPACK"): a process that draws normals and
 * cholesky samples has neither in its address space and no thread beyond
 * its own; the first eigh loads them and gives the same samples as a
 * process that loaded them earlier (the other mvn tests). Linked against
 * the library only, not LAPACKE or OpenBLAS. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "jaxrandom.h"

static int mapped(const char *needle) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (!f) return -1;
  char line[4096];
  int found = 0;
  while (fgets(line, sizeof line, f))
    if (strstr(line, needle)) found = 1;
  fclose(f);
  return found;
}

static int threads(void) {
  DIR *d = opendir("/proc/self/task");
  if (!d) return -1;
  int k = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') k++;
  closedir(d);
  return k;
}

static jr_status sample(const jr_ctx *ctx, jr_method method, double *out) {
  const double mean[3] = {1, 2, 3};
  const double cov[9] = {2, 0.5, 0, 0.5, 1, 0.2, 0, 0.2, 0.5};
  int64_t ms[1] = {3}, cs[2] = {3, 3}, shape[1] = {4}, os[2] = {4, 3};
  jr_array m = {(void *)mean, JR_FLOAT64, 1, ms, NULL};
  jr_array c = {(void *)cov, JR_FLOAT64, 2, cs, NULL};
  jr_array o = {out, JR_FLOAT64, 2, os, NULL};
  return jr_multivariate_normal(ctx, jr_key_from_seed(7, 0), &m, &c, 1, shape,
                                JR_FLOAT64, method, &o);
}

int main(void) {
  int fails = 0;
  if (mapped("/proc") < 0 || threads() < 0) {
    printf("SKIP: no /proc\n");
    return 77;
  }
  jr_ctx *ctx = jr_ctx_create();
  if (!ctx) return 2;
  jr_ctx_set_int(ctx, JR_PARAM_THREADS, 1);
  double y[12], e1[12], e2[12];
  jr_status st = sample(ctx, JR_CHOLESKY, y);
  if (st != JR_OK) {
    printf("FAIL: cholesky sampling: %s\n", jr_last_error());
    fails++;
  }
  const int t0 = threads();
  if (mapped("libopenblas") || mapped("liblapack")) {
    printf("FAIL: LAPACK/OpenBLAS mapped before any eigh/svd\n");
    fails++;
  }
  if (t0 != 1) {
    printf("FAIL: %d threads after cholesky sampling on 1 thread\n", t0);
    fails++;
  }
  st = sample(ctx, JR_EIGH, e1);
  if (st != JR_OK) {
    printf("FAIL: eigh: %s\n", jr_last_error());
    fails++;
  }
  if (mapped("liblapacke") != 1) {
    printf("FAIL: LAPACKE not mapped after eigh\n");
    fails++;
  }
  st = sample(ctx, JR_EIGH, e2);
  if (st != JR_OK || memcmp(e1, e2, sizeof e1) != 0) {
    printf("FAIL: a second eigh call differs\n");
    fails++;
  }
  /* the cholesky samples do not depend on whether LAPACK is loaded */
  double y2[12];
  if (sample(ctx, JR_CHOLESKY, y2) != JR_OK || memcmp(y, y2, sizeof y) != 0) {
    printf("FAIL: cholesky samples changed after loading LAPACK\n");
    fails++;
  }
  jr_ctx_free(ctx);
  printf("%s: lazy LAPACK (threads before eigh: %d)\n", fails ? "FAIL" : "ok",
         t0);
  return fails != 0;
}
