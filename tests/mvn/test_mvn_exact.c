/* multivariate_normal against independent models:
 *  (a) a slow long-double reference (own Cholesky; for eigh/svd LAPACK's
 *      factor, checked to reconstruct cov) over dtypes x methods x
 *      broadcasting cases, within 16 eps (|mean_i| + sum_j |F_ij z_j|);
 *  (b) the documented relation: bitwise mean + F z with F from
 *      jr_mvn_factor, z from jr_normal(shape + (n,)), the dot as in-order
 *      fused multiply-adds from 0; and exactly mean + d z for diagonal
 *      power-of-two factors; the eigh/svd factor equals the test's own
 *      LAPACKE call, the cholesky factor the model of its documented order
 *      (mvn_test.h) and LAPACKE's potrf within 16 n eps;
 *  (d) any row slice, any thread count, byte for byte;
 *  (f) JAX's own known answer (tests/data/mvn_jax_legacy.txt), legacy mode.
 */
#include <lapacke.h>
#include <pthread.h>

#include "mvn_test.h"

static const char *mname[] = {"cholesky", "eigh", "svd"};

/* ---- the test's own models ---------------------------------------- */

typedef struct {
  int mean_ndim, cov_ndim, shape_ndim; /* shape_ndim JR_SHAPE_NONE = None */
  int64_t mean_shape[4], cov_shape[5], shape[4];
} bcase;

/* Broadcast batch shapes; the result shape (without n) into out. */
static int model_batch(const bcase *c, int64_t *out) {
  if (c->shape_ndim != JR_SHAPE_NONE) {
    memcpy(out, c->shape, sizeof c->shape);
    return c->shape_ndim;
  }
  int mb = c->mean_ndim - 1, cb = c->cov_ndim - 2;
  int nd = mb > cb ? mb : cb;
  for (int d = 0; d < nd; d++) {
    int64_t a = d - (nd - mb) >= 0 ? c->mean_shape[d - (nd - mb)] : 1;
    int64_t b = d - (nd - cb) >= 0 ? c->cov_shape[d - (nd - cb)] : 1;
    out[d] = a == 1 ? b : a;
  }
  return nd;
}

/* Flat index into a batch shape (bnd dims) broadcast against out batch. */
static int64_t model_source(int ond, const int64_t *oshape, int64_t row,
                            int bnd, const int64_t *bshape) {
  int64_t idx[8];
  for (int d = ond - 1; d >= 0; d--) {
    idx[d] = row % oshape[d];
    row /= oshape[d];
  }
  int64_t flat = 0;
  for (int j = 0; j < bnd; j++) {
    int d = j + (ond - bnd);
    flat = flat * bshape[j] + (bshape[j] == 1 ? 0 : idx[d]);
  }
  return flat;
}

/* Cholesky in long double (cov symmetric positive definite). */
static void model_cholesky(int n, const double *c, long double *l) {
  for (int i = 0; i < n * n; i++)
    l[i] = 0;
  for (int j = 0; j < n; j++) {
    long double s = c[j * n + j];
    for (int k = 0; k < j; k++)
      s -= l[j * n + k] * l[j * n + k];
    l[j * n + j] = sqrtl(s);
    for (int i = j + 1; i < n; i++) {
      long double t = c[i * n + j];
      for (int k = 0; k < j; k++)
        t -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = t / l[j * n + j];
    }
  }
}

/* The factor through the test's own LAPACKE call (column-major, as JAX),
 * widened to double. */
