/* The dispatcher's self-check: before a SIMD kernel set's kernel is used,
 * it runs on fixed inputs that reach its branches and must match the
 * portable reference byte for byte. It guards against a miscompiled or
 * untested kernel set (the AVX-512 kernels cannot be run on every
 * development machine). There is one check per kernel_list.h entry
 * (sc_<name>), run in the list's order, one group at a time (the dispatcher
 * runs each group once per process and kernel set, when the group is first
 * needed); the first that differs names the entry in the error. The
 * generation group costs well under a millisecond; the linear-algebra group
 * about 10 ms (mostly the reference's n = 200 Cholesky). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernels/kernels_simd.h"
#include "linalg/chol.h"
#include "linalg/linalg_kernels.h"

enum { N_BITS = 77, N_NORM = 517, N_FROM = 1024 };

/* Bit patterns at the edges of the transforms: zero, all ones, only the
 * discarded low bits, the smallest and largest mantissas of either sign of
 * u, and the middle. */
static const uint32_t edge32[] = {
    0u,          0xFFFFFFFFu, 0x000001FFu, 0x00000200u, 0x7FFFFFFFu,
    0x80000000u, 0x7FFFFE00u, 0x80000200u, 0xFFFFFE00u, 0x3F800000u};
static const uint64_t edge64[] = {0ull,
                                  ~0ull,
                                  0xFFFull,
                                  0x1000ull,
                                  0x7FFFFFFFFFFFFFFFull,
                                  0x8000000000000000ull,
                                  0x7FFFFFFFFFFFF000ull,
                                  0x8000000000001000ull,
                                  0xFFFFFFFFFFFFF000ull,
                                  0x3FF0000000000000ull};

/* The inputs every check shares: the key, counter starts whose low words
 * wrap inside a vector (the high word carries), and from_bits inputs (the
 * edge patterns followed by reference random bits; for float16 / bfloat16
 * the same words folded to 16 / 8 bits, whose low bits then include 0, all
 * ones and 0x01FF / 0x0200). */
typedef struct {
  jr_key key;
  uint64_t start32, start64;
  uint32_t bits32[N_FROM];
  uint64_t bits64[N_FROM];
  uint16_t h16[N_FROM];
  uint8_t h8[N_FROM];
} sc_in;

/* One check per kernel; a list entry without one does not link. */
#define SC_DECLARE(name, ret, params)                                          \
  static int sc_##name(const jr_kernels *r, const jr_kernels *k,               \
                       const sc_in *in);
JR_KERNEL_LIST(SC_DECLARE)
#undef SC_DECLARE

/* Runs slot `call` of both tables into buffers of element type T and
 * compares the first n elements. */
#define SC_SAME(T, n, call_r, call_k)                                          \
  do {                                                                         \
    T a_[N_FROM], b_[N_FROM];                                                  \
    T *out = a_;                                                               \
    call_r;                                                                    \
    out = b_;                                                                  \
    call_k;                                                                    \
    return memcmp(a_, b_, (n) * sizeof(T)) == 0;                               \
  } while (0)

