/* The density solve's portable kernel set (the definition of truth) and the
 * selection of the active set's copy. */
#include "mvn/density_kernels.h"

#define JR_DENS_FN jr_dens_solve_ref
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
