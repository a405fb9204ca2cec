/* The subcommands key, split, fold-in, bits, uniform and normal. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

jr_ctx *cli_make_ctx(const cli_opts *o, int *code) {
  jr_ctx *ctx = jr_ctx_create();
  *code = CLI_OK;
  if (!ctx) {
    *code = cli_error(o, CLI_RUNTIME, "out of memory");
    return NULL;
  }
  jr_status st = jr_ctx_set_int(ctx, JR_PARAM_MODE,
                                o->legacy ? JR_LEGACY : JR_PARTITIONABLE);
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

/* JAX without x64 computes in 32 bits: float64 requests become float32 (JAX
 * warns), as dtypes.canonicalize_dtype does. */
static jr_dtype cli_float_dtype(const cli_opts *o, const char *fn) {
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

typedef struct {
  const jr_ctx *ctx;
  jr_key key;
  int kind; /* 0 bits, 1 uniform, 2 normal, 3 split */
  int legacy;
  int width;
  jr_dtype dtype;
  int64_t total;
  double minval, maxval;
} cli_gen;

static jr_status cli_gen_fill(void *arg, int64_t start, int64_t count,
                              void *buf) {
  const cli_gen *g = arg;
  switch (g->kind) {
  case 0:
    return jr_random_bits_range(g->ctx, g->key, g->width, g->total, start,
                                count, buf);
  case 1:
    return jr_uniform_range(g->ctx, g->key, g->dtype, g->total, start, count,
                            g->minval, g->maxval, buf);
  case 2:
    return jr_normal_range(g->ctx, g->key, g->dtype, g->total, start, count,
                           buf);
  default: break;
  }
  /* split: keys are pairs of uint32 words; blocks are whole keys (align 2).
   * Partitionable: key j is both words of threefry(key, (j >> 32, j)),
   * which is 64-bit random_bits element j (high word first). Legacy: the
   * 2*num words of threefry_2x32(key, iota(2*num)), i.e. 32-bit
   * random_bits of 2*num elements. Spec sections 4 and 5. */
  uint32_t *w = buf;
  const int64_t keys = count / 2, first = start / 2;
  if (g->legacy)
    return jr_random_bits_range(g->ctx, g->key, 32, g->total, start, count,
                                buf);
  jr_status st =
      jr_random_bits_range(g->ctx, g->key, 64, g->total / 2, first, keys, buf);
  if (st) return st;
  for (int64_t j = 0; j < keys; j++) {
    uint64_t v;
    memcpy(&v, w + 2 * j, 8);
    w[2 * j] = (uint32_t)(v >> 32);
    w[2 * j + 1] = (uint32_t)v;
  }
  return JR_OK;
}

/* key and fold-in: the two words of one key. */
static jr_status cli_words_fill(void *arg, int64_t start, int64_t count,
                                void *buf) {
  memcpy(buf, (const uint32_t *)arg + start, (size_t)count * 4);
  return JR_OK;
}

static int cli_resolve_key(cli_opts *o) {
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

int cli_run(cli_opts *o) {
  int code = cli_resolve_key(o);
  if (code) return code;
  if (o->have_rows && o->cmd != CMD_MVN)
    return cli_error(o, CLI_USAGE, "--rows is only for multivariate-normal");
  if (o->cmd == CMD_MVN) return o->example ? cli_run_demo(o) : cli_run_mvn(o);
  if (o->cmd == CMD_DEMO) return cli_run_demo(o);

  cli_output out;
  memset(&out, 0, sizeof out);
  out.align = 1;
  uint32_t words[2];
  cli_gen g;
  memset(&g, 0, sizeof g);
  g.key = o->key;
  g.legacy = o->legacy;
  jr_ctx *ctx = cli_make_ctx(o, &code);
  if (!ctx) return code;
  g.ctx = ctx;

  switch (o->cmd) {
  case CMD_KEY:
  case CMD_FOLD_IN: {
    jr_key k = o->key;
    if (o->cmd == CMD_FOLD_IN) {
      if (!o->have_data) {
        jr_ctx_free(ctx);
        return cli_error(o, CLI_USAGE,
                         "missing --data D (the integer to "
                         "fold into the key)");
      }
      k = jr_fold_in(k, o->data);
    }
    words[0] = k.k[0];
    words[1] = k.k[1];
    out.dtype = JR_UINT32;
    out.ndim = 1;
    out.shape[0] = 2;
    out.total = 2;
    out.line_len = 2;
    out.key_rows = 1;
    g.kind = -1;
    break;
  }
  case CMD_SPLIT: {
    if (o->have_num && o->have_shape) {
      jr_ctx_free(ctx);
      return cli_error(o, CLI_USAGE, "give either --num or --shape, not both");
    }
    if (o->have_shape) {
      out.ndim = o->ndim;
      memcpy(out.shape, o->shape, sizeof o->shape);
    } else {
      out.ndim = 1;
      out.shape[0] = o->have_num ? o->num : 2; /* JAX's default num=2 */
    }
    if (out.ndim >= JR_MAX_NDIM) {
      jr_ctx_free(ctx);
      return cli_error(o, CLI_USAGE,
                       "--shape: at most %d dimensions for "
                       "split (the keys add one)",
                       JR_MAX_NDIM - 1);
    }
    out.shape[out.ndim++] = 2;
    g.kind = 3;
    out.dtype = JR_UINT32;
    out.line_len = 2;
    out.align = 2;
    out.key_rows = 1;
    break;
  }
  case CMD_BITS: {
    int width = o->x64 ? 64 : 32; /* jnp.uint, canonicalized */
    if (o->have_dtype) {
      switch (o->dtype) {
      case JR_UINT8: width = 8; break;
      case JR_UINT16: width = 16; break;
      case JR_UINT32: width = 32; break;
      case JR_UINT64: width = 64; break;
      default:
        jr_ctx_free(ctx);
        return cli_error(o, CLI_USAGE,
                         "dtype argument to `bits` must be an unsigned int "
                         "dtype, got %s",
                         jr_dtype_name(o->dtype));
      }
      if (o->have_width && o->width != width) {
        jr_ctx_free(ctx);
        return cli_error(o, CLI_USAGE, "--width %d contradicts --dtype %s",
                         o->width, jr_dtype_name(o->dtype));
      }
    }
    if (o->have_width) width = o->width;
    if (width == 64 && !o->x64 && (o->have_width || o->have_dtype)) {
      /* jax.random.bits: check_user_dtype_supported warns, then
       * canonicalize_dtype truncates uint64 to uint32. */
      cli_note(o, "uint64 is not available without --x64 (JAX truncates it "
                  "to uint32 with a warning): generating 32-bit bits");
      width = 32;
    }
    g.kind = 0;
    g.width = width;
    out.dtype = width == 8    ? JR_UINT8
                : width == 16 ? JR_UINT16
                : width == 32 ? JR_UINT32
                              : JR_UINT64;
    break;
  }
  case CMD_UNIFORM:
  case CMD_NORMAL: {
    const char *fn = o->cmd == CMD_UNIFORM ? "uniform" : "normal";
    if (o->have_dtype && !jr_dtype_is_float(o->dtype)) {
      jr_ctx_free(ctx);
      return cli_error(o, CLI_USAGE,
                       "dtype argument to `%s` must be a float dtype, got %s",
                       fn, jr_dtype_name(o->dtype));
    }
    g.kind = o->cmd == CMD_UNIFORM ? 1 : 2;
    g.dtype = out.dtype = cli_float_dtype(o, fn);
    g.minval = o->minval;
    g.maxval = o->maxval;
    break;
  }
  default:
    jr_ctx_free(ctx);
    return cli_error(o, CLI_USAGE, "internal: unknown subcommand");
  }
  if (g.kind >= 0 && g.kind <= 2) {
    out.ndim = o->have_shape ? o->ndim : 0; /* JAX's default shape=() */
    memcpy(out.shape, o->shape, sizeof o->shape);
  }
  jr_status st = jr_shape_size(out.ndim, out.shape, &out.total);
  if (st) {
    jr_ctx_free(ctx);
    return cli_fail_status(o, st);
  }
  if (out.ndim >= 2 && g.kind != 3) out.line_len = out.shape[out.ndim - 1];
  if (!out.line_len) out.line_len = 1;
  g.total = out.total;
  if (g.kind >= 0) {
    out.fill = cli_gen_fill;
    out.arg = &g;
    /* Check the arguments once before opening the output file. */
    uint8_t probe[16];
    if (out.total > 0 && (st = cli_gen_fill(&g, 0, out.align, probe))) {
      jr_ctx_free(ctx);
      return cli_fail_status(o, st);
    }
  } else {
    out.fill = cli_words_fill;
    out.arg = words;
  }
  code = cli_output_sink(o, &out);
  jr_ctx_free(ctx);
  return code;
}
