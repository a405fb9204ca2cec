/*
 * jaxrandom.h -- jax.random in C, bit-exact with JAX on CPU.
 *
 * This header is the manual. Everything public starts with `jr_` / `JR_`.
 *
 * What it computes
 * ----------------
 * The threefry2x32 PRNG of jax.random (keys, split, fold_in, random_bits),
 * uniform and normal in float16, bfloat16, float32 and float64, and
 * multivariate_normal with JAX's broadcasting, dtype promotion and its three
 * factorizations. For the same key, shape and dtype the results are the bits
 * JAX returns on CPU (see docs/exactness.md for the exact conditions).
 *
 * Conventions
 * -----------
 * - Functions return a jr_status; JR_OK (0) is success. On failure nothing
 *   useful is in the outputs, jr_status_string() names the code and
 *   jr_last_error() gives a message about the failing call on this thread
 *   (what was wrong, with the shapes or values involved).
 * - Shapes are arrays of int64_t, row-major (C order). Sizes are 64-bit and
 *   any size computation that would overflow is an error, never a wrap.
 * - float16 and bfloat16 values are passed as their uint16_t bit patterns.
 * - Settings that JAX keeps in global flags (jax_threefry_partitionable, the
 *   thread count, validation) live in a jr_ctx that every bulk call takes.
 *   A NULL ctx means the defaults: partitionable mode (JAX >= 0.5), all cores,
 *   no validation (JAX semantics: NaN where the factorization fails).
 * - Results never depend on the thread count or on the SIMD kernel in use.
 */
#ifndef JAXRANDOM_H
#define JAXRANDOM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(JR_SHARED_BUILD)
#define JR_API __declspec(dllexport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#define JR_API __attribute__((visibility("default")))
#else
#define JR_API
#endif

/* ------------------------------------------------------------------ */
/* Version                                                             */
/* ------------------------------------------------------------------ */
#define JR_VERSION_MAJOR 0
#define JR_VERSION_MINOR 1
#define JR_VERSION_PATCH 0
#define JR_VERSION_NUMBER \
  (JR_VERSION_MAJOR * 10000 + JR_VERSION_MINOR * 100 + JR_VERSION_PATCH)
#define JR_VERSION_STRING "0.1.0"

/* The version of the library actually linked (JR_VERSION_NUMBER format). */
JR_API unsigned jr_version_number(void);
JR_API const char *jr_version_string(void);

/* ------------------------------------------------------------------ */
/* Status codes: stable numbers, new ones are only ever appended.      */
/* ------------------------------------------------------------------ */
typedef enum jr_status {
  JR_OK = 0,
  JR_E_NULL_POINTER = 1,    /* a required pointer argument is NULL */
  JR_E_BAD_SHAPE = 2,       /* negative dimension, or ndim out of range */
  JR_E_SIZE_OVERFLOW = 3,   /* element or byte count does not fit 64 bits */
  JR_E_BAD_DTYPE = 4,       /* dtype unknown or not allowed here */
  JR_E_BAD_WIDTH = 5,       /* random_bits width not 8, 16, 32 or 64 */
  JR_E_BAD_MODE = 6,        /* unknown jr_mode or other enum value */
  JR_E_OUT_OF_MEMORY = 7,   /* an allocation failed */
  JR_E_BAD_RANGE = 8,       /* element/row range outside the output */
  JR_E_TOO_LARGE = 9,       /* beyond what JAX itself supports */
  JR_E_BAD_METHOD = 10,     /* method not cholesky, eigh or svd */
  JR_E_MEAN_NDIM = 11,      /* multivariate_normal: mean.ndim < 1 */
  JR_E_COV_NDIM = 12,       /* multivariate_normal: cov.ndim < 2 */
  JR_E_COV_SHAPE = 13,      /* cov.shape != (..., n, n) */
  JR_E_BROADCAST = 14,      /* batch shapes are not broadcast-compatible */
  JR_E_SHAPE_ARGUMENT = 15, /* shape argument does not equal the broadcast */
  JR_E_NOT_SYMMETRIC = 16,  /* validation: covariance is not symmetric */
  JR_E_NOT_PSD = 17,        /* validation: not positive (semi)definite */
  JR_E_NON_FINITE = 18,     /* validation: NaN or Inf in mean or cov */
  JR_E_LAPACK = 19,         /* LAPACK reported an internal failure */
  JR_E_BAD_ISA = 20,        /* requested SIMD kernel not supported here */
  JR_E_BAD_ARGUMENT = 21,   /* any other invalid argument value */
  JR_E_MPI = 22,            /* an MPI call failed (MPI build only) */
  JR_E_IO = 23              /* a file could not be read or written */
} jr_status;

