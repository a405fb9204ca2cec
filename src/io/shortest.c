/* Shortest round-trip text of a float (see shortest.h), with exact integer
 * arithmetic.
 *
 * A value v and the ends of the interval of reals that read back as v are
 * binary numbers n * 2^b. Scaled by a power of ten 10^q chosen so that
 * v * 10^q has 10 or 11 digits (float32 and the half formats) or 18 or 19
 * (float64), the floor of each scaled number and whether it is an integer
 * give every decision exactly: the p-digit rounding of v (ties to even) is
 * a multiple of 10^(L-p) near floor(v * 10^q), and it reads back as v when
 * it lies within the scaled interval.
 *
 * 10^q is a 128-bit truncation t * 2^s (0 <= 10^q / 2^s - t < 1, from
 * scripts/gen_shortest_pow10.py), so n * t * 2^s undershoots n * 10^q by
 * less than n * 2^s. The floor is certain unless the computed fraction is
 * within that error below an integer; then divisibility by 2 and 5 decides
 * whether the true value is that integer, and if it is not the value is
 * formatted by the snprintf loop instead. */
#include "shortest.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jaxrandom.h"
#include "shortest_pow10.h"

__extension__ typedef unsigned __int128 jr_u128;

static const uint64_t jr_pow10_u64[20] = {1u,
                                          10u,
                                          100u,
                                          1000u,
                                          10000u,
                                          100000u,
                                          1000000u,
                                          10000000u,
                                          100000000u,
                                          1000000000u,
                                          10000000000u,
                                          100000000000u,
                                          1000000000000u,
                                          10000000000000u,
                                          100000000000000u,
                                          1000000000000000u,
                                          10000000000000000u,
                                          100000000000000000u,
                                          1000000000000000000u,
                                          10000000000000000000u};

/* n / 10^j as floor(n * m / 2^(64 + sh)) with m = ceil(2^(64 + sh) / 10^j),
 * sh = floor(log2(10^j)), so m in [2^63, 2^64) and e = m * 10^j - 2^(64+sh)
 * < 10^j: n * m / 2^(64+sh) = n / 10^j + n * e / (10^j * 2^(64+sh)), and the
 * surplus stays below 1 / 10^j (so the floor holds) while n * e < 2^(64+sh),
 * true for every n < 2^63 as 2^63 * 10^j <= 2^(64+sh). One multiplication,
 * no branch on j. Row 0 (10^0) is the identity, taken apart. */
static const struct {
  uint64_t m;
  int sh;
} jr_div_pow10[20] = {{0u, 0},
                      {0xcccccccccccccccdu, 3},
                      {0xa3d70a3d70a3d70bu, 6},
                      {0x83126e978d4fdf3cu, 9},
                      {0xd1b71758e219652cu, 13},
                      {0xa7c5ac471b478424u, 16},
                      {0x8637bd05af6c69b6u, 19},
                      {0xd6bf94d5e57a42bdu, 23},
                      {0xabcc77118461cefdu, 26},
                      {0x89705f4136b4a598u, 29},
                      {0xdbe6fecebdedd5bfu, 33},
                      {0xafebff0bcb24aaffu, 36},
                      {0x8cbccc096f5088ccu, 39},
                      {0xe12e13424bb40e14u, 43},
                      {0xb424dc35095cd810u, 46},
                      {0x901d7cf73ab0acdau, 49},
                      {0xe69594bec44de15cu, 53},
                      {0xb877aa3236a4b44au, 56},
                      {0x9392ee8e921d5d08u, 59},
                      {0xec1e4a7db69561a6u, 63}};

/* n / 10^j for n < 2^63 and 0 <= j <= 19. */
static inline uint64_t div_pow10(uint64_t n, int j) {
  uint64_t hi = (uint64_t)(((jr_u128)n * jr_div_pow10[j].m) >> 64);
  return j ? hi >> jr_div_pow10[j].sh : n;
}

static int bit_length(uint64_t n) {
  return n ? 64 - __builtin_clzll(n) : 0;
}

/* floor(e * log10(2)) for |e| < 1650; checked for every exponent used by
 * scripts/gen_shortest_pow10.py. Shifts only non-negative numbers. */
