/* SIMD body, part 1: groups of JR_U vectors (xvi, xvf, xvd and their
 * masks) and the group-wide forms of the ISA's primitives. */
#ifndef JR_SIMD_BODY
#error "included by simd_body.h only"
#endif

/* ---- U vectors at a time. The math below works on groups of JR_U vectors
 * (xf, xd, xi): each operation is applied to every vector of the group in
 * turn, so after inlining the instruction stream interleaves JR_U independent
 * dependency chains (Horner steps, divisions, square roots), which hides
 * their latency. Purely a scheduling device: lanes never interact. */
#ifndef JR_U
#define JR_U 2
#endif
#define XLF (VLF * JR_U)               /* float32 lanes per group */
#define XLD (VLD * JR_U)               /* float64 lanes per group */
#define JR_XLD_ALL (~0u >> (32 - XLD)) /* one bit per lane of a group */
#define JR_AI static inline __attribute__((always_inline))
/* Horner loops fully unrolled: the loop overhead would otherwise fill the
 * out-of-order window that overlaps independent chains. */
#if defined(__clang__)
#define JR_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define JR_UNROLL _Pragma("GCC unroll 32")
#else
#define JR_UNROLL
#endif
typedef struct {
  vi v[JR_U];
} xvi;
typedef struct {
  vf v[JR_U];
} xvf;
typedef struct {
  vd v[JR_U];
} xvd;
typedef struct {
  mf v[JR_U];
} xmf;
typedef struct {
  md v[JR_U];
} xmd;
#define JR_X0(R, name, T, f)                                                   \
  JR_AI R name(T c) {                                                          \
    R r;                                                                       \
    for (int j = 0; j < JR_U; j++)                                             \
      r.v[j] = f(c);                                                           \
    return r;                                                                  \
  }
#define JR_X1(R, name, T, f)                                                   \
  JR_AI R name(T a) {                                                          \
    R r;                                                                       \
    for (int j = 0; j < JR_U; j++)                                             \
      r.v[j] = f(a.v[j]);                                                      \
    return r;                                                                  \
  }
#define JR_X2(R, name, T1, T2, f)                                              \
  JR_AI R name(T1 a, T2 b) {                                                   \
    R r;                                                                       \
    for (int j = 0; j < JR_U; j++)                                             \
      r.v[j] = f(a.v[j], b.v[j]);                                              \
    return r;                                                                  \
  }
#define JR_X3(R, name, T1, T2, T3, f)                                          \
  JR_AI R name(T1 a, T2 b, T3 c) {                                             \
    R r;                                                                       \
    for (int j = 0; j < JR_U; j++)                                             \
      r.v[j] = f(a.v[j], b.v[j], c.v[j]);                                      \
    return r;                                                                  \
  }
