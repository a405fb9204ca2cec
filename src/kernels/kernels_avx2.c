/* AVX2 + FMA kernels: 8 float32 / 4 float64 lanes. Compiled with
 * -mavx2 -mfma (this file only) and selected at run time; the algorithm is
 * in simd_body.h, this file supplies the vector primitives. */
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "internal.h"
#include "kernels/kernels_simd.h"
#include "kernels/lane_tables.h"
#include "kernels/log_table.h"
#include "linalg/chol.h"
#include "linalg/linalg_kernels.h"

#define JR_SIMD_PREFIX avx2
#define VLF 8
#define VLD 4

typedef __m256i vi;
typedef __m256 vf;
typedef __m256d vd;
typedef __m256 mf; /* all-ones / all-zeros lanes */
typedef __m256d md;

static inline vi i_set1(uint32_t x) {
  return _mm256_set1_epi32((int)x);
}
static inline vi i_set1_64(uint64_t x) {
  return _mm256_set1_epi64x((long long)x);
}
static inline vi i_add(vi a, vi b) {
  return _mm256_add_epi32(a, b);
}
static inline vi i_sub(vi a, vi b) {
  return _mm256_sub_epi32(a, b);
}
static inline vi i_xor(vi a, vi b) {
  return _mm256_xor_si256(a, b);
}
static inline vi i_or(vi a, vi b) {
  return _mm256_or_si256(a, b);
}
static inline vi i_and(vi a, vi b) {
  return _mm256_and_si256(a, b);
}
static inline vi i_loadu(const void *p) {
  return _mm256_loadu_si256((const __m256i *)p);
}
static inline void i_storeu(void *p, vi v) {
  _mm256_storeu_si256((__m256i *)p, v);
}
#define I_SRL(x, r) _mm256_srli_epi32(x, r)
#define I_SLL(x, r) _mm256_slli_epi32(x, r)
#define I_SRL64(x, r) _mm256_srli_epi64(x, r)
/* No vector rotate in AVX2: shifts and or, except rotations by whole bytes,
 * which are one byte shuffle. */
static inline vi i_rot16(vi x) {
  return _mm256_shuffle_epi8(x, _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11,
                                                 8, 9, 14, 15, 12, 13, 2, 3, 0,
                                                 1, 6, 7, 4, 5, 10, 11, 8, 9,
                                                 14, 15, 12, 13));
}
static inline vi i_rot24(vi x) {
  return _mm256_shuffle_epi8(x, _mm256_setr_epi8(1, 2, 3, 0, 5, 6, 7, 4, 9, 10,
                                                 11, 8, 13, 14, 15, 12, 1, 2, 3,
                                                 0, 5, 6, 7, 4, 9, 10, 11, 8,
                                                 13, 14, 15, 12));
}
#define I_ROTL(x, r)                                                           \
  ((r) == 16   ? i_rot16(x)                                                    \
   : (r) == 24 ? i_rot24(x)                                                    \
               : _mm256_or_si256(_mm256_slli_epi32(x, r),                      \
                                 _mm256_srli_epi32(x, 32 - (r))))

/* Counters (i >> 32, i) of elements start .. start+7: the low word wraps
 * inside the vector when start's low word is above 2^32 - 8, and those lanes
 * carry into the high word. */
