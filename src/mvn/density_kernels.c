/* The density solve's portable kernel set (the definition of truth: each
 * fused step is the C library's fma) and the selection of the active set's
 * copy. */
#include <math.h>

#include "mvn/density_kernels.h"

#define JR_DENS_FN jr_dens_solve_ref
#define JR_DENS_W 4
#define JR_DENS_NMA(a, s, y)                                                   \
  for (int j_ = 0; j_ < JR_DENS_W; j_++)                                       \
  (a)[j_] = fma(-(s), (y)[j_], (a)[j_])
#include "mvn/density_body.h"

jr_dens_solve_fn jr_dens_solve_for_active(void) {
  switch (jr_isa_active()) {
#if defined(JR_HAVE_AVX512_DENS)
  case JR_ISA_AVX512: return jr_dens_solve_avx512;
#endif
#if defined(JR_HAVE_AVX2_DENS)
  case JR_ISA_AVX2: return jr_dens_solve_avx2;
#endif
  default: return jr_dens_solve_ref;
  }
}
