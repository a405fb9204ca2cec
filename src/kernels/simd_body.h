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
 *   I_ROTL(x, r) (r a constant) I_SRL(x, r) I_SRL64(x, r)
 *   ctr(uint64_t start, vi *hi, vi *lo): counters of start .. start+VLF-1
 *   i_loadu(p) i_storeu(p, v)
 *   store_bits64(uint64_t *out, vi y0, vi y1): 2*VLD words (y0 << 32) | y1
 *   f_set1 f_add f_sub f_mul f_div f_fma(a,b,c)=a*b+c f_sqrt f_neg f_abs
 *   f_lt f_eq f_nlt(= !(a<b)) f_nge(= !(a>=b)) f_sel(m, t, f)=m?t:f mf_any
 *   f_from_i(vi bits) f_to_i(vf) f_cvt(vi int32 -> float) f_storeu
 *   d_* the same for doubles, plus md_and, md_andnot(a,b)=a&~b, md_bits(m)
 *   (one bit per lane), d_loadu, d_storeu
 */
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

#define TF_R(x0, x1, r)                                                        \
  do {                                                                         \
    x0 = i_add(x0, x1);                                                        \
    x1 = I_ROTL(x1, r);                                                        \
    x1 = i_xor(x1, x0);                                                        \
  } while (0)
/* Two independent streams interleaved so their dependency chains overlap. */
#define TF_R2(r)                                                               \
  do {                                                                         \
    TF_R(a0, a1, r);                                                           \
    TF_R(b0, b1, r);                                                           \
  } while (0)
#define TF_INJ2(g)                                                             \
  do {                                                                         \
    a0 = i_add(a0, s->a[g]);                                                   \
    a1 = i_add(a1, s->b[g]);                                                   \
    b0 = i_add(b0, s->a[g]);                                                   \
    b1 = i_add(b1, s->b[g]);                                                   \
  } while (0)
#define TF_EVEN2(g)                                                            \
  TF_R2(13);                                                                   \
  TF_R2(15);                                                                   \
  TF_R2(26);                                                                   \
  TF_R2(6);                                                                    \
  TF_INJ2(g)
#define TF_ODD2(g)                                                             \
  TF_R2(17);                                                                   \
  TF_R2(29);                                                                   \
  TF_R2(16);                                                                   \
  TF_R2(24);                                                                   \
  TF_INJ2(g)

/* Hashes the counters of elements [start, start + 2*VLF): the first VLF into
 * (*y0a, *y1a), the next VLF into (*y0b, *y1b). */
static inline void tf_2(const tf_sched *s, uint64_t start, vi *y0a, vi *y1a,
                        vi *y0b, vi *y1b) {
  vi a0, a1, b0, b1;
  ctr(start, &a0, &a1);
  ctr(start + VLF, &b0, &b1);
  a0 = i_add(a0, s->k0);
  a1 = i_add(a1, s->k1);
  b0 = i_add(b0, s->k0);
  b1 = i_add(b1, s->k1);
  TF_EVEN2(0);
  TF_ODD2(1);
  TF_EVEN2(2);
  TF_ODD2(3);
  TF_EVEN2(4);
  *y0a = a0;
  *y1a = a1;
  *y0b = b0;
  *y1b = b1;
}

