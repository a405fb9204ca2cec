/* XLA:CPU's flush-to-zero arithmetic of the own Cholesky and product
 * (docs/linalg.md, "Arithmetic"):
 *   model:      the portable emulation (math/ftz.h) equals the x86 hardware
 *               under MXCSR FTZ|DAZ (round to nearest), operation by
 *               operation, float32 and float64: random operands placed so
 *               the results fall around the smallest normal, the ties and
 *               near-ties where tininess before and after rounding differ,
 *               signed zeros, subnormal, infinite and NaN operands;
 *   sets:       every kernel set byte for byte against the definition on
 *               subnormal-heavy inputs (float32 AR(1) rho = 0.5 covariances,
 *               float64 covariances scaled by 1e-300, random matrices and
 *               means with subnormal entries), and no subnormal in any
 *               factor or sample (every result is flushed);
 *   generation: the normal and uniform kernels give the same bytes with
 *               MXCSR FTZ|DAZ set as without (so they need no emulation),
 *               float32 over every uniform bit pattern, float16 and
 *               bfloat16 over every input. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kernels/kernels_simd.h"
#include "linalg/chol.h"
#include "linalg/factor.h"
#include "linalg/linalg_kernels.h"
#include "linalg/product.h"
#include "linalg/transform.h"
#include "math/ftz.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_X86 1
#include <immintrin.h>
#endif

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}
static double urand(void) {
  return (double)(next() >> 11) * 0x1p-53;
}
static int irand(int lo, int hi) { /* [lo, hi] */
  return lo + (int)(next() % (uint64_t)(hi - lo + 1));
}

static const jr_isa isas[] = {JR_ISA_AVX2, JR_ISA_AVX512};
static const jr_kernels *table_for(jr_isa isa) {
#if defined(JR_HAVE_AVX2)
  if (isa == JR_ISA_AVX2) return &jr_kernels_avx2;
#endif
#if defined(JR_HAVE_AVX512)
  if (isa == JR_ISA_AVX512) return &jr_kernels_avx512;
#endif
  return &jr_kernels_ref;
}

/* ---------------------------------------------------------------- model */

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_FMA, OP_SQRT, OP_GT0, NOPS };
static const char *op_name[NOPS] = {"add", "sub",  "mul", "div",
                                    "fma", "sqrt", "gt0"};

#if defined(HAVE_X86)
/* The operations by the hardware, MXCSR = round to nearest plus FTZ|DAZ
 * (flush = 1) or neither (flush = 0). The compiler barriers keep every load,
 * operation and store between the two MXCSR writes. */
#define DEFINE_HW(NAME, T, V, LOAD, STORE, ADD, SUB, MUL, DIV, FMA, SQRT,      \
                  COMIGT, ZERO)                                                \
  __attribute__((noinline, target("fma"))) static void NAME(                   \
      int op, int flush, size_t n, const T *a, const T *b, const T *c, T *r) { \
    const unsigned saved = _mm_getcsr();                                       \
    _mm_setcsr((saved & ~0xE040u) | (flush ? 0x8040u : 0u));                   \
    __asm__ volatile("" ::: "memory");                                         \
    for (size_t i = 0; i < n; i++) {                                           \
      const V x = LOAD(a + i), y = LOAD(b + i), z = LOAD(c + i);               \
      V o;                                                                     \
      switch (op) {                                                            \
      case OP_ADD: o = ADD(x, y); break;                                       \
      case OP_SUB: o = SUB(x, y); break;                                       \
      case OP_MUL: o = MUL(x, y); break;                                       \
      case OP_DIV: o = DIV(x, y); break;                                       \
      case OP_FMA: o = FMA(x, y, z); break;                                    \
      case OP_SQRT: o = SQRT(x); break;                                        \
      default: {                                                               \
        const T one = COMIGT(x, ZERO()) ? (T)1 : (T)0;                         \
        o = LOAD(&one);                                                        \
      }                                                                        \
      }                                                                        \
      STORE(r + i, o);                                                         \
      __asm__ volatile("" ::: "memory");                                       \
    }                                                                          \
    _mm_setcsr(saved);                                                         \
  }