static void lapack_factor(int method, jr_dtype P, int n, const double *c,
                          double *f) {
  double a[64], w[8], u[64], vt[64];
  float af[64], wf[8], uf[64], vtf[64];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      if (P == JR_FLOAT32) {
        float x = (float)c[i * n + j];
        if (method != JR_SVD) x = (x + (float)c[j * n + i]) / 2.0f;
        af[i + j * n] = x;
      } else {
        double x = c[i * n + j];
        if (method != JR_SVD) x = (x + c[j * n + i]) / 2.0;
        a[i + j * n] = x;
      }
    }
  int info;
  if (P == JR_FLOAT32) {
    info = method == JR_CHOLESKY
               ? LAPACKE_spotrf(LAPACK_COL_MAJOR, 'L', n, af, n)
           : method == JR_EIGH
               ? LAPACKE_ssyevd(LAPACK_COL_MAJOR, 'V', 'L', n, af, n, wf)
               : LAPACKE_sgesdd(LAPACK_COL_MAJOR, 'A', n, n, af, n, wf, uf, n,
                                vtf, n);
  } else {
    info =
        method == JR_CHOLESKY ? LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', n, a, n)
        : method == JR_EIGH
            ? LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', n, a, n, w)
            : LAPACKE_dgesdd(LAPACK_COL_MAJOR, 'A', n, n, a, n, w, u, n, vt, n);
  }
  CHECK(info == 0, "LAPACK info %d", info);
  for (int i = 0; i < n; i++)
    for (int k = 0; k < n; k++) {
      double v;
      if (P == JR_FLOAT32) {
        const float *src = method == JR_SVD ? uf : af;
        v = method == JR_CHOLESKY ? (k > i ? 0.0f : src[i + k * n])
                                  : src[i + k * n] * sqrtf(wf[k]);
      } else {
        const double *src = method == JR_SVD ? u : a;
        v = method == JR_CHOLESKY ? (k > i ? 0.0 : src[i + k * n])
                                  : src[i + k * n] * sqrt(w[k]);
      }
      f[i * n + k] = v;
    }
}

/* ---- (a) + (b) ------------------------------------------------------- */

typedef struct {
  jr_dtype mean, cov, arg;
} dcase;