/* ---- float32: XLA's log (spec 7c), log1p (7b), erf_inv (7a) */
static inline vf v_log_f32(vf in) {
  const vf one = f_set1(1.0f);
  vf x = f_sel(f_lt(in, f_set1(0x1p-126f)), f_set1(0x1p-126f), in);
  vi b = f_to_i(x);
  vf e =
      f_add(f_cvt(i_sub(i_and(I_SRL(b, 23), i_set1(0xFF)), i_set1(127))), one);
  x = f_from_i(i_or(i_and(b, i_set1(~0x7F800000u)), i_set1(0x3F000000u)));
  mf lt = f_lt(x, f_set1(0.707106781186547524f));
  e = f_sel(lt, f_sub(e, one), e);
  x = f_sel(lt, f_add(f_sub(x, one), x), f_sub(x, one));
  vf x2 = f_mul(x, x);
  vf x3 = f_mul(x2, x);
  vf y = f_fma(x, f_set1(7.0376836292E-2f), f_set1(-1.1514610310E-1f));
  vf y1 = f_fma(x, f_set1(-1.2420140846E-1f), f_set1(1.4249322787E-1f));
  vf y2 = f_fma(x, f_set1(2.0000714765E-1f), f_set1(-2.4999993993E-1f));
  y = f_fma(y, x, f_set1(1.1676998740E-1f));
  y1 = f_fma(y1, x, f_set1(-1.6668057665E-1f));
  y2 = f_fma(y2, x, f_set1(3.3333331174E-1f));
  y = f_fma(y, x3, y1);
  y = f_fma(y, x3, y2);
  y = f_fma(y, x3, f_mul(f_set1(-2.12194440e-4f), e));
  x = f_sub(x, f_mul(f_set1(0.5f), x2));
  x = f_add(x, y);
  x = f_add(x, f_mul(f_set1(0.693359375f), e));
  /* The reference's special cases, applied last (their masks are disjoint). */
  x = f_sel(f_eq(in, f_set1(INFINITY)), f_set1(INFINITY), x);
  x = f_sel(f_nge(in, f_set1(0.0f)), f_set1(NAN), x);
  x = f_sel(f_eq(in, f_set1(0.0f)), f_set1(-INFINITY), x);
  return x;
}

static inline vf v_log1p_f32(vf x) {
  mf small = f_lt(f_abs(x), f_set1((float)0.41421356237309504880));
  vf x2 = f_mul(x, x);
  /* The reference starts from num = den = 0; its first step fma(0, x, c)
   * gives c exactly for the finite x that take this branch. */
  vf num = f_set1((float)4.5270000862445199635215E-5), den = f_set1(1.0f);
  num = f_fma(num, x, f_set1((float)4.9854102823193375972212E-1));
  den = f_fma(den, x, f_set1((float)1.5062909083469192043167E1));
  num = f_fma(num, x, f_set1((float)6.5787325942061044846969E0));
  den = f_fma(den, x, f_set1((float)8.3047565967967209469434E1));
  num = f_fma(num, x, f_set1((float)2.9911919328553073277375E1));
  den = f_fma(den, x, f_set1((float)2.2176239823732856465394E2));
  num = f_fma(num, x, f_set1((float)6.0949667980987787057556E1));
  den = f_fma(den, x, f_set1((float)3.0909872225312059774938E2));
  num = f_fma(num, x, f_set1((float)5.7112963590585538103336E1));
  den = f_fma(den, x, f_set1((float)2.1642788614495947685003E2));
  num = f_fma(num, x, f_set1((float)2.0039553499201281259648E1));
  den = f_fma(den, x, f_set1((float)6.0118660497603843919306E1));
  vf r =
      f_add(x, f_fma(f_mul(x, x2), f_div(num, den), f_mul(f_set1(-0.5f), x2)));
  vf l = v_log_f32(f_add(x, f_set1(1.0f)));
  return f_sel(small, r, l);
}

static const float jr_ei32_a[9] = {
    2.81022636e-08f,  3.43273939e-07f, -3.5233877e-06f,
    -4.39150654e-06f, 0.00021858087f,  -0.00125372503f,
    -0.00417768164f,  0.246640727f,    1.50140941f};
static const float jr_ei32_b[9] = {
    -0.000200214257f, 0.000100950558f, 0.00134934322f,
    -0.00367342844f,  0.00573950773f,  -0.0076224613f,
    0.00943887047f,   1.00167406f,     2.83297682f};

