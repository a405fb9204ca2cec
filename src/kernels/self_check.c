/* The dispatcher's self-check: before a SIMD kernel set is used, each of its
 * kernels runs on a small fixed batch and must match the portable reference
 * byte for byte. It guards against a miscompiled or untested kernel set (the
 * AVX-512 kernels cannot be run on every development machine) at a cost far
 * below a millisecond, once per process and kernel set. There is one check
 * per entry of kernel_list.h (sc_<name>), run in the list's order. */
#include <string.h>

#include "internal.h"
#include "kernels/kernels_simd.h"

enum { N_BITS = 77, N_NORM = 517, N_FROM = 1024 };

/* Bit patterns at the edges of the transforms: zero, all ones, only the
 * discarded low bits, the smallest and largest mantissas of either sign of
 * u, and the middle. */
static const uint32_t edge32[] = {
    0u,          0xFFFFFFFFu, 0x000001FFu, 0x00000200u, 0x7FFFFFFFu,
    0x80000000u, 0x7FFFFE00u, 0x80000200u, 0xFFFFFE00u, 0x3F800000u};
static const uint64_t edge64[] = {0ull,
                                  ~0ull,
                                  0xFFFull,
                                  0x1000ull,
                                  0x7FFFFFFFFFFFFFFFull,
                                  0x8000000000000000ull,
                                  0x7FFFFFFFFFFFF000ull,
                                  0x8000000000001000ull,
                                  0xFFFFFFFFFFFFF000ull,
                                  0x3FF0000000000000ull};

/* The inputs every check shares: the key, counter starts whose low words
 * wrap inside a vector (the high word carries), and from_bits inputs (the
 * edge patterns followed by reference random bits; for float16 / bfloat16
 * the same words folded to 16 / 8 bits, whose low bits then include 0, all
 * ones and 0x01FF / 0x0200). */
typedef struct {
  jr_key key;
  uint64_t start32, start64;
  uint32_t bits32[N_FROM];
  uint64_t bits64[N_FROM];
  uint16_t h16[N_FROM];
  uint8_t h8[N_FROM];
} sc_in;

/* One check per kernel; a list entry without one does not link. */
#define SC_DECLARE(name, params)                                               \
  static int sc_##name(const jr_kernels *r, const jr_kernels *k,               \
                       const sc_in *in);
JR_KERNEL_LIST(SC_DECLARE)
#undef SC_DECLARE

/* Runs slot `call` of both tables into buffers of element type T and
 * compares the first n elements. */
#define SC_SAME(T, n, call_r, call_k)                                          \
  do {                                                                         \
    T a_[N_FROM], b_[N_FROM];                                                  \
    T *out = a_;                                                               \
    call_r;                                                                    \
    out = b_;                                                                  \
    call_k;                                                                    \
    return memcmp(a_, b_, (n) * sizeof(T)) == 0;                               \
  } while (0)