static int floor_log10_pow2(int e) {
  return e >= 0 ? (int)(((uint32_t)e * 78913u) >> 18)
                : -(int)((((uint32_t)-e * 78913u) >> 18) + 1u);
}

/* Whether n * 2^b * 10^q is an integer. */
static int is_integer(uint64_t n, int b, int q) {
  if (q < 0) {
    if (-q > 27) return 0; /* 5^28 > 2^64 > n */
    uint64_t p5 = 1;
    for (int i = 0; i < -q; i++)
      p5 *= 5u;
    if (n % p5) return 0;
  }
  return __builtin_ctzll(n) + b + q >= 0;
}

/* n * t as top * 2^64 + low, t the 128-bit power of ten hi:lo. */
typedef struct {
  jr_u128 top;
  uint64_t low;
} jr_u192;

static inline jr_u192 mul_pow10(uint64_t n, const uint64_t *t) {
  jr_u128 lo = (jr_u128)n * t[1], hi = (jr_u128)n * t[0];
  jr_u192 r = {hi + (uint64_t)(lo >> 64), (uint64_t)lo};
  return r;
}

/* p + d * t for d in {-2, -1, 2}: the interval ends of a binary format are
 * 4m - 2, 4m - 1 and 4m + 2 where the value is 4m, at the same exponent. */
static inline jr_u192 add_pow10(jr_u192 p, int d, const uint64_t *t) {
  int twice = d == 2 || d == -2;
  jr_u128 th = twice ? (jr_u128)t[0] << 1 | t[1] >> 63 : (jr_u128)t[0];
  uint64_t tl = twice ? t[1] << 1 : t[1];
  jr_u192 r;
  if (d > 0) {
    r.low = p.low + tl;
    r.top = p.top + th + (r.low < tl);
  } else {
    r.low = p.low - tl;
    r.top = p.top - th - (p.low < tl);
  }
  return r;
}

/* floor(n * 2^b * 10^q) into *fl and whether that is exact into *exact,
 * from p = n * t (t * 2^s the table's 10^q); 0 when the table cannot decide
 * it. n > 0, and the caller's choice of q keeps the result below 2^63. */
static inline int scale(jr_u192 p, uint64_t n, int b, int q, uint64_t *fl,
                        int *exact) {
  int s = jr_shortest_pow10_exp[q - JR_SHORTEST_QMIN];
  int r = -(b + s) - 64;          /* X = p / 2^(r + 64) */
  if (r < 1 || r > 127) return 0; /* outside the proven range */
  jr_u128 one = (jr_u128)1 << r;
  uint64_t whole = (uint64_t)(p.top >> r);
  jr_u128 frac_hi = p.top & (one - 1); /* fraction = frac_hi * 2^64 + low */
  if (q >= 0 && s <= q) {              /* t * 2^s == 10^q: no error */
    *fl = whole;
    *exact = frac_hi == 0 && p.low == 0;
    return 1;
  }
  /* The true value lies in (p, p + n) / 2^(r + 64): it is not an integer
   * below p's, and passes the next one only if fraction + n > 2^(r + 64). */
  uint64_t sum = p.low + n;
  jr_u128 frac2 = frac_hi + (sum < n);
  if (frac2 > one || (frac2 == one && sum != 0)) {
    if (!is_integer(n, b, q)) return 0;
    *fl = whole + 1;
    *exact = 1;
    return 1;
  }
  *fl = whole;
  *exact = 0;
  return 1;
}

/* The interval that reads back as a value: the reals from lo to hi (each
 * included when its flag is set), all numbers n * 2^b. */
typedef struct {
  uint64_t vn, ln, hn;
  int vb, lb, hb;
  int lincl, hincl;
  int binary; /* ends 4m - 2 or 4m - 1 and 4m + 2 at the value's exponent */
} jr_interval;

/* The 8 decimal digits of x < 10^8 (with leading zeros) into d, without
 * a chain of divisions: x splits into two 4-digit halves in the 32-bit lanes
 * of one word, each lane into 2-digit pairs in 16-bit lanes (x / 100 as
 * x * 10486 >> 20, exact below 43699), each pair into digits in bytes (x / 10
 * as x * 103 >> 10, exact below 179); no lane's product reaches the next
 * lane's bits. The word's low byte is the first digit: a little-endian
 * store. */
