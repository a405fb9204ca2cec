/* The one selection point of the own linear algebra's kernel sets, and the
 * ref set: the scalar definitions themselves. */
#include "linalg/linalg_kernels.h"

#include "linalg/chol.h"

const jr_linalg_kernels jr_linalg_ref = {
    .isa = JR_ISA_REF,
    .chol_f32 = jr_chol_ref_f32,
    .chol_f64 = jr_chol_ref_f64,
    .chol_batch_f32 = jr_chol_batch_ref_f32,
    .chol_batch_f64 = jr_chol_batch_ref_f64,
    .product = jr_product_ref,
    .product_small = jr_transform_rows};

const jr_linalg_kernels *jr_linalg_for(jr_isa isa) {
  switch (isa) {
#if defined(JR_HAVE_AVX2_LINALG)
  case JR_ISA_AVX2: return &jr_linalg_avx2;
#endif
#if defined(JR_HAVE_AVX512_LINALG)
  case JR_ISA_AVX512: return &jr_linalg_avx512;
#endif
  default: return &jr_linalg_ref;
  }
}
