/* The kernel table's one list: every kernel any kernel set provides, the
 * random kernels and the own linear algebra's (Cholesky, batched Cholesky,
 * the mean + F z products). Everything that enumerates the kernels is
 * generated from JR_KERNEL_LIST: the table type (jr_kernels, one typed slot
 * per entry), every ISA's table (designated initializers, so each slot is
 * filled by the implementation of the same name and a wrong signature does
 * not compile), and the self-check (self_check.c calls one check per
 * entry, a group at a time). Selection is jr_kernels_get (dispatch.c), the
 * only one; the linear algebra takes the table through
 * jr_kernels_get_linalg, which first checks that group.
 * Included by internal.h; not installed.
 *
 * Adding a kernel:
 *  1. Add X(name, return type, (parameters)) below, to the generation
 *     group or, for a kernel only the linear algebra calls (through
 *     jr_kernels_get_linalg), to the linear-algebra group.
 *  2. Implement it once per kernel set, with exactly that signature:
 *     ref_<name> in kernels_ref.c, k_<name> in the SIMD body
 *     (simd_kernels.h, built for avx2 and avx512). A kernel kept in its own
 *     file (the linear algebra: src/linalg/linalg_avx2.c) is defined there
 *     as jr_<isa>_<name> (external, declared in a header that file and
 *     kernels_<isa>.c include) and kernels_<isa>.c maps it before
 *     JR_KERNEL_TABLE with `#define k_<name> jr_<isa>_<name>`. A set without
 *     it fails to compile (the table names k_<name>); one with another
 *     signature fails at its _Generic selection.
 *  3. Add `static int sc_<name>(const jr_kernels *r, const jr_kernels *k,
 *     const sc_in *in)` to self_check.c: run the slot of the reference (r)
 *     and of the set under test (k) on fixed inputs that reach every branch
 *     and compare byte for byte (1 if identical). Without it the library
 *     does not link (self_check.c declares one per entry).
 *  4. tests/kernels: a test of the slot against ref, and a case in
 *     test_self_check_detects (its _Static_assert counts the entries). */
#ifndef JR_KERNEL_LIST_H
#define JR_KERNEL_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "jaxrandom.h"

/* Elements of one SIMD transform block: a whole number of hashing groups
 * (48 lanes with either set) and of transform groups (32 float32 / 16
 * float64 lanes), so no block hashes a padded tail. */
#define JR_KERNEL_BLOCK 288
/* Elements per kernel call from the fills (src/random, src/mvn): eight blocks,
 * so no call ends in a partial block, and the buffers stay in L1/L2 (smaller
 * calls were slower: docs/kernels.md). */
#define JR_CALL_BLOCK (8 * JR_KERNEL_BLOCK)

/* The one list, in two groups that differ only in when the dispatcher's
 * self-check runs them (dispatch.c): the generation group at the first use
 * of any kernel, the linear-algebra group at the first use of the linear
 * algebra (jr_kernels_get_linalg), so a process that only draws bits,
 * uniforms or normals does not pay the Cholesky checks. */
#define JR_KERNEL_LIST(X) JR_KERNEL_LIST_GEN(X) JR_KERNEL_LIST_LINALG(X)

/* The generation group. All kernels in partitionable mode: element i
 * (absolute index) uses counter (i >> 32, i & 0xFFFFFFFF). */
#define JR_KERNEL_LIST_GEN(X)                                                  \
  /* y0 ^ y1 (widths 8/16/32 truncate it) */                                   \
  X(bits32, void, (jr_key key, uint64_t start, size_t count, uint32_t * out))  \
  /* (y0 << 32) | y1 */                                                        \
  X(bits64, void, (jr_key key, uint64_t start, size_t count, uint64_t * out))  \
  X(normal_f32, void, (jr_key key, uint64_t start, size_t count, float *out))  \
  X(normal_f64, void, (jr_key key, uint64_t start, size_t count, double *out)) \
  /* Transforms of ready-made bits (legacy mode). */                           \
  X(normal_f32_from_bits, void,                                                \
    (const uint32_t *bits, size_t count, float *out))                          \
  X(normal_f64_from_bits, void,                                                \
    (const uint64_t *bits, size_t count, double *out))                         \
  /* float16 / bfloat16 normals (output: the 16-bit patterns). Fused:          \
   * element i uses the low 16 / 8 bits of bits32's word i. From bits: one     \
   * uint16 / uint8 of random bits per element (legacy mode). */               \
  X(normal_f16, void,                                                          \
    (jr_key key, uint64_t start, size_t count, uint16_t * out))                \
  X(normal_bf16, void,                                                         \
    (jr_key key, uint64_t start, size_t count, uint16_t * out))                \
  X(normal_f16_from_bits, void,                                                \
    (const uint16_t *bits, size_t count, uint16_t *out))                       \
  X(normal_bf16_from_bits, void,                                               \
    (const uint8_t *bits, size_t count, uint16_t *out))                        \
  /* uniform over [lo, hi) (algorithm.md 6): max(lo, fma(f, hi - lo, lo)) with \
   * XLA's NaN-propagating max; bits as for the normals. */                              \
  X(uniform_f32, void,                                                         \
    (jr_key key, uint64_t start, size_t count, float lo, float hi,             \
     float *out))                                                              \
  X(uniform_f64, void,                                                         \
    (jr_key key, uint64_t start, size_t count, double lo, double hi,           \
     double *out))                                                             \
  X(uniform_f32_from_bits, void,                                               \
    (const uint32_t *bits, size_t count, float lo, float hi, float *out))      \
  X(uniform_f64_from_bits, void,                                               \
    (const uint64_t *bits, size_t count, double lo, double hi, double *out))   \
  /* Legacy stream (algorithm.md 5): y0 / y1 of threefry(key, (a + i, b + i))  \
   * for i < count, 32-bit wrapping counters; either output may be NULL. */            \
  X(legacy_pairs, void,                                                        \
    (jr_key key, uint32_t a, uint32_t b, size_t count, uint32_t * y0,          \
     uint32_t * y1))                                                           \
  /* float16 / bfloat16 uniform: lo, hi already rounded to the dtype; bits     \
   * as for the 16-bit normals. */                                             \
  X(uniform_f16, void,                                                         \
    (jr_key key, uint64_t start, size_t count, float lo, float hi,             \
     uint16_t *out))                                                           \
  X(uniform_bf16, void,                                                        \
    (jr_key key, uint64_t start, size_t count, float lo, float hi,             \
     uint16_t *out))                                                           \
  X(uniform_f16_from_bits, void,                                               \
    (const uint16_t *bits, size_t count, float lo, float hi, uint16_t *out))   \
  X(uniform_bf16_from_bits, void,                                              \
    (const uint8_t *bits, size_t count, float lo, float hi, uint16_t *out))    \
  /* The float64 normals with XLA's 2026-08 log1p (JR_XLA_LOG1P_2026_08):      \
   * its rational branch only for x*(-x) >= 1/sqrt(2) - 1. */                  \
  X(normal_f64_2608, void,                                                     \
    (jr_key key, uint64_t start, size_t count, double *out))                   \
  X(normal_f64_2608_from_bits, void,                                           \
    (const uint64_t *bits, size_t count, double *out))

