/* The transform paths of multivariate_normal (see
 * docs/multivariate_normal.md, "Transform paths"):
 *  (a) n <= 16, every kernel set the CPU supports: bitwise the in-order fma
 *      model (XLA's dot) with jr_mvn_factor and jr_normal, batched and
 *      broadcast factors and means, both modes, mixed dtypes, one factor for
 *      all rows with 1 row to several blocks; the same bytes on every kernel
 *      set; cholesky factors bitwise the test's model of the documented
 *      order (docs/linalg.md);
 *  (b) n > 16 (the packed product, jr_product): the same bitwise models,
 *      and within 16 eps (|mean_i| + sum_j |F_ij z_j|) of the long-double
 *      sum, cholesky and eigh/svd, factors that change every row; any row
 *      slice and 1-3 threads byte for byte; the same bytes on every kernel
 *      set; OpenBLAS's thread count is restored after sampling;
 *  (c) the own Cholesky for n <= 5: a factor is the same alone, in a batch
 *      and from the model, also for matrices that fail (NaN factor) or hold
 *      NaN/Inf next to good ones, and within a tolerance of the test's own
 *      LAPACKE call;
 *  (d) jr_multivariate_normal with one covariance per row, n <= 40 (the
 *      one-shot path that factors and samples block by block for cholesky):
 *      the bytes of jr_mvn_create + jr_mvn_sample_rows, for every method
 *      (eigh and svd take create + sample inside), mixed dtypes,
 *      shared or batched means, failing matrices among good ones, 1-3
 *      threads and every kernel set.
 */
#include <cblas.h>
#include <lapacke.h>

#include "mvn_test.h"

static const char *mname[] = {"cholesky", "eigh", "svd"};

/* Covariances B B^T + d I with B uniform in [-1/2, 1/2), per batch element. */
static void make_covs(uint64_t *rs, int n, int64_t count, double d,
                      double *cv) {
  double *b = mt_alloc(sizeof *b * (size_t)(n * n));
  for (int64_t e = 0; e < count; e++) {
    for (int k = 0; k < n * n; k++)
      b[k] = (double)(mt_next(rs) >> 11) * 0x1p-53 - 0.5;
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        double s = i == j ? d : 0;
        for (int k = 0; k < n; k++)
          s += b[i * n + k] * b[j * n + k];
        cv[(e * n + i) * n + j] = s;
      }
  }
  free(b);
}

/* Every kernel set the CPU supports, for the loops below. */
static int isa_list(jr_isa *out) {
  int k = 0;
  const jr_isa all[3] = {JR_ISA_REF, JR_ISA_AVX2, JR_ISA_AVX512};
  for (int i = 0; i < 3; i++)
    if (jr_isa_supported(all[i])) out[k++] = all[i];
  return k;
}

/* One case: mean (mb, n), cov (cb, n, n), output batch (rows): mean and cov
 * broadcast against it (mb, cb are 1 or rows). Returns the output of every
 * supported kernel set in outs[isa index] (caller frees). */
typedef struct {
  int n;
  int64_t rows, mb, cb;
  jr_dtype P, Z; /* mean/cov dtype, dtype argument */
  jr_method method;
  jr_mode mode;
} pcase;