static int sc_bits32(const jr_kernels *r, const jr_kernels *k,
                     const sc_in *in) {
  SC_SAME(uint32_t, N_BITS, r->bits32(in->key, in->start32, N_BITS, out),
          k->bits32(in->key, in->start32, N_BITS, out));
}
static int sc_bits64(const jr_kernels *r, const jr_kernels *k,
                     const sc_in *in) {
  SC_SAME(uint64_t, N_BITS, r->bits64(in->key, in->start64, N_BITS, out),
          k->bits64(in->key, in->start64, N_BITS, out));
}
static int sc_normal_f32(const jr_kernels *r, const jr_kernels *k,
                         const sc_in *in) {
  SC_SAME(float, N_NORM, r->normal_f32(in->key, in->start32, N_NORM, out),
          k->normal_f32(in->key, in->start32, N_NORM, out));
}
static int sc_normal_f64(const jr_kernels *r, const jr_kernels *k,
                         const sc_in *in) {
  SC_SAME(double, N_NORM, r->normal_f64(in->key, in->start64, N_NORM, out),
          k->normal_f64(in->key, in->start64, N_NORM, out));
}
static int sc_normal_f32_from_bits(const jr_kernels *r, const jr_kernels *k,
                                   const sc_in *in) {
  SC_SAME(float, N_FROM - 3,
          r->normal_f32_from_bits(in->bits32, N_FROM - 3, out),
          k->normal_f32_from_bits(in->bits32, N_FROM - 3, out));
}
static int sc_normal_f64_from_bits(const jr_kernels *r, const jr_kernels *k,
                                   const sc_in *in) {
  SC_SAME(double, N_FROM - 3,
          r->normal_f64_from_bits(in->bits64, N_FROM - 3, out),
          k->normal_f64_from_bits(in->bits64, N_FROM - 3, out));
}
static int sc_normal_f16(const jr_kernels *r, const jr_kernels *k,
                         const sc_in *in) {
  SC_SAME(uint16_t, N_NORM, r->normal_f16(in->key, in->start32, N_NORM, out),
          k->normal_f16(in->key, in->start32, N_NORM, out));
}
static int sc_normal_bf16(const jr_kernels *r, const jr_kernels *k,
                          const sc_in *in) {
  SC_SAME(uint16_t, N_NORM, r->normal_bf16(in->key, in->start32, N_NORM, out),
          k->normal_bf16(in->key, in->start32, N_NORM, out));
}
static int sc_normal_f16_from_bits(const jr_kernels *r, const jr_kernels *k,
                                   const sc_in *in) {
  SC_SAME(uint16_t, N_FROM - 3,
          r->normal_f16_from_bits(in->h16, N_FROM - 3, out),
          k->normal_f16_from_bits(in->h16, N_FROM - 3, out));
}
static int sc_normal_bf16_from_bits(const jr_kernels *r, const jr_kernels *k,
                                    const sc_in *in) {
  SC_SAME(uint16_t, N_FROM - 3,
          r->normal_bf16_from_bits(in->h8, N_FROM - 3, out),
          k->normal_bf16_from_bits(in->h8, N_FROM - 3, out));
}

/* uniform: an ordinary range fused, lo > hi from bits. */
static int sc_uniform_f32(const jr_kernels *r, const jr_kernels *k,
                          const sc_in *in) {
  SC_SAME(float, N_NORM,
          r->uniform_f32(in->key, in->start32, N_NORM, -1.5f, 2.25f, out),
          k->uniform_f32(in->key, in->start32, N_NORM, -1.5f, 2.25f, out));
}
static int sc_uniform_f64(const jr_kernels *r, const jr_kernels *k,
                          const sc_in *in) {
  SC_SAME(double, N_NORM,
          r->uniform_f64(in->key, in->start64, N_NORM, -1.5, 2.25, out),
          k->uniform_f64(in->key, in->start64, N_NORM, -1.5, 2.25, out));
}
static int sc_uniform_f32_from_bits(const jr_kernels *r, const jr_kernels *k,
                                    const sc_in *in) {
  SC_SAME(float, N_FROM - 3,
          r->uniform_f32_from_bits(in->bits32, N_FROM - 3, 3.0f, -0.75f, out),
          k->uniform_f32_from_bits(in->bits32, N_FROM - 3, 3.0f, -0.75f, out));
}
static int sc_uniform_f64_from_bits(const jr_kernels *r, const jr_kernels *k,
                                    const sc_in *in) {
  SC_SAME(double, N_FROM - 3,
          r->uniform_f64_from_bits(in->bits64, N_FROM - 3, 3.0, -0.75, out),
          k->uniform_f64_from_bits(in->bits64, N_FROM - 3, 3.0, -0.75, out));
}

/* legacy pairs: both counters wrap 2^32 inside the batch */
static int sc_legacy_pairs(const jr_kernels *r, const jr_kernels *k,
                           const sc_in *in) {
  SC_SAME(uint32_t, 2 * N_BITS,
          r->legacy_pairs(in->key, 0xFFFFFFFFu - 36, 0xFFFFFFFFu - 5, N_BITS,
                          out, out + N_BITS),
          k->legacy_pairs(in->key, 0xFFFFFFFFu - 36, 0xFFFFFFFFu - 5, N_BITS,
                          out, out + N_BITS));
}

