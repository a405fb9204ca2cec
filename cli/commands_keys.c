/* The key subcommands: key, fold-in and split. */
#include <string.h>

#include "commands.h"
#include "commands_common.h"
#include "report.h"

/* key and fold-in: the two words of one key. */
int cli_cmd_key(cli_opts *o) {
  int code = cli_resolve_key(o);
  if (code) return code;
  jr_ctx *ctx = cli_make_ctx(o, &code); /* checks --threads as the others */
  if (!ctx) return code;
  jr_ctx_free(ctx);
  jr_key k = o->key;
  if (o->cmd == CMD_FOLD_IN) {
    if (!o->have_data)
      return cli_error(o, CLI_USAGE,
                       "missing --data D (the integer to fold into the key)");
    k = jr_fold_in(k, o->data);
  }
  cli_source src;
  memset(&src, 0, sizeof src);
  src.kind = SRC_WORDS;
  src.words[0] = k.k[0];
  src.words[1] = k.k[1];
  cli_output out;
  memset(&out, 0, sizeof out);
  out.dtype = JR_UINT32;
  out.ndim = 1;
  out.shape[0] = 2;
  out.line_len = 2;
  out.key_rows = 1;
  return cli_emit(o, &out, &src);
}

int cli_cmd_split(cli_opts *o) {
  int code = cli_resolve_key(o);
  if (code) return code;
  jr_ctx *ctx = cli_make_ctx(o, &code);
  if (!ctx) return code;
  cli_output out;
  memset(&out, 0, sizeof out);
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
                     "--shape: at most %d dimensions for split (the keys add "
                     "one)",
                     JR_MAX_NDIM - 1);
  }
  out.shape[out.ndim++] = 2;
  out.dtype = JR_UINT32;
  out.line_len = 2;
  out.align = 2; /* blocks are whole keys */
  out.key_rows = 1;
  cli_source src;
  memset(&src, 0, sizeof src);
  src.kind = SRC_SPLIT;
  src.ctx = ctx;
  src.key = o->key;
  src.legacy = o->legacy;
  code = cli_emit(o, &out, &src);
  jr_ctx_free(ctx);
  return code;
}
