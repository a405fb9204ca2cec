/* The command line's parser: the subcommand and its options into a
 * cli_opts, with every value checked; it never exits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "report.h"

static const struct {
  const char *name;
  cli_cmd cmd;
} cli_cmds[] = {{"key", CMD_KEY},
                {"split", CMD_SPLIT},
                {"fold-in", CMD_FOLD_IN},
                {"fold_in", CMD_FOLD_IN},
                {"bits", CMD_BITS},
                {"uniform", CMD_UNIFORM},
                {"normal", CMD_NORMAL},
                {"multivariate-normal", CMD_MVN},
                {"multivariate_normal", CMD_MVN},
                {"demo", CMD_DEMO},
                {"logpdf", CMD_LOGPDF},
                {"describe-cov", CMD_DESCRIBE},
                {"describe_cov", CMD_DESCRIBE}};

#define B(c) (1u << (c))
#define ALL_CMDS (B(CMD_COUNT) - 1u)
#define BULK (B(CMD_SPLIT) | B(CMD_BITS) | B(CMD_UNIFORM) | B(CMD_NORMAL))

typedef enum {
  OPT_HELP,
  OPT_SEED,
  OPT_KEY,
  OPT_SHAPE,
  OPT_NUM,
  OPT_DATA,
  OPT_WIDTH,
  OPT_DTYPE,
  OPT_MINVAL,
  OPT_MAXVAL,
  OPT_MEAN,
  OPT_COV,
  OPT_METHOD,
  OPT_CHECK,
  OPT_TOL,
  OPT_ROWS,
  OPT_EXAMPLE,
  OPT_LEGACY,
  OPT_PARTITIONABLE,
  OPT_JAX,
  OPT_XLA_LOG1P,
  OPT_X64,
  OPT_OUT,
  OPT_PLOT,
  OPT_FORMAT,
  OPT_FORCE,
  OPT_QUIET,
  OPT_THREADS,
  OPT_X,
  OPT_PDF,
  OPT_SCALE_TRIL,
  OPT_PRECISION,
  OPT_DIAG
} cli_optid;

static const struct {
  const char *name;
  cli_optid id;
  int has_value;
  unsigned cmds;
} cli_optdefs[] = {
    {"help", OPT_HELP, 0, ALL_CMDS},
    {"seed", OPT_SEED, 1, ALL_CMDS},
    {"key", OPT_KEY, 1, ALL_CMDS},
    {"shape", OPT_SHAPE, 1, BULK | B(CMD_MVN) | B(CMD_DEMO)},
    {"num", OPT_NUM, 1, B(CMD_SPLIT)},
    {"data", OPT_DATA, 1, B(CMD_FOLD_IN)},
    {"width", OPT_WIDTH, 1, B(CMD_BITS)},
    {"dtype", OPT_DTYPE, 1,
     B(CMD_BITS) | B(CMD_UNIFORM) | B(CMD_NORMAL) | B(CMD_MVN) | B(CMD_DEMO)},
    {"minval", OPT_MINVAL, 1, B(CMD_UNIFORM)},
    {"maxval", OPT_MAXVAL, 1, B(CMD_UNIFORM)},
    {"mean", OPT_MEAN, 1, B(CMD_MVN) | B(CMD_LOGPDF)},
    {"cov", OPT_COV, 1, B(CMD_MVN) | B(CMD_LOGPDF) | B(CMD_DESCRIBE)},
    {"x", OPT_X, 1, B(CMD_LOGPDF)},
    {"pdf", OPT_PDF, 0, B(CMD_LOGPDF)},
    {"scale-tril", OPT_SCALE_TRIL, 1, B(CMD_LOGPDF) | B(CMD_MVN)},
    {"scale_tril", OPT_SCALE_TRIL, 1, B(CMD_LOGPDF) | B(CMD_MVN)},
    {"precision", OPT_PRECISION, 1, B(CMD_LOGPDF) | B(CMD_MVN)},
    {"diag", OPT_DIAG, 1, B(CMD_LOGPDF) | B(CMD_MVN)},
    {"method", OPT_METHOD, 1, B(CMD_MVN) | B(CMD_DEMO) | B(CMD_DESCRIBE)},
    {"check-valid", OPT_CHECK, 1, B(CMD_MVN) | B(CMD_DEMO) | B(CMD_LOGPDF)},
    {"check_valid", OPT_CHECK, 1, B(CMD_MVN) | B(CMD_DEMO) | B(CMD_LOGPDF)},
    {"tol", OPT_TOL, 1, B(CMD_MVN) | B(CMD_DEMO)},
    {"rows", OPT_ROWS, 1, B(CMD_MVN)},
    {"example", OPT_EXAMPLE, 0, B(CMD_MVN)},
    {"legacy", OPT_LEGACY, 0, ALL_CMDS},
    {"partitionable", OPT_PARTITIONABLE, 0, ALL_CMDS},
    {"jax", OPT_JAX, 1, ALL_CMDS},
    {"xla-log1p", OPT_XLA_LOG1P, 1, ALL_CMDS},
    {"xla_log1p", OPT_XLA_LOG1P, 1, ALL_CMDS},
    {"x64", OPT_X64, 0, ALL_CMDS},
    {"out", OPT_OUT, 1, ALL_CMDS},
    {"plot", OPT_PLOT, 1, B(CMD_MVN) | B(CMD_DEMO)},
    {"format", OPT_FORMAT, 1, ALL_CMDS},
    {"force", OPT_FORCE, 0, ALL_CMDS},
    {"quiet", OPT_QUIET, 0, ALL_CMDS},
    {"threads", OPT_THREADS, 1, ALL_CMDS},
};

/* Whole-string integer in [lo, hi] (decimal, or 0x hex). */
static int cli_parse_int(const char *s, long long lo, long long hi,
                         long long *out) {
  char *end;
  if (!*s || *s == ' ') return 0;
  errno = 0;
  long long v = strtoll(s, &end, 0);
  if (errno || *end || end == s) return 0;
  /* strtoll's base 0 reads a leading 0 as octal; we only want hex. */
  const char *d = s + (*s == '-' || *s == '+');
  if (d[0] == '0' && d[1] && d[1] != 'x' && d[1] != 'X') return 0;
  if (v < lo || v > hi) return 0;
  *out = v;
  return 1;
}

