/* threefry2x32 (algorithm.md 2) against Random123's independent implementation
 * (threefry2x32_R with 20 rounds, Debian librandom123-dev) on 10^6 random
 * keys and counters, plus the published known answers; fold_in and the
 * partitionable split/bits are checked against the same hash. */
#include <Random123/threefry.h>

#include "model.h"
#include "test_util.h"

static void r123(uint32_t k0, uint32_t k1, uint32_t x0, uint32_t x1,
                 uint32_t y[2]) {
  threefry2x32_ctr_t c = {{x0, x1}};
  threefry2x32_key_t k = {{k0, k1}};
  threefry2x32_ctr_t r = threefry2x32_R(20, c, k);
  y[0] = r.v[0];
  y[1] = r.v[1];
}

int main(void) {
  /* algorithm.md section 2 / Random123 KAT (also JAX's testThreefry2x32). */
  static const uint32_t kat[3][6] = {{0, 0, 0, 0, 0x6b200159u, 0x99ba4efeu},
                                     {0xffffffffu, 0xffffffffu, 0xffffffffu,
                                      0xffffffffu, 0x1cb996fcu, 0xbb002be7u},
                                     {0x13198a2eu, 0x03707344u, 0x243f6a88u,
                                      0x85a308d3u, 0xc4923a9cu, 0x483df7a0u}};
  for (int i = 0; i < 3; i++) {
    jr_key k = {{kat[i][0], kat[i][1]}};
    uint32_t y[2], r[2], m[2];
    jr_threefry2x32(k, kat[i][2], kat[i][3], y);
    r123(kat[i][0], kat[i][1], kat[i][2], kat[i][3], r);
    m_threefry(kat[i][0], kat[i][1], kat[i][2], kat[i][3], &m[0], &m[1]);
    CHECK(y[0] == kat[i][4] && y[1] == kat[i][5],
          "KAT %d: library %08x %08x, expected %08x %08x", i, y[0], y[1],
          kat[i][4], kat[i][5]);
    CHECK(r[0] == kat[i][4] && r[1] == kat[i][5], "KAT %d: Random123 differs",
          i);
    CHECK(m[0] == kat[i][4] && m[1] == kat[i][5],
          "KAT %d: the test's own model differs", i);
  }

  /* 10^6 random (key, counter) pairs; every 4th uses edge words. */
  static const uint32_t edge[] = {0,           1,           0x7fffffffu,
                                  0x80000000u, 0xffffffffu, 0x1BD11BDAu};
  long mismatches = 0, fold_mismatches = 0;
  for (long i = 0; i < 1000000; i++) {
    uint32_t w[4];
    for (int j = 0; j < 4; j++)
      w[j] = (i % 4 == 0 && (tu_rand32() & 1)) ? edge[tu_rand_below(6)]
                                               : tu_rand32();
    jr_key k = {{w[0], w[1]}};
    uint32_t y[2], r[2];
    jr_threefry2x32(k, w[2], w[3], y);
    r123(w[0], w[1], w[2], w[3], r);
    if (y[0] != r[0] || y[1] != r[1]) {
      if (mismatches++ < 5)
        CHECK(0,
              "key %08x %08x ctr %08x %08x: library %08x %08x, Random123 "
              "%08x %08x",
              w[0], w[1], w[2], w[3], y[0], y[1], r[0], r[1]);
    }
    if (i % 16 == 0) { /* fold_in(key, d) = threefry(key, (0, d)) */
      jr_key f = jr_fold_in(k, w[3]);
      r123(w[0], w[1], 0, w[3], r);
      if (f.k[0] != r[0] || f.k[1] != r[1]) fold_mismatches++;
    }
  }
  CHECK(mismatches == 0, "%ld of 10^6 random hashes differ from Random123",
        mismatches);
  CHECK(fold_mismatches == 0, "%ld fold_in results differ from Random123",
        fold_mismatches);

  /* Partitionable split and bits from the hash of counter (i >> 32, i),
   * including a slice across the 2^32 boundary of the counter's low word. */
  {
    jr_key k = {{0x01234567u, 0x89abcdefu}};
    int64_t n = 1000;
    jr_key *keys = tu_xmalloc(sizeof *keys * (size_t)n);
    CHECK_OK(jr_split(NULL, k, 1, &n, keys));
    for (int64_t j = 0; j < n; j++) {
      uint32_t r[2];
      r123(k.k[0], k.k[1], 0, (uint32_t)j, r);
      CHECK(keys[j].k[0] == r[0] && keys[j].k[1] == r[1], "split key %lld",
            (long long)j);
    }
    free(keys);
    const int64_t total = (int64_t)1 << 33, start = ((int64_t)1 << 32) - 3;
    uint32_t b32[8];
    uint64_t b64[8];
    CHECK_OK(jr_random_bits_range(NULL, k, 32, total, start, 8, b32));
    CHECK_OK(jr_random_bits_range(NULL, k, 64, total, start, 8, b64));
    for (int j = 0; j < 8; j++) {
      uint64_t c = (uint64_t)(start + j);
      uint32_t r[2];
      r123(k.k[0], k.k[1], (uint32_t)(c >> 32), (uint32_t)c, r);
      CHECK(b32[j] == (r[0] ^ r[1]), "bits32 at %llu", (unsigned long long)c);
      CHECK(b64[j] == (((uint64_t)r[0] << 32) | r[1]), "bits64 at %llu",
            (unsigned long long)c);
    }
  }
  return tu_finish("test_threefry");
}