static inline void ctr(uint64_t start, vi *hi, vi *lo) {
  const vi sign = _mm256_set1_epi32((int)0x80000000u);
  vi b = i_set1((uint32_t)start);
  vi l = _mm256_add_epi32(b, _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  /* unsigned l < b, via a signed compare of sign-flipped values: -1 or 0 */
  vi carry = _mm256_cmpgt_epi32(i_xor(b, sign), i_xor(l, sign));
  *hi = _mm256_sub_epi32(i_set1((uint32_t)(start >> 32)), carry);
  *lo = l;
}

/* Words (y0 << 32) | y1 of 8 lanes, in lane order. */
static inline void store_bits64(uint64_t *out, vi y0, vi y1) {
  vi a = _mm256_unpacklo_epi32(y1, y0); /* elements 0 1 | 4 5 */
  vi b = _mm256_unpackhi_epi32(y1, y0); /* elements 2 3 | 6 7 */
  i_storeu(out, _mm256_permute2x128_si256(a, b, 0x20));
  i_storeu(out + 4, _mm256_permute2x128_si256(a, b, 0x31));
}

static inline vf f_set1(float x) {
  return _mm256_set1_ps(x);
}
static inline vf f_add(vf a, vf b) {
  return _mm256_add_ps(a, b);
}
static inline vf f_sub(vf a, vf b) {
  return _mm256_sub_ps(a, b);
}
static inline vf f_mul(vf a, vf b) {
  return _mm256_mul_ps(a, b);
}
static inline vf f_div(vf a, vf b) {
  return _mm256_div_ps(a, b);
}
static inline vf f_fma(vf a, vf b, vf c) {
  return _mm256_fmadd_ps(a, b, c);
}
static inline vf f_sqrt(vf a) {
  return _mm256_sqrt_ps(a);
}
static inline vf f_neg(vf a) {
  return _mm256_xor_ps(a, _mm256_set1_ps(-0.0f));
}
static inline vf f_abs(vf a) {
  return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a);
}
static inline mf f_lt(vf a, vf b) {
  return _mm256_cmp_ps(a, b, _CMP_LT_OQ);
}
static inline mf f_eq(vf a, vf b) {
  return _mm256_cmp_ps(a, b, _CMP_EQ_OQ);
}
static inline mf f_nlt(vf a, vf b) {
  return _mm256_cmp_ps(a, b, _CMP_NLT_UQ);
}
static inline mf f_nge(vf a, vf b) {
  return _mm256_cmp_ps(a, b, _CMP_NGE_UQ);
}
static inline vf f_sel(mf m, vf t, vf f) {
  return _mm256_blendv_ps(f, t, m);
}
static inline int mf_any(mf m) {
  return _mm256_movemask_ps(m) != 0;
}
static inline vf f_from_i(vi a) {
  return _mm256_castsi256_ps(a);
}
static inline vi f_to_i(vf a) {
  return _mm256_castps_si256(a);
}
static inline vf f_cvt(vi a) {
  return _mm256_cvtepi32_ps(a);
}
static inline vf f_loadu(const float *p) {
  return _mm256_loadu_ps(p);
}
static inline void f_storeu(float *p, vf v) {
  _mm256_storeu_ps(p, v);
}

static inline vd d_set1(double x) {
  return _mm256_set1_pd(x);
}
static inline vd d_add(vd a, vd b) {
  return _mm256_add_pd(a, b);
}
static inline vd d_sub(vd a, vd b) {
  return _mm256_sub_pd(a, b);
}
static inline vd d_mul(vd a, vd b) {
  return _mm256_mul_pd(a, b);
}
static inline vd d_div(vd a, vd b) {
  return _mm256_div_pd(a, b);
}
static inline vd d_fma(vd a, vd b, vd c) {
  return _mm256_fmadd_pd(a, b, c);
}
static inline vd d_sqrt(vd a) {
  return _mm256_sqrt_pd(a);
}
static inline vd d_neg(vd a) {
  return _mm256_xor_pd(a, _mm256_set1_pd(-0.0));
}
static inline vd d_abs(vd a) {
  return _mm256_andnot_pd(_mm256_set1_pd(-0.0), a);
}
static inline md d_lt(vd a, vd b) {
  return _mm256_cmp_pd(a, b, _CMP_LT_OQ);
}
static inline md d_eq(vd a, vd b) {
  return _mm256_cmp_pd(a, b, _CMP_EQ_OQ);
}
static inline vd d_sel(md m, vd t, vd f) {
  return _mm256_blendv_pd(f, t, m);
}
static inline md md_andnot(md a, md b) {
  return _mm256_andnot_pd(b, a);
}
static inline unsigned md_bits(md m) {
  return (unsigned)_mm256_movemask_pd(m);
}
static inline vd d_from_i(vi a) {
  return _mm256_castsi256_pd(a);
}
static inline vi d_to_i(vd a) {
  return _mm256_castpd_si256(a);
}
static inline md md_or(md a, md b) {
  return _mm256_or_pd(a, b);
}
static inline md d_nlt(vd a, vd b) {
  return _mm256_cmp_pd(a, b, _CMP_NLT_UQ);
}
static inline md d_gt(vd a, vd b) {
  return _mm256_cmp_pd(a, b, _CMP_GT_OQ);
}
/* Rows j of jr_log_tab (inv, hi, lo, 0) for 4 lanes: four row loads and a
 * 4x4 transpose (cheaper than three gathers on AMD). */
static inline void d_table(vi j, vd *inv, vd *hi, vd *lo) {
  int64_t jj[4];
  _mm256_storeu_si256((__m256i *)jj, j);
  __m256d r0 = _mm256_load_pd(jr_log_tab[jj[0]]);
  __m256d r1 = _mm256_load_pd(jr_log_tab[jj[1]]);
  __m256d r2 = _mm256_load_pd(jr_log_tab[jj[2]]);
  __m256d r3 = _mm256_load_pd(jr_log_tab[jj[3]]);
  __m256d t0 = _mm256_unpacklo_pd(r0, r1); /* inv0 inv1 | lo0 lo1 */
  __m256d t1 = _mm256_unpackhi_pd(r0, r1); /* hi0 hi1 | 0 0 */
  __m256d t2 = _mm256_unpacklo_pd(r2, r3);
  __m256d t3 = _mm256_unpackhi_pd(r2, r3);
  *inv = _mm256_permute2f128_pd(t0, t2, 0x20);
  *lo = _mm256_permute2f128_pd(t0, t2, 0x31);
  *hi = _mm256_permute2f128_pd(t1, t3, 0x20);
}
static inline vd d_loadu(const double *p) {
  return _mm256_loadu_pd(p);
}
static inline void d_storeu(double *p, vd v) {
  _mm256_storeu_pd(p, v);
}