static inline __m128 sqrt_ss(__m128 x) {
  return _mm_sqrt_ss(x);
}
static inline __m128d sqrt_sd(__m128d x) {
  return _mm_sqrt_sd(x, x);
}
DEFINE_HW(hw_f32, float, __m128, _mm_load_ss, _mm_store_ss, _mm_add_ss,
          _mm_sub_ss, _mm_mul_ss, _mm_div_ss, _mm_fmadd_ss, sqrt_ss,
          _mm_comigt_ss, _mm_setzero_ps)
DEFINE_HW(hw_f64, double, __m128d, _mm_load_sd, _mm_store_sd, _mm_add_sd,
          _mm_sub_sd, _mm_mul_sd, _mm_div_sd, _mm_fmadd_sd, sqrt_sd,
          _mm_comigt_sd, _mm_setzero_pd)
#endif

/* One operand generator for both dtypes (p: precision, emin: the smallest
 * normal's exponent): a significand either random or a few ulps from 1 or 2
 * (where the rounding of a result near the smallest normal ties or nearly
 * ties), times 2^e, random sign. */
static double sig(int p) {
  const double u = 0x1p1 / (double)((uint64_t)1 << (p - 1)) / 2; /* 2^-(p-1) */
  switch (irand(0, 3)) {
  case 0: return 1 + u * irand(0, 8);
  case 1: return 2 - u * irand(1, 8);
  default: return 1 + floor(urand() * (double)((uint64_t)1 << (p - 1))) * u;
  }
}
static double pm(double x) {
  return next() & 1 ? -x : x;
}
static double subnormal(int p, int emin) {
  return pm(ldexp(floor(urand() * ldexp(1, p - 1)) + 1, emin - (p - 1)));
}
/* operands of op whose result lies near 2^emin */
static void gen(int op, int p, int emin, double *a, double *b, double *c) {
  const int k = irand(0, 19);
  *b = 0;
  *c = 0;
  if (k == 0) { /* subnormal and zero operands */
    *a = next() & 1 ? subnormal(p, emin) : pm(0.0);
    *b = subnormal(p, emin);
    *c = subnormal(p, emin);
    if (next() & 1) *b = pm(sig(p) * ldexp(1, irand(-4, 4)));
    return;
  }
  switch (op) {
  case OP_ADD:
  case OP_SUB: /* cancellation near the smallest normal: exact tiny sums */
    *a = pm(sig(p) * ldexp(1, emin + irand(0, 2)));
    *b = pm(sig(p) * ldexp(1, emin + irand(0, 2)));
    break;
  case OP_MUL:
  case OP_DIV:
  case OP_FMA: {
    const int ea = irand(-60, 60);
    *a = pm(sig(p) * ldexp(1, ea));
    const int eb =
        op == OP_DIV ? ea - emin + irand(-2, 1) : emin - ea + irand(-2, 0);
    *b = pm(sig(p) * ldexp(1, eb));
    if (op == OP_FMA) {
      if (irand(0, 2) == 0) { /* c cancels the product: its rounding error */
        volatile float pf = (float)(*a * *b);
        *c = p == 24 ? -(double)pf : -(*a * *b);
      } else {
        *c = pm(sig(p) * ldexp(1, emin + irand(-1, 2)));
      }
    }
    break;
  }
  default: /* sqrt, gt0 */
    *a = next() & 1 ? subnormal(p, emin)
                    : pm(sig(p) * ldexp(1, irand(emin, emin + 4)));
  }
}

static const double edges32[] = {0.0,
                                 -0.0,
                                 FLT_MIN,
                                 -FLT_MIN,
                                 0x1p-149,
                                 -0x1p-149,
                                 FLT_MIN - 0x1p-149,
                                 -(FLT_MIN - 0x1p-149),
                                 1.0,
                                 -1.0,
                                 1 - 0x1p-24,
                                 1 + 0x1p-23,
                                 0.5,
                                 2.0,
                                 INFINITY,
                                 -INFINITY,
                                 NAN};
static const double edges64[] = {0.0,
                                 -0.0,
                                 DBL_MIN,
                                 -DBL_MIN,
                                 0x1p-1074,
                                 -0x1p-1074,
                                 DBL_MIN - 0x1p-1074,
                                 -(DBL_MIN - 0x1p-1074),
                                 1.0,
                                 -1.0,
                                 1 - 0x1p-53,
                                 1 + 0x1p-52,
                                 0.5,
                                 2.0,
                                 INFINITY,
                                 -INFINITY,
                                 NAN};
