/* The triangular solve mean + U^-1 z (solve.h) of one kernel set and one
 * dtype; included by linalg_avx2.c / linalg_avx512.c once per dtype after
 * gemm_body.h, with its macros (T, V, W, JR_F, JR_INLINE, VLOADU, VSTOREU,
 * VSET1, VFNMA, VDIV) and SR, SNV: the register tile's rows of U and
 * vectors of samples.
 *
 * Vectorized across samples: each lane is one row of z (an independent
 * right-hand side) and runs exactly the scalar chain of jr_solve_ref for
 * its element, t = z_i, t = fma(-U_ij, w_j, t) for j = n-1 down to i+1
 * (VFNMA(a, b, c) = -(a b) + c rounds once, as fma(-a, b, c)), then
 * w_i = t / U_ii. The blocking below only chooses which elements are
 * computed when, never an element's operations or their order. */

#undef SG
#define SG (SNV * W) /* samples (lanes) of one group */
_Static_assert(JR_SOLVE_CHUNK % SG == 0,
               "a chunk is a whole number of groups (the scratch's size)");

/* Rows [i0, i0 + rr) (rr <= SR) of one group's w. zt holds the group's z
 * transposed (zt[j SG + l]: component j of lane l); each row's z is
 * replaced by its w, and rows above i0 + rr must already hold w. */
static JR_INLINE void JR_F(solve_tile)(int64_t n, const T *u, T *zt, int64_t i0,
                                       int rr) {
  V acc[SR][SNV];
  const T *ur[SR];
  for (int r = 0; r < rr; r++) {
    ur[r] = u + jr_solve_row_off(n, i0 + r) - (i0 + r); /* ur[r][j] = U_ij */
    for (int v = 0; v < SNV; v++)
      acc[r][v] = VLOADU(zt + (i0 + r) * SG + v * W);
  }
  /* j >= i0 + rr: already solved, shared by the tile's rows */
  for (int64_t j = n - 1; j >= i0 + rr; j--) {
    V wv[SNV];
    for (int v = 0; v < SNV; v++)
      wv[v] = VLOADU(zt + j * SG + v * W);
    for (int r = 0; r < rr; r++) {
      const V b = VSET1(ur[r][j]);
      for (int v = 0; v < SNV; v++)
        acc[r][v] = VFNMA(b, wv[v], acc[r][v]);
    }
  }
  /* the tile's own triangle, bottom row first (j continues downwards) */
  for (int r = rr - 1; r >= 0; r--) {
    for (int q = rr - 1; q > r; q--) {
      const V b = VSET1(ur[r][i0 + q]);
      for (int v = 0; v < SNV; v++)
        acc[r][v] = VFNMA(b, acc[q][v], acc[r][v]);
    }
    const V d = VSET1(ur[r][i0 + r]);
    for (int v = 0; v < SNV; v++) {
      acc[r][v] = VDIV(acc[r][v], d);
      VSTOREU(zt + (i0 + r) * SG + v * W, acc[r][v]);
    }
  }
}

static int JR_F(solve)(const jr_solve_args *g) {
  const int64_t n = g->n, rows = g->rows, ms = g->mean_stride;
  const T *u = g->packed, *z = g->z, *mean = g->mean;
  T *out = g->out;
  T *zt = g->scratch;
  if (!zt)
    zt = aligned_alloc(64,
                       (sizeof(T) * JR_SOLVE_CHUNK * (size_t)n + 63) / 64 * 64);
  if (!zt) return -1;
  const T qnan = sizeof(T) == 4 ? (T)jr_solve_nan_f32() : (T)jr_solve_nan_f64();
  /* Rows of U per cache block: a block (at most about 256 KiB of U) is
   * reused by every group of the chunk before the next one is read. */
  int64_t rb = (int64_t)(256 * 1024 / sizeof(T)) / n / SR * SR;
  if (rb < SR) rb = SR;
  for (int64_t r0 = 0; r0 < rows; r0 += JR_SOLVE_CHUNK) {
    const int64_t cnt = rows - r0 < JR_SOLVE_CHUNK ? rows - r0 : JR_SOLVE_CHUNK;
    const int64_t ng = (cnt + SG - 1) / SG;
    /* z transposed, +0 in empty lanes; in blocks of 16 components, so
     * the block's rows of zt stay in L1 while the lanes fill them */
    for (int64_t q = 0; q < ng; q++) {
      T *zq = zt + q * n * SG;
      const int64_t lanes = cnt - q * SG < SG ? cnt - q * SG : SG;
      for (int64_t j0 = 0; j0 < n; j0 += 16) {
        const int64_t j1 = j0 + 16 < n ? j0 + 16 : n;
        for (int64_t l = 0; l < lanes; l++) {
          const T *zr = z + (r0 + q * SG + l) * n;
          for (int64_t j = j0; j < j1; j++)
            zq[j * SG + l] = zr[j];
        }
        for (int64_t l = lanes; l < SG; l++)
          for (int64_t j = j0; j < j1; j++)
            zq[j * SG + l] = (T)0;
      }
    }
    for (int64_t ib = n; ib > 0; ib -= rb) { /* row blocks, bottom first */
      const int64_t ia = ib - rb > 0 ? ib - rb : 0;
      for (int64_t q = 0; q < ng; q++) {
        T *zq = zt + q * n * SG;
        for (int64_t i1 = ib; i1 > ia; i1 -= SR) {
          if (i1 - ia >= SR)
            JR_F(solve_tile)(n, u, zq, i1 - SR, SR);
          else
            JR_F(solve_tile)(n, u, zq, ia, (int)(i1 - ia));
        }
      }
    }
    /* out = mean + w, transposed back in blocks of 16 components */
    for (int64_t i0 = 0; i0 < n; i0 += 16) {
      const int64_t i1 = i0 + 16 < n ? i0 + 16 : n;
      for (int64_t k = 0; k < cnt; k++) {
        const T *wq = zt + k / SG * n * SG + k % SG, *m = mean + (r0 + k) * ms;
        T *o = out + (r0 + k) * n;
        for (int64_t i = i0; i < i1; i++)
          o[i] = m[i] + wq[i * SG];
      }
    }
    /* NaN made the default quiet NaN: a contiguous scan (vectorized by the
     * compiler), then a fix-up pass only if one was found */
    TBITS nan = 0;
    T *oc = out + r0 * n;
    for (int64_t e = 0; e < cnt * n; e++)
      nan |= (TBITS)(oc[e] != oc[e]);
    for (int64_t e = 0; nan && e < cnt * n; e++)
      if (oc[e] != oc[e]) oc[e] = qnan;
  }
  if (zt != g->scratch) free(zt);
  return 0;
}
