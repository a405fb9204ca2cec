/* uniform with bounds near zero against an independent model of XLA:CPU:
 * the x86 hardware itself with MXCSR FTZ|DAZ set, computing JAX's
 * expression in its order (docs/algorithm.md 6, "Bounds near zero"):
 *   d = hi - lo (SUBSS/SUBSD), r = fma(f, d, lo) (VFMADD), then XLA's
 *   maximum as LLVM lowers llvm.maximum on x86 (llvm-project
 *   llvm/test/CodeGen/X86/fminimum-fmaximum.ll): MAXSS/MAXSD(lo, r), the
 *   sign cleared when lo's is clear, a NaN operand returned;
 *   bfloat16: widened by a shift, float32 hardware arithmetic, narrowed by
 *   integer round-to-nearest-even; float16: VCVTPH2PS / VCVTPS2PH (which
 *   ignore FTZ/DAZ) around float32 hardware arithmetic.
 * Every kernel set, both modes, several thread counts and slices; bounds
 * [0, 2 MIN), [-MIN, MIN), subnormal bounds, tiny ranges, hi < lo, random
 * bounds around the routing thresholds, and ordinary bounds (which must
 * equal the model with MXCSR clear as well: their bytes are unchanged). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "random/uniform_ftz.h"
#include "test_util.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

enum { N = 1 << 14 };

static float u2f(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static uint32_t f2u(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static double u2d(uint64_t u) {
  double f;
  memcpy(&f, &u, 8);
  return f;
}

/* XLA's maximum on the hardware (flush: MXCSR FTZ|DAZ already set). */
/* XLA's maximum(lo, r) for non-NaN operands as current LLVM lowers
 * llvm.maximum on x86: t = MAXSS(lo, r) (r on equality), then
 * t & (lo | 0x7FFFFFFF), which clears t's sign when lo's is clear (equal
 * zeros give +0). */
static __m128 hw_max_ss(__m128 lo, __m128 r) {
  const __m128 t = _mm_max_ss(lo, r);
  const __m128 m = _mm_or_ps(lo, _mm_castsi128_ps(_mm_set1_epi32(0x7FFFFFFF)));
  return _mm_and_ps(t, m);
}
static __m128d hw_max_sd(__m128d lo, __m128d r) {
  const __m128d t = _mm_max_sd(lo, r);
  const __m128d m =
      _mm_or_pd(lo, _mm_castsi128_pd(_mm_set1_epi64x(0x7FFFFFFFFFFFFFFFll)));
  return _mm_and_pd(t, m);
}

/* The model for n draws; flush selects MXCSR FTZ|DAZ (else IEEE). The
 * compiler barriers keep the arithmetic between the MXCSR writes. */
__attribute__((noinline, target("fma"))) static void
model_f32(const uint32_t *bits, size_t n, float lo, float hi, int flush,
          float *out) {
  const unsigned saved = _mm_getcsr();
  _mm_setcsr((saved & ~0xE040u) | (flush ? 0x8040u : 0u));
  __asm__ volatile("" ::: "memory");
  const __m128 vlo = _mm_set_ss(lo);
  const __m128 d = _mm_sub_ss(_mm_set_ss(hi), vlo);
  for (size_t i = 0; i < n; i++) {
    const __m128 f = _mm_sub_ss(_mm_set_ss(u2f((bits[i] >> 9) | 0x3F800000u)),
                                _mm_set_ss(1.0f));
    const __m128 r = _mm_fmadd_ss(f, d, vlo);
    float v;
    if (lo != lo)
      v = lo;
    else if (_mm_cvtss_f32(r) != _mm_cvtss_f32(r))
      v = _mm_cvtss_f32(r);
    else
      v = _mm_cvtss_f32(hw_max_ss(vlo, r));
    __asm__ volatile("" ::: "memory");
    out[i] = v;
  }
  __asm__ volatile("" ::: "memory");
  _mm_setcsr(saved);
}

