/* LAPACKE (and OpenBLAS's thread setting) resolved at first use. Only the
 * eigh/svd factorizations, validation's eigenvalue range and describe need
 * LAPACK, so a process that never calls them never loads OpenBLAS: no load
 * time and none of the idle threads OpenBLAS starts when it is loaded
 * (docs/linalg.md, "LAPACK"). Internal. */
#ifndef JR_LINALG_LAPACK_H
#define JR_LINALG_LAPACK_H

#include <lapacke.h>

#include "internal.h"

typedef lapack_int (*jr_ssyevd_work_fn)(int, char, char, lapack_int, float *,
                                        lapack_int, float *, float *,
                                        lapack_int, lapack_int *, lapack_int);
typedef lapack_int (*jr_dsyevd_work_fn)(int, char, char, lapack_int, double *,
                                        lapack_int, double *, double *,
                                        lapack_int, lapack_int *, lapack_int);
typedef lapack_int (*jr_sgesdd_work_fn)(int, char, lapack_int, lapack_int,
                                        float *, lapack_int, float *, float *,
                                        lapack_int, float *, lapack_int,
                                        float *, lapack_int, lapack_int *);
typedef lapack_int (*jr_dgesdd_work_fn)(int, char, lapack_int, lapack_int,
                                        double *, lapack_int, double *,
                                        double *, lapack_int, double *,
                                        lapack_int, double *, lapack_int,
                                        lapack_int *);
typedef lapack_int (*jr_dsyevd_fn)(int, char, char, lapack_int, double *,
                                   lapack_int, double *);
typedef lapack_int (*jr_dgesdd_fn)(int, char, lapack_int, lapack_int, double *,
                                   lapack_int, double *, double *, lapack_int,
                                   double *, lapack_int);

typedef struct jr_lapack {
  jr_ssyevd_work_fn ssyevd_work;
  jr_dsyevd_work_fn dsyevd_work;
  jr_sgesdd_work_fn sgesdd_work;
  jr_dgesdd_work_fn dgesdd_work;
  jr_dsyevd_fn dsyevd;
  jr_dgesdd_fn dgesdd;
  /* OpenBLAS's process-wide thread count; NULL when the LAPACK behind
   * LAPACKE is not OpenBLAS (nothing to pin then). */
  int (*get_num_threads)(void);
  void (*set_num_threads)(int);
} jr_lapack;

/* The table, loading the library on the first call (thread-safe; later
 * calls return the same table or the same failure). JR_E_LAPACK with a
 * message naming the library and the loader's reason when it cannot be
 * loaded or lacks a routine; what names the caller's operation. */
jr_status jr_lapack_get(const char *what, const jr_lapack **out);

#endif /* JR_LINALG_LAPACK_H */
