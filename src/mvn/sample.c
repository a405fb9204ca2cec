/* multivariate_normal's sampling: rows cut into blocks, z drawn into each
 * block just before the product reads it, blocks split over worker threads.
 * Memory does not grow with the output. */
#include "mvn/sample.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "mvn/array_view.h"
#include "random/fill.h"

/* Elements of z per block: buffers stay in L1/L2; a multiple of the SIMD
 * kernels' 288-element block (for n = 1, 2, 3, 4, 6, 8, 9, 12, 16 the rows
 * of a block fill it exactly). */
enum { JR_MVN_BLOCK = JR_CALL_BLOCK };

typedef struct {
  const jr_mvn_source *src;
  jr_fill z;           /* normal(key, rows * n, zdtype), prepared */
  jr_mvn_product prod; /* the product and its blocking */
  int64_t row0, row1;  /* the absolute rows asked for; out[0] is row0 */
  int64_t brows;       /* rows per block */
  void *out;
  atomic_int status;
} jr_sample_job;

static void jr_set_status(jr_sample_job *job, jr_status st) {
  int expected = JR_OK;
  atomic_compare_exchange_strong(&job->status, &expected, (int)st);
}

/* z of absolute rows [row, row + cnt) in the result dtype into zr; zraw is
 * scratch for z as drawn when its dtype differs (widening is exact). */
static void jr_draw_z(const jr_sample_job *job, int64_t row, int64_t cnt,
                      void *zraw, void *zr) {
  const jr_mvn_plan *p = job->src->plan;
  const int64_t n = p->n;
  void *dst = p->zdtype == p->rdtype ? zr : zraw;
  jr_fill_run(&job->z, row * n, cnt * n, dst);
  if (dst == zr) return;
  for (int64_t k = 0; k < cnt * n; k++) {
    double v;
    switch (p->zdtype) {
    case JR_FLOAT16: v = jr_f16_to_f32(((uint16_t *)zraw)[k]); break;
    case JR_BFLOAT16: v = jr_bf16_to_f32(((uint16_t *)zraw)[k]); break;
    case JR_FLOAT32: v = ((float *)zraw)[k]; break;
    default: v = ((double *)zraw)[k]; break;
    }
    if (p->rdtype == JR_FLOAT32)
      ((float *)zr)[k] = (float)v;
    else
      ((double *)zr)[k] = v;
  }
}

/* Stored element k of `count` at base, or NULL if not stored (see
 * jr_mvn_source). */
static inline const void *jr_stored_at(const char *base, int64_t k,
                                       int64_t count, const unsigned char *used,
                                       size_t bytes) {
  if (k < 0 || k >= count || !used[k]) return NULL;
  return base + (size_t)k * bytes;
}

/* A worker's buffers. */
typedef struct {
  char *z, *zraw, *scratch;
  const void **fptr, **mptr; /* per row of a block */
  /* without stored factors / means: */
  jr_factors local;       /* the block's factors */
  jr_factor_scratch fscr; /* computing them */
  char *cbuf, *mbuf;      /* the block's cov / mean converted */
} jr_sample_bufs;

static void jr_bufs_free(jr_sample_bufs *b) {
  free(b->z);
  free(b->zraw);
  free(b->scratch);
  free(b->fptr);
  jr_factors_free(&b->local);
  jr_factor_scratch_free(&b->fscr);
  free(b->cbuf);
  free(b->mbuf);
}