/* Lane compress and expand by a lane mask (AVX2 has no such instruction):
 * a permutation from the tables of lane_tables.h (generated by
 * tests/kernels/gen_lane_tables.py), one vpermps, and for expand a blend.
 * Entries past the selected ones are written with unspecified values (or
 * read and ignored); callers leave room. */

/* The lanes of `a` selected by `mask` (4 bits) contiguously at arg (writes
 * 4 entries); returns how many. */
static inline unsigned compress_v(double *arg, vd a, unsigned mask) {
  __m256i pd = _mm256_load_si256((const __m256i *)jr_compress4d[mask]);
  _mm256_storeu_pd(
      arg, _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(a), pd)));
  return (unsigned)__builtin_popcount(mask);
}
/* The same, and their indices base + lane at idx (4 entries). */
static inline unsigned compress_d(double *arg, uint32_t *idx, vd a,
                                  uint32_t base, unsigned mask) {
  __m128i pi = _mm_load_si128((const __m128i *)jr_compress4i[mask]);
  __m128i ix =
      _mm_add_epi32(_mm_set1_epi32((int)base), _mm_setr_epi32(0, 1, 2, 3));
  _mm_storeu_si128((__m128i *)idx, _mm_castps_si128(_mm_permutevar_ps(
                                       _mm_castsi128_ps(ix), pi)));
  return compress_v(arg, a, mask);
}
/* The inverse of compress_v: lane l takes the next entry of `list` where bit
 * l of `mask` is set and keeps `other` elsewhere (reads 4 entries). */
static inline vd expand_d(const double *list, unsigned mask, vd other) {
  __m256i pd = _mm256_load_si256((const __m256i *)jr_expand4d[mask]);
  vd e = _mm256_castps_pd(
      _mm256_permutevar8x32_ps(_mm256_loadu_ps((const float *)list), pd));
  /* bit l of mask into the sign bit of lane l, which blendv reads */
  __m256i sel = _mm256_sllv_epi64(_mm256_set1_epi64x((long long)mask),
                                  _mm256_setr_epi64x(63, 62, 61, 60));
  return _mm256_blendv_pd(other, e, _mm256_castsi256_pd(sel));
}

static inline unsigned mf_bits(mf m) {
  return (unsigned)_mm256_movemask_ps(m);
}
/* float32, an 8-bit mask: the same contracts (8 entries). */
static inline unsigned compress_f(float *arg, vf a, unsigned mask) {
  __m256i p = _mm256_cvtepu8_epi32(
      _mm_loadl_epi64((const __m128i *)jr_compress8[mask]));
  _mm256_storeu_ps(arg, _mm256_permutevar8x32_ps(a, p));
  return (unsigned)__builtin_popcount(mask);
}
static inline vf expand_f(const float *list, unsigned mask, vf other) {
  __m256i p =
      _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)jr_expand8[mask]));
  vf e = _mm256_permutevar8x32_ps(_mm256_loadu_ps(list), p);
  __m256i sel =
      _mm256_sllv_epi32(_mm256_set1_epi32((int)mask),
                        _mm256_setr_epi32(31, 30, 29, 28, 27, 26, 25, 24));
  return _mm256_blendv_ps(other, e, _mm256_castsi256_ps(sel));
}

/* Four vectors per group here (the body's default is two): the float16,
 * bfloat16 and float32 normals run faster, the rest the same within noise
 * (docs/kernels.md). */
#define JR_U 4
/* Six vectors hashed at a time (the body's default is three): the threefry
 * rounds' add -> rotate -> xor chain is latency bound with fewer
 * (docs/kernels.md). */
#define JR_UT 6
#include "kernels/simd_body.h"

/* The linear algebra's entries (src/linalg/linalg_avx2.c). The small
 * product of n <= 16 fills at most four 256-bit vectors: the AVX2 one serves
 * both sets (generation, not the product, is the cost there). */
#define k_chol_f32 jr_avx2_chol_f32
#define k_chol_f64 jr_avx2_chol_f64
#define k_chol_batch_f32 jr_avx2_chol_batch_f32
#define k_chol_batch_f64 jr_avx2_chol_batch_f64
#define k_product jr_avx2_product
#define k_solve jr_avx2_solve
#define k_product_small jr_transform_rows_avx2

#define JR_KERNEL_IMPL(name) k_##name
const jr_kernels jr_kernels_avx2 = JR_KERNEL_TABLE(JR_ISA_AVX2);
