/* The start-up self-check of the own linear algebra's kernel sets: each set
 * runs every entry on fixed inputs next to the ref set, once per process,
 * before a sampler uses it; a set that differs anywhere is an error
 * (JR_E_BAD_ISA), never a silent switch to another set, so the bytes a user
 * gets are always the definition's. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/chol.h"
#include "linalg/linalg_kernels.h"

/* Fixed pseudo-random values in [-1, 1) (an LCG: the same on every machine). */
static double jr_sc_rand(uint64_t *s) {
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return (double)(*s >> 11) * 0x1p-52 - 1.0;
}

/* cov = B B^T / n + 0.05 I (row-major, slightly asymmetric above the
 * diagonal so the symmetrization matters); with `fail`, a_ff is made
 * negative so the pivot f fails. */
static void jr_sc_cov(int64_t n, uint64_t *s, int64_t fail, double *c) {
  double *b = malloc(sizeof *b * (size_t)(n * n));
  if (!b) return;
  for (int64_t k = 0; k < n * n; k++)
    b[k] = jr_sc_rand(s);
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) {
      double v = i == j ? 0.05 : 0.0;
      for (int64_t k = 0; k < n; k++)
        v = fma(b[i * n + k], b[j * n + k] / (double)n, v);
      c[i * n + j] = v;
      c[j * n + i] = j < i ? v * (1 + 0x1p-20 * jr_sc_rand(s)) : v;
    }
  if (fail >= 0 && fail < n) c[fail * n + fail] = -1.0;
  free(b);
}

