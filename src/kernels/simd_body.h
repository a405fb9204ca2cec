/* The SIMD kernels' algorithm, written once over a small set of vector
 * primitives and included by kernels_avx2.c and kernels_avx512.c, each of
 * which defines the primitives for its ISA first (see the list below). One
 * body means the AVX-512 kernels, which cannot be run on every build machine,
 * share the code that the tests verify with AVX2.
 *
 * Every value is computed with the same sequence of IEEE operations as the
 * scalar reference (src/math/xla_math.c): an fma exactly where it uses
 * fma/fmaf, separately rounded mul/add/sub/div/sqrt elsewhere. Branches of the
 * reference become both-sides-computed-then-selected; a side that only rare
 * lanes take is computed only when some lane of the vector takes it, which
 * changes nothing for the lanes that do not.
 *
 * Primitives the including file provides (static inline):
 *   vi (integer vector), vf (VLF floats), vd (VLD doubles), mf / md (masks)
 *   VLF, VLD: lanes; JR_SIMD_PREFIX: name prefix (avx2, avx512)
 *   i_set1(u32) i_set1_64(u64) i_add(a,b) i_sub(a,b) i_xor i_or i_and
 *   I_ROTL(x, r) (r a constant) I_SRL(x, r) I_SLL(x, r) I_SRL64(x, r)
 *   ctr(uint64_t start, vi *hi, vi *lo): counters of start .. start+VLF-1
 *   i_loadu(p) i_storeu(p, v)
 *   store_bits64(uint64_t *out, vi y0, vi y1): 2*VLD words (y0 << 32) | y1
 *   f_set1 f_add f_sub f_mul f_div f_fma(a,b,c)=a*b+c f_sqrt f_neg f_abs
 *   f_lt f_eq f_nlt(= !(a<b)) f_nge(= !(a>=b)) f_sel(m, t, f)=m?t:f mf_any
 *   f_from_i(vi bits) f_to_i(vf) f_cvt(vi int32 -> float) f_loadu f_storeu
 *   d_* the same for doubles (d_gt, d_nlt, d_to_i, d_from_i, ...), plus
 *   md_or, md_andnot(a,b)=a&~b, md_bits(m) (one bit per lane), d_loadu,
 *   d_storeu; d_table(j, &inv, &hi, &lo): rows j of jr_log_tab;
 *   compress_v(arg, a, mask): the masked lanes of a to arg, contiguously;
 *   returns how many (writes VLD entries); compress_d(arg, idx, a, base,
 *   mask): the same and base + lane to idx; expand_d(list, mask, other):
 *   the inverse of compress_v (lane l takes the next entry of list where
 *   bit l of mask is set, other elsewhere; reads VLD entries);
 *   mf_bits(m), compress_f, expand_f: the same for floats (VLF lanes)
 */

#include "math/xla_constants.h" /* erf_inv coefficients, shared with ref */
#ifndef JR_SIMD_PREFIX
#error "define the ISA primitives before including simd_body.h"
#endif

#define JR_CAT2(a, b) a##b
#define JR_CAT(a, b) JR_CAT2(a, b)
#define JR_FN(name) JR_CAT(JR_CAT(jr_, JR_SIMD_PREFIX), JR_CAT(_, name))

/* ---- threefry2x32-20 on VLF lanes (spec 2) */
typedef struct {
  vi k0, k1;     /* initial injection */
  vi a[5], b[5]; /* after group g: x0 += a[g], x1 += b[g] */
} tf_sched;

static inline void tf_schedule(jr_key key, tf_sched *s) {
  const uint32_t ks[3] = {key.k[0], key.k[1],
                          key.k[0] ^ key.k[1] ^ 0x1BD11BDAu};
  s->k0 = i_set1(ks[0]);
  s->k1 = i_set1(ks[1]);
  for (int g = 0; g < 5; g++) {
    s->a[g] = i_set1(ks[(g + 1) % 3]);
    s->b[g] = i_set1(ks[(g + 2) % 3] + (uint32_t)(g + 1));
  }
}

/* ---- U vectors at a time. The math below works on groups of JR_U vectors
 * (xf, xd, xi): each operation is applied to every vector of the group in
 * turn, so after inlining the instruction stream interleaves JR_U independent
 * dependency chains (Horner steps, divisions, square roots), which hides
 * their latency. Purely a scheduling device: lanes never interact. */
#ifndef JR_U
#define JR_U 2
#endif
#define XLF (VLF * JR_U) /* float32 lanes per group */
#define XLD (VLD * JR_U) /* float64 lanes per group */
#define JR_AI static inline __attribute__((always_inline))
/* Horner loops fully unrolled: the loop overhead would otherwise fill the
 * out-of-order window that overlaps independent chains. */
#if defined(__clang__)
#define JR_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define JR_UNROLL _Pragma("GCC unroll 32")
#else
#define JR_UNROLL
#endif
typedef struct {
  vi v[JR_U];
} xvi;
typedef struct {
  vf v[JR_U];
} xvf;
typedef struct {
  vd v[JR_U];
} xvd;
typedef struct {
  mf v[JR_U];
} xmf;
typedef struct {
  md v[JR_U];
} xmd;
#define JR_X0(R, name, T, f)                                                   \
  JR_AI R name(T c) {                                                          \
    R r;                                                                       \
    for (int j = 0; j < JR_U; j++)                                             \
      r.v[j] = f(c);                                                           \
    return r;                                                                  \
  }
#define JR_X1(R, name, T, f)                                                   \
  JR_AI R name(T a) {                                                          \
    R r;                                                                       \
    for (int j = 0; j < JR_U; j++)                                             \
      r.v[j] = f(a.v[j]);                                                      \
    return r;                                                                  \
  }
#define JR_X2(R, name, T1, T2, f)                                              \
  JR_AI R name(T1 a, T2 b) {                                                   \
    R r;                                                                       \
    for (int j = 0; j < JR_U; j++)                                             \
      r.v[j] = f(a.v[j], b.v[j]);                                              \
    return r;                                                                  \
  }
#define JR_X3(R, name, T1, T2, T3, f)                                          \
  JR_AI R name(T1 a, T2 b, T3 c) {                                             \
    R r;                                                                       \
    for (int j = 0; j < JR_U; j++)                                             \
      r.v[j] = f(a.v[j], b.v[j], c.v[j]);                                      \
    return r;                                                                  \
  }
