/* AVX-512 (F, DQ, VL) + FMA kernels: 16 float32 / 8 float64 lanes. Compiled
 * with -mavx512f -mavx512dq -mavx512vl -mfma (this file only) and selected
 * at run time. The algorithm is simd_body.h, shared with the AVX2 kernels
 * (which the test suite runs wherever AVX2 exists); this file supplies the
 * vector primitives. On CPUs without AVX-512 (the development machine) it
 * runs only in the test-only emulated build (-DJR_EMULATE_AVX512=ON: SIMDe,
 * avx512_simde.h). The dispatcher's self-check compares it with the
 * reference before first use and falls back to AVX2 if any byte differs. */
#if defined(JR_EMULATE_AVX512)
#include "kernels/avx512_simde.h" /* test only: SIMDe emulates AVX-512 */
#else
#include <immintrin.h>
#endif
#include <math.h>
#include <string.h>

#include "internal.h"
#include "kernels/kernels_simd.h"
#include "kernels/log_table.h"
#include "linalg/chol.h"
#include "linalg/linalg_kernels.h"

#define JR_SIMD_PREFIX avx512
#define VLF 16
#define VLD 8

typedef __m512i vi;
typedef __m512 vf;
typedef __m512d vd;
typedef __mmask16 mf;
typedef __mmask8 md;

static inline vi i_set1(uint32_t x) {
  return _mm512_set1_epi32((int)x);
}
static inline vi i_set1_64(uint64_t x) {
  return _mm512_set1_epi64((long long)x);
}
static inline vi i_add(vi a, vi b) {
  return _mm512_add_epi32(a, b);
}
static inline vi i_sub(vi a, vi b) {
  return _mm512_sub_epi32(a, b);
}
static inline vi i_xor(vi a, vi b) {
  return _mm512_xor_si512(a, b);
}
static inline vi i_or(vi a, vi b) {
  return _mm512_or_si512(a, b);
}
static inline vi i_and(vi a, vi b) {
  return _mm512_and_si512(a, b);
}
static inline vi i_loadu(const void *p) {
  return _mm512_loadu_si512(p);
}
static inline void i_storeu(void *p, vi v) {
  _mm512_storeu_si512(p, v);
}
#define I_SRL(x, r) _mm512_srli_epi32(x, r)
#define I_SLL(x, r) _mm512_slli_epi32(x, r)
#define I_SRL64(x, r) _mm512_srli_epi64(x, r)
#define I_ROTL(x, r) _mm512_rol_epi32(x, r) /* one instruction here */

/* Counters (i >> 32, i) of elements start .. start+15; lanes whose low word
 * wrapped carry into the high word. */
static inline void ctr(uint64_t start, vi *hi, vi *lo) {
  vi b = i_set1((uint32_t)start);
  vi l = _mm512_add_epi32(b, _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                               11, 12, 13, 14, 15));
  __mmask16 carry = _mm512_cmplt_epu32_mask(l, b);
  vi h = i_set1((uint32_t)(start >> 32));
  *hi = _mm512_mask_add_epi32(h, carry, h, i_set1(1));
  *lo = l;
}

/* Words (y0 << 32) | y1 of 16 lanes, in lane order. */
static inline void store_bits64(uint64_t *out, vi y0, vi y1) {
  vi a = _mm512_unpacklo_epi32(y1, y0); /* elements 0 1 | 4 5 | 8 9 | 12 13 */
  vi b = _mm512_unpackhi_epi32(y1, y0); /* elements 2 3 | 6 7 | ... */
  const vi lo = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
  const vi hi = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
  i_storeu(out, _mm512_permutex2var_epi64(a, lo, b));
  i_storeu(out + 8, _mm512_permutex2var_epi64(a, hi, b));
}

static inline vf f_set1(float x) {
  return _mm512_set1_ps(x);
}
static inline vf f_add(vf a, vf b) {
  return _mm512_add_ps(a, b);
}
static inline vf f_sub(vf a, vf b) {
  return _mm512_sub_ps(a, b);
}
static inline vf f_mul(vf a, vf b) {
  return _mm512_mul_ps(a, b);
}
static inline vf f_div(vf a, vf b) {
  return _mm512_div_ps(a, b);
}
static inline vf f_fma(vf a, vf b, vf c) {
  return _mm512_fmadd_ps(a, b, c);
}
static inline vf f_sqrt(vf a) {
  return _mm512_sqrt_ps(a);
}
static inline vf f_neg(vf a) {
  return _mm512_xor_ps(a, _mm512_set1_ps(-0.0f));
}
static inline vf f_abs(vf a) {
  return _mm512_andnot_ps(_mm512_set1_ps(-0.0f), a);
}
static inline mf f_lt(vf a, vf b) {
  return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ);
}
static inline mf f_eq(vf a, vf b) {
  return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ);
}
static inline mf f_nlt(vf a, vf b) {
  return _mm512_cmp_ps_mask(a, b, _CMP_NLT_UQ);
}
static inline mf f_nge(vf a, vf b) {
  return _mm512_cmp_ps_mask(a, b, _CMP_NGE_UQ);
}
static inline vf f_sel(mf m, vf t, vf f) {
  return _mm512_mask_blend_ps(m, f, t);
}
static inline int mf_any(mf m) {
  return m != 0;
}
static inline vf f_from_i(vi a) {
  return _mm512_castsi512_ps(a);
}
static inline vi f_to_i(vf a) {
  return _mm512_castps_si512(a);
}
static inline vf f_cvt(vi a) {
  return _mm512_cvtepi32_ps(a);
}
static inline vf f_loadu(const float *p) {
  return _mm512_loadu_ps(p);
}
static inline void f_storeu(float *p, vf v) {
  _mm512_storeu_ps(p, v);
}