__attribute__((noinline, target("fma"))) static void
model_f64(const uint64_t *bits, size_t n, double lo, double hi, int flush,
          double *out) {
  const unsigned saved = _mm_getcsr();
  _mm_setcsr((saved & ~0xE040u) | (flush ? 0x8040u : 0u));
  __asm__ volatile("" ::: "memory");
  const __m128d vlo = _mm_set_sd(lo);
  const __m128d d = _mm_sub_sd(_mm_set_sd(hi), vlo);
  for (size_t i = 0; i < n; i++) {
    const __m128d f =
        _mm_sub_sd(_mm_set_sd(u2d((bits[i] >> 12) | 0x3FF0000000000000ull)),
                   _mm_set_sd(1.0));
    const __m128d r = _mm_fmadd_sd(f, d, vlo);
    double v;
    if (lo != lo)
      v = lo;
    else if (_mm_cvtsd_f64(r) != _mm_cvtsd_f64(r))
      v = _mm_cvtsd_f64(r);
    else
      v = _mm_cvtsd_f64(hw_max_sd(vlo, r));
    __asm__ volatile("" ::: "memory");
    out[i] = v;
  }
  __asm__ volatile("" ::: "memory");
  _mm_setcsr(saved);
}

/* bfloat16 <-> float32 as XLA:CPU's integer conversions (no flush). */
static float bf2f(uint16_t h) {
  return u2f((uint32_t)h << 16);
}
static uint16_t f2bf(float x) {
  const uint32_t u = f2u(x);
  if (x != x) return (uint16_t)(((u & 0xFFC00000u) | 0x00400000u) >> 16);
  return (uint16_t)((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

__attribute__((noinline, target("fma"))) static void
model_bf16(const uint8_t *bits, size_t n, float lo, float hi, uint16_t *out) {
  const unsigned saved = _mm_getcsr();
  _mm_setcsr((saved & ~0xE040u) | 0x8040u);
  __asm__ volatile("" ::: "memory");
  const __m128 vlo = _mm_set_ss(lo);
  const float d = bf2f(f2bf(_mm_cvtss_f32(_mm_sub_ss(_mm_set_ss(hi), vlo))));
  for (size_t i = 0; i < n; i++) {
    const __m128 f =
        _mm_sub_ss(_mm_set_ss(bf2f((uint16_t)((bits[i] >> 1) | 0x3F80u))),
                   _mm_set_ss(1.0f));
    const __m128 r = _mm_set_ss(
        bf2f(f2bf(_mm_cvtss_f32(_mm_fmadd_ss(f, _mm_set_ss(d), vlo)))));
    uint16_t v;
    if (lo != lo)
      v = f2bf(lo);
    else if (_mm_cvtss_f32(r) != _mm_cvtss_f32(r))
      v = f2bf(_mm_cvtss_f32(r));
    else
      v = f2bf(_mm_cvtss_f32(hw_max_ss(vlo, r)));
    __asm__ volatile("" ::: "memory");
    out[i] = v;
  }
  __asm__ volatile("" ::: "memory");
  _mm_setcsr(saved);
}

/* float16 through the F16C conversions, MXCSR FTZ|DAZ set throughout. */
__attribute__((noinline, target("fma,f16c"))) static void
model_f16(const uint16_t *bits, size_t n, float lo, float hi, uint16_t *out) {
  const unsigned saved = _mm_getcsr();
  _mm_setcsr((saved & ~0xE040u) | 0x8040u);
  __asm__ volatile("" ::: "memory");
#define TO16(x) ((uint16_t)_mm_extract_epi16(_mm_cvtps_ph((x), 0), 0))
#define FROM16(h) _mm_cvtph_ps(_mm_set1_epi16((short)(h)))
  const __m128 vlo = _mm_set_ss(lo);
  const __m128 d = FROM16(TO16(_mm_sub_ss(_mm_set_ss(hi), vlo)));
  for (size_t i = 0; i < n; i++) {
    const __m128 f =
        _mm_sub_ss(FROM16((bits[i] >> 6) | 0x3C00u), _mm_set_ss(1.0f));
    const __m128 r = FROM16(TO16(_mm_fmadd_ss(f, d, vlo)));
    uint16_t v = TO16(hw_max_ss(vlo, r));
    __asm__ volatile("" ::: "memory");
    out[i] = v;
  }
#undef TO16
#undef FROM16
  __asm__ volatile("" ::: "memory");
  _mm_setcsr(saved);
}

static jr_ctx *ctx[2]; /* partitionable, legacy */
static const jr_isa isas[] = {JR_ISA_REF, JR_ISA_AVX2, JR_ISA_AVX512};
static long n_flushed; /* draws where FTZ/DAZ changed the model's value */

/* The library's draws for every kernel set, mode, a few thread counts and a
 * slice, each against the model (computed from the same random bits). */
static void check_bounds(jr_dtype dt, double lo, double hi) {
  static uint32_t b32[N];
  static uint64_t b64[N];
  static uint8_t b8[N];
  static uint16_t b16[N];
  static unsigned char want[N * 8], ieee[N * 8], got[N * 8];
  const size_t es = jr_dtype_size(dt);
  const int64_t shape = N;
  for (int m = 0; m < 2; m++) {
    jr_key key = {{tu_rand32(), tu_rand32()}};
    switch (dt) {
    case JR_FLOAT32:
      CHECK_OK(jr_random_bits(ctx[m], key, 32, 1, &shape, b32));
      model_f32(b32, N, (float)lo, (float)hi, 1, (float *)want);
      model_f32(b32, N, (float)lo, (float)hi, 0, (float *)ieee);
      break;
    case JR_FLOAT64:
      CHECK_OK(jr_random_bits(ctx[m], key, 64, 1, &shape, b64));
      model_f64(b64, N, lo, hi, 1, (double *)want);
      model_f64(b64, N, lo, hi, 0, (double *)ieee);
      break;
    case JR_BFLOAT16:
      CHECK_OK(jr_random_bits(ctx[m], key, 8, 1, &shape, b8));
      model_bf16(b8, N, bf2f(f2bf((float)lo)), bf2f(f2bf((float)hi)),
                 (uint16_t *)want);
      break;
    default: {
      CHECK_OK(jr_random_bits(ctx[m], key, 16, 1, &shape, b16));
      const float l16 = jr_f16_to_f32(jr_f32_to_f16((float)lo));
      const float h16 = jr_f16_to_f32(jr_f32_to_f16((float)hi));
      model_f16(b16, N, l16, h16, (uint16_t *)want);
    }
    }
    if (dt == JR_FLOAT32 || dt == JR_FLOAT64) {
      for (size_t i = 0; i < N; i++)
        n_flushed += memcmp(want + i * es, ieee + i * es, es) != 0;
    }
    for (size_t s = 0; s < sizeof isas / sizeof *isas; s++) {
      if (!jr_isa_supported(isas[s])) continue;
      CHECK_OK(jr_isa_select(isas[s]));
      for (int threads = 1; threads <= 3; threads += 2) {
        CHECK_OK(jr_ctx_set_int(ctx[m], JR_PARAM_THREADS, threads));
        memset(got, 0xA5, sizeof got);
        CHECK_OK(jr_uniform(ctx[m], key, dt, 1, &shape, lo, hi, got));
        long bad = 0, first = -1;
        for (size_t i = 0; i < N; i++)
          if (memcmp(got + i * es, want + i * es, es) != 0) {
            if (first < 0) first = (long)i;
            bad++;
          }
        CHECK(bad == 0,
              "%s [%a, %a) isa %d mode %d threads %d: %ld of %d draws differ "
              "from the FTZ/DAZ hardware model (first at %ld)",
              jr_dtype_name(dt), lo, hi, (int)isas[s], m, threads, bad, N,
              first);
      }
      /* a slice starting mid-block */
      memset(got, 0xA5, sizeof got);
      CHECK_OK(
          jr_uniform_range(ctx[m], key, dt, N, 777, N - 1000, lo, hi, got));
      CHECK(memcmp(got, want + 777 * es, (N - 1000) * es) == 0,
            "%s [%a, %a) isa %d mode %d: slice differs", jr_dtype_name(dt), lo,
            hi, (int)isas[s], m);
    }
    CHECK_OK(jr_isa_select(JR_ISA_AUTO));
  }
}

/* Ordinary bounds: the model with and without FTZ/DAZ agree (no subnormal
 * arises), so the library's bytes there are the IEEE kernels' as before. */
static void check_ordinary(void) {
  static const double b[][2] = {{0, 1},         {-1, 1},    {-3, 5.5},
                                {0.001, 0.01},  {2, -0.75}, {1e-20, 1e-19},
                                {-1e300, 1e300}};
  const long before = n_flushed;
  for (size_t i = 0; i < sizeof b / sizeof *b; i++) {
    check_bounds(JR_FLOAT32, b[i][0], b[i][1]);
    check_bounds(JR_FLOAT64, b[i][0], b[i][1]);
    check_bounds(JR_BFLOAT16, b[i][0], b[i][1]);
    check_bounds(JR_FLOAT16, b[i][0], b[i][1]);
  }
  CHECK(n_flushed == before, "ordinary bounds: FTZ/DAZ changed %ld model draws",
        n_flushed - before);
}

static void check_tiny(void) {
  const double fm = FLT_MIN, dm = DBL_MIN;
  const double f32b[][2] = {{0, 2 * fm},           {-fm, fm},
                            {0x1p-130, 0x1p-127},  {0x1p-149, 1},
                            {-1, 0x1p-140},        {0x1p-140, -1},
                            {-0x1p-140, 0x1p-149}, {0x1p-110, 0x1p-109},
                            {-0x1p-104, 0x1p-104}, {3 * fm, 3.5 * fm},
                            {0, 0x1p-100},         {-0.0, 0x1p-126},
                            {0x1p-125, -0x1p-125}, {1, 1 + 0x1p-23}};
  const long before = n_flushed;
  for (size_t i = 0; i < sizeof f32b / sizeof *f32b; i++) {
    check_bounds(JR_FLOAT32, f32b[i][0], f32b[i][1]);
    check_bounds(JR_BFLOAT16, f32b[i][0], f32b[i][1]);
    check_bounds(JR_FLOAT16, f32b[i][0], f32b[i][1]);
  }
  /* float16's own subnormal range (2^-24 .. 2^-14): no flush there */
  const double f16b[][2] = {{0x1p-20, 0x1p-15},
                            {-0x1p-24, 0x1p-24},
                            {0, 0x1p-13},
                            {0x1p-14, -0x1p-16}};
  for (size_t i = 0; i < sizeof f16b / sizeof *f16b; i++)
    check_bounds(JR_FLOAT16, f16b[i][0], f16b[i][1]);
  const double f64b[][2] = {{0, 2 * dm},
                            {-dm, dm},
                            {0x1p-1060, 0x1p-1023},
                            {0x1p-1074, 1},
                            {-1, 0x1p-1060},
                            {0x1p-1060, -1},
                            {0x1p-990, 0x1p-989},
                            {-0x1p-971, 0x1p-971},
                            {3 * dm, 3.5 * dm},
                            {0, 0x1p-960},
                            {0x1p-1021, -0x1p-1021}};
  for (size_t i = 0; i < sizeof f64b / sizeof *f64b; i++)
    check_bounds(JR_FLOAT64, f64b[i][0], f64b[i][1]);
  /* the cases must exercise the flush (else this test could not fail) */
  CHECK(n_flushed - before > 10000, "only %ld draws flushed",
        n_flushed - before);
}

/* Random bounds around the routing thresholds (the exponents where the
 * IEEE kernels stop being exact), both signs. */
static void check_random(void) {
  for (int t = 0; t < 24; t++) {
    const double s0 = tu_rand32() & 1 ? -1 : 1, s1 = tu_rand32() & 1 ? -1 : 1;
    const double m0 = 1 + (double)tu_rand32() * 0x1p-32;
    const double m1 = 1 + (double)tu_rand32() * 0x1p-32;
    const int e0 = -135 + (int)tu_rand_below(60),
              e1 = -135 + (int)tu_rand_below(60);
    check_bounds(JR_FLOAT32, s0 * ldexp(m0, e0), s1 * ldexp(m1, e1));
    check_bounds(JR_BFLOAT16, s0 * ldexp(m0, e0), s1 * ldexp(m1, e1));
    const int g0 = -1076 + (int)tu_rand_below(180),
              g1 = -1076 + (int)tu_rand_below(180);
    check_bounds(JR_FLOAT64, s0 * ldexp(m0, g0), s1 * ldexp(m1, g1));
  }
}

/* The routing test is sufficient: bounds it sends to the IEEE kernels give
 * the FTZ/DAZ model's bytes for every f, in particular the smallest nonzero
 * f = k 2^-m and those nearest 1, where f d + lo comes closest to zero.
 * Bounds at and around the thresholds |lo| = 2^(E+m), |d| = 2^(E+2m),
 * both signs, lo + f d cancelling. And the FTZ path equals the model. */
static void check_predicate(void) {
  enum { NB = 8192 };
  static uint32_t b32[NB];
  static uint64_t b64[NB];
  static uint8_t b8[256];
  static float w32[NB], g32[NB];
  static double w64[NB], g64[NB];
  static uint16_t w16[256], g16[256];
  for (uint32_t k = 0; k < NB / 2; k++) {
    b32[k] = k << 9;
    b32[NB / 2 + k] = (0x7FFFFFu - k) << 9;
    b64[k] = (uint64_t)k << 12;
    b64[NB / 2 + k] = (0xFFFFFFFFFFFFFull - k) << 12;
  }
  for (int k = 0; k < 256; k++)
    b8[k] = (uint8_t)k;
  long routed = 0, fast = 0;
  for (int t = 0; t < 3000; t++) {
    /* lo near 2^(E+m) or below, d near 2^(E+2m), random signs, and hi = lo
     * + d rounded (so d is what the kernels use, up to that rounding) */
    const double sl = tu_rand32() & 1 ? -1 : 1, sd = tu_rand32() & 1 ? -1 : 1;
    const double ml = 1 + (double)(tu_rand32() >> 8) * 0x1p-24;
    const double md = 1 + (double)(tu_rand32() >> 8) * 0x1p-24;
    const int jl = (int)tu_rand_below(12) - 8, jd = (int)tu_rand_below(12) - 8;
    {
      const float lo = (float)(sl * ldexp(ml, -103 + jl));
      const float hi = lo + (float)(sd * ldexp(md, -80 + jd));
      model_f32(b32, NB, lo, hi, 1, w32);
      jr_uniform_ftz_f32(b32, NB, lo, hi, g32);
      CHECK(memcmp(w32, g32, sizeof w32) == 0,
            "float32 FTZ path [%a, %a) differs from the model", lo, hi);
      if (!jr_uniform_ftz_needed_f32(lo, hi)) {
        fast++;
        jr_kernels_ref.uniform_f32_from_bits(b32, NB, lo, hi, g32);
        CHECK(memcmp(w32, g32, sizeof w32) == 0,
              "float32 [%a, %a) routed to the IEEE kernels but flushed", lo,
              hi);
      } else {
        routed++;
      }
    }
    {
      const double lo = sl * ldexp(ml, -970 + jl);
      const double hi = lo + sd * ldexp(md, -918 + jd);
      model_f64(b64, NB, lo, hi, 1, w64);
      jr_uniform_ftz_f64(b64, NB, lo, hi, g64);
      CHECK(memcmp(w64, g64, sizeof w64) == 0,
            "float64 FTZ path [%a, %a) differs from the model", lo, hi);
      if (!jr_uniform_ftz_needed_f64(lo, hi)) {
        jr_kernels_ref.uniform_f64_from_bits(b64, NB, lo, hi, g64);
        CHECK(memcmp(w64, g64, sizeof w64) == 0,
              "float64 [%a, %a) routed to the IEEE kernels but flushed", lo,
              hi);
      }
    }
    {
      const float lo = bf2f(f2bf((float)(sl * ldexp(ml, -119 + jl))));
      const float hi = bf2f(f2bf(lo + (float)(sd * ldexp(md, -112 + jd))));
      model_bf16(b8, 256, lo, hi, w16);
      jr_uniform_ftz_bf16(b8, 256, lo, hi, g16);
      CHECK(memcmp(w16, g16, sizeof w16) == 0,
            "bfloat16 FTZ path [%a, %a) differs from the model", lo, hi);
      if (!jr_uniform_ftz_needed_bf16(lo, hi)) {
        jr_kernels_ref.uniform_bf16_from_bits(b8, 256, lo, hi, g16);
        CHECK(memcmp(w16, g16, sizeof w16) == 0,
              "bfloat16 [%a, %a) routed to the IEEE kernels but flushed", lo,
              hi);
      }
    }
  }
  CHECK(routed > 300 && fast > 300, "thresholds not straddled: %ld / %ld",
        routed, fast);

  /* Cancellation at the smallest f: lo = -k 2^-m d moved by j ulps, so
   * that f d + lo = j ulp(lo) at f = k 2^-m (tiny when |lo| < 2^(E+m)). */
  long tiny_fast = 0;
  for (int t = 0; t < 4000; t++) {
    const double sd = tu_rand32() & 1 ? -1 : 1;
    /* d a power of 2 puts lo at a binade's edge, where moving it toward 0
     * halves its ulp */
    const double md = t % 4 ? 1 + (double)(tu_rand32() >> 8) * 0x1p-24 : 1.0;
    const int jd = (int)tu_rand_below(8) - 6, kk = 1 << tu_rand_below(3);
    const int j = (int)tu_rand_below(5) - 2;
    {
      const float D = (float)(sd * ldexp(md, -80 + jd));
      const float hi = D - (float)kk * 0x1p-23f * D;
      float lo = -(float)kk * 0x1p-23f * D;
      const float d = hi - lo;
      lo = -(float)kk * 0x1p-23f * d;
      for (int i = 0; i < abs(j); i++)
        lo = nextafterf(lo, j > 0 ? INFINITY : -INFINITY);
      model_f32(b32, NB, lo, hi, 1, w32);
      if (!jr_uniform_ftz_needed_f32(lo, hi)) {
        jr_kernels_ref.uniform_f32_from_bits(b32, NB, lo, hi, g32);
        CHECK(memcmp(w32, g32, sizeof w32) == 0,
              "float32 [%a, %a) routed to the IEEE kernels but flushed", lo,
              hi);
        tiny_fast++;
      }
      jr_uniform_ftz_f32(b32, NB, lo, hi, g32);
      CHECK(memcmp(w32, g32, sizeof w32) == 0,
            "float32 FTZ path [%a, %a) differs from the model", lo, hi);
    }
    {
      const double D = sd * ldexp(md, -918 + jd);
      const double hi = D - kk * 0x1p-52 * D;
      double lo = -kk * 0x1p-52 * D;
      const double d = hi - lo;
      lo = -kk * 0x1p-52 * d;
      for (int i = 0; i < abs(j); i++)
        lo = nextafter(lo, j > 0 ? INFINITY : -INFINITY);
      model_f64(b64, NB, lo, hi, 1, w64);
      if (!jr_uniform_ftz_needed_f64(lo, hi)) {
        jr_kernels_ref.uniform_f64_from_bits(b64, NB, lo, hi, g64);
        CHECK(memcmp(w64, g64, sizeof w64) == 0,
              "float64 [%a, %a) routed to the IEEE kernels but flushed", lo,
              hi);
      }
      jr_uniform_ftz_f64(b64, NB, lo, hi, g64);
      CHECK(memcmp(w64, g64, sizeof w64) == 0,
            "float64 FTZ path [%a, %a) differs from the model", lo, hi);
    }
    {
      const float D = bf2f(f2bf((float)(sd * ldexp(md, -112 + jd))));
      const float hi = bf2f(f2bf(D - (float)kk * 0x1p-7f * D));
      const float d = bf2f(f2bf(hi - (-(float)kk * 0x1p-7f * D)));
      float lo = bf2f(f2bf(-(float)kk * 0x1p-7f * d));
      for (int i = 0; i < abs(j); i++) /* one bfloat16 ulp */
        lo = bf2f((uint16_t)(f2bf(lo) + ((j > 0) == (lo > 0) ? 1 : -1)));
      model_bf16(b8, 256, lo, hi, w16);
      if (!jr_uniform_ftz_needed_bf16(lo, hi)) {
        jr_kernels_ref.uniform_bf16_from_bits(b8, 256, lo, hi, g16);
        CHECK(memcmp(w16, g16, sizeof w16) == 0,
              "bfloat16 [%a, %a) routed to the IEEE kernels but flushed", lo,
              hi);
      }
      jr_uniform_ftz_bf16(b8, 256, lo, hi, g16);
      CHECK(memcmp(w16, g16, sizeof w16) == 0,
            "bfloat16 FTZ path [%a, %a) differs from the model", lo, hi);
    }
  }
  CHECK(tiny_fast > 500, "cancellation cases: only %ld on the IEEE path",
        tiny_fast);

  /* Cancellation at a larger f = K 2^-m (K < NB / 2): |lo| >= 2^(E+m) but
   * |d| just below 2^(E+2m), lo = -f d rounded to its grid. */
  for (int t = 0; t < 4000; t++) {
    const double sd = tu_rand32() & 1 ? -1 : 1;
    const double md = 1 + (double)(tu_rand32() >> 8) * 0x1p-24;
    const int jd = (int)tu_rand_below(6) - 5;
    const double K = (double)((16 + tu_rand_below(16)) << tu_rand_below(8));
    {
      const float D = (float)(sd * ldexp(md, -80 + jd));
      float lo = (float)(-K * 0x1p-23 * D);
      const float hi = lo + D, d = hi - lo;
      lo = (float)(-K * 0x1p-23 * (double)d);
      model_f32(b32, NB, lo, hi, 1, w32);
      if (!jr_uniform_ftz_needed_f32(lo, hi)) {
        jr_kernels_ref.uniform_f32_from_bits(b32, NB, lo, hi, g32);
        CHECK(memcmp(w32, g32, sizeof w32) == 0,
              "float32 [%a, %a) routed to the IEEE kernels but flushed", lo,
              hi);
      }
    }
    {
      /* a full 53-bit d, so that K f d is inexact */
      const double D =
          sd * ldexp(1 + (double)(tu_rand64() >> 12) * 0x1p-52, -918 + jd);
      double lo = -K * 0x1p-52 * D;
      const double hi = lo + D, d = hi - lo;
      lo = -K * 0x1p-52 * d;
      model_f64(b64, NB, lo, hi, 1, w64);
      if (!jr_uniform_ftz_needed_f64(lo, hi)) {
        jr_kernels_ref.uniform_f64_from_bits(b64, NB, lo, hi, g64);
        CHECK(memcmp(w64, g64, sizeof w64) == 0,
              "float64 [%a, %a) routed to the IEEE kernels but flushed", lo,
              hi);
      }
    }
  }
}

int main(void) {
  unsigned a, b, c, d; /* CPUID 1: ECX bit 12 FMA, bit 29 F16C */
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 12)) ||
      !(c & (1u << 29)) || !__builtin_cpu_supports("avx")) {
    printf("test_uniform_ftz: no FMA/F16C, skipped\n");
    return 77;
  }
  ctx[0] = jr_ctx_create();
  ctx[1] = jr_ctx_create();
  if (!ctx[0] || !ctx[1]) return 2;
  CHECK_OK(jr_ctx_set_int(ctx[1], JR_PARAM_MODE, JR_LEGACY));
  check_ordinary();
  check_tiny();
  check_random();
  check_predicate();
  printf("test_uniform_ftz: %ld draws flushed by FTZ/DAZ in the model\n",
         n_flushed);
  jr_ctx_free(ctx[0]);
  jr_ctx_free(ctx[1]);
  return tu_finish("test_uniform_ftz");
}
#else
int main(void) {
  printf("test_uniform_ftz: needs x86-64 (the model is the hardware)\n");
  return 77;
}
#endif