/* A fixed message for a status code (never NULL). */
JR_API const char *jr_status_string(jr_status status);
/* The detailed message of the last failing call on this thread ("" if none).
 * Valid until the next jaxrandom call on this thread. */
JR_API const char *jr_last_error(void);

/* ------------------------------------------------------------------ */
/* Data types and n-dimensional arrays                                 */
/* ------------------------------------------------------------------ */
typedef enum jr_dtype {
  JR_DTYPE_NONE = 0, /* "not given" (e.g. dtype=None) */
  JR_FLOAT16 = 1,
  JR_BFLOAT16 = 2,
  JR_FLOAT32 = 3,
  JR_FLOAT64 = 4,
  JR_UINT8 = 5,
  JR_UINT16 = 6,
  JR_UINT32 = 7,
  JR_UINT64 = 8,
  JR_INT8 = 9,
  JR_INT16 = 10,
  JR_INT32 = 11,
  JR_INT64 = 12,
  JR_BOOL = 13
} jr_dtype;

/* Bytes per element, 0 for an unknown dtype. */
JR_API size_t jr_dtype_size(jr_dtype dtype);
/* NumPy-style name ("float32"), or NULL for an unknown dtype. */
JR_API const char *jr_dtype_name(jr_dtype dtype);
/* Parses a NumPy-style name; JR_DTYPE_NONE if unknown. */
JR_API jr_dtype jr_dtype_from_name(const char *name);
/* 1 for the four float dtypes, else 0. */
JR_API int jr_dtype_is_float(jr_dtype dtype);

#define JR_MAX_NDIM 32

/* A view of n-dimensional data; the library never takes ownership.
 * strides are in elements (not bytes); NULL means C-contiguous. */
typedef struct jr_array {
  void *data;
  jr_dtype dtype;
  int ndim;
  const int64_t *shape;
  const int64_t *strides;
} jr_array;

/* Number of elements of a shape (1 for ndim == 0), checked for overflow. */
JR_API jr_status jr_shape_size(int ndim, const int64_t *shape, int64_t *size);

/* ------------------------------------------------------------------ */
/* Context: the settings JAX keeps in global flags                     */
/* ------------------------------------------------------------------ */
typedef enum jr_mode {
  JR_PARTITIONABLE = 0, /* jax_threefry_partitionable=True (default) */
  JR_LEGACY = 1         /* jax_threefry_partitionable=False (JAX < 0.5) */
} jr_mode;

typedef enum jr_check {
  JR_CHECK_IGNORE = 0, /* as JAX: a failed factorization gives NaN samples */
  JR_CHECK_WARN = 1,   /* report through the warning handler, then as JAX */
  JR_CHECK_RAISE = 2   /* fail with JR_E_NOT_SYMMETRIC/NOT_PSD/NON_FINITE */
} jr_check;

typedef enum jr_param {
  JR_PARAM_MODE = 1,        /* int: jr_mode, default JR_PARTITIONABLE */
  JR_PARAM_THREADS = 2,     /* int: worker threads, 0 = all cores (default) */
  JR_PARAM_CHECK_VALID = 3, /* int: jr_check, default JR_CHECK_IGNORE */
  JR_PARAM_TOL = 4          /* double: validation tolerance, default 1e-8
                               (relative, like NumPy's check_valid tol) */
} jr_param;

