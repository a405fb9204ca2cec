/* SIMD body, part 3: float32 math, XLA's log, log1p and erf_inv (algorithm.md 7),
 * and the uniform u of the float32 normal. */
#ifndef JR_SIMD_BODY
#error "included by simd_body.h only"
#endif

/* ---- float32: XLA's log (algorithm.md 7c), log1p (7b), erf_inv (7a) */
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

/* bits -> normal (algorithm.md 6, 7): u = fma(f, 1 - lo, lo), clamped below at lo.
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