static void run_case(const bcase *bc, const dcase *dc, int method, int layout,
                     jr_mode mode, uint32_t seed) {
  const int n = (int)bc->mean_shape[bc->mean_ndim - 1];
  const int nn = n * n;
  int64_t mcount = 1, ccount = 1;
  for (int i = 0; i < bc->mean_ndim - 1; i++)
    mcount *= bc->mean_shape[i];
  for (int i = 0; i < bc->cov_ndim - 2; i++)
    ccount *= bc->cov_shape[i];
  /* Values exact in every dtype used, including bool and uint8: means are
   * small non-negative integers; covs B B^T + n I with B in {0, 1}. */
  double *mv = mt_alloc(sizeof *mv * (size_t)(mcount * n + 1));
  double *cv = mt_alloc(sizeof *cv * (size_t)(ccount * nn + 1));
  uint64_t rs = seed;
  int is_bool = dc->mean == JR_BOOL || dc->cov == JR_BOOL;
  for (int64_t k = 0; k < mcount * n; k++)
    mv[k] = (double)mt_below(&rs, is_bool ? 2 : 5);
  for (int64_t b = 0; b < ccount; b++) {
    double bm[64];
    for (int k = 0; k < nn; k++)
      bm[k] = (double)mt_below(&rs, 2);
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        double s = i == j ? n : 0;
        for (int k = 0; k < n; k++)
          s += bm[i * n + k] * bm[j * n + k];
        cv[b * nn + i * n + j] = dc->cov == JR_BOOL ? (i == j) : s;
      }
  }
  mt_array mean, cov;
  mt_make(&mean, dc->mean, bc->mean_ndim, bc->mean_shape, mv,
          layout == MT_TRANSPOSED ? MT_STRIDED : layout);
  mt_make(&cov, dc->cov, bc->cov_ndim, bc->cov_shape, cv, layout);

  const jr_dtype P = mt_promote(dc->mean, dc->cov);
  const jr_dtype Z = dc->arg == JR_DTYPE_NONE ? P : dc->arg;
  const jr_dtype R = mt_promote(P, Z);
  int64_t bshape[8] = {0}, oshape[8];
  const int bnd = model_batch(bc, bshape);
  memcpy(oshape, bshape, sizeof bshape);
  oshape[bnd] = n;
  int64_t rows = 1;
  for (int d = 0; d < bnd; d++)
    rows *= bshape[d];

  jr_dtype got_dtype;
  int got_ndim;
  int64_t got_shape[JR_MAX_NDIM];
  const int64_t *shp = bc->shape_ndim == JR_SHAPE_NONE ? NULL : bc->shape;
  CHECK_OK(jr_multivariate_normal_shape(&mean.view, &cov.view, bc->shape_ndim,
                                        shp, dc->arg, (jr_method)method,
                                        &got_dtype, &got_ndim, got_shape));
  CHECK(got_dtype == R && got_ndim == bnd + 1 &&
            !memcmp(got_shape, oshape, sizeof *oshape * (size_t)(bnd + 1)),
        "shape/dtype: got %s ndim %d, expected %s ndim %d",
        jr_dtype_name(got_dtype), got_ndim, jr_dtype_name(R), bnd + 1);

  jr_ctx *ctx = mt_ctx(mode, 1);
  jr_key key = jr_key_from_seed(seed, 0);
  const size_t rsz = jr_dtype_size(R);
  void *out = mt_alloc((size_t)(rows * n) * rsz);
  void *z = mt_alloc((size_t)(rows * n) * jr_dtype_size(Z));
  jr_array ov = {out, R, bnd + 1, oshape, NULL};
  CHECK_OK(jr_multivariate_normal(ctx, key, &mean.view, &cov.view,
                                  bc->shape_ndim, shp, dc->arg,
                                  (jr_method)method, &ov));
  CHECK_OK(jr_normal(ctx, key, Z, bnd + 1, oshape, z));
  jr_mvn *m = NULL;
  CHECK_OK(jr_mvn_create(ctx, &mean.view, &cov.view, bc->shape_ndim, shp,
                         dc->arg, (jr_method)method, &m));
  if (!m) goto out;

  const double eps = mt_eps(P); /* the factor's rounding dominates */
  double worst = 0;
  for (int64_t r = 0; r < rows; r++) {
    int64_t mi =
        model_source(bnd, bshape, r, bc->mean_ndim - 1, bc->mean_shape);
    int64_t ci = model_source(bnd, bshape, r, bc->cov_ndim - 2, bc->cov_shape);
    const double *c = cv + ci * nn;
    double flib[64], flap[64];
    long double fref[64];
    CHECK_OK(jr_mvn_factor(m, r, flib));
    lapack_factor(method, P, n, c, flap);
    if (method == JR_CHOLESKY) {
      /* the own Cholesky: bitwise its documented order (mvn_test.h's
       * model); LAPACK's potrf, whose bytes vary by CPU, within a few ulp */
      double fmod[64], fmax = 0, diff = 0;
      if (P == JR_FLOAT32)
        mt_chol_model_f32(n, c, fmod);
      else
        mt_chol_model_f64(n, c, fmod);
      CHECK(!memcmp(flib, fmod, sizeof(double) * (size_t)nn),
            "cholesky: factor differs from the model of the documented "
            "order (row %lld)",
            (long long)r);
      for (int k = 0; k < nn; k++) {
        fmax = fmax > fabs(flap[k]) ? fmax : fabs(flap[k]);
        diff = diff > fabs(flap[k] - flib[k]) ? diff : fabs(flap[k] - flib[k]);
      }
      CHECK(diff <= 16 * n * eps * fmax,
            "cholesky: factor %g from the test's own LAPACKE call (row %lld)",
            diff, (long long)r);
    } else {
      CHECK(!memcmp(flib, flap, sizeof(double) * (size_t)nn),
            "%s: factor differs from the test's own LAPACKE call (row %lld)",
            mname[method], (long long)r);
    }
    if (method == JR_CHOLESKY) {
      model_cholesky(n, c, fref);
    } else {
      /* LAPACK's signs are LAPACK's: check F F^T reconstructs cov. */
      for (int k = 0; k < nn; k++)
        fref[k] = flib[k];
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
          long double s = 0;
          for (int k = 0; k < n; k++)
            s += (long double)flib[i * n + k] * flib[j * n + k];
          CHECK(fabsl(s - c[i * n + j]) <= 64 * eps * 4 * n,
                "%s: (F F^T)[%d,%d] = %Lg, cov %g", mname[method], i, j, s,
                c[i * n + j]);
        }
    }
    for (int i = 0; i < n; i++) {
      const double x = mt_get(R, out, r * n + i);
      long double ref = mv[mi * n + i], mag = fabs(mv[mi * n + i]);
      for (int j = 0; j < n; j++) {
        long double t = fref[i * n + j] * (long double)mt_get(Z, z, r * n + j);
        ref += t;
        mag += fabsl(t);
      }
      double err = (double)fabsl(x - ref), bound = 16 * eps * (double)mag;
      if (mag > 0 && err / (double)mag > worst) worst = err / (double)mag;
      CHECK(err <= bound,
            "(a) %s P=%s Z=%s R=%s row %lld i %d: got %.9g ref %.12Lg",
            mname[method], jr_dtype_name(P), jr_dtype_name(Z), jr_dtype_name(R),
            (long long)r, i, x, ref);
      /* (b) bitwise relation with XLA's dot model */
      if (R == JR_FLOAT32) {
        float acc = 0.0f;
        for (int j = 0; j < n; j++)
          acc =
              fmaf((float)flib[i * n + j], (float)mt_get(Z, z, r * n + j), acc);
        float want = (float)mv[mi * n + i] + acc;
        CHECK(!memcmp(&want, (const float *)out + r * n + i, 4),
              "(b) %s row %lld i %d: %.9g != model %.9g", mname[method],
              (long long)r, i, x, want);
      } else {
        double acc = 0.0;
        for (int j = 0; j < n; j++)
          acc = fma(flib[i * n + j], mt_get(Z, z, r * n + j), acc);
        double want = mv[mi * n + i] + acc;
        CHECK(!memcmp(&want, (const double *)out + r * n + i, 8),
              "(b) %s row %lld i %d: %.17g != model %.17g", mname[method],
              (long long)r, i, x, want);
      }
    }
  }
  /* factor reuse: another key through the same object == one-shot call */
  {
    jr_key k2 = jr_fold_in(key, 7);
    void *o1 = mt_alloc((size_t)(rows * n) * rsz);
    void *o2 = mt_alloc((size_t)(rows * n) * rsz);
    jr_array v1 = {o1, R, bnd + 1, oshape, NULL};
    CHECK_OK(jr_multivariate_normal(ctx, k2, &mean.view, &cov.view,
                                    bc->shape_ndim, shp, dc->arg,
                                    (jr_method)method, &v1));
    CHECK_OK(jr_mvn_sample_rows(m, ctx, k2, 0, rows, o2));
    CHECK(!memcmp(o1, o2, (size_t)(rows * n) * rsz),
          "factor reuse differs from the one-shot call");
    free(o1);
    free(o2);
  }
  (void)worst;
