/* The density's inner loop: forward substitution L y = d for a block of
 * points at once and the sum of squares of y, one fixed operation order
 * (each point's arithmetic the same in every lane), compiled per
 * kernel set so every set gives the same bytes. Internal. */
#ifndef JR_MVN_DENSITY_KERNELS_H
#define JR_MVN_DENSITY_KERNELS_H

#include "internal.h"

/* Points per block (the lanes of the structure-of-arrays solve). */
#define JR_DENS_BLOCK 32

/* d: n rows of JR_DENS_BLOCK doubles (point p of component i at
 * d[i * JR_DENS_BLOCK + p]), the first `count` points used; overwritten with
 * y. L: n x n lower, row-major (row stride n). q[p] = sum over i = 0..n-1 in
 * order of y_i^2 (from +0, separate products and sums). For each point
 * and i:
 *   t = d_i; t = fma(-L_ik, y_k, t) for k = 0..i-1 in order; y_i = t * r_i
 * with r_i = 1 / L_ii rounded (a product: no division's latency in the
 * chain from row to row). */
typedef void (*jr_dens_solve_fn)(int64_t n, const double *L, int64_t count,
                                 double *d, double *q);

void jr_dens_solve_ref(int64_t n, const double *L, int64_t count, double *d,
                       double *q);
#if defined(JR_HAVE_AVX2_DENS)
void jr_dens_solve_avx2(int64_t n, const double *L, int64_t count, double *d,
                        double *q);
#endif
#if defined(JR_HAVE_AVX512_DENS)
void jr_dens_solve_avx512(int64_t n, const double *L, int64_t count, double *d,
                          double *q);
#endif

/* The solve of the active kernel set. */
jr_dens_solve_fn jr_dens_solve_for_active(void);

/* A block's d = x - mean: d[i * JR_DENS_BLOCK + k] = x[k][i] - m[k][i]
 * (one rounded subtraction, so every set gives the same bytes) for points
 * k < cnt (rows of n doubles each), +0 in lanes cnt..JR_DENS_BLOCK-1. A
 * transposition: the AVX-512 set does it 8 x 8 in registers. */
typedef void (*jr_dens_gather_fn)(int64_t n, int cnt, const double *const *x,
                                  const double *const *m, double *d);
void jr_dens_gather_ref(int64_t n, int cnt, const double *const *x,
                        const double *const *m, double *d);
#if defined(JR_HAVE_AVX512_DENS)
void jr_dens_gather_avx512(int64_t n, int cnt, const double *const *x,
                           const double *const *m, double *d);
#endif
jr_dens_gather_fn jr_dens_gather_for_active(void);

#endif /* JR_MVN_DENSITY_KERNELS_H */