JR_X0(xvi, xi_set1, uint32_t, i_set1)
JR_X0(xvi, xi_set1_64, uint64_t, i_set1_64)
JR_X2(xvi, xi_sub, xvi, xvi, i_sub)
JR_X2(xvi, xi_and, xvi, xvi, i_and)
JR_X2(xvi, xi_or, xvi, xvi, i_or)
JR_AI vi i_srl9(vi a) {
  return I_SRL(a, 9);
}
JR_AI vi i_srl23(vi a) {
  return I_SRL(a, 23);
}
JR_AI vi i_srl64_12(vi a) {
  return I_SRL64(a, 12);
}
JR_X1(xvi, xi_srl9, xvi, i_srl9)
JR_X1(xvi, xi_srl23, xvi, i_srl23)
JR_X1(xvi, xi_srl64_12, xvi, i_srl64_12)
JR_X0(xvf, xf_set1, float, f_set1)
JR_X2(xvf, xf_add, xvf, xvf, f_add)
JR_X2(xvf, xf_sub, xvf, xvf, f_sub)
JR_X2(xvf, xf_mul, xvf, xvf, f_mul)
JR_X2(xvf, xf_div, xvf, xvf, f_div)
JR_X3(xvf, xf_fma, xvf, xvf, xvf, f_fma)
JR_X1(xvf, xf_sqrt, xvf, f_sqrt)
JR_X1(xvf, xf_neg, xvf, f_neg)
JR_X1(xvf, xf_abs, xvf, f_abs)
JR_X2(xmf, xf_lt, xvf, xvf, f_lt)
JR_X2(xmf, xf_eq, xvf, xvf, f_eq)
JR_X2(xmf, xf_nlt, xvf, xvf, f_nlt)
JR_X2(xmf, xf_nge, xvf, xvf, f_nge)
JR_X3(xvf, xf_sel, xmf, xvf, xvf, f_sel)
JR_X1(xvf, xf_from_i, xvi, f_from_i)
JR_X1(xvi, xf_to_i, xvf, f_to_i)
JR_X1(xvf, xf_cvt, xvi, f_cvt)
JR_AI int xmf_any(xmf m) {
  int any = 0;
  for (int j = 0; j < JR_U; j++)
    any |= mf_any(m.v[j]);
  return any;
}
JR_X0(xvd, xd_set1, double, d_set1)
JR_X2(xvd, xd_add, xvd, xvd, d_add)
JR_X2(xvd, xd_sub, xvd, xvd, d_sub)
JR_X2(xvd, xd_mul, xvd, xvd, d_mul)
JR_X2(xvd, xd_div, xvd, xvd, d_div)
JR_X3(xvd, xd_fma, xvd, xvd, xvd, d_fma)
JR_X1(xvd, xd_sqrt, xvd, d_sqrt)
JR_X1(xvd, xd_neg, xvd, d_neg)
JR_X1(xvd, xd_abs, xvd, d_abs)
JR_X2(xmd, xd_lt, xvd, xvd, d_lt)
JR_X2(xmd, xd_eq, xvd, xvd, d_eq)
JR_X3(xvd, xd_sel, xmd, xvd, xvd, d_sel)
JR_X2(xmd, xmd_andnot, xmd, xmd, md_andnot)
JR_X1(xvd, xd_from_i, xvi, d_from_i)
JR_X1(xvi, xd_to_i, xvd, d_to_i)
JR_AI vi i_srl64_45(vi a) {
  return I_SRL64(a, 45);
}
JR_AI vi i_srl64_52(vi a) {
  return I_SRL64(a, 52);
}
JR_X1(xvi, xi_srl64_45, xvi, i_srl64_45)
JR_X1(xvi, xi_srl64_52, xvi, i_srl64_52)
JR_X2(xmd, xmd_or, xmd, xmd, md_or)
JR_X2(xmd, xd_nlt, xvd, xvd, d_nlt)
JR_X2(xmd, xd_gt, xvd, xvd, d_gt)
/* One bit per lane over the group, lane order. */
JR_AI unsigned xmd_bits(xmd m) {
  unsigned b = 0;
  for (int j = 0; j < JR_U; j++)
    b |= md_bits(m.v[j]) << (j * VLD);
  return b;
}
JR_AI xvd xd_loadu(const double *p) {
  xvd r;
  for (int j = 0; j < JR_U; j++)
    r.v[j] = d_loadu(p + j * VLD);
  return r;
}
JR_AI void xd_storeu(double *p, xvd a) {
  for (int j = 0; j < JR_U; j++)
    d_storeu(p + j * VLD, a.v[j]);
}
JR_AI xvi xi_loadu(const void *p) {
  xvi r;
  for (int j = 0; j < JR_U; j++)
    r.v[j] = i_loadu((const char *)p + j * sizeof(vi));
  return r;
}
JR_AI xvf xf_loadu(const float *p) {
  xvf r;
  for (int j = 0; j < JR_U; j++)
    r.v[j] = f_loadu(p + j * VLF);
  return r;
}
JR_AI void xf_storeu(float *p, xvf a) {
  for (int j = 0; j < JR_U; j++)
    f_storeu(p + j * VLF, a.v[j]);
}

/* ---- threefry2x32-20 on groups of JR_UT vectors (its own group size: the
 * hash is integer work with a long serial chain per vector; three chains
 * measured 13% faster than two on Zen 3 with AVX2) */
#ifndef JR_UT
#define JR_UT 3
#endif
#define XLT (VLF * JR_UT) /* lanes hashed per step */
typedef struct {
  vi v[JR_UT];
} tvi;
JR_AI tvi ti_add(tvi a, tvi b) {
  for (int j = 0; j < JR_UT; j++)
    a.v[j] = i_add(a.v[j], b.v[j]);
  return a;
}
JR_AI tvi ti_add1(tvi a, vi k) {
  for (int j = 0; j < JR_UT; j++)
    a.v[j] = i_add(a.v[j], k);
  return a;
}
JR_AI tvi ti_xor(tvi a, tvi b) {
  for (int j = 0; j < JR_UT; j++)
    a.v[j] = i_xor(a.v[j], b.v[j]);
  return a;
}
#define TF_R(r)                                                                \
  do {                                                                         \
    for (int j = 0; j < JR_UT; j++) {                                          \
      x0.v[j] = i_add(x0.v[j], x1.v[j]);                                       \
      x1.v[j] = I_ROTL(x1.v[j], r);                                            \
      x1.v[j] = i_xor(x1.v[j], x0.v[j]);                                       \
    }                                                                          \
  } while (0)
#define TF_INJ(g)                                                              \
  do {                                                                         \
    x0 = ti_add1(x0, s->a[g]);                                                 \
    x1 = ti_add1(x1, s->b[g]);                                                 \
  } while (0)

JR_AI void tf_core(const tf_sched *s, tvi x0, tvi x1, tvi *y0, tvi *y1);

/* Counters (a + l, b + l) for lanes l = 0 .. XLT-1, 32-bit, no carry (the
 * legacy stream's counters stay below 2^32). */
JR_AI void tf_pairs(const tf_sched *s, uint32_t a, uint32_t b, tvi *y0,
                    tvi *y1) {
  tvi x0, x1;
  vi dummy;
  for (int j = 0; j < JR_UT; j++) {
    ctr((uint64_t)(uint32_t)(a + (uint32_t)(j * VLF)), &dummy, &x0.v[j]);
    ctr((uint64_t)(uint32_t)(b + (uint32_t)(j * VLF)), &dummy, &x1.v[j]);
  }
  tf_core(s, x0, x1, y0, y1);
}

/* The 20 rounds after the first key injection. */
JR_AI void tf_rounds(const tf_sched *s, tvi x0, tvi x1, tvi *y0, tvi *y1) {
  TF_R(13);
  TF_R(15);
  TF_R(26);
  TF_R(6);
  TF_INJ(0);
  TF_R(17);
  TF_R(29);
  TF_R(16);
  TF_R(24);
  TF_INJ(1);
  TF_R(13);
  TF_R(15);
  TF_R(26);
  TF_R(6);
  TF_INJ(2);
  TF_R(17);
  TF_R(29);
  TF_R(16);
  TF_R(24);
  TF_INJ(3);
  TF_R(13);
  TF_R(15);
  TF_R(26);
  TF_R(6);
  TF_INJ(4);
  *y0 = x0;
  *y1 = x1;
}

JR_AI void tf_core(const tf_sched *s, tvi x0, tvi x1, tvi *y0, tvi *y1) {
  tf_rounds(s, ti_add1(x0, s->k0), ti_add1(x1, s->k1), y0, y1);
}

/* The hashes of consecutive groups of XLT counters from `start`. While the
 * counters' low words do not wrap, every lane has the same high word, so the
 * first injection into it is one vector for the whole run and the low words
 * advance by one add per vector; past a carry (at most once per call) the
 * counters are rebuilt per group by ctr(). */
typedef struct {
  tvi x0, x1;  /* the run's next counters after the first injection */
  size_t run;  /* groups left in the run */
  uint64_t at; /* first element of the next group */
} tf_stream;
JR_AI void tf_stream_init(const tf_sched *s, uint64_t start, size_t n,
                          tf_stream *st) {
  uint64_t room = 0x100000000ull - (start & 0xFFFFFFFFull);
  st->run = (size_t)((n < room ? (uint64_t)n : room) / XLT);
  st->at = start;
  vi x0 = i_add(i_set1((uint32_t)(start >> 32)), s->k0);
  for (int j = 0; j < JR_UT; j++) {
    vi hi, lo;
    ctr(start + (uint64_t)(j * VLF), &hi, &lo);
    st->x0.v[j] = x0;
    st->x1.v[j] = i_add(lo, s->k1);
  }
}
JR_AI void tf_stream_next(const tf_sched *s, tf_stream *st, tvi *y0, tvi *y1) {
  tvi x0, x1;
  if (st->run) {
    st->run--;
    x0 = st->x0;
    x1 = st->x1;
    st->x1 = ti_add1(st->x1, i_set1(XLT));
  } else {
    for (int j = 0; j < JR_UT; j++)
      ctr(st->at + (uint64_t)(j * VLF), &x0.v[j], &x1.v[j]);
    x0 = ti_add1(x0, s->k0);
    x1 = ti_add1(x1, s->k1);
  }
  st->at += XLT;
  tf_rounds(s, x0, x1, y0, y1);
}