out:
  jr_mvn_free(m);
  jr_ctx_free(ctx);
  free(out);
  free(z);
  free(mv);
  free(cv);
  mt_free(&mean);
  mt_free(&cov);
}

static void test_reference(void) {
  static const bcase cases[] = {
      /* shape=None, plain */
      {1, 2, JR_SHAPE_NONE, {3}, {3, 3}, {0}},
      /* shape given, unbatched parameters */
      {1, 2, 2, {3}, {3, 3}, {4, 2}},
      /* scalar-like batch: shape=() */
      {1, 2, 0, {4}, {4, 4}, {0}},
      /* both batched, broadcast against each other */
      {3, 3, JR_SHAPE_NONE, {2, 1, 3}, {4, 3, 3}, {0}},
      /* mean batched, cov not */
      {2, 2, JR_SHAPE_NONE, {5, 3}, {3, 3}, {0}},
      /* cov batched, mean not */
      {1, 3, JR_SHAPE_NONE, {2}, {5, 2, 2}, {0}},
      /* 1-sized dims with a shape argument */
      {2, 4, 3, {1, 3}, {1, 1, 3, 3}, {2, 1, 3}},
      /* n = 1 */
      {1, 3, 2, {1}, {4, 1, 1}, {2, 4}},
  };
  static const dcase dts[] = {
      {JR_FLOAT32, JR_FLOAT32, JR_DTYPE_NONE},
      {JR_FLOAT64, JR_FLOAT64, JR_DTYPE_NONE},
      {JR_INT32, JR_FLOAT32, JR_DTYPE_NONE},
      {JR_BOOL, JR_INT16, JR_DTYPE_NONE},
      {JR_UINT8, JR_INT64, JR_FLOAT32},
      {JR_FLOAT16, JR_FLOAT32, JR_FLOAT16},
      {JR_BFLOAT16, JR_FLOAT16, JR_BFLOAT16},
      {JR_FLOAT32, JR_INT8, JR_FLOAT64},
      {JR_FLOAT64, JR_FLOAT32, JR_FLOAT32},
      {JR_UINT16, JR_FLOAT64, JR_FLOAT16},
      {JR_INT8, JR_FLOAT64, JR_BFLOAT16},
  };
  const int nc = (int)(sizeof cases / sizeof *cases);
  const int nd = (int)(sizeof dts / sizeof *dts);
  uint32_t seed = 100;
  for (int c = 0; c < nc; c++)
    for (int d = 0; d < nd; d++)
      for (int method = 0; method < 3; method++) {
        seed++;
        run_case(&cases[c], &dts[d], method, (int)(seed % 3),
                 seed % 5 == 0 ? JR_LEGACY : JR_PARTITIONABLE, seed);
      }
}