typedef struct jr_ctx jr_ctx;
typedef void (*jr_warning_fn)(void *user, const char *message);

/* NULL on allocation failure. */
JR_API jr_ctx *jr_ctx_create(void);
JR_API void jr_ctx_free(jr_ctx *ctx);
JR_API jr_status jr_ctx_set_int(jr_ctx *ctx, jr_param param, int64_t value);
JR_API jr_status jr_ctx_get_int(const jr_ctx *ctx, jr_param param, int64_t *value);
JR_API jr_status jr_ctx_set_double(jr_ctx *ctx, jr_param param, double value);
JR_API jr_status jr_ctx_get_double(const jr_ctx *ctx, jr_param param,
                                   double *value);
/* Where JR_CHECK_WARN sends its messages; NULL restores the default, which
 * writes "jaxrandom: warning: ..." to stderr. */
JR_API jr_status jr_ctx_set_warning_handler(jr_ctx *ctx, jr_warning_fn fn,
                                            void *user);

/* ------------------------------------------------------------------ */
/* SIMD kernels                                                        */
/* ------------------------------------------------------------------ */
typedef enum jr_isa {
  JR_ISA_AUTO = 0,  /* best supported (default); env JAXRANDOM_ISA overrides */
  JR_ISA_REF = 1,   /* portable C: the definition of truth */
  JR_ISA_AVX2 = 2,  /* x86-64 AVX2 + FMA */
  JR_ISA_AVX512 = 3 /* x86-64 AVX-512F/DQ/VL */
} jr_isa;

/* 1 if this build and this CPU can run the kernel set. */
JR_API int jr_isa_supported(jr_isa isa);
/* The kernel set in use. Chosen once: JAXRANDOM_ISA=ref|avx2|avx512|auto if
 * set (an unsupported request fails the first call with JR_E_BAD_ISA), else
 * the best supported one. All kernel sets give bit-identical results. */
JR_API jr_isa jr_isa_active(void);
/* Selects a kernel set for the whole process (not thread-safe against
 * concurrent generation). JR_ISA_AUTO picks the best supported one. */
JR_API jr_status jr_isa_select(jr_isa isa);
JR_API const char *jr_isa_name(jr_isa isa);

/* ------------------------------------------------------------------ */
/* Keys and the threefry2x32 hash                                      */
/* ------------------------------------------------------------------ */
typedef struct jr_key {
  uint32_t k[2];
} jr_key;

/* jax.random.key(seed) / PRNGKey(seed). x64 = 0 is JAX's default
 * (jax_enable_x64=False): the seed wraps to 32 bits, key (0, seed mod 2^32).
 * x64 = 1: key (seed >> 32, seed & 0xFFFFFFFF) of the two's complement. */
JR_API jr_key jr_key_from_seed(int64_t seed, int x64);

/* threefry2x32 with 20 rounds: (out[0], out[1]) = hash(key, (x0, x1)). */
JR_API void jr_threefry2x32(jr_key key, uint32_t x0, uint32_t x1,
                            uint32_t out[2]);

/* jax.random.fold_in(key, data); data is taken mod 2^32 as JAX does.
 * Identical in both modes. */
JR_API jr_key jr_fold_in(jr_key key, uint32_t data);

/* jax.random.split(key, shape): writes prod(shape) keys, row-major.
 * For split(key, num) pass ndim = 1, shape = &num. */
JR_API jr_status jr_split(const jr_ctx *ctx, jr_key key, int ndim,
                          const int64_t *shape, jr_key *out);

/* ------------------------------------------------------------------ */
/* Bulk generation                                                     */
/* ------------------------------------------------------------------ */
/* jax.random.bits(key, shape, dtype=uint{width}). out holds prod(shape)
 * elements of uint8_t/uint16_t/uint32_t/uint64_t. */
JR_API jr_status jr_random_bits(const jr_ctx *ctx, jr_key key, int width,
                                int ndim, const int64_t *shape, void *out);