static inline vd d_set1(double x) {
  return _mm512_set1_pd(x);
}
static inline vd d_add(vd a, vd b) {
  return _mm512_add_pd(a, b);
}
static inline vd d_sub(vd a, vd b) {
  return _mm512_sub_pd(a, b);
}
static inline vd d_mul(vd a, vd b) {
  return _mm512_mul_pd(a, b);
}
static inline vd d_div(vd a, vd b) {
  return _mm512_div_pd(a, b);
}
static inline vd d_fma(vd a, vd b, vd c) {
  return _mm512_fmadd_pd(a, b, c);
}
static inline vd d_sqrt(vd a) {
  return _mm512_sqrt_pd(a);
}
static inline vd d_neg(vd a) {
  return _mm512_xor_pd(a, _mm512_set1_pd(-0.0));
}
static inline vd d_abs(vd a) {
  return _mm512_andnot_pd(_mm512_set1_pd(-0.0), a);
}
static inline md d_lt(vd a, vd b) {
  return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ);
}
static inline md d_eq(vd a, vd b) {
  return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ);
}
static inline vd d_sel(md m, vd t, vd f) {
  return _mm512_mask_blend_pd(m, f, t);
}
static inline md md_andnot(md a, md b) {
  return (md)(a & ~b);
}
static inline unsigned md_bits(md m) {
  return (unsigned)m;
}
static inline vd d_from_i(vi a) {
  return _mm512_castsi512_pd(a);
}
static inline vi d_to_i(vd a) {
  return _mm512_castpd_si512(a);
}
static inline md md_or(md a, md b) {
  return (md)(a | b);
}
static inline md d_nlt(vd a, vd b) {
  return _mm512_cmp_pd_mask(a, b, _CMP_NLT_UQ);
}
static inline md d_gt(vd a, vd b) {
  return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ);
}
/* Rows j of jr_log_tab (inv, hi, lo, 0) for 8 lanes: three gathers. */
static inline void d_table(vi j, vd *inv, vd *hi, vd *lo) {
  const double *t = &jr_log_tab[0][0];
  vi at = _mm512_slli_epi64(j, 2);
  *inv = _mm512_i64gather_pd(at, t, 8);
  *hi = _mm512_i64gather_pd(_mm512_add_epi64(at, _mm512_set1_epi64(1)), t, 8);
  *lo = _mm512_i64gather_pd(_mm512_add_epi64(at, _mm512_set1_epi64(2)), t, 8);
}
static inline vd d_loadu(const double *p) {
  return _mm512_loadu_pd(p);
}
static inline void d_storeu(double *p, vd v) {
  _mm512_storeu_pd(p, v);
}

/* Compress and expand in registers, then plain stores: the compressing
 * store to memory (vcompresspd m512{k}) is microcoded and slow on AMD Zen 4
 * (llvm/llvm-project#133568). Merge-masking with the source itself avoids
 * the zero-masking forms' false dependency on the destination register
 * reported for Zen 4 and 5 (llvm/llvm-project#206849). Entries past the
 * selected ones are written with unspecified values; callers leave room. */

static inline unsigned mf_bits(mf m) {
  return (unsigned)m;
}
/* float32: the same contracts as compress_v / expand_d below (16 lanes). */
static inline unsigned compress_f(float *arg, vf a, unsigned mask) {
  _mm512_storeu_ps(arg, _mm512_mask_compress_ps(a, (__mmask16)mask, a));
  return (unsigned)__builtin_popcount(mask);
}
static inline vf expand_f(const float *list, unsigned mask, vf other) {
  return _mm512_mask_expand_ps(other, (__mmask16)mask, _mm512_loadu_ps(list));
}
/* The lanes of `a` selected by `mask` contiguously at arg (writes 8
 * entries); returns how many. */
static inline unsigned compress_v(double *arg, vd a, unsigned mask) {
  _mm512_storeu_pd(arg, _mm512_mask_compress_pd(a, (__mmask8)mask, a));
  return (unsigned)__builtin_popcount(mask);
}
/* The same, and their indices base + lane at idx (8 entries). */
static inline unsigned compress_d(double *arg, uint32_t *idx, vd a,
                                  uint32_t base, unsigned mask) {
  __mmask8 k = (__mmask8)mask;
  __m256i ix = _mm256_add_epi32(_mm256_set1_epi32((int)base),
                                _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  _mm256_storeu_si256((__m256i *)idx, _mm256_mask_compress_epi32(ix, k, ix));
  return compress_v(arg, a, mask);
}
/* The inverse: lane l takes the next entry of `list` where bit l of `mask`
 * is set, `other` elsewhere (reads 8 entries). */
static inline vd expand_d(const double *list, unsigned mask, vd other) {
  return _mm512_mask_expand_pd(other, (__mmask8)mask, _mm512_loadu_pd(list));
}

#include "kernels/simd_body.h"

/* The linear algebra's entries (src/linalg/linalg_avx512.c). The small
 * product of n <= 16 fills at most four 256-bit vectors: the AVX2 one serves
 * both sets (generation, not the product, is the cost there). */
#define k_chol_f32 jr_avx512_chol_f32
#define k_chol_f64 jr_avx512_chol_f64
#define k_chol_batch_f32 jr_avx512_chol_batch_f32
#define k_chol_batch_f64 jr_avx512_chol_batch_f64
#define k_product jr_avx512_product
#define k_solve jr_avx512_solve
#define k_product_small jr_transform_rows_avx2

#define JR_KERNEL_IMPL(name) k_##name
const jr_kernels jr_kernels_avx512 = JR_KERNEL_TABLE(JR_ISA_AVX512);