static inline vf v_erf_inv_f32(vf x) {
  vf w = f_neg(v_log1p_f32(f_mul(x, f_neg(x))));
  mf big = f_nlt(w, f_set1(5.0f)); /* w >= 5 or NaN: the reference's else */
  vf t = f_sub(w, f_set1(2.5f)), p;
  if (mf_any(big)) {
    /* Both branches share the Horner shape: select t and each coefficient
     * per lane, then run one polynomial. */
    t = f_sel(big, f_sub(f_sqrt(w), f_set1(3.0f)), t);
    p = f_sel(big, f_set1(jr_ei32_b[0]), f_set1(jr_ei32_a[0]));
    for (int i = 1; i < 9; i++)
      p = f_fma(p, t, f_sel(big, f_set1(jr_ei32_b[i]), f_set1(jr_ei32_a[i])));
  } else {
    p = f_set1(jr_ei32_a[0]);
    for (int i = 1; i < 9; i++)
      p = f_fma(p, t, f_set1(jr_ei32_a[i]));
  }
  mf one = f_eq(f_abs(x), f_set1(1.0f));
  return f_sel(one, f_mul(x, f_set1(INFINITY)), f_mul(p, x));
}

/* bits -> normal (spec 6, 7): u = fma(f, 1 - lo, lo), clamped below at lo. */
static inline vf v_normal_f32(vi bits) {
  const float lo = jr_bits_f32(0xBF7FFFFFu);
  const float span = 1.0f - lo; /* rounds to 2, as in the reference */
  vf f =
      f_sub(f_from_i(i_or(I_SRL(bits, 9), i_set1(0x3F800000u))), f_set1(1.0f));
  vf u = f_fma(f, f_set1(span), f_set1(lo));
  u = f_sel(f_lt(u, f_set1(lo)), f_set1(lo), u);
  return f_mul(f_set1(jr_bits_f32(JR_SQRT2_F32_BITS)), v_erf_inv_f32(u));
}

/* ---- float64: log1p (7b) with the C library's log (7c), erf_inv (7a).
 *
 * log1p's else branch (|x| >= sqrt(2)-1, ~36% of lanes) must return exactly
 * what the C library's log returns, and glibc's log is not correctly rounded.
 * The kernel therefore calls the C library's log itself for exactly those
 * lanes: the transform runs in three passes over a block of elements,
 *   A (vector): u, x*(-x), the rational branch, and a compact list of the
 *     lanes that need log(x*(-x) + 1) with their arguments;
 *   B (scalar): log() over that list, a predictable loop with no lane
 *     extraction per vector;
 *   C (vector): erf_inv's polynomials and the final products.
 * The result is the reference's by construction. */
enum { JR_F64_BLOCK = 256 };

static const double jr_ei64_a[23] = {
    -3.6444120640178196996e-21, -1.685059138182016589e-19,
    1.2858480715256400167e-18,  1.115787767802518096e-17,
    -1.333171662854620906e-16,  2.0972767875968561637e-17,
    6.6376381343583238325e-15,  -4.0545662729752068639e-14,
    -8.1519341976054721522e-14, 2.6335093153082322977e-12,
    -1.2975133253453532498e-11, -5.4154120542946279317e-11,
    1.051212273321532285e-09,   -4.1126339803469836976e-09,
    -2.9070369957882005086e-08, 4.2347877827932403518e-07,
    -1.3654692000834678645e-06, -1.3882523362786468719e-05,
    0.0001867342080340571352,   -0.00074070253416626697512,
    -0.0060336708714301490533,  0.24015818242558961693,
    1.6536545626831027356};
static const double jr_ei64_b[19] = {
    2.2137376921775787049e-09,  9.0756561938885390979e-08,
    -2.7517406297064545428e-07, 1.8239629214389227755e-08,
    1.5027403968909827627e-06,  -4.013867526981545969e-06,
    2.9234449089955446044e-06,  1.2475304481671778723e-05,
    -4.7318229009055733981e-05, 6.8284851459573175448e-05,
    2.4031110387097893999e-05,  -0.0003550375203628474796,
    0.00095328937973738049703,  -0.0016882755560235047313,
    0.0024914420961078508066,   -0.0037512085075692412107,
    0.005370914553590063617,    1.0052589676941592334,
    3.0838856104922207635};