/* 16-bit uniform over [-2.5, 7) (exact in both dtypes), then lo > hi */
static int sc_uniform_f16(const jr_kernels *r, const jr_kernels *k,
                          const sc_in *in) {
  SC_SAME(uint16_t, N_NORM,
          r->uniform_f16(in->key, in->start32, N_NORM, -2.5f, 7.0f, out),
          k->uniform_f16(in->key, in->start32, N_NORM, -2.5f, 7.0f, out));
}
static int sc_uniform_bf16(const jr_kernels *r, const jr_kernels *k,
                           const sc_in *in) {
  SC_SAME(uint16_t, N_NORM,
          r->uniform_bf16(in->key, in->start32, N_NORM, -2.5f, 7.0f, out),
          k->uniform_bf16(in->key, in->start32, N_NORM, -2.5f, 7.0f, out));
}
static int sc_uniform_f16_from_bits(const jr_kernels *r, const jr_kernels *k,
                                    const sc_in *in) {
  SC_SAME(uint16_t, N_FROM - 3,
          r->uniform_f16_from_bits(in->h16, N_FROM - 3, 3.0f, -0.75f, out),
          k->uniform_f16_from_bits(in->h16, N_FROM - 3, 3.0f, -0.75f, out));
}
static int sc_uniform_bf16_from_bits(const jr_kernels *r, const jr_kernels *k,
                                     const sc_in *in) {
  SC_SAME(uint16_t, N_FROM - 3,
          r->uniform_bf16_from_bits(in->h8, N_FROM - 3, 3.0f, -0.75f, out),
          k->uniform_bf16_from_bits(in->h8, N_FROM - 3, 3.0f, -0.75f, out));
}

/* float64 normals with XLA's 2026-08 log1p: about 10% of the random
 * elements fall in its changed range. */
static int sc_normal_f64_2608(const jr_kernels *r, const jr_kernels *k,
                              const sc_in *in) {
  SC_SAME(double, N_NORM, r->normal_f64_2608(in->key, in->start64, N_NORM, out),
          k->normal_f64_2608(in->key, in->start64, N_NORM, out));
}
static int sc_normal_f64_2608_from_bits(const jr_kernels *r,
                                        const jr_kernels *k, const sc_in *in) {
  SC_SAME(double, N_FROM - 3,
          r->normal_f64_2608_from_bits(in->bits64, N_FROM - 3, out),
          k->normal_f64_2608_from_bits(in->bits64, N_FROM - 3, out));
}

int jr_kernels_self_check(const jr_kernels *k) {
  const jr_kernels *r = &jr_kernels_ref;
  static const size_t ne32 = sizeof edge32 / sizeof *edge32;
  static const size_t ne64 = sizeof edge64 / sizeof *edge64;
  sc_in in;
  in.key = (jr_key){{0x13198A2Eu, 0x03707344u}};
  in.start32 = 0xFFFFFFFFull - 36;
  in.start64 = 0x1FFFFFFFFull - 12;
  memcpy(in.bits32, edge32, sizeof edge32);
  r->bits32(in.key, 0, N_FROM - ne32, in.bits32 + ne32);
  memcpy(in.bits64, edge64, sizeof edge64);
  r->bits64(in.key, 0, N_FROM - ne64, in.bits64 + ne64);
  for (size_t i = 0; i < N_FROM; i++) {
    in.h16[i] = (uint16_t)(in.bits32[i] ^ (in.bits32[i] >> 16));
    in.h8[i] = (uint8_t)(in.bits32[i] ^ (in.bits32[i] >> 24));
  }
#define SC_RUN(name, params)                                                   \
  if (!sc_##name(r, k, &in)) return 0;
  JR_KERNEL_LIST(SC_RUN)
#undef SC_RUN
  return 1;
}