/* ---- float32: XLA's log (spec 7c), log1p (7b), erf_inv (7a) */
/* `general` = 0 drops the selects that inputs derived from random bits never
 * take (see v_normal_u_f32); a constant after inlining. */
JR_AI xvf v_log_f32(xvf in, int general) {
  const xvf one = xf_set1(1.0f);
  xvf x = in;
  if (general)
    x = xf_sel(xf_lt(in, xf_set1(0x1p-126f)), xf_set1(0x1p-126f), in);
  xvi b = xf_to_i(x);
  xvf e = xf_add(
      xf_cvt(xi_sub(xi_and(xi_srl23(b), xi_set1(0xFF)), xi_set1(127))), one);
  x = xf_from_i(xi_or(xi_and(b, xi_set1(~0x7F800000u)), xi_set1(0x3F000000u)));
  xmf lt = xf_lt(x, xf_set1(0.707106781186547524f));
  e = xf_sel(lt, xf_sub(e, one), e);
  x = xf_sel(lt, xf_add(xf_sub(x, one), x), xf_sub(x, one));
  xvf x2 = xf_mul(x, x);
  xvf x3 = xf_mul(x2, x);
  xvf y = xf_fma(x, xf_set1(7.0376836292E-2f), xf_set1(-1.1514610310E-1f));
  xvf y1 = xf_fma(x, xf_set1(-1.2420140846E-1f), xf_set1(1.4249322787E-1f));
  xvf y2 = xf_fma(x, xf_set1(2.0000714765E-1f), xf_set1(-2.4999993993E-1f));
  y = xf_fma(y, x, xf_set1(1.1676998740E-1f));
  y1 = xf_fma(y1, x, xf_set1(-1.6668057665E-1f));
  y2 = xf_fma(y2, x, xf_set1(3.3333331174E-1f));
  y = xf_fma(y, x3, y1);
  y = xf_fma(y, x3, y2);
  y = xf_fma(y, x3, xf_mul(xf_set1(-2.12194440e-4f), e));
  x = xf_sub(x, xf_mul(xf_set1(0.5f), x2));
  x = xf_add(x, y);
  x = xf_add(x, xf_mul(xf_set1(0.693359375f), e));
  if (general) {
    /* The reference's special cases, applied last (disjoint masks). */
    x = xf_sel(xf_eq(in, xf_set1(INFINITY)), xf_set1(INFINITY), x);
    x = xf_sel(xf_nge(in, xf_set1(0.0f)), xf_set1(NAN), x);
    x = xf_sel(xf_eq(in, xf_set1(0.0f)), xf_set1(-INFINITY), x);
  }
  return x;
}

/* log1p's rational branch (|x| < sqrt(2) - 1) */
JR_AI xvf v_log1p_f32_small(xvf x) {
  xvf x2 = xf_mul(x, x);
  /* The reference starts from num = den = 0; its first step fma(0, x, c)
   * gives c exactly for the finite x that take this branch. */
  xvf num = xf_set1((float)4.5270000862445199635215E-5), den = xf_set1(1.0f);
  num = xf_fma(num, x, xf_set1((float)4.9854102823193375972212E-1));
  den = xf_fma(den, x, xf_set1((float)1.5062909083469192043167E1));
  num = xf_fma(num, x, xf_set1((float)6.5787325942061044846969E0));
  den = xf_fma(den, x, xf_set1((float)8.3047565967967209469434E1));
  num = xf_fma(num, x, xf_set1((float)2.9911919328553073277375E1));
  den = xf_fma(den, x, xf_set1((float)2.2176239823732856465394E2));
  num = xf_fma(num, x, xf_set1((float)6.0949667980987787057556E1));
  den = xf_fma(den, x, xf_set1((float)3.0909872225312059774938E2));
  num = xf_fma(num, x, xf_set1((float)5.7112963590585538103336E1));
  den = xf_fma(den, x, xf_set1((float)2.1642788614495947685003E2));
  num = xf_fma(num, x, xf_set1((float)2.0039553499201281259648E1));
  den = xf_fma(den, x, xf_set1((float)6.0118660497603843919306E1));
  return xf_add(
      x, xf_fma(xf_mul(x, x2), xf_div(num, den), xf_mul(xf_set1(-0.5f), x2)));
}

JR_AI xmf v_log1p_f32_is_small(xvf x) {
  return xf_lt(xf_abs(x), xf_set1((float)0.41421356237309504880));
}

JR_AI xvf v_log1p_f32(xvf x, int general) {
  return xf_sel(v_log1p_f32_is_small(x), v_log1p_f32_small(x),
                v_log_f32(xf_add(x, xf_set1(1.0f)), general));
}

/* erf_inv(x) given w = -log1p(x*(-x)) */
JR_AI xvf v_erf_inv_f32_w(xvf x, xvf w, int general) {
  xmf big = xf_nlt(w, xf_set1(5.0f)); /* w >= 5 or NaN: the reference's else */
  xvf t = xf_sub(w, xf_set1(2.5f)), p;
  if (xmf_any(big)) {
    /* Both branches share the Horner shape: select t and each coefficient
     * per lane, then run one polynomial. */
    t = xf_sel(big, xf_sub(xf_sqrt(w), xf_set1(3.0f)), t);
    p = xf_sel(big, xf_set1(jr_erfinv32_ge5[0]), xf_set1(jr_erfinv32_lt5[0]));
    JR_UNROLL
    for (int i = 1; i < 9; i++)
      p = xf_fma(p, t,
                 xf_sel(big, xf_set1(jr_erfinv32_ge5[i]),
                        xf_set1(jr_erfinv32_lt5[i])));
  } else {
    p = xf_set1(jr_erfinv32_lt5[0]);
    JR_UNROLL
    for (int i = 1; i < 9; i++)
      p = xf_fma(p, t, xf_set1(jr_erfinv32_lt5[i]));
  }
  if (!general) return xf_mul(p, x);
  xmf one = xf_eq(xf_abs(x), xf_set1(1.0f));
  return xf_sel(one, xf_mul(x, xf_set1(INFINITY)), xf_mul(p, x));
}

JR_AI xvf v_erf_inv_f32(xvf x, int general) {
  return v_erf_inv_f32_w(x, xf_neg(v_log1p_f32(xf_mul(x, xf_neg(x)), general)),
                         general);
}

/* bits -> normal (spec 6, 7): u = fma(f, 1 - lo, lo), clamped below at lo.
 * From bits, f is in [0, 1 - 2^-23], so u = 2f + lo is in
 * [lo, 1 - 3*2^-24]: the clamp never fires (fma is monotonic and 2f >= 0),
 * |u| < 1, and x = -u*u rounds to at least -(1 - 2^-23), so log's argument
 * x + 1 is a normal number in [2^-23, 1]. The selects for |u| == 1, the
 * clamp and log's special cases and subnormal flush are therefore dead here
 * and skipped (general = 0); every result is still the reference's, which
 * the exhaustive test over all 2^23 inputs confirms. */
JR_AI xvf v_normal_u_f32(xvi bits) {
  const float lo = jr_bits_f32(0xBF7FFFFFu);
  const float span = 1.0f - lo; /* rounds to 2, as in the reference */
  xvf f = xf_sub(xf_from_i(xi_or(xi_srl9(bits), xi_set1(0x3F800000u))),
                 xf_set1(1.0f));
  return xf_fma(f, xf_set1(span), xf_set1(lo));
}

/* ---- float16 / bfloat16 normals (spec 6, 7): float32 arithmetic rounded to
 * the 16-bit type after each operation, exactly as jr_ref_normal_f16/bf16.
 * The conversions are jr_f32_to_f16 / jr_f16_to_f32 / jr_f32_to_bf16 branch
 * by branch in integer ops and selects (no F16C: one code path for both
 * ISAs, and no extra CPU feature to dispatch on). The branch masks come from
 * float compares of |x|, whose order matches the bit patterns' for non-NaN.
 * Lanes hold the 16-bit patterns in their low half. */
