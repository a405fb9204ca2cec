/* jaxrandom._core: the CPython binding of libjaxrandom (public API only).
 *
 * Argument handling follows jax.random (jax/_src/random): the same checks in
 * the same order, with JAX's exception types and messages. Configuration
 * (jax_enable_x64, jax_threefry_partitionable) is a global value plus a
 * thread-local override for context managers, as in JAX. The GIL is released
 * while the library samples. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "jaxrandom.h"

/* Calls with fewer elements keep the GIL: releasing it costs more than they
 * take. */
#define GIL_RELEASE_MIN 4096

/* ------------------------------------------------------------------ */
/* Configuration                                                       */
/* ------------------------------------------------------------------ */
/* OPT_LOG1P: 1 selects XLA's 2026-08 float64 log1p (JR_XLA_LOG1P_2026_08),
 * 0 the earlier one; the Python layer maps the names. */
enum { OPT_X64 = 0, OPT_PARTITIONABLE = 1, OPT_LOG1P = 2, OPT_COUNT };
static int g_opt[OPT_COUNT] = {0, 1, 0};
static _Thread_local int t_opt[OPT_COUNT] = {-1, -1, -1};

static int opt(int which) {
  return t_opt[which] >= 0 ? t_opt[which] : g_opt[which];
}

/* Read-only after module init: the default contexts (all cores; the
 * library runs small calls on the calling thread by itself), by
 * [partitionable][log1p variant]. */
static jr_ctx *ctx_def[2][2];

static const jr_ctx *default_ctx(void) {
  return ctx_def[opt(OPT_PARTITIONABLE) != 0][opt(OPT_LOG1P) != 0];
}
static int bf16_typenum = -1; /* ml_dtypes' bfloat16, if installed */
static PyArray_Descr *bf16_descr;

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */
/* The message of a failed library call, kept across the cleanup calls
 * (jr_ctx_free, jr_mvn_free) that follow it before the exception is set. */
static _Thread_local char t_err[1024];

static jr_status keep(jr_status st) {
  if (st != JR_OK) snprintf(t_err, sizeof t_err, "%s", jr_last_error());
  return st;
}

static PyObject *raise_status(jr_status st) {
  char msg_buf[sizeof t_err];
  const char *msg = jr_last_error();
  if (t_err[0]) { /* kept by keep() */
    snprintf(msg_buf, sizeof msg_buf, "%s", t_err);
    t_err[0] = 0;
    msg = msg_buf;
  }
  if (!msg || !*msg) msg = jr_status_string(st);
  PyObject *exc = PyExc_ValueError;
  switch (st) {
  case JR_E_OUT_OF_MEMORY: exc = PyExc_MemoryError; break;
  case JR_E_BAD_DTYPE: /* JAX's LAPACK primitives: TypeError */
    exc = PyExc_TypeError;
    break;
  case JR_E_LAPACK:
  case JR_E_BAD_ISA:
  case JR_E_IO:
  case JR_E_MPI: exc = PyExc_RuntimeError; break;
  case JR_E_TOO_LARGE: exc = PyExc_NotImplementedError; break;
  default: break;
  }
  PyErr_SetString(exc, msg);
  return NULL;
}

/* "(2, 3)" as Python prints a shape tuple. */
static void format_shape(char *buf, size_t cap, int ndim, const int64_t *dims) {
  size_t k = 0;
  k += (size_t)snprintf(buf + k, cap - k, "(");
  for (int i = 0; i < ndim && k < cap; i++)
    k += (size_t)snprintf(buf + k, cap - k, i ? ", %lld" : "%lld",
                          (long long)dims[i]);
  if (k < cap) k += (size_t)snprintf(buf + k, cap - k, ndim == 1 ? ",)" : ")");
}

static void format_npy_shape(char *buf, size_t cap, int ndim,
                             const npy_intp *dims) {
  int64_t d[NPY_MAXDIMS] = {0};
  for (int i = 0; i < ndim && i < NPY_MAXDIMS; i++)
    d[i] = dims[i];
  format_shape(buf, cap, ndim, d);
}

/* ------------------------------------------------------------------ */
/* Fast argument parsing (vectorcall)                                  */
/* ------------------------------------------------------------------ */
static int parse_args(const char *fname, PyObject *const *args,
                      Py_ssize_t nargs, PyObject *kwnames,
                      const char *const *names, int nnames, int npos, int nreq,
                      PyObject **slots) {
  for (int i = 0; i < nnames; i++)
    slots[i] = NULL;
  if (nargs > npos) {
    PyErr_Format(PyExc_TypeError,
                 "%s() takes at most %d positional arguments (%zd given)",
                 fname, npos, nargs);
    return -1;
  }
  for (Py_ssize_t i = 0; i < nargs; i++)
    slots[i] = args[i];
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t k = 0; k < nkw; k++) {
    PyObject *kw = PyTuple_GET_ITEM(kwnames, k);
    int found = -1;
    for (int i = 0; i < nnames; i++)
      if (PyUnicode_CompareWithASCIIString(kw, names[i]) == 0) {
        found = i;
        break;
      }
    if (found < 0) {
      PyErr_Format(PyExc_TypeError,
                   "%s() got an unexpected keyword argument '%U'", fname, kw);
      return -1;
    }
    if (slots[found]) {
      PyErr_Format(PyExc_TypeError,
                   "%s() got multiple values for argument '%s'", fname,
                   names[found]);
      return -1;
    }
    slots[found] = args[nargs + k];
  }
  for (int i = 0; i < nreq; i++)
    if (!slots[i]) {
      PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s'",
                   fname, names[i]);
      return -1;
    }
  return 0;
}

/* ------------------------------------------------------------------ */
/* dtypes                                                              */
/* ------------------------------------------------------------------ */
/* Argument dtypes: a jr_dtype, or complex (not sampled by this library). */
typedef struct {
  jr_dtype dt;
  int complex_bits; /* 64 or 128 for complex dtypes, else 0 */
} dspec;

static const char *dspec_name(const dspec *d) {
  if (d->complex_bits)
    return d->complex_bits == 64 ? "complex64" : "complex128";
  return jr_dtype_name(d->dt);
}

/* A NumPy dtype as a jr_dtype; JR_DTYPE_NONE if the library has none. */
static jr_dtype descr_to_jr(const PyArray_Descr *d) {
  if (d->type_num == bf16_typenum) return JR_BFLOAT16;
  int size = (int)d->elsize;
  switch (d->kind) {
  case 'f':
    return size == 2   ? JR_FLOAT16
           : size == 4 ? JR_FLOAT32
           : size == 8 ? JR_FLOAT64
                       : JR_DTYPE_NONE;
  case 'u':
    return size == 1   ? JR_UINT8
           : size == 2 ? JR_UINT16
           : size == 4 ? JR_UINT32
           : size == 8 ? JR_UINT64
                       : JR_DTYPE_NONE;
  case 'i':
    return size == 1   ? JR_INT8
           : size == 2 ? JR_INT16
           : size == 4 ? JR_INT32
           : size == 8 ? JR_INT64
                       : JR_DTYPE_NONE;
  case 'b': return JR_BOOL;
  default: return JR_DTYPE_NONE;
  }
}

static int jr_to_typenum(jr_dtype d) {
  switch (d) {
  case JR_FLOAT16: return NPY_HALF;
  case JR_BFLOAT16: return bf16_typenum >= 0 ? bf16_typenum : NPY_UINT16;
  case JR_FLOAT32: return NPY_FLOAT32;
  case JR_FLOAT64: return NPY_FLOAT64;
  case JR_UINT8: return NPY_UINT8;
  case JR_UINT16: return NPY_UINT16;
  case JR_UINT32: return NPY_UINT32;
  case JR_UINT64: return NPY_UINT64;
  case JR_INT8: return NPY_INT8;
  case JR_INT16: return NPY_INT16;
  case JR_INT32: return NPY_INT32;
  case JR_INT64: return NPY_INT64;
  case JR_BOOL: return NPY_BOOL;
  default: return -1;
  }
}

static PyArray_Descr *jr_to_descr(jr_dtype d) {
  if (d == JR_BFLOAT16 && bf16_descr) {
    Py_INCREF(bf16_descr);
    return bf16_descr;
  }
  return PyArray_DescrFromType(jr_to_typenum(d));
}

/* jax.dtypes.check_and_canonicalize_user_dtype: Python types map to the
 * default dtypes; without x64 an explicit 64-bit dtype is truncated to 32
 * bits with JAX's warning. */
