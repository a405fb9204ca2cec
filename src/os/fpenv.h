/* XLA:CPU's floating-point mode (the OS/CPU layer: MXCSR), used by the own
 * linear algebra's SIMD kernels and the uniform's exact path near zero:
 * MXCSR flush-to-zero and denormals-are-zero, round to nearest (what XLA's
 * tsl::port::ScopedFlushDenormal and ScopedSetRound(FE_TONEAREST) set around
 * every computation; docs/linalg.md, "Arithmetic"). The scalar definitions
 * emulate it (math/ftz.h); the vector kernels get it from the hardware,
 * which is also what keeps subnormal operands off the slow microcode path.
 *
 * Scoped narrowly: each linear-algebra entry of a SIMD kernel set sets it
 * on entry and restores it on exit, so other kernels (IEEE references) never
 * run in it. Both functions are out of line on purpose: the kernel's loads
 * and stores (through pointers the calls may see) cannot move across them,
 * so no arithmetic of the kernel runs outside the region. Internal. */
#ifndef JR_OS_FPENV_H
#define JR_OS_FPENV_H

/* Sets FTZ, DAZ and round to nearest; returns the previous MXCSR (0 and no
 * effect off x86, where no SIMD set exists). */
unsigned jr_fpenv_flush_begin(void);
/* Restores the control bits saved by jr_fpenv_flush_begin (the sticky
 * exception flags raised meanwhile are kept). */
void jr_fpenv_flush_end(unsigned saved);

#endif /* JR_OS_FPENV_H */
