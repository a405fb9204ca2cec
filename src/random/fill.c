/* Bulk fills: random_bits, uniform and normal over any slice of the
 * flattened output, in blocks, on worker threads (algorithm.md sections 3-7).
 *
 * Every element depends only on (key, its flat index, the total size), so the
 * split into threads and blocks never changes a result. */
#include "random/fill.h"

#include <math.h>

#include "random/uniform_ftz.h"

/* Elements per kernel call: buffers stay in L1/L2, and 2304 is 8 of the
 * SIMD kernels' 288-element blocks, so no call ends in a partial one
 * (smaller calls were slower: docs/kernels.md). */
enum { JR_BLOCK = JR_CALL_BLOCK };

/* Words [start, start + count) of the legacy stream, as jr_legacy_words,
 * through the kernel table. In one block (under 2^32 - 1 words, n of them,
 * h = ceil(n / 2)) word w < h is y0 of the hash of (w, w + h) and word
 * w >= h is y1 of (w - h, w); an odd n pads the count list with 0, so word
 * h - 1 pairs with 0. Longer streams take the scalar path (split keys). */
static void jr_legacy_words_k(const jr_fill *job, uint64_t start, size_t count,
                              uint32_t *out) {
  const jr_legacy_stream *ls = &job->legacy;
  if (ls->nblocks != 0) {
    jr_legacy_words(ls, start, count, out);
    return;
  }
  const uint64_t n = ls->words, h = (n + 1) / 2, end = start + count;
  if (start < h) { /* first half: y0 of (w, w + h) */
    uint64_t e = end < h ? end : h;
    uint64_t pad = n % 2 ? h - 1 : UINT64_MAX; /* its partner is 0 */
    uint64_t e2 = e > pad ? pad : e;
    if (e2 > start)
      job->kern->legacy_pairs(job->key, (uint32_t)start, (uint32_t)(start + h),
                              (size_t)(e2 - start), out, NULL);
    if (e > pad) {
      uint32_t y1;
      jr_threefry_inline(job->key.k[0], job->key.k[1], (uint32_t)pad, 0u,
                         &out[pad - start], &y1);
    }
  }
  if (end > h) { /* second half: y1 of (w - h, w) */
    uint64_t s = start > h ? start : h;
    job->kern->legacy_pairs(job->key, (uint32_t)(s - h), (uint32_t)s,
                            (size_t)(end - s), NULL, out + (s - start));
  }
}

/* Raw random bits of `job->width` for absolute elements [a, a + n), n <=
 * JR_BLOCK, into dst (uint8/16/32/64 by width). */
static void jr_bits_block(const jr_fill *job, uint64_t a, size_t n, void *dst) {
  uint32_t w32[JR_BLOCK + 4];
  const int width = job->width;
  if (job->mode == JR_PARTITIONABLE) {
    if (width == 64) {
      job->kern->bits64(job->key, a, n, dst);
      return;
    }
    if (width == 32) {
      job->kern->bits32(job->key, a, n, dst);
      return;
    }
    job->kern->bits32(job->key, a, n, w32);
    if (width == 16)
      for (size_t i = 0; i < n; i++)
        ((uint16_t *)dst)[i] = (uint16_t)w32[i];
    else
      for (size_t i = 0; i < n; i++)
        ((uint8_t *)dst)[i] = (uint8_t)w32[i];
    return;
  }
  /* Legacy mode (algorithm.md 5). */
  const jr_legacy_stream *ls = &job->legacy;
  if (width == 32) {
    jr_legacy_words_k(job, a, n, dst);
  } else if (width == 64) { /* high halves first, then the low halves */
    uint32_t lo[JR_BLOCK];
    if (ls->nblocks == 0) {
      /* 2 * total words: the halves are exactly the pairs (a + i,
       * total + a + i), so one hash gives both words of an element. */
      job->kern->legacy_pairs(job->key, (uint32_t)a,
                              (uint32_t)((uint64_t)job->total + a), n, w32, lo);
    } else {
      jr_legacy_words(ls, a, n, w32);
      jr_legacy_words(ls, (uint64_t)job->total + a, n, lo);
    }
    for (size_t i = 0; i < n; i++)
      ((uint64_t *)dst)[i] = ((uint64_t)w32[i] << 32) | lo[i];
  } else { /* 16 or 8: the words' little-endian bytes, in order */
    const unsigned per = (unsigned)(32 / width);
    uint64_t w0 = a / per, w1 = (a + n - 1) / per;
    jr_legacy_words_k(job, w0, (size_t)(w1 - w0 + 1), w32);
    for (size_t i = 0; i < n; i++) {
      uint64_t e = a + i;
      uint32_t word = w32[e / per - w0];
      uint32_t v = word >> (width * (unsigned)(e % per));
      if (width == 16)
        ((uint16_t *)dst)[i] = (uint16_t)v;
      else
        ((uint8_t *)dst)[i] = (uint8_t)v;
    }
  }
}

