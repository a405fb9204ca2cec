/* The body of jr_dens_solve_* (density_kernels.h), included once per kernel
 * set with JR_DENS_FN, JR_DENS_W (doubles per vector) and the statement
 * JR_DENS_NMA(a, s, y): a = a - s * y for vectors a, y and a scalar s, one
 * fused rounding per lane.
 * Points go across vector lanes (GNU vector types: every lane is one
 * point's operations in the defined order, so the vector width changes
 * nothing in the result). Register tiles of JR_DENS_R rows by JR_DENS_G
 * vectors of points: each y_k loaded serves JR_DENS_R updates and each L_ik
 * broadcast JR_DENS_G, so the loads (not the fused steps) stop being the
 * limit. Every row's steps stay in the defined order whatever the tile. */

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
#ifndef JR_DENS_G
#define JR_DENS_G 1
#endif

void JR_DENS_FN(int64_t n, const double *L, int64_t count, double *d,
                double *q) {
  enum { B = JR_DENS_BLOCK, W = JR_DENS_W, R = JR_DENS_R, G = JR_DENS_G };
  _Static_assert(B % (W * G) == 0, "a block is whole tiles of points");
  (void)count; /* unused lanes hold zeros that nobody reads */
  int64_t i = 0;
  for (; i + R <= n; i += R) {
    const double *l[R];
    double inv[R];
    for (int r = 0; r < R; r++) {
      l[r] = L + (i + r) * n;
      inv[r] = 1.0 / l[r][i + r];
    }
    for (int p = 0; p < B; p += W * G) {
      jr_dens_v a[R][G];
      for (int r = 0; r < R; r++)
        for (int g = 0; g < G; g++)
          JR_DENS_LD(a[r][g], d + (i + r) * B + p + g * W);
      for (int64_t k = 0; k < i; k++) {
        jr_dens_v y[G];
        for (int g = 0; g < G; g++)
          JR_DENS_LD(y[g], d + k * B + p + g * W);
        for (int r = 0; r < R; r++) {
          const double s = l[r][k];
          for (int g = 0; g < G; g++)
            JR_DENS_NMA(a[r][g], s, y[g]);
        }
      }
      /* the diagonal block, in the same per-row order */
      for (int r = 0; r < R; r++) {
        for (int c = 0; c < r; c++)
          for (int g = 0; g < G; g++)
            JR_DENS_NMA(a[r][g], l[r][i + c], a[c][g]);
        for (int g = 0; g < G; g++)
          a[r][g] = a[r][g] * inv[r];
      }
      for (int r = 0; r < R; r++)
        for (int g = 0; g < G; g++)
          JR_DENS_ST(d + (i + r) * B + p + g * W, a[r][g]);
    }
  }
  for (; i < n; i++) {
    const double *li = L + i * n, inv = 1.0 / li[i];
    for (int p = 0; p < B; p += W * G) {
      jr_dens_v a[G], y;
      for (int g = 0; g < G; g++)
        JR_DENS_LD(a[g], d + i * B + p + g * W);
      for (int64_t k = 0; k < i; k++)
        for (int g = 0; g < G; g++) {
          JR_DENS_LD(y, d + k * B + p + g * W);
          JR_DENS_NMA(a[g], li[k], y);
        }
      for (int g = 0; g < G; g++) {
        a[g] = a[g] * inv;
        JR_DENS_ST(d + i * B + p + g * W, a[g]);
      }
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
