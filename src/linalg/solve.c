/* The own mean + U^-1 z triangular solve: the packed layout, the scalar
 * definition of truth (jr_solve_ref) and the entry point that runs the
 * active kernel set. The order is written down in solve.h and
 * docs/linalg.md. */
#include "linalg/solve.h"

#include <math.h>

size_t jr_solve_scratch_bytes(jr_dtype dtype, int64_t n) {
  return (jr_dtype_size(dtype) * JR_SOLVE_CHUNK * (size_t)n + 63) / 64 * 64;
}

#define JR_DEFINE_SOLVE_REF(X, T, FMA)                                         \
  static void jr_solve_pack_##X(int64_t n, const T *l, int64_t ldl,            \
                                T *packed) {                                   \
    for (int64_t i = 0; i < n; i++)                                            \
      for (int64_t j = i; j < n; j++)                                          \
        packed[jr_solve_row_off(n, i) + j - i] = l[j * ldl + i];               \
  }                                                                            \
  /* One row: w in out, then the mean added (out does not overlap mean). */    \
  static void jr_solve_row_##X(int64_t n, const T *u, const T *z,              \
                               const T *mean, T *out) {                        \
    for (int64_t i = n - 1; i >= 0; i--) {                                     \
      const T *ui = u + jr_solve_row_off(n, i) - i; /* ui[j] = U[i][j] */      \
      T t = z[i];                                                              \
      for (int64_t j = n - 1; j > i; j--)                                      \
        t = FMA(-ui[j], out[j], t);                                            \
      out[i] = t / ui[i];                                                      \
    }                                                                          \
    for (int64_t i = 0; i < n; i++) {                                          \
      const T y = mean[i] + out[i];                                            \
      out[i] = y == y ? y : jr_solve_nan_##X();                                \
    }                                                                          \
  }
JR_DEFINE_SOLVE_REF(f32, float, fmaf)
JR_DEFINE_SOLVE_REF(f64, double, fma)

void jr_solve_pack(jr_dtype dtype, int64_t n, const void *lower, int64_t ldl,
                   void *packed) {
  if (dtype == JR_FLOAT32)
    jr_solve_pack_f32(n, lower, ldl, packed);
  else
    jr_solve_pack_f64(n, lower, ldl, packed);
}

int jr_solve_ref(const jr_solve_args *a) {
  const int64_t n = a->n;
  for (int64_t r = 0; r < a->rows; r++) {
    if (a->dtype == JR_FLOAT32)
      jr_solve_row_f32(n, a->packed, (const float *)a->z + r * n,
                       (const float *)a->mean + r * a->mean_stride,
                       (float *)a->out + r * n);
    else
      jr_solve_row_f64(n, a->packed, (const double *)a->z + r * n,
                       (const double *)a->mean + r * a->mean_stride,
                       (double *)a->out + r * n);
  }
  return 0;
}

jr_status jr_solve(const jr_solve_args *args) {
  if (args->n <= 0 || args->rows <= 0) return JR_OK;
  const jr_kernels *k;
  jr_status st = jr_kernels_get_linalg(&k);
  if (st != JR_OK) return st;
  if (k->solve(args) != 0)
    return jr_fail(JR_E_OUT_OF_MEMORY,
                   "cannot allocate the scratch of a triangular solve with "
                   "n = %lld",
                   (long long)args->n);
  return JR_OK;
}
