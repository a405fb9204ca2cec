/* The density solve (density_body.h) compiled for AVX-512F; this file only
 * gets the AVX-512 flags (no -mfma: the definition has no fused operations). */
#include "mvn/density_kernels.h"

#define JR_DENS_FN jr_dens_solve_avx512
#include "mvn/density_body.h"