static int sc_bits32(const jr_kernels *r, const jr_kernels *k,
                     const sc_in *in) {
  SC_SAME(uint32_t, N_BITS, r->bits32(in->key, in->start32, N_BITS, out),
          k->bits32(in->key, in->start32, N_BITS, out));
}
static int sc_bits64(const jr_kernels *r, const jr_kernels *k,
                     const sc_in *in) {
  SC_SAME(uint64_t, N_BITS, r->bits64(in->key, in->start64, N_BITS, out),
          k->bits64(in->key, in->start64, N_BITS, out));
}
static int sc_normal_f32(const jr_kernels *r, const jr_kernels *k,
                         const sc_in *in) {
  SC_SAME(float, N_NORM, r->normal_f32(in->key, in->start32, N_NORM, out),
          k->normal_f32(in->key, in->start32, N_NORM, out));
}
static int sc_normal_f64(const jr_kernels *r, const jr_kernels *k,
                         const sc_in *in) {
  SC_SAME(double, N_NORM, r->normal_f64(in->key, in->start64, N_NORM, out),
          k->normal_f64(in->key, in->start64, N_NORM, out));
}
static int sc_normal_f32_from_bits(const jr_kernels *r, const jr_kernels *k,
                                   const sc_in *in) {
  SC_SAME(float, N_FROM - 3,
          r->normal_f32_from_bits(in->bits32, N_FROM - 3, out),
          k->normal_f32_from_bits(in->bits32, N_FROM - 3, out));
}
static int sc_normal_f64_from_bits(const jr_kernels *r, const jr_kernels *k,
                                   const sc_in *in) {
  SC_SAME(double, N_FROM - 3,
          r->normal_f64_from_bits(in->bits64, N_FROM - 3, out),
          k->normal_f64_from_bits(in->bits64, N_FROM - 3, out));
}
static int sc_normal_f16(const jr_kernels *r, const jr_kernels *k,
                         const sc_in *in) {
  SC_SAME(uint16_t, N_NORM, r->normal_f16(in->key, in->start32, N_NORM, out),
          k->normal_f16(in->key, in->start32, N_NORM, out));
}
static int sc_normal_bf16(const jr_kernels *r, const jr_kernels *k,
                          const sc_in *in) {
  SC_SAME(uint16_t, N_NORM, r->normal_bf16(in->key, in->start32, N_NORM, out),
          k->normal_bf16(in->key, in->start32, N_NORM, out));
}
static int sc_normal_f16_from_bits(const jr_kernels *r, const jr_kernels *k,
                                   const sc_in *in) {
  SC_SAME(uint16_t, N_FROM - 3,
          r->normal_f16_from_bits(in->h16, N_FROM - 3, out),
          k->normal_f16_from_bits(in->h16, N_FROM - 3, out));
}
static int sc_normal_bf16_from_bits(const jr_kernels *r, const jr_kernels *k,
                                    const sc_in *in) {
  SC_SAME(uint16_t, N_FROM - 3,
          r->normal_bf16_from_bits(in->h8, N_FROM - 3, out),
          k->normal_bf16_from_bits(in->h8, N_FROM - 3, out));
}

/* uniform: an ordinary range fused, lo > hi from bits. */
static int sc_uniform_f32(const jr_kernels *r, const jr_kernels *k,
                          const sc_in *in) {
  SC_SAME(float, N_NORM,
          r->uniform_f32(in->key, in->start32, N_NORM, -1.5f, 2.25f, out),
          k->uniform_f32(in->key, in->start32, N_NORM, -1.5f, 2.25f, out));
}
static int sc_uniform_f64(const jr_kernels *r, const jr_kernels *k,
                          const sc_in *in) {
  SC_SAME(double, N_NORM,
          r->uniform_f64(in->key, in->start64, N_NORM, -1.5, 2.25, out),
          k->uniform_f64(in->key, in->start64, N_NORM, -1.5, 2.25, out));
}
static int sc_uniform_f32_from_bits(const jr_kernels *r, const jr_kernels *k,
                                    const sc_in *in) {
  SC_SAME(float, N_FROM - 3,
          r->uniform_f32_from_bits(in->bits32, N_FROM - 3, 3.0f, -0.75f, out),
          k->uniform_f32_from_bits(in->bits32, N_FROM - 3, 3.0f, -0.75f, out));
}
static int sc_uniform_f64_from_bits(const jr_kernels *r, const jr_kernels *k,
                                    const sc_in *in) {
  SC_SAME(double, N_FROM - 3,
          r->uniform_f64_from_bits(in->bits64, N_FROM - 3, 3.0, -0.75, out),
          k->uniform_f64_from_bits(in->bits64, N_FROM - 3, 3.0, -0.75, out));
}

