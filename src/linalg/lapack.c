/* LAPACKE loaded with dlopen on first use (lapack.h says why). */
#include "linalg/lapack.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef JR_LAPACKE_LIBRARY
#define JR_LAPACKE_LIBRARY "liblapacke.so.3"
#endif

/* The typedefs must match lapacke.h's prototypes: comparing the pointer
 * types is a constraint violation (a compile error) if they differ, and
 * sizeof keeps the comparison unevaluated (no link-time reference). */
#define JR_SAME_TYPE(fn, type) (sizeof(&fn == (type)0) > 0)
_Static_assert(JR_SAME_TYPE(LAPACKE_ssyevd_work, jr_ssyevd_work_fn), "");
_Static_assert(JR_SAME_TYPE(LAPACKE_dsyevd_work, jr_dsyevd_work_fn), "");
_Static_assert(JR_SAME_TYPE(LAPACKE_sgesdd_work, jr_sgesdd_work_fn), "");
_Static_assert(JR_SAME_TYPE(LAPACKE_dgesdd_work, jr_dgesdd_work_fn), "");
_Static_assert(JR_SAME_TYPE(LAPACKE_dsyevd, jr_dsyevd_fn), "");
_Static_assert(JR_SAME_TYPE(LAPACKE_dgesdd, jr_dgesdd_fn), "");

static pthread_once_t jr_lapack_once = PTHREAD_ONCE_INIT;
static jr_lapack jr_lapack_table;
static int jr_lapack_ok;
static char jr_lapack_why[256];

/* POSIX returns object pointers from dlsym; converting one to a function
 * pointer is what POSIX requires to work (memcpy keeps ISO C quiet). */
static int jr_sym(void *lib, const char *name, void *fnptr, size_t size) {
  void *p = dlsym(lib, name);
  if (!p) return 0;
  memcpy(fnptr, &p, size);
  return 1;
}

static void jr_lapack_load(void) {
  void *lib = dlopen(JR_LAPACKE_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *e = dlerror();
    snprintf(jr_lapack_why, sizeof jr_lapack_why, "%s", e ? e : "unknown");
    return;
  }
  jr_lapack *t = &jr_lapack_table;
#define JR_NEED(field, name)                                                   \
  if (!jr_sym(lib, name, &t->field, sizeof t->field)) {                        \
    snprintf(jr_lapack_why, sizeof jr_lapack_why, "%s lacks %s",               \
             JR_LAPACKE_LIBRARY, name);                                        \
    return;                                                                    \
  }
  JR_NEED(ssyevd_work, "LAPACKE_ssyevd_work")
  JR_NEED(dsyevd_work, "LAPACKE_dsyevd_work")
  JR_NEED(sgesdd_work, "LAPACKE_sgesdd_work")
  JR_NEED(dgesdd_work, "LAPACKE_dgesdd_work")
  JR_NEED(dsyevd, "LAPACKE_dsyevd")
  JR_NEED(dgesdd, "LAPACKE_dgesdd")
#undef JR_NEED
  /* dlsym on the handle searches LAPACKE's dependencies too, where
   * OpenBLAS (the LAPACK and BLAS behind it) lives. Both or neither. */
  if (!jr_sym(lib, "openblas_get_num_threads", &t->get_num_threads,
              sizeof t->get_num_threads) ||
      !jr_sym(lib, "openblas_set_num_threads", &t->set_num_threads,
              sizeof t->set_num_threads))
    t->get_num_threads = NULL, t->set_num_threads = NULL;
  jr_lapack_ok = 1; /* the handle stays open for the process's life */
}

jr_status jr_lapack_get(const char *what, const jr_lapack **out) {
  pthread_once(&jr_lapack_once, jr_lapack_load);
  if (!jr_lapack_ok) {
    *out = NULL;
    return jr_fail(JR_E_LAPACK,
                   "%s needs LAPACKE, which could not be loaded (%s): %s", what,
                   JR_LAPACKE_LIBRARY, jr_lapack_why);
  }
  *out = &jr_lapack_table;
  return JR_OK;
}