static void run_case(const pcase *pc, uint64_t seed) {
  const int n = pc->n;
  uint64_t rs = seed;
  double *mv = mt_alloc(sizeof *mv * (size_t)(pc->mb * n));
  double *cv = mt_alloc(sizeof *cv * (size_t)(pc->cb * n * n));
  for (int64_t k = 0; k < pc->mb * n; k++)
    mv[k] = (double)(mt_next(&rs) >> 11) * 0x1p-49 - 8.0;
  make_covs(&rs, n, pc->cb, 0.25, cv);
  mt_array mean, cov;
  const int64_t msh[2] = {pc->mb, n}, csh[3] = {pc->cb, n, n};
  mt_make(&mean, pc->P, 2, msh, mv, MT_CONTIGUOUS);
  mt_make(&cov, pc->P, 3, csh, cv, MT_CONTIGUOUS);
  const int64_t shape[1] = {pc->rows};
  const jr_dtype R = mt_promote(pc->P, pc->Z);
  const size_t rsz = jr_dtype_size(R), rowb = (size_t)n * rsz;
  const int64_t rows = pc->rows;
  jr_ctx *c1 = mt_ctx(pc->mode, 1);
  jr_mvn *m = NULL;
  CHECK_OK(jr_mvn_create(c1, &mean.view, &cov.view, 1, shape, pc->Z, pc->method,
                         &m));
  char *first = mt_alloc((size_t)rows * rowb),
       *out = mt_alloc((size_t)rows * rowb);
  void *z = mt_alloc((size_t)(rows * n) * jr_dtype_size(pc->Z));
  double *f = mt_alloc(sizeof *f * (size_t)(n * n));
  jr_key key = jr_key_from_seed((int64_t)seed, 0);
  const int64_t zshape[2] = {rows, n};
  CHECK_OK(jr_normal(c1, key, pc->Z, 2, zshape, z));
  jr_isa isas[3];
  const int nisa = isa_list(isas);
  for (int s = 0; m && s < nisa; s++) {
    CHECK_OK(jr_isa_select(isas[s]));
    char *o = s == 0 ? first : out;
    CHECK_OK(jr_mvn_sample_rows(m, c1, key, 0, rows, o));
    if (s > 0)
      CHECK(!memcmp(first, o, (size_t)rows * rowb),
            "n %d %s: kernel set %s differs from %s", n, mname[pc->method],
            jr_isa_name(isas[s]), jr_isa_name(isas[0]));
    if (s > 0) continue;
    const double eps = mt_eps(R);
    for (int64_t r = 0; r < rows; r++) {
      CHECK_OK(jr_mvn_factor(m, r, f));
      if (pc->method == JR_CHOLESKY && r < pc->cb) { /* each cov once */
        double *fm = mt_alloc(sizeof *fm * (size_t)(n * n));
        if (pc->P == JR_FLOAT64)
          mt_chol_model_f64(n, cv + r * n * n, fm);
        else
          mt_chol_model_f32(n, cv + r * n * n, fm);
        CHECK(!memcmp(fm, f, sizeof *f * (size_t)(n * n)),
              "n %d row %lld: factor differs from the model of the "
              "documented order",
              n, (long long)r);
        free(fm);
      }
      const double *mu = mv + (pc->mb == 1 ? 0 : r) * n;
      for (int i = 0; i < n; i++) {
        /* the mean as the library holds it: rounded to P */
        const double mi = R == JR_FLOAT32 || pc->P == JR_FLOAT32
                              ? (double)(float)mu[i]
                              : mu[i];
        const double x = mt_get(R, o, r * n + i);
        { /* (a), (b) bitwise the in-order model */
          if (R == JR_FLOAT32) {
            float acc = 0.0f;
            for (int j = 0; j < n; j++)
              acc = fmaf((float)f[i * n + j],
                         (float)mt_get(pc->Z, z, r * n + j), acc);
            float want = (float)mi + acc;
            CHECK(!memcmp(&want, o + (size_t)(r * n + i) * 4, 4),
                  "(a) n %d row %lld i %d: %.9g != model %.9g", n, (long long)r,
                  i, x, want);
          } else {
            double acc = 0.0;
            for (int j = 0; j < n; j++)
              acc = fma(f[i * n + j], mt_get(pc->Z, z, r * n + j), acc);
            double want = mi + acc;
            CHECK(!memcmp(&want, o + (size_t)(r * n + i) * 8, 8),
                  "(a) n %d row %lld i %d: %.17g != model %.17g", n,
                  (long long)r, i, x, want);
          }
        }
        if (n > 16) { /* (b) and the bound against the long-double sum */
          long double ref = mi, mag = fabs(mi);
          for (int j = 0; j < n; j++) {
            long double t = (long double)f[i * n + j] *
                            (long double)mt_get(pc->Z, z, r * n + j);
            ref += t;
            mag += fabsl(t);
          }
          CHECK(fabsl(x - ref) <= 16 * eps * mag,
                "(b) n %d %s row %lld i %d: %.17g, reference %.17Lg", n,
                mname[pc->method], (long long)r, i, x, ref);
        }
      }
    }
  }
  /* slices and threads, byte for byte, on the default kernel set */
  CHECK_OK(jr_isa_select(JR_ISA_AUTO));
  for (int threads = 1; m && threads <= 3; threads++) {
    jr_ctx *ct = mt_ctx(pc->mode, threads);
    CHECK_OK(jr_mvn_sample_rows(m, ct, key, 0, rows, out));
    CHECK(!memcmp(first, out, (size_t)rows * rowb),
          "n %d %s: %d threads differ", n, mname[pc->method], threads);
    for (int t = 0; t < 6; t++) {
      int64_t a = mt_below(&rs, rows + 1), b = mt_below(&rs, rows + 1);
      if (t == 0) a = 95, b = 97; /* across a product block boundary */
      if (a > b) {
        int64_t x = a;
        a = b;
        b = x;
      }
      if (b > rows) b = rows;
      if (a > b) a = b;
      CHECK_OK(jr_mvn_sample_rows(m, ct, key, a, b, out));
      CHECK(!memcmp(first + (size_t)a * rowb, out, (size_t)(b - a) * rowb),
            "n %d %s: rows [%lld, %lld) with %d threads differ", n,
            mname[pc->method], (long long)a, (long long)b, threads);
    }
    jr_ctx_free(ct);
  }
  jr_mvn_free(m);
  jr_ctx_free(c1);
  free(first);
  free(out);
  free(z);
  free(f);
  free(mv);
  free(cv);
  mt_free(&mean);
  mt_free(&cov);
}