/* float16 / bfloat16 bounds: arithmetic is float32 rounded to the dtype
 * after each op (kernels). minval/maxval reach the dtype through float32, as
 * a Python float does in JAX with x64 disabled (a float32 constant first). */
static float jr_round16(float x, int bf) {
  return bf ? jr_bf16_to_f32(jr_f32_to_bf16(x))
            : jr_f16_to_f32(jr_f32_to_f16(x));
}
static float jr_lo16(const jr_fill *job, int bf) {
  return jr_round16((float)job->minval, bf);
}
static float jr_hi16(const jr_fill *job, int bf) {
  return jr_round16((float)job->maxval, bf);
}

/* 1 when the bounds can meet a subnormal, so that XLA:CPU's FTZ/DAZ
 * arithmetic matters: those draws take the scalar path of uniform_ftz.c
 * whatever the kernel set (float16 never needs it). */
static int jr_uniform_ftz(const jr_fill *job) {
  switch (job->dtype) {
  case JR_FLOAT32:
    return jr_uniform_ftz_needed_f32((float)job->minval, (float)job->maxval);
  case JR_FLOAT64: return jr_uniform_ftz_needed_f64(job->minval, job->maxval);
  case JR_BFLOAT16:
    return jr_uniform_ftz_needed_bf16(jr_lo16(job, 1), jr_hi16(job, 1));
  default: return 0;
  }
}

/* The same for ready bits, on the FTZ/DAZ path. */
static void jr_uniform_block_ftz(const jr_fill *job, const void *bits, size_t n,
                                 void *dst) {
  switch (job->dtype) {
  case JR_FLOAT32:
    jr_uniform_ftz_f32(bits, n, (float)job->minval, (float)job->maxval, dst);
    break;
  case JR_FLOAT64:
    jr_uniform_ftz_f64(bits, n, job->minval, job->maxval, dst);
    break;
  case JR_BFLOAT16:
    jr_uniform_ftz_bf16(bits, n, jr_lo16(job, 1), jr_hi16(job, 1), dst);
    break;
  default: break;
  }
}

/* uniform (algorithm.md 6), one block of ready bits -> out. */
static void jr_uniform_block(const jr_fill *job, const void *bits, size_t n,
                             void *dst) {
  switch (job->dtype) {
  case JR_FLOAT32: /* the kernel table (scalar loop: kernels_ref.c) */
    job->kern->uniform_f32_from_bits(bits, n, (float)job->minval,
                                     (float)job->maxval, dst);
    break;
  case JR_FLOAT64:
    job->kern->uniform_f64_from_bits(bits, n, job->minval, job->maxval, dst);
    break;
  case JR_FLOAT16: /* 8 (bf16) / 16 random bits per element (algorithm.md 6) */
    job->kern->uniform_f16_from_bits(bits, n, jr_lo16(job, 0), jr_hi16(job, 0),
                                     dst);
    break;
  case JR_BFLOAT16:
    job->kern->uniform_bf16_from_bits(bits, n, jr_lo16(job, 1), jr_hi16(job, 1),
                                      dst);
    break;
  default: break;
  }
}