static inline void put8(char *d, uint32_t x) {
  uint64_t hi = x / 10000u, v = hi | (uint64_t)(x - hi * 10000u) << 32;
  uint64_t h = ((v * 10486u) >> 20) & 0x0000007F0000007Fu;
  v = (v - h * 100u) << 16 | h;
  uint64_t t = ((v * 103u) >> 10) & 0x000F000F000F000Fu;
  v = ((v - t * 10u) << 8 | t) | 0x3030303030303030u;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  memcpy(d, &v, 8);
}

/* Text of digits (nd of them, no trailing zeros) * 10^(x - nd + 1), laid
 * out as "%.{p}g" does after choosing precision p. */
static int layout(int negative, uint64_t digits, int nd, int x, int p,
                  char *buf) {
  /* Fixed-size copies (the buffer's JR_SHORTEST_BUF bytes leave room), then
   * the length is what counts. all: four '0's (the "0.000" of x = -4), the
   * 17 (or 9) digits of digits < 10^17 with leading zeros, then '0's (an
   * integer's trailing zeros, and room for the over-long copies); d points at
   * the nd digits that count. */
  char all[4 + 17 + 43];
  memset(all, '0', sizeof all);
  const char *d;
  if (nd <= 9) { /* float32 and the half formats: 9 digits are enough */
    uint32_t t1 = (uint32_t)(digits / 100000000u);
    all[4] = (char)('0' + t1);
    put8(all + 5, (uint32_t)(digits - (uint64_t)t1 * 100000000u));
    d = all + 13 - nd;
  } else {
    uint64_t top = digits / 100000000u;
    uint32_t t1 = (uint32_t)(top / 100000000u);
    all[4] = (char)('0' + t1);
    put8(all + 5, (uint32_t)(top - (uint64_t)t1 * 100000000u));
    put8(all + 13, (uint32_t)(digits - top * 100000000u));
    d = all + 21 - nd;
  }
  char *o = buf;
  *o = '-';
  o += negative;
  if (x < p && x >= -4) {
    /* One layout for both signs of x, with selects rather than branches
     * (x's sign varies from value to value): lz zeros before the digits,
     * the first ni of them before the point; no point when nothing
     * follows it. ni <= 17 and the fraction has at most 20 digits. */
    int lz = x < 0 ? -x : 0, ni = x + 1 + lz, nt = nd + lz;
    const char *sd = d - lz;
    memcpy(o, sd, 17);
    o[ni] = '.';
    memcpy(o + ni + 1, sd + ni, 20);
    o += nt > ni ? nt + 1 : ni;
  } else {
    *o++ = d[0];
    if (nd > 1) {
      *o++ = '.';
      memcpy(o, d + 1, 16);
      o += nd - 1;
    }
    *o++ = 'e';
    *o++ = x < 0 ? '-' : '+';
    int ax = x < 0 ? -x : x;
    if (ax >= 100) *o++ = (char)('0' + ax / 100);
    *o++ = (char)('0' + ax / 10 % 10);
    *o++ = (char)('0' + ax % 10);
  }
  *o = '\0';
  return (int)(o - buf);
}

/* nv rounded (ties to even; xv: nv is exact, else the value is above it)
 * to a multiple of 10^j, 1 <= j <= 19, divided by 10^j; *ok whether that
 * multiple lies in [a, z]. Comparisons combined without branches. */
static inline uint64_t round_digits(uint64_t nv, int xv, int j, uint64_t a,
                                    uint64_t z, int *ok) {
  uint64_t qd = div_pow10(nv, j), rem = nv - qd * jr_pow10_u64[j];
  uint64_t half = 5u * jr_pow10_u64[j - 1];
  int up = (rem > half) | ((rem == half) & ((xv == 0) | (int)(qd & 1u)));
  uint64_t dg = qd + (uint64_t)up, c = dg * jr_pow10_u64[j];
  *ok = (c >= a) & (c <= z);
  return dg;
}