static inline vi v1_f32_to_f16(vf x) {
  const vf ax = f_abs(x);
  const vi ai = f_to_i(ax);
  const vi sign = i_and(I_SRL(f_to_i(x), 16), i_set1(0x8000u));
  /* normal: add the exponent rebias and the round-to-even increment */
  const vi odd = i_and(I_SRL(ai, 13), i_set1(1u));
  const vi nrm = I_SRL(
      i_add(i_add(ai, i_set1(((uint32_t)(15 - 127) << 23) + 0xFFFu)), odd), 13);
  /* below 2^-14: ax + 0.5 has its ulp at 2^-24, the FPU rounds */
  const vi sub =
      i_sub(f_to_i(f_add(ax, f_set1(0.5f))), i_set1(jr_f32_bits(0.5f)));
  const vi nan = i_or(i_set1(0x7E00u), i_and(I_SRL(ai, 13), i_set1(0x3FFu)));
  vf r = f_from_i(nrm);
  r = f_sel(f_lt(ax, f_set1(0x1p-14f)), f_from_i(sub), r);
  /* >= 65520 rounds to inf (f_nlt also takes NaN, replaced next) */
  r = f_sel(f_nlt(ax, f_set1(65520.0f)), f_from_i(i_set1(0x7C00u)), r);
  r = f_sel(f_eq(ax, ax), r, f_from_i(nan));
  return i_or(sign, f_to_i(r));
}

static inline vf v1_f16_to_f32(vi h) {
  const vi sign = I_SLL(i_and(h, i_set1(0x8000u)), 16);
  const vi e = i_and(I_SRL(h, 10), i_set1(0x1Fu));
  const vi m = i_and(h, i_set1(0x3FFu));
  const vi ms = I_SLL(m, 13);
  const vf ef = f_cvt(e);
  vf r = f_from_i(i_or(I_SLL(i_add(e, i_set1(112u)), 23), ms));
  r = f_sel(f_eq(ef, f_set1(31.0f)), f_from_i(i_or(i_set1(0x7F800000u), ms)),
            r);
  /* zero or subnormal: m * 2^-24, exact */
  r = f_sel(f_eq(ef, f_set1(0.0f)), f_mul(f_cvt(m), f_set1(0x1p-24f)), r);
  return f_from_i(i_or(f_to_i(r), sign));
}

static inline vi v1_f32_to_bf16(vf x) {
  const vi xi = f_to_i(x);
  const vi r = I_SRL(
      i_add(i_add(xi, i_set1(0x7FFFu)), i_and(I_SRL(xi, 16), i_set1(1u))), 16);
  const vi nan = i_or(I_SRL(xi, 16), i_set1(0x40u));
  return f_to_i(f_sel(f_eq(x, x), f_from_i(r), f_from_i(nan)));
}

static inline vf v1_bf16_to_f32(vi h) {
  return f_from_i(I_SLL(h, 16));
}
static inline vf v1_round_f16(vf x) {
  return v1_f16_to_f32(v1_f32_to_f16(x));
}
static inline vf v1_round_bf16(vf x) {
  return v1_bf16_to_f32(v1_f32_to_bf16(x));
}
/* Random bits (low 16 / 8 of each lane) -> f = the mantissa field in [0, 1),
 * exactly f16_to_f32((b >> 6) | 0x3C00) - 1 and bf16_to_f32((b >> 1) |
 * 0x3F80) - 1 (both conversions of a normal number are a shift). */
static inline vi v1_f16_one(vi b) {
  return i_or(I_SLL(i_and(I_SRL(b, 6), i_set1(0x3FFu)), 13),
              i_set1(0x3F800000u));
}
static inline vi v1_bf16_one(vi b) {
  return i_or(I_SLL(i_and(I_SRL(b, 1), i_set1(0x7Fu)), 16),
              i_set1(0x3F800000u));
}
JR_X1(xvf, xf_round_f16, xvf, v1_round_f16)
JR_X1(xvf, xf_round_bf16, xvf, v1_round_bf16)
JR_X1(xvi, xf_to_f16, xvf, v1_f32_to_f16)
JR_X1(xvi, xf_to_bf16, xvf, v1_f32_to_bf16)
JR_X1(xvi, xi_f16_one, xvi, v1_f16_one)
JR_X1(xvi, xi_bf16_one, xvi, v1_bf16_one)

/* u = round(fma(f, round(1 - lo), lo)), clamped below at lo; then
 * round(erf_inv(u)) and round(SQRT2_16 * e), SQRT2_16 the dtype's SQRT2 in
 * float32. The constants are the reference's after rounding: lo = -(1 -
 * 2^-11) (f16) / -(1 - 2^-8) (bf16), and 1 - lo rounds (a tie, to even) to
 * 2 in both. As for float32, |u| < 1 and u*(-u) + 1 >= 2^-10 from bits, so
 * erf_inv runs without the special-case selects (general = 0); the
 * exhaustive tests over all 2^16 / 2^8 inputs confirm every result. */
JR_AI xvi v_normal_16(xvi b, int bf) {
  const float lo = bf ? -(1.0f - 0x1p-8f) : -(1.0f - 0x1p-11f);
  xvf f = xf_sub(xf_from_i(bf ? xi_bf16_one(b) : xi_f16_one(b)), xf_set1(1.0f));
  xvf u = xf_fma(f, xf_set1(2.0f), xf_set1(lo));
  u = bf ? xf_round_bf16(u) : xf_round_f16(u);
  u = xf_sel(xf_lt(u, xf_set1(lo)), xf_set1(lo), u);
  xvf e = v_erf_inv_f32(u, 0);
  e = bf ? xf_round_bf16(e) : xf_round_f16(e);
  /* 0x3DA8 (f16) and 0x3FB5 (bf16) are both 1.4140625 in float32 */
  xvf r = xf_mul(xf_set1(jr_bits_f32(0x3FB50000u)), e);
  return bf ? xf_to_bf16(r) : xf_to_f16(r);
}

/* ---- float64: log1p (7b) with the C library's log (7c), erf_inv (7a).
 *
 * log1p's else branch (|x| >= sqrt(2)-1, ~36% of lanes) must return exactly
 * what the C library's log returns, and glibc's log is not correctly rounded.
 * The transform runs in three passes over a block of elements:
 *   A (vector): u, x*(-x), the rational branch, and a compact list of the
 *     lanes that need log(x*(-x) + 1) with their arguments;
 *   B: log over that list: v_log_f64_fast where it provably equals the C
 *     library's log, log() itself for the ~10% of lanes it flags;
 *   C (vector): erf_inv's polynomials and the final products. */
/* Blocks are whole hashing groups (XLT: 48 with AVX2, 48 with AVX-512) and
 * whole transform groups (XLF = 32, XLD = 16), so no block hashes a padded
 * tail into scratch (with 256 every block did). */
enum { JR_F64_BLOCK = 288 };
_Static_assert(JR_F64_BLOCK % XLT == 0 && JR_F64_BLOCK % XLD == 0,
               "whole groups per block");
#define JR_XLD_ALL (~0u >> (32 - XLD)) /* one bit per lane of a group */

JR_AI xvd v_poly_f64(xvd t, const double *c, int n) {
  xvd p = xd_set1(c[0]);
  JR_UNROLL
  for (int i = 1; i < n; i++)
    p = xd_fma(p, t, xd_set1(c[i]));
  return p;
}

/* ---- log(a) for the float64 lanes, exactly as the C library's log.
 *
 * glibc's log is not correctly rounded, but its error is below 0.52 ulp (the
 * bound documented for its implementation since glibc 2.28). Hence where the
 * exact logarithm lies more than 0.02 ulp away from a rounding midpoint,
 * glibc returns the correctly rounded value: the other neighbour would be more
 * than 0.52 ulp away. v_log_f64_fast computes log(a) as hi + lo with an
 * absolute error below 2^-63 (relative below 2^-61, < 0.004 ulp), rounds it,
 * and flags the lanes whose rounding remainder exceeds 0.45 ulp, i.e. whose
 * exact value may lie within 0.05 - 0.004 ulp of a midpoint, plus results
 * that are powers of two and inputs outside [2^-1022, 0.75): the caller
 * computes those with the C library's log. Elsewhere the result is the
 * correctly rounded logarithm, which is glibc's. (In the kernels a = 1 - u^2
 * is at most 0.586, so the range limit only matters for the test hooks.)
 *
 * Method: a = 2^k m, m in [1, 2), k <= -1. With j the top 7 bits of m's
 * fraction, the table (log_table.h) gives inv ~ 1/c_j, c_j the middle of the
 * j-th of 128 intervals, and -log(inv) as a double-double. Then
 * m * inv = 1 + r exactly as ph + pl (fma), r = (ph - 1) + pl with ph - 1
 * exact (Sterbenz), |r| < 0.0045, and
 *   log(a) = k ln2 + (-log inv) + log1p(r),
 *   log1p(r) = r_h + r_l (1 - r_h) + r_h^2 (-1/2 + r_h/3 - ... + r_h^5/7)
 * (truncation < 2^-65; the polynomial term is < 2^-16, so its rounding errors
 * are < 2^-66). k ln2_hi is exact (ln2_hi has 42 bits); the large terms are
 * added with Fast2Sum (|k ln2| >= ln2 > -log inv >= 0, and
 * |k ln2 - log inv| >= |log a| - 0.0045 > 0.28 > |r_h|), the small ones in
 * plain double (each error < 2^-68). |log a| > 0.28 on [2^-1022, 0.75). */
