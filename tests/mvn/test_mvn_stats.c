/* (c) Statistics of multivariate_normal: for each method in float32 and
 * float64, 10^6 draws: the sample mean and covariance lie within 5 sigma of
 * the true ones, and the squared Mahalanobis distances pass a
 * Kolmogorov-Smirnov test against chi-square(n) at level 1e-3. On singular
 * covariances eigh and svd sample the right (degenerate) distribution while
 * cholesky returns NaN, as JAX does. The precision form: the moments of
 * P^-1 and the same KS test with d^2 = (x - mu)^T P (x - mu). */
#include "mvn_test.h"

enum { N = 3 };
static const double sigma[N * N] = {2.0, 0.6,  -0.4, 0.6, 1.0,
                                    0.3, -0.4, 0.3,  1.5};
static const double mu[N] = {1.0, -2.0, 0.5};

/* Regularized lower incomplete gamma P(a, x): series for x < a + 1, else
 * the continued fraction for Q (Lentz), as in Numerical Recipes 6.2. */
static double gamma_p(double a, double x) {
  if (x <= 0) return 0;
  const double lg = lgamma(a);
  if (x < a + 1) {
    double ap = a, sum = 1 / a, del = sum;
    for (int k = 0; k < 1000; k++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (fabs(del) < fabs(sum) * 1e-16) break;
    }
    return sum * exp(-x + a * log(x) - lg);
  }
  double b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d;
  for (int i = 1; i < 1000; i++) {
    double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (fabs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (fabs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1) < 1e-16) break;
  }
  return 1 - exp(-x + a * log(x) - lg) * h;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Inverse of a small SPD matrix by Gauss-Jordan in long double. */
static void invert(int n, const double *a, long double *inv) {
  long double m[N][2 * N];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < 2 * n; j++)
      m[i][j] = j < n ? a[i * n + j] : (j - n == i);
  for (int c = 0; c < n; c++) {
    long double p = m[c][c];
    for (int j = 0; j < 2 * n; j++)
      m[c][j] /= p;
    for (int r = 0; r < n; r++)
      if (r != c) {
        long double f = m[r][c];
        for (int j = 0; j < 2 * n; j++)
          m[r][j] -= f * m[c][j];
      }
  }
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      inv[i * n + j] = m[i][j + n];
}

/* Draws `rows` samples of (mean, cov) with one method and dtype. */
static void *draw(jr_dtype dt, jr_method method, const double *cov,
                  int64_t rows, uint32_t seed) {
  const int64_t ms[1] = {N}, cs[2] = {N, N}, shape[1] = {rows};
  mt_array mean, c;
  mt_make(&mean, dt, 1, ms, mu, MT_CONTIGUOUS);
  mt_make(&c, dt, 2, cs, cov, MT_CONTIGUOUS);
  int64_t oshape[2] = {rows, N};
  void *out = mt_alloc((size_t)(rows * N) * jr_dtype_size(dt));
  jr_array ov = {out, dt, 2, oshape, NULL};
  CHECK_OK(jr_multivariate_normal(NULL, jr_key_from_seed(seed, 0), &mean.view,
                                  &c.view, 1, shape, JR_DTYPE_NONE, method,
                                  &ov));
  mt_free(&mean);
  mt_free(&c);
  return out;
}

/* Sample mean and covariance within 5 sigma of mu and cov. */
static void check_moments(const char *what, jr_dtype dt, const void *x,
                          int64_t rows, const double *cov) {
  double m[N] = {0}, s[N * N] = {0};
  for (int64_t r = 0; r < rows; r++)
    for (int i = 0; i < N; i++)
      m[i] += mt_get(dt, x, r * N + i);
  for (int i = 0; i < N; i++)
    m[i] /= (double)rows;
  for (int64_t r = 0; r < rows; r++)
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++)
        s[i * N + j] += (mt_get(dt, x, r * N + i) - mu[i]) *
                        (mt_get(dt, x, r * N + j) - mu[j]);
  for (int i = 0; i < N; i++) {
    double sd = sqrt(cov[i * N + i] / (double)rows);
    CHECK(fabs(m[i] - mu[i]) <= 5 * sd + 1e-12, "%s: mean[%d] = %g, true %g",
          what, i, m[i], mu[i]);
    for (int j = 0; j < N; j++) {
      double sij = s[i * N + j] / (double)rows, c = cov[i * N + j];
      double sdc =
          sqrt((cov[i * N + i] * cov[j * N + j] + c * c) / (double)rows);
      CHECK(fabs(sij - c) <= 5 * sdc + 1e-6 * (i == j ? 0 : 1) + 1e-12,
            "%s: cov[%d,%d] = %g, true %g (sd %g)", what, i, j, sij, c, sdc);
    }
  }
}

