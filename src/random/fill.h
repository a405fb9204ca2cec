/* Bulk random values (bits, uniform, normal) over any slice of a flattened
 * output, for the public entry points and for samplers inside the library
 * (multivariate_normal draws its z through it). Internal. */
#ifndef JR_RANDOM_FILL_H
#define JR_RANDOM_FILL_H

#include "internal.h"

typedef enum { JR_KIND_BITS, JR_KIND_UNIFORM, JR_KIND_NORMAL } jr_kind;

/* A prepared draw: everything that can fail is checked when it is made, so
 * running it on worker threads cannot fail. */
typedef struct jr_fill {
  const jr_kernels *kern;
  jr_mode mode;
  jr_xla_log1p log1p; /* float64 log1p variant: picks the float64 normal */
  jr_kind kind;
  jr_key key;
  int width;      /* random bits per element */
  jr_dtype dtype; /* output dtype (unsigned int for BITS) */
  int64_t total;  /* elements of the whole output */
  double minval, maxval;
  jr_legacy_stream legacy;
} jr_fill;

/* Prepares normal(key, total elements, dtype) in ctx's mode with the active
 * kernel set: JR_E_BAD_DTYPE, JR_E_BAD_MODE, JR_E_BAD_ISA or
 * JR_E_SIZE_OVERFLOW, with the messages of jr_normal_range. */
jr_status jr_fill_normal_init(const jr_ctx *ctx, jr_key key, jr_dtype dtype,
                              int64_t total, jr_fill *fill);

/* Elements [start, start + count) of the prepared output into out, on the
 * calling thread (the caller keeps the range inside [0, total)). */
void jr_fill_run(const jr_fill *fill, int64_t start, int64_t count, void *out);

#endif /* JR_RANDOM_FILL_H */