JR_X0(xvi, xi_set1, uint32_t, i_set1)
JR_X0(xvi, xi_set1_64, uint64_t, i_set1_64)
JR_X2(xvi, xi_sub, xvi, xvi, i_sub)
JR_X2(xvi, xi_and, xvi, xvi, i_and)
JR_X2(xvi, xi_or, xvi, xvi, i_or)
JR_AI vi i_srl9(vi a) {
  return I_SRL(a, 9);
}
JR_AI vi i_srl23(vi a) {
  return I_SRL(a, 23);
}
JR_AI vi i_srl64_12(vi a) {
  return I_SRL64(a, 12);
}
JR_X1(xvi, xi_srl9, xvi, i_srl9)
JR_X1(xvi, xi_srl23, xvi, i_srl23)
JR_X1(xvi, xi_srl64_12, xvi, i_srl64_12)
JR_X0(xvf, xf_set1, float, f_set1)
JR_X2(xvf, xf_add, xvf, xvf, f_add)
JR_X2(xvf, xf_sub, xvf, xvf, f_sub)
JR_X2(xvf, xf_mul, xvf, xvf, f_mul)
JR_X2(xvf, xf_div, xvf, xvf, f_div)
JR_X3(xvf, xf_fma, xvf, xvf, xvf, f_fma)
JR_X1(xvf, xf_sqrt, xvf, f_sqrt)
JR_X1(xvf, xf_neg, xvf, f_neg)
JR_X1(xvf, xf_abs, xvf, f_abs)
JR_X2(xmf, xf_lt, xvf, xvf, f_lt)
JR_X2(xmf, xf_eq, xvf, xvf, f_eq)
JR_X2(xmf, xf_nlt, xvf, xvf, f_nlt)
JR_X2(xmf, xf_nge, xvf, xvf, f_nge)
JR_X3(xvf, xf_sel, xmf, xvf, xvf, f_sel)
JR_X1(xvf, xf_from_i, xvi, f_from_i)
JR_X1(xvi, xf_to_i, xvf, f_to_i)
JR_X1(xvf, xf_cvt, xvi, f_cvt)
JR_AI int xmf_any(xmf m) {
  int any = 0;
  for (int j = 0; j < JR_U; j++)
    any |= mf_any(m.v[j]);
  return any;
}
JR_X0(xvd, xd_set1, double, d_set1)
JR_X2(xvd, xd_add, xvd, xvd, d_add)
JR_X2(xvd, xd_sub, xvd, xvd, d_sub)
JR_X2(xvd, xd_mul, xvd, xvd, d_mul)
JR_X2(xvd, xd_div, xvd, xvd, d_div)
JR_X3(xvd, xd_fma, xvd, xvd, xvd, d_fma)
JR_X1(xvd, xd_sqrt, xvd, d_sqrt)
JR_X1(xvd, xd_neg, xvd, d_neg)
JR_X1(xvd, xd_abs, xvd, d_abs)
JR_X2(xmd, xd_lt, xvd, xvd, d_lt)
JR_X2(xmd, xd_eq, xvd, xvd, d_eq)
JR_X3(xvd, xd_sel, xmd, xvd, xvd, d_sel)
JR_X2(xmd, xmd_andnot, xmd, xmd, md_andnot)
JR_X1(xvd, xd_from_i, xvi, d_from_i)
JR_X1(xvi, xd_to_i, xvd, d_to_i)
JR_AI vi i_srl64_45(vi a) {
  return I_SRL64(a, 45);
}
JR_AI vi i_srl64_52(vi a) {
  return I_SRL64(a, 52);
}
JR_X1(xvi, xi_srl64_45, xvi, i_srl64_45)
JR_X1(xvi, xi_srl64_52, xvi, i_srl64_52)
JR_X2(xmd, xmd_or, xmd, xmd, md_or)
JR_X2(xmd, xd_nlt, xvd, xvd, d_nlt)
JR_X2(xmd, xd_gt, xvd, xvd, d_gt)
/* One bit per lane over the group, lane order. */
JR_AI unsigned xmd_bits(xmd m) {
  unsigned b = 0;
  for (int j = 0; j < JR_U; j++)
    b |= md_bits(m.v[j]) << (j * VLD);
  return b;
}
JR_AI xvd xd_loadu(const double *p) {
  xvd r;
  for (int j = 0; j < JR_U; j++)
    r.v[j] = d_loadu(p + j * VLD);
  return r;
}
JR_AI void xd_storeu(double *p, xvd a) {
  for (int j = 0; j < JR_U; j++)
    d_storeu(p + j * VLD, a.v[j]);
}
JR_AI xvi xi_loadu(const void *p) {
  xvi r;
  for (int j = 0; j < JR_U; j++)
    r.v[j] = i_loadu((const char *)p + j * sizeof(vi));
  return r;
}
JR_AI xvf xf_loadu(const float *p) {
  xvf r;
  for (int j = 0; j < JR_U; j++)
    r.v[j] = f_loadu(p + j * VLF);
  return r;
}
JR_AI void xf_storeu(float *p, xvf a) {
  for (int j = 0; j < JR_U; j++)
    f_storeu(p + j * VLF, a.v[j]);
}