#define JR_DEFINE_SC(X, T)                                                     \
  static void jr_sc_to_##X(int64_t count, const double *d, T *t) {             \
    for (int64_t k = 0; k < count; k++)                                        \
      t[k] = (T)d[k];                                                          \
  }                                                                            \
  /* The in-place Cholesky entry of k against ref on n x n (fail: -1 or a      \
   * failing pivot). */                                                        \
  static int jr_sc_chol_##X(const jr_linalg_kernels *k, int64_t n,             \
                            int64_t fail, uint64_t *s) {                       \
    const size_t nn = (size_t)(n * n);                                         \
    double *c = malloc(sizeof *c * nn);                                        \
    T *tc = malloc(sizeof *tc * nn), *a = malloc(sizeof *a * nn),              \
      *b = malloc(sizeof *b * nn);                                             \
    int same = 0;                                                              \
    if (c && tc && a && b) {                                                   \
      jr_sc_cov(n, s, fail, c);                                                \
      jr_sc_to_##X((int64_t)nn, c, tc);                                        \
      jr_chol_load_##X(n, tc, n, a, n);                                        \
      memcpy(b, a, sizeof *a *nn);                                             \
      const int64_t ia = jr_linalg_ref.chol_##X(n, a, n);                      \
      const int64_t ib = k->chol_##X(n, b, n);                                 \
      if (ia == ib && ia >= 0) {                                               \
        jr_chol_finish_##X(n, a, n, ia);                                       \
        jr_chol_finish_##X(n, b, n, ib);                                       \
        same = memcmp(a, b, sizeof *a * nn) == 0;                              \
      }                                                                        \
    }                                                                          \
    free(c);                                                                   \
    free(tc);                                                                  \
    free(a);                                                                   \
    free(b);                                                                   \
    return same;                                                               \
  }                                                                            \
  /* The batch entry: `count` n x n matrices, matrix 3 failing, both output    \
   * orders. */                                                                \
  static int jr_sc_batch_##X(const jr_linalg_kernels *k, int64_t n,            \
                             int64_t count, uint64_t *s) {                     \
    const size_t nn = (size_t)(n * n), cnt = (size_t)count;                    \
    double *c = malloc(sizeof *c * cnt * nn);                                  \
    T *tc = malloc(sizeof *tc * cnt * nn),                                     \
      *fa = malloc(sizeof *fa * cnt * nn),                                     \
      *fb = malloc(sizeof *fb * cnt * nn);                                     \
    int64_t *ia = malloc(sizeof *ia * cnt), *ib = malloc(sizeof *ib * cnt);    \
    int same = c && tc && fa && fb && ia && ib;                                \
    for (int64_t e = 0; same && e < count; e++)                                \
      jr_sc_cov(n, s, e == 3 ? n / 2 : -1, c + (size_t)e * nn);                \
    if (same) jr_sc_to_##X(count *(int64_t)nn, c, tc);                         \
    for (int colmajor = 0; same && colmajor < 2; colmajor++) {                 \
      jr_linalg_ref.chol_batch_##X(n, count, tc, fa, ia, colmajor);            \
      k->chol_batch_##X(n, count, tc, fb, ib, colmajor);                       \
      same = !memcmp(ia, ib, sizeof *ia * cnt) &&                              \
             !memcmp(fa, fb, sizeof *fa * cnt * nn);                           \
    }                                                                          \
    free(c);                                                                   \
    free(tc);                                                                  \
    free(fa);                                                                  \
    free(fb);                                                                  \
    free(ia);                                                                  \
    free(ib);                                                                  \
    return same;                                                               \
  }                                                                            \
  /* The product entry: `rows` rows, one mean per row or one for all, with a   \
   * -0 mean entry and a non-finite z in some rows (the unsafe-row path). */   \
  static int jr_sc_product_##X(const jr_linalg_kernels *k, jr_dtype d,         \
                               int64_t n, int lower, int64_t rows, int64_t ms, \
                               uint64_t *s) {                                  \
    const int64_t psz = jr_product_packed_size(d, n, lower);                   \
    T *f = malloc(sizeof *f * (size_t)(n * n));                                \
    T *packed = malloc(sizeof *packed * (size_t)psz);                          \
    T *z = malloc(sizeof *z * (size_t)(rows * n));                             \
    T *m = malloc(sizeof *m * (size_t)(rows * n));                             \
    T *oa = malloc(sizeof *oa * (size_t)(rows * n));                           \
    T *ob = malloc(sizeof *ob * (size_t)(rows * n));                           \
    int same = 0;                                                              \
    if (f && packed && z && m && oa && ob) {                                   \
      for (int64_t e = 0; e < n * n; e++)                                      \
        f[e] = (T)jr_sc_rand(s);                                               \
      for (int64_t e = 0; e < rows * n; e++) {                                 \
        z[e] = (T)jr_sc_rand(s);                                               \
        m[e] = (T)jr_sc_rand(s);                                               \
      }                                                                        \
      if (rows > 2) z[2 * n + n / 2] = (T)INFINITY;                            \
      m[(rows - 1) * n] = (T)-0.0;                                             \
      m[n - 1] = (T)-0.0;                                                      \
      jr_product_pack(d, n, lower, f, n, packed);                              \
      jr_product_args g = {.dtype = d,                                         \
                           .n = n,                                             \
                           .lower = lower,                                     \
                           .rows = rows,                                       \
                           .packed = packed,                                   \
                           .z = z,                                             \
                           .mean = m,                                          \
                           .mean_stride = ms,                                  \
                           .out = oa};                                         \
      jr_linalg_ref.product(&g);                                               \
      g.out = ob;                                                              \
      same = k->product(&g) == 0 &&                                            \
             memcmp(oa, ob, sizeof *oa * (size_t)(rows * n)) == 0;             \
    }                                                                          \
    free(f);                                                                   \
    free(packed);                                                              \
    free(z);                                                                   \
    free(m);                                                                   \
    free(oa);                                                                  \
    free(ob);                                                                  \
    return same;                                                               \
  }
JR_DEFINE_SC(f32, float)
JR_DEFINE_SC(f64, double)