static void jr_normal_block(const jr_fill *job, const void *bits, size_t n,
                            void *dst) {
  switch (job->dtype) {
  case JR_FLOAT32: job->kern->normal_f32_from_bits(bits, n, dst); break;
  case JR_FLOAT64:
    if (job->log1p == JR_XLA_LOG1P_2026_08)
      job->kern->normal_f64_2608_from_bits(bits, n, dst);
    else
      job->kern->normal_f64_from_bits(bits, n, dst);
    break;
  case JR_FLOAT16: job->kern->normal_f16_from_bits(bits, n, dst); break;
  case JR_BFLOAT16: job->kern->normal_bf16_from_bits(bits, n, dst); break;
  default: break;
  }
}

void jr_fill_run(const jr_fill *job, int64_t start, int64_t count, void *out) {
  const size_t esize = jr_dtype_size(job->dtype);
  const int ftz = job->kind == JR_KIND_UNIFORM && jr_uniform_ftz(job);
  uint64_t bits[JR_BLOCK];
  for (int64_t i = 0; i < count; i += JR_BLOCK) {
    size_t n = (size_t)(count - i < JR_BLOCK ? count - i : JR_BLOCK);
    uint64_t a = (uint64_t)(start + i);
    char *dst = (char *)out + (size_t)i * esize;
    if (job->kind == JR_KIND_BITS) {
      jr_bits_block(job, a, n, dst);
    } else if (ftz) {
      jr_bits_block(job, a, n, bits);
      jr_uniform_block_ftz(job, bits, n, dst);
    } else if (job->kind == JR_KIND_NORMAL && job->mode == JR_PARTITIONABLE &&
               job->dtype == JR_FLOAT32) {
      job->kern->normal_f32(job->key, a, n, (float *)dst); /* fused kernel */
    } else if (job->kind == JR_KIND_NORMAL && job->mode == JR_PARTITIONABLE &&
               job->dtype == JR_FLOAT64) {
      if (job->log1p == JR_XLA_LOG1P_2026_08)
        job->kern->normal_f64_2608(job->key, a, n, (double *)dst);
      else
        job->kern->normal_f64(job->key, a, n, (double *)dst);
    } else if (job->kind == JR_KIND_UNIFORM && job->mode == JR_PARTITIONABLE &&
               job->dtype == JR_FLOAT32) {
      job->kern->uniform_f32(job->key, a, n, (float)job->minval,
                             (float)job->maxval, (float *)dst);
    } else if (job->kind == JR_KIND_UNIFORM && job->mode == JR_PARTITIONABLE &&
               job->dtype == JR_FLOAT64) {
      job->kern->uniform_f64(job->key, a, n, job->minval, job->maxval,
                             (double *)dst);
    } else if (job->kind == JR_KIND_UNIFORM && job->mode == JR_PARTITIONABLE &&
               job->dtype == JR_FLOAT16) {
      job->kern->uniform_f16(job->key, a, n, jr_lo16(job, 0), jr_hi16(job, 0),
                             (uint16_t *)dst);
    } else if (job->kind == JR_KIND_UNIFORM && job->mode == JR_PARTITIONABLE &&
               job->dtype == JR_BFLOAT16) {
      job->kern->uniform_bf16(job->key, a, n, jr_lo16(job, 1), jr_hi16(job, 1),
                              (uint16_t *)dst);
    } else if (job->kind == JR_KIND_NORMAL && job->mode == JR_PARTITIONABLE &&
               job->dtype == JR_FLOAT16) {
      job->kern->normal_f16(job->key, a, n, (uint16_t *)dst);
    } else if (job->kind == JR_KIND_NORMAL && job->mode == JR_PARTITIONABLE &&
               job->dtype == JR_BFLOAT16) {
      job->kern->normal_bf16(job->key, a, n, (uint16_t *)dst);
    } else {
      jr_bits_block(job, a, n, bits);
      if (job->kind == JR_KIND_UNIFORM)
        jr_uniform_block(job, bits, n, dst);
      else
        jr_normal_block(job, bits, n, dst);
    }
  }
}

