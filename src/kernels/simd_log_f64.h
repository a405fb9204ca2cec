/* SIMD body, part 5: the float64 vector log that reproduces the C
 * library's log (with a fallback list), and its test hook. */
#ifndef JR_SIMD_BODY
#error "included by simd_body.h only"
#endif

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
 * is at most 0.586, or 0.7072 with the 2026-08 log1p, so the range limit only
 * matters for the test hooks.)
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
  double fbarg[JR_KERNEL_BLOCK + XLD];
  uint32_t fbpos[JR_KERNEL_BLOCK + XLD];
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