/* The small per-row-factor product: rows with their own factors. */
static int jr_sc_small(const jr_linalg_kernels *k, jr_dtype d, int64_t n,
                       uint64_t *s) {
  enum { ROWS = 7, NMAX = 16 * 16 };
  _Alignas(64) double fd[ROWS][NMAX], ftd[ROWS][NMAX], zd[ROWS * 16],
      md[ROWS][16], oa[ROWS * 16], ob[ROWS * 16];
  const void *fp[ROWS], *mp[ROWS];
  const size_t es = d == JR_FLOAT32 ? 4 : 8;
  for (int r = 0; r < ROWS; r++) {
    for (int64_t e = 0; e < n * n; e++) {
      const double v = jr_sc_rand(s);
      if (d == JR_FLOAT32)
        ((float *)fd[r])[e] = (float)v;
      else
        fd[r][e] = v;
    }
    for (int64_t e = 0; e < n; e++) {
      const double a = jr_sc_rand(s), b = jr_sc_rand(s);
      if (d == JR_FLOAT32) {
        ((float *)zd)[r * n + e] = (float)a;
        ((float *)md[r])[e] = (float)b;
      } else {
        zd[r * n + e] = a;
        md[r][e] = b;
      }
    }
    jr_xform_transpose(d, n, fd[r], ftd[r]);
    fp[r] = ftd[r];
    mp[r] = md[r];
  }
  jr_transform_block b = {d, n, ROWS, zd, fp, mp, oa, 0};
  jr_linalg_ref.product_small(&b);
  b.out = ob;
  k->product_small(&b);
  return memcmp(oa, ob, es * (size_t)(ROWS * n)) == 0;
}

int jr_linalg_self_check(const jr_linalg_kernels *k) {
  uint64_t s = 0x9E3779B97F4A7C15ull;
  int ok = 1;
  /* unblocked (n <= 16 per base block), blocked with two reduction blocks
   * (KC = 192), and failing pivots in both (the scalar n = 200 dominates the
   * check's ~10 ms, once per process and set) */
  static const int64_t cn[] = {5, 23, 200}, fn[] = {5, 23, 60};
  for (int c = 0; c < 3; c++) {
    ok &= jr_sc_chol_f32(k, cn[c], -1, &s) & jr_sc_chol_f64(k, cn[c], -1, &s);
    ok &= jr_sc_chol_f32(k, fn[c], fn[c] - 3, &s) &
          jr_sc_chol_f64(k, fn[c], fn[c] - 3, &s);
  }
  for (int64_t n = 1; n <= JR_CHOL_BATCH_MAX; n++)
    ok &= jr_sc_batch_f32(k, n, n % 2 ? 37 : 9, &s) &
          jr_sc_batch_f64(k, n, n % 2 ? 9 : 37, &s);
  static const int64_t pn[] = {5, 17, 40, 70};
  for (int c = 0; c < 4; c++)
    for (int lower = 0; lower < 2; lower++) {
      ok &= jr_sc_product_f32(k, JR_FLOAT32, pn[c], lower, 29, pn[c], &s);
      ok &= jr_sc_product_f64(k, JR_FLOAT64, pn[c], lower, 29, 0, &s);
      ok &= jr_sc_product_f32(k, JR_FLOAT32, pn[c], lower, 3, 0, &s);
      ok &= jr_sc_product_f64(k, JR_FLOAT64, pn[c], lower, 3, pn[c], &s);
    }
  for (int64_t n = 1; n <= JR_XFORM_SMALL_MAX; n += 3)
    ok &= jr_sc_small(k, JR_FLOAT32, n, &s) & jr_sc_small(k, JR_FLOAT64, n, &s);
  return ok;
}

/* 0 not yet, 1 passed, -1 failed, per jr_isa (racing first calls compute the
 * same answer). */
static atomic_int jr_linalg_checked[4];

jr_status jr_linalg_get(jr_isa isa, const jr_linalg_kernels **out) {
  const jr_linalg_kernels *k = jr_linalg_for(isa);
  *out = k;
  if (k == &jr_linalg_ref) return JR_OK;
  const int i = (int)k->isa;
  int c = atomic_load_explicit(&jr_linalg_checked[i], memory_order_relaxed);
  if (c == 0) {
    c = jr_linalg_self_check(k) ? 1 : -1;
    atomic_store_explicit(&jr_linalg_checked[i], c, memory_order_relaxed);
  }
  if (c == 1) return JR_OK;
  *out = NULL;
  return jr_fail(JR_E_BAD_ISA,
                 "kernel set %s: its Cholesky or mean + F z product gives "
                 "bytes that differ from the reference set on this machine "
                 "(linear-algebra self-check failed); set JAXRANDOM_ISA=ref",
                 jr_isa_name(k->isa));
}