#include "kernels/log_table.h"

JR_AI xvd v_log_f64_fast(xvd a, unsigned *bad) {
  xvi b = xd_to_i(a);
  /* biased exponent as an exact double via the 2^52 magic number */
  xvd e = xd_sub(
      xd_from_i(xi_or(xi_srl64_52(b), xi_set1_64(0x4330000000000000ull))),
      xd_set1(0x1p52));
  xvd k = xd_sub(e, xd_set1(1023.0));
  xvd m = xd_from_i(xi_or(xi_and(b, xi_set1_64(0x000FFFFFFFFFFFFFull)),
                          xi_set1_64(0x3FF0000000000000ull)));
  xvi j = xi_and(xi_srl64_45(b), xi_set1_64(127));
  xvd inv, ch, cl;
  for (int g = 0; g < JR_U; g++)
    d_table(j.v[g], &inv.v[g], &ch.v[g], &cl.v[g]);
  xvd ph = xd_mul(m, inv);
  xvd rl = xd_fma(m, inv, xd_neg(ph));
  xvd rh = xd_sub(ph, xd_set1(1.0));
  xvd p = xd_fma(xd_set1(1.0 / 7), rh, xd_set1(-1.0 / 6));
  p = xd_fma(p, rh, xd_set1(1.0 / 5));
  p = xd_fma(p, rh, xd_set1(-1.0 / 4));
  p = xd_fma(p, rh, xd_set1(1.0 / 3));
  p = xd_fma(p, rh, xd_set1(-1.0 / 2));
  xvd q = xd_mul(xd_mul(rh, rh), p);
  xvd ka = xd_mul(k, xd_set1(0x1.62e42fefa3800p-1));
  xvd s1 = xd_add(ka, ch);
  xvd e1 = xd_sub(ch, xd_sub(s1, ka));
  xvd s2 = xd_add(s1, rh);
  xvd e2 = xd_sub(rh, xd_sub(s2, s1));
  xvd lo = xd_add(q, xd_sub(rl, xd_mul(rl, rh)));
  lo = xd_add(lo, xd_add(cl, xd_mul(k, xd_set1(0x1.ef35793c76730p-45))));
  lo = xd_add(lo, xd_add(e1, e2));
  xvd r = xd_add(s2, lo);
  xvd delta = xd_sub(lo, xd_sub(r, s2));
  /* ulp(r) = 2^(exponent of r) * 2^-52 */
  xvd ar = xd_abs(r);
  xvd p2 = xd_from_i(xi_and(xd_to_i(ar), xi_set1_64(0x7FF0000000000000ull)));
  xmd out = xmd_or(xd_nlt(a, xd_set1(0.75)), xd_lt(a, xd_set1(0x1p-1022)));
  out = xmd_or(out, xd_eq(ar, p2));
  out = xmd_or(out, xd_gt(xd_abs(delta), xd_mul(p2, xd_set1(0.45 * 0x1p-52))));
  *bad = xmd_bits(out);
  return r;
}

/* Pass B, in place: arg[k] = log(arg[k]) for k < m, as the C library
 * computes it: the vector log where it provably agrees, log() elsewhere.
 * arg has room for XLD - 1 padding entries. */
static void jr_log_list(double *arg, size_t m) {
  /* The flagged lanes (about 10%) are compacted into a second list, so the
   * log() calls run in a loop without data-dependent branches. */
  double fbarg[JR_F64_BLOCK + XLD];
  uint32_t fbpos[JR_F64_BLOCK + XLD];
  size_t f = 0;
  for (size_t k = m; k % XLD; k++)
    arg[k] = 0.5; /* padding, unused */
  for (size_t k = 0; k < m; k += XLD) {
    unsigned bad;
    xvd a = xd_loadu(arg + k);
    xd_storeu(arg + k, v_log_f64_fast(a, &bad));
    if (m - k < XLD) bad &= JR_XLD_ALL >> (XLD - (m - k));
    for (int g = 0; g < JR_U; g++)
      f += compress_d(fbarg + f, fbpos + f, a.v[g],
                      (uint32_t)(k + (size_t)(g * VLD)),
                      (bad >> (g * VLD)) & ((1u << VLD) - 1));
  }
  for (size_t t = 0; t < f; t++)
    arg[fbpos[t]] = log(fbarg[t]);
}

/* Test hook: the vector log and its fallback flags, n a multiple of 64. */
void JR_FN(log_f64_fast)(const double *a, size_t n, double *out,
                         unsigned char *fallback) {
  for (size_t i = 0; i < n; i += XLD) {
    unsigned bad;
    xd_storeu(out + i, v_log_f64_fast(xd_loadu(a + i), &bad));
    for (int l = 0; l < XLD; l++)
      fallback[i + (size_t)l] = (bad >> l) & 1u;
  }
}

/* Pass A for XLD lanes at position i of the block: stores u and the rational
 * log1p value, appends the arguments of the lanes needing log() to (arg, *m)
 * and notes those lanes, VLD bits per vector, in need[i / VLD ..]. */
JR_AI void v_normal_f64_pass_a(xvd u, size_t i, double *ubuf, double *lbuf,
                               uint8_t *need, double *arg, size_t *m) {
  xd_storeu(ubuf + i, u);
  xvd x = xd_mul(u, xd_neg(u));
  xmd small = xd_lt(xd_abs(x), xd_set1(0.41421356237309504880));
  xvd x2 = xd_mul(x, x);
  /* As in the float32 case, the first fma(0, x, c) of the reference is c. */
  xvd num = xd_set1(4.5270000862445199635215E-5), den = xd_set1(1.0);
  num = xd_fma(num, x, xd_set1(4.9854102823193375972212E-1));
  den = xd_fma(den, x, xd_set1(1.5062909083469192043167E1));
  num = xd_fma(num, x, xd_set1(6.5787325942061044846969E0));
  den = xd_fma(den, x, xd_set1(8.3047565967967209469434E1));
  num = xd_fma(num, x, xd_set1(2.9911919328553073277375E1));
  den = xd_fma(den, x, xd_set1(2.2176239823732856465394E2));
  num = xd_fma(num, x, xd_set1(6.0949667980987787057556E1));
  den = xd_fma(den, x, xd_set1(3.0909872225312059774938E2));
  num = xd_fma(num, x, xd_set1(5.7112963590585538103336E1));
  den = xd_fma(den, x, xd_set1(2.1642788614495947685003E2));
  num = xd_fma(num, x, xd_set1(2.0039553499201281259648E1));
  den = xd_fma(den, x, xd_set1(6.0118660497603843919306E1));
  xvd r = xd_add(
      x, xd_fma(xd_mul(x, x2), xd_div(num, den), xd_mul(xd_set1(-0.5), x2)));
  xd_storeu(lbuf + i, r);
  unsigned big = ~xmd_bits(small) & JR_XLD_ALL;
  xvd a = xd_add(x, xd_set1(1.0));
  size_t k = *m;
  for (int j = 0; j < JR_U; j++) {
    unsigned b = (big >> (j * VLD)) & ((1u << VLD) - 1);
    need[i / VLD + (size_t)j] = (uint8_t)b;
    k += compress_v(arg + k, a.v[j], b);
  }
  *m = k;
}

