/* The dispatcher's self-check (src/kernels/self_check.c) in process CPU
 * time, per vector kernel set and per group: the generation group, which
 * every process that uses a kernel pays, and the linear-algebra group,
 * which only a process that uses the linear algebra pays (dispatch.c).
 * Best and mean of 30 runs each. */
#include <stdio.h>
#include <time.h>

#define BENCH_NAME "bench_selfcheck"
#include "bench_util.h"
#include "internal.h"
#include "kernels/kernels_simd.h"

int main(void) {
  enum { RUNS = 30 };
  const jr_kernels *sets[2] = {NULL, NULL};
#if defined(JR_HAVE_AVX2)
  if (jr_isa_supported(JR_ISA_AVX2)) sets[0] = &jr_kernels_avx2;
#endif
#if defined(JR_HAVE_AVX512)
  if (jr_isa_supported(JR_ISA_AVX512)) sets[1] = &jr_kernels_avx512;
#endif
  static const char *const group_name[2] = {"generation", "linear algebra"};
  printf("%-7s %-15s %10s %10s\n", "isa", "group", "best ms", "mean ms");
  for (int s = 0; s < 2; s++) {
    if (!sets[s]) continue;
    for (int g = JR_KGROUP_GEN; g <= JR_KGROUP_LINALG; g++) {
      double best = 1e30, sum = 0;
      for (int r = 0; r < RUNS; r++) {
        const double t0 = bench_cpu_now();
        const char *bad =
            jr_kernels_self_check_group_failure(sets[s], (jr_kernel_group)g);
        const double t = bench_cpu_now() - t0;
        if (bad) {
          printf("%s: self-check fails in %s\n", jr_isa_name(sets[s]->isa),
                 bad);
          return 1;
        }
        sum += t;
        if (t < best) best = t;
      }
      printf("%-7s %-15s %10.3f %10.3f\n", jr_isa_name(sets[s]->isa),
             group_name[g], 1e3 * best, 1e3 * sum / RUNS);
    }
  }
  return 0;
}
