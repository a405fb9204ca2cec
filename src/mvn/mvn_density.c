/* The density of a jr_mvn: jax.scipy.stats.multivariate_normal.logpdf of its
 * mean and covariances, the bytes jr_mvn_density_create_form gives for them.
 * The density needs each covariance's Cholesky factor in double:
 *  - cholesky in float64 (and a scale_tril in any dtype) is the factor the
 *    sampling slots already hold: read back, no factorization;
 *  - diag keeps its variances and precision its L_P (the factorization
 *    creation did; the sampling factor L_P^-T does not give it back);
 *  - cholesky in float32, eigh and svd: the sampling factor is another one,
 *    so creation keeps the covariances (n^2 values in P each) and the
 *    density factors them once, on its first use. Lazily because most
 *    objects are only sampled from: creation costs no extra Cholesky.
 * The first density call builds a jr_mvn_density under a mutex; later calls
 * read it through an atomic pointer, so the object stays shareable between
 * threads (its documented promise) for sampling and density alike. */
#include "mvn/mvn_density.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "mvn/density_build.h"

struct jr_mvn_dens {
  const char *why; /* non-NULL: no density for this object, and why */
  char why_buf[320];
  jr_cov_form form;
  jr_method method;
  jr_dtype P, R;
  int64_t n, count; /* covariances (factor slots) */
  int m_ndim, c_ndim;
  int64_t m_shape[JR_MAX_NDIM], c_shape[JR_MAX_NDIM];
  const jr_factors *factors;
  void *const *means;
  void *vals;   /* kept per slot: full cov in P; diag, precision double */
  size_t per;   /* bytes per slot in vals */
  int64_t kept; /* slots kept (all needed: count) */
  unsigned char *have;
  pthread_mutex_t lock;
  _Atomic(jr_mvn_density *) built;
};

jr_status jr_mvn_dens_new(const jr_mvn_plan *p, const jr_array *mean,
                          const jr_array *cov, jr_cov_form form, int64_t row_lo,
                          int64_t row_hi, const jr_factors *factors,
                          void *const *means, jr_mvn_dens **out) {
  jr_mvn_dens *d = calloc(1, sizeof *d);
  if (!d) return jr_fail(JR_E_OUT_OF_MEMORY, "jr_mvn_create: out of memory");
  if (pthread_mutex_init(&d->lock, NULL) != 0) {
    free(d);
    return jr_fail(JR_E_OUT_OF_MEMORY, "jr_mvn_create: cannot make a mutex");
  }
  atomic_init(&d->built, NULL);
  d->form = form;
  d->method = p->method;
  d->P = p->fdtype;
  d->R = p->rdtype;
  d->n = p->n;
  d->count = p->cov_count;
  d->m_ndim = mean->ndim;
  d->c_ndim = cov->ndim;
  for (int k = 0; k < mean->ndim; k++)
    d->m_shape[k] = mean->shape[k];
  for (int k = 0; k < cov->ndim; k++)
    d->c_shape[k] = cov->shape[k];
  d->factors = factors;
  d->means = means;
  /* the density's batch is x's, against every covariance: a part of the
   * rows has only the factors those rows use */
  if (row_lo != 0 || row_hi != p->rows) {
    snprintf(d->why_buf, sizeof d->why_buf,
             "this jr_mvn was created for rows [%lld, %lld) of %lld only "
             "(jr_mvn_create_rows / jr_mvn_create_form with a row range); "
             "the density needs every covariance: create it for all rows",
             (long long)row_lo, (long long)row_hi, (long long)p->rows);
    d->why = d->why_buf;
  }
  *out = d;
  return JR_OK;
}

void jr_mvn_dens_free(jr_mvn_dens *d) {
  if (!d) return;
  jr_mvn_density_free(atomic_load(&d->built));
  pthread_mutex_destroy(&d->lock);
  free(d->vals);
  free(d->have);
  free(d);
}

static int jr_mvn_dens_borrows(const jr_mvn_dens *d) {
  return d->form == JR_COV_SCALE_TRIL ||
         (d->form == JR_COV_FULL && d->method == JR_CHOLESKY &&
          d->P == JR_FLOAT64);
}

int jr_mvn_dens_wants_values(const jr_mvn_dens *d) {
  return d && !d->why && !jr_mvn_dens_borrows(d);
}

/* Storage for every slot's kept bytes, on the first keep. */
static jr_status jr_mvn_dens_reserve(jr_mvn_dens *d, size_t per) {
  if (d->vals) return JR_OK;
  int64_t bytes;
  /* count and per come from arrays the caller passed in (bounded) */
  if (!jr_mul_i64(d->count, (int64_t)per, &bytes) || (uint64_t)bytes > SIZE_MAX)
    return jr_fail(JR_E_SIZE_OVERFLOW, "jr_mvn_create: density storage "
                                       "overflows");
  d->per = per;
  d->vals = malloc(bytes ? (size_t)bytes : 1);
  d->have = calloc(d->count ? (size_t)d->count : 1, 1);
  if (!d->vals || !d->have)
    return jr_fail(JR_E_OUT_OF_MEMORY,
                   "jr_mvn_create: out of memory for the density's copy of "
                   "%lld covariances",
                   (long long)d->count);
  return JR_OK;
}