/* Pass C for XLD lanes: erf_inv(x) from x and l = log1p(x*(-x)). */
JR_AI xvd v_erf_inv_f64_c(xvd x, xvd l, int general) {
  xvd w = xd_neg(l);
  xmd a = xd_lt(w, xd_set1(6.25));
  xvd p = v_poly_f64(xd_sub(w, xd_set1(3.125)), jr_erfinv64_lt625, 23);
  if (xmd_bits(a) != JR_XLD_ALL) { /* rare: w >= 6.25 or NaN */
    xvd sw = xd_sqrt(w);
    xmd b = xmd_andnot(xd_lt(w, xd_set1(16.0)), a);
    xvd pb = v_poly_f64(xd_sub(sw, xd_set1(3.25)), jr_erfinv64_lt16, 19);
    xvd pc = v_poly_f64(xd_sub(sw, xd_set1(5.0)), jr_erfinv64_ge16, 17);
    p = xd_sel(a, p, xd_sel(b, pb, pc));
  }
  if (!general) return xd_mul(p, x); /* |u| < 1 from bits, as for float32 */
  xmd one = xd_eq(xd_abs(x), xd_set1(1.0));
  return xd_sel(one, xd_mul(x, xd_set1(INFINITY)), xd_mul(p, x));
}

JR_AI xvd v_normal_f64_pass_c(xvd u, xvd l) {
  return xd_mul(xd_set1(jr_bits_f64(JR_SQRT2_F64_BITS)),
                v_erf_inv_f64_c(u, l, 0));
}

JR_AI xvd v_uniform_f64(xvi bits) {
  const double lo = jr_bits_f64(0xBFEFFFFFFFFFFFFFull);
  const double span = 1.0 - lo; /* rounds to 2, as in the reference */
  xvd f = xd_sub(
      xd_from_i(xi_or(xi_srl64_12(bits), xi_set1_64(0x3FF0000000000000ull))),
      xd_set1(1.0));
  /* f in [0, 1 - 2^-52]: u = 2f + lo >= lo, so the reference's clamp at lo
   * never fires and is omitted (as for float32). */
  return xd_fma(f, xd_set1(span), xd_set1(lo));
}

/* log1p(x*(-x)) for the XLD lanes at position i: the rational value from
 * lbuf, or the next logarithm of the dense list at *k where pass A noted
 * the lane (the inverse of its compress). */
JR_AI xvd v_log1p_merge(const double *lbuf, const double *arg,
                        const uint8_t *need, size_t i, size_t *k) {
  xvd l = xd_loadu(lbuf + i);
  for (int g = 0; g < JR_U; g++) {
    unsigned b = need[i / VLD + (size_t)g];
    l.v[g] = expand_d(arg + *k, b, l.v[g]);
    *k += (unsigned)__builtin_popcount(b);
  }
  return l;
}

/* n <= JR_F64_BLOCK bits (a multiple of XLD) -> n normals. */
static void normal_f64_block(const uint64_t *bits, size_t n, double *out) {
  double ubuf[JR_F64_BLOCK], lbuf[JR_F64_BLOCK], arg[JR_F64_BLOCK + XLD];
  uint8_t need[JR_F64_BLOCK / VLD];
  size_t m = 0;
  for (size_t i = 0; i < n; i += XLD)
    v_normal_f64_pass_a(v_uniform_f64(xi_loadu(bits + i)), i, ubuf, lbuf, need,
                        arg, &m);
  jr_log_list(arg, m);
  /* The logarithms are expanded from the dense list back into their lanes
   * (the inverse of pass A's compress), in a loop of their own: inside pass
   * C the expand measured 0.45 ns per element, on its own 0.3. */
  size_t k = 0;
  for (size_t i = 0; i < n; i += XLD)
    xd_storeu(lbuf + i, v_log1p_merge(lbuf, arg, need, i, &k));
  /* Pass C. The rare branch stays out of the loop: groups with a lane
   * w >= 6.25 or NaN are noted and recomputed with the full function
   * afterwards, which gives every lane the same bits. */
  _Static_assert(JR_F64_BLOCK / XLD <= 64, "one bit per group of a block");
  uint64_t rare = 0;
  for (size_t i = 0; i < n; i += XLD) {
    xvd w = xd_neg(xd_loadu(lbuf + i));
    xvd p = v_poly_f64(xd_sub(w, xd_set1(3.125)), jr_erfinv64_lt625, 23);
    rare |= (uint64_t)(xmd_bits(xd_lt(w, xd_set1(6.25))) != JR_XLD_ALL)
            << (i / XLD);
    xd_storeu(out + i, xd_mul(xd_set1(jr_bits_f64(JR_SQRT2_F64_BITS)),
                              xd_mul(p, xd_loadu(ubuf + i))));
  }
  while (rare) {
    size_t i = (size_t)__builtin_ctzll(rare) * XLD;
    rare &= rare - 1;
    xd_storeu(out + i,
              v_normal_f64_pass_c(xd_loadu(ubuf + i), xd_loadu(lbuf + i)));
  }
}

/* ---- the kernels */
static void k_bits32(jr_key key, uint64_t start, size_t n, uint32_t *out) {
  tf_sched s;
  tf_schedule(key, &s);
  tf_stream st;
  tf_stream_init(&s, start, n, &st);
  tvi y0, y1;
  size_t i = 0;
  for (; i + XLT <= n; i += XLT) {
    tf_stream_next(&s, &st, &y0, &y1);
    y0 = ti_xor(y0, y1);
    for (int j = 0; j < JR_UT; j++)
      i_storeu(out + i + j * VLF, y0.v[j]);
  }
  if (i < n) { /* the tail via a full group in a scratch buffer */
    uint32_t tmp[XLT];
    tf_stream_next(&s, &st, &y0, &y1);
    y0 = ti_xor(y0, y1);
    for (int j = 0; j < JR_UT; j++)
      i_storeu(tmp + j * VLF, y0.v[j]);
    memcpy(out + i, tmp, (n - i) * sizeof *out);
  }
}

static void k_bits64(jr_key key, uint64_t start, size_t n, uint64_t *out) {
  tf_sched s;
  tf_schedule(key, &s);
  tf_stream st;
  tf_stream_init(&s, start, n, &st);
  tvi y0, y1;
  size_t i = 0;
  for (; i + XLT <= n; i += XLT) {
    tf_stream_next(&s, &st, &y0, &y1);
    for (int j = 0; j < JR_UT; j++)
      store_bits64(out + i + j * VLF, y0.v[j], y1.v[j]);
  }
  if (i < n) {
    uint64_t tmp[XLT];
    tf_stream_next(&s, &st, &y0, &y1);
    for (int j = 0; j < JR_UT; j++)
      store_bits64(tmp + j * VLF, y0.v[j], y1.v[j]);
    memcpy(out + i, tmp, (n - i) * sizeof *out);
  }
}

enum { JR_F32_BLOCK = JR_F64_BLOCK };
_Static_assert(JR_F32_BLOCK % XLF == 0, "whole groups per block");
/* n <= JR_F32_BLOCK bits (a multiple of XLF) -> n normals, in three passes
 * as for float64: (A) u, the rational branch of log1p for every lane, and
 * a dense list of the log arguments x + 1 of the lanes that need them
 * (about 36%); (B) log over the list, in place; (C) the logs expanded back
 * into their lanes, erf_inv's polynomial and the products. Computing both
 * branches for every lane cost about 30 more vector operations per vector. */
static void normal_f32_block(const uint32_t *bits, size_t n, float *out) {
  float ubuf[JR_F32_BLOCK], lbuf[JR_F32_BLOCK], arg[JR_F32_BLOCK + XLF];
  uint16_t need[JR_F32_BLOCK / VLF];
  size_t m = 0;
  for (size_t i = 0; i < n; i += XLF) {
    xvf u = v_normal_u_f32(xi_loadu(bits + i));
    xf_storeu(ubuf + i, u);
    xvf x = xf_mul(u, xf_neg(u));
    xf_storeu(lbuf + i, v_log1p_f32_small(x));
    xmf small = v_log1p_f32_is_small(x);
    xvf a = xf_add(x, xf_set1(1.0f));
    for (int j = 0; j < JR_U; j++) {
      unsigned b = ~mf_bits(small.v[j]) & ((1u << VLF) - 1);
      need[i / VLF + (size_t)j] = (uint16_t)b;
      m += compress_f(arg + m, a.v[j], b);
    }
  }
  for (size_t k = m; k % XLF; k++)
    arg[k] = 0.5f; /* padding, unused */
  /* x + 1 from bits is a normal number in [2^-23, 1): general = 0 */
  for (size_t k = 0; k < m; k += XLF)
    xf_storeu(arg + k, v_log_f32(xf_loadu(arg + k), 0));
  size_t k = 0;
  for (size_t i = 0; i < n; i += XLF) {
    xvf l = xf_loadu(lbuf + i);
    for (int j = 0; j < JR_U; j++) {
      unsigned b = need[i / VLF + (size_t)j];
      l.v[j] = expand_f(arg + k, b, l.v[j]);
      k += (unsigned)__builtin_popcount(b);
    }
    xf_storeu(out + i,
              xf_mul(xf_set1(jr_bits_f32(JR_SQRT2_F32_BITS)),
                     v_erf_inv_f32_w(xf_loadu(ubuf + i), xf_neg(l), 0)));
  }
}

