/* Legacy mode (algorithm.md 5) against a direct model of JAX's legacy hash helper,
 * the slice API (jr_*_range) against slices of the full output, and thread
 * count independence, in both modes for every width and dtype. */
#include <pthread.h>
#include <unistd.h>

#include "internal.h"
#include "model.h"
#include "test_util.h"

static jr_ctx *ctx_part, *ctx_legacy;

/* Legacy random_bits by the spec: words = ceil(width * n / 32), counts
 * 0..words-1 through the helper, then per width. */
static void model_legacy_bits(jr_key key, int width, size_t n, void *out) {
  size_t words = (width * n + 31) / 32;
  uint32_t *counts = tu_xmalloc(4 * (words + 1));
  uint32_t *w = tu_xmalloc(4 * (words + 1));
  uint32_t *tmp = tu_xmalloc(4 * (words + 1));
  for (size_t i = 0; i < words; i++)
    counts[i] = (uint32_t)i;
  m_legacy_hash(key.k[0], key.k[1], counts, words, w, tmp);
  for (size_t i = 0; i < n; i++) {
    if (width == 32)
      ((uint32_t *)out)[i] = w[i];
    else if (width == 64)
      ((uint64_t *)out)[i] = (uint64_t)w[i] << 32 | w[i + words / 2];
    else if (width == 16)
      ((uint16_t *)out)[i] = (uint16_t)(w[i / 2] >> (16 * (i % 2)));
    else
      ((uint8_t *)out)[i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
  }
  free(counts);
  free(w);
  free(tmp);
}

static void check_legacy_split(void) {
  jr_key k0 = jr_key_from_seed(0, 0), s[16];
  int64_t two = 2;
  CHECK_OK(jr_split(ctx_legacy, k0, 1, &two, s));
  CHECK(s[0].k[0] == 4146024105u && s[0].k[1] == 967050713u &&
            s[1].k[0] == 2718843009u && s[1].k[1] == 1272950319u,
        "legacy split(PRNGKey(0)) = [[%u, %u], [%u, %u]]", s[0].k[0], s[0].k[1],
        s[1].k[0], s[1].k[1]);
  for (int64_t num = 1; num <= 16; num++) {
    jr_key key = {{tu_rand32(), tu_rand32()}};
    uint32_t counts[32], w[32], tmp[33];
    for (int i = 0; i < 2 * num; i++)
      counts[i] = (uint32_t)i;
    m_legacy_hash(key.k[0], key.k[1], counts, (size_t)(2 * num), w, tmp);
    /* split(key, shape (2, num/2)) is the same list of keys */
    int64_t shape2[2] = {num % 2 ? 1 : 2, num % 2 ? num : num / 2};
    CHECK_OK(jr_split(ctx_legacy, key, 2, shape2, s));
    for (int64_t j = 0; j < num; j++)
      CHECK(s[j].k[0] == w[2 * j] && s[j].k[1] == w[2 * j + 1],
            "legacy split num %lld key %lld", (long long)num, (long long)j);
  }
}

static void check_legacy_bits(void) {
  static const size_t sizes[] = {1,  2,  3,   4,    5,    6,    7,
                                 8,  9,  15,  16,   17,   31,   33,
                                 63, 65, 127, 1001, 1024, 4097, 65537};
  const int widths[4] = {8, 16, 32, 64};
  for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
    for (int wi = 0; wi < 4; wi++) {
      size_t n = sizes[si];
      int64_t shape = (int64_t)n;
      jr_key key = {{tu_rand32(), tu_rand32()}};
      uint64_t *got = tu_xmalloc(8 * n), *exp = tu_xmalloc(8 * n);
      CHECK_OK(jr_random_bits(ctx_legacy, key, widths[wi], 1, &shape, got));
      model_legacy_bits(key, widths[wi], n, exp);
      CHECK(memcmp(got, exp, n * (size_t)widths[wi] / 8) == 0,
            "legacy bits width %d, n %zu differ from the model", widths[wi], n);
      if (widths[wi] == 32 && n <= 4097) { /* normal/uniform from those bits */
        float *z = tu_xmalloc(4 * n), *u = tu_xmalloc(4 * n);
        CHECK_OK(jr_normal(ctx_legacy, key, JR_FLOAT32, 1, &shape, z));
        CHECK_OK(
            jr_uniform(ctx_legacy, key, JR_FLOAT32, 1, &shape, -2.0, 3.0, u));
        long bad = 0;
        for (size_t i = 0; i < n; i++) {
          uint32_t b = ((uint32_t *)exp)[i];
          float f = m_u2f(b >> 9 | 0x3F800000u) - 1.0f;
          float uu = fmaf(f, 5.0f, -2.0f);
          if (m_f2u(z[i]) != m_f2u(m_normal_f32(b))) bad++;
          if (m_f2u(u[i]) != m_f2u(uu < -2.0f ? -2.0f : uu)) bad++;
        }
        CHECK(bad == 0, "legacy normal/uniform n %zu: %ld differ", n, bad);
        free(z);
        free(u);
      }
      free(got);
      free(exp);
    }
}

/* Legacy word w of the hash of iota(n) for one block (algorithm.md 5), by the
 * pairing rule: counts padded to 2h, pair j is (j, h + j). */
static uint32_t model_block_word(jr_key k, uint64_t n, uint64_t w) {
  uint64_t h = (n + 1) / 2;
  uint32_t y0, y1;
  if (w < h) {
    m_threefry(k.k[0], k.k[1], (uint32_t)w, h + w < n ? (uint32_t)(h + w) : 0,
               &y0, &y1);
    return y0;
  }
  m_threefry(k.k[0], k.k[1], (uint32_t)(w - h), (uint32_t)w, &y0, &y1);
  return y1;
}

/* Outputs of 2^32 - 1 words or more: JAX hashes block b of 2^32 - 1 words
 * with key b of split(key, nblocks + 1) (also when the tail is empty). */
static void check_legacy_blocks(void) {
  const uint64_t B = 0xFFFFFFFFull;
  jr_key key = {{tu_rand32(), tu_rand32()}};
  for (int c = 0; c < 2; c++) {
    /* c = 0: 32-bit, 2^32 + 5 words (one block and a tail of 6);
     * c = 1: 8-bit, exactly 2^32 - 1 words (one block, empty tail). */
    int width = c ? 8 : 32;
    uint64_t words = c ? B : B + 6, nblocks = words / B;
    int64_t total = (int64_t)(c ? 4 * B : B + 6);
    uint32_t cnt[8], kw[8], tmp[9];
    for (uint32_t i = 0; i < 2 * (nblocks + 1); i++)
      cnt[i] = i;
    m_legacy_hash(key.k[0], key.k[1], cnt, 2 * (nblocks + 1), kw, tmp);
    const int64_t starts[5] = {0, (int64_t)1 << 31, total - 70, total / 2 + 3,
                               c ? total - 8 : (int64_t)B - 4};
    for (int s = 0; s < 5; s++) {
      uint32_t got[8];
      int64_t start = starts[s], n = total - start < 8 ? total - start : 8;
      CHECK_OK(
          jr_random_bits_range(ctx_legacy, key, width, total, start, n, got));
      for (int64_t i = 0; i < n; i++) {
        uint64_t e = (uint64_t)(start + i), w = c ? e / 4 : e;
        uint64_t b = w / B, off = w % B, len = b < nblocks ? B : words % B;
        jr_key bk = {{kw[2 * b], kw[2 * b + 1]}};
        uint32_t word = model_block_word(bk, len, off);
        uint32_t exp = c ? (uint8_t)(word >> (8 * (e % 4))) : word;
        uint32_t g = c ? ((uint8_t *)got)[i] : got[i];
        CHECK(g == exp, "legacy width %d, element %llu of %lld: %u, model %u",
              width, (unsigned long long)e, (long long)total, g, exp);
      }
    }
  }
}

/* kind 0..3: bits of width 8/16/32/64; 4..7 uniform f16/bf16/f32/f64;
 * 8..11 normal of the same dtypes. */
static const jr_dtype float_dtypes[4] = {JR_FLOAT16, JR_BFLOAT16, JR_FLOAT32,
                                         JR_FLOAT64};
static size_t kind_size(int kind) {
  static const size_t bits_size[4] = {1, 2, 4, 8};
  return kind < 4 ? bits_size[kind] : jr_dtype_size(float_dtypes[kind % 4]);
}
static jr_status gen_range(const jr_ctx *ctx, int kind, jr_key key,
                           int64_t total, int64_t start, int64_t count,
                           void *out) {
  if (kind < 4)
    return jr_random_bits_range(ctx, key, 8 << kind, total, start, count, out);
  if (kind < 8)
    return jr_uniform_range(ctx, key, float_dtypes[kind - 4], total, start,
                            count, -1.5, 2.25, out);
  return jr_normal_range(ctx, key, float_dtypes[kind - 8], total, start, count,
                         out);
}
static jr_status gen_full(const jr_ctx *ctx, int kind, jr_key key,
                          int64_t total, void *out) {
  int64_t shape[2] = {1, total}; /* via the shaped entry points */
  if (kind < 4) return jr_random_bits(ctx, key, 8 << kind, 2, shape, out);
  if (kind < 8)
    return jr_uniform(ctx, key, float_dtypes[kind - 4], 2, shape, -1.5, 2.25,
                      out);
  return jr_normal(ctx, key, float_dtypes[kind - 8], 2, shape, out);
}

static void check_ranges(void) {
  for (int mode = 0; mode < 2; mode++)
    for (int kind = 0; kind < 12; kind++)
      for (int rep = 0; rep < 3; rep++) {
        const jr_ctx *ctx = mode ? ctx_legacy : ctx_part;
        int64_t total = 1 + (int64_t)tu_rand_below(rep == 0 ? 9 : 5000);
        size_t es = kind_size(kind);
        jr_key key = {{tu_rand32(), tu_rand32()}};
        char *full = tu_xmalloc(es * (size_t)total);
        char *part = tu_xmalloc(es * (size_t)total);
        CHECK_OK(gen_full(ctx, kind, key, total, full));
        for (int s = 0; s < 25; s++) {
          int64_t start = (int64_t)tu_rand_below((uint64_t)total + 1);
          int64_t count = (int64_t)tu_rand_below((uint64_t)(total - start) + 1);
          if (s == 0) start = 0, count = total;
          CHECK_OK(gen_range(ctx, kind, key, total, start, count, part));
          CHECK(memcmp(part, full + es * (size_t)start, es * (size_t)count) ==
                    0,
                "mode %d kind %d: slice [%lld, +%lld) of %lld differs", mode,
                kind, (long long)start, (long long)count, (long long)total);
        }
        free(full);
        free(part);
      }
}

/* The core count is read once per process: threads racing on the first
 * call, and later calls, all see the online count. */
static void *cpu_count_thread(void *p) {
  *(int *)p = jr_cpu_count();
  return NULL;
}

static void check_cpu_count(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  const int want = n < 1 ? 1 : (n > 4096 ? 4096 : (int)n);
  pthread_t tids[8];
  int got[8] = {0}, started = 0;
  for (int i = 0; i < 8; i++, started++)
    if (pthread_create(&tids[i], NULL, cpu_count_thread, &got[i]) != 0) break;
  for (int i = 0; i < started; i++) {
    pthread_join(tids[i], NULL);
    CHECK(got[i] == want, "jr_cpu_count on thread %d: %d, expected %d", i,
          got[i], want);
  }
  CHECK(jr_cpu_count() == want, "jr_cpu_count again: %d, expected %d",
        jr_cpu_count(), want);
}

static void check_threads(void) {
  /* 0 = all cores */
  static const int threads[5] = {1, 0, 2, 3, 7};
  /* Large enough that the library really uses several threads (it needs
   * about 64K elements per thread), with an odd size. */
  const int64_t total = 7 * 65536 + 12345;
  for (int mode = 0; mode < 2; mode++)
    for (int kind = 0; kind < 12; kind++) {
      jr_key key = {{tu_rand32(), tu_rand32()}};
      size_t bytes = kind_size(kind) * (size_t)total;
      char *ref = tu_xmalloc(bytes), *out = tu_xmalloc(bytes);
      for (int t = 0; t < 5; t++) {
        jr_ctx *ctx = jr_ctx_create();
        CHECK(ctx != NULL, "jr_ctx_create");
        if (!ctx) break;
        CHECK_OK(jr_ctx_set_int(ctx, JR_PARAM_MODE,
                                mode ? JR_LEGACY : JR_PARTITIONABLE));
        CHECK_OK(jr_ctx_set_int(ctx, JR_PARAM_THREADS, threads[t]));
        /* a slice too, so thread splits start mid-block */
        int64_t start = t == 0 ? 0 : 4097, count = total - start;
        CHECK_OK(gen_range(ctx, kind, key, total, start, count, t ? out : ref));
        if (t)
          CHECK(memcmp(out, ref + kind_size(kind) * (size_t)start,
                       kind_size(kind) * (size_t)count) == 0,
                "mode %d kind %d: %d threads differ from 1 thread", mode, kind,
                threads[t]);
        jr_ctx_free(ctx);
      }
      free(ref);
      free(out);
    }
}

int main(void) {
  ctx_part = jr_ctx_create();
  ctx_legacy = jr_ctx_create();
  if (!ctx_part || !ctx_legacy) return 2;
  check_cpu_count(); /* first, so the threads race on the first read */
  CHECK_OK(jr_ctx_set_int(ctx_legacy, JR_PARAM_MODE, JR_LEGACY));
  jr_isa isas[8];
  int nisa = tu_isas(isas);
  check_legacy_split();
  check_legacy_blocks();
  for (int k = 0; k < nisa; k++) {
    CHECK_OK(jr_isa_select(isas[k]));
    check_legacy_bits();
    check_ranges();
    check_threads();
  }
  jr_ctx_free(ctx_part);
  jr_ctx_free(ctx_legacy);
  return tu_finish("test_legacy_ranges_threads");
}
