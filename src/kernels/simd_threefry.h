/* SIMD body, part 2: threefry2x32-20 (algorithm.md 2) on groups of JR_UT vectors,
 * the key schedule and the counter streams. */
#ifndef JR_SIMD_BODY
#error "included by simd_body.h only"
#endif

/* ---- threefry2x32-20 on VLF lanes (algorithm.md 2) */
typedef struct {
  vi k0, k1;     /* initial injection */
  vi a[5], b[5]; /* after group g: x0 += a[g], x1 += b[g] */
} tf_sched;

static inline void tf_schedule(jr_key key, tf_sched *s) {
  const uint32_t ks[3] = {key.k[0], key.k[1],
                          key.k[0] ^ key.k[1] ^ 0x1BD11BDAu};
  s->k0 = i_set1(ks[0]);
  s->k1 = i_set1(ks[1]);
  for (int g = 0; g < 5; g++) {
    s->a[g] = i_set1(ks[(g + 1) % 3]);
    s->b[g] = i_set1(ks[(g + 2) % 3] + (uint32_t)(g + 1));
  }
}

/* ---- threefry2x32-20 on groups of JR_UT vectors (its own group size: the
 * hash is integer work with a long serial chain per vector, so more chains
 * in flight hide its latency: docs/kernels.md) */
#ifndef JR_UT
#define JR_UT 3
#endif
#define XLT (VLF * JR_UT) /* lanes hashed per step */
/* Blocks (kernel_list.h) are whole hashing groups (XLT: 48 with either set)
 * and whole transform groups (XLF = 32, XLD = 16), so no block hashes a
 * padded tail into scratch (with 256 every block did). */
_Static_assert(JR_KERNEL_BLOCK % XLT == 0 && JR_KERNEL_BLOCK % XLF == 0 &&
                   JR_KERNEL_BLOCK % XLD == 0,
               "whole groups per block");
typedef struct {
  vi v[JR_UT];
} tvi;
JR_AI tvi ti_add(tvi a, tvi b) {
  for (int j = 0; j < JR_UT; j++)
    a.v[j] = i_add(a.v[j], b.v[j]);
  return a;
}
JR_AI tvi ti_add1(tvi a, vi k) {
  for (int j = 0; j < JR_UT; j++)
    a.v[j] = i_add(a.v[j], k);
  return a;
}
JR_AI tvi ti_xor(tvi a, tvi b) {
  for (int j = 0; j < JR_UT; j++)
    a.v[j] = i_xor(a.v[j], b.v[j]);
  return a;
}
#define TF_R(r)                                                                \
  do {                                                                         \
    for (int j = 0; j < JR_UT; j++) {                                          \
      x0.v[j] = i_add(x0.v[j], x1.v[j]);                                       \
      x1.v[j] = I_ROTL(x1.v[j], r);                                            \
      x1.v[j] = i_xor(x1.v[j], x0.v[j]);                                       \
    }                                                                          \
  } while (0)
#define TF_INJ(g)                                                              \
  do {                                                                         \
    x0 = ti_add1(x0, s->a[g]);                                                 \
    x1 = ti_add1(x1, s->b[g]);                                                 \
  } while (0)

JR_AI void tf_core(const tf_sched *s, tvi x0, tvi x1, tvi *y0, tvi *y1);

/* Counters (a + l, b + l) for lanes l = 0 .. XLT-1, 32-bit, no carry (the
 * legacy stream's counters stay below 2^32). */
JR_AI void tf_pairs(const tf_sched *s, uint32_t a, uint32_t b, tvi *y0,
                    tvi *y1) {
  tvi x0, x1;
  vi dummy;
  for (int j = 0; j < JR_UT; j++) {
    ctr((uint64_t)(uint32_t)(a + (uint32_t)(j * VLF)), &dummy, &x0.v[j]);
    ctr((uint64_t)(uint32_t)(b + (uint32_t)(j * VLF)), &dummy, &x1.v[j]);
  }
  tf_core(s, x0, x1, y0, y1);
}

/* The 20 rounds after the first key injection. */
JR_AI void tf_rounds(const tf_sched *s, tvi x0, tvi x1, tvi *y0, tvi *y1) {
  TF_R(13);
  TF_R(15);
  TF_R(26);
  TF_R(6);
  TF_INJ(0);
  TF_R(17);
  TF_R(29);
  TF_R(16);
  TF_R(24);
  TF_INJ(1);
  TF_R(13);
  TF_R(15);
  TF_R(26);
  TF_R(6);
  TF_INJ(2);
  TF_R(17);
  TF_R(29);
  TF_R(16);
  TF_R(24);
  TF_INJ(3);
  TF_R(13);
  TF_R(15);
  TF_R(26);
  TF_R(6);
  TF_INJ(4);
  *y0 = x0;
  *y1 = x1;
}

JR_AI void tf_core(const tf_sched *s, tvi x0, tvi x1, tvi *y0, tvi *y1) {
  tf_rounds(s, ti_add1(x0, s->k0), ti_add1(x1, s->k1), y0, y1);
}

/* The hashes of consecutive groups of XLT counters from `start`. While the
 * counters' low words do not wrap, every lane has the same high word, so the
 * first injection into it is one vector for the whole run and the low words
 * advance by one add per vector; past a carry (at most once per call) the
 * counters are rebuilt per group by ctr(). */
typedef struct {
  tvi x0, x1;  /* the run's next counters after the first injection */
  size_t run;  /* groups left in the run */
  uint64_t at; /* first element of the next group */
} tf_stream;
JR_AI void tf_stream_init(const tf_sched *s, uint64_t start, size_t n,
                          tf_stream *st) {
  uint64_t room = 0x100000000ull - (start & 0xFFFFFFFFull);
  st->run = (size_t)((n < room ? (uint64_t)n : room) / XLT);
  st->at = start;
  vi x0 = i_add(i_set1((uint32_t)(start >> 32)), s->k0);
  for (int j = 0; j < JR_UT; j++) {
    vi hi, lo;
    ctr(start + (uint64_t)(j * VLF), &hi, &lo);
    st->x0.v[j] = x0;
    st->x1.v[j] = i_add(lo, s->k1);
  }
}
JR_AI void tf_stream_next(const tf_sched *s, tf_stream *st, tvi *y0, tvi *y1) {
  tvi x0, x1;
  if (st->run) {
    st->run--;
    x0 = st->x0;
    x1 = st->x1;
    st->x1 = ti_add1(st->x1, i_set1(XLT));
  } else {
    for (int j = 0; j < JR_UT; j++)
      ctr(st->at + (uint64_t)(j * VLF), &x0.v[j], &x1.v[j]);
    x0 = ti_add1(x0, s->k0);
    x1 = ti_add1(x1, s->k1);
  }
  st->at += XLT;
  tf_rounds(s, x0, x1, y0, y1);
}