static jr_status jr_bufs_alloc(const jr_sample_job *job, jr_sample_bufs *b) {
  const jr_mvn_source *src = job->src;
  const jr_mvn_plan *p = src->plan;
  const int64_t n = p->n, brows = job->brows;
  const size_t rsize = jr_dtype_size(p->rdtype);
  /* 64-byte aligned, so each product call sees the same alignment. */
  const size_t zbytes = ((size_t)(brows * n) * rsize + 63) / 64 * 64;
  memset(b, 0, sizeof *b);
  b->z = aligned_alloc(64, zbytes);
  if (p->zdtype != p->rdtype)
    b->zraw = malloc((size_t)(brows * n) * jr_dtype_size(p->zdtype));
  if (job->prod.scratch_bytes)
    b->scratch = aligned_alloc(64, job->prod.scratch_bytes);
  b->fptr = malloc(sizeof *b->fptr * (size_t)brows * 2);
  if (!b->z || (p->zdtype != p->rdtype && !b->zraw) ||
      (job->prod.scratch_bytes && !b->scratch) || !b->fptr)
    return JR_E_OUT_OF_MEMORY;
  b->mptr = b->fptr + brows;
  jr_status st;
  if (!src->factors) {
    if ((st = jr_factors_alloc(&b->local, src->lay, brows)) != JR_OK ||
        (st = jr_factor_scratch_alloc(&b->fscr, src->lay, p->fdtype, brows)) !=
            JR_OK)
      return st;
    if (src->cov->dtype != p->fdtype &&
        !(b->cbuf = malloc((size_t)(brows * n * n) * jr_dtype_size(p->fdtype))))
      return JR_E_OUT_OF_MEMORY;
  }
  if (!src->means && src->mean->dtype != p->rdtype &&
      !(b->mbuf = malloc((size_t)(brows * n) * rsize)))
    return JR_E_OUT_OF_MEMORY;
  return JR_OK;
}

/* Without stored factors / means: those of rows [r, r + cnt), one per row. */
static jr_status jr_block_sources(const jr_sample_job *job, jr_sample_bufs *b,
                                  int64_t r, int64_t cnt) {
  const jr_mvn_source *src = job->src;
  const jr_mvn_plan *p = src->plan;
  const int64_t n = p->n, nn = n * n;
  const jr_dtype P = p->fdtype, R = p->rdtype;
  const size_t rsize = jr_dtype_size(R), psize = jr_dtype_size(P);
  jr_status st = JR_OK;
  if (!src->factors) {
    /* covariances already in P are read in place */
    const char *cb = b->cbuf;
    if (src->cov->dtype == P)
      cb = (const char *)src->cov->data + (size_t)(r * nn) * psize;
    else
      st = jr_view_copy("cov", src->cov, r * nn, cnt * nn, P, P, b->cbuf);
    if (st == JR_OK)
      st = jr_factors_compute_chunk(&b->local, 0, cnt, cb, &b->fscr);
    if (st != JR_OK) return st;
  }
  if (!src->means) {
    const char *mb = b->mbuf;
    if (src->mean->dtype == R)
      mb = (const char *)src->mean->data + (size_t)(r * n) * rsize;
    else
      st = jr_view_copy("mean", src->mean, r * n, cnt * n, P, R, b->mbuf);
    for (int64_t k = 0; k < cnt; k++)
      b->mptr[k] = mb + (size_t)(k * n) * rsize;
  }
  return st;
}

