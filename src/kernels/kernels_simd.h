/* Internal hooks of the SIMD kernels, for the tests and the dispatcher's
 * self-check. Not installed. */
#ifndef JR_KERNELS_SIMD_H
#define JR_KERNELS_SIMD_H

#include <stddef.h>

#include "jaxrandom.h"

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

/* The self-check's groups: the kernel_list.h entries of JR_KERNEL_LIST_GEN
 * and of JR_KERNEL_LIST_LINALG. */
typedef enum { JR_KGROUP_GEN = 0, JR_KGROUP_LINALG = 1 } jr_kernel_group;

/* Runs the kernels of `group` of `k` on fixed inputs (edge bit patterns,
 * counters that carry inside a vector, odd lengths; matrices that reach
 * every blocking path and failing pivots) and compares with the reference
 * byte for byte: NULL if every entry is identical, else the name of the
 * first entry (in kernel_list.h's order) that differs. The generation group
 * takes well under a millisecond, the linear-algebra group about 10 ms. */
const char *jr_kernels_self_check_group_failure(const struct jr_kernels *k,
                                                jr_kernel_group group);
/* Both groups, the generation group first. */
const char *jr_kernels_self_check_failure(const struct jr_kernels *k);
/* 1 if jr_kernels_self_check_failure(k) is NULL. */
int jr_kernels_self_check(const struct jr_kernels *k);

/* For the tests of the dispatcher (dispatch.c): the state of `isa`'s check
 * of `group` in this process (0 not run yet, 1 passed, -1 failed; always 1
 * for the reference), and a table that stands in for `isa`'s own from now
 * on (NULL: the own again). Call the latter before the set is first used:
 * a group already checked is not checked again. */
int jr_kernels_group_checked(jr_isa isa, jr_kernel_group group);
void jr_kernels_test_substitute(jr_isa isa, const struct jr_kernels *table);

#endif /* JR_KERNELS_SIMD_H */
