/* Steps every subcommand shares. */
#include <string.h>

#include "commands_common.h"
#include "input.h"
#include "output.h"
#include "report.h"

int cli_resolve_key(cli_opts *o) {
  if (o->have_seed && o->have_key)
    return cli_error(o, CLI_USAGE, "give either --seed or --key, not both");
  if (o->have_seed) {
    o->key = jr_key_from_seed(o->seed, o->x64);
    return CLI_OK;
  }
  if (o->have_key) return CLI_OK;
  if (o->cmd == CMD_DEMO || o->example) { /* the example's default key */
    o->key = jr_key_from_seed(0, o->x64);
    return CLI_OK;
  }
  return cli_error(o, CLI_USAGE,
                   "missing the key: pass --seed S (as jax.random.key(S)) or "
                   "--key K0,K1 (see 'jaxrandom %s --help')",
                   o->cmd_name);
}

jr_ctx *cli_make_ctx(const cli_opts *o, int *code) {
  jr_ctx *ctx = jr_ctx_create();
  *code = CLI_OK;
  if (!ctx) {
    *code = cli_error(o, CLI_RUNTIME, "out of memory");
    return NULL;
  }
  /* The release's defaults first; the explicit settings then win (the
   * parser resolved o->legacy the same way, for split's key layout). */
  jr_status st = JR_OK;
  if (o->jax_version)
    st = jr_ctx_set_int(ctx, JR_PARAM_JAX_VERSION, o->jax_version);
  if (!st && o->mode_set)
    st = jr_ctx_set_int(ctx, JR_PARAM_MODE,
                        o->legacy ? JR_LEGACY : JR_PARTITIONABLE);
  if (!st && o->have_log1p)
    st = jr_ctx_set_int(ctx, JR_PARAM_XLA_LOG1P, o->xla_log1p);
  if (!st) st = jr_ctx_set_int(ctx, JR_PARAM_THREADS, o->threads);
  if (!st) st = jr_ctx_set_int(ctx, JR_PARAM_CHECK_VALID, o->check);
  if (!st) st = jr_ctx_set_double(ctx, JR_PARAM_TOL, o->tol);
  if (st) {
    *code = cli_fail_status(o, st);
    jr_ctx_free(ctx);
    return NULL;
  }
  return ctx;
}

jr_dtype cli_float_dtype(const cli_opts *o, const char *fn) {
  if (!o->have_dtype) return o->x64 ? JR_FLOAT64 : JR_FLOAT32;
  if (o->dtype == JR_FLOAT64 && !o->x64) {
    cli_note(o,
             "float64 is not available without --x64 (as in JAX with "
             "jax_enable_x64=False, where %s truncates it with a "
             "warning): using float32",
             fn);
    return JR_FLOAT32;
  }
  return o->dtype;
}

int cli_load(const cli_opts *o, const char *spec, const char *what, int is_mean,
             jr_ndarray *a) {
  const cli_env *env = o->env;
  if (env && env->load_input)
    return env->load_input(env->self, o, spec, what, is_mean, a);
  return cli_load_input(o, spec, what, is_mean, a);
}

int cli_sink(const cli_opts *o, const cli_output *out) {
  const cli_env *env = o->env;
  if (env && env->write_output) return env->write_output(env->self, o, out);
  return cli_write_output(o, out);
}

int cli_emit(const cli_opts *o, cli_output *out, cli_source *src) {
  jr_status st = jr_shape_size(out->ndim, out->shape, &out->total);
  if (st) return cli_fail_status(o, st);
  if (!out->line_len)
    out->line_len = out->ndim >= 2 ? out->shape[out->ndim - 1] : 1;
  if (!out->line_len) out->line_len = 1;
  if (out->align < 1) out->align = 1;
  src->total = out->total;
  out->src = src;
  /* Check the arguments once before opening the output file. */
  uint8_t probe[16];
  if (src->kind != SRC_WORDS && out->total > 0 &&
      (st = cli_source_fill(src, 0, out->align, probe)))
    return cli_fail_status(o, st);
  return cli_sink(o, out);
}