static int cli_parse_u32(const char *s, uint32_t *out) {
  long long v;
  if (!cli_parse_int(s, 0, 4294967295LL, &v)) return 0;
  *out = (uint32_t)v;
  return 1;
}

/* A number; *msg says why it is not one (e.g. out of range). */
static int cli_parse_double(const char *s, double *out, const char **msg) {
  return jr_parse_number(s, strlen(s), out, msg);
}

/* "MAJOR.MINOR.PATCH" (or "MAJOR.MINOR"), each part 0..99 written without
 * sign, spaces or leading zeros. */
static int cli_parse_version(const char *s, int64_t *out) {
  int64_t part[3] = {0, 0, 0};
  int k = 0;
  for (;;) {
    if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9'))
      return 0;
    int64_t v = 0;
    while (*s >= '0' && *s <= '9') {
      v = v * 10 + (*s++ - '0');
      if (v > 99) return 0;
    }
    part[k++] = v;
    if (!*s) break;
    if (*s++ != '.' || k == 3) return 0;
  }
  if (k < 2) return 0;
  *out = JR_JAX_VERSION(part[0], part[1], part[2]);
  return 1;
}

static void cli_version_str(int64_t v, char *buf, size_t cap) {
  snprintf(buf, cap, "%d.%d.%d", (int)(v / 10000), (int)(v / 100 % 100),
           (int)(v % 100));
}

/* --jax VERSION: the defaults of that release (the library's
 * JR_PARAM_JAX_VERSION); older than the oldest release the documentation
 * covers is an error, newer than the newest checked a warning. */
static int cli_parse_jax(cli_opts *o, const char *v) {
  int64_t ver;
  char lo[16], hi[16];
  cli_version_str(JR_JAX_VERSION_OLDEST, lo, sizeof lo);
  cli_version_str(JR_JAX_VERSION_NEWEST, hi, sizeof hi);
  if (!cli_parse_version(v, &ver))
    return cli_error(o, CLI_USAGE,
                     "--jax '%s': expected a JAX release as MAJOR.MINOR.PATCH "
                     "(e.g. 0.4.31)",
                     v);
  if (ver < JR_JAX_VERSION_OLDEST)
    return cli_error(o, CLI_USAGE,
                     "--jax %s: older than the supported releases (%s to %s; "
                     "see docs/exactness.md)",
                     v, lo, hi);
  if (ver > JR_JAX_VERSION_NEWEST)
    cli_warning(o,
                "--jax %s: newer than the newest release checked (%s): "
                "using the behaviour of %s (pass --xla-log1p 2026-08 if its "
                "XLA includes 7853755041)",
                v, hi, hi);
  o->jax_version = ver;
  return 0;
}

