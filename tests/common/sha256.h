/* SHA-256 (FIPS 180-4) for the tests' output digests. Header-only, byte
 * order independent. Checked against the FIPS test vectors by its users
 * (tests/mvn/test_mvn_portable.c). */
#ifndef JR_TEST_SHA256_H
#define JR_TEST_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
  uint32_t h[8];
  uint64_t len; /* bytes so far */
  unsigned char buf[64];
  size_t fill;
} tu_sha256;

static inline uint32_t tu_sha_ror(uint32_t x, int r) {
  return (x >> r) | (x << (32 - r));
}

static inline void tu_sha256_block(tu_sha256 *s, const unsigned char *p) {
  static const uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
      0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
      0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
      0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
      0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
      0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
      0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
      0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  uint32_t w[64];
  for (int t = 0; t < 16; t++)
    w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
           (uint32_t)p[4 * t + 2] << 8 | (uint32_t)p[4 * t + 3];
  for (int t = 16; t < 64; t++) {
    const uint32_t s0 =
        tu_sha_ror(w[t - 15], 7) ^ tu_sha_ror(w[t - 15], 18) ^ (w[t - 15] >> 3);
    const uint32_t s1 =
        tu_sha_ror(w[t - 2], 17) ^ tu_sha_ror(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4],
           f = s->h[5], g = s->h[6], h = s->h[7];
  for (int t = 0; t < 64; t++) {
    const uint32_t S1 =
        tu_sha_ror(e, 6) ^ tu_sha_ror(e, 11) ^ tu_sha_ror(e, 25);
    const uint32_t t1 = h + S1 + ((e & f) ^ (~e & g)) + k[t] + w[t];
    const uint32_t S0 =
        tu_sha_ror(a, 2) ^ tu_sha_ror(a, 13) ^ tu_sha_ror(a, 22);
    const uint32_t t2 = S0 + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  s->h[0] += a;
  s->h[1] += b;
  s->h[2] += c;
  s->h[3] += d;
  s->h[4] += e;
  s->h[5] += f;
  s->h[6] += g;
  s->h[7] += h;
}

static inline void tu_sha256_init(tu_sha256 *s) {
  static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                 0xa54ff53a, 0x510e527f, 0x9b05688c,
                                 0x1f83d9ab, 0x5be0cd19};
  memcpy(s->h, h0, sizeof h0);
  s->len = 0;
  s->fill = 0;
}

static inline void tu_sha256_update(tu_sha256 *s, const void *data, size_t n) {
  const unsigned char *p = data;
  s->len += n;
  while (n) {
    size_t take = 64 - s->fill < n ? 64 - s->fill : n;
    memcpy(s->buf + s->fill, p, take);
    s->fill += take;
    p += take;
    n -= take;
    if (s->fill == 64) {
      tu_sha256_block(s, s->buf);
      s->fill = 0;
    }
  }
}

/* The digest as 64 lowercase hex digits and a NUL. */
static inline void tu_sha256_hex(tu_sha256 *s, char hex[65]) {
  const uint64_t bits = s->len * 8;
  unsigned char pad = 0x80, len[8];
  tu_sha256_update(s, &pad, 1);
  pad = 0;
  while (s->fill != 56)
    tu_sha256_update(s, &pad, 1);
  for (int i = 0; i < 8; i++)
    len[i] = (unsigned char)(bits >> (56 - 8 * i));
  tu_sha256_update(s, len, 8);
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 8; j++)
      hex[8 * i + j] = "0123456789abcdef"[(s->h[i] >> (28 - 4 * j)) & 15];
  hex[64] = 0;
}

#endif /* JR_TEST_SHA256_H */