/* jax.random.uniform(key, shape, dtype, minval, maxval). minval and maxval
 * are rounded to dtype first, as JAX does. Like JAX, minval >= maxval is not
 * an error (the result is max(minval, fma(f, maxval - minval, minval))). */
JR_API jr_status jr_uniform(const jr_ctx *ctx, jr_key key, jr_dtype dtype,
                            int ndim, const int64_t *shape, double minval,
                            double maxval, void *out);

/* jax.random.normal(key, shape, dtype) for the four float dtypes. */
JR_API jr_status jr_normal(const jr_ctx *ctx, jr_key key, jr_dtype dtype,
                           int ndim, const int64_t *shape, void *out);

/* Slices of the above over the flattened output: the elements
 * [start, start + count) of an output with `total` elements. The result is
 * identical to the same slice of the whole output, in both modes. */
JR_API jr_status jr_random_bits_range(const jr_ctx *ctx, jr_key key, int width,
                                      int64_t total, int64_t start,
                                      int64_t count, void *out);
JR_API jr_status jr_uniform_range(const jr_ctx *ctx, jr_key key,
                                  jr_dtype dtype, int64_t total, int64_t start,
                                  int64_t count, double minval, double maxval,
                                  void *out);
JR_API jr_status jr_normal_range(const jr_ctx *ctx, jr_key key, jr_dtype dtype,
                                 int64_t total, int64_t start, int64_t count,
                                 void *out);

/* ------------------------------------------------------------------ */
/* The math XLA:CPU uses (spec section 7), scalar                      */
/* ------------------------------------------------------------------ */
JR_API float jr_erf_inv_f32(float x);
JR_API double jr_erf_inv_f64(double x);
JR_API float jr_log1p_f32(float x); /* XLA's log1p, not the C library's */
JR_API double jr_log1p_f64(double x);
JR_API float jr_log_f32(float x); /* XLA's float32 log (Cephes-style) */

/* IEEE half and bfloat16 conversions, round to nearest even. */
JR_API uint16_t jr_f32_to_f16(float x);
JR_API float jr_f16_to_f32(uint16_t h);
JR_API uint16_t jr_f32_to_bf16(float x);
JR_API float jr_bf16_to_f32(uint16_t h);

/* ------------------------------------------------------------------ */
/* multivariate_normal (docs/multivariate_normal.md)                   */
/* ------------------------------------------------------------------ */
typedef enum jr_method {
  JR_CHOLESKY = 0, /* LAPACK potrf, lower (JAX's default) */
  JR_EIGH = 1,     /* LAPACK syevd: factor = v * sqrt(w) */
  JR_SVD = 2       /* LAPACK gesdd: factor = u * sqrt(s) */
} jr_method;

/* Pass as shape_ndim for "shape=None". */
#define JR_SHAPE_NONE (-1)

/* jax.random.multivariate_normal(key, mean, cov, shape, dtype, method).
 *
 * mean: (..., n); cov: (..., n, n); views of any dtype (floats, integers,
 * bool) with optional element strides. shape_ndim = JR_SHAPE_NONE for
 * shape=None, else shape[0..shape_ndim) is the batch shape. dtype =
 * JR_DTYPE_NONE for dtype=None. out must have the dtype and shape that
 * jr_multivariate_normal_shape() reports, and out->strides must be NULL.
 *
 * Dtypes, as JAX: mean and cov are promoted together to a float dtype P
 * (integers and bool become float32: this library has no x64 flag, pass
 * float64 arrays for x64 behaviour; float16 with bfloat16 gives float32).
 * P must be float32 or float64: JAX's CPU linalg rejects half precision
 * (JR_E_BAD_DTYPE). z = normal(key, shape + (n,), dtype or P) is drawn in
 * that dtype; the result has the promotion of P and dtype (so float32 or
 * float64, never 16-bit).
 *
 * Checks, in JAX's order: JR_E_BAD_METHOD, JR_E_BAD_DTYPE (dtype argument),
 * JR_E_MEAN_NDIM, JR_E_COV_NDIM, JR_E_COV_SHAPE, JR_E_BROADCAST,
 * JR_E_SHAPE_ARGUMENT, JR_E_BAD_DTYPE (half-precision factor). Then, with
 * ctx's JR_PARAM_CHECK_VALID = WARN or RAISE, each covariance is validated
 * (JR_E_NON_FINITE, JR_E_NOT_SYMMETRIC, JR_E_NOT_PSD, relative tolerance
 * JR_PARAM_TOL); with IGNORE (default) a failed factorization gives NaN
 * samples, as in JAX. */
