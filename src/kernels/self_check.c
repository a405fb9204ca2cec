/* The dispatcher's self-check: before a SIMD kernel set is used, each of its
 * kernels runs on a small fixed batch and must match the portable reference
 * byte for byte. It guards against a miscompiled or untested kernel set (the
 * AVX-512 kernels cannot be run on every development machine) at a cost far
 * below a millisecond, once per process and kernel set. */
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

int jr_kernels_self_check(const jr_kernels *k) {
  const jr_kernels *r = &jr_kernels_ref;
  const jr_key key = {{0x13198A2Eu, 0x03707344u}};
  /* Counter low words that wrap inside a vector: the high word carries. */
  const uint64_t start32 = 0xFFFFFFFFull - 36, start64 = 0x1FFFFFFFFull - 12;
  union {
    uint32_t u32[N_FROM];
    uint64_t u64[N_FROM];
    float f[N_FROM];
    double d[N_FROM];
  } a, b;
  uint32_t bits32[N_FROM];
  uint64_t bits64[N_FROM];

  r->bits32(key, start32, N_BITS, a.u32);
  k->bits32(key, start32, N_BITS, b.u32);
  if (memcmp(a.u32, b.u32, N_BITS * sizeof(uint32_t))) return 0;
  r->bits64(key, start64, N_BITS, a.u64);
  k->bits64(key, start64, N_BITS, b.u64);
  if (memcmp(a.u64, b.u64, N_BITS * sizeof(uint64_t))) return 0;
  r->normal_f32(key, start32, N_NORM, a.f);
  k->normal_f32(key, start32, N_NORM, b.f);
  if (memcmp(a.f, b.f, N_NORM * sizeof(float))) return 0;
  r->normal_f64(key, start64, N_NORM, a.d);
  k->normal_f64(key, start64, N_NORM, b.d);
  if (memcmp(a.d, b.d, N_NORM * sizeof(double))) return 0;

  /* from_bits on the edge patterns followed by reference random bits. */
  const size_t ne32 = sizeof edge32 / sizeof *edge32;
  const size_t ne64 = sizeof edge64 / sizeof *edge64;
  memcpy(bits32, edge32, sizeof edge32);
  r->bits32(key, 0, N_FROM - ne32, bits32 + ne32);
  memcpy(bits64, edge64, sizeof edge64);
  r->bits64(key, 0, N_FROM - ne64, bits64 + ne64);
  r->normal_f32_from_bits(bits32, N_FROM - 3, a.f);
  k->normal_f32_from_bits(bits32, N_FROM - 3, b.f);
  if (memcmp(a.f, b.f, (N_FROM - 3) * sizeof(float))) return 0;
  r->normal_f64_from_bits(bits64, N_FROM - 3, a.d);
  k->normal_f64_from_bits(bits64, N_FROM - 3, b.d);
  if (memcmp(a.d, b.d, (N_FROM - 3) * sizeof(double))) return 0;

  /* 16-bit normals: fused, and from the low halves / bytes of the same words
   * (the edge patterns' low bits include 0, all ones and 0x01FF / 0x0200). */
  uint16_t h16[N_FROM], o16a[N_FROM], o16b[N_FROM];
  uint8_t h8[N_FROM];
  for (size_t i = 0; i < N_FROM; i++) {
    h16[i] = (uint16_t)(bits32[i] ^ (bits32[i] >> 16));
    h8[i] = (uint8_t)(bits32[i] ^ (bits32[i] >> 24));
  }
  r->normal_f16(key, start32, N_NORM, o16a);
  k->normal_f16(key, start32, N_NORM, o16b);
  if (memcmp(o16a, o16b, N_NORM * sizeof(uint16_t))) return 0;
  r->normal_bf16(key, start32, N_NORM, o16a);
  k->normal_bf16(key, start32, N_NORM, o16b);
  if (memcmp(o16a, o16b, N_NORM * sizeof(uint16_t))) return 0;
  r->normal_f16_from_bits(h16, N_FROM - 3, o16a);
  k->normal_f16_from_bits(h16, N_FROM - 3, o16b);
  if (memcmp(o16a, o16b, (N_FROM - 3) * sizeof(uint16_t))) return 0;
  r->normal_bf16_from_bits(h8, N_FROM - 3, o16a);
  k->normal_bf16_from_bits(h8, N_FROM - 3, o16b);
  if (memcmp(o16a, o16b, (N_FROM - 3) * sizeof(uint16_t))) return 0;

  /* uniform: an ordinary range, then lo > hi, fused and from bits. */
  r->uniform_f32(key, start32, N_NORM, -1.5f, 2.25f, a.f);
  k->uniform_f32(key, start32, N_NORM, -1.5f, 2.25f, b.f);
  if (memcmp(a.f, b.f, N_NORM * sizeof(float))) return 0;
  r->uniform_f64(key, start64, N_NORM, -1.5, 2.25, a.d);
  k->uniform_f64(key, start64, N_NORM, -1.5, 2.25, b.d);
  if (memcmp(a.d, b.d, N_NORM * sizeof(double))) return 0;
  r->uniform_f32_from_bits(bits32, N_FROM - 3, 3.0f, -0.75f, a.f);
  k->uniform_f32_from_bits(bits32, N_FROM - 3, 3.0f, -0.75f, b.f);
  if (memcmp(a.f, b.f, (N_FROM - 3) * sizeof(float))) return 0;
  r->uniform_f64_from_bits(bits64, N_FROM - 3, 3.0, -0.75, a.d);
  k->uniform_f64_from_bits(bits64, N_FROM - 3, 3.0, -0.75, b.d);
  if (memcmp(a.d, b.d, (N_FROM - 3) * sizeof(double))) return 0;

  /* 16-bit uniform over [-2.5, 7) (exact in both dtypes), then lo > hi */
  r->uniform_f16(key, start32, N_NORM, -2.5f, 7.0f, o16a);
  k->uniform_f16(key, start32, N_NORM, -2.5f, 7.0f, o16b);
  if (memcmp(o16a, o16b, N_NORM * sizeof(uint16_t))) return 0;
  r->uniform_bf16(key, start32, N_NORM, -2.5f, 7.0f, o16a);
  k->uniform_bf16(key, start32, N_NORM, -2.5f, 7.0f, o16b);
  if (memcmp(o16a, o16b, N_NORM * sizeof(uint16_t))) return 0;
  r->uniform_f16_from_bits(h16, N_FROM - 3, 3.0f, -0.75f, o16a);
  k->uniform_f16_from_bits(h16, N_FROM - 3, 3.0f, -0.75f, o16b);
  if (memcmp(o16a, o16b, (N_FROM - 3) * sizeof(uint16_t))) return 0;
  r->uniform_bf16_from_bits(h8, N_FROM - 3, 3.0f, -0.75f, o16a);
  k->uniform_bf16_from_bits(h8, N_FROM - 3, 3.0f, -0.75f, o16b);
  if (memcmp(o16a, o16b, (N_FROM - 3) * sizeof(uint16_t))) return 0;

  /* legacy pairs: both counters wrap 2^32 inside the batch */
  r->legacy_pairs(key, 0xFFFFFFFFu - 36, 0xFFFFFFFFu - 5, N_BITS, a.u32,
                  a.u32 + N_BITS);
  k->legacy_pairs(key, 0xFFFFFFFFu - 36, 0xFFFFFFFFu - 5, N_BITS, b.u32,
                  b.u32 + N_BITS);
  if (memcmp(a.u32, b.u32, 2 * N_BITS * sizeof(uint32_t))) return 0;
  return 1;
}
