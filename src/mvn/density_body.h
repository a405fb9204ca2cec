/* The body of jr_dens_solve_* (density_kernels.h), included once per kernel
 * set with JR_DENS_FN, JR_DENS_W (doubles per vector) and the statement
 * JR_DENS_NMA(a, s, y): a = a - s * y for vectors a, y and a scalar s, one
 * fused rounding per lane.
 * Points go across vector lanes (GNU vector types: every lane is one
 * point's operations in the defined order, so the vector width changes
 * nothing in the result). JR_DENS_R rows are solved together so each y_k
 * loaded serves JR_DENS_R updates, the partial sums held in registers. */

typedef double jr_dens_v __attribute__((vector_size(JR_DENS_W * 8)));
/* Unaligned, aliasing loads and stores (macros: a function passing vectors
 * would change the ABI between the kernel sets' files; memcpy would take
 * the partial sums' addresses and keep them out of registers). */
typedef double jr_dens_vu
    __attribute__((vector_size(JR_DENS_W * 8), aligned(8), may_alias));
#define JR_DENS_LD(v, p) ((v) = *(const jr_dens_vu *)(const void *)(p))
#define JR_DENS_ST(p, v) (*(jr_dens_vu *)(void *)(p) = (v))

#ifndef JR_DENS_R
#define JR_DENS_R 8
#endif

void JR_DENS_FN(int64_t n, const double *L, int64_t count, double *d,
                double *q) {
  enum { B = JR_DENS_BLOCK, W = JR_DENS_W };
  (void)count; /* unused lanes hold zeros that nobody reads */
  int64_t i = 0;
  for (; i + JR_DENS_R <= n; i += JR_DENS_R) {
    const double *l[JR_DENS_R];
    double inv[JR_DENS_R];
    for (int r = 0; r < JR_DENS_R; r++) {
      l[r] = L + (i + r) * n;
      inv[r] = 1.0 / l[r][i + r];
    }
    for (int p = 0; p < B; p += W) {
      jr_dens_v a[JR_DENS_R];
      for (int r = 0; r < JR_DENS_R; r++)
        JR_DENS_LD(a[r], d + (i + r) * B + p);
      for (int64_t k = 0; k < i; k++) {
        jr_dens_v y;
        JR_DENS_LD(y, d + k * B + p);
        for (int r = 0; r < JR_DENS_R; r++)
          JR_DENS_NMA(a[r], l[r][k], y);
      }
      /* the diagonal block, in the same per-row order */
      for (int r = 0; r < JR_DENS_R; r++) {
        for (int c = 0; c < r; c++)
          JR_DENS_NMA(a[r], l[r][i + c], a[c]);
        a[r] = a[r] * inv[r];
      }
      for (int r = 0; r < JR_DENS_R; r++)
        JR_DENS_ST(d + (i + r) * B + p, a[r]);
    }
  }
  for (; i < n; i++) {
    const double *li = L + i * n, inv = 1.0 / li[i];
    for (int p = 0; p < B; p += W) {
      jr_dens_v a, y;
      JR_DENS_LD(a, d + i * B + p);
      for (int64_t k = 0; k < i; k++) {
        JR_DENS_LD(y, d + k * B + p);
        JR_DENS_NMA(a, li[k], y);
      }
      a = a * inv;
      JR_DENS_ST(d + i * B + p, a);
    }
  }
  for (int p = 0; p < B; p += W) {
    jr_dens_v s = {0};
    for (int64_t r = 0; r < n; r++) {
      jr_dens_v y;
      JR_DENS_LD(y, d + r * B + p);
      s = s + y * y;
    }
    JR_DENS_ST(q + p, s);
  }
}
