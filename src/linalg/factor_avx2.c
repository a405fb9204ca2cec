/* The own small Cholesky (factor.c, n <= JR_CHOL_OWN_MAX) vectorized ACROSS
 * matrices with AVX2: lane l of every vector holds the same entry of matrix
 * l, 4 float64 or 8 float32 matrices per vector (two vectors per step) (this
 * file only is compiled with -mavx2 -mfma; factor.c picks it per
 * jr_isa_active()). Each lane runs exactly the scalar operation sequence of
 * jr_potf2_* in factor.c (products rounded on their own, in-order sums from 0,
 * vsqrt and vdiv correctly rounded like sqrt and 1 / x), so its bytes are the
 * scalar path's: the point is throughput, since one 4 x 4 factorization is a
 * chain of four square roots and divisions that a single matrix cannot overlap.
 * A lane that fails (ajj <= 0, or a non-finite entry) is reported and left to
 * the caller, which takes the scalar route (LAPACK) for that matrix. */
#include <immintrin.h>

#include "linalg/factor.h"

#define JR_NN (JR_CHOL_OWN_MAX * JR_CHOL_OWN_MAX)

/* Inlined into each constant-n case, so the loops unroll and the matrix
 * lives in registers (a call with a variable n kept it in memory). */
#if defined(__GNUC__)
#define JR_INLINE inline __attribute__((always_inline))
#else
#define JR_INLINE inline
#endif

/* V: vector type, T: scalar, W: lanes; the intrinsics by suffix S. */
/* Matrices to lanes, raw[k][l] = entry k of matrix l (missing lanes repeat
 * matrix 0 and are discarded), and back: f[l] = the row-major factor of lane
 * l with its upper triangle zero (jr_factor_out_*). Scalar in general. */
#define JR_DEFINE_LANE_IO(NAME, T, L)                                          \
  static JR_INLINE void NAME##_in_any(int n, int64_t cnt, const T *cov,        \
                                      T raw[][L]) {                            \
    const int nn = n * n;                                                      \
    for (int l = 0; l < L; l++) {                                              \
      const T *c = cov + (l < cnt ? l : 0) * nn;                               \
      for (int k = 0; k < nn; k++)                                             \
        raw[k][l] = c[k];                                                      \
    }                                                                          \
  }                                                                            \
  static JR_INLINE void NAME##_out_any(int n, int64_t cnt, T raw[][L], T *f,   \
                                       int colmajor) {                         \
    const int nn = n * n;                                                      \
    for (int l = 0; l < cnt; l++) {                                            \
      T *fl = f + l * nn;                                                      \
      for (int i = 0; i < n; i++)                                              \
        for (int k = 0; k < n; k++)                                            \
          fl[colmajor ? k * n + i : i * n + k] =                               \
              k > i ? (T)0 : raw[i + k * n][l];                                \
    }                                                                          \
  }
JR_DEFINE_LANE_IO(jr_chol_lanes_d, double, 8)
JR_DEFINE_LANE_IO(jr_chol_lanes_s, float, 16)