enum { NEDGE = sizeof edges32 / sizeof edges32[0] };

/* The emulation of op in T (X: f32 / f64). */
#define DEFINE_EMU(NAME, T, X)                                                 \
  static T NAME(int op, T a, T b, T c) {                                       \
    switch (op) {                                                              \
    case OP_ADD: return jr_add_##X(a, b);                                      \
    case OP_SUB: return jr_sub_##X(a, b);                                      \
    case OP_MUL: return jr_mul_##X(a, b);                                      \
    case OP_DIV: return jr_div_##X(a, b);                                      \
    case OP_FMA: return jr_fma_##X(a, b, c);                                   \
    case OP_SQRT: return jr_sqrt_##X(a);                                       \
    default: return jr_gt0_##X(a) ? (T)1 : (T)0;                               \
    }                                                                          \
  }
DEFINE_EMU(emu_f32, float, f32)
DEFINE_EMU(emu_f64, double, f64)

#if defined(HAVE_X86)
/* Emulation against hardware for one dtype; counts the cases that matter:
 * results flushed, and those where gradual underflow gives +-MIN but the
 * tininess after rounding flushes (the scaled recomputation's cases). */
#define DEFINE_MODEL(NAME, T, X, P, EMIN, EDGES, HW, EMU, MIN)                 \
  static void NAME(void) {                                                     \
    enum { N = 400000 };                                                       \
    const size_t ne = NEDGE * NEDGE * NEDGE;                                   \
    T *a = malloc(sizeof(T) * (N + ne)), *b = malloc(sizeof(T) * (N + ne)),    \
      *c = malloc(sizeof(T) * (N + ne)), *hw = malloc(sizeof(T) * (N + ne)),   \
      *ie = malloc(sizeof(T) * (N + ne));                                      \
    for (int op = 0; op < NOPS; op++) {                                        \
      size_t m = 0;                                                            \
      for (int i = 0; i < NEDGE; i++)                                          \
        for (int j = 0; j < NEDGE; j++)                                        \
          for (int k = 0; k < NEDGE; k++, m++) {                               \
            a[m] = (T)EDGES[i];                                                \
            b[m] = (T)EDGES[j];                                                \
            c[m] = (T)EDGES[k];                                                \
          }                                                                    \
      for (int i = 0; i < N; i++, m++) {                                       \
        double x, y, z;                                                        \
        gen(op, P, EMIN, &x, &y, &z);                                          \
        a[m] = (T)x;                                                           \
        b[m] = (T)y;                                                           \
        c[m] = (T)z;                                                           \
      }                                                                        \
      HW(op, 1, m, a, b, c, hw);                                               \
      HW(op, 0, m, a, b, c, ie);                                               \
      long bad = 0, flushed = 0, after = 0, dazed = 0;                         \
      for (size_t i = 0; i < m; i++) {                                         \
        const T e = EMU(op, a[i], b[i], c[i]);                                 \
        const int same =                                                       \
            (isnan(e) && isnan(hw[i])) || !memcmp(&e, &hw[i], sizeof e);       \
        if (!same && bad++ < 5)                                                \
          CHECK(0,                                                             \
                "%s %s(%a, %a, %a): emulation %a, hardware FTZ|DAZ %a "        \
                "(IEEE %a)",                                                   \
                #X, op_name[op], (double)a[i], (double)b[i], (double)c[i],     \
                (double)e, (double)hw[i], (double)ie[i]);                      \
        if (memcmp(&ie[i], &hw[i], sizeof e) && !isnan(ie[i])) flushed++;      \
        if (fabs((double)ie[i]) == (double)MIN && hw[i] == 0) after++;         \
        if (fabs((double)a[i]) < (double)MIN && a[i] != 0) dazed++;            \
      }                                                                        \
      CHECK(bad == 0, "%s %s: %ld of %zu differ", #X, op_name[op], bad, m);    \
      printf("model %s %-4s: %zu cases, %ld differ from IEEE, %ld with "       \
             "IEEE +-MIN flushed\n",                                           \
             #X, op_name[op], m, flushed, after);                              \
      /* the inputs reach what they are for */                                 \
      CHECK(dazed > 0, "%s %s: no subnormal operand", #X, op_name[op]);        \
      if (op <= OP_FMA)                                                        \
        CHECK(flushed > 1000, "%s %s: only %ld flushed results", #X,           \
              op_name[op], flushed);                                           \
      if (op == OP_MUL || op == OP_FMA)                                        \
        CHECK(after > 10, "%s %s: only %ld tininess-after-rounding cases", #X, \
              op_name[op], after);                                             \
    }                                                                          \
    free(a);                                                                   \
    free(b);                                                                   \
    free(c);                                                                   \
    free(hw);                                                                  \
    free(ie);                                                                  \
  }
DEFINE_MODEL(model_f32, float, f32, 24, -126, edges32, hw_f32, emu_f32, FLT_MIN)
DEFINE_MODEL(model_f64, double, f64, 53, -1022, edges64, hw_f64, emu_f64,
             DBL_MIN)
#endif

/* The two sides of the rule, by hand: a product whose exact value is
 * MIN (1 - 2^-p) rounds to MIN with gradual underflow (a tie to even) but
 * is tiny with an unbounded exponent (exactly representable): flushed to -0
 * here; and an fma whose exact value is MIN (1 - 2^-2h), below MIN (tiny
 * before rounding) but rounding to MIN (not tiny after): kept. */
static void test_rule(void) {
  CHECK(jr_mul_f32(-(1 - 0x1p-24f), FLT_MIN) == 0 &&
            signbit(jr_mul_f32(-(1 - 0x1p-24f), FLT_MIN)),
        "f32 MIN (1 - 2^-24) not flushed to -0");
  CHECK(jr_mul_f64(1 - 0x1p-53, DBL_MIN) == 0, "f64 MIN (1 - 2^-53) kept");
  CHECK(jr_fma_f32(1 + 0x1p-13f, -FLT_MIN * (1 + 0x1p-13f),
                   FLT_MIN * (2 + 0x1p-12f)) == FLT_MIN,
        "f32 MIN (1 - 2^-26) flushed (tininess before rounding)");
  CHECK(jr_fma_f64(1 + 0x1p-28, -DBL_MIN * (1 + 0x1p-28),
                   DBL_MIN * (2 + 0x1p-27)) == DBL_MIN,
        "f64 MIN (1 - 2^-56) flushed (tininess before rounding)");
  CHECK(jr_add_f32(0x1p-149f, FLT_MIN) == FLT_MIN, "DAZ of an addend");
  CHECK(jr_sub_f32(FLT_MIN * 1.5f, FLT_MIN) == 0, "exact tiny difference");
  CHECK(!jr_gt0_f64(0x1p-1074) && jr_gt0_f64(DBL_MIN), "DAZ comparison");
#if defined(HAVE_X86)
  if (__builtin_cpu_supports("fma")) {
    model_f32();
    model_f64();
  } else {
    printf("model: no FMA on this CPU, hardware comparison skipped\n");
  }
#endif
}

/* ----------------------------------------------------------------- sets */

/* No subnormal among count values of d (every operation's result is
 * flushed; zeros and non-finite values are fine). */
static long subnormals(jr_dtype d, size_t count, const void *x) {
  long s = 0;
  for (size_t k = 0; k < count; k++) {
    const double v =
        d == JR_FLOAT32 ? ((const float *)x)[k] : ((const double *)x)[k];
    s += v != 0 && fabs(v) < (d == JR_FLOAT32 ? FLT_MIN : DBL_MIN);
  }
  return s;
}

/* Covariance kinds: 0 AR(1) rho^|i-j| (rho = 0.5; in float32 its entries
 * are subnormal from |i-j| = 127), 1 the same scaled to the bottom of the
 * range (float32 x 2^-120, float64 x 1e-300, 3 float64 x 2^-1012) so
 * small n reach it, 2 a random SPD matrix with random subnormal entries off
 * the diagonal. */
static void make_cov(int kind, jr_dtype d, int64_t n, void *out) {
  const double scale = kind == 1   ? (d == JR_FLOAT32 ? 0x1p-120 : 1e-300)
                       : kind == 3 ? 0x1p-1012
                                   : 1.0;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) {
      double v;
      if (kind != 2) {
        v = ldexp(1, -(int)(i > j ? i - j : j - i)) * scale;
      } else {
        v = i == j ? 1.0 : 0.3 * (urand() - 0.5) / (double)n;
        if (i != j && irand(0, 3) == 0)
          v = d == JR_FLOAT32 ? ldexp(urand(), -130) : ldexp(urand(), -1030);
      }
      if (d == JR_FLOAT32)
        ((float *)out)[i * n + j] = (float)v;
      else
        ((double *)out)[i * n + j] = v;
    }
  if (kind == 2) /* symmetric */
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < i; j++) {
        if (d == JR_FLOAT32)
          ((float *)out)[j * n + i] = ((float *)out)[i * n + j];
        else
          ((double *)out)[j * n + i] = ((double *)out)[i * n + j];
      }
}

static int64_t chol_with(const jr_kernels *kt, jr_dtype d, int64_t n,
                         const void *cov, void *f) {
  int64_t info;
  if (d == JR_FLOAT32) {
    jr_chol_load_f32(n, cov, n, f, n);
    info = n <= JR_CHOL_POTF2_MAX ? jr_potf2_ref_f32(n, f, n)
                                  : kt->chol_f32(n, f, n);
    jr_chol_finish_f32(n, f, n, info);
  } else {
    jr_chol_load_f64(n, cov, n, f, n);
    info = n <= JR_CHOL_POTF2_MAX ? jr_potf2_ref_f64(n, f, n)
                                  : kt->chol_f64(n, f, n);
    jr_chol_finish_f64(n, f, n, info);
  }
  return info;
}

/* Cholesky and product of one covariance on every set against ref. */
static void sets_case(int kind, jr_dtype d, int64_t n, int64_t rows) {
  const size_t ts = d == JR_FLOAT32 ? 4 : 8, nn = (size_t)(n * n);
  void *cov = malloc(ts * nn), *fr = malloc(ts * nn), *fk = malloc(ts * nn);
  make_cov(kind, d, n, cov);
  const long sub_in = subnormals(d, nn, cov);
  const int64_t info = chol_with(&jr_kernels_ref, d, n, cov, fr);
  CHECK(info == 0, "%s n=%lld kind %d: info %lld", jr_dtype_name(d),
        (long long)n, kind, (long long)info);
  CHECK(subnormals(d, nn, fr) == 0, "%s n=%lld kind %d: subnormal factor",
        jr_dtype_name(d), (long long)n, kind);
  for (size_t t = 0; t < sizeof isas / sizeof isas[0]; t++) {
    if (!jr_isa_supported(isas[t])) continue;
    memset(fk, 0x5A, ts * nn);
    chol_with(table_for(isas[t]), d, n, cov, fk);
    CHECK(!memcmp(fr, fk, ts * nn), "chol %s %s n=%lld kind %d differs",
          jr_isa_name(isas[t]), jr_dtype_name(d), (long long)n, kind);
  }
  /* the product with that factor; means with subnormal entries of both
   * signs, z with some subnormal entries */
  const size_t rn = (size_t)(rows * n);
  void *z = malloc(ts * rn), *m = malloc(ts * rn), *orf = malloc(ts * rn),
       *ok = malloc(ts * rn);
  for (size_t k = 0; k < rn; k++) {
    const double zv = irand(0, 9) == 0
                          ? (d == JR_FLOAT32 ? ldexp(urand() - 0.5, -127)
                                             : ldexp(urand() - 0.5, -1023))
                          : 3 * (urand() - 0.5);
    double mv = irand(0, 3) == 0
                    ? (d == JR_FLOAT32 ? ldexp(urand() - 0.5, -126)
                                       : ldexp(urand() - 0.5, -1022))
                    : 0.0;
    if (kind == 0 && irand(0, 3) == 0) mv = urand();
    if (d == JR_FLOAT32) {
      ((float *)z)[k] = (float)zv;
      ((float *)m)[k] = (float)mv;
    } else {
      ((double *)z)[k] = zv;
      ((double *)m)[k] = mv;
    }
  }
  CHECK(subnormals(d, rn, m) > 0, "no subnormal mean");
  for (int lower = 0; lower < 2; lower++)
    for (int shared = 0; shared < 2; shared++) {
      const int64_t psz = jr_product_packed_size(d, n, lower);
      void *packed = aligned_alloc(64, (ts * (size_t)psz + 63) / 64 * 64);
      jr_product_pack(d, n, lower, fr, n, packed);
      jr_product_args g = {d, n, lower,          rows, packed,
                           z, m, shared ? 0 : n, orf,  NULL};
      jr_product_ref(&g);
      CHECK(subnormals(d, rn, orf) == 0, "%s n=%lld: subnormal sample",
            jr_dtype_name(d), (long long)n);
      for (size_t t = 0; t < sizeof isas / sizeof isas[0]; t++) {
        if (!jr_isa_supported(isas[t])) continue;
        memset(ok, 0x5A, ts * rn);
        g.out = ok;
        CHECK(table_for(isas[t])->product(&g) == 0, "product failed");
        g.out = orf;
        CHECK(!memcmp(ok, orf, ts * rn),
              "product %s %s n=%lld kind %d lower %d shared %d differs",
              jr_isa_name(isas[t]), jr_dtype_name(d), (long long)n, kind, lower,
              shared);
      }
      free(packed);
    }
  /* n <= 16: the small per-row product on every set */
  if (n <= JR_XFORM_SMALL_MAX) {
    const int64_t np = jr_xform_pad(d, n);
    void *ft = calloc((size_t)(n * np), ts);
    jr_xform_transpose(d, n, fr, ft);
    const void **fts = malloc(sizeof *fts * (size_t)rows);
    const void **ms = malloc(sizeof *ms * (size_t)rows);
    for (int64_t r = 0; r < rows; r++) {
      fts[r] = ft;
      ms[r] = (const char *)m + ts * (size_t)(r * n);
    }
    for (int shared = 0; shared < 2; shared++) {
      if (shared)
        for (int64_t r = 0; r < rows; r++)
          ms[r] = m;
      jr_transform_block b = {d, n, rows, z, fts, ms, orf, shared};
      jr_transform_rows(&b);
      for (size_t t = 0; t < sizeof isas / sizeof isas[0]; t++) {
        if (!jr_isa_supported(isas[t])) continue;
        memset(ok, 0x5A, ts * rn);
        b.out = ok;
        table_for(isas[t])->product_small(&b);
        b.out = orf;
        CHECK(!memcmp(ok, orf, ts * rn),
              "product_small %s %s n=%lld kind %d shared %d differs",
              jr_isa_name(isas[t]), jr_dtype_name(d), (long long)n, kind,
              shared);
      }
    }
    free(ft);
    free(fts);
    free(ms);
  }
  printf("sets %s n=%lld kind %d: %ld subnormal covariance entries\n",
         jr_dtype_name(d), (long long)n, kind, sub_in);
  free(cov);
  free(fr);
  free(fk);
  free(z);
  free(m);
  free(orf);
  free(ok);
}

/* The batched small Cholesky on every set against ref (and jr_chol). */
static void batch_case(int kind, jr_dtype d, int64_t n) {
  enum { COUNT = 37 };
  const size_t ts = d == JR_FLOAT32 ? 4 : 8, nn = (size_t)(n * n);
  char *cov = malloc(ts * nn * COUNT), *fr = malloc(ts * nn * COUNT),
       *fk = malloc(ts * nn * COUNT);
  for (int e = 0; e < COUNT; e++)
    make_cov(e % 3 == 0 ? 2 : kind, d, n, cov + ts * nn * (size_t)e);
  int64_t ir[COUNT], ik[COUNT];
  for (int colmajor = 0; colmajor < 2; colmajor++) {
    if (d == JR_FLOAT32)
      jr_chol_batch_ref_f32(n, COUNT, (float *)cov, (float *)fr, ir, colmajor);
    else
      jr_chol_batch_ref_f64(n, COUNT, (double *)cov, (double *)fr, ir,
                            colmajor);
    CHECK(subnormals(d, nn * COUNT, fr) == 0, "subnormal batch factor");
    for (size_t t = 0; t < sizeof isas / sizeof isas[0]; t++) {
      if (!jr_isa_supported(isas[t])) continue;
      const jr_kernels *k = table_for(isas[t]);
      memset(fk, 0x5A, ts * nn * COUNT);
      if (d == JR_FLOAT32)
        k->chol_batch_f32(n, COUNT, (float *)cov, (float *)fk, ik, colmajor);
      else
        k->chol_batch_f64(n, COUNT, (double *)cov, (double *)fk, ik, colmajor);
      CHECK(!memcmp(fr, fk, ts * nn * COUNT) && !memcmp(ir, ik, sizeof ir),
            "batch %s %s n=%lld kind %d colmajor %d differs",
            jr_isa_name(isas[t]), jr_dtype_name(d), (long long)n, kind,
            colmajor);
    }
  }
  free(cov);
  free(fr);
  free(fk);
}

static void test_sets(void) {
  static const int64_t ns[] = {5, 17, 64, 300};
  for (int di = 0; di < 2; di++) {
    const jr_dtype d = di ? JR_FLOAT64 : JR_FLOAT32;
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
      for (int kind = 0; kind < (di ? 4 : 3); kind++)
        sets_case(kind, d, ns[i], ns[i] >= 300 ? 21 : 13);
    for (int64_t n = 1; n <= JR_CHOL_BATCH_MAX; n++)
      for (int kind = 1; kind < (di ? 4 : 3); kind++)
        batch_case(kind, d, n);
  }
  /* W3's covariance: float32 AR(1) n = 1000 */
  sets_case(0, JR_FLOAT32, 1000, 7);
}

/* --------------------------------------------------------------- lapack */

/* eigh and svd (LAPACK in the FTZ / DAZ mode, the symmetrization and the
 * column scaling emulated): a diagonal covariance with subnormal entries off
 * the diagonal factors exactly as the diagonal one (DAZ reads them as
 * zeros), in both dtypes; with IEEE arithmetic they leave subnormal traces
 * in the factor. */
static void test_lapack(void) {
  enum { N = 6 };
  for (int di = 0; di < 2; di++) {
    const jr_dtype d = di ? JR_FLOAT64 : JR_FLOAT32;
    const size_t ts = di ? 8 : 4;
    double cd[N * N], dd[N * N];
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        dd[i * N + j] = i == j ? 1.0 + i : 0.0;
        cd[i * N + j] =
            i == j ? 1.0 + i : ldexp(1.0 + i + j, di ? -1060 : -140);
      }
    for (int m = 0; m < 2; m++) {
      const jr_method method = m ? JR_SVD : JR_EIGH;
      char c[N * N * 8], g[N * N * 8], fc[N * N * 8], fd[N * N * 8];
      for (int k = 0; k < N * N; k++)
        if (di) {
          ((double *)c)[k] = cd[k];
          ((double *)g)[k] = dd[k];
        } else {
          ((float *)c)[k] = (float)cd[k];
          ((float *)g)[k] = (float)dd[k];
        }
      int fa = 0, fb = 0;
      jr_blas_enter();
      CHECK_OK(jr_linalg_factor(method, d, N, c, fc, &fa));
      CHECK_OK(jr_linalg_factor(method, d, N, g, fd, &fb));
      jr_blas_leave();
      CHECK(!fa && !fb && !memcmp(fc, fd, ts * N * N),
            "%s %s: subnormal off-diagonal entries change the factor",
            jr_dtype_name(d), m ? "svd" : "eigh");
      CHECK(subnormals(d, N * N, fc) == 0, "%s %s: subnormal factor entry",
            jr_dtype_name(d), m ? "svd" : "eigh");
    }
  }
}

