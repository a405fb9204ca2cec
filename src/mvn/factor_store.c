/* multivariate_normal's factors in their one storage layout, and the product
 * mean + F z that reads them (see factor_store.h). The only file that knows
 * how a stored factor is laid out. */
#include "mvn/factor_store.h"

#include <math.h>
#include <stdlib.h>

#include "linalg/chol.h"
#include "linalg/factor.h"

jr_status jr_factor_layout_init(jr_factor_layout *lay, jr_method method,
                                jr_dtype R, int64_t n) {
  int64_t elems;
  lay->method = method;
  lay->dtype = R;
  lay->n = n;
  lay->exact = n <= JR_XFORM_SMALL_MAX;
  lay->lower = method == JR_CHOLESKY;
  lay->solve = 0;
  /* exact: transposed, each column padded to whole 256-bit vectors; else
   * jr_product_pack's panels (n <= JR_LINALG_MAX_N, checked by the callers
   * that store factors, keeps their size far from overflow) */
  if (!jr_mul_i64(n, lay->exact ? jr_xform_pad(R, n) : n, &elems) ||
      elems > INT64_MAX / 8)
    return jr_fail(JR_E_SIZE_OVERFLOW, "multivariate_normal: factor storage "
                                       "overflows 64 bits");
  if (!lay->exact) elems = jr_product_packed_size(R, n, lay->lower);
  lay->elems = elems;
  lay->bytes = (size_t)elems * jr_dtype_size(R);
  return JR_OK;
}

jr_status jr_factor_layout_init_solve(jr_factor_layout *lay, jr_method method,
                                      jr_dtype R, int64_t n) {
  jr_status st = jr_factor_layout_init(lay, method, R, n);
  if (st != JR_OK) return st;
  /* n (n + 1) / 2 <= n^2, which fitted */
  lay->exact = lay->lower = 0;
  lay->solve = 1;
  lay->elems = jr_solve_packed_size(n);
  lay->bytes = (size_t)lay->elems * jr_dtype_size(R);
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
  w->f = malloc(nn ? nn * psize : 1);
  w->work = malloc(nn ? nn * sizeof *w->work : 1);
  if (!jr_factors_chunk_pays(lay)) chunk = 0; /* one at a time */
  w->chunk = chunk;
  w->fb = chunk ? malloc((size_t)chunk * nn * psize + 1) : NULL;
  w->info = chunk ? malloc((size_t)chunk * sizeof *w->info) : NULL;
  if (!w->f || !w->work || (chunk && (!w->fb || !w->info))) {
    jr_factor_scratch_free(w);
    return jr_fail(JR_E_OUT_OF_MEMORY, "multivariate_normal: out of memory");
  }
  return JR_OK;
}

void jr_factor_scratch_free(jr_factor_scratch *w) {
  free(w->f);
  free(w->work);
  free(w->fb);
  free(w->info);
  w->f = w->work = NULL;
  w->fb = NULL;
  w->info = NULL;
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
  if (lay->solve)
    jr_solve_pack(R, n, fr, n, dst);
  else if (lay->exact)
    jr_xform_transpose(R, n, fr, dst);
  else
    jr_product_pack(R, n, lay->lower, fr, n, dst);
}

void jr_factors_store(const jr_factors *s, int64_t k, jr_dtype P, const void *f,
                      double *work) {
  jr_factor_put(&s->lay, P, f, work, jr_slot(s, k));
}

/* The one function behind every stored factor (jr_mvn_create and the
 * one-shot path), so a factor has the same bytes either way. */
jr_status jr_factors_compute(const jr_factors *s, int64_t k, const void *cov,
                             jr_factor_scratch *w, int *failed) {
  const jr_factor_layout *lay = &s->lay;
  const jr_kernels *kern;
  jr_status st = jr_kernels_get_linalg(&kern);
  if (st != JR_OK) return st;
  st = jr_linalg_factor(lay->method, w->P, lay->n, cov, w->f, failed);
  if (st != JR_OK) return st;
  jr_factor_put(lay, w->P, w->f, w->work, jr_slot(s, k));
  return JR_OK;
}

