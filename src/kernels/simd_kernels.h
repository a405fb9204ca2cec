/* SIMD body, part 7: the kernels of the table (k_<name>, see
 * kernel_list.h), their block loops, and the erf_inv test hooks. */
#ifndef JR_SIMD_BODY
#error "included by simd_body.h only"
#endif

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

/* n <= JR_KERNEL_BLOCK bits (a multiple of XLF) -> n normals, in three passes
 * as for float64: (A) u, the rational branch of log1p for every lane, and
 * a dense list of the log arguments x + 1 of the lanes that need them
 * (about 36%); (B) log over the list, in place; (C) the logs expanded back
 * into their lanes, erf_inv's polynomial and the products. Computing both
 * branches for every lane cost about 30 more vector operations per vector. */
static void normal_f32_block(const uint32_t *bits, size_t n, float *out) {
  float ubuf[JR_KERNEL_BLOCK], lbuf[JR_KERNEL_BLOCK],
      arg[JR_KERNEL_BLOCK + XLF];
  uint16_t need[JR_KERNEL_BLOCK / VLF];
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
                           JR_KERNEL_BLOCK, XLF, normal_f32_block)
JR_DEFINE_NORMAL_FROM_BITS(k_normal_f64_from_bits, uint64_t, double,
                           JR_KERNEL_BLOCK, XLD, normal_f64_block)
JR_DEFINE_NORMAL_FROM_BITS(k_normal_f64_2608_from_bits, uint64_t, double,
                           JR_KERNEL_BLOCK, XLD, normal_f64_2608_block)

/* Hash and transform per L1-resident block rather than per register group:
 * faster than keeping the bits in registers (docs/kernels.md), as each of the
 * two loops then keeps the out-of-order window full of its own independent
 * work. */
static void k_normal_f32(jr_key key, uint64_t start, size_t n, float *out) {
  uint32_t bits[JR_KERNEL_BLOCK];
  for (size_t i = 0; i < n; i += JR_KERNEL_BLOCK) {
    size_t m = n - i < JR_KERNEL_BLOCK ? n - i : JR_KERNEL_BLOCK;
    k_bits32(key, start + i, m, bits);
    k_normal_f32_from_bits(bits, m, out + i);
  }
}

static void k_normal_f64(jr_key key, uint64_t start, size_t n, double *out) {
  uint64_t bits[JR_KERNEL_BLOCK];
  for (size_t i = 0; i < n; i += JR_KERNEL_BLOCK) {
    size_t m = n - i < JR_KERNEL_BLOCK ? n - i : JR_KERNEL_BLOCK;
    k_bits64(key, start + i, m, bits);
    k_normal_f64_from_bits(bits, m, out + i);
  }
}

static void k_normal_f64_2608(jr_key key, uint64_t start, size_t n,
                              double *out) {
  uint64_t bits[JR_KERNEL_BLOCK];
  for (size_t i = 0; i < n; i += JR_KERNEL_BLOCK) {
    size_t m = n - i < JR_KERNEL_BLOCK ? n - i : JR_KERNEL_BLOCK;
    k_bits64(key, start + i, m, bits);
    k_normal_f64_2608_from_bits(bits, m, out + i);
  }
}

/* 16-bit normals over a block of at most JR_KERNEL_BLOCK elements whose random
 * bits sit in the low half of 32-bit words (as bits32 yields them); the
 * results are narrowed to uint16 through a 32-bit buffer. */
static void normal_16_block(uint32_t *b32, size_t n, uint16_t *out, int bf) {
  uint32_t r[JR_KERNEL_BLOCK + XLF];
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
  uint32_t bits[JR_KERNEL_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_KERNEL_BLOCK) {
    size_t m = n - i < JR_KERNEL_BLOCK ? n - i : JR_KERNEL_BLOCK;
    k_bits32(key, start + i, m, bits);
    normal_16_block(bits, m, out + i, 0);
  }
}

static void k_normal_bf16(jr_key key, uint64_t start, size_t n, uint16_t *out) {
  uint32_t bits[JR_KERNEL_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_KERNEL_BLOCK) {
    size_t m = n - i < JR_KERNEL_BLOCK ? n - i : JR_KERNEL_BLOCK;
    k_bits32(key, start + i, m, bits);
    normal_16_block(bits, m, out + i, 1);
  }
}

static void k_normal_f16_from_bits(const uint16_t *bits, size_t n,
                                   uint16_t *out) {
  uint32_t b[JR_KERNEL_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_KERNEL_BLOCK) {
    size_t m = n - i < JR_KERNEL_BLOCK ? n - i : JR_KERNEL_BLOCK;
    for (size_t j = 0; j < m; j++)
      b[j] = bits[i + j];
    normal_16_block(b, m, out + i, 0);
  }
}

static void k_normal_bf16_from_bits(const uint8_t *bits, size_t n,
                                    uint16_t *out) {
  uint32_t b[JR_KERNEL_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_KERNEL_BLOCK) {
    size_t m = n - i < JR_KERNEL_BLOCK ? n - i : JR_KERNEL_BLOCK;
    for (size_t j = 0; j < m; j++)
      b[j] = bits[i + j];
    normal_16_block(b, m, out + i, 1);
  }
}