/* n bits -> n normals, in blocks of BLOCK: the block functions take whole
 * groups of LANES, so the last < LANES elements go through a zero-padded
 * group in scratch. */
#define JR_DEFINE_NORMAL_FROM_BITS(NAME, BT, T, BLOCK, LANES, BLOCK_FN)        \
  static void NAME(const BT *bits, size_t n, T *out) {                         \
    for (size_t i = 0; i < n; i += BLOCK) {                                    \
      size_t m = n - i < BLOCK ? n - i : BLOCK;                                \
      size_t full = m - m % LANES;                                             \
      if (full) BLOCK_FN(bits + i, full, out + i);                             \
      if (full < m) {                                                          \
        BT b[LANES] = {0};                                                     \
        T tmp[LANES];                                                          \
        memcpy(b, bits + i + full, (m - full) * sizeof *bits);                 \
        BLOCK_FN(b, LANES, tmp);                                               \
        memcpy(out + i + full, tmp, (m - full) * sizeof *out);                 \
      }                                                                        \
    }                                                                          \
  }
JR_DEFINE_NORMAL_FROM_BITS(k_normal_f32_from_bits, uint32_t, float,
                           JR_F32_BLOCK, XLF, normal_f32_block)
JR_DEFINE_NORMAL_FROM_BITS(k_normal_f64_from_bits, uint64_t, double,
                           JR_F64_BLOCK, XLD, normal_f64_block)

/* Hash and transform per L1-resident block rather than per register group:
 * measured 5% faster on Zen 3 (265 vs 252 M/s) than keeping the bits in
 * registers, as each of the two loops then keeps the out-of-order window
 * full of its own independent work. */
static void k_normal_f32(jr_key key, uint64_t start, size_t n, float *out) {
  uint32_t bits[JR_F32_BLOCK];
  for (size_t i = 0; i < n; i += JR_F32_BLOCK) {
    size_t m = n - i < JR_F32_BLOCK ? n - i : JR_F32_BLOCK;
    k_bits32(key, start + i, m, bits);
    k_normal_f32_from_bits(bits, m, out + i);
  }
}

static void k_normal_f64(jr_key key, uint64_t start, size_t n, double *out) {
  uint64_t bits[JR_F64_BLOCK];
  for (size_t i = 0; i < n; i += JR_F64_BLOCK) {
    size_t m = n - i < JR_F64_BLOCK ? n - i : JR_F64_BLOCK;
    k_bits64(key, start + i, m, bits);
    k_normal_f64_from_bits(bits, m, out + i);
  }
}

/* 16-bit normals over a block of at most JR_F16_BLOCK elements whose random
 * bits sit in the low half of 32-bit words (as bits32 yields them); the
 * results are narrowed to uint16 through a 32-bit buffer. */
enum { JR_F16_BLOCK = JR_F64_BLOCK };
static void normal_16_block(uint32_t *b32, size_t n, uint16_t *out, int bf) {
  uint32_t r[JR_F16_BLOCK + XLF];
  size_t pad = (n + XLF - 1) / XLF * XLF;
  for (size_t i = n; i < pad; i++)
    b32[i] = 0; /* b32 has room for it */
  for (size_t i = 0; i < pad; i += XLF) {
    xvi y = v_normal_16(xi_loadu(b32 + i), bf);
    for (int j = 0; j < JR_U; j++)
      i_storeu(r + i + (size_t)j * VLF, y.v[j]);
  }
  for (size_t i = 0; i < n; i++)
    out[i] = (uint16_t)r[i];
}

static void k_normal_f16(jr_key key, uint64_t start, size_t n, uint16_t *out) {
  uint32_t bits[JR_F16_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_F16_BLOCK) {
    size_t m = n - i < JR_F16_BLOCK ? n - i : JR_F16_BLOCK;
    k_bits32(key, start + i, m, bits);
    normal_16_block(bits, m, out + i, 0);
  }
}

static void k_normal_bf16(jr_key key, uint64_t start, size_t n, uint16_t *out) {
  uint32_t bits[JR_F16_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_F16_BLOCK) {
    size_t m = n - i < JR_F16_BLOCK ? n - i : JR_F16_BLOCK;
    k_bits32(key, start + i, m, bits);
    normal_16_block(bits, m, out + i, 1);
  }
}

static void k_normal_f16_from_bits(const uint16_t *bits, size_t n,
                                   uint16_t *out) {
  uint32_t b[JR_F16_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_F16_BLOCK) {
    size_t m = n - i < JR_F16_BLOCK ? n - i : JR_F16_BLOCK;
    for (size_t j = 0; j < m; j++)
      b[j] = bits[i + j];
    normal_16_block(b, m, out + i, 0);
  }
}

static void k_normal_bf16_from_bits(const uint8_t *bits, size_t n,
                                    uint16_t *out) {
  uint32_t b[JR_F16_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_F16_BLOCK) {
    size_t m = n - i < JR_F16_BLOCK ? n - i : JR_F16_BLOCK;
    for (size_t j = 0; j < m; j++)
      b[j] = bits[i + j];
    normal_16_block(b, m, out + i, 1);
  }
}

/* ---- uniform (spec 6) over [lo, hi): max(lo, fma(f, hi - lo, lo)) with
 * XLA's max, as generate.c's scalar loop (now kernels_ref.c). hi - lo is
 * rounded once, in scalar, as there. XLA's max returns a NaN operand: a NaN
 * lo is handled before the vector loop (every result is lo, its exact bits);
 * otherwise `r < lo ? lo : r` (ordered compare) returns r when r is NaN and
 * r for equal zeros of either sign, as the reference's `lo > r ? lo : r`. */
JR_AI xvf v_unif_f32(xvi bits, xvf lo, xvf d) {
  xvf f = xf_sub(xf_from_i(xi_or(xi_srl9(bits), xi_set1(0x3F800000u))),
                 xf_set1(1.0f));
  xvf r = xf_fma(f, d, lo);
  return xf_sel(xf_lt(r, lo), lo, r);
}

JR_AI xvd v_unif_f64(xvi bits, xvd lo, xvd d) {
  xvd f = xd_sub(
      xd_from_i(xi_or(xi_srl64_12(bits), xi_set1_64(0x3FF0000000000000ull))),
      xd_set1(1.0));
  xvd r = xd_fma(f, d, lo);
  return xd_sel(xd_lt(r, lo), lo, r);
}

static void k_uniform_f32_from_bits(const uint32_t *bits, size_t n, float lo,
                                    float hi, float *out) {
  if (lo != lo) { /* XLA max(NaN, x) is the NaN operand itself */
    for (size_t i = 0; i < n; i++)
      out[i] = lo;
    return;
  }
  const xvf vlo = xf_set1(lo), d = xf_set1(hi - lo);
  size_t i = 0;
  for (; i + XLF <= n; i += XLF)
    xf_storeu(out + i, v_unif_f32(xi_loadu(bits + i), vlo, d));
  if (i < n) {
    uint32_t b[XLF] = {0};
    float tmp[XLF];
    memcpy(b, bits + i, (n - i) * sizeof *bits);
    xf_storeu(tmp, v_unif_f32(xi_loadu(b), vlo, d));
    memcpy(out + i, tmp, (n - i) * sizeof *out);
  }
}

static void k_uniform_f64_from_bits(const uint64_t *bits, size_t n, double lo,
                                    double hi, double *out) {
  if (lo != lo) {
    for (size_t i = 0; i < n; i++)
      out[i] = lo;
    return;
  }
  const xvd vlo = xd_set1(lo), d = xd_set1(hi - lo);
  size_t i = 0;
  for (; i + XLD <= n; i += XLD)
    xd_storeu(out + i, v_unif_f64(xi_loadu(bits + i), vlo, d));
  if (i < n) {
    uint64_t b[XLD] = {0};
    double tmp[XLD];
    memcpy(b, bits + i, (n - i) * sizeof *bits);
    xd_storeu(tmp, v_unif_f64(xi_loadu(b), vlo, d));
    memcpy(out + i, tmp, (n - i) * sizeof *out);
  }
}