static void check_ks(const char *what, jr_dtype dt, const void *x,
                     int64_t rows) {
  long double inv[N * N];
  invert(N, sigma, inv);
  double *d2 = mt_alloc(sizeof *d2 * (size_t)rows);
  for (int64_t r = 0; r < rows; r++) {
    long double y[N], q = 0;
    for (int i = 0; i < N; i++)
      y[i] = mt_get(dt, x, r * N + i) - mu[i];
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++)
        q += y[i] * inv[i * N + j] * y[j];
    d2[r] = (double)q;
  }
  qsort(d2, (size_t)rows, sizeof *d2, cmp_double);
  double dmax = 0;
  for (int64_t r = 0; r < rows; r++) {
    double f = gamma_p(N / 2.0, d2[r] / 2); /* chi-square(N) CDF */
    double lo = f - (double)r / (double)rows;
    double hi = (double)(r + 1) / (double)rows - f;
    if (lo > dmax) dmax = lo;
    if (hi > dmax) dmax = hi;
  }
  /* Kolmogorov critical value at 1e-3: sqrt(-ln(1e-3 / 2) / 2) */
  const double crit = sqrt(-log(1e-3 / 2) / 2) / sqrt((double)rows);
  CHECK(dmax <= crit, "%s: KS statistic %g > %g", what, dmax, crit);
  free(d2);
}

static void test_chi_square_cdf(void) {
  /* known values of the chi-square(3) CDF (independent: closed form
   * erf(sqrt(x/2)) - sqrt(2x/pi) exp(-x/2)) */
  for (double x = 0.05; x < 30; x *= 1.7) {
    double want =
        erf(sqrt(x / 2)) - sqrt(2 * x / 3.14159265358979323846) * exp(-x / 2);
    CHECK(fabs(gamma_p(1.5, x / 2) - want) < 1e-12, "chi2 cdf at %g", x);
  }
}

static void test_regular(void) {
  static const char *mname[] = {"cholesky", "eigh", "svd"};
  const jr_dtype dts[2] = {JR_FLOAT32, JR_FLOAT64};
  const int64_t rows = 1000000;
  for (int t = 0; t < 2; t++)
    for (int method = 0; method < 3; method++) {
      char what[64];
      snprintf(what, sizeof what, "%s %s", mname[method],
               jr_dtype_name(dts[t]));
      void *x = draw(dts[t], (jr_method)method, sigma, rows,
                     (uint32_t)(11 + 3 * t + method));
      check_moments(what, dts[t], x, rows, sigma);
      check_ks(what, dts[t], x, rows);
      free(x);
    }
}

/* The precision form (jr_mvn_create_form, JR_COV_PRECISION: mean + L_P^-T z
 * by the triangular solve) of precision matrix p (n x n) and mean m. */
static void *draw_precision(jr_dtype dt, int64_t n, const double *m,
                            const double *p, int64_t rows, uint32_t seed) {
  const int64_t ms[1] = {n}, ps[2] = {n, n}, shape[1] = {rows};
  mt_array mean, pa;
  mt_make(&mean, dt, 1, ms, m, MT_CONTIGUOUS);
  mt_make(&pa, dt, 2, ps, p, MT_CONTIGUOUS);
  jr_mvn *mvn = NULL;
  CHECK_OK(jr_mvn_create_form(NULL, &mean.view, &pa.view, JR_COV_PRECISION, 1,
                              shape, JR_DTYPE_NONE, 0, -1, &mvn));
  void *out = mt_alloc((size_t)(rows * n) * jr_dtype_size(dt));
  CHECK_OK(
      jr_mvn_sample_rows(mvn, NULL, jr_key_from_seed(seed, 0), 0, rows, out));
  jr_mvn_free(mvn);
  mt_free(&mean);
  mt_free(&pa);
  return out;
}

/* KS test of d^2 = (x - m)^T p (x - m) against chi-square(n): for samples
 * whose covariance is p^-1, p itself gives the distances (no inverse). */
static void check_ks_precision(const char *what, jr_dtype dt, const void *x,
                               int64_t rows, int64_t n, const double *m,
                               const double *p) {
  double *d2 = mt_alloc(sizeof *d2 * (size_t)rows);
  long double *y = mt_alloc(sizeof *y * (size_t)n);
  for (int64_t r = 0; r < rows; r++) {
    long double q = 0;
    for (int64_t i = 0; i < n; i++)
      y[i] = (long double)mt_get(dt, x, r * n + i) - m[i];
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < n; j++)
        q += y[i] * (long double)p[i * n + j] * y[j];
    d2[r] = (double)q;
  }
  qsort(d2, (size_t)rows, sizeof *d2, cmp_double);
  double dmax = 0;
  for (int64_t r = 0; r < rows; r++) {
    double f = gamma_p((double)n / 2.0, d2[r] / 2);
    double lo = f - (double)r / (double)rows;
    double hi = (double)(r + 1) / (double)rows - f;
    if (lo > dmax) dmax = lo;
    if (hi > dmax) dmax = hi;
  }
  const double crit = sqrt(-log(1e-3 / 2) / 2) / sqrt((double)rows);
  CHECK(dmax <= crit, "%s: KS statistic %g > %g", what, dmax, crit);
  free(d2);
  free(y);
}