/* The linear-algebra group: the own linear algebra (src/linalg;
 * docs/linalg.md). Taken only through jr_kernels_get_linalg. */
#define JR_KERNEL_LIST_LINALG(X)                                               \
  /* In-place Cholesky of the symmetrized lower triangle of a (row-major,      \
   * lda), n > JR_CHOL_POTF2_MAX, fma order; the upper triangle may be         \
   * overwritten. Returns info (0 or the failing pivot + 1), or -1 when the    \
   * bounded scratch cannot be allocated. */                                   \
  X(chol_f32, int64_t, (int64_t n, float *a, int64_t lda))                     \
  X(chol_f64, int64_t, (int64_t n, double *a, int64_t lda))                    \
  /* jr_chol_batch after its argument checks. */                               \
  X(chol_batch_f32, void,                                                      \
    (int64_t n, int64_t count, const float *cov, float *f, int64_t *info,      \
     int colmajor))                                                            \
  X(chol_batch_f64, void,                                                      \
    (int64_t n, int64_t count, const double *cov, double *f, int64_t *info,    \
     int colmajor))                                                            \
  /* jr_product for one dtype (product.h): 0, or -1 when out of memory. */     \
  X(product, int, (const struct jr_product_args *args))                        \
  /* The product for n <= JR_XFORM_SMALL_MAX over rows that each have their    \
   * own factor (transposed, padded; transform.h): the same definition. */     \
  X(product_small, void, (const struct jr_transform_block *block))             \
  /* mean + U^-1 z for U = L^T, L lower (the precision form): jr_solve for     \
   * one dtype (solve.h): 0, or -1 when out of memory. */                      \
  X(solve, int, (const struct jr_solve_args *args))

/* The argument blocks of the linear-algebra entries (linalg/product.h,
 * linalg/transform.h include this header through internal.h). */
struct jr_product_args;
struct jr_transform_block;
struct jr_solve_args; /* linalg/solve.h */

/* One pointer type per entry: jr_kernel_<name>. */
#define JR_KERNEL_TYPEDEF_(name, ret, params)                                  \
  typedef ret(*jr_kernel_##name) params;
JR_KERNEL_LIST(JR_KERNEL_TYPEDEF_)
#undef JR_KERNEL_TYPEDEF_

/* The table: the ISA it belongs to, then one slot per entry. */
#define JR_KERNEL_SLOT_(name, ret, params) jr_kernel_##name name;
typedef struct jr_kernels {
  jr_isa isa;
  JR_KERNEL_LIST(JR_KERNEL_SLOT_)
} jr_kernels;
#undef JR_KERNEL_SLOT_

/* How many entries (the tests count their cases against it). */
#define JR_KERNEL_ONE_(name, ret, params) +1
enum { JR_KERNEL_COUNT = 0 JR_KERNEL_LIST(JR_KERNEL_ONE_) };

/* An ISA's table: with JR_KERNEL_IMPL(name) defined as the implementation's
 * name (k_##name in the SIMD files, ref_##name in kernels_ref.c),
 * `const jr_kernels jr_kernels_avx2 = JR_KERNEL_TABLE(JR_ISA_AVX2);` fills
 * slot `name` with JR_KERNEL_IMPL(name). The _Generic selection has only the
 * slot's type, so an implementation with another signature is a compile error,
 * and a missing one is an undeclared identifier. */
#define JR_KERNEL_INIT_(name, ret, params)                                     \
  .name = _Generic(JR_KERNEL_IMPL(name), jr_kernel_##name                      \
                   : JR_KERNEL_IMPL(name)),
#define JR_KERNEL_TABLE(isa_value)                                             \
  { .isa = (isa_value), JR_KERNEL_LIST(JR_KERNEL_INIT_) }

#endif /* JR_KERNEL_LIST_H */