int jr_factors_chunk_pays(const jr_factor_layout *lay) {
  return lay->method == JR_CHOLESKY && !lay->solve && lay->n >= 1 &&
         lay->n <= JR_CHOL_BATCH_MAX;
}

jr_status jr_factors_compute_chunk(const jr_factors *s, int64_t k, int64_t cnt,
                                   const void *cov, jr_factor_scratch *w) {
  const jr_factor_layout *lay = &s->lay;
  const jr_dtype P = w->P;
  const int64_t n = lay->n;
  const size_t mbytes = (size_t)(n * n) * jr_dtype_size(P);
  const char *c = cov;
  char *dst = jr_slot(s, k);
  if (!w->chunk) { /* no batched form: one at a time, the same bytes */
    for (int64_t e = 0; e < cnt; e++) {
      int failed;
      jr_status st =
          jr_factors_compute(s, k + e, c + (size_t)e * mbytes, w, &failed);
      if (st != JR_OK) return st;
    }
    return JR_OK;
  }
  JR_ASSERT(cnt <= w->chunk);
  const jr_kernels *kern;
  jr_status st = jr_kernels_get_linalg(&kern);
  if (st != JR_OK) return st;
  /* Where the layout is exactly the column-major factor (no padding: float64
   * n = 4, W4's case) the batch writes it in place. Every factor, failed
   * ones included (NaN lower, +0 upper), is jr_chol's for that matrix. */
  const int direct =
      P == lay->dtype && lay->exact && jr_xform_pad(lay->dtype, n) == n;
  jr_chol_batch(P, n, cnt, c, direct ? (void *)dst : w->fb, w->info, direct);
  for (int64_t e = 0; !direct && e < cnt; e++)
    jr_factor_put(lay, P, (const char *)w->fb + (size_t)e * mbytes, w->work,
                  dst + (size_t)e * lay->bytes);
  return JR_OK;
}

static double jr_elem(jr_dtype d, const void *p, int64_t k) {
  return d == JR_FLOAT32 ? (double)((const float *)p)[k]
                         : ((const double *)p)[k];
}

/* The solve layout's F: column c by the scalar definition (jr_solve_ref's
 * order) with z = e_c, mean = +0, in R; out holds the w solved so far. */
static void jr_solve_columns(const jr_factor_layout *lay, const void *u,
                             double *out) {
  const int64_t n = lay->n;
  const int f32 = lay->dtype == JR_FLOAT32;
  for (int64_t c = 0; c < n; c++)
    for (int64_t i = n - 1; i >= 0; i--) {
      const int64_t o = jr_solve_row_off(n, i) - i; /* U_ij at o + j */
      double t = i == c ? 1.0 : 0.0, d;
      for (int64_t j = n - 1; j > i; j--) {
        const double w = out[j * n + c];
        t = f32 ? (double)fmaf(-((const float *)u)[o + j], (float)w, (float)t)
                : fma(-((const double *)u)[o + j], w, t);
      }
      if (f32) {
        const float x = (float)t / ((const float *)u)[o + i];
        d = (double)(0.0f + x);
      } else {
        d = 0.0 + t / ((const double *)u)[o + i];
      }
      out[i * n + c] = d;
    }
}

void jr_factors_get(const jr_factors *s, int64_t k, double *out) {
  const jr_factor_layout *lay = &s->lay;
  if (lay->solve) {
    jr_solve_columns(lay, jr_factors_slot(s, k), out);
    return;
  }
  const int64_t n = lay->n, np = jr_xform_pad(lay->dtype, n);
  const int64_t pw =
      lay->dtype == JR_FLOAT32 ? JR_PRODUCT_PANEL_F32 : JR_PRODUCT_PANEL_F64;
  const void *f = jr_factors_slot(s, k);
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < n; j++) {
      if (lay->exact) {
        out[i * n + j] = jr_elem(lay->dtype, f, j * np + i);
      } else if (lay->lower && j > i) { /* +0 by the packed definition */
        out[i * n + j] = 0.0;
      } else {
        const int64_t off = jr_product_panel_off(n, lay->lower, pw, i / pw);
        out[i * n + j] = jr_elem(lay->dtype, f, off + j * pw + i % pw);
      }
    }
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