static void test_small(void) {
  uint64_t seed = 11;
  for (int n = 1; n <= 16; n++) {
    const jr_dtype Ps[4] = {JR_FLOAT32, JR_FLOAT64, JR_FLOAT32, JR_FLOAT32};
    const jr_dtype Zs[4] = {JR_FLOAT32, JR_FLOAT64, JR_FLOAT64, JR_FLOAT16};
    const int v = n % 4;
    /* batched covs and means on odd n, shared on even n */
    pcase pc = {n,
                300,
                n % 2 ? 300 : 1,
                n % 2 ? 300 : 1,
                Ps[v],
                Zs[v],
                (jr_method)(n % 3),
                n % 5 == 0 ? JR_LEGACY : JR_PARTITIONABLE};
    run_case(&pc, seed++);
  }
}

/* (a) one factor and mean for all rows (the transform keeps them in
 * registers for n within one vector), and one per row, 1..3 rows (a block
 * shorter than a vector) up to several blocks. */
static void test_shared(void) {
  uint64_t seed = 900;
  const int64_t rowss[3] = {1, 3, 1500};
  for (int n = 1; n <= 9; n++)
    for (int d = 0; d < 2; d++)
      for (int k = 0; k < 3; k++) {
        const jr_dtype P = d ? JR_FLOAT64 : JR_FLOAT32;
        pcase pc = {n, rowss[k], 1, 1, P, P, JR_CHOLESKY, JR_PARTITIONABLE};
        run_case(&pc, seed++);
        /* and a factor and mean per row (the per-row one-vector kernels) */
        pcase pr = {n, rowss[k], rowss[k],    rowss[k],
                    P, P,        JR_CHOLESKY, JR_PARTITIONABLE};
        run_case(&pr, seed++);
      }
}

static void test_large(void) {
  /* Rows not a multiple of the product's blocks (96 rows, 12 per tile);
   * factors shared, or changing every row. */
  const pcase cases[] = {
      {17, 389, 1, 1, JR_FLOAT64, JR_FLOAT64, JR_CHOLESKY, JR_PARTITIONABLE},
      {17, 389, 1, 1, JR_FLOAT32, JR_FLOAT32, JR_EIGH, JR_PARTITIONABLE},
      {40, 300, 300, 300, JR_FLOAT64, JR_FLOAT64, JR_CHOLESKY, JR_LEGACY},
      {40, 300, 1, 300, JR_FLOAT32, JR_FLOAT16, JR_SVD, JR_PARTITIONABLE},
      {100, 260, 260, 1, JR_FLOAT32, JR_FLOAT32, JR_CHOLESKY, JR_PARTITIONABLE},
      {100, 260, 1, 1, JR_FLOAT32, JR_FLOAT64, JR_EIGH, JR_PARTITIONABLE},
      {300, 140, 1, 1, JR_FLOAT64, JR_FLOAT64, JR_CHOLESKY, JR_PARTITIONABLE},
  };
  openblas_set_num_threads(2);
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
    run_case(&cases[k], 100 + k);
  CHECK(openblas_get_num_threads() == 2,
        "OpenBLAS thread count not restored: %d", openblas_get_num_threads());
}

/* (c) the own Cholesky (n <= 5: the potf2 and the fma order): a factor is
 * the same alone and in a batch, the test's model of the documented order
 * byte for byte (NaN/Inf and failing matrices included), and LAPACK's potrf
 * within a tolerance where both succeed with finite factors (its kernels,
 * so its bytes, vary by CPU). */