/* Fused: hash a block into L1, then transform it (as the
 * normals). */
enum { JR_UNIF_BLOCK = JR_F64_BLOCK }; /* whole hashing groups, as above */
static void k_uniform_f32(jr_key key, uint64_t start, size_t n, float lo,
                          float hi, float *out) {
  uint32_t bits[JR_UNIF_BLOCK];
  for (size_t i = 0; i < n; i += JR_UNIF_BLOCK) {
    size_t m = n - i < JR_UNIF_BLOCK ? n - i : JR_UNIF_BLOCK;
    k_bits32(key, start + i, m, bits);
    k_uniform_f32_from_bits(bits, m, lo, hi, out + i);
  }
}

static void k_uniform_f64(jr_key key, uint64_t start, size_t n, double lo,
                          double hi, double *out) {
  uint64_t bits[JR_UNIF_BLOCK];
  for (size_t i = 0; i < n; i += JR_UNIF_BLOCK) {
    size_t m = n - i < JR_UNIF_BLOCK ? n - i : JR_UNIF_BLOCK;
    k_bits64(key, start + i, m, bits);
    k_uniform_f64_from_bits(bits, m, lo, hi, out + i);
  }
}

/* ---- float16 / bfloat16 uniform (spec 6), as generate.c's scalar loop:
 * lo and hi arrive rounded to the dtype, d = round(hi - lo) once in scalar,
 * then per element round(fma(f, d, lo)), XLA's max with lo, and the
 * conversion. A NaN lo makes every result round(lo) (handled in scalar);
 * otherwise the ordered `r < lo ? lo : r` matches the reference's max. */
JR_AI xvi v_unif_16(xvi b, xvf lo, xvf d, int bf) {
  xvf f = xf_sub(xf_from_i(bf ? xi_bf16_one(b) : xi_f16_one(b)), xf_set1(1.0f));
  xvf r = xf_fma(f, d, lo);
  r = bf ? xf_round_bf16(r) : xf_round_f16(r);
  r = xf_sel(xf_lt(r, lo), lo, r);
  return bf ? xf_to_bf16(r) : xf_to_f16(r);
}

static void unif_16_block(uint32_t *b32, size_t n, float lo, float hi,
                          uint16_t *out, int bf) {
  if (lo != lo) {
    uint16_t v = bf ? jr_f32_to_bf16(lo) : jr_f32_to_f16(lo);
    for (size_t i = 0; i < n; i++)
      out[i] = v;
    return;
  }
  const float d = bf ? jr_bf16_to_f32(jr_f32_to_bf16(hi - lo))
                     : jr_f16_to_f32(jr_f32_to_f16(hi - lo));
  const xvf vlo = xf_set1(lo), vd = xf_set1(d);
  uint32_t r[JR_F16_BLOCK + XLF];
  size_t pad = (n + XLF - 1) / XLF * XLF;
  for (size_t i = n; i < pad; i++)
    b32[i] = 0; /* b32 has room for it */
  for (size_t i = 0; i < pad; i += XLF) {
    xvi y = v_unif_16(xi_loadu(b32 + i), vlo, vd, bf);
    for (int j = 0; j < JR_U; j++)
      i_storeu(r + i + (size_t)j * VLF, y.v[j]);
  }
  for (size_t i = 0; i < n; i++)
    out[i] = (uint16_t)r[i];
}

static void k_uniform_f16(jr_key key, uint64_t start, size_t n, float lo,
                          float hi, uint16_t *out) {
  uint32_t bits[JR_F16_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_F16_BLOCK) {
    size_t m = n - i < JR_F16_BLOCK ? n - i : JR_F16_BLOCK;
    k_bits32(key, start + i, m, bits);
    unif_16_block(bits, m, lo, hi, out + i, 0);
  }
}

static void k_uniform_bf16(jr_key key, uint64_t start, size_t n, float lo,
                           float hi, uint16_t *out) {
  uint32_t bits[JR_F16_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_F16_BLOCK) {
    size_t m = n - i < JR_F16_BLOCK ? n - i : JR_F16_BLOCK;
    k_bits32(key, start + i, m, bits);
    unif_16_block(bits, m, lo, hi, out + i, 1);
  }
}

static void k_uniform_f16_from_bits(const uint16_t *bits, size_t n, float lo,
                                    float hi, uint16_t *out) {
  uint32_t b[JR_F16_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_F16_BLOCK) {
    size_t m = n - i < JR_F16_BLOCK ? n - i : JR_F16_BLOCK;
    for (size_t j = 0; j < m; j++)
      b[j] = bits[i + j];
    unif_16_block(b, m, lo, hi, out + i, 0);
  }
}

static void k_uniform_bf16_from_bits(const uint8_t *bits, size_t n, float lo,
                                     float hi, uint16_t *out) {
  uint32_t b[JR_F16_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_F16_BLOCK) {
    size_t m = n - i < JR_F16_BLOCK ? n - i : JR_F16_BLOCK;
    for (size_t j = 0; j < m; j++)
      b[j] = bits[i + j];
    unif_16_block(b, m, lo, hi, out + i, 1);
  }
}

/* Legacy stream hashing (spec 5): y0 / y1 of threefry(key, (a + i, b + i))
 * for i < n, 32-bit counters (wrapping, as uint32_t arithmetic); either
 * output may be NULL. One hash gives a word of each half of the stream. */
static void k_legacy_pairs(jr_key key, uint32_t a, uint32_t b, size_t n,
                           uint32_t *y0out, uint32_t *y1out) {
  tf_sched s;
  tf_schedule(key, &s);
  tvi y0, y1;
  size_t i = 0;
  for (; i < n; i += XLT) {
    tf_pairs(&s, a + (uint32_t)i, b + (uint32_t)i, &y0, &y1);
    size_t m = n - i < XLT ? n - i : XLT;
    uint32_t t0[XLT], t1[XLT];
    if (m == XLT) { /* whole group: store directly */
      for (int j = 0; j < JR_UT; j++) {
        if (y0out) i_storeu(y0out + i + (size_t)j * VLF, y0.v[j]);
        if (y1out) i_storeu(y1out + i + (size_t)j * VLF, y1.v[j]);
      }
      continue;
    }
    for (int j = 0; j < JR_UT; j++) {
      i_storeu(t0 + (size_t)j * VLF, y0.v[j]);
      i_storeu(t1 + (size_t)j * VLF, y1.v[j]);
    }
    if (y0out) memcpy(y0out + i, t0, m * sizeof *t0);
    if (y1out) memcpy(y1out + i, t1, m * sizeof *t1);
  }
}

/* ---- hooks for the tests: the vector erf_inv on arbitrary inputs (the
 * kernels only ever see |u| < 1); n a multiple of 64. */
void JR_FN(erf_inv_f32)(const float *x, size_t n, float *out) {
  for (size_t i = 0; i < n; i += XLF)
    xf_storeu(out + i, v_erf_inv_f32(xf_loadu(x + i), 1));
}

void JR_FN(erf_inv_f64)(const double *x, size_t n, double *out) {
  /* Same passes as normal_f64_block, from x instead of bits. */
  double lbuf[JR_F64_BLOCK], arg[JR_F64_BLOCK + XLD], ubuf[JR_F64_BLOCK];
  uint8_t need[JR_F64_BLOCK / VLD];
  for (size_t i0 = 0; i0 < n; i0 += JR_F64_BLOCK) {
    size_t b = n - i0 < JR_F64_BLOCK ? n - i0 : JR_F64_BLOCK, m = 0, k = 0;
    for (size_t i = 0; i < b; i += XLD)
      v_normal_f64_pass_a(xd_loadu(x + i0 + i), i, ubuf, lbuf, need, arg, &m);
    jr_log_list(arg, m);
    for (size_t i = 0; i < b; i += XLD) {
      xvd l = v_log1p_merge(lbuf, arg, need, i, &k);
      xd_storeu(out + i0 + i, v_erf_inv_f64_c(xd_loadu(ubuf + i), l, 1));
    }
  }
}
