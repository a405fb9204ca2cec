/* MXCSR's FTZ / DAZ around the own linear algebra's SIMD kernels (see
 * fpenv.h). Compiled without any SIMD flag: SSE's MXCSR access is part of
 * the x86-64 baseline. */
#include "os/fpenv.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <xmmintrin.h>

enum {
  JR_MXCSR_FLAGS = 0x3F, /* sticky exception flags */
  JR_MXCSR_DAZ = 0x40,   /* denormals are zero */
  JR_MXCSR_RC = 0x6000,  /* rounding control (00: to nearest) */
  JR_MXCSR_FTZ = 0x8000, /* flush to zero */
};

#if defined(__GNUC__)
#define JR_NOINLINE __attribute__((noinline))
#else
#define JR_NOINLINE
#endif

/* The empty asm with a memory clobber makes each function one that may
 * read and write any memory, even to whole-program analysis, so no load
 * or store of the caller moves across the call. */
JR_NOINLINE unsigned jr_fpenv_flush_begin(void) {
  const unsigned saved = _mm_getcsr();
  _mm_setcsr((saved & ~(unsigned)JR_MXCSR_RC) | JR_MXCSR_DAZ | JR_MXCSR_FTZ);
  __asm__ volatile("" ::: "memory");
  return saved;
}

JR_NOINLINE void jr_fpenv_flush_end(unsigned saved) {
  __asm__ volatile("" ::: "memory");
  _mm_setcsr((saved & ~(unsigned)JR_MXCSR_FLAGS) |
             (_mm_getcsr() & JR_MXCSR_FLAGS));
}
#else
unsigned jr_fpenv_flush_begin(void) {
  return 0;
}
void jr_fpenv_flush_end(unsigned saved) {
  (void)saved;
}
#endif