static int cli_set_option(cli_opts *o, cli_optid id, const char *name,
                          const char *v) {
  long long n;
  const char *msg;
  switch (id) {
  case OPT_HELP: return CLI_HELP;
  case OPT_SEED:
    /* JAX: a seed that does not fit int64 is an OverflowError. */
    if (!cli_parse_int(v, INT64_MIN, INT64_MAX, &n))
      return cli_error(o, CLI_USAGE,
                       "--seed '%s': expected an integer in [-2^63, 2^63)", v);
    o->seed = n;
    o->have_seed = 1;
    return 0;
  case OPT_KEY: {
    const char *comma = strchr(v, ',');
    char a[32];
    uint32_t k0, k1;
    if (!comma || (size_t)(comma - v) >= sizeof a) goto bad_key;
    memcpy(a, v, (size_t)(comma - v));
    a[comma - v] = '\0';
    if (!cli_parse_u32(a, &k0) || !cli_parse_u32(comma + 1, &k1)) goto bad_key;
    o->key.k[0] = k0;
    o->key.k[1] = k1;
    o->have_key = 1;
    return 0;
  bad_key:
    return cli_error(o, CLI_USAGE,
                     "--key '%s': expected two uint32 words K0,K1 as printed "
                     "by 'jaxrandom key' (e.g. --key 0,42)",
                     v);
  }
  case OPT_SHAPE: {
    jr_status st = jr_shape_parse(v, strlen(v), "--shape", &o->ndim, o->shape);
    if (st) return cli_fail_status(o, st);
    o->have_shape = 1;
    return 0;
  }
  case OPT_NUM:
    if (!cli_parse_int(v, 0, INT64_MAX, &n))
      return cli_error(o, CLI_USAGE,
                       "--num '%s': expected a non-negative integer", v);
    o->num = n;
    o->have_num = 1;
    return 0;
  case OPT_DATA:
    /* jax.random.fold_in takes the data as uint32 (mod 2^32). */
    if (!cli_parse_int(v, INT64_MIN, INT64_MAX, &n))
      return cli_error(o, CLI_USAGE,
                       "--data '%s': expected an integer (taken mod 2^32)", v);
    o->data = (uint32_t)(uint64_t)n;
    o->have_data = 1;
    return 0;
  case OPT_WIDTH:
    if (!cli_parse_int(v, 0, 64, &n) ||
        (n != 8 && n != 16 && n != 32 && n != 64))
      return cli_error(o, CLI_USAGE, "--width '%s': expected 8, 16, 32 or 64",
                       v);
    o->width = (int)n;
    o->have_width = 1;
    return 0;
  case OPT_DTYPE:
    o->dtype = jr_dtype_from_name(v);
    if (o->dtype == JR_DTYPE_NONE)
      return cli_error(o, CLI_USAGE,
                       "--dtype '%s': unknown dtype (expected float16, "
                       "bfloat16, float32 or float64; uint8..uint64 for "
                       "bits)",
                       v);
    o->have_dtype = 1;
    return 0;
  case OPT_MINVAL:
  case OPT_MAXVAL:
    if (!cli_parse_double(v, id == OPT_MINVAL ? &o->minval : &o->maxval, &msg))
      return cli_error(o, CLI_USAGE, "--%s '%s': %s", name, v, msg);
    return 0;
  case OPT_MEAN: o->mean = v; return 0;
  case OPT_COV:
    if (o->cov && (o->cmd == CMD_LOGPDF || o->cov_form != JR_COV_FULL))
      return cli_error(o, CLI_USAGE,
                       "--cov: give the covariance once (one of --cov, "
                       "--scale-tril, --precision, --diag)");
    o->cov = v;
    return 0;
  case OPT_X: o->x = v; return 0;
  case OPT_SCALE_TRIL:
  case OPT_PRECISION:
  case OPT_DIAG:
    if (o->cov)
      return cli_error(o, CLI_USAGE,
                       "--%s: give the covariance once (one of --cov, "
                       "--scale-tril, --precision, --diag)",
                       name);
    o->cov = v;
    o->cov_form = id == OPT_SCALE_TRIL  ? JR_COV_SCALE_TRIL
                  : id == OPT_PRECISION ? JR_COV_PRECISION
                                        : JR_COV_DIAG;
    return 0;
  case OPT_PDF: o->pdf = 1; return 0;
  case OPT_METHOD:
    o->have_method = 1;
    if (strcmp(v, "cholesky") == 0)
      o->method = JR_CHOLESKY;
    else if (strcmp(v, "eigh") == 0)
      o->method = JR_EIGH;
    else if (strcmp(v, "svd") == 0)
      o->method = JR_SVD;
    else
      return cli_error(o, CLI_USAGE,
                       "--method '%s': method must be one of 'svd', 'eigh', "
                       "'cholesky'",
                       v);
    return 0;
  case OPT_CHECK:
    if (strcmp(v, "ignore") == 0)
      o->check = JR_CHECK_IGNORE;
    else if (strcmp(v, "warn") == 0)
      o->check = JR_CHECK_WARN;
    else if (strcmp(v, "raise") == 0)
      o->check = JR_CHECK_RAISE;
    else
      return cli_error(o, CLI_USAGE,
                       "--check-valid '%s': expected ignore, warn or raise", v);
    return 0;
  case OPT_TOL:
    if (!cli_parse_double(v, &o->tol, &msg) || !(o->tol >= 0) || o->tol > 1e300)
      return cli_error(o, CLI_USAGE,
                       "--tol '%s': expected a finite number >= 0", v);
    o->have_tol = 1;
    return 0;
  case OPT_ROWS: {
    const char *colon = strchr(v, ':');
    char a[32];
    if (!colon || (size_t)(colon - v) >= sizeof a) goto bad_rows;
    memcpy(a, v, (size_t)(colon - v));
    a[colon - v] = '\0';
    o->row_begin = 0;
    o->row_end = -1;
    if (a[0] && !cli_parse_int(a, 0, INT64_MAX, &n)) goto bad_rows;
    if (a[0]) o->row_begin = n;
    if (colon[1] && !cli_parse_int(colon + 1, 0, INT64_MAX, &n)) goto bad_rows;
    if (colon[1]) o->row_end = n;
    if (o->row_end >= 0 && o->row_end < o->row_begin) goto bad_rows;
    o->have_rows = 1;
    return 0;
  bad_rows:
    return cli_error(o, CLI_USAGE,
                     "--rows '%s': expected A:B with 0 <= A <= B (rows A to "
                     "B-1 of the flattened batch; A: or :B also work)",
                     v);
  }
  case OPT_EXAMPLE: o->example = 1; return 0;
  case OPT_LEGACY:
  case OPT_PARTITIONABLE: {
    const int legacy = id == OPT_LEGACY;
    if (o->mode_set && o->legacy != legacy)
      return cli_error(o, CLI_USAGE,
                       "--legacy and --partitionable contradict each other");
    o->legacy = legacy;
    o->mode_set = 1;
    return 0;
  }
  case OPT_JAX: return cli_parse_jax(o, v);
  case OPT_XLA_LOG1P:
    if (strcmp(v, "2024") == 0)
      o->xla_log1p = JR_XLA_LOG1P_2024;
    else if (strcmp(v, "2026-08") == 0)
      o->xla_log1p = JR_XLA_LOG1P_2026_08;
    else
      return cli_error(o, CLI_USAGE,
                       "--xla-log1p '%s': expected 2024 (XLA before "
                       "7853755041) or 2026-08 (XLA 7853755041 on)",
                       v);
    o->have_log1p = 1;
    return 0;
  case OPT_X64: o->x64 = 1; return 0;
  case OPT_OUT: o->out = v; return 0;
  case OPT_PLOT: o->plot = v; return 0;
  case OPT_FORMAT:
    if (strcmp(v, "npy") == 0)
      o->format = FMT_NPY;
    else if (strcmp(v, "csv") == 0)
      o->format = FMT_CSV;
    else if (strcmp(v, "bin") == 0)
      o->format = FMT_BIN;
    else if (strcmp(v, "table") == 0)
      o->format = FMT_TABLE;
    else if (strcmp(v, "json") == 0 && o->cmd == CMD_DESCRIBE)
      o->format = FMT_JSON;
    else if (o->cmd == CMD_DESCRIBE)
      return cli_error(o, CLI_USAGE,
                       "--format '%s': describe-cov writes table (a short "
                       "summary, the default) or json",
                       v);
    else
      return cli_error(o, CLI_USAGE,
                       "--format '%s': expected npy, csv, bin or table", v);
    return 0;
  case OPT_FORCE: o->force = 1; return 0;
  case OPT_QUIET: o->quiet = 1; return 0;
  case OPT_THREADS:
    if (!cli_parse_int(v, 0, 4096, &n))
      return cli_error(o, CLI_USAGE,
                       "--threads '%s': expected an integer in [0, 4096] (0 "
                       "= all cores)",
                       v);
    o->threads = n;
    o->have_threads = 1;
    return 0;
  }
  return cli_error(o, CLI_USAGE, "internal: unhandled option --%s", name);
}