static void test_small_cholesky(void) {
  uint64_t rs = 77;
  const int64_t count = 501; /* not a multiple of the 4 or 8 lanes */
  for (int n = 1; n <= 5; n++) {
    for (int pd = 0; pd < 2; pd++) {
      const jr_dtype P = pd ? JR_FLOAT64 : JR_FLOAT32;
      const int nn = n * n;
      double *cv = mt_alloc(sizeof *cv * (size_t)(count * nn));
      make_covs(&rs, n, count, 1e-3, cv);
      /* some indefinite, NaN and Inf matrices among good ones */
      for (int64_t e = 7; e < count; e += 23) {
        double *c = cv + e * nn;
        const int i = (int)(e % n), j = (int)((e / 3) % n);
        switch (e % 4) {
        case 0: c[i * n + i] = -0.5; break;
        case 1: c[i * n + j] = c[j * n + i] = NAN; break;
        case 2: c[i * n + j] = c[j * n + i] = INFINITY; break;
        default: c[i * n + i] = 0; break;
        }
      }
      double mv[5] = {0};
      mt_array mean, cov;
      const int64_t csh[3] = {count, n, n}, msh[1] = {n};
      mt_make(&mean, P, 1, msh, mv, MT_CONTIGUOUS);
      mt_make(&cov, P, 3, csh, cv, MT_CONTIGUOUS);
      jr_mvn *batch = NULL;
      CHECK_OK(jr_mvn_create(NULL, &mean.view, &cov.view, JR_SHAPE_NONE, NULL,
                             JR_DTYPE_NONE, JR_CHOLESKY, &batch));
      for (int64_t e = 0; batch && e < count; e++) {
        double fb[25], fa[25], fl[25];
        CHECK_OK(jr_mvn_factor(batch, e, fb));
        mt_array one;
        const int64_t osh[2] = {n, n};
        mt_make(&one, P, 2, osh, cv + e * nn, MT_CONTIGUOUS);
        jr_mvn *alone = NULL;
        CHECK_OK(jr_mvn_create(NULL, &mean.view, &one.view, JR_SHAPE_NONE, NULL,
                               JR_DTYPE_NONE, JR_CHOLESKY, &alone));
        if (alone) CHECK_OK(jr_mvn_factor(alone, 0, fa));
        jr_mvn_free(alone);
        mt_free(&one);
        CHECK(!memcmp(fa, fb, sizeof(double) * (size_t)nn),
              "n %d %s matrix %lld: factor in a batch differs from alone", n,
              jr_dtype_name(P), (long long)e);
        double fm[25];
        if (P == JR_FLOAT64)
          mt_chol_model_f64(n, cv + e * nn, fm);
        else
          mt_chol_model_f32(n, cv + e * nn, fm);
        int model = 1, finite = 1;
        for (int k = 0; k < nn; k++) {
          if (memcmp(&fm[k], &fb[k], 8) && !(fm[k] != fm[k] && fb[k] != fb[k]))
            model = 0;
          if (!isfinite(fb[k])) finite = 0;
        }
        CHECK(model,
              "n %d %s matrix %lld: factor differs from the model of "
              "the documented order",
              n, jr_dtype_name(P), (long long)e);
        /* LAPACKE on the symmetrized matrix (symmetric already) */
        double a[25];
        float as[25];
        lapack_int info;
        for (int i = 0; i < n; i++)
          for (int j = 0; j < n; j++) {
            a[i + j * n] = cv[e * nn + i * n + j];
            as[i + j * n] = (float)a[i + j * n];
          }
        if (P == JR_FLOAT64)
          info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', n, a, n);
        else
          info = LAPACKE_spotrf_work(LAPACK_COL_MAJOR, 'L', n, as, n);
        for (int i = 0; i < n; i++)
          for (int j = 0; j < n; j++)
            fl[i * n + j] = j > i             ? 0
                            : info > 0        ? (double)NAN
                            : P == JR_FLOAT64 ? a[i + j * n]
                                              : (double)as[i + j * n];
        /* both are backward stable; with the shift 1e-3 the condition
         * numbers stay small, so the factors agree to a few dozen ulps of
         * the largest entry */
        const double eps = P == JR_FLOAT64 ? 0x1p-52 : 0x1p-23;
        double fmax = 0, worst = 0;
        for (int k = 0; finite && info == 0 && k < nn; k++) {
          if (fabs(fl[k]) > fmax) fmax = fabs(fl[k]);
          if (fabs(fl[k] - fb[k]) > worst) worst = fabs(fl[k] - fb[k]);
        }
        CHECK(worst <= 64 * n * eps * fmax,
              "n %d %s matrix %lld: factor %g away from LAPACKE's (max %g)", n,
              jr_dtype_name(P), (long long)e, worst, fmax);
      }
      jr_mvn_free(batch);
      mt_free(&mean);
      mt_free(&cov);
      free(cv);
    }
  }
}

