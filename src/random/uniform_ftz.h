/* uniform under XLA:CPU's flush-to-zero / denormals-are-zero arithmetic, for
 * the bounds whose arithmetic can meet a subnormal (docs/algorithm.md 6,
 * "Bounds near zero"). Scalar, the same for every kernel set. Internal. */
#ifndef JR_RANDOM_UNIFORM_FTZ_H
#define JR_RANDOM_UNIFORM_FTZ_H

#include <stddef.h>
#include <stdint.h>

/* 1 when some draw's arithmetic can meet a subnormal operand or a tiny
 * result (then FTZ/DAZ can change it and the jr_uniform_ftz_* path is
 * needed); 0 when the IEEE kernels give XLA:CPU's bytes. lo, hi: the bounds
 * in the dtype (float16/bfloat16 ones rounded, held in a float). NaN bounds
 * answer 0 (no subnormal arises: the kernels' NaN handling applies). */
int jr_uniform_ftz_needed_f32(float lo, float hi);
int jr_uniform_ftz_needed_f64(double lo, double hi);
int jr_uniform_ftz_needed_bf16(float lo, float hi);

/* max(lo, fma(f, hi - lo, lo)) as XLA:CPU computes it with MXCSR FTZ|DAZ
 * (bits as the kernels uniform_*_from_bits take them). float16 needs no such
 * path: its arithmetic never meets a float32 subnormal and the float16
 * conversions ignore FTZ/DAZ. */
void jr_uniform_ftz_f32(const uint32_t *bits, size_t n, float lo, float hi,
                        float *out);
void jr_uniform_ftz_f64(const uint64_t *bits, size_t n, double lo, double hi,
                        double *out);
void jr_uniform_ftz_bf16(const uint8_t *bits, size_t n, float lo, float hi,
                         uint16_t *out);

#endif /* JR_RANDOM_UNIFORM_FTZ_H */