/* legacy pairs: both counters wrap 2^32 inside the batch */
static int sc_legacy_pairs(const jr_kernels *r, const jr_kernels *k,
                           const sc_in *in) {
  SC_SAME(uint32_t, 2 * N_BITS,
          r->legacy_pairs(in->key, 0xFFFFFFFFu - 36, 0xFFFFFFFFu - 5, N_BITS,
                          out, out + N_BITS),
          k->legacy_pairs(in->key, 0xFFFFFFFFu - 36, 0xFFFFFFFFu - 5, N_BITS,
                          out, out + N_BITS));
}

/* 16-bit uniform over [-2.5, 7) (exact in both dtypes), then lo > hi */
static int sc_uniform_f16(const jr_kernels *r, const jr_kernels *k,
                          const sc_in *in) {
  SC_SAME(uint16_t, N_NORM,
          r->uniform_f16(in->key, in->start32, N_NORM, -2.5f, 7.0f, out),
          k->uniform_f16(in->key, in->start32, N_NORM, -2.5f, 7.0f, out));
}
static int sc_uniform_bf16(const jr_kernels *r, const jr_kernels *k,
                           const sc_in *in) {
  SC_SAME(uint16_t, N_NORM,
          r->uniform_bf16(in->key, in->start32, N_NORM, -2.5f, 7.0f, out),
          k->uniform_bf16(in->key, in->start32, N_NORM, -2.5f, 7.0f, out));
}
static int sc_uniform_f16_from_bits(const jr_kernels *r, const jr_kernels *k,
                                    const sc_in *in) {
  SC_SAME(uint16_t, N_FROM - 3,
          r->uniform_f16_from_bits(in->h16, N_FROM - 3, 3.0f, -0.75f, out),
          k->uniform_f16_from_bits(in->h16, N_FROM - 3, 3.0f, -0.75f, out));
}
static int sc_uniform_bf16_from_bits(const jr_kernels *r, const jr_kernels *k,
                                     const sc_in *in) {
  SC_SAME(uint16_t, N_FROM - 3,
          r->uniform_bf16_from_bits(in->h8, N_FROM - 3, 3.0f, -0.75f, out),
          k->uniform_bf16_from_bits(in->h8, N_FROM - 3, 3.0f, -0.75f, out));
}

/* float64 normals with XLA's 2026-08 log1p: about 10% of the random
 * elements fall in its changed range. */
static int sc_normal_f64_2608(const jr_kernels *r, const jr_kernels *k,
                              const sc_in *in) {
  SC_SAME(double, N_NORM, r->normal_f64_2608(in->key, in->start64, N_NORM, out),
          k->normal_f64_2608(in->key, in->start64, N_NORM, out));
}
static int sc_normal_f64_2608_from_bits(const jr_kernels *r,
                                        const jr_kernels *k, const sc_in *in) {
  SC_SAME(double, N_FROM - 3,
          r->normal_f64_2608_from_bits(in->bits64, N_FROM - 3, out),
          k->normal_f64_2608_from_bits(in->bits64, N_FROM - 3, out));
}

/* ---- the linear algebra's helpers */

/* Scales that put a covariance (entries up to about n) or a factor at the
 * bottom of float32's / float64's normal range: subnormal entries, and
 * products and sums that XLA:CPU's FTZ/DAZ arithmetic flushes
 * (docs/linalg.md, "Arithmetic"). */
#define JR_SC_TINY32 0x1p-122
#define JR_SC_TINY64 0x1p-1018

/* Fixed pseudo-random values in [-1, 1) (an LCG: the same on every machine). */
static double jr_sc_rand(uint64_t *s) {
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return (double)(*s >> 11) * 0x1p-52 - 1.0;
}

/* A symmetric positive definite n x n matrix in O(n^2) (a product B B^T
 * would cost the check n^3 operations): off-diagonal entries in [-0.5, 0.5),
 * the diagonal above n / 2, so strictly diagonally dominant. Row-major,
 * slightly asymmetric above the diagonal so the symmetrization matters; with
 * `fail`, a_ff = -1 so pivot f is the first to fail. */