JR_API jr_status jr_multivariate_normal(const jr_ctx *ctx, jr_key key,
                                        const jr_array *mean,
                                        const jr_array *cov, int shape_ndim,
                                        const int64_t *shape, jr_dtype dtype,
                                        jr_method method, jr_array *out);

/* The result's dtype, ndim and shape (out_shape holds JR_MAX_NDIM), with all
 * of JAX's argument checks (not the opt-in validation of values). Output
 * pointers may be NULL. */
JR_API jr_status jr_multivariate_normal_shape(
    const jr_array *mean, const jr_array *cov, int shape_ndim,
    const int64_t *shape, jr_dtype dtype, jr_method method,
    jr_dtype *out_dtype, int *out_ndim, int64_t *out_shape);

/* Factor reuse: the factors of a (batched) covariance, computed once per
 * batch element of cov (not per sample), from which any number of keys can
 * be sampled. Samples equal those of jr_multivariate_normal exactly. ctx
 * gives the validation level and tolerance (NULL: defaults). The object
 * copies what it needs from mean and cov, is immutable after creation and may
 * be sampled from several threads at once. */
typedef struct jr_mvn jr_mvn;

JR_API jr_status jr_mvn_create(const jr_ctx *ctx, const jr_array *mean,
                               const jr_array *cov, int shape_ndim,
                               const int64_t *shape, jr_dtype dtype,
                               jr_method method, jr_mvn **out);
/* As jr_mvn_create, for rows [row_begin, row_end) of the flattened batch
 * only (row_end = -1: through the last row): only the covariances and means
 * those rows use are read, validated and factored (a 1-row slice of a batch
 * of 10^7 covariances factors one). jr_mvn_sample_rows and jr_mvn_factor
 * then accept rows inside that range only (JR_E_BAD_RANGE otherwise); the
 * bytes of those rows are jr_mvn_create's. JR_E_BAD_RANGE for a range
 * outside [0, rows). */
JR_API jr_status jr_mvn_create_rows(const jr_ctx *ctx, const jr_array *mean,
                                    const jr_array *cov, int shape_ndim,
                                    const int64_t *shape, jr_dtype dtype,
                                    jr_method method, int64_t row_begin,
                                    int64_t row_end, jr_mvn **out);
JR_API void jr_mvn_free(jr_mvn *mvn);

/* The output description: dtype, shape (JR_MAX_NDIM entries), number of rows
 * of the flattened batch and the dimension n (the last axis). Any pointer may
 * be NULL. */
JR_API jr_status jr_mvn_describe(const jr_mvn *mvn, jr_dtype *dtype, int *ndim,
                                 int64_t *shape, int64_t *rows, int64_t *n);

/* Samples rows [row_begin, row_end) of the flattened batch into out
 * (C-contiguous, (row_end - row_begin) * n elements of the result dtype).
 * The bytes equal those rows of the full output, for any slice and thread
 * count. ctx gives the mode and the thread count (NULL: defaults). */
JR_API jr_status jr_mvn_sample_rows(const jr_mvn *mvn, const jr_ctx *ctx,
                                    jr_key key, int64_t row_begin,
                                    int64_t row_end, void *out);

/* The factor F (n x n, row-major, as double: exact for both float32 and
 * float64 factors) that row `row` of the flattened batch uses: its samples
 * are mean + F z. NaN entries where the factorization failed, as in JAX. */
JR_API jr_status jr_mvn_factor(const jr_mvn *mvn, int64_t row, double *out);

#ifdef __cplusplus
}
#endif
#endif /* JAXRANDOM_H */