/* The p-digit rounding of the value for the smallest p in [pmin, pmax]
 * that lies in the interval (or p = pmax); l0 + 1 > pmax digits of the
 * value are looked at. -1 when scale() cannot decide. */
static int shortest(int negative, const jr_interval *iv, int l0, int pmin,
                    int pmax, char *buf) {
  int e2 = bit_length(iv->vn) - 1 + iv->vb;
  /* 10^k <= 2^e2 <= v < 2 * 10^(k+1), so 10^l0 <= v * 10^q < 2 * 10^(l0+1) */
  int q = l0 - floor_log10_pow2(e2);
  uint64_t nv, nl, nh;
  int xv, xl, xh;
  const uint64_t *t = jr_shortest_pow10[q - JR_SHORTEST_QMIN];
  jr_u192 pv = mul_pow10(iv->vn, t), pl, ph;
  if (iv->binary) {
    pl = add_pow10(pv, (int)(iv->ln - iv->vn), t);
    ph = add_pow10(pv, (int)(iv->hn - iv->vn), t);
  } else {
    pl = mul_pow10(iv->ln, t);
    ph = mul_pow10(iv->hn, t);
  }
  if (!scale(pv, iv->vn, iv->vb, q, &nv, &xv) ||
      !scale(pl, iv->ln, iv->lb, q, &nl, &xl) ||
      !scale(ph, iv->hn, iv->hb, q, &nh, &xh))
    return -1;
  int len = nv >= jr_pow10_u64[l0 + 1] ? l0 + 2 : l0 + 1; /* digits of nv */
  /* The integers that read back as the value: [a, z]. */
  uint64_t a = nl + !(xl && iv->lincl), z = nh - (xh && !iv->hincl);
  /* float64's three precisions [15, 17] are tried independently of each
   * other and the smallest that reads back is selected: a chain of
   * dependent steps and branches on outcomes that vary from value to value
   * cost more than the extra arithmetic. The wider range of the other
   * formats first narrows the start. */
  int p = pmin;
  if (pmax - pmin > 2) {
    /* Fewer than len - jmax digits cannot read back: no multiple of
     * 10^(jmax+1) lies in [a, z]. Start where [a, z] is too narrow to be
     * sure of one (one digit less than its width) and climb. */
    uint64_t w = z - a;
    /* Digits of w (1233 / 4096 ~ log10(2), then one comparison). */
    int dw = (bit_length(w) * 1233) >> 12;
    dw += w >= jr_pow10_u64[dw];
    int jmax = dw > 0 ? dw - 1 : 0;
    while (jmax < len - pmin &&
           div_pow10(z, jmax + 1) > div_pow10(a - 1, jmax + 1))
      jmax++;
    p = len - jmax < pmin ? pmin : len - jmax;
    if (p > pmax) p = pmax;
  }
  uint64_t dg;
  if (pmax - pmin > 2) { /* the climb's start usually reads back */
    for (;; p++) {
      int ok;
      dg = round_digits(nv, xv, len - p, a, z, &ok);
      if (ok || p == pmax) break;
    }
  } else {
    int p1 = p + 1 < pmax ? p + 1 : pmax, p2 = p + 2 < pmax ? p + 2 : pmax;
    int ok0, ok1, ok2;
    uint64_t d0 = round_digits(nv, xv, len - p, a, z, &ok0);
    uint64_t d1 = round_digits(nv, xv, len - p1, a, z, &ok1);
    uint64_t d2 = round_digits(nv, xv, len - p2, a, z, &ok2);
    ok0 |= p == pmax;
    ok1 |= p1 == pmax;
    dg = ok0 ? d0 : ok1 ? d1 : d2;
    p = ok0 ? p : ok1 ? p1 : p2;
  }
  int x = len - 1 - q, nd = p;
  if (dg == jr_pow10_u64[p]) { /* rounded up to the next power of ten */
    dg = 1;
    nd = 1;
    x++;
  }
  while (dg % 10u == 0) {
    dg /= 10u;
    nd--;
  }
  return layout(negative, dg, nd, x, p, buf);
}

