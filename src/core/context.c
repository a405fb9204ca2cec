/* jr_ctx: the settings JAX keeps in global flags, held per context. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static void jr_default_warning(void *user, const char *msg) {
  (void)user;
  fprintf(stderr, "jaxrandom: warning: %s\n", msg);
}

const jr_ctx jr_ctx_default = {.mode = JR_PARTITIONABLE,
                               .threads = 0,
                               .check = JR_CHECK_IGNORE,
                               .tol = 1e-8,
                               .log1p = JR_XLA_LOG1P_2024,
                               .jax_version = 0,
                               .warn = jr_default_warning,
                               .warn_user = NULL};

/* The first JAX release whose XLA includes 7853755041 (the 2026-08 float64
 * log1p); 0 while no checked release does (see JR_PARAM_JAX_VERSION). */
#define JR_JAX_FIRST_LOG1P_2608 0

/* JR_PARAM_JAX_VERSION: the release's defaults for what was not set
 * explicitly. */
static jr_status jr_set_jax_version(jr_ctx *ctx, int64_t v) {
  if (v < JR_JAX_VERSION_OLDEST || v >= JR_JAX_VERSION(100, 0, 0))
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "JR_PARAM_JAX_VERSION: %lld is not major*10000 + "
                   "minor*100 + patch of a JAX release from 0.4.0 on (e.g. "
                   "41035 for 0.4.35)",
                   (long long)v);
  ctx->jax_version = (int)v;
  if (!ctx->mode_set)
    ctx->mode = v < JR_JAX_VERSION(0, 5, 0) ? JR_LEGACY : JR_PARTITIONABLE;
  if (!ctx->log1p_set)
    ctx->log1p = JR_JAX_FIRST_LOG1P_2608 > 0 && v >= JR_JAX_FIRST_LOG1P_2608
                     ? JR_XLA_LOG1P_2026_08
                     : JR_XLA_LOG1P_2024;
  return JR_OK;
}

jr_ctx *jr_ctx_create(void) {
  jr_ctx *c = malloc(sizeof *c);
  if (c) *c = jr_ctx_default;
  return c;
}

void jr_ctx_free(jr_ctx *ctx) { free(ctx); }

jr_status jr_ctx_set_int(jr_ctx *ctx, jr_param param, int64_t v) {
  if (!ctx) return jr_fail(JR_E_NULL_POINTER, "jr_ctx_set_int: ctx is NULL");
  switch (param) {
  case JR_PARAM_MODE:
    if (v != JR_PARTITIONABLE && v != JR_LEGACY)
      return jr_fail(JR_E_BAD_MODE, "JR_PARAM_MODE: %lld is not a jr_mode",
                     (long long)v);
    ctx->mode = (jr_mode)v;
    ctx->mode_set = 1;
    return JR_OK;
  case JR_PARAM_THREADS:
    if (v < 0 || v > 4096)
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "JR_PARAM_THREADS: %lld is outside [0, 4096] (0 = all cores)",
                     (long long)v);
    ctx->threads = (int)v;
    return JR_OK;
  case JR_PARAM_CHECK_VALID:
    if (v != JR_CHECK_IGNORE && v != JR_CHECK_WARN && v != JR_CHECK_RAISE)
      return jr_fail(JR_E_BAD_MODE,
                     "JR_PARAM_CHECK_VALID: %lld is not a jr_check", (long long)v);
    ctx->check = (jr_check)v;
    return JR_OK;
  case JR_PARAM_XLA_LOG1P:
    if (v != JR_XLA_LOG1P_2024 && v != JR_XLA_LOG1P_2026_08)
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "JR_PARAM_XLA_LOG1P: %lld is not a jr_xla_log1p "
                     "(expected %d = 2024 or %d = 2026-08)",
                     (long long)v, (int)JR_XLA_LOG1P_2024,
                     (int)JR_XLA_LOG1P_2026_08);
    ctx->log1p = (jr_xla_log1p)v;
    ctx->log1p_set = 1;
    return JR_OK;
  case JR_PARAM_JAX_VERSION:
    return jr_set_jax_version(ctx, v);
  case JR_PARAM_TOL:
    break;
  }
  return jr_fail(JR_E_BAD_ARGUMENT, "jr_ctx_set_int: parameter %d is not an "
                 "integer parameter", (int)param);
}

