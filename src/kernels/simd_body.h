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
 * The body is split by concern, included in this order: simd_group.h (groups
 * of vectors), simd_threefry.h, simd_f32.h (float32 log, log1p, erf_inv),
 * simd_half.h (float16 / bfloat16), simd_log_f64.h (the float64 log),
 * simd_f64.h (the float64 normal's passes), simd_kernels.h (the table's
 * kernels and test hooks).
 *
 * Primitives the including file provides (static inline; checked below, so
 * a missing one or one with another signature stops the build here with its
 * name):
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

#ifndef JR_SIMD_BODY
#define JR_SIMD_BODY

#include "math/xla_constants.h" /* erf_inv coefficients, shared with ref */
#if !defined(JR_SIMD_PREFIX) || !defined(VLF) || !defined(VLD)
#error "define JR_SIMD_PREFIX, VLF, VLD and the primitives before simd_body.h"
#endif
#if !defined(I_ROTL) || !defined(I_SRL) || !defined(I_SLL) || !defined(I_SRL64)
#error "the ISA file must define the macros I_ROTL, I_SRL, I_SLL, I_SRL64"
#endif

/* Each primitive must exist with exactly this type: an undeclared one is an
 * error on its line here, another signature fails the assertion. */
#define JR_PRIM(fn, R, ...)                                                    \
  _Static_assert(_Generic(&fn, R(*)(__VA_ARGS__) : 1, default : 0),            \
                 "ISA primitive " #fn " must be " #R " " #fn "(" #__VA_ARGS__  \
                 ")");
JR_PRIM(i_set1, vi, uint32_t)
JR_PRIM(i_set1_64, vi, uint64_t)
JR_PRIM(i_add, vi, vi, vi)
JR_PRIM(i_sub, vi, vi, vi)
JR_PRIM(i_xor, vi, vi, vi)
JR_PRIM(i_or, vi, vi, vi)
JR_PRIM(i_and, vi, vi, vi)
JR_PRIM(i_loadu, vi, const void *)
JR_PRIM(i_storeu, void, void *, vi)
JR_PRIM(ctr, void, uint64_t, vi *, vi *)
JR_PRIM(store_bits64, void, uint64_t *, vi, vi)
JR_PRIM(f_set1, vf, float)
JR_PRIM(f_add, vf, vf, vf)
JR_PRIM(f_sub, vf, vf, vf)
JR_PRIM(f_mul, vf, vf, vf)
JR_PRIM(f_div, vf, vf, vf)
JR_PRIM(f_fma, vf, vf, vf, vf)
JR_PRIM(f_sqrt, vf, vf)
JR_PRIM(f_neg, vf, vf)
JR_PRIM(f_abs, vf, vf)
JR_PRIM(f_lt, mf, vf, vf)
JR_PRIM(f_eq, mf, vf, vf)
JR_PRIM(f_nlt, mf, vf, vf)
JR_PRIM(f_nge, mf, vf, vf)
JR_PRIM(f_sel, vf, mf, vf, vf)
JR_PRIM(mf_any, int, mf)
JR_PRIM(mf_bits, unsigned, mf)
JR_PRIM(f_from_i, vf, vi)
JR_PRIM(f_to_i, vi, vf)
JR_PRIM(f_cvt, vf, vi)
JR_PRIM(f_loadu, vf, const float *)
JR_PRIM(f_storeu, void, float *, vf)
JR_PRIM(compress_f, unsigned, float *, vf, unsigned)
JR_PRIM(expand_f, vf, const float *, unsigned, vf)
JR_PRIM(d_set1, vd, double)
JR_PRIM(d_add, vd, vd, vd)
JR_PRIM(d_sub, vd, vd, vd)
JR_PRIM(d_mul, vd, vd, vd)
JR_PRIM(d_div, vd, vd, vd)
JR_PRIM(d_fma, vd, vd, vd, vd)
JR_PRIM(d_sqrt, vd, vd)
JR_PRIM(d_neg, vd, vd)
JR_PRIM(d_abs, vd, vd)
JR_PRIM(d_lt, md, vd, vd)
JR_PRIM(d_eq, md, vd, vd)
JR_PRIM(d_nlt, md, vd, vd)
JR_PRIM(d_gt, md, vd, vd)
JR_PRIM(d_sel, vd, md, vd, vd)
JR_PRIM(md_or, md, md, md)
JR_PRIM(md_andnot, md, md, md)
JR_PRIM(md_bits, unsigned, md)
JR_PRIM(d_from_i, vd, vi)
JR_PRIM(d_to_i, vi, vd)
JR_PRIM(d_loadu, vd, const double *)
JR_PRIM(d_storeu, void, double *, vd)
JR_PRIM(d_table, void, vi, vd *, vd *, vd *)
JR_PRIM(compress_v, unsigned, double *, vd, unsigned)
JR_PRIM(compress_d, unsigned, double *, uint32_t *, vd, uint32_t, unsigned)
JR_PRIM(expand_d, vd, const double *, unsigned, vd)
#undef JR_PRIM

#define JR_CAT2(a, b) a##b
#define JR_CAT(a, b) JR_CAT2(a, b)
#define JR_FN(name) JR_CAT(JR_CAT(jr_, JR_SIMD_PREFIX), JR_CAT(_, name))

/* In dependency order (separate blocks, so include sorting keeps it). */
#include "kernels/simd_group.h"

#include "kernels/simd_threefry.h"

#include "kernels/simd_f32.h"

#include "kernels/simd_half.h"

#include "kernels/simd_log_f64.h"

#include "kernels/simd_f64.h"

#include "kernels/simd_kernels.h"

#endif /* JR_SIMD_BODY */