/* (b) exactness for diagonal power-of-two factors: mean + d * z. */
static void test_diagonal_exact(void) {
  const int64_t n = 4, ms[1] = {4}, cs[2] = {4, 4}, shape[1] = {300};
  const double mvals[4] = {1.5, -3, 0.25, 1e3};
  const double diag[4] = {4, 0.25, 16, 1};
  double cvals[16] = {0};
  for (int i = 0; i < 4; i++)
    cvals[i * 4 + i] = diag[i];
  const jr_dtype dts[2] = {JR_FLOAT32, JR_FLOAT64};
  for (int t = 0; t < 2; t++)
    for (int method = 0; method < 3; method++) {
      mt_array mean, cov;
      mt_make(&mean, dts[t], 1, ms, mvals, MT_CONTIGUOUS);
      mt_make(&cov, dts[t], 2, cs, cvals, MT_CONTIGUOUS);
      int64_t oshape[2] = {300, 4};
      size_t sz = jr_dtype_size(dts[t]);
      void *out = mt_alloc(300 * 4 * sz), *z = mt_alloc(300 * 4 * sz);
      jr_array ov = {out, dts[t], 2, oshape, NULL};
      jr_key key = jr_key_from_seed(42 + method, 0);
      CHECK_OK(jr_multivariate_normal(NULL, key, &mean.view, &cov.view, 1,
                                      shape, JR_DTYPE_NONE, (jr_method)method,
                                      &ov));
      CHECK_OK(jr_normal(NULL, key, dts[t], 2, oshape, z));
      jr_mvn *m = NULL;
      double f[16];
      CHECK_OK(jr_mvn_create(NULL, &mean.view, &cov.view, 1, shape,
                             JR_DTYPE_NONE, (jr_method)method, &m));
      CHECK_OK(jr_mvn_factor(m, 0, f));
      jr_mvn_free(m);
      for (int64_t r = 0; r < 300; r++)
        for (int i = 0; i < n; i++) {
          /* one non-zero +-power of two per row of the factor */
          int j0 = -1;
          for (int j = 0; j < n; j++)
            if (f[i * n + j] != 0) j0 = j;
          CHECK(j0 >= 0 && fabs(f[i * n + j0]) == sqrt(diag[i]),
                "%s: factor row %d is not a power of two", mname[method], i);
          if (j0 < 0) continue;
          if (dts[t] == JR_FLOAT32) {
            float want = (float)mvals[i] +
                         (float)f[i * n + j0] * ((float *)z)[r * n + j0];
            CHECK(want == ((float *)out)[r * n + i],
                  "diagonal %s f32 row %lld: %.9g != %.9g", mname[method],
                  (long long)r, ((float *)out)[r * n + i], want);
          } else {
            double want = mvals[i] + f[i * n + j0] * ((double *)z)[r * n + j0];
            CHECK(want == ((double *)out)[r * n + i],
                  "diagonal %s f64 row %lld", mname[method], (long long)r);
          }
        }
      if (method == JR_CHOLESKY) /* the factor is diag(sqrt(diag)) itself */
        for (int i = 0; i < n; i++)
          CHECK(f[i * n + i] == sqrt(diag[i]), "cholesky diag %d", i);
      free(out);
      free(z);
      mt_free(&mean);
      mt_free(&cov);
    }
}

