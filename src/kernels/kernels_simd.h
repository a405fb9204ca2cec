/* Internal hooks of the SIMD kernels, for the tests and the dispatcher's
 * self-check. Not installed. */
#ifndef JR_KERNELS_SIMD_H
#define JR_KERNELS_SIMD_H

#include <stddef.h>

struct jr_kernels;

/* The scalar reference's erf_inv (src/math/xla_math.c). */
float jr_erf_inv_f32(float x);
double jr_erf_inv_f64(double x);
/* float64 log1p and erf_inv with XLA's 2026-08 log1p range
 * (JR_XLA_LOG1P_2026_08); jr_log1p_f64 is the earlier one. */
double jr_log1p_f64(double x);
double jr_log1p_f64_2608(double x);
double jr_erf_inv_f64_2608(double x);

/* The vector erf_inv of each kernel set on arbitrary inputs (the kernels only
 * ever see |u| < 1); n must be a multiple of 64. Only call a set the CPU
 * supports (jr_isa_supported). */
void jr_avx2_erf_inv_f32(const float *x, size_t n, float *out);
void jr_avx2_erf_inv_f64(const double *x, size_t n, double *out);
void jr_avx512_erf_inv_f32(const float *x, size_t n, float *out);
void jr_avx512_erf_inv_f64(const double *x, size_t n, double *out);
void jr_avx2_erf_inv_f64_2608(const double *x, size_t n, double *out);
void jr_avx512_erf_inv_f64_2608(const double *x, size_t n, double *out);

/* The float64 vector log of each set (simd_body.h): out[i] is log(a[i])
 * rounded from a double-double; fallback[i] = 1 where the kernels call the
 * C library's log instead (only the other lanes are guaranteed to equal it).
 * n a multiple of 64. */
void jr_avx2_log_f64_fast(const double *a, size_t n, double *out,
                          unsigned char *fallback);
void jr_avx512_log_f64_fast(const double *a, size_t n, double *out,
                            unsigned char *fallback);

/* Runs every kernel of `k` on fixed inputs (edge bit patterns, counters that
 * carry inside a vector, odd lengths; matrices that reach every blocking
 * path and failing pivots) and compares with the reference byte for byte:
 * NULL if every entry is identical, else the name of the first entry (in
 * kernel_list.h's order) that differs. About 10 ms. */
const char *jr_kernels_self_check_failure(const struct jr_kernels *k);
/* 1 if jr_kernels_self_check_failure(k) is NULL. */
int jr_kernels_self_check(const struct jr_kernels *k);

#endif /* JR_KERNELS_SIMD_H */