static const double jr_ei64_c[17] = {
    -2.7109920616438573243e-11, -2.5556418169965252055e-10,
    1.5076572693500548083e-09,  -3.7894654401267369937e-09,
    7.6157012080783393804e-09,  -1.4960026627149240478e-08,
    2.9147953450901080826e-08,  -6.7711997758452339498e-08,
    2.2900482228026654717e-07,  -9.9298272942317002539e-07,
    4.5260625972231537039e-06,  -1.9681778105531670567e-05,
    7.5995277030017761139e-05,  -0.00021503011930044477347,
    -0.00013871931833623122026, 1.0103004648645343977,
    4.8499064014085844221};

static inline vd v_poly_f64(vd t, const double *c, int n) {
  vd p = d_set1(c[0]);
  for (int i = 1; i < n; i++)
    p = d_fma(p, t, d_set1(c[i]));
  return p;
}

/* Pass A for VLD lanes at position i of the block: stores u and the rational
 * log1p value, appends the lanes needing log() to (idx, arg, *m). */
static inline void v_normal_f64_pass_a(vd u, size_t i, double *ubuf,
                                       double *lbuf, uint16_t *idx, double *arg,
                                       size_t *m) {
  d_storeu(ubuf + i, u);
  vd x = d_mul(u, d_neg(u));
  md small = d_lt(d_abs(x), d_set1(0.41421356237309504880));
  vd x2 = d_mul(x, x);
  /* As in the float32 case, the first fma(0, x, c) of the reference is c. */
  vd num = d_set1(4.5270000862445199635215E-5), den = d_set1(1.0);
  num = d_fma(num, x, d_set1(4.9854102823193375972212E-1));
  den = d_fma(den, x, d_set1(1.5062909083469192043167E1));
  num = d_fma(num, x, d_set1(6.5787325942061044846969E0));
  den = d_fma(den, x, d_set1(8.3047565967967209469434E1));
  num = d_fma(num, x, d_set1(2.9911919328553073277375E1));
  den = d_fma(den, x, d_set1(2.2176239823732856465394E2));
  num = d_fma(num, x, d_set1(6.0949667980987787057556E1));
  den = d_fma(den, x, d_set1(3.0909872225312059774938E2));
  num = d_fma(num, x, d_set1(5.7112963590585538103336E1));
  den = d_fma(den, x, d_set1(2.1642788614495947685003E2));
  num = d_fma(num, x, d_set1(2.0039553499201281259648E1));
  den = d_fma(den, x, d_set1(6.0118660497603843919306E1));
  vd r =
      d_add(x, d_fma(d_mul(x, x2), d_div(num, den), d_mul(d_set1(-0.5), x2)));
  d_storeu(lbuf + i, r);
  unsigned need = ~md_bits(small) & ((1u << VLD) - 1);
  if (need) {
    double a[VLD];
    d_storeu(a, d_add(x, d_set1(1.0)));
    /* Branch-free append: every lane is written, only needed ones kept. */
    size_t k = *m;
    for (int l = 0; l < VLD; l++) {
      idx[k] = (uint16_t)(i + (size_t)l);
      arg[k] = a[l];
      k += (need >> l) & 1u;
    }
    *m = k;
  }
}

