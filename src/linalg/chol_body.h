/* The blocked Cholesky and the batched small Cholesky of one kernel set
 * and one dtype (see gemm_body.h for the macros; included after it). */

/* Rows [c0, n) x columns [c0, c1) of a, with columns j >= c1 later: c -=
 * L[i][k] L[j][k] for k in [k0, k1) ascending, i.e. c = fma(-L_ik, L_jk, c)
 * (A is packed negated: exact). Tiles wholly above the diagonal are skipped;
 * a tile across it also updates some upper entries, which nothing reads
 * (the upper triangle is zeroed at the end). */
static void JR_F(update)(int64_t n, T *a, int64_t lda, int64_t c0, int64_t c1,
                         int64_t k0, int64_t k1, T *pa, T *pb) {
  for (int64_t pc = k0; pc < k1; pc += KC) {
    const int64_t kc = k1 - pc < KC ? k1 - pc : KC;
    for (int64_t jc = c0; jc < c1; jc += NC) {
      const int64_t nc = c1 - jc < NC ? c1 - jc : NC;
      for (int64_t jp = 0; jp < nc; jp += NR)
        for (int64_t t = 0; t < NR; t++) {
          const int64_t j = jc + jp + t;
          T *dst = pb + jp * kc + t;
          if (j < c1) {
            const T *src = a + j * lda + pc;
            for (int64_t k = 0; k < kc; k++)
              dst[k * NR] = src[k];
          } else {
            for (int64_t k = 0; k < kc; k++)
              dst[k * NR] = (T)0;
          }
        }
      for (int64_t ic = jc; ic < n; ic += MC) {
        const int64_t mc = n - ic < MC ? n - ic : MC;
        for (int64_t ip = 0; ip < mc; ip += MR)
          for (int64_t t = 0; t < MR; t++) {
            const int64_t i = ip + t;
            T *dst = pa + ip * kc + t;
            if (i < mc) {
              const T *src = a + (ic + i) * lda + pc;
              for (int64_t k = 0; k < kc; k++)
                dst[k * MR] = -src[k];
            } else {
              for (int64_t k = 0; k < kc; k++)
                dst[k * MR] = (T)0;
            }
          }
        for (int64_t jp = 0; jp < nc; jp += NR) {
          const int64_t j0 = jc + jp, nr = c1 - j0 < NR ? c1 - j0 : NR;
          for (int64_t ip = 0; ip < mc; ip += MR) {
            const int64_t i0 = ic + ip, mr = mc - ip < MR ? mc - ip : MR;
            if (i0 + mr - 1 < j0) continue; /* wholly above the diagonal */
            JR_F(tile)
            (mr, nr, kc, pa + ip * kc, pb + jp * kc, NR, a + i0 * lda + j0, lda,
             1, NULL, 0);
          }
        }
      }
    }
  }
}

/* Columns [c0, c1) (c1 - c0 <= NB) of rows [c0, n), the contributions of
 * k < c0 already applied: the scalar definition, with the rows below the
 * diagonal block done row by row (each is independent). */
