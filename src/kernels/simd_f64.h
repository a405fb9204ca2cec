/* SIMD body, part 6: the float64 normal's passes (log1p's rational branch
 * and compress, the log list's merge, erf_inv) over one block. */
#ifndef JR_SIMD_BODY
#error "included by simd_body.h only"
#endif

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
JR_AI xvd v_poly_f64(xvd t, const double *c, int n) {
  xvd p = xd_set1(c[0]);
  JR_UNROLL
  for (int i = 1; i < n; i++)
    p = xd_fma(p, t, xd_set1(c[i]));
  return p;
}

/* log1p's rational branch: |x| < sqrt(2) - 1, or with XLA's 2026-08 range
 * (l2608, a constant after inlining) x >= 1/sqrt(2) - 1 and x <= sqrt(2) - 1,
 * ordered as the reference's compares (NaN takes log). */
JR_AI xmd v_log1p_f64_is_small(xvd x, int l2608) {
  if (!l2608) return xd_lt(xd_abs(x), xd_set1(0.41421356237309504880));
  xmd ge_lo = xmd_andnot(xd_eq(x, x), xd_lt(x, xd_set1(JR_LOG1P_2608_LO)));
  return xmd_andnot(ge_lo, xd_gt(x, xd_set1(0.41421356237309504880)));
}

/* Pass A for XLD lanes at position i of the block: stores u and the rational
 * log1p value, appends the arguments of the lanes needing log() to (arg, *m)
 * and notes those lanes, VLD bits per vector, in need[i / VLD ..]. */
JR_AI void v_normal_f64_pass_a(xvd u, size_t i, double *ubuf, double *lbuf,
                               uint8_t *need, double *arg, size_t *m,
                               int l2608) {
  xd_storeu(ubuf + i, u);
  xvd x = xd_mul(u, xd_neg(u));
  xmd small = v_log1p_f64_is_small(x, l2608);
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

/* n <= JR_KERNEL_BLOCK bits (a multiple of XLD) -> n normals; l2608 selects
 * XLA's 2026-08 log1p range. */
JR_AI void normal_f64_block_v(const uint64_t *bits, size_t n, double *out,
                              int l2608) {
  double ubuf[JR_KERNEL_BLOCK], lbuf[JR_KERNEL_BLOCK],
      arg[JR_KERNEL_BLOCK + XLD];
  uint8_t need[JR_KERNEL_BLOCK / VLD];
  size_t m = 0;
  for (size_t i = 0; i < n; i += XLD)
    v_normal_f64_pass_a(v_uniform_f64(xi_loadu(bits + i)), i, ubuf, lbuf, need,
                        arg, &m, l2608);
  jr_log_list(arg, m);
  /* The logarithms are expanded from the dense list back into their lanes
   * (the inverse of pass A's compress), in a loop of their own: cheaper
   * than inside pass C (docs/kernels.md). */
  size_t k = 0;
  for (size_t i = 0; i < n; i += XLD)
    xd_storeu(lbuf + i, v_log1p_merge(lbuf, arg, need, i, &k));
  /* Pass C. The rare branch stays out of the loop: groups with a lane
   * w >= 6.25 or NaN are noted and recomputed with the full function
   * afterwards, which gives every lane the same bits. */
  _Static_assert(JR_KERNEL_BLOCK / XLD <= 64, "one bit per group of a block");
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
static void normal_f64_block(const uint64_t *bits, size_t n, double *out) {
  normal_f64_block_v(bits, n, out, 0);
}
static void normal_f64_2608_block(const uint64_t *bits, size_t n, double *out) {
  normal_f64_block_v(bits, n, out, 1);
}
