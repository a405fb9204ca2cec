/* multivariate_normal's factors: how they are computed into storage, the one
 * storage layout, and the product out = mean + F z that reads it. Everything
 * that knows the layout is here (factor_store.c); the rest of the library
 * holds factors as opaque slots and samples through jr_product_run. Internal.
 *
 * The layout, chosen by n alone (never by ISA, slice or thread count); the
 * product has one definition for every n (linalg/product.h: acc = +0,
 * fma(F_ij, z_j, acc) for j = 0..n-1 in order, then mean + acc):
 *  - n <= JR_XFORM_SMALL_MAX ("exact"): transposed and padded for the
 *    per-row-factor small product (jr_xform_transpose, linalg/transform.h);
 *  - larger n: jr_product_pack's panels (lower triangle only for cholesky),
 *    for jr_product.
 * Except the precision form's ("solve"): for every n its lower factor L as
 * jr_solve_pack packs it, and rows are mean + L^-T z by the triangular
 * solve (linalg/solve.h), not by the product. */
#ifndef JR_MVN_FACTOR_STORE_H
#define JR_MVN_FACTOR_STORE_H

#include "internal.h"
#include "linalg/linalg_kernels.h"

/* The layout of one stored factor. */
typedef struct jr_factor_layout {
  jr_method method;
  jr_dtype dtype; /* R: factors are stored widened (exactly) to it */
  int64_t n;
  int exact;     /* n <= JR_XFORM_SMALL_MAX: the small product's layout */
  int lower;     /* cholesky: only the lower triangle is stored (n > 16) */
  int solve;     /* jr_solve_pack of a lower L: rows are mean + L^-T z */
  int64_t elems; /* elements per stored factor */
  size_t bytes;  /* bytes per stored factor */
} jr_factor_layout;

/* The layout for `method`'s factors of n x n covariances sampled in R.
 * JR_E_SIZE_OVERFLOW if a factor's size does not fit. */
jr_status jr_factor_layout_init(jr_factor_layout *lay, jr_method method,
                                jr_dtype R, int64_t n);
/* The solve layout (lay->solve; method is kept for the plan's messages
 * only: its factors are stored, never computed, by jr_factors_store). */
jr_status jr_factor_layout_init_solve(jr_factor_layout *lay, jr_method method,
                                      jr_dtype R, int64_t n);

/* `count` factors in one layout. */
typedef struct jr_factors {
  jr_factor_layout lay;
  int64_t count;
  void *data;
} jr_factors;

/* Storage for `count` factors: JR_E_SIZE_OVERFLOW, JR_E_OUT_OF_MEMORY. */
jr_status jr_factors_alloc(jr_factors *s, const jr_factor_layout *lay,
                           int64_t count);
void jr_factors_free(jr_factors *s);

/* Slot k, as the product reads it (row pointers to it go in
 * jr_product_block.factor). */
static inline const void *jr_factors_slot(const jr_factors *s, int64_t k) {
  return (const char *)s->data + (size_t)k * s->lay.bytes;
}

/* Scratch for computing factors of covariances in P (float32/float64):
 * one factor and a double copy, plus `chunk` matrices for
 * jr_factors_compute_chunk (when the batched Cholesky applies). */
typedef struct jr_factor_scratch {
  jr_dtype P;
  void *f;       /* n^2 in P */
  double *work;  /* n^2 doubles */
  void *fb;      /* chunk n^2 in P */
  int64_t *info; /* chunk */
  int64_t chunk;
} jr_factor_scratch;

jr_status jr_factor_scratch_alloc(jr_factor_scratch *w,
                                  const jr_factor_layout *lay, jr_dtype P,
                                  int64_t chunk);
void jr_factor_scratch_free(jr_factor_scratch *w);

/* The factor of one covariance (n x n row-major in w->P) into slot k:
 * cholesky by the own jr_chol, eigh/svd as JAX computes them
 * (jr_linalg_factor, LAPACK). *failed: the factorization failed (the factor
 * is NaN). The work copy is clobbered. JR_E_BAD_ISA if the active kernel
 * set fails its linear-algebra self-check. */
jr_status jr_factors_compute(const jr_factors *s, int64_t k, const void *cov,
                             jr_factor_scratch *w, int *failed);

/* A given factor f (n x n row-major in P, float32/float64; +0 where the
 * factor is zero, the upper triangle for cholesky's layout; the solve
 * layout's lower L, whose upper triangle is not read) into slot k, as
 * jr_factors_compute stores a computed one. work: n^2 doubles. */
void jr_factors_store(const jr_factors *s, int64_t k, jr_dtype P, const void *f,
                      double *work);

/* Factors of cnt <= w->chunk contiguous covariances into slots [k, k + cnt):
 * the same bytes as jr_factors_compute per matrix; the small Cholesky runs
 * across the chunk (jr_chol_batch: several matrices per vector). */
jr_status jr_factors_compute_chunk(const jr_factors *s, int64_t k, int64_t cnt,
                                   const void *cov, jr_factor_scratch *w);

/* 1 if jr_factors_compute_chunk is faster than one matrix at a time. */
int jr_factors_chunk_pays(const jr_factor_layout *lay);

/* Factor k as n x n row-major doubles (exact: R widens to double). The
 * solve layout's F = L^-T: column c is the solve's mean + w for z = e_c and
 * mean = +0, in R (so exactly the samples' operations, not their bytes). */
void jr_factors_get(const jr_factors *s, int64_t k, double *out);
/* 1 if factor k holds a NaN. */
int jr_factors_has_nan(const jr_factors *s, int64_t k);

/* ---- the product out = mean + F z over a block of rows (the solve layout:
 * out = mean + L^-T z by jr_solve's kernel) */

/* How a sampler must cut rows into blocks and what it gives each worker. */
typedef struct jr_mvn_product {
  jr_factor_layout lay;
  /* A block may be any run of rows: a row's bytes depend on its own z,
   * factor and mean only (the product's order is fixed per element). */
  int64_t rows_hint;      /* rows per block that keep the product efficient */
  size_t scratch_bytes;   /* per worker, 64-byte aligned */
  const jr_kernels *kern; /* the kernel table (jr_kernels_get) */
} jr_mvn_product;

/* The product with the kernel table `kern` (from jr_kernels_get; the
 * sampler's own, so one set computes a whole call). Runs the set's
 * linear-algebra self-check if this process has not yet (JR_E_BAD_ISA when
 * it fails). */
jr_status jr_product_init(jr_mvn_product *x, const jr_factor_layout *lay,
                          const jr_kernels *kern);

typedef struct jr_product_block {
  int64_t rows;              /* rows in the block */
  const void *z;             /* rows * n in R */
  const void *const *factor; /* rows slot pointers (jr_factors_slot) */
  const void *const *mean;   /* rows pointers to n elements in R */
  /* 1: every row's factor and mean are factor[0] and mean[0] (one
   * covariance and mean for all rows): same bytes, faster. */
  int shared;
  void *out;     /* rows * n in R */
  void *scratch; /* jr_mvn_product.scratch_bytes */
} jr_product_block;

void jr_product_run(const jr_mvn_product *x, const jr_product_block *b);

#endif /* JR_MVN_FACTOR_STORE_H */