static void jr_sc_cov(int64_t n, uint64_t *s, int64_t fail, double *c) {
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) {
      const double v = i == j ? 0.5 * (double)n + 0.05 + 0.25 * jr_sc_rand(s)
                              : 0.5 * jr_sc_rand(s);
      c[i * n + j] = v;
      c[j * n + i] = j < i ? v * (1 + 0x1p-20 * jr_sc_rand(s)) : v;
    }
  if (fail >= 0 && fail < n) c[fail * n + fail] = -1.0;
}

#define JR_DEFINE_SC(X, T)                                                     \
  static void jr_sc_to_##X(int64_t count, const double *d, T *t) {             \
    for (int64_t k = 0; k < count; k++)                                        \
      t[k] = (T)d[k];                                                          \
  }                                                                            \
  /* The in-place Cholesky entry of k against ref on n x n (fail: -1 or a      \
   * failing pivot), the matrix times scale (a power of two: JR_SC_TINY puts   \
   * it at the bottom of T's range, so subnormals and flushed results          \
   * arise). */                                                                \
  static int jr_sc_chol_##X(const jr_kernels *r, const jr_kernels *k,          \
                            int64_t n, int64_t fail, uint64_t *s,              \
                            double scale) {                                    \
    const size_t nn = (size_t)(n * n);                                         \
    double *c = malloc(sizeof *c * nn);                                        \
    T *tc = malloc(sizeof *tc * nn), *a = malloc(sizeof *a * nn),              \
      *b = malloc(sizeof *b * nn);                                             \
    int same = 0;                                                              \
    if (c && tc && a && b) {                                                   \
      jr_sc_cov(n, s, fail, c);                                                \
      for (size_t e = 0; e < nn; e++)                                          \
        c[e] *= scale;                                                         \
      jr_sc_to_##X((int64_t)nn, c, tc);                                        \
      jr_chol_load_##X(n, tc, n, a, n);                                        \
      memcpy(b, a, sizeof *a *nn);                                             \
      const int64_t ia = r->chol_##X(n, a, n);                                 \
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
  static int jr_sc_batch_##X(const jr_kernels *r, const jr_kernels *k,         \
                             int64_t n, int64_t count, uint64_t *s,            \
                             double scale) {                                   \
    const size_t nn = (size_t)(n * n), cnt = (size_t)count;                    \
    double *c = malloc(sizeof *c * cnt * nn);                                  \
    T *tc = malloc(sizeof *tc * cnt * nn),                                     \
      *fa = malloc(sizeof *fa * cnt * nn),                                     \
      *fb = malloc(sizeof *fb * cnt * nn);                                     \
    int64_t *ia = malloc(sizeof *ia * cnt), *ib = malloc(sizeof *ib * cnt);    \
    int same = c && tc && fa && fb && ia && ib;                                \
    for (int64_t e = 0; same && e < count; e++)                                \
      jr_sc_cov(n, s, e == 3 ? n / 2 : -1, c + (size_t)e * nn);                \
    for (size_t e = 0; same && e < cnt * nn; e++)                              \
      c[e] *= scale;                                                           \
    if (same) jr_sc_to_##X(count *(int64_t)nn, c, tc);                         \
    for (int colmajor = 0; same && colmajor < 2; colmajor++) {                 \
      r->chol_batch_##X(n, count, tc, fa, ia, colmajor);                       \
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
   * -0 mean entry and a non-finite z in some rows (the unsafe-row path); the  \
   * factor and the mean times scale. */                                       \
  static int jr_sc_product_##X(const jr_kernels *r, const jr_kernels *k,       \
                               jr_dtype d, int64_t n, int lower, int64_t rows, \
                               int64_t ms, uint64_t *s, double scale) {        \
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
        f[e] = (T)(jr_sc_rand(s) * scale);                                     \
      for (int64_t e = 0; e < rows * n; e++) {                                 \
        z[e] = (T)jr_sc_rand(s);                                               \
        m[e] = (T)(jr_sc_rand(s) * scale);                                     \
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
      r->product(&g);                                                          \
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

/* The small per-row-factor product: rows with their own factors (factors
 * and means times scale). */
static int jr_sc_small(const jr_kernels *r, const jr_kernels *k, jr_dtype d,
                       int64_t n, uint64_t *s, double scale) {
  enum { ROWS = 7, NMAX = 16 * 16 };
  _Alignas(64) double fd[ROWS][NMAX], ftd[ROWS][NMAX], zd[ROWS * 16],
      md[ROWS][16], oa[ROWS * 16], ob[ROWS * 16];
  const void *fp[ROWS], *mp[ROWS];
  const size_t es = d == JR_FLOAT32 ? 4 : 8;
  for (int r = 0; r < ROWS; r++) {
    for (int64_t e = 0; e < n * n; e++) {
      const double v = jr_sc_rand(s) * scale;
      if (d == JR_FLOAT32)
        ((float *)fd[r])[e] = (float)v;
      else
        fd[r][e] = v;
    }
    for (int64_t e = 0; e < n; e++) {
      const double a = jr_sc_rand(s), b = jr_sc_rand(s) * scale;
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
  r->product_small(&b);
  b.out = ob;
  k->product_small(&b);
  return memcmp(oa, ob, es * (size_t)(ROWS * n)) == 0;
}

/* ---- the linear algebra's entries: fixed inputs from an LCG, each check
 * seeded on its own. The scalar n = 200 Cholesky dominates the cost of the
 * whole self-check (about 10 ms, once per process and kernel set). */

/* in-place Cholesky: unblocked (n <= 16 per base block), blocked with two
 * reduction blocks (KC = 192), and failing pivots in both */
static const int64_t sc_cn[] = {5, 23, 200}, sc_fn[] = {5, 23, 60};
static int sc_chol_f32(const jr_kernels *r, const jr_kernels *k,
                       const sc_in *in) {
  (void)in;
  uint64_t s = 0x9E3779B97F4A7C15ull;
  int ok = 1;
  for (int c = 0; c < 3; c++)
    ok &= jr_sc_chol_f32(r, k, sc_cn[c], -1, &s, 1) &
          jr_sc_chol_f32(r, k, sc_fn[c], sc_fn[c] - 3, &s, 1);
  return ok & jr_sc_chol_f32(r, k, 23, -1, &s, JR_SC_TINY32);
}
static int sc_chol_f64(const jr_kernels *r, const jr_kernels *k,
                       const sc_in *in) {
  (void)in;
  uint64_t s = 0xD1B54A32D192ED03ull;
  int ok = 1;
  for (int c = 0; c < 3; c++)
    ok &= jr_sc_chol_f64(r, k, sc_cn[c], -1, &s, 1) &
          jr_sc_chol_f64(r, k, sc_fn[c], sc_fn[c] - 3, &s, 1);
  return ok & jr_sc_chol_f64(r, k, 23, -1, &s, JR_SC_TINY64);
}
/* batched Cholesky: every n, a count that is and one that is not a whole
 * number of vectors, matrix 3 failing, both output orders */
static int sc_chol_batch_f32(const jr_kernels *r, const jr_kernels *k,
                             const sc_in *in) {
  (void)in;
  uint64_t s = 0x8CB92BA72F3D8DD7ull;
  int ok = 1;
  for (int64_t n = 1; n <= JR_CHOL_BATCH_MAX; n++)
    ok &= jr_sc_batch_f32(r, k, n, n % 2 ? 37 : 9, &s, 1);
  return ok & jr_sc_batch_f32(r, k, 7, 37, &s, JR_SC_TINY32);
}
static int sc_chol_batch_f64(const jr_kernels *r, const jr_kernels *k,
                             const sc_in *in) {
  (void)in;
  uint64_t s = 0xABC98388FB8FAC03ull;
  int ok = 1;
  for (int64_t n = 1; n <= JR_CHOL_BATCH_MAX; n++)
    ok &= jr_sc_batch_f64(r, k, n, n % 2 ? 9 : 37, &s, 1);
  return ok & jr_sc_batch_f64(r, k, 7, 37, &s, JR_SC_TINY64);
}
/* the product: both dtypes, triangles and mean strides, one and several
 * panels and z blocks */
static int sc_product(const jr_kernels *r, const jr_kernels *k,
                      const sc_in *in) {
  (void)in;
  uint64_t s = 0x94D049BB133111EBull;
  static const int64_t pn[] = {5, 17, 40, 70};
  int ok = 1;
  for (int c = 0; c < 4; c++)
    for (int lower = 0; lower < 2; lower++) {
      ok &= jr_sc_product_f32(r, k, JR_FLOAT32, pn[c], lower, 29, pn[c], &s, 1);
      ok &= jr_sc_product_f64(r, k, JR_FLOAT64, pn[c], lower, 29, 0, &s, 1);
      ok &= jr_sc_product_f32(r, k, JR_FLOAT32, pn[c], lower, 3, 0, &s, 1);
      ok &= jr_sc_product_f64(r, k, JR_FLOAT64, pn[c], lower, 3, pn[c], &s, 1);
    }
  for (int lower = 0; lower < 2; lower++)
    ok &=
        jr_sc_product_f32(r, k, JR_FLOAT32, 40, lower, 13, 40, &s,
                          JR_SC_TINY32) &
        jr_sc_product_f64(r, k, JR_FLOAT64, 40, lower, 13, 0, &s, JR_SC_TINY64);
  return ok;
}
/* the small per-row-factor product: both dtypes, n across the range */
static int sc_product_small(const jr_kernels *r, const jr_kernels *k,
                            const sc_in *in) {
  (void)in;
  uint64_t s = 0xBF58476D1CE4E5B9ull;
  int ok = 1;
  for (int64_t n = 1; n <= JR_XFORM_SMALL_MAX; n += 3)
    ok &= jr_sc_small(r, k, JR_FLOAT32, n, &s, 1) &
          jr_sc_small(r, k, JR_FLOAT64, n, &s, 1);
  return ok & jr_sc_small(r, k, JR_FLOAT32, 16, &s, JR_SC_TINY32) &
         jr_sc_small(r, k, JR_FLOAT64, 16, &s, JR_SC_TINY64);
}

/* The triangular solve: a lower factor with a diagonal in [1, 2), rows
 * that fill and that do not fill a vector group and a chunk, one mean per
 * row or one for all. */
#define JR_DEFINE_SC_SOLVE(X, T)                                               \
  static int jr_sc_solve_##X(const jr_kernels *r, const jr_kernels *k,         \
                             jr_dtype d, int64_t n, int64_t rows, int64_t ms,  \
                             uint64_t *s) {                                    \
    T *l = malloc(sizeof *l * (size_t)(n * n));                                \
    T *packed = malloc(sizeof *packed * (size_t)jr_solve_packed_size(n));      \
    T *z = malloc(sizeof *z * (size_t)(rows * n));                             \
    T *m = malloc(sizeof *m * (size_t)(rows * n));                             \
    T *oa = malloc(sizeof *oa * (size_t)(rows * n));                           \
    T *ob = malloc(sizeof *ob * (size_t)(rows * n));                           \
    int same = 0;                                                              \
    if (l && packed && z && m && oa && ob) {                                   \
      for (int64_t i = 0; i < n; i++)                                          \
        for (int64_t j = 0; j < n; j++)                                        \
          l[i * n + j] = j < i    ? (T)jr_sc_rand(s)                           \
                         : j == i ? (T)(1.5 + 0.5 * jr_sc_rand(s))             \
                                  : (T)0;                                      \
      for (int64_t e = 0; e < rows * n; e++) {                                 \
        z[e] = (T)jr_sc_rand(s);                                               \
        m[e] = (T)jr_sc_rand(s);                                               \
      }                                                                        \
      jr_solve_pack(d, n, l, n, packed);                                       \
      jr_solve_args g = {.dtype = d,                                           \
                         .n = n,                                               \
                         .rows = rows,                                         \
                         .packed = packed,                                     \
                         .z = z,                                               \
                         .mean = m,                                            \
                         .mean_stride = ms,                                    \
                         .out = oa};                                           \
      r->solve(&g);                                                            \
      g.out = ob;                                                              \
      same = k->solve(&g) == 0 &&                                              \
             memcmp(oa, ob, sizeof *oa * (size_t)(rows * n)) == 0;             \
    }                                                                          \
    free(l);                                                                   \
    free(packed);                                                              \
    free(z);                                                                   \
    free(m);                                                                   \
    free(oa);                                                                  \
    free(ob);                                                                  \
    return same;                                                               \
  }
JR_DEFINE_SC_SOLVE(f32, float)
JR_DEFINE_SC_SOLVE(f64, double)
static int sc_solve(const jr_kernels *r, const jr_kernels *k, const sc_in *in) {
  (void)in;
  uint64_t s = 0x369DEA0F31A53F85ull;
  static const int64_t sn[] = {1, 5, 17, 40};
  int ok = 1;
  for (int c = 0; c < 4; c++) {
    ok &= jr_sc_solve_f32(r, k, JR_FLOAT32, sn[c], 70, sn[c], &s);
    ok &= jr_sc_solve_f64(r, k, JR_FLOAT64, sn[c], 70, 0, &s);
    ok &= jr_sc_solve_f32(r, k, JR_FLOAT32, sn[c], 3, 0, &s);
    ok &= jr_sc_solve_f64(r, k, JR_FLOAT64, sn[c], 3, sn[c], &s);
  }
  return ok;
}

/* ---- the driver */

/* The generation group, on the shared inputs. */
static const char *jr_sc_gen(const jr_kernels *k) {
  const jr_kernels *r = &jr_kernels_ref;
  static const size_t ne32 = sizeof edge32 / sizeof *edge32;
  static const size_t ne64 = sizeof edge64 / sizeof *edge64;
  sc_in in;
  in.key = (jr_key){{0x13198A2Eu, 0x03707344u}};
  in.start32 = 0xFFFFFFFFull - 36;
  in.start64 = 0x1FFFFFFFFull - 12;
  memcpy(in.bits32, edge32, sizeof edge32);
  r->bits32(in.key, 0, N_FROM - ne32, in.bits32 + ne32);
  memcpy(in.bits64, edge64, sizeof edge64);
  r->bits64(in.key, 0, N_FROM - ne64, in.bits64 + ne64);
  for (size_t i = 0; i < N_FROM; i++) {
    in.h16[i] = (uint16_t)(in.bits32[i] ^ (in.bits32[i] >> 16));
    in.h8[i] = (uint8_t)(in.bits32[i] ^ (in.bits32[i] >> 24));
  }
#define SC_RUN(name, ret, params)                                              \
  if (!sc_##name(r, k, &in)) return #name;
  JR_KERNEL_LIST_GEN(SC_RUN)
#undef SC_RUN
  return NULL;
}

/* The linear-algebra group: each check makes its own inputs. */
static const char *jr_sc_linalg(const jr_kernels *k) {
  const jr_kernels *r = &jr_kernels_ref;
#define SC_RUN(name, ret, params)                                              \
  if (!sc_##name(r, k, NULL)) return #name;
  JR_KERNEL_LIST_LINALG(SC_RUN)
#undef SC_RUN
  return NULL;
}

const char *jr_kernels_self_check_group_failure(const jr_kernels *k,
                                                jr_kernel_group group) {
  return group == JR_KGROUP_LINALG ? jr_sc_linalg(k) : jr_sc_gen(k);
}

const char *jr_kernels_self_check_failure(const jr_kernels *k) {
  const char *bad = jr_sc_gen(k);
  return bad ? bad : jr_sc_linalg(k);
}

int jr_kernels_self_check(const jr_kernels *k) {
  return jr_kernels_self_check_failure(k) == NULL;
}
