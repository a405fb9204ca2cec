/* jr_mvn_logpdf / jr_mvn_pdf / jr_mvn_density_* against an independent
 * long-double model (Cholesky, forward substitution and sums in long
 * double, JAX's broadcasting re-derived here) within the documented bound
 * (docs/multivariate_normal.md, "Density"): random cases of every kind,
 * batched and broadcast, strided integer inputs, singular, indefinite and
 * near-singular covariances, slices, every kernel set bit for bit, and the
 * argument errors. Also jr_cov_describe against LAPACK-free facts. */
#include <float.h>

#include "mvn_test.h"

typedef long double ld;

/* The model's density of one point: q (y.y) and sum log L_ii of the
 * symmetrized cov (values already rounded as the library rounds them);
 * returns 0 if the long-double Cholesky fails. kappa: ||S||_F ||S^-1||_F. */
static int model_full(int64_t n, const double *cov, const double *d, ld *q,
                      ld *logdiag, ld *kappa) {
  ld *L = calloc((size_t)(n * n + 1), sizeof(ld));
  ld *inv = calloc((size_t)(n * n + 1), sizeof(ld));
  int ok = 1;
  ld fro = 0;
  for (int64_t i = 0; i < n && ok; i++)
    for (int64_t j = 0; j <= i; j++) {
      ld s = ((ld)cov[i * n + j] + (ld)cov[j * n + i]) / 2;
      fro += (i == j ? 1 : 2) * s * s;
      for (int64_t k = 0; k < j; k++)
        s -= L[i * n + k] * L[j * n + k];
      if (i == j) {
        if (!(s > 0)) {
          ok = 0;
          break;
        }
        L[i * n + i] = sqrtl(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  if (ok) {
    *q = 0;
    *logdiag = 0;
    ld *y = calloc((size_t)n + 1, sizeof(ld));
    for (int64_t i = 0; i < n; i++) {
      ld s = d[i];
      for (int64_t k = 0; k < i; k++)
        s -= L[i * n + k] * y[k];
      y[i] = s / L[i * n + i];
      *q += y[i] * y[i];
      *logdiag += logl(L[i * n + i]);
    }
    /* ||S^-1||_F from L^-1: columns of L^-1 by forward substitution */
    ld ifro = 0;
    for (int64_t c = 0; c < n; c++)
      for (int64_t i = 0; i < n; i++) {
        ld s = i == c ? 1 : 0;
        for (int64_t k = 0; k < i; k++)
          s -= L[i * n + k] * inv[k * n + c];
        inv[i * n + c] = s / L[i * n + i];
      }
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < n; j++) {
        ld s = 0; /* (L^-T L^-1)_ij = sum_k inv[k][i] inv[k][j] */
        for (int64_t k = 0; k < n; k++)
          s += inv[k * n + i] * inv[k * n + j];
        ifro += s * s;
      }
    *kappa = sqrtl(fro) * sqrtl(ifro);
    free(y);
  }
  free(L);
  free(inv);
  return ok;
}

static double ulp_of(jr_dtype d, double v) {
  if (!isfinite(v)) return 0;
  int e;
  frexp(v, &e);
  const int mant = d == JR_FLOAT64 ? 53 : d == JR_FLOAT32 ? 24 : 11;
  double u = ldexp(1.0, e - mant);
  const double dmin = d == JR_FLOAT64   ? 0x1p-1074
                      : d == JR_FLOAT32 ? 0x1p-149
                                        : 0x1p-24;
  return u > dmin ? u : dmin; /* subnormals: the fixed spacing */
}

/* The documented bound for one logpdf value. */
static double bound(jr_dtype P, int64_t n, ld ref, ld q, ld logdiag, ld kappa) {
  const double u = 0x1p-53;
  const double nn = (double)n;
  return 8 * ulp_of(P, (double)ref) +
         2 * nn * (nn + 1) * u * (double)kappa * ((double)q / 2 + nn) +
         4 * nn * u * ((double)q / 2 + fabs((double)logdiag) + nn * 2);
}

static double rnd(uint64_t *s) { /* uniform in [-1, 1) */
  return (double)(mt_next(s) >> 11) * 0x1p-52 - 1.0;
}

static double round_to(jr_dtype P, double v) {
  return P == JR_FLOAT32 ? (double)(float)v : v;
}

/* Random SPD cov = A A^T + delta I (rounded to P). */
static void make_cov(uint64_t *s, int64_t n, double delta, jr_dtype P,
                     double *cov) {
  double *A = mt_alloc((size_t)(n * n) * sizeof(double));
  for (int64_t k = 0; k < n * n; k++)
    A[k] = rnd(s);
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) {
      double v = 0;
      for (int64_t k = 0; k < n; k++)
        v += A[i * n + k] * A[j * n + k];
      if (i == j) v += delta;
      cov[i * n + j] = cov[j * n + i] = round_to(P, v / (double)n);
    }
  free(A);
}

/* Full cov, broadcast batches: x (xb..., n), mean (mb..., n),
 * cov (cb..., n, n); every output element against the model. */
static void check_full_case(uint64_t *s, jr_dtype P, int64_t n, double delta,
                            int xb0, int mb0, int cb0, int64_t npts) {
  /* shapes: x (npts, xb0, n) broadcast with mean (mb0, n) and cov
   * (cb0, n, n) where xb0/mb0/cb0 are 1 or K */
  const int64_t K =
      xb0 > mb0 ? (xb0 > cb0 ? xb0 : cb0) : (mb0 > cb0 ? mb0 : cb0);
  int64_t xs[3] = {npts, xb0, n}, ms[2] = {mb0, n}, cs[3] = {cb0, n, n};
  double *xv = mt_alloc((size_t)(npts * xb0 * n) * sizeof(double));
  double *mv = mt_alloc((size_t)(mb0 * n) * sizeof(double));
  double *cv = mt_alloc((size_t)(cb0 * n * n) * sizeof(double));
  for (int64_t k = 0; k < npts * xb0 * n; k++)
    xv[k] = round_to(P, 3 * rnd(s));
  for (int64_t k = 0; k < mb0 * n; k++)
    mv[k] = round_to(P, rnd(s));
  for (int c = 0; c < cb0; c++)
    make_cov(s, n, delta, P, cv + c * n * n);
  mt_array x, m, c;
  mt_make(&x, P, 3, xs, xv,
          (int)(mt_next(s) % 3)); /* the in-place and copying paths */
  mt_make(&m, P, 2, ms, mv, MT_STRIDED);
  mt_make(&c, P, 3, cs, cv, (int)(mt_next(s) % 3));
  jr_dtype odt;
  int ond;
  int64_t osh[JR_MAX_NDIM];
  CHECK_OK(jr_mvn_logpdf_shape(&x.view, &m.view, &c.view, &odt, &ond, osh));
  CHECK(odt == P && ond == 2 && osh[0] == npts && osh[1] == K,
        "shape: dtype %d ndim %d (%lld, %lld)", (int)odt, ond,
        (long long)osh[0], (long long)osh[1]);
  const int64_t total = npts * K;
  void *lp = mt_alloc((size_t)total * 8), *pd = mt_alloc((size_t)total * 8);
  jr_array out = {lp, P, 2, osh, NULL};
  CHECK_OK(jr_mvn_logpdf(NULL, &x.view, &m.view, &c.view, &out));
  out.data = pd;
  CHECK_OK(jr_mvn_pdf(NULL, &x.view, &m.view, &c.view, &out));
  double *d = mt_alloc((size_t)n * sizeof(double) + 8);
  int bad = 0;
  for (int64_t p = 0; p < npts && bad < 3; p++)
    for (int64_t k = 0; k < K; k++) {
      const double *xr = xv + (p * xb0 + (xb0 == 1 ? 0 : k)) * n;
      const double *mr = mv + (mb0 == 1 ? 0 : k) * n;
      const double *cr = cv + (cb0 == 1 ? 0 : k) * n * n;
      for (int64_t i = 0; i < n; i++)
        d[i] = xr[i] - mr[i];
      ld q, ldg, kap;
      if (!model_full(n, cr, d, &q, &ldg, &kap)) continue;
      const ld ref =
          -q / 2 -
          (ld)n / 2 * logl(2 * 3.14159265358979323846264338327950288L) - ldg;
      const double got = mt_get(P, lp, p * K + k);
      const double tol = bound(P, n, ref, q, ldg, kap);
      const double err = fabs(got - (double)ref);
      CHECK(err <= tol,
            "logpdf n=%lld %s delta=%g point %lld,%lld: %.17g, model %.17Lg "
            "(err %.3g > bound %.3g, kappa %.3Lg)",
            (long long)n, jr_dtype_name(P), delta, (long long)p, (long long)k,
            got, ref, err, tol, kap);
      if (err > tol) bad++;
      const ld pref = expl(ref);
      const double pgot = mt_get(P, pd, p * K + k);
      const double ptol =
          8 * ulp_of(P, (double)pref) + (double)pref * tol * 1.01;
      CHECK(fabs(pgot - (double)pref) <= ptol,
            "pdf n=%lld point %lld,%lld: %.17g, model %.17Lg", (long long)n,
            (long long)p, (long long)k, pgot, pref);
    }
  /* slices equal the whole, through the reusable object */
  jr_mvn_density *dens = NULL;
  CHECK_OK(jr_mvn_density_create(NULL, &m.view, &c.view, P, &dens));
  const int64_t a = total / 3, b = total - total / 5;
  void *part = mt_alloc((size_t)total * 8);
  CHECK_OK(jr_mvn_density_eval(dens, NULL, &x.view, 0, a, b, part));
  CHECK(memcmp(part, (char *)lp + a * (int64_t)jr_dtype_size(P),
               (size_t)(b - a) * jr_dtype_size(P)) == 0,
        "slice [%lld, %lld) differs from the whole", (long long)a,
        (long long)b);
  jr_mvn_density_free(dens);
  free(part);
  free(d);
  free(lp);
  free(pd);
  free(xv);
  free(mv);
  free(cv);
  mt_free(&x);
  mt_free(&m);
  mt_free(&c);
}

static void test_random_full(void) {
  uint64_t s = 12345;
  static const int64_t ns[] = {1, 2, 3, 4, 5, 7, 8, 13, 17, 40, 100};
  static const double deltas[] = {1.0, 1e-3, 1e-7};
  for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
    for (size_t j = 0; j < 3; j++)
      for (int P = JR_FLOAT32; P <= JR_FLOAT64; P++) {
        const int64_t npts = ns[i] >= 40 ? 9 : 70;
        check_full_case(&s, (jr_dtype)P, ns[i], deltas[j], 1, 1, 1, npts);
        check_full_case(&s, (jr_dtype)P, ns[i], deltas[j], 3, 1, 3,
                        npts / 3 + 1);
        check_full_case(&s, (jr_dtype)P, ns[i], deltas[j], 1, 4, 4,
                        npts / 4 + 1);
      }
}

/* Scalar mean (elementwise) and scalar cov (isotropic) against the
 * formulas in long double. */
static void test_scalar_cases(void) {
  const ld l2pi = logl(2 * 3.14159265358979323846264338327950288L);
  /* scalar mean, cov (2, 3), x (4, 1, 3) of int32 */
  int64_t xs[3] = {4, 1, 3}, cs[2] = {2, 3};
  double xv[12], cv[6], mv[1] = {0.25};
  for (int k = 0; k < 12; k++)
    xv[k] = k - 5;
  for (int k = 0; k < 6; k++)
    cv[k] = 0.5 + k;
  mt_array x, m, c;
  mt_make(&x, JR_INT32, 3, xs, xv, MT_STRIDED);
  mt_make(&m, JR_FLOAT32, 0, NULL, mv, MT_CONTIGUOUS);
  mt_make(&c, JR_FLOAT32, 2, cs, cv, MT_CONTIGUOUS);
  int64_t osh[JR_MAX_NDIM];
  jr_dtype dt;
  int nd;
  CHECK_OK(jr_mvn_logpdf_shape(&x.view, &m.view, &c.view, &dt, &nd, osh));
  CHECK(dt == JR_FLOAT32 && nd == 3 && osh[0] == 4 && osh[1] == 2 &&
            osh[2] == 3,
        "scalar-mean shape");
  float out[24];
  jr_array o = {out, JR_FLOAT32, 3, osh, NULL};
  CHECK_OK(jr_mvn_logpdf(NULL, &x.view, &m.view, &c.view, &o));
  for (int a = 0; a < 4; a++)
    for (int b = 0; b < 2; b++)
      for (int e = 0; e < 3; e++) {
        const ld y = (ld)xv[a * 3 + e] - 0.25L, cov = cv[b * 3 + e];
        const ld ref = -y * y / 2 / cov - (l2pi + logl(cov)) / 2;
        const float got = out[(a * 2 + b) * 3 + e];
        CHECK(fabsl((ld)got - ref) <= 1 * ulp_of(JR_FLOAT32, (double)ref),
              "scalar mean [%d,%d,%d]: %.9g vs %.12Lg", a, b, e, got, ref);
      }
  mt_free(&x);
  mt_free(&m);
  mt_free(&c);
  /* scalar cov: x (5, 3) float64, mean (3,), cov () */
  int64_t xs2[2] = {5, 3}, ms2[1] = {3};
  double x2[15], m2[3] = {0.5, -1, 2}, c2[1] = {2.5}, o2[5];
  for (int k = 0; k < 15; k++)
    x2[k] = 0.125 * k - 1;
  mt_make(&x, JR_FLOAT64, 2, xs2, x2, MT_CONTIGUOUS);
  mt_make(&m, JR_FLOAT64, 1, ms2, m2, MT_CONTIGUOUS);
  mt_make(&c, JR_FLOAT64, 0, NULL, c2, MT_CONTIGUOUS);
  int64_t osh2[1] = {5};
  jr_array o2v = {o2, JR_FLOAT64, 1, osh2, NULL};
  CHECK_OK(jr_mvn_logpdf(NULL, &x.view, &m.view, &c.view, &o2v));
  for (int p = 0; p < 5; p++) {
    ld ss = 0;
    for (int i = 0; i < 3; i++) {
      ld y = (ld)x2[p * 3 + i] - m2[i];
      ss += y * y;
    }
    const ld ref = -ss / 2 / 2.5L - 1.5L * (l2pi + logl(2.5L));
    CHECK(fabsl((ld)o2[p] - ref) <= 4 * ulp_of(JR_FLOAT64, (double)ref),
          "scalar cov point %d: %.17g vs %.20Lg", p, o2[p], ref);
  }
  mt_free(&x);
  mt_free(&m);
  mt_free(&c);
}

static void count_warning(void *user, const char *msg) {
  if (strstr(msg, "pivot 1")) ++*(int *)user;
}

/* Singular, indefinite, NaN and near-singular covariances: NaN as JAX gives
 * where the factorization fails, finite within the bound otherwise; RAISE
 * fails with JR_E_NOT_PSD. Never a crash. */
static void test_singular(void) {
  int64_t ms[1] = {3}, cs[2] = {3, 3}, xs[2] = {2, 3}, os[1] = {2};
  double mv[3] = {0, 0, 0}, xv[6] = {0.5, 1, -1, 0, 0, 0}, out[2];
  const double covs[4][9] = {
      {1, 0, 0, 0, 0, 0, 0, 0, 1},   /* singular: pivot 1 is 0 */
      {1, 2, 0, 2, 1, 0, 0, 0, 1},   /* indefinite */
      {1, 0, 0, 0, NAN, 0, 0, 0, 1}, /* NaN */
      {1, 1, 0, 1, 1, 0, 0, 0, 1}};  /* rank 2 */
  for (int t = 0; t < 4; t++) {
    mt_array x, m, c;
    mt_make(&x, JR_FLOAT64, 2, xs, xv, MT_CONTIGUOUS);
    mt_make(&m, JR_FLOAT64, 1, ms, mv, MT_CONTIGUOUS);
    mt_make(&c, JR_FLOAT64, 2, cs, covs[t], MT_CONTIGUOUS);
    jr_array o = {out, JR_FLOAT64, 1, os, NULL};
    CHECK_OK(jr_mvn_logpdf(NULL, &x.view, &m.view, &c.view, &o));
    CHECK(isnan(out[0]) && isnan(out[1]), "cov %d: %g %g, expected NaN", t,
          out[0], out[1]);
    jr_ctx *ctx = jr_ctx_create();
    jr_ctx_set_int(ctx, JR_PARAM_CHECK_VALID, JR_CHECK_RAISE);
    jr_status st = jr_mvn_logpdf(ctx, &x.view, &m.view, &c.view, &o);
    CHECK(st == JR_E_NOT_PSD, "cov %d with RAISE: status %d", t, (int)st);
    /* WARN: one warning naming the pivot, and the NaN */
    int warned = 0;
    jr_ctx_set_int(ctx, JR_PARAM_CHECK_VALID, JR_CHECK_WARN);
    jr_ctx_set_warning_handler(ctx, count_warning, &warned);
    out[0] = 0;
    CHECK_OK(jr_mvn_logpdf(ctx, &x.view, &m.view, &c.view, &o));
    CHECK(warned == 1 && isnan(out[0]), "cov %d with WARN: %d warnings, %g", t,
          warned, out[0]);
    jr_ctx_free(ctx);
    jr_cov_info info;
    CHECK_OK(jr_cov_describe(&c.view, 0, JR_CHOLESKY, &info));
    CHECK(info.chol_info == 2, /* pivot 1 fails in every case */
          "cov %d: chol_info %lld", t, (long long)info.chol_info);
    CHECK_OK(jr_cov_describe(&c.view, 0, JR_EIGH, &info));
    if (t == 0 || t == 3)
      CHECK(info.rank == 2, "cov %d: eigh rank %lld", t, (long long)info.rank);
    if (t == 1)
      CHECK(info.min_value < -0.99 && info.min_value > -1.01 &&
                isnan(info.logdet),
            "indefinite: min eigenvalue %g logdet %g", info.min_value,
            info.logdet);
    if (t == 2) CHECK(info.rank == -1 && isnan(info.logdet), "NaN cov rank");
    CHECK_OK(jr_cov_describe(&c.view, 0, JR_SVD, &info));
    if (t == 0 || t == 3)
      CHECK(info.rank == 2 && info.min_value < 1e-15, "cov %d: svd rank %lld",
            t, (long long)info.rank);
    mt_free(&x);
    mt_free(&m);
    mt_free(&c);
  }
  /* near-singular: diag(1, 1e-300, 1) is positive definite; the density
   * is finite and the model's */
  double cv[9] = {1, 0, 0, 0, 1e-300, 0, 0, 0, 1};
  double xv2[6] = {0.5, 1e-151, -1, 0, 0, 0};
  mt_array x, m, c;
  mt_make(&x, JR_FLOAT64, 2, xs, xv2, MT_CONTIGUOUS);
  mt_make(&m, JR_FLOAT64, 1, ms, mv, MT_CONTIGUOUS);
  mt_make(&c, JR_FLOAT64, 2, cs, cv, MT_CONTIGUOUS);
  jr_array o = {out, JR_FLOAT64, 1, os, NULL};
  CHECK_OK(jr_mvn_logpdf(NULL, &x.view, &m.view, &c.view, &o));
  const ld l2pi = logl(2 * 3.14159265358979323846264338327950288L);
  const ld ref0 = -(0.25L + 1e-2L + 1) / 2 - 1.5L * l2pi - logl(1e-150L);
  CHECK(fabsl((ld)out[0] - ref0) <=
            8 * ulp_of(JR_FLOAT64, (double)ref0) + 1e-12,
        "near-singular: %.17g vs %.17Lg", out[0], ref0);
  jr_cov_info info;
  CHECK_OK(jr_cov_describe(&c.view, 0, JR_EIGH, &info));
  CHECK(info.rank == 2 && info.chol_info == 0 &&
            fabs(info.min_value - 1e-300) < 1e-310,
        "near-singular describe: rank %lld min %g", (long long)info.rank,
        info.min_value);
  CHECK_OK(jr_cov_describe(&c.view, 0, JR_CHOLESKY, &info));
  CHECK(fabs(info.logdet - log(1e-300)) < 1e-12 && info.rank == 3,
        "near-singular logdet %.17g", info.logdet);
  const double ent = 1.5 * (1 + (double)l2pi) + 0.5 * log(1e-300);
  CHECK(fabs(info.entropy - ent) < 1e-12, "entropy %.17g vs %.17g",
        info.entropy, ent);
  mt_free(&x);
  mt_free(&m);
  mt_free(&c);
}

/* Every kernel set gives the bytes of the portable one. */
/* n: with and without a remainder of rows after the register tiles */
static void test_kernel_sets_n(int64_t n) {
  uint64_t s = 777;
  const int64_t npts = 150;
  double *cv = mt_alloc((size_t)(n * n) * 8),
         *xv = mt_alloc((size_t)(npts * n) * 8);
  make_cov(&s, n, 1e-3, JR_FLOAT64, cv);
  for (int64_t k = 0; k < npts * n; k++)
    xv[k] = rnd(&s);
  int64_t xs[2] = {npts, n}, cs[2] = {n, n}, ms[1] = {n}, os[1] = {npts};
  double *mv = mt_alloc((size_t)n * 8);
  mt_array x, m, c;
  mt_make(&x, JR_FLOAT64, 2, xs, xv, MT_CONTIGUOUS);
  mt_make(&m, JR_FLOAT64, 1, ms, mv, MT_CONTIGUOUS);
  mt_make(&c, JR_FLOAT64, 2, cs, cv, MT_CONTIGUOUS);
  double ref[150], got[150];
  jr_isa_select(JR_ISA_REF);
  jr_array o = {ref, JR_FLOAT64, 1, os, NULL};
  CHECK_OK(jr_mvn_logpdf(NULL, &x.view, &m.view, &c.view, &o));
  for (int isa = JR_ISA_AVX2; isa <= JR_ISA_AVX512; isa++) {
    if (!jr_isa_supported((jr_isa)isa)) continue;
    jr_isa_select((jr_isa)isa);
    o.data = got;
    CHECK_OK(jr_mvn_logpdf(NULL, &x.view, &m.view, &c.view, &o));
    CHECK(memcmp(ref, got, sizeof ref) == 0,
          "n = %lld: kernel set %s differs from ref", (long long)n,
          jr_isa_name((jr_isa)isa));
  }
  jr_isa_select(JR_ISA_AUTO);
  free(cv);
  free(xv);
  free(mv);
  mt_free(&x);
  mt_free(&m);
  mt_free(&c);
}

static void test_kernel_sets(void) {
  static const int64_t ns[] = {3, 8, 37, 100};
  for (int k = 0; k < 4; k++)
    test_kernel_sets_n(ns[k]);
}

/* Lower Cholesky in long double of the symmetrized a; 0 if it fails. */
static int ld_chol(int64_t n, const double *a, ld *L) {
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j <= i; j++) {
      ld s = ((ld)a[i * n + j] + (ld)a[j * n + i]) / 2;
      for (int64_t k = 0; k < j; k++)
        s -= L[i * n + k] * L[j * n + k];
      if (i == j) {
        if (!(s > 0)) return 0;
        L[i * n + i] = sqrtl(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  return 1;
}

/* The other parameterizations against long-double models: scale_tril (a
 * given factor, junk above its diagonal), precision (y = L_P^T d, log det
 * from L_P) and diag (direct sums), within the documented bound. */
static void test_forms(void) {
  uint64_t s = 99;
  const ld l2pi = logl(2 * 3.14159265358979323846264338327950288L);
  static const int64_t ns[] = {1, 3, 8, 17, 40};
  for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++) {
    const int64_t n = ns[t], npts = 70;
    double *cov = mt_alloc((size_t)(n * n) * 8),
           *tril = mt_alloc((size_t)(n * n) * 8);
    double *prec = mt_alloc((size_t)(n * n) * 8),
           *var = mt_alloc((size_t)n * 8);
    double *xv = mt_alloc((size_t)(npts * n) * 8),
           *mv = mt_alloc((size_t)n * 8);
    ld *L = mt_alloc((size_t)(n * n) * sizeof(ld)),
       *Lp = mt_alloc((size_t)(n * n) * sizeof(ld));
    make_cov(&s, n, 1e-2, JR_FLOAT64, cov);
    CHECK(ld_chol(n, cov, L), "model Cholesky");
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < n; j++)
        tril[i * n + j] = j <= i ? (double)L[i * n + j] : 1e300; /* ignored */
    /* precision: any double approximation of the inverse; the model uses
     * the very matrix passed */
    for (int64_t c = 0; c < n; c++) {
      ld *col = mt_alloc((size_t)n * sizeof(ld));
      for (int64_t i = 0; i < n; i++) { /* L z = e_c, then L^T w = z */
        ld v = i == c ? 1 : 0;
        for (int64_t k = 0; k < i; k++)
          v -= L[i * n + k] * col[k];
        col[i] = v / L[i * n + i];
      }
      for (int64_t i = n - 1; i >= 0; i--) {
        ld v = col[i];
        for (int64_t k = i + 1; k < n; k++)
          v -= L[k * n + i] * col[k];
        col[i] = v / L[i * n + i];
      }
      for (int64_t i = 0; i < n; i++)
        prec[i * n + c] = (double)col[i];
      free(col);
    }
    for (int64_t i = 0; i < n; i++) /* symmetric, as P should be */
      for (int64_t j = 0; j < i; j++)
        prec[j * n + i] = prec[i * n + j];
    CHECK(ld_chol(n, prec, Lp), "model Cholesky of P");
    for (int64_t i = 0; i < n; i++)
      var[i] = cov[i * n + i];
    for (int64_t k = 0; k < npts * n; k++)
      xv[k] = 2 * rnd(&s);
    for (int64_t k = 0; k < n; k++)
      mv[k] = rnd(&s);
    int64_t xs[2] = {npts, n}, ms[1] = {n}, cs[2] = {n, n}, vs[1] = {n};
    mt_array x, m, pt, pp, pv;
    mt_make(&x, JR_FLOAT64, 2, xs, xv, MT_CONTIGUOUS);
    mt_make(&m, JR_FLOAT64, 1, ms, mv, MT_CONTIGUOUS);
    mt_make(&pt, JR_FLOAT64, 2, cs, tril, MT_TRANSPOSED);
    mt_make(&pp, JR_FLOAT64, 2, cs, prec, MT_CONTIGUOUS);
    mt_make(&pv, JR_FLOAT64, 1, vs, var, MT_STRIDED);
    const jr_cov_form forms[3] = {JR_COV_SCALE_TRIL, JR_COV_PRECISION,
                                  JR_COV_DIAG};
    const jr_array *params[3] = {&pt.view, &pp.view, &pv.view};
    double *out = mt_alloc((size_t)npts * 8);
    for (int f = 0; f < 3; f++) {
      jr_mvn_density *d = NULL;
      CHECK_OK(jr_mvn_density_create_form(NULL, &m.view, params[f], forms[f],
                                          JR_FLOAT64, &d));
      if (!d) continue;
      CHECK_OK(jr_mvn_density_eval(d, NULL, &x.view, 0, 0, -1, out));
      jr_mvn_density_free(d);
      for (int64_t p = 0; p < npts; p++) {
        ld q = 0, logdiag = 0, dd[64];
        for (int64_t i = 0; i < n; i++)
          dd[i] = (ld)xv[p * n + i] - mv[i];
        if (f == 0) { /* y = L^-1 d with the double factor passed */
          ld y[64];
          for (int64_t i = 0; i < n; i++) {
            ld v = dd[i];
            for (int64_t k = 0; k < i; k++)
              v -= (ld)tril[i * n + k] * y[k];
            y[i] = v / tril[i * n + i];
            q += y[i] * y[i];
            logdiag += logl((ld)tril[i * n + i]);
          }
        } else if (f == 1) { /* q = d^T P d; log det cov = -2 sum log Lp */
          for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < n; j++)
              q += dd[i] * prec[i * n + j] * dd[j];
          for (int64_t i = 0; i < n; i++)
            logdiag -= logl(Lp[i * n + i]);
        } else {
          for (int64_t i = 0; i < n; i++) {
            q += dd[i] * dd[i] / var[i];
            logdiag += logl((ld)var[i]) / 2;
          }
        }
        const ld ref = -q / 2 - (ld)n / 2 * l2pi - logdiag;
        /* kappa of the matrix each form factors (cov for tril and diag
         * are at most as ill-conditioned as cov; P has cov's) */
        ld qq, lg, kap;
        double *dv = mt_alloc((size_t)n * 8);
        for (int64_t i = 0; i < n; i++)
          dv[i] = (double)dd[i];
        model_full(n, cov, dv, &qq, &lg, &kap);
        free(dv);
        const double tol = bound(JR_FLOAT64, n, ref, q, logdiag, kap);
        CHECK(fabs(out[p] - (double)ref) <= tol,
              "form %d n=%lld point %lld: %.17g vs model %.17Lg (bound %.3g)",
              f, (long long)n, (long long)p, out[p], ref, tol);
      }
    }
    free(out);
    free(cov);
    free(tril);
    free(prec);
    free(var);
    free(xv);
    free(mv);
    free(L);
    free(Lp);
    mt_free(&x);
    mt_free(&m);
    mt_free(&pt);
    mt_free(&pp);
    mt_free(&pv);
  }
  /* bad parameters: NaN by default, JR_E_NOT_PSD with RAISE; shapes */
  int64_t s2[1] = {2}, s22[2] = {2, 2}, s3[1] = {3};
  double mean2[2] = {0, 0}, xv2[2] = {0.5, 0.5}, out1[1];
  double negvar[2] = {1, -1}, zerotril[4] = {1, 0, 5, 0};
  jr_array m2 = {mean2, JR_FLOAT64, 1, s2, NULL};
  jr_array x2 = {xv2, JR_FLOAT64, 1, s2, NULL};
  jr_array v2 = {negvar, JR_FLOAT64, 1, s2, NULL};
  jr_array t22 = {zerotril, JR_FLOAT64, 2, s22, NULL};
  jr_array v3 = {negvar, JR_FLOAT64, 1, s3, NULL};
  const jr_array *bad[2] = {&v2, &t22};
  const jr_cov_form bf[2] = {JR_COV_DIAG, JR_COV_SCALE_TRIL};
  for (int k = 0; k < 2; k++) {
    jr_mvn_density *d = NULL;
    CHECK_OK(
        jr_mvn_density_create_form(NULL, &m2, bad[k], bf[k], JR_FLOAT64, &d));
    CHECK_OK(jr_mvn_density_eval(d, NULL, &x2, 0, 0, -1, out1));
    CHECK(isnan(out1[0]), "bad form %d: %g, expected NaN", k, out1[0]);
    jr_mvn_density_free(d);
    jr_ctx *ctx = jr_ctx_create();
    jr_ctx_set_int(ctx, JR_PARAM_CHECK_VALID, JR_CHECK_RAISE);
    jr_status st =
        jr_mvn_density_create_form(ctx, &m2, bad[k], bf[k], JR_FLOAT64, &d);
    CHECK(st == JR_E_NOT_PSD && strstr(jr_last_error(), "1 is not > 0"),
          "bad form %d with RAISE: %d %s", k, (int)st, jr_last_error());
    jr_ctx_free(ctx);
  }
  jr_mvn_density *d = NULL;
  jr_status st =
      jr_mvn_density_create_form(NULL, &m2, &v3, JR_COV_DIAG, JR_FLOAT64, &d);
  CHECK(st == JR_E_COV_SHAPE && strstr(jr_last_error(), "diag.shape"),
        "diag (3,) for n = 2: %d %s", (int)st, jr_last_error());
  st = jr_mvn_density_create_form(NULL, &m2, &v2, JR_COV_PRECISION, JR_FLOAT64,
                                  &d);
  CHECK(st == JR_E_COV_SHAPE && strstr(jr_last_error(), "precision.shape"),
        "precision (2,): %d %s", (int)st, jr_last_error());
  st = jr_mvn_density_create_form(NULL, &m2, &v2, (jr_cov_form)7, JR_FLOAT64,
                                  &d);
  CHECK(st == JR_E_BAD_MODE, "form 7: %d", (int)st);
}

