/* Test-only (-DJR_EMULATE_AVX512=ON): kernels_avx512.c compiled against
 * SIMDe, which implements the _mm512_* intrinsics with AVX2 + FMA (and
 * scalar code), so the AVX-512 kernel set runs and is tested on CPUs without
 * AVX-512. Never part of a release build. It proves the kernel logic and the
 * intrinsics' semantics as SIMDe implements them, not timing or encodings.
 *
 * SIMDe 0.7.4 (Debian bookworm) lacks five intrinsics the file uses; they
 * are defined here lane by lane, as Intel's pseudo-code states them (the
 * #undef keeps a later SIMDe that has them from clashing). An intrinsic left
 * to the compiler's own AVX-512 version fails to compile (target mismatch),
 * so none can slip through unemulated. */
#ifndef JR_AVX512_SIMDE_H
#define JR_AVX512_SIMDE_H

#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#include <stdint.h>
#include <string.h>

#if !defined(__AVX2__) || !defined(__FMA__)
/* Without them SIMDe's fmadd falls back to an unfused a * b + c. */
#error "the AVX-512 emulation needs -mavx2 -mfma"
#endif

/* vpcmpud (LT): bit l set when a[l] < b[l] as unsigned 32-bit integers. */
static inline __mmask16 jr_emu_cmplt_epu32_mask(__m512i a, __m512i b) {
  uint32_t x[16], y[16];
  memcpy(x, &a, sizeof x);
  memcpy(y, &b, sizeof y);
  unsigned m = 0;
  for (int l = 0; l < 16; l++)
    m |= (unsigned)(x[l] < y[l]) << l;
  return (__mmask16)m;
}
#undef _mm512_cmplt_epu32_mask
#define _mm512_cmplt_epu32_mask jr_emu_cmplt_epu32_mask

/* vcvtdq2ps: int32 to float32, rounded to nearest even (MXCSR default). */
static inline __m512 jr_emu_cvtepi32_ps(__m512i a) {
  int32_t x[16];
  float r[16];
  memcpy(x, &a, sizeof x);
  for (int l = 0; l < 16; l++)
    r[l] = (float)x[l];
  __m512 v;
  memcpy(&v, r, sizeof v);
  return v;
}
#undef _mm512_cvtepi32_ps
#define _mm512_cvtepi32_ps jr_emu_cvtepi32_ps

/* vgatherqpd: lane l loads the double at (char *)base + ix[l] * scale. */
static inline __m512d jr_emu_i64gather_pd(__m512i ix, const void *base,
                                          int scale) {
  int64_t j[8];
  double r[8];
  memcpy(j, &ix, sizeof j);
  for (int l = 0; l < 8; l++)
    memcpy(&r[l], (const char *)base + j[l] * scale, sizeof r[l]);
  __m512d v;
  memcpy(&v, r, sizeof v);
  return v;
}
#undef _mm512_i64gather_pd
#define _mm512_i64gather_pd jr_emu_i64gather_pd

/* vexpandpd / vexpandps (merge-masking): lane l takes the next element of
 * a, from the lowest, where bit l of k is set, and src[l] elsewhere; on
 * `lanes` elements of `size` bytes. */
static inline void jr_emu_mask_expand(void *src, unsigned k, const void *a,
                                      int lanes, size_t size) {
  for (int l = 0, n = 0; l < lanes; l++)
    if (k >> l & 1u)
      memcpy((char *)src + (size_t)l * size,
             (const char *)a + (size_t)(n++) * size, size);
}
static inline __m512d jr_emu_mask_expand_pd(__m512d src, __mmask8 k,
                                            __m512d a) {
  jr_emu_mask_expand(&src, k, &a, 8, sizeof(double));
  return src;
}
#undef _mm512_mask_expand_pd
#define _mm512_mask_expand_pd jr_emu_mask_expand_pd
static inline __m512 jr_emu_mask_expand_ps(__m512 src, __mmask16 k, __m512 a) {
  jr_emu_mask_expand(&src, k, &a, 16, sizeof(float));
  return src;
}
#undef _mm512_mask_expand_ps
#define _mm512_mask_expand_ps jr_emu_mask_expand_ps

#endif /* JR_AVX512_SIMDE_H */