/* ---- (d) row slices and thread counts ------------------------------- */

static void test_slices(void) {
  uint64_t rs = 2024;
  for (int trial = 0; trial < 6; trial++) {
    /* trial 5: n = 8 and ~30000 rows, enough work for 3 threads */
    const int n = trial == 5 ? 8 : 1 + (int)mt_below(&rs, 8);
    const int bnd = 1 + (int)mt_below(&rs, 3);
    int64_t bshape[4], oshape[4], cshape[4];
    int64_t rows = 1;
    for (int d = 0; d < bnd; d++) {
      bshape[d] = 1 + mt_below(&rs, 12);
      rows *= bshape[d];
    }
    if (trial == 5) { /* large enough for several threads */
      bshape[0] = 30000 / (rows / bshape[0]) + 1;
      rows = 1;
      for (int d = 0; d < bnd; d++)
        rows *= bshape[d];
    }
    memcpy(oshape, bshape, sizeof bshape);
    oshape[bnd] = n;
    /* cov batched along the last batch axis, mean unbatched */
    cshape[0] = bshape[bnd - 1];
    cshape[1] = cshape[2] = n;
    double *cv = mt_alloc(sizeof(double) * (size_t)(cshape[0] * n * n));
    double mv[8];
    for (int i = 0; i < n; i++)
      mv[i] = (double)i - 2;
    for (int64_t b = 0; b < cshape[0]; b++)
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
          cv[(b * n + i) * n + j] = i == j ? 2.0 + (double)b : 0.5;
    const jr_dtype zt[3] = {JR_FLOAT32, JR_FLOAT16, JR_FLOAT64};
    const jr_dtype pt = trial % 2 ? JR_FLOAT64 : JR_FLOAT32;
    const jr_dtype arg = zt[trial % 3];
    const jr_mode mode = trial % 2 ? JR_LEGACY : JR_PARTITIONABLE;
    mt_array mean, cov;
    const int64_t msh[1] = {n};
    mt_make(&mean, pt, 1, msh, mv, MT_CONTIGUOUS);
    mt_make(&cov, pt, 3, cshape, cv, MT_CONTIGUOUS);
    jr_ctx *c1 = mt_ctx(mode, 1);
    jr_mvn *m = NULL;
    const int method = trial % 3;
    CHECK_OK(jr_mvn_create(c1, &mean.view, &cov.view, bnd, bshape, arg,
                           (jr_method)method, &m));
    if (!m) continue;
    jr_dtype R;
    int64_t got_rows, got_n;
    CHECK_OK(jr_mvn_describe(m, &R, NULL, NULL, &got_rows, &got_n));
    CHECK(got_rows == rows && got_n == n, "describe rows/n");
    const size_t rowbytes = (size_t)n * jr_dtype_size(R);
    char *full = mt_alloc((size_t)rows * rowbytes);
    char *part = mt_alloc((size_t)rows * rowbytes);
    jr_key key = jr_key_from_seed(7 + trial, 0);
    CHECK_OK(jr_mvn_sample_rows(m, c1, key, 0, rows, full));
    for (int threads = 1; threads <= 3; threads++) {
      jr_ctx *ct = mt_ctx(mode, threads);
      CHECK_OK(jr_mvn_sample_rows(m, ct, key, 0, rows, part));
      CHECK(!memcmp(full, part, (size_t)rows * rowbytes),
            "trial %d: %d threads differ from 1 thread", trial, threads);
      for (int s = 0; s < 8; s++) {
        int64_t a = mt_below(&rs, rows + 1), b = mt_below(&rs, rows + 1);
        if (a > b) {
          int64_t t = a;
          a = b;
          b = t;
        }
        CHECK_OK(jr_mvn_sample_rows(m, ct, key, a, b, part));
        CHECK(!memcmp(full + (size_t)a * rowbytes, part,
                      (size_t)(b - a) * rowbytes),
              "trial %d: rows [%lld, %lld) with %d threads differ", trial,
              (long long)a, (long long)b, threads);
      }
      jr_ctx_free(ct);
    }
    /* the one-shot call, on all cores */
    jr_array ov = {part, R, bnd + 1, oshape, NULL};
    jr_ctx *c0 = mt_ctx(mode, 0);
    CHECK_OK(jr_multivariate_normal(c0, key, &mean.view, &cov.view, bnd, bshape,
                                    arg, (jr_method)method, &ov));
    CHECK(!memcmp(full, part, (size_t)rows * rowbytes),
          "trial %d: one-shot differs from sample_rows", trial);
    jr_ctx_free(c0);
    jr_ctx_free(c1);
    jr_mvn_free(m);
    free(full);
    free(part);
    free(cv);
    mt_free(&mean);
    mt_free(&cov);
  }
}

