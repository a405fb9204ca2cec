/* The body of jr_dens_solve_* (density_kernels.h), included once per kernel
 * set with JR_DENS_FN defined: plain C that the compiler vectorizes across
 * the points of a block. Every point sees the same separately rounded
 * products and differences in the same order, so the lanes' width changes
 * nothing in the result. Rows are taken four at a time so each y_k loaded
 * serves four updates (the loads, not the arithmetic, bound this loop). */

void JR_DENS_FN(int64_t n, const double *L, int64_t count, double *d,
                double *q) {
  enum { B = JR_DENS_BLOCK };
  (void)count; /* unused lanes hold finite junk that nobody reads */
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    double *d0 = d + i * B, *d1 = d0 + B, *d2 = d1 + B, *d3 = d2 + B;
    const double *l0 = L + i * n, *l1 = l0 + n, *l2 = l1 + n, *l3 = l2 + n;
    for (int64_t k = 0; k < i; k++) {
      const double *y = d + k * B;
      const double a0 = l0[k], a1 = l1[k], a2 = l2[k], a3 = l3[k];
      for (int p = 0; p < B; p++) {
        const double yk = y[p];
        d0[p] = d0[p] - a0 * yk;
        d1[p] = d1[p] - a1 * yk;
        d2[p] = d2[p] - a2 * yk;
        d3[p] = d3[p] - a3 * yk;
      }
    }
    /* the 4 x 4 diagonal block, in the same per-row order */
    const double p00 = l0[i];
    const double p10 = l1[i], p11 = l1[i + 1];
    const double p20 = l2[i], p21 = l2[i + 1], p22 = l2[i + 2];
    const double p30 = l3[i], p31 = l3[i + 1], p32 = l3[i + 2],
                 p33 = l3[i + 3];
    for (int p = 0; p < B; p++) {
      const double y0 = d0[p] / p00;
      const double y1 = (d1[p] - p10 * y0) / p11;
      const double y2 = (d2[p] - p20 * y0 - p21 * y1) / p22;
      const double y3 = (d3[p] - p30 * y0 - p31 * y1 - p32 * y2) / p33;
      d0[p] = y0;
      d1[p] = y1;
      d2[p] = y2;
      d3[p] = y3;
    }
  }
  for (; i < n; i++) {
    double *di = d + i * B;
    const double *li = L + i * n;
    for (int64_t k = 0; k < i; k++) {
      const double *y = d + k * B;
      const double a = li[k];
      for (int p = 0; p < B; p++) di[p] = di[p] - a * y[p];
    }
    const double piv = li[i];
    for (int p = 0; p < B; p++) di[p] = di[p] / piv;
  }
  for (int p = 0; p < B; p++) q[p] = 0.0;
  for (int64_t r = 0; r < n; r++) {
    const double *y = d + r * B;
    for (int p = 0; p < B; p++) q[p] = q[p] + y[p] * y[p];
  }
}
