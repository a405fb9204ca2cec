/* multivariate_normal's factors in their one storage layout, and the product
 * mean + F z that reads them (see factor_store.h). The only file that knows
 * how a stored factor is laid out. */
#include "mvn/factor_store.h"

#include <stdlib.h>

#include "linalg/factor.h"

jr_status jr_factor_layout_init(jr_factor_layout *lay, jr_method method,
                                jr_dtype R, int64_t n) {
  int64_t elems;
  lay->method = method;
  lay->dtype = R;
  lay->n = n;
  lay->exact = n <= JR_XFORM_SMALL_MAX;
  /* exact: transposed, each column padded to whole 256-bit vectors */
  if (!jr_mul_i64(n, lay->exact ? jr_xform_pad(R, n) : n, &elems) ||
      elems > INT64_MAX / 8)
    return jr_fail(JR_E_SIZE_OVERFLOW, "multivariate_normal: factor storage "
                                       "overflows 64 bits");
  lay->elems = elems;
  lay->bytes = (size_t)elems * jr_dtype_size(R);
  return JR_OK;
}

jr_status jr_factors_alloc(jr_factors *s, const jr_factor_layout *lay,
                           int64_t count) {
  int64_t elems;
  s->lay = *lay;
  s->count = count;
  s->data = NULL;
  if (!jr_mul_i64(count, lay->elems, &elems) || elems > INT64_MAX / 8)
    return jr_fail(JR_E_SIZE_OVERFLOW, "multivariate_normal: factor storage "
                                       "overflows 64 bits");
  /* count comes from the caller's cov array, so it is bounded by memory */
  s->data = malloc(elems ? (size_t)elems * jr_dtype_size(lay->dtype) : 1);
  if (!s->data)
    return jr_fail(JR_E_OUT_OF_MEMORY,
                   "multivariate_normal: cannot allocate "
                   "factors for %lld covariances of size %lld x %lld",
                   (long long)count, (long long)lay->n, (long long)lay->n);
  return JR_OK;
}

void jr_factors_free(jr_factors *s) {
  free(s->data);
  s->data = NULL;
}

jr_status jr_factor_scratch_alloc(jr_factor_scratch *w,
                                  const jr_factor_layout *lay, jr_dtype P,
                                  int64_t chunk) {
  /* n <= JR_LINALG_MAX_N (checked by the caller): n^2 fits easily */
  const size_t nn = (size_t)(lay->n * lay->n), psize = jr_dtype_size(P);
  w->P = P;
  w->chunk = chunk;
  w->f = malloc(nn ? nn * psize : 1);
  w->work = malloc(nn ? nn * sizeof *w->work : 1);
  w->fb = chunk ? malloc((size_t)chunk * nn * psize + 1) : NULL;
  w->ok = chunk ? malloc((size_t)chunk) : NULL;
  if (!w->f || !w->work || (chunk && (!w->fb || !w->ok))) {
    jr_factor_scratch_free(w);
    return jr_fail(JR_E_OUT_OF_MEMORY, "multivariate_normal: out of memory");
  }
  return JR_OK;
}

void jr_factor_scratch_free(jr_factor_scratch *w) {
  free(w->f);
  free(w->work);
  free(w->fb);
  free(w->ok);
  w->f = w->work = NULL;
  w->fb = NULL;
  w->ok = NULL;
}

static void *jr_slot(const jr_factors *s, int64_t k) {
  return (char *)s->data + (size_t)k * s->lay.bytes;
}

/* Stores the factor f (n x n row-major in P) in the layout at dst; work (n^2
 * doubles) holds the widening to R when P != R (exact). */
static void jr_factor_put(const jr_factor_layout *lay, jr_dtype P,
                          const void *f, double *work, void *dst) {
  const jr_dtype R = lay->dtype;
  const int64_t n = lay->n, nn = n * n;
  const void *fr = f;
  if (P != R) { /* float32 factor, float64 result: widen (exact) */
    for (int64_t k = 0; k < nn; k++)
      work[k] = ((const float *)f)[k];
    fr = work;
  }
  if (lay->exact)
    jr_xform_transpose(R, n, fr, dst);
  else
    memcpy(dst, fr, (size_t)nn * jr_dtype_size(R));
}

/* The one function behind every stored factor (jr_mvn_create and the
 * one-shot path), so a factor has the same bytes either way. */
jr_status jr_factors_compute(const jr_factors *s, int64_t k, const void *cov,
                             jr_factor_scratch *w, int *failed) {
  const jr_factor_layout *lay = &s->lay;
  void *dst = jr_slot(s, k);
  /* The row-major layout takes the factor as is: straight into place (for
   * W3, n = 1000, that saves an 8 MB buffer and its copy). */
  if (!lay->exact && w->P == lay->dtype)
    return jr_linalg_factor(lay->method, w->P, lay->n, cov, dst, failed);
  jr_status st = jr_linalg_factor(lay->method, w->P, lay->n, cov, w->f, failed);
  if (st != JR_OK) return st;
  jr_factor_put(lay, w->P, w->f, w->work, dst);
  return JR_OK;
}

