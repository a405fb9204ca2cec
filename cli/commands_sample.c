/* The elementwise samplers: bits, uniform and normal. */
#include <string.h>

#include "commands.h"
#include "commands_common.h"
#include "report.h"

/* bits: the width from --width/--dtype as jax.random.bits takes it; 0 and
 * *code set on an error. */
static int cli_bits_width(const cli_opts *o, int *code) {
  int width = o->x64 ? 64 : 32; /* jnp.uint, canonicalized */
  *code = CLI_OK;
  if (o->have_dtype) {
    switch (o->dtype) {
    case JR_UINT8: width = 8; break;
    case JR_UINT16: width = 16; break;
    case JR_UINT32: width = 32; break;
    case JR_UINT64: width = 64; break;
    default:
      *code = cli_error(o, CLI_USAGE,
                        "dtype argument to `bits` must be an unsigned int "
                        "dtype, got %s",
                        jr_dtype_name(o->dtype));
      return 0;
    }
    if (o->have_width && o->width != width) {
      *code = cli_error(o, CLI_USAGE, "--width %d contradicts --dtype %s",
                        o->width, jr_dtype_name(o->dtype));
      return 0;
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
  return width;
}

int cli_cmd_sample(cli_opts *o) {
  int code = cli_resolve_key(o);
  if (code) return code;
  jr_ctx *ctx = cli_make_ctx(o, &code);
  if (!ctx) return code;
  cli_source src;
  memset(&src, 0, sizeof src);
  src.ctx = ctx;
  src.key = o->key;
  src.legacy = o->legacy;
  cli_output out;
  memset(&out, 0, sizeof out);
  if (o->cmd == CMD_BITS) {
    src.kind = SRC_BITS;
    src.width = cli_bits_width(o, &code);
    out.dtype = src.width == 8    ? JR_UINT8
                : src.width == 16 ? JR_UINT16
                : src.width == 32 ? JR_UINT32
                                  : JR_UINT64;
  } else {
    const char *fn = o->cmd == CMD_UNIFORM ? "uniform" : "normal";
    if (o->have_dtype && !jr_dtype_is_float(o->dtype))
      code = cli_error(o, CLI_USAGE,
                       "dtype argument to `%s` must be a float dtype, got %s",
                       fn, jr_dtype_name(o->dtype));
    else
      src.dtype = out.dtype = cli_float_dtype(o, fn);
    src.kind = o->cmd == CMD_UNIFORM ? SRC_UNIFORM : SRC_NORMAL;
    src.minval = o->minval;
    src.maxval = o->maxval;
  }
  if (!code) {
    out.ndim = o->have_shape ? o->ndim : 0; /* JAX's default shape=() */
    memcpy(out.shape, o->shape, sizeof o->shape);
    code = cli_emit(o, &out, &src);
  }
  jr_ctx_free(ctx);
  return code;
}