/* JAX's argument checks. */
static void test_errors(void) {
  double buf[64] = {0};
  buf[0] = buf[4] = buf[8] = 1;
  int64_t s3[1] = {3}, s33[2] = {3, 3}, s4[1] = {4}, s34[2] = {3, 4},
          s23[2] = {2, 3}, s233[3] = {2, 3, 3}, s533[3] = {5, 3, 3},
          s43[2] = {4, 3};
  jr_array x3 = {buf, JR_FLOAT64, 1, s3, NULL};
  jr_array m3 = {buf, JR_FLOAT64, 1, s3, NULL};
  jr_array c33 = {buf, JR_FLOAT64, 2, s33, NULL};
  jr_array c34 = {buf, JR_FLOAT64, 2, s34, NULL};
  jr_array c3 = {buf, JR_FLOAT64, 1, s3, NULL};
  jr_array x4 = {buf, JR_FLOAT64, 1, s4, NULL};
  jr_array x23 = {buf, JR_FLOAT64, 2, s23, NULL};
  jr_array x43 = {buf, JR_FLOAT64, 2, s43, NULL};
  jr_array c233 = {buf, JR_FLOAT64, 3, s233, NULL};
  jr_array c533 = {buf, JR_FLOAT64, 3, s533, NULL};
  jr_array h33 = {buf, JR_FLOAT16, 2, s33, NULL};
  jr_array hm3 = {buf, JR_FLOAT16, 1, s3, NULL};
  jr_array hx3 = {buf, JR_FLOAT16, 1, s3, NULL};
  jr_status st;
  st = jr_mvn_logpdf_shape(&x3, &m3, &c34, NULL, NULL, NULL);
  CHECK(st == JR_E_COV_SHAPE && strstr(jr_last_error(), "incompatible shapes"),
        "cov (3,4): %d %s", (int)st, jr_last_error());
  st = jr_mvn_logpdf_shape(&x3, &m3, &c3, NULL, NULL, NULL);
  CHECK(st == JR_E_COV_SHAPE, "cov (3,): %d", (int)st);
  st = jr_mvn_logpdf_shape(&x4, &m3, &c33, NULL, NULL, NULL);
  CHECK(st == JR_E_BROADCAST && strstr(jr_last_error(), "(4,)"),
        "x (4,) - mean (3,): %d %s", (int)st, jr_last_error());
  st = jr_mvn_logpdf_shape(&x43, &m3, &c233, NULL, NULL, NULL);
  CHECK(st == JR_E_BROADCAST, "x (4,3) with cov (2,3,3): %d", (int)st);
  st = jr_mvn_logpdf_shape(&x23, &m3, &c533, NULL, NULL, NULL);
  CHECK(st == JR_E_BROADCAST, "x (2,3) with cov (5,3,3): %d", (int)st);
  st = jr_mvn_logpdf_shape(&hx3, &hm3, &h33, NULL, NULL, NULL);
  CHECK(st == JR_E_BAD_DTYPE, "float16 full cov: %d", (int)st);
  jr_dtype dt;
  st = jr_mvn_logpdf_shape(&hx3, &hm3, &c3, &dt, NULL, NULL);
  CHECK(st == JR_E_COV_SHAPE, "cov ndim 1: %d", (int)st);
  /* a scalar cov in float16 is fine: float16 result */
  double zero = 0;
  uint16_t one16 = jr_f32_to_f16(1.0f);
  jr_array hc = {&one16, JR_FLOAT16, 0, NULL, NULL};
  (void)zero;
  CHECK_OK(jr_mvn_logpdf_shape(&hx3, &hm3, &hc, &dt, NULL, NULL));
  CHECK(dt == JR_FLOAT16, "float16 isotropic: dtype %d", (int)dt);
  /* the object: an x that promotes wider */
  jr_mvn_density *d = NULL;
  jr_array f33 = {buf, JR_FLOAT32, 2, s33, NULL};
  jr_array fm3 = {buf, JR_FLOAT32, 1, s3, NULL};
  CHECK_OK(jr_mvn_density_create(NULL, &fm3, &f33, JR_DTYPE_NONE, &d));
  double o[4];
  st = jr_mvn_density_eval(d, NULL, &x3, 0, 0, -1, o);
  CHECK(st == JR_E_BAD_DTYPE, "float64 x on a float32 density: %d", (int)st);
  jr_array fx3 = {buf, JR_FLOAT32, 1, s3, NULL};
  st = jr_mvn_density_eval(d, NULL, &fx3, 0, 0, 2, o);
  CHECK(st == JR_E_BAD_RANGE, "range past the end: %d", (int)st);
  jr_mvn_density_free(d);
  /* out of the wrong shape */
  int64_t s2[1] = {2};
  jr_array bad = {o, JR_FLOAT64, 1, s2, NULL};
  st = jr_mvn_logpdf(NULL, &x3, &m3, &c33, &bad);
  CHECK(st == JR_E_BAD_SHAPE, "out (2,) for a () result: %d", (int)st);
  st = jr_mvn_logpdf(NULL, NULL, &m3, &c33, &bad);
  CHECK(st == JR_E_NULL_POINTER, "NULL x: %d", (int)st);
  jr_cov_info info;
  st = jr_cov_describe(&c33, 1, JR_EIGH, &info);
  CHECK(st == JR_E_BAD_RANGE, "describe index 1 of 1: %d", (int)st);
  st = jr_cov_describe(&c34, 0, JR_EIGH, &info);
  CHECK(st == JR_E_COV_SHAPE, "describe (3,4): %d", (int)st);
}

int main(void) {
  test_random_full();
  test_scalar_cases();
  test_singular();
  test_kernel_sets();
  test_forms();
  test_errors();
  return tu_finish("test_mvn_density");
}