jr_status jr_ctx_get_int(const jr_ctx *ctx, jr_param param, int64_t *v) {
  if (!ctx || !v) return jr_fail(JR_E_NULL_POINTER, "jr_ctx_get_int: NULL argument");
  switch (param) {
  case JR_PARAM_MODE: *v = ctx->mode; return JR_OK;
  case JR_PARAM_THREADS: *v = ctx->threads; return JR_OK;
  case JR_PARAM_CHECK_VALID: *v = ctx->check; return JR_OK;
  case JR_PARAM_XLA_LOG1P: *v = ctx->log1p; return JR_OK;
  case JR_PARAM_JAX_VERSION: *v = ctx->jax_version; return JR_OK;
  case JR_PARAM_TOL: break;
  }
  return jr_fail(JR_E_BAD_ARGUMENT, "jr_ctx_get_int: parameter %d is not an "
                 "integer parameter", (int)param);
}

jr_status jr_ctx_set_double(jr_ctx *ctx, jr_param param, double v) {
  if (!ctx) return jr_fail(JR_E_NULL_POINTER, "jr_ctx_set_double: ctx is NULL");
  if (param != JR_PARAM_TOL)
    return jr_fail(JR_E_BAD_ARGUMENT, "jr_ctx_set_double: parameter %d is not "
                   "a floating-point parameter", (int)param);
  if (!(v >= 0.0) || v > 1e300)
    return jr_fail(JR_E_BAD_ARGUMENT, "JR_PARAM_TOL: %g must be finite and >= 0", v);
  ctx->tol = v;
  return JR_OK;
}

jr_status jr_ctx_get_double(const jr_ctx *ctx, jr_param param, double *v) {
  if (!ctx || !v) return jr_fail(JR_E_NULL_POINTER, "jr_ctx_get_double: NULL argument");
  if (param != JR_PARAM_TOL)
    return jr_fail(JR_E_BAD_ARGUMENT, "jr_ctx_get_double: parameter %d is not "
                   "a floating-point parameter", (int)param);
  *v = ctx->tol;
  return JR_OK;
}

jr_status jr_ctx_set_warning_handler(jr_ctx *ctx, jr_warning_fn fn, void *user) {
  if (!ctx) return jr_fail(JR_E_NULL_POINTER, "jr_ctx_set_warning_handler: ctx is NULL");
  ctx->warn = fn ? fn : jr_default_warning;
  ctx->warn_user = fn ? user : NULL;
  return JR_OK;
}

jr_status jr_check_ctx(const jr_ctx *ctx) {
  if (ctx->mode != JR_PARTITIONABLE && ctx->mode != JR_LEGACY)
    return jr_fail(JR_E_BAD_MODE, "ctx mode %d is not a jr_mode", (int)ctx->mode);
  if (ctx->log1p != JR_XLA_LOG1P_2024 && ctx->log1p != JR_XLA_LOG1P_2026_08)
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "ctx log1p variant %d is not a jr_xla_log1p",
                   (int)ctx->log1p);
  return JR_OK;
}

int jr_ctx_threads(const jr_ctx *ctx, int64_t work) {
  /* Below ~64K elements of work a thread costs more than it saves. */
  const int64_t min_work_per_thread = 1 << 16;
  int t = ctx->threads > 0 ? ctx->threads : jr_cpu_count();
  int64_t useful = work / min_work_per_thread;
  if (useful < 1) useful = 1;
  if (t > useful) t = (int)useful;
  return t < 1 ? 1 : t;
}

void jr_warn(const jr_ctx *ctx, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  ctx->warn(ctx->warn_user, msg);
}