/* Worker: rows [row0 + begin, row0 + end). */
static void jr_sample_worker(void *arg, int64_t begin, int64_t end) {
  jr_sample_job *job = arg;
  const jr_mvn_source *src = job->src;
  const jr_mvn_plan *p = src->plan;
  const int64_t n = p->n, brows = job->brows;
  const size_t rsize = jr_dtype_size(p->rdtype), rbytes = (size_t)n * rsize;
  const int64_t a = job->row0 + begin, b = job->row0 + end;
  jr_sample_bufs buf;
  jr_status st = jr_bufs_alloc(job, &buf);
  if (st != JR_OK) {
    jr_set_status(job, st);
    jr_bufs_free(&buf);
    return;
  }
  const int stored_f = src->factors != NULL, stored_m = src->means != NULL;
  /* Byte steps hoisted out of the row loop (no call per row). */
  const char *fbase = stored_f ? jr_factors_slot(src->factors, 0) : NULL;
  const char *mbase = src->means;
  const size_t fbytes = src->lay->bytes;
  /* One factor and one mean for every row (the common shape=(rows,) case):
   * the pointer arrays are filled once. */
  const int shared =
      p->cov_count == 1 && p->mean_count == 1 && stored_f && stored_m;
  /* factors and means stored for a part of the rows */
  const int partial = stored_f && stored_m && src->factor_used;
  for (int64_t k = 0; k < brows; k++) {
    if (shared) {
      buf.fptr[k] = fbase;
      buf.mptr[k] = mbase;
    } else if (!stored_f) {
      buf.fptr[k] = jr_factors_slot(&buf.local, k);
    }
  }
  jr_row_cursor cur;
  jr_row_cursor_init(p, a, &cur);
  for (int64_t r = a; r < b;) {
    /* the block [r, hi) */
    const int64_t hi = r + brows < b ? r + brows : b, cnt = hi - r;
    jr_draw_z(job, r, cnt, buf.zraw, buf.z);
    if (partial && !shared) {
      for (int64_t k = 0; k < cnt; k++) {
        buf.fptr[k] =
            jr_stored_at(fbase, cur.ci - src->factor_first, src->factors->count,
                         src->factor_used, fbytes);
        buf.mptr[k] = jr_stored_at(mbase, cur.mi - src->mean_first,
                                   src->mean_count, src->mean_used, rbytes);
        jr_row_cursor_next(p, &cur);
      }
    } else if (stored_f && stored_m && !shared) {
      for (int64_t k = 0; k < cnt; k++) {
        buf.fptr[k] = fbase + (size_t)cur.ci * fbytes;
        buf.mptr[k] = mbase + (size_t)cur.mi * rbytes;
        jr_row_cursor_next(p, &cur);
      }
    } else if (!shared) {
      if (!stored_f || !stored_m) {
        if ((st = jr_block_sources(job, &buf, r, cnt)) != JR_OK) {
          jr_set_status(job, st);
          break;
        }
      }
      for (int64_t k = 0; stored_f != stored_m && k < cnt; k++) {
        if (stored_f) buf.fptr[k] = fbase + (size_t)cur.ci * fbytes;
        if (stored_m) buf.mptr[k] = mbase + (size_t)cur.mi * rbytes;
        jr_row_cursor_next(p, &cur);
      }
    }
    const jr_product_block pb = {.rows = cnt,
                                 .z = buf.z,
                                 .factor = buf.fptr,
                                 .mean = buf.mptr,
                                 .shared = shared,
                                 .out = (char *)job->out +
                                        (size_t)(r - job->row0) * rbytes,
                                 .scratch = buf.scratch};
    jr_product_run(&job->prod, &pb);
    r = hi;
  }
  jr_bufs_free(&buf);
}

jr_status jr_mvn_sample(const jr_ctx *ctx, const jr_mvn_source *src, jr_key key,
                        int64_t row0, int64_t row1, void *out, const char *fn) {
  const jr_mvn_plan *p = src->plan;
  const int64_t count = row1 - row0, n = p->n;
  jr_sample_job *job = malloc(sizeof *job);
  if (!job) return jr_fail(JR_E_OUT_OF_MEMORY, "%s: out of memory", fn);
  /* Kernel-selection and mode errors surface here, on the caller's thread
   * (the plan guarantees rows * n fits). */
  jr_status st = jr_fill_normal_init(ctx, key, p->zdtype, p->rows * n, &job->z);
  if (st != JR_OK) {
    free(job);
    return st;
  }
  job->src = src;
  if ((st = jr_product_init(&job->prod, src->lay, job->z.kern)) != JR_OK) {
    free(job);
    return st;
  }
  job->row0 = row0;
  job->row1 = row1;
  job->out = out;
  atomic_init(&job->status, JR_OK);
  job->brows = n >= JR_MVN_BLOCK ? 1 : JR_MVN_BLOCK / n;
  /* Stored factors: blocks as large as the product's z blocks (without,
   * a block's factors are computed into the worker's buffer, which stays
   * small: one covariance per row costs n^3 / 3 there anyway). */
  if (src->factors && job->brows < job->prod.rows_hint)
    job->brows = job->prod.rows_hint;
  /* Work per row: drawing z dominates for small n, the product for large n;
   * a factorization per row when there are no stored factors. */
  int64_t work = count * n, extra;
  if (src->factors) {
    if (!jr_mul_i64(work, n / 16, &extra) || !jr_add_i64(work, extra, &work))
      work = INT64_MAX;
  } else if (!jr_mul_i64(count, n * (n + 2), &work)) {
    work = INT64_MAX;
  }
  const int threads = jr_ctx_threads(ctx, work);
  st = jr_parallel_for(threads, count, jr_sample_worker, job);
  if (st == JR_OK && atomic_load(&job->status) != JR_OK) {
    st = (jr_status)atomic_load(&job->status);
    jr_fail(st, "%s: a worker failed (%s) while sampling rows [%lld, %lld)", fn,
            jr_status_string(st), (long long)row0, (long long)row1);
  }
  free(job);
  return st;
}