static int64_t JR_F(base)(int64_t n, T *a, int64_t lda, int64_t c0,
                          int64_t c1) {
  T r[NB];
  for (int64_t j = c0; j < c1; j++) {
    T *aj = a + j * lda;
    T d = aj[j];
    for (int64_t k = c0; k < j; k++)
      d = SFMA(-aj[k], aj[k], d);
    if (!(d > 0)) return j + 1;
    aj[j] = SSQRT(d);
    r[j - c0] = (T)1 / aj[j];
    for (int64_t i = j + 1; i < c1; i++) {
      T *ai = a + i * lda;
      T c = ai[j];
      for (int64_t k = c0; k < j; k++)
        c = SFMA(-ai[k], aj[k], c);
      ai[j] = c * r[j - c0];
    }
  }
  /* rows below, W at a time across the lanes (lane t = row i + t, each
   * running its row's operations in order) */
  const int64_t nb = c1 - c0;
  int64_t i0 = c1;
  for (; i0 + W <= n; i0 += W) {
    _Alignas(64) T x[NB][W];
    V xv[NB];
    for (int64_t t = 0; t < W; t++)
      for (int64_t j = 0; j < nb; j++)
        x[j][t] = a[(i0 + t) * lda + c0 + j];
    for (int64_t j = 0; j < nb; j++) {
      const T *aj = a + (c0 + j) * lda + c0;
      V c = VLOADU(x[j]);
      for (int64_t k = 0; k < j; k++)
        c = VFNMA(xv[k], VSET1(aj[k]), c);
      xv[j] = VMUL(c, VSET1(r[j]));
      VSTOREU(x[j], xv[j]);
    }
    for (int64_t t = 0; t < W; t++)
      for (int64_t j = 0; j < nb; j++)
        a[(i0 + t) * lda + c0 + j] = x[j][t];
  }
  for (int64_t i = i0; i < n; i++) {
    T *ai = a + i * lda;
    for (int64_t j = c0; j < c1; j++) {
      const T *aj = a + j * lda;
      T c = ai[j];
      for (int64_t k = c0; k < j; k++)
        c = SFMA(-ai[k], aj[k], c);
      ai[j] = c * r[j - c0];
    }
  }
  return 0;
}

/* Columns [c0, c1) of rows [c0, n): left half, its update of the right half
 * (k ascending, so every element still sees k = 0, 1, ... in order), right
 * half. */
static int64_t JR_F(rec)(int64_t n, T *a, int64_t lda, int64_t c0, int64_t c1,
                         T *pa, T *pb) {
  if (c1 - c0 <= NB) return JR_F(base)(n, a, lda, c0, c1);
  int64_t h = ((c1 - c0) / 2 + NB - 1) / NB * NB;
  if (h >= c1 - c0) h = NB;
  const int64_t m = c0 + h;
  const int64_t info = JR_F(rec)(n, a, lda, c0, m, pa, pb);
  if (info) return info;
  JR_F(update)(n, a, lda, m, c1, c0, m, pa, pb);
  return JR_F(rec)(n, a, lda, m, c1, pa, pb);
}

static int64_t JR_F(chol)(int64_t n, T *a, int64_t lda) {
  if (n <= NB) return JR_F(base)(n, a, lda, 0, n); /* no update: no scratch */
  /* sized for this n (a small n then stays below malloc's mmap threshold:
   * no fresh pages per call) */
  const size_t kc = (size_t)(n < KC ? n : KC);
  const size_t nc = (size_t)((n < NC ? n : NC) + NR - 1) / NR * NR;
  T *pa = aligned_alloc(64, (sizeof(T) * MC * kc + 63) / 64 * 64);
  T *pb = aligned_alloc(64, (sizeof(T) * nc * kc + 63) / 64 * 64);
  int64_t info = -1;
  if (pa && pb) info = JR_F(rec)(n, a, lda, 0, n, pa, pb);
  free(pa);
  free(pb);
  return info;
}

/* ---- many small matrices, lane l = matrix l, each lane running the scalar
 * definition's operations in its order. */

/* Groups of W matrices per step: their chains (square roots, divisions)
 * are independent, so they overlap. */
#define JR_BG 2

/* Up to JR_BG * W matrices from e on; inlined with a constant n for small n
 * (the loops unroll and the matrices stay in registers). */