/* Pass C for VLD lanes: erf_inv(x) from x and l = log1p(x*(-x)). */
static inline vd v_erf_inv_f64_c(vd x, vd l) {
  vd w = d_neg(l);
  md a = d_lt(w, d_set1(6.25));
  vd p = v_poly_f64(d_sub(w, d_set1(3.125)), jr_ei64_a, 23);
  if (md_bits(a) != (1u << VLD) - 1) { /* rare: w >= 6.25 or NaN */
    vd sw = d_sqrt(w);
    md b = md_andnot(d_lt(w, d_set1(16.0)), a);
    vd pb = v_poly_f64(d_sub(sw, d_set1(3.25)), jr_ei64_b, 19);
    vd pc = v_poly_f64(d_sub(sw, d_set1(5.0)), jr_ei64_c, 17);
    p = d_sel(a, p, d_sel(b, pb, pc));
  }
  md one = d_eq(d_abs(x), d_set1(1.0));
  return d_sel(one, d_mul(x, d_set1(INFINITY)), d_mul(p, x));
}

static inline vd v_normal_f64_pass_c(vd u, vd l) {
  return d_mul(d_set1(jr_bits_f64(JR_SQRT2_F64_BITS)), v_erf_inv_f64_c(u, l));
}

static inline vd v_uniform_f64(vi bits) {
  const double lo = jr_bits_f64(0xBFEFFFFFFFFFFFFFull);
  const double span = 1.0 - lo; /* rounds to 2, as in the reference */
  vd f =
      d_sub(d_from_i(i_or(I_SRL64(bits, 12), i_set1_64(0x3FF0000000000000ull))),
            d_set1(1.0));
  vd u = d_fma(f, d_set1(span), d_set1(lo));
  return d_sel(d_lt(u, d_set1(lo)), d_set1(lo), u);
}

/* n <= JR_F64_BLOCK bits (a multiple of VLD) -> n normals. */
static void normal_f64_block(const uint64_t *bits, size_t n, double *out) {
  double ubuf[JR_F64_BLOCK], lbuf[JR_F64_BLOCK], arg[JR_F64_BLOCK + VLD];
  uint16_t idx[JR_F64_BLOCK + VLD];
  size_t m = 0;
  for (size_t i = 0; i < n; i += VLD)
    v_normal_f64_pass_a(v_uniform_f64(i_loadu(bits + i)), i, ubuf, lbuf, idx,
                        arg, &m);
  for (size_t k = 0; k < m; k++)
    lbuf[idx[k]] = log(arg[k]);
  for (size_t i = 0; i < n; i += VLD)
    d_storeu(out + i,
             v_normal_f64_pass_c(d_loadu(ubuf + i), d_loadu(lbuf + i)));
}

/* ---- the kernels */
static void k_bits32(jr_key key, uint64_t start, size_t n, uint32_t *out) {
  tf_sched s;
  tf_schedule(key, &s);
  size_t i = 0;
  vi y0a, y1a, y0b, y1b;
  for (; i + 2 * VLF <= n; i += 2 * VLF) {
    tf_2(&s, start + i, &y0a, &y1a, &y0b, &y1b);
    i_storeu(out + i, i_xor(y0a, y1a));
    i_storeu(out + i + VLF, i_xor(y0b, y1b));
  }
  if (i < n) {
    uint32_t tmp[2 * VLF];
    tf_2(&s, start + i, &y0a, &y1a, &y0b, &y1b);
    i_storeu(tmp, i_xor(y0a, y1a));
    i_storeu(tmp + VLF, i_xor(y0b, y1b));
    memcpy(out + i, tmp, (n - i) * sizeof *out);
  }
}

static void k_bits64(jr_key key, uint64_t start, size_t n, uint64_t *out) {
  tf_sched s;
  tf_schedule(key, &s);
  size_t i = 0;
  vi y0a, y1a, y0b, y1b;
  for (; i + 2 * VLF <= n; i += 2 * VLF) {
    tf_2(&s, start + i, &y0a, &y1a, &y0b, &y1b);
    store_bits64(out + i, y0a, y1a);
    store_bits64(out + i + VLF, y0b, y1b);
  }
  if (i < n) {
    uint64_t tmp[2 * VLF];
    tf_2(&s, start + i, &y0a, &y1a, &y0b, &y1b);
    store_bits64(tmp, y0a, y1a);
    store_bits64(tmp + VLF, y0b, y1b);
    memcpy(out + i, tmp, (n - i) * sizeof *out);
  }
}