/* Precision samples have covariance P^-1: with P = sigma, the moments of
 * sigma^-1 and the Mahalanobis KS test (10^6 draws); for n = 17 and 64 (a
 * random SPD P, several row blocks of the solve) the KS test. */
static void test_precision(void) {
  const jr_dtype dts[2] = {JR_FLOAT32, JR_FLOAT64};
  long double inv[N * N];
  double cov[N * N];
  invert(N, sigma, inv);
  for (int i = 0; i < N * N; i++)
    cov[i] = (double)inv[i];
  for (int t = 0; t < 2; t++) {
    char what[64];
    const int64_t rows = 1000000;
    snprintf(what, sizeof what, "precision %s", jr_dtype_name(dts[t]));
    void *x = draw_precision(dts[t], N, mu, sigma, rows, 300u + (unsigned)t);
    check_moments(what, dts[t], x, rows, cov);
    check_ks_precision(what, dts[t], x, rows, N, mu, sigma);
    free(x);
    for (int64_t n = 17; n <= 64; n += 47) {
      const int64_t r2 = 100000;
      double *p = mt_alloc(sizeof *p * (size_t)(n * n));
      double *m = mt_alloc(sizeof *m * (size_t)n);
      uint64_t s = 17 + (uint64_t)n;
      double *a = mt_alloc(sizeof *a * (size_t)(n * n));
      for (int64_t k = 0; k < n * n; k++)
        a[k] = (double)(mt_next(&s) >> 11) * 0x1p-52 - 1;
      for (int64_t i = 0; i < n; i++) {
        m[i] = (double)(i % 7) - 3;
        for (int64_t j = 0; j <= i; j++) {
          double v = 0;
          for (int64_t k = 0; k < n; k++)
            v += a[i * n + k] * a[j * n + k];
          v = v / (double)n + (i == j ? 0.5 : 0.0);
          if (dts[t] == JR_FLOAT32) v = (float)v;
          p[i * n + j] = p[j * n + i] = v;
        }
      }
      snprintf(what, sizeof what, "precision n=%lld %s", (long long)n,
               jr_dtype_name(dts[t]));
      x = draw_precision(dts[t], n, m, p, r2, 400u + (unsigned)(n + t));
      check_ks_precision(what, dts[t], x, r2, n, m, p);
      free(x);
      free(p);
      free(m);
      free(a);
    }
  }
}

/* Singular covariances: rank 2. */
static void test_singular(void) {
  /* a zero variance component: exact zero eigenvalue in any LAPACK */
  static const double zero_axis[N * N] = {2, 1, 0, 1, 2, 0, 0, 0, 0};
  /* A A^T with A = [[1, 0], [1, 1], [0, 2]]: null vector (2, -2, 1) / 3 */
  static const double aat[N * N] = {1, 1, 0, 1, 2, 2, 0, 2, 4};
  const jr_dtype dts[2] = {JR_FLOAT32, JR_FLOAT64};
  const int64_t rows = 200000;
  for (int t = 0; t < 2; t++) {
    const jr_dtype dt = dts[t];
    for (int method = 0; method < 3; method++) {
      void *x =
          draw(dt, (jr_method)method, zero_axis, rows, 77u + (unsigned)method);
      if (method == JR_CHOLESKY) {
        int nan = 1;
        for (int64_t k = 0; k < rows * N; k++)
          if (mt_get(dt, x, k) == mt_get(dt, x, k)) nan = 0;
        CHECK(nan, "cholesky of a singular covariance must be NaN (%s)",
              jr_dtype_name(dt));
      } else {
        check_moments(method == JR_EIGH ? "eigh singular" : "svd singular", dt,
                      x, rows, zero_axis);
        for (int64_t r = 0; r < rows; r++)
          CHECK(mt_get(dt, x, r * N + 2) == mu[2],
                "zero-variance component moved");
      }
      free(x);
    }
    /* svd always gives s >= 0: a rotated null space */
    void *x = draw(dt, JR_SVD, aat, rows, 99);
    check_moments("svd A A^T", dt, x, rows, aat);
    double worst = 0;
    for (int64_t r = 0; r < rows; r++) {
      double p = (2 * (mt_get(dt, x, r * N) - mu[0]) -
                  2 * (mt_get(dt, x, r * N + 1) - mu[1]) +
                  (mt_get(dt, x, r * N + 2) - mu[2])) /
                 3;
      if (fabs(p) > worst) worst = fabs(p);
    }
    /* The rounded factorization leaves a singular value of about
     * eps ||cov||, so samples spread sqrt(eps ||cov||) |z| along the null
     * vector; |z| < 6 for 2e5 draws. */
    CHECK(worst <= 6 * sqrt(8 * mt_eps(dt) * 6),
          "svd A A^T: %g along the "
          "null vector",
          worst);
    free(x);
  }
}

int main(void) {
  test_chi_square_cdf();
  test_regular();
  test_singular();
  test_precision();
  return tu_finish("test_mvn_stats");
}