/* 4 x 4 transpose of rows r[0..3]. */
static JR_INLINE void jr_tr4(__m256d r[4]) {
  const __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]);
  const __m256d t1 = _mm256_unpackhi_pd(r[0], r[1]);
  const __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]);
  const __m256d t3 = _mm256_unpackhi_pd(r[2], r[3]);
  r[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
  r[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
  r[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
  r[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

/* float64, n = 4, all 8 lanes (W4's case): whole-vector loads and 4 x 4
 * transposes instead of 128 scalar moves (whose vector reload also stalled
 * store forwarding). The same values move; nothing is computed. */
static JR_INLINE void jr_chol_lanes_d_in(int n, int64_t cnt, const double *cov,
                                         double raw[][8]) {
  if (n != 4 || cnt != 8) {
    jr_chol_lanes_d_in_any(n, cnt, cov, raw);
    return;
  }
  for (int g = 0; g < 2; g++)
    for (int q = 0; q < 4; q++) {
      __m256d r[4];
      for (int l = 0; l < 4; l++)
        r[l] = _mm256_loadu_pd(cov + (g * 4 + l) * 16 + 4 * q);
      jr_tr4(r);
      for (int k = 0; k < 4; k++)
        _mm256_store_pd(raw[4 * q + k] + g * 4, r[k]);
    }
}

static JR_INLINE void jr_chol_lanes_d_out(int n, int64_t cnt, double raw[][8],
                                          double *f, int colmajor) {
  if (n != 4 || cnt != 8) {
    jr_chol_lanes_d_out_any(n, cnt, raw, f, colmajor);
    return;
  }
  if (colmajor) {
    /* column j of each matrix: entries (i, j), zero above the diagonal */
    for (int g = 0; g < 2; g++)
      for (int j = 0; j < 4; j++) {
        __m256d r[4]; /* r[i] lanes: entry (i, j) of the group's matrices */
        for (int i = 0; i < 4; i++)
          r[i] = i < j ? _mm256_setzero_pd()
                       : _mm256_load_pd(raw[i + 4 * j] + g * 4);
        jr_tr4(r); /* r[l]: column j of matrix l */
        for (int l = 0; l < 4; l++)
          _mm256_storeu_pd(f + (g * 4 + l) * 16 + 4 * j, r[l]);
      }
    return;
  }
  /* keep[i]: lanes k <= i of row i (the upper triangle becomes +0) */
  const __m256d ones = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
  const __m256d keep[4] = {_mm256_blend_pd(_mm256_setzero_pd(), ones, 0x1),
                           _mm256_blend_pd(_mm256_setzero_pd(), ones, 0x3),
                           _mm256_blend_pd(_mm256_setzero_pd(), ones, 0x7),
                           ones};
  for (int g = 0; g < 2; g++)
    for (int i = 0; i < 4; i++) {
      __m256d r[4]; /* r[k] lanes: entry (i, k) of the group's matrices */
      for (int k = 0; k < 4; k++)
        r[k] = _mm256_load_pd(raw[i + 4 * k] + g * 4);
      jr_tr4(r); /* r[l]: row i of matrix l */
      for (int l = 0; l < 4; l++)
        _mm256_storeu_pd(f + (g * 4 + l) * 16 + 4 * i,
                         _mm256_and_pd(r[l], keep[i]));
    }
}

static JR_INLINE void jr_chol_lanes_s_in(int n, int64_t cnt, const float *cov,
                                         float raw[][16]) {
  jr_chol_lanes_s_in_any(n, cnt, cov, raw);
}
static JR_INLINE void jr_chol_lanes_s_out(int n, int64_t cnt, float raw[][16],
                                          float *f, int colmajor) {
  jr_chol_lanes_s_out_any(n, cnt, raw, f, colmajor);
}

/* JR_G groups of W lanes per call: the groups' chains are independent, so
 * the compiler interleaves them and the sqrt/div latency is hidden. */
#define JR_G 2
#define JR_DEFINE_CHOL_LANES(NAME, V, T, W, S)                                 \
  static JR_INLINE void NAME(int n, int64_t cnt, const T *cov, T *f,           \
                             unsigned char *ok, int colmajor) {                \
    const int nn = n * n;                                                      \
    enum { L = JR_G * W };                                                     \
    _Alignas(32) T raw[JR_NN][L];                                              \
    NAME##_in(n, cnt, cov, raw);                                               \
    V a[JR_G][JR_NN], bad[JR_G];                                               \
    const V two = _mm256_set1_##S((T)2), zero = _mm256_setzero_##S();          \
    const V one = _mm256_set1_##S((T)1);                                       \
    /* column-major a[i + j n] = (cov[i][j] + cov[j][i]) / 2, as jr_load_* */  \
    for (int i = 0; i < n; i++)                                                \
      for (int j = 0; j < n; j++)                                              \
        for (int g = 0; g < JR_G; g++)                                         \
          a[g][i + j * n] = _mm256_div_##S(                                    \
              _mm256_add_##S(_mm256_load_##S(raw[i * n + j] + g * W),          \
                             _mm256_load_##S(raw[j * n + i] + g * W)),         \
              two);                                                            \
    for (int g = 0; g < JR_G; g++)                                             \
      bad[g] = zero;                                                           \
    for (int j = 0; j < n; j++) {                                              \
      V r[JR_G];                                                               \
      for (int g = 0; g < JR_G; g++) {                                         \
        V dot = zero;                                                          \
        for (int k = 0; k < j; k++)                                            \
          dot = _mm256_add_##S(                                                \
              dot, _mm256_mul_##S(a[g][j + k * n], a[g][j + k * n]));          \
        V ajj = _mm256_sub_##S(a[g][j + j * n], dot);                          \
        /* the scalar path stops where ajj <= 0 (NaN goes on) */               \
        bad[g] = _mm256_or_##S(bad[g], _mm256_cmp_##S(ajj, zero, _CMP_LE_OQ)); \
        ajj = _mm256_sqrt_##S(ajj);                                            \
        a[g][j + j * n] = ajj;                                                 \
        r[g] = _mm256_div_##S(one, ajj);                                       \
      }                                                                        \
      for (int i = j + 1; i < n; i++)                                          \
        for (int g = 0; g < JR_G; g++) {                                       \
          V t = zero;                                                          \
          for (int k = 0; k < j; k++)                                          \
            t = _mm256_add_##S(                                                \
                t, _mm256_mul_##S(a[g][i + k * n], a[g][j + k * n]));          \
          if (j > 0) a[g][i + j * n] = _mm256_sub_##S(a[g][i + j * n], t);     \
          a[g][i + j * n] = _mm256_mul_##S(a[g][i + j * n], r[g]);             \
        }                                                                      \
    }                                                                          \
    /* finite: x * 0 == 0 (Inf and NaN give NaN) */                            \
    int badm = 0;                                                              \
    for (int g = 0; g < JR_G; g++) {                                           \
      for (int j = 0; j < n; j++)                                              \
        for (int i = j; i < n; i++)                                            \
          bad[g] = _mm256_or_##S(                                              \
              bad[g], _mm256_cmp_##S(_mm256_mul_##S(a[g][i + j * n], zero),    \
                                     zero, _CMP_NEQ_UQ));                      \
      badm |= _mm256_movemask_##S(bad[g]) << (g * W);                          \
      for (int k = 0; k < nn; k++) /* raw is free again: the results */        \
        _mm256_store_##S(raw[k] + g * W, a[g][k]);                             \
    }                                                                          \
    for (int l = 0; l < cnt; l++)                                              \
      ok[l] = !((badm >> l) & 1);                                              \
    NAME##_out(n, cnt, raw, f, colmajor);                                      \
  }                                                                            \
  /* constant n per case so the loops unroll into registers */                 \
  static void NAME##_all(int n, int64_t count, const T *cov, T *f,             \
                         unsigned char *ok, int colmajor) {                    \
    for (int64_t e = 0; e < count; e += JR_G * W) {                            \
      const int64_t cnt = count - e < JR_G * W ? count - e : JR_G * W;         \
      const T *c = cov + e * n * n;                                            \
      T *fe = f + e * n * n;                                                   \
      switch (n) {                                                             \
      case 1: NAME(1, cnt, c, fe, ok + e, colmajor); break;                    \
      case 2: NAME(2, cnt, c, fe, ok + e, colmajor); break;                    \
      case 3: NAME(3, cnt, c, fe, ok + e, colmajor); break;                    \
      default: NAME(4, cnt, c, fe, ok + e, colmajor); break;                   \
      }                                                                        \
    }                                                                          \
  }
_Static_assert(JR_CHOL_OWN_MAX == 4, "the lanes code is unrolled for n <= 4");
JR_DEFINE_CHOL_LANES(jr_chol_lanes_d, __m256d, double, 4, pd)
JR_DEFINE_CHOL_LANES(jr_chol_lanes_s, __m256, float, 8, ps)

void jr_chol_small_batch_avx2(jr_dtype dtype, int64_t n, int64_t count,
                              const void *cov, void *f, unsigned char *ok,
                              int colmajor) {
  if (dtype == JR_FLOAT32)
    jr_chol_lanes_s_all((int)n, count, cov, f, ok, colmajor);
  else
    jr_chol_lanes_d_all((int)n, count, cov, f, ok, colmajor);
}