static int parse_dtype(PyObject *obj, dspec *out) {
  int x64 = opt(OPT_X64);
  out->complex_bits = 0;
  out->dt = JR_DTYPE_NONE;
  if (obj == (PyObject *)&PyFloat_Type) {
    out->dt = x64 ? JR_FLOAT64 : JR_FLOAT32;
    return 0;
  }
  if (obj == (PyObject *)&PyLong_Type) {
    out->dt = x64 ? JR_INT64 : JR_INT32;
    return 0;
  }
  if (obj == (PyObject *)&PyBool_Type) {
    out->dt = JR_BOOL;
    return 0;
  }
  if (obj == (PyObject *)&PyComplex_Type) {
    out->complex_bits = x64 ? 128 : 64;
    return 0;
  }
  if (PyUnicode_Check(obj) &&
      PyUnicode_CompareWithASCIIString(obj, "bfloat16") == 0) {
    out->dt = JR_BFLOAT16;
    return 0;
  }
  PyArray_Descr *d = NULL;
  if (!PyArray_DescrConverter(obj, &d)) return -1;
  jr_dtype jd = descr_to_jr(d);
  if (d->kind == 'c' && (d->elsize == 8 || d->elsize == 16)) {
    out->complex_bits = (int)d->elsize * 8;
  } else if (jd == JR_DTYPE_NONE) {
    PyErr_Format(PyExc_TypeError,
                 "JAX only supports number, bool, and string dtypes, got "
                 "dtype %S",
                 (PyObject *)d);
    Py_DECREF(d);
    return -1;
  }
  Py_DECREF(d);
  out->dt = jd;
  if (!x64) {
    const char *from = NULL, *to = NULL;
    if (jd == JR_FLOAT64)
      from = "float64", to = "float32", out->dt = JR_FLOAT32;
    if (jd == JR_INT64) from = "int64", to = "int32", out->dt = JR_INT32;
    if (jd == JR_UINT64) from = "uint64", to = "uint32", out->dt = JR_UINT32;
    if (out->complex_bits == 128)
      from = "complex128", to = "complex64", out->complex_bits = 64;
    if (from) {
      char msg[512];
      snprintf(msg, sizeof msg,
               "Explicitly requested dtype %s is not available, and will be "
               "truncated to dtype %s. To enable more dtypes, set the "
               "jax_enable_x64 configuration option or the JAX_ENABLE_X64 "
               "shell environment variable. See "
               "https://github.com/jax-ml/jax#current-gotchas for more.",
               from, to);
      if (PyErr_WarnEx(PyExc_UserWarning, msg, 1) < 0) return -1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Keys, shapes, rows, out, threads                                    */
/* ------------------------------------------------------------------ */
/* _check_prng_key + random_wrap's key-data checks. */
static int parse_key(PyObject *obj, const char *name, jr_key *key) {
  PyArrayObject *a;
  PyObject *owned = NULL;
  if (PyArray_Check(obj)) {
    a = (PyArrayObject *)obj;
  } else if (PyArray_IsScalar(obj, Generic) ||
             PyObject_HasAttrString(obj, "__array__")) {
    owned = PyArray_FromAny(obj, NULL, 0, 0, 0, NULL);
    if (!owned) return -1;
    a = (PyArrayObject *)owned;
  } else {
    PyErr_Format(PyExc_TypeError, "unexpected PRNG key type %S",
                 (PyObject *)Py_TYPE(obj));
    return -1;
  }
  int ndim = PyArray_NDIM(a);
  char sh[256] = "()";
  if (ndim > 1 || (ndim == 1 && PyArray_DIMS(a)[0] != 2))
    format_npy_shape(sh, sizeof sh, ndim, PyArray_DIMS(a));
  int rc = -1;
  if (ndim < 1) {
    PyErr_Format(PyExc_TypeError,
                 "JAX encountered invalid PRNG key data: expected "
                 "key_data.ndim >= 1; got ndim=%d",
                 ndim);
  } else if (PyArray_DIMS(a)[ndim - 1] != 2) {
    PyErr_Format(PyExc_TypeError,
                 "JAX encountered invalid PRNG key data: expected "
                 "key_data.shape to end with (2,); got shape=%s for "
                 "impl=threefry2x32",
                 sh);
  } else if (PyArray_TYPE(a) != NPY_UINT32 &&
             !(PyArray_DESCR(a)->kind == 'u' && PyArray_ITEMSIZE(a) == 4)) {
    PyErr_Format(PyExc_TypeError,
                 "JAX encountered invalid PRNG key data: expected "
                 "key_data.dtype = uint32; got dtype=%S",
                 (PyObject *)PyArray_DESCR(a));
  } else if (ndim != 1) {
    PyErr_Format(PyExc_ValueError,
                 "%s accepts a single key, but was given a key array of "
                 "shape %s != (). Use jax.vmap for batching.",
                 name, sh);
  } else {
    const char *p = PyArray_BYTES(a);
    npy_intp s = PyArray_STRIDES(a)[0];
    uint32_t k0, k1;
    memcpy(&k0, p, 4);
    memcpy(&k1, p + s, 4);
    if (!PyArray_ISNOTSWAPPED(a)) {
      k0 = __builtin_bswap32(k0);
      k1 = __builtin_bswap32(k1);
    }
    key->k[0] = k0;
    key->k[1] = k1;
    rc = 0;
  }
  Py_XDECREF(owned);
  return rc;
}

static PyObject *key_to_array(jr_key k) {
  npy_intp two = 2;
  PyObject *r = PyArray_SimpleNew(1, &two, NPY_UINT32);
  if (!r) return NULL;
  memcpy(PyArray_DATA((PyArrayObject *)r), k.k, 8);
  return r;
}

/* core.canonicalize_shape: an int or a sequence of integers. */
static int parse_shape(PyObject *obj, int *ndim, int64_t *dims) {
  if (PyLong_Check(obj)) {
    *ndim = 1;
    dims[0] = PyLong_AsLongLong(obj);
    if (dims[0] == -1 && PyErr_Occurred()) return -1;
  } else if (PyTuple_CheckExact(obj) && PyTuple_GET_SIZE(obj) == 0) {
    *ndim = 0;
    return 0;
  } else {
    PyObject *seq = PySequence_Fast(obj, "");
    if (!seq) goto bad;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n > JR_MAX_NDIM) {
      Py_DECREF(seq);
      PyErr_Format(PyExc_ValueError,
                   "shape %S has %zd dimensions; at most %d are supported", obj,
                   n, JR_MAX_NDIM);
      return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
      PyObject *it = PySequence_Fast_GET_ITEM(seq, i);
      PyObject *ix = PyNumber_Index(it);
      if (!ix) {
        Py_DECREF(seq);
        goto bad;
      }
      dims[i] = PyLong_AsLongLong(ix);
      Py_DECREF(ix);
      if (dims[i] == -1 && PyErr_Occurred()) {
        Py_DECREF(seq);
        return -1;
      }
    }
    Py_DECREF(seq);
    *ndim = (int)n;
  }
  for (int i = 0; i < *ndim; i++)
    if (dims[i] < 0) {
      char sh[512];
      format_shape(sh, sizeof sh, *ndim, dims);
      PyErr_Format(PyExc_ValueError,
                   "negative dimensions are not allowed: shape %s", sh);
      return -1;
    }
  return 0;
bad:
  if (PyErr_Occurred() && !PyErr_ExceptionMatches(PyExc_TypeError)) return -1;
  PyErr_Clear();
  PyErr_Format(PyExc_TypeError,
               "Shapes must be 1D sequences of concrete values of integer "
               "type, got %S.",
               obj);
  return -1;
}

/* rows=: None, a slice (Python semantics, step 1) or a pair (a, b) with
 * 0 <= a <= b <= total. */
static int parse_rows(PyObject *obj, int64_t total, int64_t *a, int64_t *b) {
  *a = 0;
  *b = total;
  if (!obj || obj == Py_None) return 0;
  if (PySlice_Check(obj)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(obj, &start, &stop, &step) < 0) return -1;
    if (step != 1) {
      PyErr_SetString(PyExc_ValueError, "rows: a slice with step 1 expected");
      return -1;
    }
    PySlice_AdjustIndices((Py_ssize_t)total, &start, &stop, step);
    *a = start;
    *b = stop < start ? start : stop;
    return 0;
  }
  PyObject *seq = PySequence_Fast(
      obj, "rows: expected None, a slice or a pair (start, stop)");
  if (!seq) return -1;
  int rc = -1;
  if (PySequence_Fast_GET_SIZE(seq) != 2) {
    PyErr_SetString(PyExc_TypeError,
                    "rows: expected None, a slice or a pair (start, stop)");
  } else {
    long long v[2];
    int ok = 1;
    for (int i = 0; i < 2 && ok; i++) {
      PyObject *ix = PyNumber_Index(PySequence_Fast_GET_ITEM(seq, i));
      if (!ix) {
        ok = 0;
        break;
      }
      v[i] = PyLong_AsLongLong(ix);
      Py_DECREF(ix);
      if (v[i] == -1 && PyErr_Occurred()) ok = 0;
    }
    if (ok) {
      if (v[0] < 0 || v[0] > v[1] || v[1] > total)
        PyErr_Format(PyExc_ValueError, "rows [%lld, %lld) outside [0, %lld)",
                     v[0], v[1], (long long)total);
      else {
        *a = v[0];
        *b = v[1];
        rc = 0;
      }
    }
  }
  Py_DECREF(seq);
  return rc;
}

/* A new result array, or the caller's out= checked and returned (new ref). */
static PyArrayObject *result_array(PyObject *out, jr_dtype dt, int ndim,
                                   const int64_t *dims) {
  npy_intp nd[JR_MAX_NDIM];
  for (int i = 0; i < ndim; i++)
    nd[i] = (npy_intp)dims[i];
  if (!out || out == Py_None) {
    PyArray_Descr *d = jr_to_descr(dt);
    if (!d) return NULL;
    return (PyArrayObject *)PyArray_NewFromDescr(&PyArray_Type, d, ndim, nd,
                                                 NULL, NULL, 0, NULL);
  }
  if (!PyArray_Check(out)) {
    PyErr_Format(PyExc_TypeError, "out must be a numpy.ndarray, got %S",
                 (PyObject *)Py_TYPE(out));
    return NULL;
  }
  PyArrayObject *o = (PyArrayObject *)out;
  char want[512], got[512];
  format_shape(want, sizeof want, ndim, dims);
  format_npy_shape(got, sizeof got, PyArray_NDIM(o), PyArray_DIMS(o));
  int tn = PyArray_TYPE(o);
  int dtype_ok =
      tn == jr_to_typenum(dt) ||
      (dt == JR_BFLOAT16 && (tn == NPY_UINT16 || tn == bf16_typenum)) ||
      descr_to_jr(PyArray_DESCR(o)) == dt;
  if (!dtype_ok || !PyArray_ISNOTSWAPPED(o)) {
    PyErr_Format(PyExc_TypeError, "out has dtype %S; expected %s",
                 (PyObject *)PyArray_DESCR(o), jr_dtype_name(dt));
    return NULL;
  }
  int shape_ok = PyArray_NDIM(o) == ndim;
  for (int i = 0; shape_ok && i < ndim; i++)
    shape_ok = PyArray_DIMS(o)[i] == nd[i];
  if (!shape_ok) {
    PyErr_Format(PyExc_ValueError, "out has shape %s; expected %s", got, want);
    return NULL;
  }
  if (!PyArray_IS_C_CONTIGUOUS(o) || !PyArray_ISALIGNED(o)) {
    PyErr_SetString(PyExc_ValueError, "out must be C-contiguous and aligned");
    return NULL;
  }
  if (PyArray_FailUnlessWriteable(o, "out") < 0) return NULL;
  Py_INCREF(o);
  return o;
}

/* Warnings of JR_CHECK_WARN, collected while the GIL is released (the
 * handler may run on a worker thread) and issued afterwards. */
#define MAX_WARN 8
typedef struct {
  pthread_mutex_t mu;
  int n;
  char msg[MAX_WARN][512];
} warn_buf;

static void on_warning(void *user, const char *m) {
  warn_buf *w = user;
  pthread_mutex_lock(&w->mu);
  if (w->n < MAX_WARN) snprintf(w->msg[w->n], sizeof w->msg[0], "%s", m);
  w->n++;
  pthread_mutex_unlock(&w->mu);
}

static int flush_warnings(warn_buf *w) {
  int n = w->n < MAX_WARN ? w->n : MAX_WARN;
  for (int i = 0; i < n; i++)
    if (PyErr_WarnEx(PyExc_RuntimeWarning, w->msg[i], 1) < 0) return -1;
  return 0;
}

/* The context of a call: the shared default one, or (threads=, check_valid=,
 * tol= given) one of its own in *own. */
typedef struct {
  PyObject *threads, *check_valid, *tol;
  warn_buf *warn;
} ctx_opts;

static int parse_check(PyObject *obj, int *level) {
  *level = JR_CHECK_IGNORE;
  if (!obj || obj == Py_None) return 0;
  if (PyUnicode_Check(obj)) {
    if (PyUnicode_CompareWithASCIIString(obj, "ignore") == 0) return 0;
    if (PyUnicode_CompareWithASCIIString(obj, "warn") == 0) {
      *level = JR_CHECK_WARN;
      return 0;
    }
    if (PyUnicode_CompareWithASCIIString(obj, "raise") == 0) {
      *level = JR_CHECK_RAISE;
      return 0;
    }
  }
  PyErr_Format(PyExc_ValueError,
               "check_valid must be one of 'ignore', 'warn' or 'raise', got %R",
               obj);
  return -1;
}

static const jr_ctx *make_ctx(const ctx_opts *o, jr_ctx **own) {
  int part = opt(OPT_PARTITIONABLE);
  *own = NULL;
  int has_threads = o->threads && o->threads != Py_None;
  int has_check = o->check_valid && o->check_valid != Py_None;
  int has_tol = o->tol && o->tol != Py_None;
  if (!has_threads && !has_check && !has_tol && !o->warn) return default_ctx();
  long long threads = 0;
  int level = JR_CHECK_IGNORE;
  double tol = 1e-8;
  if (has_threads) {
    PyObject *ix = PyNumber_Index(o->threads);
    if (!ix) return NULL;
    threads = PyLong_AsLongLong(ix);
    Py_DECREF(ix);
    if (threads == -1 && PyErr_Occurred()) return NULL;
    if (threads < 0 || threads > 4096) {
      PyErr_Format(PyExc_ValueError,
                   "threads must be 0 (all cores) or a positive count up to "
                   "4096, got %lld",
                   threads);
      return NULL;
    }
  }
  if (parse_check(o->check_valid, &level) < 0) return NULL;
  if (has_tol) {
    tol = PyFloat_AsDouble(o->tol);
    if (tol == -1.0 && PyErr_Occurred()) return NULL;
    if (!(tol >= 0)) {
      PyErr_Format(PyExc_ValueError, "tol must be >= 0, got %R", o->tol);
      return NULL;
    }
  }
  jr_ctx *c = jr_ctx_create();
  if (!c) return (const jr_ctx *)PyErr_NoMemory();
  jr_status st =
      jr_ctx_set_int(c, JR_PARAM_MODE, part ? JR_PARTITIONABLE : JR_LEGACY);
  if (st == JR_OK)
    st = jr_ctx_set_int(c, JR_PARAM_XLA_LOG1P,
                        opt(OPT_LOG1P) ? JR_XLA_LOG1P_2026_08
                                       : JR_XLA_LOG1P_2024);
  if (st == JR_OK) st = jr_ctx_set_int(c, JR_PARAM_THREADS, threads);
  if (st == JR_OK) st = jr_ctx_set_int(c, JR_PARAM_CHECK_VALID, level);
  if (st == JR_OK) st = jr_ctx_set_double(c, JR_PARAM_TOL, tol);
  if (st == JR_OK && o->warn)
    st = jr_ctx_set_warning_handler(c, on_warning, o->warn);
  if (st != JR_OK) {
    jr_ctx_free(c);
    raise_status(st);
    return NULL;
  }
  *own = c;
  return c;
}

/* ------------------------------------------------------------------ */
/* key, PRNGKey, fold_in, split                                        */
/* ------------------------------------------------------------------ */
static int check_impl(PyObject *impl, const char *fname) {
  if (!impl || impl == Py_None) return 0;
  if (PyUnicode_Check(impl) &&
      PyUnicode_CompareWithASCIIString(impl, "threefry2x32") == 0)
    return 0;
  if (PyUnicode_Check(impl)) {
    PyErr_Format(PyExc_ValueError,
                 "unrecognized PRNG implementation \"%U\". Did you mean one "
                 "of: \"threefry2x32\"? (jaxrandom implements threefry2x32 "
                 "only)",
                 impl);
    return -1;
  }
  PyErr_Format(PyExc_TypeError,
               "unrecognized type %S for specifying PRNG implementation (%s).",
               (PyObject *)Py_TYPE(impl), fname);
  return -1;
}

/* random_seed + threefry_seed: Python ints go through int64 (OverflowError
 * outside it); 64-bit seeds with x64 give (hi, lo), all others (0, lo). */
static PyObject *make_key(const char *fname, PyObject *seed, PyObject *impl) {
  if (check_impl(impl, fname) < 0) return NULL;
  int x64 = opt(OPT_X64);
  if (PyLong_Check(seed)) { /* bool included: np.int64(True) == 1 */
    long long v = PyLong_AsLongLong(seed);
    if (v == -1 && PyErr_Occurred()) return NULL;
    return key_to_array(jr_key_from_seed(v, x64));
  }
  if (PyFloat_Check(seed) || PyComplex_Check(seed)) {
    PyErr_Format(PyExc_TypeError, "PRNG key seed must be an integer; got %R",
                 seed);
    return NULL;
  }
  PyArrayObject *a =
      (PyArrayObject *)PyArray_FromAny(seed, NULL, 0, 0, 0, NULL);
  if (!a) return NULL;
  PyObject *r = NULL;
  if (PyArray_NDIM(a) != 0) {
    char sh[256];
    format_npy_shape(sh, sizeof sh, PyArray_NDIM(a), PyArray_DIMS(a));
    PyErr_Format(PyExc_TypeError,
                 "%s accepts a scalar seed, but was given an array of shape %s "
                 "!= (). Use jax.vmap for batching",
                 fname, sh);
  } else {
    char kind = PyArray_DESCR(a)->kind;
    if (kind != 'i' && kind != 'u') {
      PyErr_Format(PyExc_TypeError, "PRNG key seed must be an integer; got %R",
                   seed);
    } else {
      int wide = PyArray_ITEMSIZE(a) == 8;
      PyArrayObject *c = (PyArrayObject *)PyArray_Cast(
          a, kind == 'u' ? NPY_UINT64 : NPY_INT64);
      if (c) {
        int64_t v;
        memcpy(&v, PyArray_DATA(c), 8);
        Py_DECREF(c);
        /* narrower seeds are first canonicalized to 32 bits, then the
         * logical shift by 32 gives a zero high word */
        r = key_to_array(jr_key_from_seed(v, x64 && wide));
      }
    }
  }
  Py_DECREF(a);
  return r;
}

static PyObject *py_key(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                        PyObject *kwnames) {
  (void)self;
  static const char *const names[] = {"seed", "impl", "dtype"};
  PyObject *s[3];
  if (parse_args("key", args, nargs, kwnames, names, 3, 1, 1, s) < 0)
    return NULL;
  if (s[1] && s[1] != Py_None && s[2] && s[2] != Py_None) {
    PyErr_SetString(PyExc_ValueError,
                    "Cannot specify both `impl` and `dtype` arguments to "
                    "jax.random.key");
    return NULL;
  }
  return make_key("key", s[0], s[1] && s[1] != Py_None ? s[1] : s[2]);
}

static PyObject *py_prngkey(PyObject *self, PyObject *const *args,
                            Py_ssize_t nargs, PyObject *kwnames) {
  (void)self;
  static const char *const names[] = {"seed", "impl"};
  PyObject *s[2];
  if (parse_args("PRNGKey", args, nargs, kwnames, names, 2, 1, 1, s) < 0)
    return NULL;
  return make_key("PRNGKey", s[0], s[1]);
}

static PyObject *py_fold_in(PyObject *self, PyObject *const *args,
                            Py_ssize_t nargs, PyObject *kwnames) {
  (void)self;
  static const char *const names[] = {"key", "data"};
  PyObject *s[2];
  jr_key key;
  if (parse_args("fold_in", args, nargs, kwnames, names, 2, 2, 2, s) < 0 ||
      parse_key(s[0], "fold_in", &key) < 0)
    return NULL;
  PyObject *data = s[1];
  uint32_t d;
  if (PyLong_Check(data)) {
    d = (uint32_t)PyLong_AsUnsignedLongLongMask(data);
    if (PyErr_Occurred()) return NULL;
  } else {
    PyArrayObject *a =
        (PyArrayObject *)PyArray_FromAny(data, NULL, 0, 0, 0, NULL);
    if (!a) return NULL;
    if (PyArray_NDIM(a) != 0) {
      char sh[256];
      format_npy_shape(sh, sizeof sh, PyArray_NDIM(a), PyArray_DIMS(a));
      Py_DECREF(a);
      /* sic: JAX's message lacks the space in "ofshape" */
      PyErr_Format(PyExc_TypeError,
                   "fold_in accepts a scalar, but was given an array of"
                   "shape %s != (). Use jax.vmap for batching.",
                   sh);
      return NULL;
    }
    char kind = PyArray_DESCR(a)->kind;
    PyArrayObject *c;
    if (kind == 'i' || kind == 'u' || kind == 'b') {
      c = (PyArrayObject *)PyArray_Cast(a,
                                        kind == 'i' ? NPY_INT64 : NPY_UINT64);
      if (!c) {
        Py_DECREF(a);
        return NULL;
      }
      uint64_t v;
      memcpy(&v, PyArray_DATA(c), 8);
      d = (uint32_t)v;
    } else if (kind == 'f') {
      c = (PyArrayObject *)PyArray_Cast(a, NPY_FLOAT64);
      if (!c) {
        Py_DECREF(a);
        return NULL;
      }
      double v;
      memcpy(&v, PyArray_DATA(c), 8);
      d = (uint32_t)(v >= 0 && v < 4294967296.0 ? v : 0);
    } else {
      PyErr_Format(PyExc_TypeError, "fold_in data must be an integer, got %R",
                   data);
      Py_DECREF(a);
      return NULL;
    }
    Py_DECREF(c);
    Py_DECREF(a);
  }
  return key_to_array(jr_fold_in(key, d));
}

static PyObject *py_split(PyObject *self, PyObject *const *args,
                          Py_ssize_t nargs, PyObject *kwnames) {
  (void)self;
  static const char *const names[] = {"key", "num"};
  PyObject *s[2];
  jr_key key;
  int ndim = 1;
  int64_t dims[JR_MAX_NDIM + 1] = {2};
  if (parse_args("split", args, nargs, kwnames, names, 2, 2, 1, s) < 0 ||
      parse_key(s[0], "split", &key) < 0)
    return NULL;
  /* JAX: shape = tuple(num) if isinstance(num, Sequence) else (num,) */
  if (s[1] && (PyLong_Check(s[1]) || PyTuple_Check(s[1]) ||
               PyList_Check(s[1]) || PyRange_Check(s[1]))) {
    if (parse_shape(s[1], &ndim, dims) < 0) return NULL;
  } else if (s[1]) {
    PyObject *t = PyTuple_Pack(1, s[1]);
    int rc = t ? parse_shape(t, &ndim, dims) : -1;
    Py_XDECREF(t);
    if (rc < 0) return NULL;
  }
  if (ndim >= JR_MAX_NDIM) {
    PyErr_Format(PyExc_ValueError, "split: at most %d dimensions",
                 JR_MAX_NDIM - 1);
    return NULL;
  }
  dims[ndim] = 2;
  PyArrayObject *r = result_array(NULL, JR_UINT32, ndim + 1, dims);
  if (!r) return NULL;
  const jr_ctx *ctx = default_ctx();
  jr_status st = jr_split(ctx, key, ndim, dims, (jr_key *)PyArray_DATA(r));
  if (st != JR_OK) {
    Py_DECREF(r);
    return raise_status(st);
  }
  return (PyObject *)r;
}

/* ------------------------------------------------------------------ */
/* bits, uniform, normal                                               */
/* ------------------------------------------------------------------ */
typedef struct {
  jr_key key;
  int ndim;
  int64_t dims[JR_MAX_NDIM];
  int64_t total, a, b;
  PyArrayObject *out;
  const jr_ctx *ctx;
  jr_ctx *own;
} gen_call;

/* The shared tail of bits/uniform/normal's parsing: shape, rows, out,
 * context. The result has `shape`, or (b - a,) with rows=. */
static int gen_setup(gen_call *g, PyObject *shape, jr_dtype dt, PyObject *rows,
                     PyObject *out, PyObject *threads) {
  g->ndim = 0;
  g->out = NULL;
  g->own = NULL;
  if (shape && parse_shape(shape, &g->ndim, g->dims) < 0) return -1;
  jr_status st = jr_shape_size(g->ndim, g->dims, &g->total);
  if (st != JR_OK) {
    raise_status(st);
    return -1;
  }
  if (parse_rows(rows, g->total, &g->a, &g->b) < 0) return -1;
  ctx_opts o = {threads, NULL, NULL, NULL};
  g->ctx = make_ctx(&o, &g->own);
  if (!g->ctx) return -1;
  int64_t cnt = g->b - g->a;
  if (rows && rows != Py_None)
    g->out = result_array(out, dt, 1, &cnt);
  else
    g->out = result_array(out, dt, g->ndim, g->dims);
  if (!g->out) {
    jr_ctx_free(g->own);
    g->own = NULL;
    return -1;
  }
  return 0;
}

static PyObject *gen_finish(gen_call *g, jr_status st) {
  jr_ctx_free(g->own);
  if (st != JR_OK) {
    Py_DECREF(g->out);
    return raise_status(st);
  }
  return (PyObject *)g->out;
}

static PyObject *py_bits(PyObject *self, PyObject *const *args,
                         Py_ssize_t nargs, PyObject *kwnames) {
  (void)self;
  static const char *const names[] = {"key", "shape",   "dtype",
                                      "out", "threads", "rows"};
  PyObject *s[6];
  gen_call g;
  dspec d = {opt(OPT_X64) ? JR_UINT64 : JR_UINT32, 0};
  if (parse_args("bits", args, nargs, kwnames, names, 6, 3, 1, s) < 0 ||
      parse_key(s[0], "bits", &g.key) < 0)
    return NULL;
  if (s[2] && s[2] != Py_None && parse_dtype(s[2], &d) < 0) return NULL;
  int width = 0;
  switch (d.complex_bits ? JR_DTYPE_NONE : d.dt) {
  case JR_UINT8: width = 8; break;
  case JR_UINT16: width = 16; break;
  case JR_UINT32: width = 32; break;
  case JR_UINT64: width = 64; break;
  default:
    PyErr_Format(
        PyExc_ValueError,
        "dtype argument to `bits` must be an unsigned int dtype, got %s",
        dspec_name(&d));
    return NULL;
  }
  if (gen_setup(&g, s[1], d.dt, s[5], s[3], s[4]) < 0) return NULL;
  jr_status st;
  void *p = PyArray_DATA(g.out);
  int64_t cnt = g.b - g.a;
  int full = g.a == 0 && g.b == g.total;
  Py_BEGIN_ALLOW_THREADS;
  st = keep(
      full ? jr_random_bits(g.ctx, g.key, width, g.ndim, g.dims, p)
           : jr_random_bits_range(g.ctx, g.key, width, g.total, g.a, cnt, p));
  Py_END_ALLOW_THREADS;
  return gen_finish(&g, st);
}

static int is_float_dt(const dspec *d) {
  return !d->complex_bits && jr_dtype_is_float(d->dt);
}

/* Element offset (bytes) of flat index i of `shape` in a view broadcast to
 * it (stride 0 along its size-1 or missing axes). */
static npy_intp bcast_offset(int64_t i, int ndim, const int64_t *dims,
                             const npy_intp *bstr) {
  npy_intp off = 0;
  for (int d = ndim - 1; d >= 0; d--) {
    int64_t idx = dims[d] ? i % dims[d] : 0;
    i = dims[d] ? i / dims[d] : 0;
    off += (npy_intp)idx * bstr[d];
  }
  return off;
}

/* A uniform bound as a float64 array broadcastable to the output shape;
 * without x64, 64-bit integers are first canonicalized to 32 bits. */
static PyArrayObject *bound_array(PyObject *obj, const char *what, int ndim,
                                  const int64_t *dims, npy_intp *bstr) {
  PyArrayObject *a = (PyArrayObject *)PyArray_FromAny(obj, NULL, 0, 0, 0, NULL);
  if (!a) return NULL;
  char kind = PyArray_DESCR(a)->kind;
  if (!opt(OPT_X64) && PyArray_ITEMSIZE(a) == 8 &&
      (kind == 'i' || kind == 'u')) {
    PyArrayObject *c =
        (PyArrayObject *)PyArray_Cast(a, kind == 'i' ? NPY_INT32 : NPY_UINT32);
    Py_DECREF(a);
    if (!(a = c)) return NULL;
  }
  if (kind != 'i' && kind != 'u' && kind != 'f' && kind != 'b' &&
      PyArray_TYPE(a) != bf16_typenum) {
    PyErr_Format(PyExc_TypeError, "uniform: %s must be real, got dtype %S",
                 what, (PyObject *)PyArray_DESCR(a));
    Py_DECREF(a);
    return NULL;
  }
  PyArrayObject *f = (PyArrayObject *)PyArray_FromAny(
      (PyObject *)a, PyArray_DescrFromType(NPY_FLOAT64), 0, 0,
      NPY_ARRAY_ALIGNED | NPY_ARRAY_NOTSWAPPED | NPY_ARRAY_FORCECAST, NULL);
  Py_DECREF(a);
  if (!f) return NULL;
  int bn = PyArray_NDIM(f), ok = bn <= ndim;
  for (int d = 0; d < ndim; d++) {
    int j = d - (ndim - bn);
    npy_intp ext = j >= 0 ? PyArray_DIMS(f)[j] : 1;
    if (ext != 1 && ext != dims[d]) ok = 0;
    bstr[d] = j >= 0 && ext != 1 ? PyArray_STRIDES(f)[j] : 0;
  }
  if (!ok) {
    char a1[256], a2[256];
    format_npy_shape(a1, sizeof a1, bn, PyArray_DIMS(f));
    format_shape(a2, sizeof a2, ndim, dims);
    PyErr_Format(PyExc_ValueError,
                 "uniform: %s of shape %s is not broadcast-compatible with "
                 "shape %s",
                 what, a1, a2);
    Py_DECREF(f);
    return NULL;
  }
  return f;
}

static PyObject *py_uniform(PyObject *self, PyObject *const *args,
                            Py_ssize_t nargs, PyObject *kwnames) {
  (void)self;
  static const char *const names[] = {"key",    "shape", "dtype",   "minval",
                                      "maxval", "out",   "threads", "rows"};
  PyObject *s[8];
  gen_call g;
  dspec d = {opt(OPT_X64) ? JR_FLOAT64 : JR_FLOAT32, 0};
  if (parse_args("uniform", args, nargs, kwnames, names, 8, 5, 1, s) < 0 ||
      parse_key(s[0], "uniform", &g.key) < 0)
    return NULL;
  if (s[2] && s[2] != Py_None && parse_dtype(s[2], &d) < 0) return NULL;
  if (!is_float_dt(&d)) {
    PyErr_Format(PyExc_ValueError,
                 "dtype argument to `uniform` must be a float dtype, got %s",
                 dspec_name(&d));
    return NULL;
  }
  double lo = 0.0, hi = 1.0;
  int scalar = 1;
  PyObject *bounds[2] = {s[3], s[4]};
  double *vals[2] = {&lo, &hi};
  for (int k = 0; k < 2; k++) {
    PyObject *b = bounds[k];
    if (!b) continue;
    if (PyFloat_CheckExact(b))
      *vals[k] = PyFloat_AS_DOUBLE(b);
    else if (PyLong_CheckExact(b)) {
      *vals[k] = PyLong_AsDouble(b);
      if (*vals[k] == -1.0 && PyErr_Occurred()) return NULL;
    } else
      scalar = 0;
  }
  if (gen_setup(&g, s[1], d.dt, s[7], s[5], s[6]) < 0) return NULL;
  char *p = PyArray_DATA(g.out);
  int64_t cnt = g.b - g.a;
  int full = g.a == 0 && g.b == g.total;
  jr_status st = JR_OK;
  if (scalar) {
    Py_BEGIN_ALLOW_THREADS;
    st = keep(full ? jr_uniform(g.ctx, g.key, d.dt, g.ndim, g.dims, lo, hi, p)
                   : jr_uniform_range(g.ctx, g.key, d.dt, g.total, g.a, cnt, lo,
                                      hi, p));
    Py_END_ALLOW_THREADS;
    return gen_finish(&g, st);
  }
  /* Array bounds (broadcast to shape): one library call per run of
   * elements sharing (minval, maxval), so every element is exactly the
   * scalar-bound result. */
  npy_intp bstr[2][JR_MAX_NDIM];
  PyArrayObject *ba[2] = {NULL, NULL};
  for (int k = 0; k < 2; k++) {
    PyObject *src = bounds[k] ? bounds[k] : PyFloat_FromDouble(k ? 1.0 : 0.0);
    if (!src) break;
    ba[k] = bound_array(src, k ? "maxval" : "minval", g.ndim, g.dims, bstr[k]);
    if (!bounds[k]) Py_DECREF(src);
    if (!ba[k]) break;
  }
  if (!ba[0] || !ba[1]) {
    Py_XDECREF(ba[0]);
    Py_XDECREF(ba[1]);
    jr_ctx_free(g.own);
    Py_DECREF(g.out);
    return NULL;
  }
  size_t es = jr_dtype_size(d.dt);
  const char *b0 = PyArray_BYTES(ba[0]), *b1 = PyArray_BYTES(ba[1]);
  Py_BEGIN_ALLOW_THREADS;
  int64_t run = g.a;
  double rlo = 0, rhi = 0;
  for (int64_t i = g.a; i <= g.b && st == JR_OK; i++) {
    double l = 0, h = 0;
    int flush = i == g.b;
    if (!flush) {
      memcpy(&l, b0 + bcast_offset(i, g.ndim, g.dims, bstr[0]), 8);
      memcpy(&h, b1 + bcast_offset(i, g.ndim, g.dims, bstr[1]), 8);
      flush = i > g.a && (memcmp(&l, &rlo, 8) != 0 || memcmp(&h, &rhi, 8) != 0);
    }
    if (flush && i > run) {
      st = keep(jr_uniform_range(g.ctx, g.key, d.dt, g.total, run, i - run, rlo,
                                 rhi, p + (size_t)(run - g.a) * es));
      run = i;
    }
    rlo = l;
    rhi = h;
  }
  Py_END_ALLOW_THREADS;
  Py_DECREF(ba[0]);
  Py_DECREF(ba[1]);
  return gen_finish(&g, st);
}

static PyObject *py_normal(PyObject *self, PyObject *const *args,
                           Py_ssize_t nargs, PyObject *kwnames) {
  (void)self;
  static const char *const names[] = {"key", "shape",   "dtype",
                                      "out", "threads", "rows"};
  PyObject *s[6];
  gen_call g;
  dspec d = {opt(OPT_X64) ? JR_FLOAT64 : JR_FLOAT32, 0};
  if (parse_args("normal", args, nargs, kwnames, names, 6, 3, 1, s) < 0 ||
      parse_key(s[0], "normal", &g.key) < 0)
    return NULL;
  if (s[2] && s[2] != Py_None && parse_dtype(s[2], &d) < 0) return NULL;
  if (d.complex_bits) {
    PyErr_Format(PyExc_NotImplementedError,
                 "normal: complex dtype %s is not supported by jaxrandom",
                 dspec_name(&d));
    return NULL;
  }
  if (!is_float_dt(&d)) {
    PyErr_Format(PyExc_ValueError,
                 "dtype argument to `normal` must be a float or complex dtype, "
                 "got %s",
                 dspec_name(&d));
    return NULL;
  }
  if (gen_setup(&g, s[1], d.dt, s[5], s[3], s[4]) < 0) return NULL;
  jr_status st;
  void *p = PyArray_DATA(g.out);
  int64_t cnt = g.b - g.a;
  if (g.a == 0 && g.b == g.total) {
    if (cnt < GIL_RELEASE_MIN) {
      st = keep(jr_normal(g.ctx, g.key, d.dt, g.ndim, g.dims, p));
    } else {
      Py_BEGIN_ALLOW_THREADS;
      st = keep(jr_normal(g.ctx, g.key, d.dt, g.ndim, g.dims, p));
      Py_END_ALLOW_THREADS;
    }
  } else {
    Py_BEGIN_ALLOW_THREADS;
    st = keep(jr_normal_range(g.ctx, g.key, d.dt, g.total, g.a, cnt, p));
    Py_END_ALLOW_THREADS;
  }
  return gen_finish(&g, st);
}

/* ------------------------------------------------------------------ */
/* multivariate_normal                                                 */
/* ------------------------------------------------------------------ */
typedef struct {
  PyArrayObject *mean, *cov; /* owned */
  jr_array m, c;
  int64_t mshape[NPY_MAXDIMS], cshape[NPY_MAXDIMS];
  int64_t mstr[NPY_MAXDIMS], cstr[NPY_MAXDIMS];
  int shape_ndim;
  int64_t shape[JR_MAX_NDIM];
  jr_dtype dtype;
  jr_method method;
} mvn_args;

static void mvn_args_free(mvn_args *a) {
  Py_XDECREF(a->mean);
  Py_XDECREF(a->cov);
  a->mean = a->cov = NULL;
}

/* jnp.asarray + canonicalization: without x64, 64-bit types become their
 * 32-bit ones (values rounded or wrapped as JAX does). */
static PyArrayObject *input_array(PyObject *obj, const char *what) {
  PyArrayObject *a = (PyArrayObject *)PyArray_FromAny(
      obj, NULL, 0, 0, NPY_ARRAY_ALIGNED | NPY_ARRAY_NOTSWAPPED, NULL);
  if (!a) return NULL;
  if (!PyArray_ISNOTSWAPPED(a)) { /* to native byte order */
    PyArray_Descr *nd = PyArray_DescrNewByteorder(PyArray_DESCR(a), NPY_NATIVE);
    PyArrayObject *c =
        nd ? (PyArrayObject *)PyArray_FromArray(a, nd, NPY_ARRAY_DEFAULT)
           : NULL;
    Py_DECREF(a);
    if (!(a = c)) return NULL;
  }
  jr_dtype d = descr_to_jr(PyArray_DESCR(a));
  if (d == JR_DTYPE_NONE) {
    PyErr_Format(PyExc_TypeError,
                 "multivariate_normal: %s must be a real array, got dtype %S "
                 "(jaxrandom does not sample complex normals)",
                 what, (PyObject *)PyArray_DESCR(a));
    Py_DECREF(a);
    return NULL;
  }
  int to = -1;
  if (!opt(OPT_X64))
    to = d == JR_FLOAT64  ? NPY_FLOAT32
         : d == JR_INT64  ? NPY_INT32
         : d == JR_UINT64 ? NPY_UINT32
                          : -1;
  if (to >= 0) {
    PyArrayObject *c = (PyArrayObject *)PyArray_Cast(a, to);
    Py_DECREF(a);
    a = c;
  }
  return a;
}

static int to_view(PyArrayObject **pa, jr_array *v, int64_t *shape,
                   int64_t *str) {
  PyArrayObject *a = *pa;
  int nd = PyArray_NDIM(a), strided = !PyArray_IS_C_CONTIGUOUS(a);
  npy_intp es = PyArray_ITEMSIZE(a);
  for (int i = 0; i < nd; i++)
    if (PyArray_STRIDES(a)[i] % es) {
      PyArrayObject *c = (PyArrayObject *)PyArray_NewCopy(a, NPY_CORDER);
      if (!c) return -1;
      Py_DECREF(a);
      *pa = a = c;
      strided = 0;
      break;
    }
  for (int i = 0; i < nd; i++) {
    shape[i] = PyArray_DIMS(a)[i];
    str[i] = PyArray_STRIDES(a)[i] / es;
  }
  v->data = PyArray_DATA(a);
  v->dtype = descr_to_jr(PyArray_DESCR(a));
  v->ndim = nd;
  v->shape = shape;
  v->strides = strided ? str : NULL;
  return 0;
}

static int mvn_parse(mvn_args *a, PyObject *mean, PyObject *cov,
                     PyObject *shape, PyObject *dtype, PyObject *method) {
  memset(a, 0, sizeof *a);
  a->mean = input_array(mean, "mean");
  if (!a->mean) return -1;
  a->cov = input_array(cov, "cov");
  if (!a->cov) goto fail;
  /* promote_dtypes_inexact: two integer/bool inputs give the default float
   * (float64 with x64; the library's own choice is float32). */
  if (opt(OPT_X64) && !jr_dtype_is_float(descr_to_jr(PyArray_DESCR(a->mean))) &&
      !jr_dtype_is_float(descr_to_jr(PyArray_DESCR(a->cov)))) {
    PyArrayObject *m = (PyArrayObject *)PyArray_Cast(a->mean, NPY_FLOAT64);
    Py_DECREF(a->mean);
    a->mean = m;
    if (!m) goto fail;
    PyArrayObject *c = (PyArrayObject *)PyArray_Cast(a->cov, NPY_FLOAT64);
    Py_DECREF(a->cov);
    a->cov = c;
    if (!c) goto fail;
  }
  a->method = JR_CHOLESKY;
  if (method) {
    static const char *const mn[3] = {"cholesky", "eigh", "svd"};
    int found = -1;
    if (PyUnicode_Check(method))
      for (int i = 0; i < 3; i++)
        if (PyUnicode_CompareWithASCIIString(method, mn[i]) == 0) found = i;
    if (found < 0) {
      PyErr_SetString(PyExc_ValueError,
                      "method must be one of {'svd', 'eigh', 'cholesky'}");
      goto fail;
    }
    a->method = (jr_method)found;
  }
  a->dtype = JR_DTYPE_NONE;
  if (dtype && dtype != Py_None) {
    dspec d;
    if (parse_dtype(dtype, &d) < 0) goto fail;
    if (!is_float_dt(&d)) {
      PyErr_Format(PyExc_ValueError,
                   "dtype argument to `multivariate_normal` must be a float "
                   "dtype, got %s",
                   dspec_name(&d));
      goto fail;
    }
    a->dtype = d.dt;
  }
  a->shape_ndim = JR_SHAPE_NONE;
  if (shape && shape != Py_None &&
      parse_shape(shape, &a->shape_ndim, a->shape) < 0)
    goto fail;
  if (to_view(&a->mean, &a->m, a->mshape, a->mstr) < 0 ||
      to_view(&a->cov, &a->c, a->cshape, a->cstr) < 0)
    goto fail;
  return 0;
fail:
  mvn_args_free(a);
  return -1;
}

static PyObject *py_mvn(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                        PyObject *kwnames) {
  (void)self;
  static const char *const names[] = {"key",   "mean",        "cov", "shape",
                                      "dtype", "method",      "out", "threads",
                                      "rows",  "check_valid", "tol"};
  PyObject *s[11];
  jr_key key;
  mvn_args a;
  if (parse_args("multivariate_normal", args, nargs, kwnames, names, 11, 6, 3,
                 s) < 0 ||
      parse_key(s[0], "multivariate_normal", &key) < 0 ||
      mvn_parse(&a, s[1], s[2], s[3], s[4], s[5]) < 0)
    return NULL;
  jr_dtype odt;
  int ond;
  int64_t osh[JR_MAX_NDIM];
  jr_status st = jr_multivariate_normal_shape(
      &a.m, &a.c, a.shape_ndim, a.shape, a.dtype, a.method, &odt, &ond, osh);
  if (st != JR_OK) {
    mvn_args_free(&a);
    return raise_status(st);
  }
  int64_t rows_total = 1, ra, rb;
  for (int i = 0; i < ond - 1; i++)
    rows_total *= osh[i];
  int sliced = s[8] && s[8] != Py_None;
  warn_buf w;
  w.n = 0;
  pthread_mutex_init(&w.mu, NULL);
  ctx_opts o = {s[7], s[9], s[10], &w};
  jr_ctx *own = NULL;
  PyArrayObject *out = NULL;
  if (parse_rows(s[8], rows_total, &ra, &rb) < 0 || !make_ctx(&o, &own))
    goto fail;
  int64_t slice_shape[2] = {rb - ra, osh[ond - 1]};
  out = sliced ? result_array(s[6], odt, 2, slice_shape)
               : result_array(s[6], odt, ond, osh);
  if (!out) goto fail;
  jr_array ov = {PyArray_DATA(out), odt, ond, osh, NULL};
  void *op = PyArray_DATA(out);
  Py_BEGIN_ALLOW_THREADS;
  if (!sliced) {
    st = keep(jr_multivariate_normal(own, key, &a.m, &a.c, a.shape_ndim,
                                     a.shape, a.dtype, a.method, &ov));
  } else {
    jr_mvn *mvn = NULL;
    st = keep(jr_mvn_create(own, &a.m, &a.c, a.shape_ndim, a.shape, a.dtype,
                            a.method, &mvn));
    if (st == JR_OK) st = keep(jr_mvn_sample_rows(mvn, own, key, ra, rb, op));
    jr_mvn_free(mvn);
  }
  Py_END_ALLOW_THREADS;
  jr_ctx_free(own);
  own = NULL;
  mvn_args_free(&a);
  if (st != JR_OK) {
    Py_DECREF(out);
    raise_status(st);
    flush_warnings(&w);
    pthread_mutex_destroy(&w.mu);
    return NULL;
  }
  if (flush_warnings(&w) < 0) {
    Py_DECREF(out);
    out = NULL;
  }
  pthread_mutex_destroy(&w.mu);
  return (PyObject *)out;
fail:
  jr_ctx_free(own);
  mvn_args_free(&a);
  pthread_mutex_destroy(&w.mu);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* jax.scipy.stats.multivariate_normal.logpdf / pdf                    */
/* ------------------------------------------------------------------ */
static PyObject *py_mvn_density(PyObject *self, PyObject *const *args,
                                Py_ssize_t nargs, PyObject *kwnames) {
  (void)self;
  static const char *const names[] = {"x", "mean", "cov", "pdf"};
  PyObject *s[4];
  if (parse_args("_mvn_density", args, nargs, kwnames, names, 4, 4, 4, s) < 0)
    return NULL;
  const int pdf = PyObject_IsTrue(s[3]);
  if (pdf < 0) return NULL;
  PyArrayObject *in[3] = {NULL, NULL, NULL};
  static const char *const what[3] = {"x", "mean", "cov"};
  jr_array v[3];
  int64_t shp[3][NPY_MAXDIMS], str[3][NPY_MAXDIMS];
  PyArrayObject *out = NULL;
  int nonfloat = 0;
  for (int i = 0; i < 3; i++) {
    if (!(in[i] = input_array(s[i], what[i]))) goto fail;
    nonfloat += !jr_dtype_is_float(descr_to_jr(PyArray_DESCR(in[i])));
  }
  /* promote_dtypes_inexact with x64: only integers/bool give float64 */
  if (opt(OPT_X64) && nonfloat == 3)
    for (int i = 0; i < 3; i++) {
      PyArrayObject *c = (PyArrayObject *)PyArray_Cast(in[i], NPY_FLOAT64);
      Py_DECREF(in[i]);
      if (!(in[i] = c)) goto fail;
    }
  for (int i = 0; i < 3; i++)
    if (to_view(&in[i], &v[i], shp[i], str[i]) < 0) goto fail;
  jr_dtype odt;
  int ond;
  int64_t osh[JR_MAX_NDIM];
  jr_status st = jr_mvn_logpdf_shape(&v[0], &v[1], &v[2], &odt, &ond, osh);
  if (st != JR_OK) {
    raise_status(st);
    goto fail;
  }
  if (!(out = result_array(NULL, odt, ond, osh))) goto fail;
  jr_array ov = {PyArray_DATA(out), odt, ond, osh, NULL};
  Py_BEGIN_ALLOW_THREADS;
  st = keep(pdf ? jr_mvn_pdf(NULL, &v[0], &v[1], &v[2], &ov)
                : jr_mvn_logpdf(NULL, &v[0], &v[1], &v[2], &ov));
  Py_END_ALLOW_THREADS;
  if (st != JR_OK) {
    raise_status(st);
    goto fail;
  }
  for (int i = 0; i < 3; i++)
    Py_XDECREF(in[i]);
  return (PyObject *)out;
fail:
  for (int i = 0; i < 3; i++)
    Py_XDECREF(in[i]);
  Py_XDECREF(out);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* MultivariateNormal: jr_mvn_create once, sample many times           */
/* ------------------------------------------------------------------ */
typedef struct {
  PyObject_HEAD jr_mvn *mvn;
  jr_dtype dtype;
  int ndim;
  int64_t shape[JR_MAX_NDIM];
  int64_t rows, n;
} MVNObject;

static void mvn_dealloc(MVNObject *self) {
  jr_mvn_free(self->mvn);
  Py_TYPE(self)->tp_free((PyObject *)self);
}

static int mvn_init(MVNObject *self, PyObject *args, PyObject *kwds) {
  static char *kwl[] = {"mean",      "cov",         "shape", "dtype",
                        "method",    "check_valid", "tol",   "scale_tril",
                        "precision", "diag",        NULL};
  PyObject *mean, *cov = NULL, *shape = NULL, *dtype = NULL, *method = NULL,
                  *check = NULL, *tol = NULL, *forms[3] = {NULL, NULL, NULL};
  if (!PyArg_ParseTupleAndKeywords(args, kwds,
                                   "O|OOOO$OOOOO:MultivariateNormal", kwl,
                                   &mean, &cov, &shape, &dtype, &method, &check,
                                   &tol, &forms[0], &forms[1], &forms[2]))
    return -1;
  if (self->mvn) {
    jr_mvn_free(self->mvn);
    self->mvn = NULL;
  }
  /* exactly one of cov and the other parameterizations (beyond JAX:
   * jr_mvn_create_form) */
  static const jr_cov_form fid[3] = {JR_COV_SCALE_TRIL, JR_COV_PRECISION,
                                     JR_COV_DIAG};
  jr_cov_form form = JR_COV_FULL;
  PyObject *param = cov == Py_None ? NULL : cov;
  int given = param != NULL;
  for (int i = 0; i < 3; i++)
    if (forms[i] && forms[i] != Py_None) {
      given++;
      param = forms[i];
      form = fid[i];
    }
  if (given != 1) {
    PyErr_SetString(PyExc_TypeError,
                    "MultivariateNormal: give exactly one of cov, scale_tril, "
                    "precision and diag");
    return -1;
  }
  if (method == Py_None) method = NULL;
  if (form != JR_COV_FULL && method) {
    PyErr_SetString(PyExc_ValueError,
                    "MultivariateNormal: method applies to cov only "
                    "(scale_tril, precision and diag give the factor)");
    return -1;
  }
  mvn_args a;
  if (mvn_parse(&a, mean, param, shape, dtype, method) < 0) return -1;
  warn_buf w;
  w.n = 0;
  pthread_mutex_init(&w.mu, NULL);
  ctx_opts o = {NULL, check, tol, &w};
  jr_ctx *own = NULL;
  int rc = -1;
  if (make_ctx(&o, &own)) {
    jr_status st;
    jr_mvn *m = NULL;
    Py_BEGIN_ALLOW_THREADS;
    st = form == JR_COV_FULL
             ? keep(jr_mvn_create(own, &a.m, &a.c, a.shape_ndim, a.shape,
                                  a.dtype, a.method, &m))
             : keep(jr_mvn_create_form(own, &a.m, &a.c, form, a.shape_ndim,
                                       a.shape, a.dtype, 0, -1, &m));
    Py_END_ALLOW_THREADS;
    if (st == JR_OK)
      st = keep(jr_mvn_describe(m, &self->dtype, &self->ndim, self->shape,
                                &self->rows, &self->n));
    if (st != JR_OK) {
      jr_mvn_free(m);
      raise_status(st);
      flush_warnings(&w);
    } else {
      self->mvn = m;
      rc = flush_warnings(&w);
    }
  }
  jr_ctx_free(own);
  pthread_mutex_destroy(&w.mu);
  mvn_args_free(&a);
  return rc;
}

static int mvn_ready(MVNObject *self) {
  if (self->mvn) return 0;
  PyErr_SetString(PyExc_ValueError, "MultivariateNormal is not initialized");
  return -1;
}

static PyObject *mvn_sample(MVNObject *self, PyObject *const *args,
                            Py_ssize_t nargs, PyObject *kwnames) {
  static const char *const names[] = {"key", "out", "threads", "rows"};
  PyObject *s[4];
  jr_key key;
  int64_t ra, rb;
  if (mvn_ready(self) < 0 ||
      parse_args("sample", args, nargs, kwnames, names, 4, 1, 1, s) < 0 ||
      parse_key(s[0], "multivariate_normal", &key) < 0 ||
      parse_rows(s[3], self->rows, &ra, &rb) < 0)
    return NULL;
  ctx_opts o = {s[2], NULL, NULL, NULL};
  jr_ctx *own = NULL;
  const jr_ctx *ctx = make_ctx(&o, &own);
  if (!ctx) return NULL;
  int sliced = s[3] && s[3] != Py_None;
  int64_t slice_shape[2] = {rb - ra, self->n};
  PyArrayObject *out =
      sliced ? result_array(s[1], self->dtype, 2, slice_shape)
             : result_array(s[1], self->dtype, self->ndim, self->shape);
  if (!out) {
    jr_ctx_free(own);
    return NULL;
  }
  jr_status st;
  void *op = PyArray_DATA(out);
  Py_BEGIN_ALLOW_THREADS;
  st = keep(jr_mvn_sample_rows(self->mvn, ctx, key, ra, rb, op));
  Py_END_ALLOW_THREADS;
  jr_ctx_free(own);
  if (st != JR_OK) {
    Py_DECREF(out);
    return raise_status(st);
  }
  return (PyObject *)out;
}

static PyObject *mvn_factor(MVNObject *self, PyObject *arg) {
  if (mvn_ready(self) < 0) return NULL;
  long long row = PyLong_AsLongLong(arg);
  if (row == -1 && PyErr_Occurred()) return NULL;
  npy_intp d[2] = {(npy_intp)self->n, (npy_intp)self->n};
  PyArrayObject *r = (PyArrayObject *)PyArray_SimpleNew(2, d, NPY_FLOAT64);
  if (!r) return NULL;
  jr_status st = jr_mvn_factor(self->mvn, row, PyArray_DATA(r));
  if (st != JR_OK) {
    Py_DECREF(r);
    return raise_status(st);
  }
  return (PyObject *)r;
}

/* log_prob / logpdf / pdf: the density from the object's own factors
 * (jr_mvn_logpdf_eval), the bytes of multivariate_normal.logpdf for the
 * object's mean and covariance. x may not promote the object's dtype. */
static PyObject *mvn_density_of(MVNObject *self, PyObject *xo, int pdf) {
  if (mvn_ready(self) < 0) return NULL;
  PyArrayObject *in = input_array(xo, "x"), *out = NULL;
  if (!in) return NULL;
  jr_array v;
  int64_t shp[NPY_MAXDIMS], str[NPY_MAXDIMS];
  if (to_view(&in, &v, shp, str) < 0) {
    Py_XDECREF(in);
    return NULL;
  }
  jr_dtype odt;
  int ond;
  int64_t osh[JR_MAX_NDIM];
  jr_status st;
  /* the first call may factor (eigh, svd, float32): without the GIL */
  Py_BEGIN_ALLOW_THREADS;
  st = keep(jr_mvn_logpdf_eval_shape(self->mvn, &v, &odt, &ond, osh));
  Py_END_ALLOW_THREADS;
  if (st != JR_OK) {
    Py_DECREF(in);
    return raise_status(st);
  }
  if (!(out = result_array(NULL, odt, ond, osh))) {
    Py_DECREF(in);
    return NULL;
  }
  void *op = PyArray_DATA(out);
  Py_BEGIN_ALLOW_THREADS;
  st = keep(jr_mvn_logpdf_eval(self->mvn, NULL, &v, pdf, 0, -1, op));
  Py_END_ALLOW_THREADS;
  Py_DECREF(in);
  if (st != JR_OK) {
    Py_DECREF(out);
    return raise_status(st);
  }
  return (PyObject *)out;
}

static PyObject *mvn_logpdf(MVNObject *self, PyObject *x) {
  return mvn_density_of(self, x, 0);
}
static PyObject *mvn_pdf(MVNObject *self, PyObject *x) {
  return mvn_density_of(self, x, 1);
}

static PyObject *mvn_get_shape(MVNObject *self, void *c) {
  (void)c;
  if (mvn_ready(self) < 0) return NULL;
  PyObject *t = PyTuple_New(self->ndim);
  for (int i = 0; t && i < self->ndim; i++)
    PyTuple_SET_ITEM(t, i, PyLong_FromLongLong(self->shape[i]));
  return t;
}
static PyObject *mvn_get_dtype(MVNObject *self, void *c) {
  (void)c;
  if (mvn_ready(self) < 0) return NULL;
  return (PyObject *)jr_to_descr(self->dtype);
}
static PyObject *mvn_get_rows(MVNObject *self, void *c) {
  (void)c;
  if (mvn_ready(self) < 0) return NULL;
  return PyLong_FromLongLong(self->rows);
}
static PyObject *mvn_get_n(MVNObject *self, void *c) {
  (void)c;
  if (mvn_ready(self) < 0) return NULL;
  return PyLong_FromLongLong(self->n);
}

static PyObject *mvn_repr(MVNObject *self) {
  if (!self->mvn)
    return PyUnicode_FromString("MultivariateNormal(<uninitialized>)");
  char sh[512];
  format_shape(sh, sizeof sh, self->ndim, self->shape);
  return PyUnicode_FromFormat("MultivariateNormal(shape=%s, dtype=%s)", sh,
                              jr_dtype_name(self->dtype));
}

static PyMethodDef mvn_methods[] = {
    {"sample", (PyCFunction)(void (*)(void))mvn_sample,
     METH_FASTCALL | METH_KEYWORDS,
     "sample(key, *, out=None, threads=None, rows=None)\n\n"
     "The samples of multivariate_normal(key, mean, cov, shape, dtype, "
     "method)\n"
     "from the stored factors; rows= gives a slice of the flattened batch."},
    {"factor", (PyCFunction)mvn_factor, METH_O,
     "factor(row): the n x n factor F (float64) of batch row `row`; samples\n"
     "are mean + F z."},
    {"log_prob", (PyCFunction)mvn_logpdf, METH_O,
     "log_prob(x): the log density at x, as\n"
     "jax.scipy.stats.multivariate_normal.logpdf(x, mean, cov) (or the\n"
     "parameterization's density) byte for byte, from this object's\n"
     "factors (jr_mvn_logpdf_eval): no factorization again for cholesky in\n"
     "float64, scale_tril, precision and diag; eigh, svd and float32\n"
     "cholesky factor by Cholesky once, on the first call. x may not widen\n"
     "the dtype of mean and cov. As torch's MultivariateNormal.log_prob."},
    {"logpdf", (PyCFunction)mvn_logpdf, METH_O, "logpdf(x): log_prob(x)."},
    {"pdf", (PyCFunction)mvn_pdf, METH_O, "pdf(x): exp(logpdf(x))."},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef mvn_getset[] = {
    {"shape", (getter)mvn_get_shape, NULL, "the result shape", NULL},
    {"dtype", (getter)mvn_get_dtype, NULL, "the result dtype", NULL},
    {"rows", (getter)mvn_get_rows, NULL, "rows of the flattened batch", NULL},
    {"n", (getter)mvn_get_n, NULL, "the dimension (last axis)", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyTypeObject MVNType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "jaxrandom.MultivariateNormal",
    .tp_basicsize = sizeof(MVNObject),
    .tp_dealloc = (destructor)mvn_dealloc,
    .tp_repr = (reprfunc)mvn_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "MultivariateNormal(mean, cov, shape=None, dtype=None, "
              "method='cholesky', *, check_valid='ignore', tol=1e-8,\n"
              "                   scale_tril=None, precision=None, "
              "diag=None)\n\n"
              "Factors cov once (jr_mvn_create); sample(key) then equals\n"
              "multivariate_normal(key, mean, cov, shape, dtype, method) "
              "byte for byte.\n\n"
              "Beyond JAX: instead of cov, one of the keywords\n"
              "scale_tril=L (..., n, n), precision=P (..., n, n) or\n"
              "diag=V (..., n) (jr_mvn_create_form): samples mean + F z\n"
              "with F = tril(L), L_P^-T or diag(sqrt(V)); no method.",
    .tp_methods = mvn_methods,
    .tp_getset = mvn_getset,
    .tp_init = (initproc)mvn_init,
    .tp_new = PyType_GenericNew,
};

/* ------------------------------------------------------------------ */
/* Configuration access for the Python layer                          */
/* ------------------------------------------------------------------ */
static int opt_index(PyObject *name) {
  if (PyUnicode_Check(name)) {
    if (PyUnicode_CompareWithASCIIString(name, "jax_enable_x64") == 0)
      return OPT_X64;
    if (PyUnicode_CompareWithASCIIString(name, "jax_threefry_partitionable") ==
        0)
      return OPT_PARTITIONABLE;
    if (PyUnicode_CompareWithASCIIString(name, "_xla_log1p_2026_08") == 0)
      return OPT_LOG1P;
  }
  PyErr_Format(PyExc_AttributeError, "Unrecognized config option: %S", name);
  return -1;
}

/* _set_option(name, value, local): sets the global value, or the
 * thread-local override (value None clears it); returns the previous one
 * (None for an unset override). */
static PyObject *py_set_option(PyObject *self, PyObject *args) {
  (void)self;
  PyObject *name, *value;
  int local;
  if (!PyArg_ParseTuple(args, "OOp", &name, &value, &local)) return NULL;
  int i = opt_index(name);
  if (i < 0) return NULL;
  int v = -1;
  if (value != Py_None) {
    v = PyObject_IsTrue(value);
    if (v < 0) return NULL;
  } else if (!local) {
    PyErr_SetString(PyExc_TypeError, "a global option needs a value");
    return NULL;
  }
  int *slot = local ? &t_opt[i] : &g_opt[i];
  int prev = *slot;
  *slot = v;
  if (prev < 0) Py_RETURN_NONE;
  return PyBool_FromLong(prev);
}

static PyObject *py_get_option(PyObject *self, PyObject *name) {
  (void)self;
  int i = opt_index(name);
  if (i < 0) return NULL;
  return PyBool_FromLong(opt(i));
}

static PyObject *py_isa(PyObject *self, PyObject *noarg) {
  (void)self;
  (void)noarg;
  return PyUnicode_FromString(jr_isa_name(jr_isa_active()));
}

/* The kernel sets this build and CPU can run (names for JAXRANDOM_ISA). */
static PyObject *py_isas(PyObject *self, PyObject *noarg) {
  (void)self;
  (void)noarg;
  PyObject *l = PyList_New(0);
  const jr_isa all[3] = {JR_ISA_REF, JR_ISA_AVX2, JR_ISA_AVX512};
  for (int i = 0; l && i < 3; i++)
    if (jr_isa_supported(all[i])) {
      PyObject *n = PyUnicode_FromString(jr_isa_name(all[i]));
      if (!n || PyList_Append(l, n) < 0) {
        Py_XDECREF(n);
        Py_DECREF(l);
        return NULL;
      }
      Py_DECREF(n);
    }
  return l;
}

static PyObject *py_version(PyObject *self, PyObject *noarg) {
  (void)self;
  (void)noarg;
  return PyUnicode_FromString(jr_version_string());
}

/* _xla_math(name, bits): the library's scalar XLA:CPU functions over an
 * array of IEEE bit patterns (uint16/uint32/uint64 per type), returning bit
 * patterns; for testing against XLA's own input/output pairs. */
static PyObject *py_xla_math(PyObject *self, PyObject *args) {
  (void)self;
  const char *name;
  PyObject *obj;
  if (!PyArg_ParseTuple(args, "sO", &name, &obj)) return NULL;
  static const char *const fns[] = {
      "erf_inv_f32", "erf_inv_f64", "erf_inv_f16", "erf_inv_bf16",
      "log_f32",     "log1p_f32",   "log_f64",     "log1p_f64"};
  int f = -1;
  for (int i = 0; i < 8; i++)
    if (strcmp(name, fns[i]) == 0) f = i;
  if (f < 0) {
    PyErr_Format(PyExc_ValueError, "_xla_math: unknown function %s", name);
    return NULL;
  }
  int tn = (f == 2 || f == 3)   ? NPY_UINT16
           : (f == 1 || f >= 6) ? NPY_UINT64
                                : NPY_UINT32;
  PyArrayObject *a = (PyArrayObject *)PyArray_FROMANY(
      obj, tn, 0, 0, NPY_ARRAY_CARRAY | NPY_ARRAY_FORCECAST);
  if (!a) return NULL;
  PyArrayObject *r =
      (PyArrayObject *)PyArray_NewLikeArray(a, NPY_CORDER, NULL, 0);
  if (!r) {
    Py_DECREF(a);
    return NULL;
  }
  npy_intp n = PyArray_SIZE(a);
  const char *in = PyArray_BYTES(a);
  char *out = PyArray_BYTES(r);
  for (npy_intp i = 0; i < n; i++) {
    if (tn == NPY_UINT16) {
      uint16_t h, o;
      memcpy(&h, in + 2 * i, 2);
      o = f == 2 ? jr_f32_to_f16(jr_erf_inv_f32(jr_f16_to_f32(h)))
                 : jr_f32_to_bf16(jr_erf_inv_f32(jr_bf16_to_f32(h)));
      memcpy(out + 2 * i, &o, 2);
    } else if (tn == NPY_UINT32) {
      float x, y;
      memcpy(&x, in + 4 * i, 4);
      y = f == 0 ? jr_erf_inv_f32(x) : f == 4 ? jr_log_f32(x) : jr_log1p_f32(x);
      memcpy(out + 4 * i, &y, 4);
    } else {
      double x, y;
      memcpy(&x, in + 8 * i, 8);
      y = f == 1 ? jr_erf_inv_f64(x) : f == 6 ? log(x) : jr_log1p_f64(x);
      memcpy(out + 8 * i, &y, 8);
    }
  }
  Py_DECREF(a);
  return (PyObject *)r;
}

/* _threefry2x32(k0, k1, x0, x1): the raw hash, for the known-answer tests. */
static PyObject *py_threefry(PyObject *self, PyObject *args) {
  (void)self;
  unsigned long k0, k1, x0, x1;
  if (!PyArg_ParseTuple(args, "kkkk", &k0, &k1, &x0, &x1)) return NULL;
  jr_key k = {{(uint32_t)k0, (uint32_t)k1}};
  uint32_t y[2];
  jr_threefry2x32(k, (uint32_t)x0, (uint32_t)x1, y);
  return Py_BuildValue("(kk)", (unsigned long)y[0], (unsigned long)y[1]);
}

#define FAST(name, fn, doc)                                                    \
  { name, (PyCFunction)(void (*)(void))fn, METH_FASTCALL | METH_KEYWORDS, doc }

static PyMethodDef methods[] = {
    FAST("key", py_key,
         "key(seed, *, impl=None, dtype=None)\n\njax.random.key(seed) as its "
         "key data: a uint32 array of shape (2,)."),
    FAST("PRNGKey", py_prngkey,
         "PRNGKey(seed, *, impl=None)\n\njax.random.PRNGKey(seed): a uint32 "
         "array of shape (2,)."),
    FAST("fold_in", py_fold_in,
         "fold_in(key, data)\n\njax.random.fold_in; data is taken mod 2**32."),
    FAST("split", py_split,
         "split(key, num=2)\n\njax.random.split; num is an int or a shape. "
         "Returns uint32 keys of shape num + (2,)."),
    FAST("bits", py_bits,
         "bits(key, shape=(), dtype=None, *, out=None, threads=None, rows=None)"
         "\n\njax.random.bits. rows= (a slice of the flattened output) returns "
         "those elements only."),
    FAST("uniform", py_uniform,
         "uniform(key, shape=(), dtype=float, minval=0., maxval=1., *, "
         "out=None, threads=None, rows=None)\n\njax.random.uniform."),
    FAST("normal", py_normal,
         "normal(key, shape=(), dtype=float, *, out=None, threads=None, "
         "rows=None)\n\njax.random.normal for real float dtypes."),
    FAST("multivariate_normal", py_mvn,
         "multivariate_normal(key, mean, cov, shape=None, dtype=None, "
         "method='cholesky', *, out=None, threads=None, rows=None, "
         "check_valid='ignore', tol=1e-8)\n\njax.random.multivariate_normal. "
         "rows= samples a slice of the flattened batch (shape (rows, n))."),
    FAST("_mvn_density", py_mvn_density,
         "_mvn_density(x, mean, cov, pdf)\n\nmultivariate_normal.logpdf "
         "(pdf true: pdf) with jax.scipy.stats' semantics; see "
         "jaxrandom.scipy.stats.multivariate_normal."),
    {"_set_option", py_set_option, METH_VARARGS, NULL},
    {"_get_option", py_get_option, METH_O, NULL},
    {"_isa", py_isa, METH_NOARGS, "the SIMD kernel set in use"},
    {"_xla_math", py_xla_math, METH_VARARGS, NULL},
    {"_isas", py_isas, METH_NOARGS, "the kernel sets this CPU supports"},
    {"_threefry2x32", py_threefry, METH_VARARGS, NULL},
    {"_library_version", py_version, METH_NOARGS, "libjaxrandom's version"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef moduledef = {PyModuleDef_HEAD_INIT,
                                       "jaxrandom._core",
                                       "jax.random on libjaxrandom.",
                                       -1,
                                       methods,
                                       NULL,
                                       NULL,
                                       NULL,
                                       NULL};

/* ml_dtypes' bfloat16, when it is installed (optional). */
static void load_bfloat16(void) {
  PyObject *ml = PyImport_ImportModule("ml_dtypes");
  if (!ml) {
    PyErr_Clear();
    return;
  }
  PyObject *t = PyObject_GetAttrString(ml, "bfloat16");
  Py_DECREF(ml);
  if (!t) {
    PyErr_Clear();
    return;
  }
  PyArray_Descr *d = NULL;
  if (PyArray_DescrConverter(t, &d) && d && d->elsize == 2) {
    bf16_descr = d;
    bf16_typenum = d->type_num;
  } else {
    Py_XDECREF(d);
    PyErr_Clear();
  }
  Py_DECREF(t);
}

PyMODINIT_FUNC PyInit__core(void) {
  import_array();
  if (PyType_Ready(&MVNType) < 0) return NULL;
  for (int part = 0; part < 2; part++)
    for (int l = 0; l < 2; l++) {
      jr_ctx *c = ctx_def[part][l] = jr_ctx_create();
      if (!c ||
          jr_ctx_set_int(c, JR_PARAM_MODE,
                         part ? JR_PARTITIONABLE : JR_LEGACY) != JR_OK ||
          jr_ctx_set_int(c, JR_PARAM_XLA_LOG1P,
                         l ? JR_XLA_LOG1P_2026_08 : JR_XLA_LOG1P_2024) != JR_OK)
        return PyErr_NoMemory();
    }
  load_bfloat16();
  PyObject *m = PyModule_Create(&moduledef);
  if (!m) return NULL;
  Py_INCREF(&MVNType);
  if (PyModule_AddObject(m, "MultivariateNormal", (PyObject *)&MVNType) < 0 ||
      PyModule_AddIntConstant(m, "HAS_BFLOAT16", bf16_descr != NULL) < 0 ||
      PyModule_AddIntConstant(m, "MAX_NDIM", JR_MAX_NDIM) < 0 ||
      PyModule_AddIntConstant(m, "JAX_VERSION_OLDEST", JR_JAX_VERSION_OLDEST) <
          0 ||
      PyModule_AddIntConstant(m, "JAX_VERSION_NEWEST", JR_JAX_VERSION_NEWEST) <
          0) {
    Py_DECREF(m);
    return NULL;
  }
  return m;
}
