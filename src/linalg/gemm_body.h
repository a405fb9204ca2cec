/* The register micro-kernel shared by the blocked Cholesky (chol_body.h)
 * and the product (product_body.h) of one kernel set and one dtype; included
 * by linalg_avx2.c / linalg_avx512.c once per dtype with these defined:
 *   T, X (f32 / f64), V (vector type), W (lanes), NV (vectors per register
 *   tile row), MR (register tile rows), JR_F(name) (the set's names),
 *   VLOADU VSTOREU VSET1 VZERO VADD VSUB VMUL VDIV VSQRT,
 *   VFMA(a, b, c) = a b + c and VFNMA(a, b, c) = -(a b) + c (one rounding),
 *   SFMA SSQRT (scalar fma / sqrt), PW (product panel width), SROW (the
 *   product's scalar row), KC MC NC NB (Cholesky's cache blocking), KCP MCP
 *   (the product's), TBITS (unsigned of T's width), EXPMASK, and for the
 *   batched Cholesky's loads IT (index type), VI, VILOAD, VGATHER(p, ix)
 *   (lane l = p[ix[l]]).
 * NR (the register tile's columns) stays defined for the other bodies.
 *
 * Every loop in these bodies only reorganizes the scalar definitions of
 * chol.c and product.c: each output element sees exactly the same
 * operations in the same order (reduction index ascending, the partial sum
 * stored in the output and loaded back between reduction blocks, never
 * block partials summed). So every set is bit-identical to the ref set for
 * every n (docs/linalg.md). */

#undef NR
#define NR (NV * W)
#ifndef JR_PF
#define JR_PF 16 /* prefetch distance of the micro-kernel's b, in k steps */
#endif

/* C[MR][nv W] (row stride ldc) = (load ? C : +0) + sum_k a[k][:] b[k][:],
 * k = 0..kc-1 in order, one fma per step; with mean, mean + the sum is
 * stored (row i's mean at mean + i ldm). a: packed [k][MR], b: [k][ldb]. */
static JR_INLINE void JR_F(kern_v)(const int nv, int64_t kc,
                                   const T *restrict a, const T *restrict b,
                                   int64_t ldb, T *c, int64_t ldc, int load,
                                   const T *mean, int64_t ldm) {
  V acc[MR][NV];
  for (int i = 0; i < MR; i++)
    for (int v = 0; v < nv; v++)
      acc[i][v] = load ? VLOADU(c + i * ldc + v * W) : VZERO();
  for (int64_t k = 0; k < kc; k++) {
    V bv[NV];
    for (int v = 0; v < nv; v++) {
      /* b streams from L2: ask for it a few steps ahead (a hint only) */
      __builtin_prefetch(b + (k + JR_PF) * ldb + v * W);
      bv[v] = VLOADU(b + k * ldb + v * W);
    }
    for (int i = 0; i < MR; i++) {
      const V ai = VSET1(a[k * MR + i]);
      for (int v = 0; v < nv; v++)
        acc[i][v] = VFMA(ai, bv[v], acc[i][v]);
    }
  }
  for (int i = 0; i < MR; i++)
    for (int v = 0; v < nv; v++)
      VSTOREU(c + i * ldc + v * W,
              mean ? VADD(VLOADU(mean + i * ldm + v * W), acc[i][v])
                   : acc[i][v]);
}

static JR_INLINE void JR_F(kern)(int64_t kc, const T *restrict a,
                                 const T *restrict b, int64_t ldb, T *c,
                                 int64_t ldc, int load, const T *mean,
                                 int64_t ldm) {
  JR_F(kern_v)(NV, kc, a, b, ldb, c, ldc, load, mean, ldm);
}

/* A partial tile (mr <= MR rows, nr <= NR columns) through a local tile. */
static void JR_F(kern_edge)(int64_t mr, int64_t nr, int64_t kc, const T *a,
                            const T *b, int64_t ldb, T *c, int64_t ldc,
                            int load, const T *mean, int64_t ldm) {
  _Alignas(64) T t[MR * NR];
  for (int64_t i = 0; i < MR; i++)
    for (int64_t j = 0; j < NR; j++)
      t[i * NR + j] = load && i < mr && j < nr ? c[i * ldc + j] : (T)0;
  /* a tile of at most one vector's columns computes only that vector */
  if (nr <= W)
    JR_F(kern_v)(1, kc, a, b, ldb, t, NR, load, NULL, 0);
  else
    JR_F(kern)(kc, a, b, ldb, t, NR, load, NULL, 0);
  for (int64_t i = 0; i < mr; i++)
    for (int64_t j = 0; j < nr; j++)
      c[i * ldc + j] = mean ? mean[i * ldm + j] + t[i * NR + j] : t[i * NR + j];
}

static JR_INLINE void JR_F(tile)(int64_t mr, int64_t nr, int64_t kc, const T *a,
                                 const T *b, int64_t ldb, T *c, int64_t ldc,
                                 int load, const T *mean, int64_t ldm) {
  if (mr == MR && nr == NR)
    JR_F(kern)(kc, a, b, ldb, c, ldc, load, mean, ldm);
  else
    JR_F(kern_edge)(mr, nr, kc, a, b, ldb, c, ldc, load, mean, ldm);
}
