/* The body of jr_dens_solve_* (density_kernels.h), included once per kernel
 * set with JR_DENS_FN defined. Points go across vector lanes (GNU vector
 * types: every lane is one point's separately rounded products and
 * differences in the defined order, so the vector width changes nothing in
 * the result). JR_DENS_R rows are solved together so each y_k loaded serves
 * JR_DENS_R updates, with the partial sums held in registers. */

typedef double jr_dens_v8 __attribute__((vector_size(64)));

#ifndef JR_DENS_R
#define JR_DENS_R 8
#endif

/* Unaligned loads and stores (macros: a function passing vectors would
 * change the ABI between the kernel sets' files). */
#define JR_DENS_LD(v, p) memcpy(&(v), (p), sizeof(jr_dens_v8))
#define JR_DENS_ST(p, v) memcpy((p), &(v), sizeof(jr_dens_v8))

void JR_DENS_FN(int64_t n, const double *L, int64_t count, double *d,
                double *q) {
  enum { B = JR_DENS_BLOCK };
  (void)count; /* unused lanes hold zeros that nobody reads */
  int64_t i = 0;
  for (; i + JR_DENS_R <= n; i += JR_DENS_R) {
    const double *l[JR_DENS_R];
    for (int r = 0; r < JR_DENS_R; r++)
      l[r] = L + (i + r) * n;
    for (int p = 0; p < B; p += 8) {
      jr_dens_v8 a[JR_DENS_R];
      for (int r = 0; r < JR_DENS_R; r++)
        JR_DENS_LD(a[r], d + (i + r) * B + p);
      for (int64_t k = 0; k < i; k++) {
        jr_dens_v8 y;
        JR_DENS_LD(y, d + k * B + p);
        for (int r = 0; r < JR_DENS_R; r++)
          a[r] = a[r] - l[r][k] * y;
      }
      /* the diagonal block, in the same per-row order */
      for (int r = 0; r < JR_DENS_R; r++) {
        for (int c = 0; c < r; c++)
          a[r] = a[r] - l[r][i + c] * a[c];
        a[r] = a[r] / l[r][i + r];
      }
      for (int r = 0; r < JR_DENS_R; r++)
        JR_DENS_ST(d + (i + r) * B + p, a[r]);
    }
  }
  for (; i < n; i++) {
    const double *li = L + i * n;
    for (int p = 0; p < B; p += 8) {
      jr_dens_v8 a, y;
      JR_DENS_LD(a, d + i * B + p);
      for (int64_t k = 0; k < i; k++) {
        JR_DENS_LD(y, d + k * B + p);
        a = a - li[k] * y;
      }
      a = a / li[i];
      JR_DENS_ST(d + i * B + p, a);
    }
  }
  for (int p = 0; p < B; p += 8) {
    jr_dens_v8 s = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int64_t r = 0; r < n; r++) {
      jr_dens_v8 y;
      JR_DENS_LD(y, d + r * B + p);
      s = s + y * y;
    }
    JR_DENS_ST(q + p, s);
  }
}
