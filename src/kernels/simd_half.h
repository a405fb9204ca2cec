/* SIMD body, part 4: float16 / bfloat16 conversions (in float32 lanes) and
 * the 16-bit normal's transform. */
#ifndef JR_SIMD_BODY
#error "included by simd_body.h only"
#endif

/* ---- float16 / bfloat16 normals (algorithm.md 6, 7): float32 arithmetic rounded to
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