/* ---- the object may be sampled from several threads at once ---------- */

typedef struct {
  const jr_mvn *m;
  jr_key key;
  int64_t rows;
  double *out;
  jr_status st;
} sampler;

static void *sample_thread(void *p) {
  sampler *s = p;
  for (int rep = 0; rep < 4 && s->st == JR_OK; rep++)
    s->st = jr_mvn_sample_rows(s->m, NULL, s->key, 0, s->rows, s->out);
  return NULL;
}

static void test_concurrent(void) {
  const int64_t ms[1] = {4}, cs[3] = {2, 4, 4}, shape[2] = {500, 2};
  double mv[4] = {1, 2, 3, 4}, cv[32];
  for (int b = 0; b < 2; b++)
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 4; j++)
        cv[b * 16 + i * 4 + j] = i == j ? 3.0 + b : 0.25;
  mt_array mean, cov;
  mt_make(&mean, JR_FLOAT64, 1, ms, mv, MT_CONTIGUOUS);
  mt_make(&cov, JR_FLOAT64, 3, cs, cv, MT_CONTIGUOUS);
  jr_mvn *m = NULL;
  CHECK_OK(jr_mvn_create(NULL, &mean.view, &cov.view, 2, shape, JR_DTYPE_NONE,
                         JR_EIGH, &m));
  if (m) {
    enum { T = 3 };
    const int64_t rows = 1000;
    sampler s[T];
    pthread_t tid[T];
    double *want = mt_alloc(sizeof(double) * 4 * (size_t)rows);
    for (int t = 0; t < T; t++) {
      s[t] = (sampler){m, jr_key_from_seed(t, 0), rows,
                       mt_alloc(sizeof(double) * 4 * (size_t)rows), JR_OK};
      pthread_create(&tid[t], NULL, sample_thread, &s[t]);
    }
    for (int t = 0; t < T; t++)
      pthread_join(tid[t], NULL);
    for (int t = 0; t < T; t++) {
      CHECK(s[t].st == JR_OK, "concurrent sampling failed");
      CHECK_OK(jr_mvn_sample_rows(m, NULL, s[t].key, 0, rows, want));
      CHECK(!memcmp(want, s[t].out, sizeof(double) * 4 * (size_t)rows),
            "thread %d: concurrent samples differ from serial ones", t);
      free(s[t].out);
    }
    free(want);
  }
  jr_mvn_free(m);
  mt_free(&mean);
  mt_free(&cov);
}