/* (d) the one-shot path against create + sample, byte for byte. */
static void test_oneshot(void) {
  uint64_t rs = 555;
  jr_isa isas[3];
  const int nisa = isa_list(isas);
  /* n <= 16 (the batched Cholesky) and beyond (one jr_chol per row) */
  static const int ns[] = {1,  2,  3,  4,  5,  6,  7,  8,  9, 10,
                           11, 12, 13, 14, 15, 16, 17, 20, 40};
  for (size_t t = 0; t < sizeof ns / sizeof *ns; t++) {
    const int n = ns[t];
    const jr_dtype Ps[4] = {JR_FLOAT64, JR_FLOAT32, JR_FLOAT32, JR_FLOAT64};
    const jr_dtype Zs[4] = {JR_FLOAT64, JR_FLOAT32, JR_FLOAT64, JR_FLOAT64};
    const int v = n % 4;
    const jr_dtype P = Ps[v], Z = Zs[v];
    const jr_method method = (jr_method)(n % 3);
    /* more rows than one block (2304 / n) so blocks and threads split */
    const int64_t rows = 2304 / n + 300, mb = n % 2 ? rows : 1;
    const int nn = n * n;
    double *cv = mt_alloc(sizeof *cv * (size_t)(rows * nn));
    double *mv = mt_alloc(sizeof *mv * (size_t)(mb * n));
    make_covs(&rs, n, rows, 1e-3, cv);
    for (int64_t k = 0; k < mb * n; k++)
      mv[k] = (double)(mt_next(&rs) >> 11) * 0x1p-49 - 8.0;
    for (int64_t e = 5; e < rows; e += 97) /* indefinite / NaN matrices */
      cv[e * nn] = e % 2 || method != JR_CHOLESKY ? -1.0 : (double)NAN;
    mt_array mean, cov;
    const int64_t msh[2] = {mb, n}, csh[3] = {rows, n, n};
    mt_make(&mean, P, mb == 1 ? 1 : 2, mb == 1 ? msh + 1 : msh, mv,
            MT_CONTIGUOUS);
    mt_make(&cov, P, 3, csh, cv, MT_CONTIGUOUS);
    const jr_dtype R = mt_promote(P, Z);
    const size_t bytes = (size_t)(rows * n) * jr_dtype_size(R);
    char *want = mt_alloc(bytes), *got = mt_alloc(bytes);
    const jr_key key = jr_key_from_seed(1000 + n, 0);
    const int64_t shape[1] = {rows}, oshape[2] = {rows, n};
    jr_ctx *c1 = mt_ctx(JR_PARTITIONABLE, 1);
    jr_mvn *m = NULL;
    CHECK_OK(jr_mvn_create(c1, &mean.view, &cov.view, 1, shape, Z, method, &m));
    if (m) CHECK_OK(jr_mvn_sample_rows(m, c1, key, 0, rows, want));
    jr_mvn_free(m);
    for (int s = 0; s < nisa; s++) {
      CHECK_OK(jr_isa_select(isas[s]));
      for (int threads = 1; threads <= 3; threads++) {
        jr_ctx *ct = mt_ctx(JR_PARTITIONABLE, threads);
        jr_array o = {got, R, 2, oshape, NULL};
        memset(got, 0x5a, bytes);
        CHECK_OK(jr_multivariate_normal(ct, key, &mean.view, &cov.view, 1,
                                        shape, Z, method, &o));
        CHECK(!memcmp(want, got, bytes),
              "n %d %s %s: one-shot (%s, %d threads) differs from create + "
              "sample",
              n, mname[method], jr_dtype_name(R), jr_isa_name(isas[s]),
              threads);
        jr_ctx_free(ct);
      }
    }
    CHECK_OK(jr_isa_select(JR_ISA_AUTO));
    jr_ctx_free(c1);
    mt_free(&mean);
    mt_free(&cov);
    free(cv);
    free(mv);
    free(want);
    free(got);
  }
}

int main(void) {
  test_small_cholesky();
  test_small();
  test_shared();
  test_large();
  test_oneshot();
  return tu_finish("test_mvn_paths");
}
