/* Blocks of an output from the library's *_range functions. */
#include <string.h>

#include "sample_stats.h"
#include "source.h"

/* split: keys are pairs of uint32 words; blocks are whole keys.
 * Partitionable: key j is both words of threefry(key, (j >> 32, j)), which
 * is 64-bit random_bits element j (high word first). Legacy: the 2*num
 * words of threefry_2x32(key, iota(2*num)), i.e. 32-bit random_bits of
 * 2*num elements. algorithm.md sections 4 and 5. */
static jr_status cli_split_fill(const cli_source *s, int64_t start,
                                int64_t count, uint32_t *w) {
  if (s->legacy)
    return jr_random_bits_range(s->ctx, s->key, 32, s->total, start, count, w);
  const int64_t keys = count / 2, first = start / 2;
  jr_status st =
      jr_random_bits_range(s->ctx, s->key, 64, s->total / 2, first, keys, w);
  if (st) return st;
  for (int64_t j = 0; j < keys; j++) {
    uint64_t v;
    memcpy(&v, w + 2 * j, 8);
    w[2 * j] = (uint32_t)(v >> 32);
    w[2 * j + 1] = (uint32_t)v;
  }
  return JR_OK;
}

jr_status cli_source_fill(cli_source *s, int64_t start, int64_t count,
                          void *buf) {
  switch (s->kind) {
  case SRC_WORDS:
    memcpy(buf, s->words + start, (size_t)count * 4);
    return JR_OK;
  case SRC_BITS:
    return jr_random_bits_range(s->ctx, s->key, s->width, s->total, start,
                                count, buf);
  case SRC_UNIFORM:
    return jr_uniform_range(s->ctx, s->key, s->dtype, s->total, start, count,
                            s->minval, s->maxval, buf);
  case SRC_NORMAL:
    return jr_normal_range(s->ctx, s->key, s->dtype, s->total, start, count,
                           buf);
  case SRC_SPLIT: return cli_split_fill(s, start, count, buf);
  case SRC_DENSITY: {
    const size_t item = jr_dtype_size(s->dtype);
    for (int64_t k = 0; k < count; k += s->chunk) {
      const int64_t m = count - k < s->chunk ? count - k : s->chunk;
      jr_status st =
          jr_mvn_density_eval(s->density, s->ctx, s->x, s->pdf, start + k,
                              start + k + m, (char *)buf + (size_t)k * item);
      if (s->release) s->release(s->release_user);
      if (st) return st;
    }
    return JR_OK;
  }
  case SRC_MVN: {
    const int64_t r0 = s->row_first + start / s->n;
    const int64_t r1 = r0 + count / s->n;
    jr_status st = jr_mvn_sample_rows(s->mvn, s->ctx, s->key, r0, r1, buf);
    if (!st && s->stats) cli_stats_add(s->stats, buf, r1 - r0);
    return st;
  }
  }
  return JR_E_BAD_ARGUMENT;
}
