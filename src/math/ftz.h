/* XLA:CPU's floating-point mode (x86 MXCSR flush-to-zero and
 * denormals-are-zero, round to nearest) emulated in portable C, without
 * touching the floating-point environment: the arithmetic of the own
 * Cholesky and product's scalar definitions (docs/linalg.md, "Arithmetic").
 *
 * Every operation reads a subnormal operand as a zero of the same sign
 * (DAZ) and returns a zero with the sign of the true result when the result
 * is tiny (FTZ), where tiny is x86's rule: rounded to the dtype's precision
 * with an unbounded exponent, the result is nonzero and below the smallest
 * normal (tininess after rounding). Everything else is IEEE 754.
 *
 * How: the IEEE result r of the flushed operands decides all but one case.
 * |r| < MIN: the true result is tiny (or an exact zero, whose sign r
 * already has). |r| > MIN: not tiny. |r| == MIN: gradual underflow may have
 * rounded up to MIN a value that rounds below MIN with unbounded exponent,
 * so the operation is redone with one factor (and the addend) scaled by
 * 2^K, exactly (normal operands), into the normal range, where the one
 * rounding is the unbounded-exponent rounding. (Sums of normal numbers are
 * multiples of the subnormal spacing, so a tiny sum is exact and |r| ==
 * MIN is never ambiguous there; sqrt of a normal is normal.) The scaled
 * operands stay finite: |r| ~ MIN bounds the addend by MIN 2^(2p+3) and
 * the smaller factor by its square root (p: the precision).
 *
 * The functions give the same values with MXCSR's FTZ/DAZ set or clear (the
 * SIMD drivers call them inside their flushed region): the comparisons and
 * the scaled operations only meet normal numbers or zeros. Internal. */
#ifndef JR_MATH_FTZ_H
#define JR_MATH_FTZ_H

#include <float.h>
#include <math.h>

#define JR_DEFINE_FTZ(X, T, MIN, SCALE, ABS, CPS, FMA, SQRT)                   \
  /* DAZ: a subnormal operand as a zero of its sign */                         \
  static inline T jr_daz_##X(T x) {                                            \
    return ABS(x) < MIN ? CPS((T)0, x) : x;                                    \
  }                                                                            \
  /* FTZ of a result whose |r| != MIN decides tininess */                      \
  static inline T jr_ftz_##X(T r) {                                            \
    return ABS(r) < MIN ? CPS((T)0, r) : r;                                    \
  }                                                                            \
  static inline T jr_add_##X(T a, T b) {                                       \
    return jr_ftz_##X(jr_daz_##X(a) + jr_daz_##X(b));                          \
  }                                                                            \
  static inline T jr_sub_##X(T a, T b) {                                       \
    return jr_ftz_##X(jr_daz_##X(a) - jr_daz_##X(b));                          \
  }                                                                            \
  static inline T jr_mul_##X(T a, T b) {                                       \
    a = jr_daz_##X(a);                                                         \
    b = jr_daz_##X(b);                                                         \
    const T r = a * b;                                                         \
    if (ABS(r) != MIN) return jr_ftz_##X(r);                                   \
    const T s = ABS(a) < ABS(b) ? (a * SCALE) * b : a * (b * SCALE);           \
    return ABS(s) < MIN * SCALE ? CPS((T)0, r) : r;                            \
  }                                                                            \
  static inline T jr_div_##X(T a, T b) {                                       \
    a = jr_daz_##X(a);                                                         \
    b = jr_daz_##X(b);                                                         \
    const T r = a / b;                                                         \
    if (ABS(r) != MIN) return jr_ftz_##X(r);                                   \
    /* |a| ~ MIN |b| <= MIN MAX < 4: a 2^K is finite */                        \
    const T s = (a * SCALE) / b;                                               \
    return ABS(s) < MIN * SCALE ? CPS((T)0, r) : r;                            \
  }                                                                            \
  /* a b + c, one rounding */                                                  \
  static inline T jr_fma_##X(T a, T b, T c) {                                  \
    a = jr_daz_##X(a);                                                         \
    b = jr_daz_##X(b);                                                         \
    c = jr_daz_##X(c);                                                         \
    const T r = FMA(a, b, c);                                                  \
    if (ABS(r) != MIN) return jr_ftz_##X(r);                                   \
    const T s = ABS(a) < ABS(b) ? FMA(a * SCALE, b, c * SCALE)                 \
                                : FMA(a, b * SCALE, c * SCALE);                \
    return ABS(s) < MIN * SCALE ? CPS((T)0, r) : r;                            \
  }                                                                            \
  /* the square root of a normal number is normal: DAZ only */                 \
  static inline T jr_sqrt_##X(T a) {                                           \
    return SQRT(jr_daz_##X(a));                                                \
  }                                                                            \
  /* x > 0 as the comparison instruction decides it (DAZ) */                   \
  static inline int jr_gt0_##X(T x) {                                          \
    return jr_daz_##X(x) > 0;                                                  \
  }

JR_DEFINE_FTZ(f32, float, FLT_MIN, 0x1p64f, fabsf, copysignf, fmaf, sqrtf)
JR_DEFINE_FTZ(f64, double, DBL_MIN, 0x1p128, fabs, copysign, fma, sqrt)
#undef JR_DEFINE_FTZ

#endif /* JR_MATH_FTZ_H */
