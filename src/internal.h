/* Internal declarations shared by the library's sources. Not installed. */
#ifndef JR_INTERNAL_H
#define JR_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "jaxrandom.h"

/* ---- debug assertions (tiered, as in mimalloc): JR_DEBUG=1 cheap checks,
 * JR_DEBUG=2 also expensive ones. Off in release builds. */
#ifndef JR_DEBUG
#define JR_DEBUG 0
#endif
#if JR_DEBUG >= 1
#include <assert.h>
#define JR_ASSERT(x) assert(x)
#else
#define JR_ASSERT(x) ((void)0)
#endif

/* ---- errors: set the thread's detailed message and return the status. */
jr_status jr_fail(jr_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void jr_clear_error(void);
/* Formats a shape as "(2, 3)" / "()" / "(5,)" into buf (at least 16 bytes). */
const char *jr_format_shape(char *buf, size_t cap, int ndim,
                            const int64_t *shape);

/* ---- checked 64-bit arithmetic: 0 on overflow. */
static inline int jr_mul_i64(int64_t a, int64_t b, int64_t *out) {
  return !__builtin_mul_overflow(a, b, out);
}
static inline int jr_add_i64(int64_t a, int64_t b, int64_t *out) {
  return !__builtin_add_overflow(a, b, out);
}
/* Validates a shape (0 <= ndim <= JR_MAX_NDIM, dims >= 0) and returns its
 * element count; `what` names the argument in messages. */
jr_status jr_check_shape(const char *what, int ndim, const int64_t *shape,
                         int64_t *size);

/* ---- context */
struct jr_ctx {
  jr_mode mode;
  int threads; /* 0 = all cores */
  jr_check check;
  double tol;
  jr_xla_log1p log1p; /* float64 log1p variant */
  int jax_version;              /* JR_PARAM_JAX_VERSION, 0 = not set */
  unsigned char mode_set, log1p_set; /* set explicitly: JAX_VERSION keeps them */
  jr_warning_fn warn;
  void *warn_user;
};
/* The defaults (used for a NULL ctx). */
extern const jr_ctx jr_ctx_default;
static inline const jr_ctx *jr_ctx_or_default(const jr_ctx *ctx) {
  return ctx ? ctx : &jr_ctx_default;
}
jr_status jr_check_ctx(const jr_ctx *ctx);
/* Worker threads to use for `items` units of work of roughly `cost` each. */
int jr_ctx_threads(const jr_ctx *ctx, int64_t work);
void jr_warn(const jr_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---- threefry2x32, 20 rounds (algorithm.md section 2). */
static inline uint32_t jr_rotl32(uint32_t x, int r) {
  return (x << r) | (x >> (32 - r));
}
static inline void jr_threefry_inline(uint32_t k0, uint32_t k1, uint32_t x0,
                                      uint32_t x1, uint32_t *y0,
                                      uint32_t *y1) {
  static const int rot[2][4] = {{13, 15, 26, 6}, {17, 29, 16, 24}};
  const uint32_t ks[3] = {k0, k1, k0 ^ k1 ^ 0x1BD11BDAu};
  x0 += ks[0];
  x1 += ks[1];
  for (int g = 0; g < 5; g++) {
    for (int r = 0; r < 4; r++) {
      x0 += x1;
      x1 = jr_rotl32(x1, rot[g & 1][r]);
      x1 ^= x0;
    }
    x0 += ks[(g + 1) % 3];
    x1 += ks[(g + 2) % 3] + (uint32_t)(g + 1);
  }
  *y0 = x0;
  *y1 = x1;
}

/* ---- legacy-mode word stream (algorithm.md section 5): word w of the `words`-word
 * output of threefry_2x32(key, iota(words)), including JAX's split into
 * blocks of 2^32-1 words. */
typedef struct jr_legacy_stream {
  jr_key key;      /* the key of the tail block */
  uint64_t words;  /* total words */
  uint64_t nblocks; /* full blocks of 2^32-1 words (usually 0) */
  uint64_t rem;    /* words in the tail block */
} jr_legacy_stream;
void jr_legacy_stream_init(jr_legacy_stream *s, jr_key key, uint64_t words);
/* Fills out[0..count) with words [start, start+count). */
void jr_legacy_words(const jr_legacy_stream *s, uint64_t start, uint64_t count,
                     uint32_t *out);

/* ---- float helpers */
static inline uint32_t jr_f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static inline float jr_bits_f32(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static inline uint64_t jr_f64_bits(double f) {
  uint64_t u;
  memcpy(&u, &f, 8);
  return u;
}
static inline double jr_bits_f64(uint64_t u) {
  double f;
  memcpy(&f, &u, 8);
  return f;
}

/* SQRT2 rounded to each dtype (algorithm.md section 7). */
#define JR_SQRT2_F32_BITS 0x3FB504F3u
#define JR_SQRT2_F64_BITS 0x3FF6A09E667F3BCDull
#define JR_SQRT2_F16_BITS 0x3DA8u
#define JR_SQRT2_BF16_BITS 0x3FB5u

/* Scalar reference transforms from random bits to one value. These are the
 * definition of truth that every SIMD kernel must reproduce. */
float jr_ref_normal_f32(uint32_t bits);
double jr_ref_normal_f64(uint64_t bits);
/* The same with float64 log1p as XLA from 2026-08 (JR_XLA_LOG1P_2026_08). */
double jr_ref_normal_f64_2608(uint64_t bits);
uint16_t jr_ref_normal_f16(uint16_t bits);
uint16_t jr_ref_normal_bf16(uint8_t bits);

/* ---- kernel table, chosen once at run time (see src/kernels/): the type,
 * the block sizes and the list of kernels are generated from one list. */
#include "kernels/kernel_list.h"

/* The active table; fails with JR_E_BAD_ISA if JAXRANDOM_ISA asks for an
 * unsupported or unknown kernel set. */
jr_status jr_kernels_get(const jr_kernels **out);
/* The active table for the linear algebra (the kernel_list.h entries of
 * JR_KERNEL_LIST_LINALG; jr_kernels_get does not check them): as
 * jr_kernels_get, and the first call per process and kernel set runs the
 * set's linear-algebra self-check (JR_E_BAD_ISA naming the set and the
 * entry when it fails). */
jr_status jr_kernels_get_linalg(const jr_kernels **out);
/* The same for a table jr_kernels_get returned. */
jr_status jr_kernels_linalg_ready(const jr_kernels *k);
extern const jr_kernels jr_kernels_ref;
#if defined(JR_HAVE_AVX2)
extern const jr_kernels jr_kernels_avx2;
#endif
#if defined(JR_HAVE_AVX512)
extern const jr_kernels jr_kernels_avx512;
#endif

/* ---- threads (src/os/threads.c): runs fn over [0, n) split into `threads`
 * contiguous, near-equal parts. The split never affects results. */
typedef void (*jr_range_fn)(void *arg, int64_t begin, int64_t end);
jr_status jr_parallel_for(int threads, int64_t n, jr_range_fn fn, void *arg);
/* The online cores (1..4096), read once per process. */
int jr_cpu_count(void);

#endif /* JR_INTERNAL_H */