/* Random bits drawn per element for a float dtype (algorithm.md 6). */
static int jr_float_rbits(jr_dtype d) {
  switch (d) {
  case JR_FLOAT16: return 16;
  case JR_BFLOAT16: return 8;
  case JR_FLOAT32: return 32;
  case JR_FLOAT64: return 64;
  default: return 0;
  }
}

/* The prepared draw behind every fill: ctx mode, kernel set, legacy stream
 * (fn names the caller in messages). */
static jr_status jr_fill_init(const jr_ctx *ctx, const char *fn, jr_kind kind,
                              jr_key key, int width, jr_dtype dtype,
                              int64_t total, double minval, double maxval,
                              jr_fill *job) {
  jr_status st;
  if ((st = jr_check_ctx(ctx)) != JR_OK) return st;
  if ((st = jr_kernels_get(&job->kern)) != JR_OK) return st;
  job->mode = ctx->mode;
  job->log1p = ctx->log1p;
  job->kind = kind;
  job->key = key;
  job->width = width;
  job->dtype = dtype;
  job->total = total;
  job->minval = minval;
  job->maxval = maxval;
  if (ctx->mode == JR_LEGACY) {
    /* words = ceil(width * total / 32), computed without overflow */
    int64_t words;
    if (!jr_mul_i64(total, width / 8, &words))
      return jr_fail(JR_E_SIZE_OVERFLOW, "%s: bit count overflows", fn);
    words = (words + 3) / 4;
    jr_legacy_stream_init(&job->legacy, key, (uint64_t)words);
  }
  return JR_OK;
}

/* A slice of a fill for the worker threads. */
typedef struct {
  const jr_fill *fill;
  int64_t start;
  void *out;
} jr_fill_slice;

/* Worker: elements [begin, end) of the requested slice. */
static void jr_fill_worker(void *arg, int64_t begin, int64_t end) {
  const jr_fill_slice *s = arg;
  jr_fill_run(s->fill, s->start + begin, end - begin,
              (char *)s->out + (size_t)begin * jr_dtype_size(s->fill->dtype));
}

static jr_status jr_generate(const jr_ctx *ctx, const char *fn, jr_kind kind,
                             jr_key key, int width, jr_dtype dtype,
                             int64_t total, int64_t start, int64_t count,
                             double minval, double maxval, void *out) {
  jr_status st;
  jr_fill job;
  ctx = jr_ctx_or_default(ctx);
  if ((st = jr_check_ctx(ctx)) != JR_OK) return st;
  if (total < 0 || start < 0 || count < 0 || start > total ||
      count > total - start)
    return jr_fail(JR_E_BAD_RANGE,
                   "%s: elements [%lld, %lld + %lld) are not inside an output "
                   "of %lld elements",
                   fn, (long long)start, (long long)start, (long long)count,
                   (long long)total);
  if (count > 0 && !out)
    return jr_fail(JR_E_NULL_POINTER, "%s: out is NULL", fn);
  int64_t bytes;
  if (!jr_mul_i64(count, (int64_t)jr_dtype_size(dtype), &bytes))
    return jr_fail(JR_E_SIZE_OVERFLOW, "%s: output bytes overflow 64 bits", fn);
  if ((st = jr_fill_init(ctx, fn, kind, key, width, dtype, total, minval,
                         maxval, &job)) != JR_OK)
    return st;
  if (count == 0) return JR_OK;
  jr_fill_slice slice = {&job, start, out};
  return jr_parallel_for(jr_ctx_threads(ctx, count), count, jr_fill_worker,
                         &slice);
}

static jr_status jr_check_width(const char *fn, int width) {
  if (width != 8 && width != 16 && width != 32 && width != 64)
    return jr_fail(JR_E_BAD_WIDTH,
                   "%s: width %d is not 8, 16, 32 or 64 (dtype argument to "
                   "`bits` must be an unsigned int dtype)",
                   fn, width);
  return JR_OK;
}