/* ---- (f) JAX's known answer ----------------------------------------- */

static int read_line(FILE *f, const char *tag, double *v, int max) {
  char line[1024];
  rewind(f);
  size_t tl = strlen(tag);
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, tag, tl) || line[tl] != ' ') continue;
    int k = 0;
    char *p = line + tl, *e;
    while (k < max) {
      double x = strtod(p, &e);
      if (e == p) break;
      v[k++] = x;
      p = e;
    }
    return k;
  }
  return -1;
}

static void test_jax_legacy(void) {
  FILE *f = fopen(JR_TEST_DATA_DIR "/mvn_jax_legacy.txt", "r");
  CHECK(f != NULL, "cannot open mvn_jax_legacy.txt");
  if (!f) return;
  double seed, ms[2], mv[3], cs[2], cv[9], sh[1], es[2], ev[6], tol;
  int ok = read_line(f, "seed", &seed, 1) == 1 &&
           read_line(f, "mean_shape", ms, 2) == 2 &&
           read_line(f, "mean", mv, 3) == 3 &&
           read_line(f, "cov_shape", cs, 2) == 2 &&
           read_line(f, "cov", cv, 9) == 9 &&
           read_line(f, "shape", sh, 1) == 1 &&
           read_line(f, "expected_shape", es, 2) == 2 &&
           read_line(f, "expected", ev, 6) == 6 &&
           read_line(f, "tolerance", &tol, 1) == 1;
  fclose(f);
  CHECK(ok, "malformed mvn_jax_legacy.txt");
  if (!ok) return;
  /* integer mean and cov, as in JAX's test (Python ints -> int32) */
  const int64_t msh[2] = {(int64_t)ms[0], (int64_t)ms[1]};
  const int64_t csh[2] = {(int64_t)cs[0], (int64_t)cs[1]};
  const int64_t shape[1] = {(int64_t)sh[0]};
  mt_array mean, cov;
  mt_make(&mean, JR_INT32, 2, msh, mv, MT_CONTIGUOUS);
  mt_make(&cov, JR_INT32, 2, csh, cv, MT_CONTIGUOUS);
  float out[6];
  int64_t osh[2] = {(int64_t)es[0], (int64_t)es[1]};
  jr_array ov = {out, JR_FLOAT32, 2, osh, NULL};
  jr_ctx *ctx = mt_ctx(JR_LEGACY, 1);
  CHECK_OK(jr_multivariate_normal(ctx, jr_key_from_seed((int64_t)seed, 0),
                                  &mean.view, &cov.view, 1, shape, JR_FLOAT32,
                                  JR_CHOLESKY, &ov));
  for (int i = 0; i < 6; i++)
    CHECK(fabs(out[i] - ev[i]) <= tol + tol * fabs(ev[i]),
          "JAX legacy value %d: %.7f, JAX %.6f", i, out[i], ev[i]);
  jr_ctx_free(ctx);
  mt_free(&mean);
  mt_free(&cov);
}

/* OpenBLAS's syevd/gesdd bytes depend on its thread count; jr_mvn_create
 * factors with OpenBLAS pinned to one thread, so the test's own LAPACKE
 * calls must run the same way to be comparable byte for byte. */
void openblas_set_num_threads(int);

int main(void) {
  openblas_set_num_threads(1);
  test_jax_legacy();
  test_reference();
  test_diagonal_exact();
  test_slices();
  test_concurrent();
  return tu_finish("test_mvn_exact");
}