static int special(int negative, int nan, int zero, char *buf) {
  const char *s = nan    ? "nan"
                  : zero ? (negative ? "-0" : "0")
                         : (negative ? "-inf" : "inf");
  size_t n = strlen(s);
  memcpy(buf, s, n + 1);
  return (int)n;
}

/* A binary float's interval: magnitude bits, mantissa width, bias offset
 * (so that value = m * 2^(be - bias) for be > 0). */
static void binary_interval(uint64_t mag, int mbits, int bias,
                            jr_interval *iv) {
  uint64_t frac = mag & (((uint64_t)1 << mbits) - 1);
  int be = (int)(mag >> mbits);
  uint64_t m = be ? frac | (uint64_t)1 << mbits : frac;
  int e = (be ? be : 1) - bias - 2; /* value = 4m * 2^e */
  iv->vn = 4 * m;
  iv->hn = 4 * m + 2;
  /* Below a power of two the next float down is half as far. */
  iv->ln = frac == 0 && be > 1 ? 4 * m - 1 : 4 * m - 2;
  iv->vb = iv->lb = iv->hb = e;
  iv->lincl = iv->hincl = (m & 1u) == 0;
  iv->binary = 1;
}

static uint32_t f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

static float bits_f32(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}

/* Half formats: the float32 values x that convert to the same 16 bits form
 * a range [xa, xb] (the conversion rounds to nearest even); the decimals
 * that read back are those strtof sends into it. prev and next are the
 * neighbouring half values (next may be the first power of two past the
 * largest finite one). */
static void half_interval(float y, double prev, double next, int odd,
                          jr_interval *iv) {
  uint32_t ma = f32_bits((float)((prev + (double)y) / 2));
  uint32_t mb = f32_bits((float)(((double)y + next) / 2));
  uint32_t xa = odd ? ma + 1 : ma, xb = odd ? mb - 1 : mb;
  jr_interval t;
  binary_interval(f32_bits(y), 23, 150, iv);
  binary_interval(xa, 23, 150, &t);
  iv->ln = t.ln;
  iv->lb = t.lb;
  iv->lincl = t.lincl;
  binary_interval(xb, 23, 150, &t);
  iv->hn = t.hn;
  iv->hb = t.hb;
  iv->hincl = t.hincl;
  iv->binary = 0;
}

int jr_shortest_fast(int kind, uint64_t bits, char *buf) {
  jr_interval iv;
  switch (kind) {
  case 0: {
    int neg = (int)(bits >> 31) & 1;
    uint64_t mag = bits & 0x7FFFFFFFu;
    if (mag >= 0x7F800000u) return special(neg, mag > 0x7F800000u, 0, buf);
    if (mag == 0) return special(neg, 0, 1, buf);
    binary_interval(mag, 23, 150, &iv);
    return shortest(neg, &iv, 9, 1, 9, buf);
  }
  case 1: {
    int neg = (int)(bits >> 63);
    uint64_t mag = bits & 0x7FFFFFFFFFFFFFFFu;
    if (mag >= 0x7FF0000000000000u)
      return special(neg, mag > 0x7FF0000000000000u, 0, buf);
    if (mag == 0) return special(neg, 0, 1, buf);
    binary_interval(mag, 52, 1075, &iv);
    return shortest(neg, &iv, 17, 15, 17, buf);
  }
  case 2: {
    int neg = (int)(bits >> 15) & 1;
    uint16_t mag = (uint16_t)(bits & 0x7FFFu);
    if (mag >= 0x7C00u) return special(neg, mag > 0x7C00u, 0, buf);
    if (mag == 0) return special(neg, 0, 1, buf);
    double next =
        mag == 0x7BFFu ? 65536.0 : (double)jr_f16_to_f32((uint16_t)(mag + 1));
    half_interval(jr_f16_to_f32(mag),
                  (double)jr_f16_to_f32((uint16_t)(mag - 1)), next, mag & 1u,
                  &iv);
    return shortest(neg, &iv, 9, 1, 9, buf);
  }
  case 3: {
    int neg = (int)(bits >> 15) & 1;
    uint16_t mag = (uint16_t)(bits & 0x7FFFu);
    if (mag >= 0x7F80u) return special(neg, mag > 0x7F80u, 0, buf);
    if (mag == 0) return special(neg, 0, 1, buf);
    double next =
        mag == 0x7F7Fu ? 0x1p128 : (double)jr_bf16_to_f32((uint16_t)(mag + 1));
    half_interval(jr_bf16_to_f32(mag),
                  (double)jr_bf16_to_f32((uint16_t)(mag - 1)), next, mag & 1u,
                  &iv);
    return shortest(neg, &iv, 9, 1, 9, buf);
  }
  default: return special(0, 1, 0, buf);
  }
}