int jr_factors_chunk_pays(const jr_factor_layout *lay) {
  return lay->method == JR_CHOLESKY && lay->n >= 1 && lay->n <= JR_CHOL_OWN_MAX;
}

jr_status jr_factors_compute_chunk(const jr_factors *s, int64_t k, int64_t cnt,
                                   const void *cov, jr_factor_scratch *w) {
  const jr_factor_layout *lay = &s->lay;
  const jr_dtype P = w->P;
  const int64_t n = lay->n;
  const size_t mbytes = (size_t)(n * n) * jr_dtype_size(P);
  const char *c = cov;
  char *dst = jr_slot(s, k);
  JR_ASSERT(cnt <= w->chunk);
  /* Where the layout is exactly the column-major factor (no padding: float64
   * n = 4, W4's case) the batch writes it in place. */
  const int direct =
      P == lay->dtype && lay->exact && jr_xform_pad(lay->dtype, n) == n;
  if (jr_factors_chunk_pays(lay) && jr_own_chol_ok())
    jr_chol_small_batch(P, n, cnt, c, direct ? (void *)dst : w->fb, w->ok,
                        direct);
  else
    memset(w->ok, 0, (size_t)cnt);
  /* A matrix the own Cholesky leaves (not positive definite, non-finite)
   * goes through jr_factors_compute like any other: every factor is
   * jr_linalg_factor's. */
  for (int64_t e = 0; e < cnt; e++) {
    if (w->ok[e] && direct) continue;
    if (w->ok[e]) {
      jr_factor_put(lay, P, (const char *)w->fb + (size_t)e * mbytes, w->work,
                    dst + (size_t)e * lay->bytes);
    } else {
      int failed;
      jr_status st =
          jr_factors_compute(s, k + e, c + (size_t)e * mbytes, w, &failed);
      if (st != JR_OK) return st;
    }
  }
  return JR_OK;
}

static double jr_elem(jr_dtype d, const void *p, int64_t k) {
  return d == JR_FLOAT32 ? (double)((const float *)p)[k]
                         : ((const double *)p)[k];
}

void jr_factors_get(const jr_factors *s, int64_t k, double *out) {
  const jr_factor_layout *lay = &s->lay;
  const int64_t n = lay->n, np = jr_xform_pad(lay->dtype, n);
  const void *f = jr_factors_slot(s, k);
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++)
      out[i * n + j] =
          jr_elem(lay->dtype, f, lay->exact ? j * np + i : i * n + j);
}

int jr_factors_has_nan(const jr_factors *s, int64_t k) {
  const void *f = jr_factors_slot(s, k);
  int nan = 0;
  for (int64_t e = 0; e < s->lay.elems; e++) {
    double v = jr_elem(s->lay.dtype, f, e);
    if (v != v) nan = 1;
  }
  return nan;
}

/* ---- the product */

void jr_product_init(jr_product *x, const jr_factor_layout *lay, jr_isa isa) {
  const int64_t G = JR_XFORM_GEMM_ROWS;
  x->lay = *lay;
  x->exact = jr_transform_for_isa(isa);
  x->blas = !lay->exact;
  x->align = lay->exact ? 0 : G;
  /* gemm's product; 64-byte aligned so each call sees the same alignment */
  x->scratch_bytes =
      lay->exact
          ? 0
          : ((size_t)(G * lay->n) * jr_dtype_size(lay->dtype) + 63) / 64 * 64;
}

void jr_product_run(const jr_product *x, const jr_product_block *b) {
  const jr_dtype R = x->lay.dtype;
  const int64_t n = x->lay.n;
  const size_t rbytes = (size_t)n * jr_dtype_size(R);
  if (x->lay.exact) {
    jr_transform_block blk = {R,
                              n,
                              b->hi - b->lo,
                              (const char *)b->z + (size_t)b->lo * rbytes,
                              b->factor + b->lo,
                              b->mean + b->lo,
                              b->out,
                              b->shared};
    x->exact(&blk);
    return;
  }
  /* BLAS: each run of rows sharing a factor is one call over the whole run
   * (z of rows outside [lo, hi) is zero), so the call computing a row has
   * the same shape and position whatever the slice or thread split (see
   * transform_blas.c). */
  for (int64_t ra = 0, rb; ra < b->rows; ra = rb) {
    for (rb = ra + 1; rb < b->rows && b->factor[rb] == b->factor[ra]; rb++) {
    }
    const int64_t lo = ra > b->lo ? ra : b->lo, hi = rb < b->hi ? rb : b->hi;
    if (lo >= hi) continue;
    jr_transform_blas(R, n, x->lay.method == JR_CHOLESKY, rb - ra,
                      b->factor[ra], (char *)b->z + (size_t)ra * rbytes,
                      b->scratch, lo - ra, hi - ra, b->mean + lo,
                      (char *)b->out + (size_t)(lo - b->lo) * rbytes);
  }
}