static jr_status jr_check_float(const char *fn, jr_dtype dtype) {
  if (!jr_dtype_is_float(dtype)) {
    const char *name = jr_dtype_name(dtype);
    return jr_fail(JR_E_BAD_DTYPE,
                   "dtype argument to `%s` must be a float dtype, got %s", fn,
                   name ? name : "an unknown dtype");
  }
  return JR_OK;
}

static jr_dtype jr_uint_dtype(int width) {
  return width == 8    ? JR_UINT8
         : width == 16 ? JR_UINT16
         : width == 32 ? JR_UINT32
                       : JR_UINT64;
}

jr_status jr_random_bits_range(const jr_ctx *ctx, jr_key key, int width,
                               int64_t total, int64_t start, int64_t count,
                               void *out) {
  jr_status st = jr_check_width("bits", width);
  if (st != JR_OK) return st;
  return jr_generate(ctx, "bits", JR_KIND_BITS, key, width,
                     jr_uint_dtype(width), total, start, count, 0, 0, out);
}

jr_status jr_random_bits(const jr_ctx *ctx, jr_key key, int width, int ndim,
                         const int64_t *shape, void *out) {
  int64_t n;
  jr_status st = jr_check_width("bits", width);
  if (st != JR_OK) return st;
  if ((st = jr_check_shape("bits", ndim, shape, &n)) != JR_OK) return st;
  return jr_random_bits_range(ctx, key, width, n, 0, n, out);
}

jr_status jr_uniform_range(const jr_ctx *ctx, jr_key key, jr_dtype dtype,
                           int64_t total, int64_t start, int64_t count,
                           double minval, double maxval, void *out) {
  jr_status st = jr_check_float("uniform", dtype);
  if (st != JR_OK) return st;
  return jr_generate(ctx, "uniform", JR_KIND_UNIFORM, key,
                     jr_float_rbits(dtype), dtype, total, start, count, minval,
                     maxval, out);
}

jr_status jr_uniform(const jr_ctx *ctx, jr_key key, jr_dtype dtype, int ndim,
                     const int64_t *shape, double minval, double maxval,
                     void *out) {
  int64_t n;
  jr_status st = jr_check_float("uniform", dtype);
  if (st != JR_OK) return st;
  if ((st = jr_check_shape("uniform", ndim, shape, &n)) != JR_OK) return st;
  return jr_uniform_range(ctx, key, dtype, n, 0, n, minval, maxval, out);
}

jr_status jr_normal_range(const jr_ctx *ctx, jr_key key, jr_dtype dtype,
                          int64_t total, int64_t start, int64_t count,
                          void *out) {
  jr_status st = jr_check_float("normal", dtype);
  if (st != JR_OK) return st;
  return jr_generate(ctx, "normal", JR_KIND_NORMAL, key, jr_float_rbits(dtype),
                     dtype, total, start, count, 0, 0, out);
}

jr_status jr_normal(const jr_ctx *ctx, jr_key key, jr_dtype dtype, int ndim,
                    const int64_t *shape, void *out) {
  int64_t n;
  jr_status st = jr_check_float("normal", dtype);
  if (st != JR_OK) return st;
  if ((st = jr_check_shape("normal", ndim, shape, &n)) != JR_OK) return st;
  return jr_normal_range(ctx, key, dtype, n, 0, n, out);
}

jr_status jr_fill_normal_init(const jr_ctx *ctx, jr_key key, jr_dtype dtype,
                              int64_t total, jr_fill *fill) {
  jr_status st = jr_check_float("normal", dtype);
  if (st != JR_OK) return st;
  if (total < 0)
    return jr_fail(JR_E_BAD_RANGE, "normal: an output of %lld elements",
                   (long long)total);
  return jr_fill_init(jr_ctx_or_default(ctx), "normal", JR_KIND_NORMAL, key,
                      jr_float_rbits(dtype), dtype, total, 0, 0, fill);
}