/* The definition itself, for the values the integer path leaves undecided:
 * print with p digits until the text reads back. */
static int slow(int kind, uint64_t bits, char *buf) {
  int n = 0;
  if (kind == 1) {
    double f;
    memcpy(&f, &bits, 8);
    for (int p = 15; p <= 17; p++) {
      n = snprintf(buf, JR_SHORTEST_BUF, "%.*g", p, f);
      if (strtod(buf, NULL) == f) break;
    }
    return n;
  }
  uint16_t h = (uint16_t)bits;
  float f = kind == 0   ? bits_f32((uint32_t)bits)
            : kind == 2 ? jr_f16_to_f32(h)
                        : jr_bf16_to_f32(h);
  for (int p = 1; p <= 9; p++) {
    n = snprintf(buf, JR_SHORTEST_BUF, "%.*g", p, (double)f);
    float back = strtof(buf, NULL);
    if (kind == 0
            ? back == f
            : (kind == 2 ? jr_f32_to_f16(back) : jr_f32_to_bf16(back)) == h)
      break;
  }
  return n;
}

static int format(int kind, uint64_t bits, char *buf) {
  int n = jr_shortest_fast(kind, bits, buf);
  return n >= 0 ? n : slow(kind, bits, buf);
}

int jr_shortest_f32(float v, char *buf) {
  return format(0, f32_bits(v), buf);
}

int jr_shortest_f64(double v, char *buf) {
  uint64_t u;
  memcpy(&u, &v, 8);
  return format(1, u, buf);
}

/* The 16-bit formats have 2^15 magnitudes: their texts are formatted once,
 * on first use (a few milliseconds), and then copied. The table is filled
 * under pthread_once; the flag lets later calls skip even that. */
typedef struct {
  char s[15]; /* the magnitude's text (at most 10 characters) */
  unsigned char n;
} jr_half_text;

static jr_half_text jr_half_texts[2][0x8000];
static pthread_once_t jr_half_once[2] = {PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT};
static atomic_int jr_half_ready[2];

static void half_fill(int k) {
  for (uint32_t mag = 0; mag < 0x8000u; mag++) {
    char b[JR_SHORTEST_BUF] = {0}; /* the bytes past the text copied too */
    jr_half_text *e = &jr_half_texts[k][mag];
    int n = format(k ? 3 : 2, mag, b);
    memcpy(e->s, b, sizeof e->s);
    e->n = (unsigned char)n;
  }
  atomic_store_explicit(&jr_half_ready[k], 1, memory_order_release);
}

static void half_fill_f16(void) {
  half_fill(0);
}
static void half_fill_bf16(void) {
  half_fill(1);
}

static int half_text(int k, uint16_t bits, char *buf) {
  if (!atomic_load_explicit(&jr_half_ready[k], memory_order_acquire))
    pthread_once(&jr_half_once[k], k ? half_fill_bf16 : half_fill_f16);
  uint32_t mag = bits & 0x7FFFu;
  const jr_half_text *e = &jr_half_texts[k][mag];
  /* A sign for everything but NaN ("nan" either way). */
  int neg = (bits >> 15) & (mag <= (k ? 0x7F80u : 0x7C00u));
  buf[0] = '-';
  memcpy(buf + neg, e->s, sizeof e->s);
  buf[neg + e->n] = '\0';
  return neg + e->n;
}

int jr_shortest_f16(uint16_t bits, char *buf) {
  return half_text(0, bits, buf);
}

int jr_shortest_bf16(uint16_t bits, char *buf) {
  return half_text(1, bits, buf);
}