/* ---- uniform (algorithm.md 6) over [lo, hi): max(lo, fma(f, hi - lo, lo)) with
 * XLA's max, as the fill loop's scalar code (now kernels_ref.c). hi - lo is
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
static void k_uniform_f32(jr_key key, uint64_t start, size_t n, float lo,
                          float hi, float *out) {
  uint32_t bits[JR_KERNEL_BLOCK];
  for (size_t i = 0; i < n; i += JR_KERNEL_BLOCK) {
    size_t m = n - i < JR_KERNEL_BLOCK ? n - i : JR_KERNEL_BLOCK;
    k_bits32(key, start + i, m, bits);
    k_uniform_f32_from_bits(bits, m, lo, hi, out + i);
  }
}

static void k_uniform_f64(jr_key key, uint64_t start, size_t n, double lo,
                          double hi, double *out) {
  uint64_t bits[JR_KERNEL_BLOCK];
  for (size_t i = 0; i < n; i += JR_KERNEL_BLOCK) {
    size_t m = n - i < JR_KERNEL_BLOCK ? n - i : JR_KERNEL_BLOCK;
    k_bits64(key, start + i, m, bits);
    k_uniform_f64_from_bits(bits, m, lo, hi, out + i);
  }
}

/* ---- float16 / bfloat16 uniform (algorithm.md 6), as the fill loop's scalar code:
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
  uint32_t r[JR_KERNEL_BLOCK + XLF];
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
  uint32_t bits[JR_KERNEL_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_KERNEL_BLOCK) {
    size_t m = n - i < JR_KERNEL_BLOCK ? n - i : JR_KERNEL_BLOCK;
    k_bits32(key, start + i, m, bits);
    unif_16_block(bits, m, lo, hi, out + i, 0);
  }
}

static void k_uniform_bf16(jr_key key, uint64_t start, size_t n, float lo,
                           float hi, uint16_t *out) {
  uint32_t bits[JR_KERNEL_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_KERNEL_BLOCK) {
    size_t m = n - i < JR_KERNEL_BLOCK ? n - i : JR_KERNEL_BLOCK;
    k_bits32(key, start + i, m, bits);
    unif_16_block(bits, m, lo, hi, out + i, 1);
  }
}

static void k_uniform_f16_from_bits(const uint16_t *bits, size_t n, float lo,
                                    float hi, uint16_t *out) {
  uint32_t b[JR_KERNEL_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_KERNEL_BLOCK) {
    size_t m = n - i < JR_KERNEL_BLOCK ? n - i : JR_KERNEL_BLOCK;
    for (size_t j = 0; j < m; j++)
      b[j] = bits[i + j];
    unif_16_block(b, m, lo, hi, out + i, 0);
  }
}

static void k_uniform_bf16_from_bits(const uint8_t *bits, size_t n, float lo,
                                     float hi, uint16_t *out) {
  uint32_t b[JR_KERNEL_BLOCK + XLF];
  for (size_t i = 0; i < n; i += JR_KERNEL_BLOCK) {
    size_t m = n - i < JR_KERNEL_BLOCK ? n - i : JR_KERNEL_BLOCK;
    for (size_t j = 0; j < m; j++)
      b[j] = bits[i + j];
    unif_16_block(b, m, lo, hi, out + i, 1);
  }
}

/* Legacy stream hashing (algorithm.md 5): y0 / y1 of threefry(key, (a + i, b + i))
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

/* l2608: XLA's 2026-08 log1p range */
JR_AI void erf_inv_f64_v(const double *x, size_t n, double *out, int l2608) {
  /* Same passes as normal_f64_block, from x instead of bits. */
  double lbuf[JR_KERNEL_BLOCK], arg[JR_KERNEL_BLOCK + XLD],
      ubuf[JR_KERNEL_BLOCK];
  uint8_t need[JR_KERNEL_BLOCK / VLD];
  for (size_t i0 = 0; i0 < n; i0 += JR_KERNEL_BLOCK) {
    size_t b = n - i0 < JR_KERNEL_BLOCK ? n - i0 : JR_KERNEL_BLOCK, m = 0,
           k = 0;
    for (size_t i = 0; i < b; i += XLD)
      v_normal_f64_pass_a(xd_loadu(x + i0 + i), i, ubuf, lbuf, need, arg, &m,
                          l2608);
    jr_log_list(arg, m);
    for (size_t i = 0; i < b; i += XLD) {
      xvd l = v_log1p_merge(lbuf, arg, need, i, &k);
      xd_storeu(out + i0 + i, v_erf_inv_f64_c(xd_loadu(ubuf + i), l, 1));
    }
  }
}

void JR_FN(erf_inv_f64)(const double *x, size_t n, double *out) {
  erf_inv_f64_v(x, n, out, 0);
}

void JR_FN(erf_inv_f64_2608)(const double *x, size_t n, double *out) {
  erf_inv_f64_v(x, n, out, 1);
}
