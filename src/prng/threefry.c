/* Keys, threefry2x32, split, fold_in and JAX's legacy word stream
 * (algorithm.md sections 1-5). */
#include "internal.h"

jr_key jr_key_from_seed(int64_t seed, int x64) {
  jr_key k;
  uint64_t s = (uint64_t)seed; /* two's complement */
  k.k[0] = x64 ? (uint32_t)(s >> 32) : 0u;
  k.k[1] = (uint32_t)s; /* x64 off: the seed wraps to 32 bits */
  return k;
}

void jr_threefry2x32(jr_key key, uint32_t x0, uint32_t x1, uint32_t out[2]) {
  jr_threefry_inline(key.k[0], key.k[1], x0, x1, &out[0], &out[1]);
}

jr_key jr_fold_in(jr_key key, uint32_t data) {
  jr_key r;
  jr_threefry_inline(key.k[0], key.k[1], 0u, data, &r.k[0], &r.k[1]);
  return r;
}

/* Word w of threefry_2x32(key, iota(n)) for n < 2^32 (algorithm.md 5): the counts are
 * padded to an even length 2h and hashed as pairs (j, h + j); the output is
 * all first words, then all second words, padding dropped. */
static uint32_t jr_legacy_word(jr_key key, uint64_t n, uint64_t w) {
  uint64_t h = (n + 1) / 2;
  uint32_t y0, y1;
  if (w < h) {
    uint64_t x1 = w + h < n ? w + h : 0; /* the pad count is 0 */
    jr_threefry_inline(key.k[0], key.k[1], (uint32_t)w, (uint32_t)x1, &y0, &y1);
    return y0;
  }
  jr_threefry_inline(key.k[0], key.k[1], (uint32_t)(w - h), (uint32_t)w, &y0,
                     &y1);
  return y1;
}

#define JR_LEGACY_BLOCK 0xFFFFFFFFull /* JAX splits at 2^32 - 1 words */

/* Key b of the legacy split(key, num): words 2b and 2b + 1 of 2*num. */
static jr_key jr_legacy_split_key(jr_key key, uint64_t num, uint64_t b) {
  jr_key r;
  r.k[0] = jr_legacy_word(key, 2 * num, 2 * b);
  r.k[1] = jr_legacy_word(key, 2 * num, 2 * b + 1);
  return r;
}

void jr_legacy_stream_init(jr_legacy_stream *s, jr_key key, uint64_t words) {
  s->words = words;
  s->nblocks = words / JR_LEGACY_BLOCK;
  s->rem = words % JR_LEGACY_BLOCK;
  s->key = key;
}

void jr_legacy_words(const jr_legacy_stream *s, uint64_t start, uint64_t count,
                     uint32_t *out) {
  if (s->nblocks == 0) {
    for (uint64_t i = 0; i < count; i++)
      out[i] = jr_legacy_word(s->key, s->words, start + i);
    return;
  }
  /* More than 2^32 - 1 words: JAX hashes block b with key b of
   * split(key, nblocks + 1), the last (partial) block with the last key. */
  uint64_t i = 0;
  while (i < count) {
    uint64_t w = start + i, b = w / JR_LEGACY_BLOCK, off = w % JR_LEGACY_BLOCK;
    uint64_t n = b < s->nblocks ? JR_LEGACY_BLOCK : s->rem;
    jr_key bk = jr_legacy_split_key(s->key, s->nblocks + 1, b);
    for (; i < count && off < n; i++, off++) out[i] = jr_legacy_word(bk, n, off);
  }
}

jr_status jr_split(const jr_ctx *ctx, jr_key key, int ndim,
                   const int64_t *shape, jr_key *out) {
  int64_t num;
  jr_status st;
  ctx = jr_ctx_or_default(ctx);
  if ((st = jr_check_ctx(ctx)) != JR_OK) return st;
  if ((st = jr_check_shape("split", ndim, shape, &num)) != JR_OK) return st;
  if (num > 0 && !out) return jr_fail(JR_E_NULL_POINTER, "split: out is NULL");
  if (ctx->mode == JR_PARTITIONABLE) {
    for (int64_t j = 0; j < num; j++)
      jr_threefry_inline(key.k[0], key.k[1], (uint32_t)((uint64_t)j >> 32),
                         (uint32_t)j, &out[j].k[0], &out[j].k[1]);
    return JR_OK;
  }
  /* Legacy: counts 0 .. 2num-1 through threefry_2x32, reshaped (num, 2). */
  if (num > (int64_t)(JR_LEGACY_BLOCK / 2))
    return jr_fail(JR_E_TOO_LARGE,
                   "split: legacy mode supports at most %llu keys, got %lld",
                   JR_LEGACY_BLOCK / 2, (long long)num);
  for (int64_t j = 0; j < num; j++) out[j] = jr_legacy_split_key(key, (uint64_t)num, (uint64_t)j);
  return JR_OK;
}
