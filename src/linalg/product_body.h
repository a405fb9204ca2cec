/* The product of one kernel set and one dtype (see gemm_body.h for the
 * macros; included after it). */

/* The sign bit and the exponent field: a mean entry whose bits under this
 * mask are the sign bit alone is -0 or a negative subnormal, which the
 * addition reads as -0 (DAZ). */
#define JR_NEGZERO_MASK (((TBITS)1 << (sizeof(T) * 8 - 1)) | EXPMASK)
#define JR_IS_NEGZERO(u)                                                       \
  (((u)&JR_NEGZERO_MASK) == ((TBITS)1 << (sizeof(T) * 8 - 1)))

/* 1 if the row's skipped triangle could change a bit (see docs/linalg.md):
 * a non-finite z, or a -0 (or negative subnormal) in its mean. Such rows
 * are computed whole by the definition. */
static int JR_F(row_unsafe)(int64_t n, const T *z, const T *mean) {
  TBITS bad = 0;
  for (int64_t j = 0; j < n; j++) {
    TBITS u;
    memcpy(&u, z + j, sizeof u);
    bad |= (TBITS)((u & EXPMASK) == EXPMASK);
  }
  for (int64_t j = 0; mean && j < n; j++) {
    TBITS u;
    memcpy(&u, mean + j, sizeof u);
    bad |= (TBITS)JR_IS_NEGZERO(u);
  }
  return bad != 0;
}

static int JR_F(product)(const jr_product_args *g) {
  const int64_t n = g->n, rows = g->rows, ms = g->mean_stride;
  const int lower = g->lower;
  const T *packed = g->packed, *z = g->z, *mean = g->mean;
  T *out = g->out;
  const int64_t kmax = n < KCP ? n : KCP;
  T *pa = g->scratch;
  if (!pa)
    pa = aligned_alloc(64, (sizeof(T) * MCP * (size_t)kmax + 63) / 64 * 64);
  if (!pa) return -1;
  /* a shared mean: its -0 check once */
  int shared_negzero = 0;
  for (int64_t j = 0; lower && ms == 0 && j < n; j++) {
    TBITS u;
    memcpy(&u, mean + j, sizeof u);
    if (JR_IS_NEGZERO(u)) shared_negzero = 1;
  }
  for (int64_t ic = 0; ic < rows; ic += MCP) {
    const int64_t mc = rows - ic < MCP ? rows - ic : MCP;
    for (int64_t pc = 0; pc < n; pc += KCP) {
      const int64_t kc = n - pc < KCP ? n - pc : KCP;
      for (int64_t ip = 0; ip < mc; ip += MR) {
        T *dst = pa + ip * kc;
        if (mc - ip >= MR) { /* whole micro-panel: contiguous stores */
          const T *src = z + (ic + ip) * n + pc;
          for (int64_t k = 0; k < kc; k++)
            for (int64_t t = 0; t < MR; t++)
              dst[k * MR + t] = src[t * n + k];
        } else {
          for (int64_t k = 0; k < kc; k++)
            for (int64_t t = 0; t < MR; t++)
              dst[k * MR + t] =
                  ip + t < mc ? z[(ic + ip + t) * n + pc + k] : (T)0;
        }
      }
      for (int64_t i0 = 0; i0 < n; i0 += NR) {
        const int64_t kend = lower && i0 + NR < n ? i0 + NR : n;
        if (pc >= kend) continue; /* +0 entries only: see docs/linalg.md */
        const int64_t kcu = kend - pc < kc ? kend - pc : kc;
        const int last = pc + kcu >= kend;
        const T *b = packed + jr_product_panel_off(n, lower, PW, i0 / PW) +
                     pc * PW + i0 % PW;
        const int64_t nr = n - i0 < NR ? n - i0 : NR;
        for (int64_t ip = 0; ip < mc; ip += MR) {
          const int64_t mr = mc - ip < MR ? mc - ip : MR;
          JR_F(tile)
          (mr, nr, kcu, pa + ip * kc, b, PW, out + (ic + ip) * n + i0, n,
           pc > 0, last ? mean + (ic + ip) * ms + i0 : NULL, ms);
        }
      }
    }
    for (int64_t r = ic; lower && r < ic + mc; r++) {
      const T *mr = mean + r * ms;
      if (shared_negzero || JR_F(row_unsafe)(n, z + r * n, ms ? mr : NULL))
        SROW(n, lower, packed, z + r * n, mr, out + r * n);
    }
  }
  if (pa != g->scratch) free(pa);
  return 0;
}
#undef JR_IS_NEGZERO
#undef JR_NEGZERO_MASK