static void k_normal_f32(jr_key key, uint64_t start, size_t n, float *out) {
  tf_sched s;
  tf_schedule(key, &s);
  size_t i = 0;
  vi y0a, y1a, y0b, y1b;
  for (; i + 2 * VLF <= n; i += 2 * VLF) {
    tf_2(&s, start + i, &y0a, &y1a, &y0b, &y1b);
    f_storeu(out + i, v_normal_f32(i_xor(y0a, y1a)));
    f_storeu(out + i + VLF, v_normal_f32(i_xor(y0b, y1b)));
  }
  if (i < n) {
    float tmp[2 * VLF];
    tf_2(&s, start + i, &y0a, &y1a, &y0b, &y1b);
    f_storeu(tmp, v_normal_f32(i_xor(y0a, y1a)));
    if (n - i > VLF) f_storeu(tmp + VLF, v_normal_f32(i_xor(y0b, y1b)));
    memcpy(out + i, tmp, (n - i) * sizeof *out);
  }
}

static void k_normal_f32_from_bits(const uint32_t *bits, size_t n, float *out) {
  size_t i = 0;
  for (; i + VLF <= n; i += VLF)
    f_storeu(out + i, v_normal_f32(i_loadu(bits + i)));
  if (i < n) {
    uint32_t b[VLF] = {0};
    float tmp[VLF];
    memcpy(b, bits + i, (n - i) * sizeof *bits);
    f_storeu(tmp, v_normal_f32(i_loadu(b)));
    memcpy(out + i, tmp, (n - i) * sizeof *out);
  }
}

static void k_normal_f64_from_bits(const uint64_t *bits, size_t n,
                                   double *out) {
  for (size_t i = 0; i < n; i += JR_F64_BLOCK) {
    size_t m = n - i < JR_F64_BLOCK ? n - i : JR_F64_BLOCK;
    size_t full = m - m % VLD;
    if (full) normal_f64_block(bits + i, full, out + i);
    if (full < m) { /* the last < VLD elements, padded */
      uint64_t b[VLD] = {0};
      double tmp[VLD];
      memcpy(b, bits + i + full, (m - full) * sizeof *bits);
      normal_f64_block(b, VLD, tmp);
      memcpy(out + i + full, tmp, (m - full) * sizeof *out);
    }
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

/* ---- hooks for the tests: the vector erf_inv on arbitrary inputs (the
 * kernels only ever see |u| < 1), n a multiple of the lane count. */
void JR_FN(erf_inv_f32)(const float *x, size_t n, float *out) {
  for (size_t i = 0; i < n; i += VLF)
    f_storeu(out + i, v_erf_inv_f32(f_loadu(x + i)));
}

void JR_FN(erf_inv_f64)(const double *x, size_t n, double *out) {
  /* Same passes as normal_f64_block, from x instead of bits. */
  double lbuf[JR_F64_BLOCK], arg[JR_F64_BLOCK + VLD], ubuf[JR_F64_BLOCK];
  uint16_t idx[JR_F64_BLOCK + VLD];
  for (size_t i0 = 0; i0 < n; i0 += JR_F64_BLOCK) {
    size_t b = n - i0 < JR_F64_BLOCK ? n - i0 : JR_F64_BLOCK, m = 0;
    for (size_t i = 0; i < b; i += VLD)
      v_normal_f64_pass_a(d_loadu(x + i0 + i), i, ubuf, lbuf, idx, arg, &m);
    for (size_t k = 0; k < m; k++)
      lbuf[idx[k]] = log(arg[k]);
    for (size_t i = 0; i < b; i += VLD)
      d_storeu(out + i0 + i,
               v_erf_inv_f64_c(d_loadu(ubuf + i), d_loadu(lbuf + i)));
  }
}
