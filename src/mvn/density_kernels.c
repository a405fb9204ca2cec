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

/* Point by point: x read in its order (the prefetcher streams it), the
 * block's columns written. */
void jr_dens_gather_ref(int64_t n, int cnt, const double *const *x,
                        const double *const *m, double *d) {
  enum { B = JR_DENS_BLOCK };
  for (int k = 0; k < cnt; k++) {
    const double *xr = x[k], *mr = m[k];
    for (int64_t i = 0; i < n; i++)
      d[i * B + k] = xr[i] - mr[i];
  }
  for (int64_t i = 0; i < n; i++) /* unused lanes: defined values */
    for (int k = cnt; k < B; k++)
      d[i * B + k] = 0.0;
}

jr_dens_gather_fn jr_dens_gather_for_active(void) {
#if defined(JR_HAVE_AVX512_DENS)
  if (jr_isa_active() == JR_ISA_AVX512) return jr_dens_gather_avx512;
#endif
  return jr_dens_gather_ref;
}

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