jr_status jr_product_init(jr_mvn_product *x, const jr_factor_layout *lay,
                          const jr_kernels *kern) {
  /* the product's entries are the linear algebra's: checked at first use */
  jr_status st = jr_kernels_linalg_ready(kern);
  if (st != JR_OK) return st;
  x->lay = *lay;
  x->kern = kern;
  if (lay->solve) { /* whole chunks keep the solve's lanes busy */
    x->rows_hint = JR_SOLVE_CHUNK;
    x->scratch_bytes = jr_solve_scratch_bytes(lay->dtype, lay->n);
    return JR_OK;
  }
  /* jr_product's z blocks: whole ones keep its register tiles full */
  x->rows_hint = lay->exact ? 0 : JR_PRODUCT_MC;
  x->scratch_bytes =
      lay->exact ? 0 : jr_product_scratch_bytes(lay->dtype, lay->n);
  return JR_OK;
}

/* The run of rows [a, e) from a that share a factor and whose means are
 * one (*ms = 0) or consecutive (*ms = n): one jr_product call. */
static int64_t jr_run_end(const jr_product_block *b, int64_t a, size_t rbytes,
                          int64_t n, int64_t *ms) {
  int64_t e = a + 1;
  *ms = 0;
  if (e < b->rows && b->factor[e] == b->factor[a]) {
    const char *m0 = b->mean[a], *m1 = b->mean[e];
    if (m1 == m0 + rbytes)
      *ms = n;
    else if (m1 != m0)
      return e;
  }
  for (; e < b->rows && b->factor[e] == b->factor[a] &&
         (const char *)b->mean[e] ==
             (const char *)b->mean[a] + (size_t)(e - a) * (*ms ? rbytes : 0);
       e++) {
  }
  return e;
}

void jr_product_run(const jr_mvn_product *x, const jr_product_block *b) {
  const jr_dtype R = x->lay.dtype;
  const int64_t n = x->lay.n;
  const size_t rbytes = (size_t)n * jr_dtype_size(R);
  if (x->lay.exact) {
    jr_transform_block blk = {R,         n,       b->rows, b->z,
                              b->factor, b->mean, b->out,  b->shared};
    x->kern->product_small(&blk);
    return;
  }
  for (int64_t a = 0, e; a < b->rows; a = e) {
    int64_t ms = 0;
    e = b->shared ? b->rows : jr_run_end(b, a, rbytes, n, &ms);
    if (x->lay.solve) {
      const jr_solve_args g = {.dtype = R,
                               .n = n,
                               .rows = e - a,
                               .packed = b->factor[a],
                               .z = (const char *)b->z + (size_t)a * rbytes,
                               .mean = b->mean[a],
                               .mean_stride = ms,
                               .out = (char *)b->out + (size_t)a * rbytes,
                               .scratch = b->scratch};
      (void)x->kern->solve(&g); /* with its scratch, it cannot fail */
      continue;
    }
    const jr_product_args g = {.dtype = R,
                               .n = n,
                               .lower = x->lay.lower,
                               .rows = e - a,
                               .packed = b->factor[a],
                               .z = (const char *)b->z + (size_t)a * rbytes,
                               .mean = b->mean[a],
                               .mean_stride = ms,
                               .out = (char *)b->out + (size_t)a * rbytes,
                               .scratch = b->scratch};
    /* with its scratch given, the product cannot fail */
    (void)x->kern->product(&g);
  }
}
