/* The density solve (density_body.h) compiled for AVX2; this file only gets
 * -mavx2 (no -mfma: the definition has no fused operations). */
#include "mvn/density_kernels.h"

#define JR_DENS_FN jr_dens_solve_avx2
#include "mvn/density_body.h"