cli_cmd cli_cmd_from_name(const char *name) {
  for (size_t i = 0; i < sizeof cli_cmds / sizeof cli_cmds[0]; i++)
    if (strcmp(name, cli_cmds[i].name) == 0) return cli_cmds[i].cmd;
  return CMD_COUNT;
}

int cli_parse_args(int argc, char **argv, const cli_env *env, cli_opts *o_out) {
  const char *first = argv[1];
  cli_opts o;
  memset(&o, 0, sizeof o);
  o.env = env;
  o.cmd = CMD_COUNT;
  for (size_t i = 0; i < sizeof cli_cmds / sizeof cli_cmds[0]; i++)
    if (strcmp(first, cli_cmds[i].name) == 0) {
      o.cmd = cli_cmds[i].cmd;
      o.cmd_name = cli_cmds[i].name;
    }
  *o_out = o; /* what is known so far, for the caller's error handling */
  if (o.cmd == CMD_COUNT)
    return cli_error(&o, CLI_USAGE,
                     "unknown subcommand '%s' (expected key, split, fold-in, "
                     "bits, uniform, normal, multivariate-normal, demo, "
                     "logpdf or describe-cov; see 'jaxrandom --help')",
                     first);
  o.maxval = 1.0;
  o.tol = 1e-8;
  o.method = JR_CHOLESKY;
  o.check = JR_CHECK_IGNORE;
  for (int i = 2; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "-h") == 0) arg = "--help";
    /* describe-cov C: the covariance may be given without --cov */
    if (o.cmd == CMD_DESCRIBE && strncmp(arg, "--", 2) != 0 && !o.cov) {
      o.cov = arg;
      continue;
    }
    if (strncmp(arg, "--", 2) != 0)
      return cli_error(&o, CLI_USAGE,
                       "unexpected argument '%s' (options start with --; "
                       "see 'jaxrandom %s --help')",
                       arg, o.cmd_name);
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
    size_t k, nopts = sizeof cli_optdefs / sizeof cli_optdefs[0];
    for (k = 0; k < nopts; k++)
      if (strlen(cli_optdefs[k].name) == nlen &&
          strncmp(cli_optdefs[k].name, name, nlen) == 0)
        break;
    if (k == nopts || !(cli_optdefs[k].cmds & B(o.cmd)))
      return cli_error(&o, CLI_USAGE,
                       "%s option '--%.*s' (see 'jaxrandom %s --help')",
                       k == nopts ? "unknown" : "this subcommand has no",
                       (int)nlen, name, o.cmd_name);
    const char *value = NULL;
    if (cli_optdefs[k].has_value) {
      if (eq)
        value = eq + 1;
      else if (i + 1 < argc)
        value = argv[++i];
      else
        return cli_error(&o, CLI_USAGE, "option '--%s' needs a value",
                         cli_optdefs[k].name);
    } else if (eq) {
      return cli_error(&o, CLI_USAGE, "option '--%s' takes no value",
                       cli_optdefs[k].name);
    }
    int code =
        cli_set_option(&o, cli_optdefs[k].id, cli_optdefs[k].name, value);
    if (code) {
      *o_out = o;
      return code;
    }
  }
  /* The threefry mode: an explicit flag wins; else the --jax release's
   * default (legacy before 0.5.0); else partitionable. */
  if (!o.mode_set && o.jax_version)
    o.legacy = o.jax_version < JR_JAX_VERSION(0, 5, 0);
  *o_out = o;
  return CLI_OK;
}