static void jr_mvn_dens_mark(jr_mvn_dens *d, int64_t k) {
  if (!d->have[k]) d->kept++;
  d->have[k] = 1;
}

jr_status jr_mvn_dens_keep_values(jr_mvn_dens *d, int64_t k, int64_t cnt,
                                  const void *values) {
  if (!jr_mvn_dens_wants_values(d)) return JR_OK;
  const size_t per = (size_t)(d->n * d->n) * jr_dtype_size(d->P);
  jr_status st = jr_mvn_dens_reserve(d, per);
  if (st != JR_OK) return st;
  if (cnt > 0)
    memcpy((char *)d->vals + (size_t)k * per, values, (size_t)cnt * per);
  for (int64_t e = 0; e < cnt; e++)
    jr_mvn_dens_mark(d, k + e);
  return JR_OK;
}

jr_status jr_mvn_dens_keep_form(jr_mvn_dens *d, int64_t k, jr_cov_form form,
                                const double *v) {
  if (!d) return JR_OK;
  d->form = form;
  if (d->why || form == JR_COV_SCALE_TRIL || form == JR_COV_FULL) return JR_OK;
  const size_t per =
      (size_t)(form == JR_COV_DIAG ? d->n : d->n * d->n) * sizeof(double);
  jr_status st = jr_mvn_dens_reserve(d, per);
  if (st != JR_OK) return st;
  memcpy((char *)d->vals + (size_t)k * per, v, per);
  jr_mvn_dens_mark(d, k);
  return JR_OK;
}

/* jr_dens_source_fn: batch element c's values or factor. */
static jr_status jr_mvn_dens_source(void *user, int64_t c, double *a,
                                    int *factored) {
  const jr_mvn_dens *d = user;
  const int64_t nn = d->n * d->n;
  if (jr_mvn_dens_borrows(d)) {
    /* exact: the slot holds the P values widened to R */
    jr_factors_get(d->factors, c, a);
    *factored = d->form == JR_COV_FULL; /* scale_tril: its lower triangle */
    return JR_OK;
  }
  const char *v = (const char *)d->vals + (size_t)c * d->per;
  if (d->form == JR_COV_FULL) {
    if (d->P == JR_FLOAT32)
      for (int64_t k = 0; k < nn; k++)
        a[k] = ((const float *)(const void *)v)[k];
    else
      memcpy(a, v, (size_t)nn * sizeof *a);
    return JR_OK;
  }
  memcpy(a, v, d->per); /* diag: variances; precision: L_P */
  *factored = d->form == JR_COV_PRECISION;
  return JR_OK;
}

static jr_status jr_mvn_dens_build(jr_mvn_dens *d, jr_mvn_density **out) {
  if (!jr_mvn_dens_borrows(d) && d->kept != d->count)
    return jr_fail(JR_E_BAD_MODE,
                   "jr_mvn_logpdf_eval: this jr_mvn's covariances were not "
                   "all factored in this process (%lld of %lld; factors "
                   "received from another process give samples only); "
                   "create it with jr_mvn_create for densities",
                   (long long)d->kept, (long long)d->count);
  static char dummy; /* the shape view's data is never read */
  int64_t cshape[JR_MAX_NDIM];
  int cnd = d->c_ndim;
  for (int k = 0; k < cnd; k++)
    cshape[k] = d->c_shape[k];
  if (d->form == JR_COV_DIAG) cnd--; /* the plan saw (..., n, n) */
  const jr_array mean = {*d->means, d->R, d->m_ndim, d->m_shape, NULL};
  const jr_array shape_of = {&dummy, d->P, cnd, cshape, NULL};
  return jr_dens_create_from(&mean, &shape_of, d->form, d->P,
                             jr_mvn_dens_source, d, out);
}

jr_status jr_mvn_dens_get(jr_mvn_dens *d, const jr_mvn_density **out) {
  if (!d)
    return jr_fail(JR_E_BAD_MODE, "jr_mvn_logpdf_eval: this jr_mvn has no "
                                  "density");
  if (d->why) return jr_fail(JR_E_BAD_RANGE, "jr_mvn_logpdf_eval: %s", d->why);
  jr_mvn_density *b = atomic_load_explicit(&d->built, memory_order_acquire);
  if (b) {
    *out = b;
    return JR_OK;
  }
  jr_status st = JR_OK;
  pthread_mutex_lock(&d->lock);
  b = atomic_load_explicit(&d->built, memory_order_relaxed);
  if (!b) {
    st = jr_mvn_dens_build(d, &b);
    if (st == JR_OK) {
      /* the kept values are in the density now */
      free(d->vals);
      d->vals = NULL;
      atomic_store_explicit(&d->built, b, memory_order_release);
    }
  }
  pthread_mutex_unlock(&d->lock);
  if (st == JR_OK) *out = b;
  return st;
}