/* ----------------------------------------------------------- generation */

#if defined(HAVE_X86)
__attribute__((noinline)) static unsigned csr_set(unsigned v) {
  const unsigned s = _mm_getcsr();
  _mm_setcsr(v);
  return s;
}

/* The random kernels of every set with FTZ|DAZ as without: float32 over
 * every 23-bit uniform pattern (the bits the transform keeps), float64 over
 * 2^22 random ones and the patterns next to the uniform's ends and zero. */
static void test_generation(void) {
  enum { N32 = 1 << 23, N64 = 1 << 22 };
  uint32_t *b32 = malloc(sizeof *b32 * N32);
  uint64_t *b64 = malloc(sizeof *b64 * N64);
  float *o1 = malloc(sizeof *o1 * N32), *o2 = malloc(sizeof *o2 * N32);
  double *p1 = malloc(sizeof *p1 * N64), *p2 = malloc(sizeof *p2 * N64);
  for (uint32_t k = 0; k < N32; k++)
    b32[k] = k << 9 | (k & 0x1FF);
  /* the ends of the uniform's range, then the values around its middle
   * (u near 0: the smallest |u| the normal's erf_inv meets), then random */
  for (uint32_t k = 0; k < N64; k++) {
    const int64_t off = (int64_t)k - 6144;
    b64[k] = k < 2048   ? k
             : k < 4096 ? ~(uint64_t)0 - (k - 2048)
             : k < 8192 ? ((uint64_t)1 << 63) + ((uint64_t)off << 12)
                        : next();
  }
  static const jr_isa all[] = {JR_ISA_REF, JR_ISA_AVX2, JR_ISA_AVX512};
  const unsigned ieee = _mm_getcsr() & ~0xE040u, ftz = ieee | 0x8040u;
  for (size_t t = 0; t < 3; t++) {
    if (!jr_isa_supported(all[t])) continue;
    const jr_kernels *k = table_for(all[t]);
    unsigned s = csr_set(ieee);
    k->normal_f32_from_bits(b32, N32, o1);
    k->normal_f64_from_bits(b64, N64, p1);
    csr_set(ftz);
    k->normal_f32_from_bits(b32, N32, o2);
    k->normal_f64_from_bits(b64, N64, p2);
    csr_set(s);
    CHECK(!memcmp(o1, o2, sizeof *o1 * N32),
          "%s normal float32 changes under FTZ|DAZ", jr_isa_name(all[t]));
    CHECK(!memcmp(p1, p2, sizeof *p1 * N64),
          "%s normal float64 changes under FTZ|DAZ", jr_isa_name(all[t]));
    /* uniform with ordinary bounds */
    s = csr_set(ieee);
    k->uniform_f32_from_bits(b32, N32, -2.0f, 3.0f, o1);
    k->uniform_f64_from_bits(b64, N64, -2.0, 3.0, p1);
    csr_set(ftz);
    k->uniform_f32_from_bits(b32, N32, -2.0f, 3.0f, o2);
    k->uniform_f64_from_bits(b64, N64, -2.0, 3.0, p2);
    csr_set(s);
    CHECK(!memcmp(o1, o2, sizeof *o1 * N32),
          "%s uniform float32 changes under FTZ|DAZ", jr_isa_name(all[t]));
    CHECK(!memcmp(p1, p2, sizeof *p1 * N64),
          "%s uniform float64 changes under FTZ|DAZ", jr_isa_name(all[t]));
    /* float16 / bfloat16 (computed in float32): every 16- / 8-bit input */
    uint16_t h[1 << 16], h1[(1 << 16) + 256], h2[(1 << 16) + 256];
    uint8_t g[256];
    for (uint32_t i = 0; i < (1u << 16); i++)
      h[i] = (uint16_t)i;
    for (uint32_t i = 0; i < 256; i++)
      g[i] = (uint8_t)i;
    for (int u = 0; u < 2; u++) {
      s = csr_set(ieee);
      if (u) {
        k->uniform_f16_from_bits(h, 1 << 16, -2.0f, 3.0f, h1);
        k->uniform_bf16_from_bits(g, 256, -2.0f, 3.0f, h1 + (1 << 16));
      } else {
        k->normal_f16_from_bits(h, 1 << 16, h1);
        k->normal_bf16_from_bits(g, 256, h1 + (1 << 16));
      }
      csr_set(ftz);
      if (u) {
        k->uniform_f16_from_bits(h, 1 << 16, -2.0f, 3.0f, h2);
        k->uniform_bf16_from_bits(g, 256, -2.0f, 3.0f, h2 + (1 << 16));
      } else {
        k->normal_f16_from_bits(h, 1 << 16, h2);
        k->normal_bf16_from_bits(g, 256, h2 + (1 << 16));
      }
      csr_set(s);
      CHECK(!memcmp(h1, h2, sizeof h1),
            "%s %s float16/bfloat16 changes "
            "under FTZ|DAZ",
            jr_isa_name(all[t]), u ? "uniform" : "normal");
    }
  }
  free(b32);
  free(b64);
  free(o1);
  free(o2);
  free(p1);
  free(p2);
}
#else
static void test_generation(void) {}
#endif

int main(int argc, char **argv) {
  const char *part = argc > 1 ? argv[1] : "all";
  const int all = !strcmp(part, "all");
  if (all || !strcmp(part, "model")) test_rule();
  if (all || !strcmp(part, "sets")) test_sets();
  if (all || !strcmp(part, "lapack")) test_lapack();
  if (all || !strcmp(part, "generation")) test_generation();
  return tu_finish(part);
}