static JR_INLINE void JR_F(batch_group)(const int64_t n, int64_t e,
                                        int64_t count, const T *cov, T *f,
                                        int64_t *info, int colmajor) {
  enum { NNMAX = JR_CHOL_BATCH_MAX * JR_CHOL_BATCH_MAX, L = JR_BG * W };
  const int64_t nn = n * n;
  _Alignas(64) T raw[NNMAX][L];
  V a[JR_BG][NNMAX];
  /* x / 2 and x * 0.5 are the same correctly rounded value */
  const V half = VSET1((T)0.5), one = VSET1((T)1), zero = VZERO();
  const int64_t cnt = count - e < L ? count - e : L;
  if (cnt == L) { /* whole groups: entry k of W matrices by one gather */
    _Alignas(64) IT ixs[W];
    for (int64_t l = 0; l < W; l++)
      ixs[l] = (IT)(l * nn);
    const VI ix = VILOAD(ixs);
    for (int g = 0; g < JR_BG; g++) {
      const T *base = cov + (e + g * W) * nn;
      for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j <= i; j++)
          a[g][i * n + j] = VMUL(VADD(VGATHER(base + i * n + j, ix),
                                      VGATHER(base + j * n + i, ix)),
                                 half);
    }
  } else {
    for (int64_t l = 0; l < L; l++) {
      const T *src = cov + (e + (l < cnt ? l : 0)) * nn;
      for (int64_t k = 0; k < nn; k++)
        raw[k][l] = src[k];
    }
    for (int g = 0; g < JR_BG; g++)
      for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j <= i; j++)
          a[g][i * n + j] = VMUL(VADD(VLOADU(raw[i * n + j] + g * W),
                                      VLOADU(raw[j * n + i] + g * W)),
                                 half);
  }
  int64_t inf[L];
  for (int64_t l = 0; l < L; l++)
    inf[l] = 0;
  const int potf2 = n <= JR_CHOL_POTF2_MAX;
  for (int64_t j = 0; j < n; j++) {
    V r[JR_BG];
    for (int g = 0; g < JR_BG; g++) {
      V d = a[g][j * n + j];
      if (potf2) {
        V dot = zero;
        for (int64_t k = 0; k < j; k++)
          dot = VADD(dot, VMUL(a[g][j * n + k], a[g][j * n + k]));
        d = VSUB(d, dot);
      } else {
        for (int64_t k = 0; k < j; k++)
          d = VFNMA(a[g][j * n + k], a[g][j * n + k], d);
      }
      _Alignas(64) T dl[W];
      VSTOREU(dl, d);
      for (int64_t l = 0; l < W; l++)
        if (!(dl[l] > 0) && !inf[g * W + l]) inf[g * W + l] = j + 1;
      const V ljj = VSQRT(d);
      a[g][j * n + j] = ljj;
      r[g] = VDIV(one, ljj);
    }
    for (int64_t i = j + 1; i < n; i++)
      for (int g = 0; g < JR_BG; g++) {
        V c = a[g][i * n + j];
        if (potf2) {
          V t = zero;
          for (int64_t k = 0; k < j; k++)
            t = VADD(t, VMUL(a[g][i * n + k], a[g][j * n + k]));
          if (j > 0) c = VSUB(c, t);
        } else {
          for (int64_t k = 0; k < j; k++)
            c = VFNMA(a[g][i * n + k], a[g][j * n + k], c);
        }
        a[g][i * n + j] = VMUL(c, r[g]);
      }
  }
  for (int g = 0; g < JR_BG; g++)
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j <= i; j++)
        VSTOREU(raw[i * n + j] + g * W, a[g][i * n + j]);
  const T nan = (T)NAN;
  for (int64_t l = 0; l < cnt; l++) {
    T *fe = f + (e + l) * nn;
    info[e + l] = inf[l];
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < n; j++)
        fe[colmajor ? j * n + i : i * n + j] =
            j > i ? (T)0 : (inf[l] ? nan : raw[i * n + j][l]);
  }
}

static void JR_F(batch)(int64_t n, int64_t count, const T *cov, T *f,
                        int64_t *info, int colmajor) {
  for (int64_t e = 0; e < count; e += JR_BG * W) {
    switch (n) {
    case 1: JR_F(batch_group)(1, e, count, cov, f, info, colmajor); break;
    case 2: JR_F(batch_group)(2, e, count, cov, f, info, colmajor); break;
    case 3: JR_F(batch_group)(3, e, count, cov, f, info, colmajor); break;
    case 4: JR_F(batch_group)(4, e, count, cov, f, info, colmajor); break;
    case 5: JR_F(batch_group)(5, e, count, cov, f, info, colmajor); break;
    case 6: JR_F(batch_group)(6, e, count, cov, f, info, colmajor); break;
    default: JR_F(batch_group)(n, e, count, cov, f, info, colmajor); break;
    }
  }
}
