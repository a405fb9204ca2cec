/* From argv to the subcommand: the only file that knows every subcommand. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "help.h"
#include "report.h"
#include "run.h"

static void cli_help(const cli_env *env, FILE *f, cli_cmd cmd) {
  if (env->help)
    env->help(env->self, f, cmd);
  else
    cli_print_cmd_help(f, cmd);
}

/* Text on stdout (help, version, the demo's moments, notes excepted) that
 * could not be written is an error, not silence: a full disk, /dev/full, a
 * closed stdout. */
static int cli_check_stdout(const cli_opts *o, int code) {
  int bad = ferror(stdout), err = 0;
  if (fflush(stdout) != 0) {
    bad = 1;
    err = errno;
  }
  if (!bad || code != CLI_OK) return code;
  return cli_error(o, CLI_RUNTIME, "writing to stdout failed%s%s",
                   err ? ": " : "", err ? strerror(err) : "");
}

static int cli_dispatch(cli_opts *o) {
  switch (o->cmd) {
  case CMD_KEY:
  case CMD_FOLD_IN: return cli_cmd_key(o);
  case CMD_SPLIT: return cli_cmd_split(o);
  case CMD_BITS:
  case CMD_UNIFORM:
  case CMD_NORMAL: return cli_cmd_sample(o);
  case CMD_MVN: return cli_cmd_mvn(o);
  case CMD_DEMO: return cli_cmd_demo(o);
  case CMD_COUNT: break;
  }
  return cli_error(o, CLI_USAGE, "internal: unknown subcommand");
}

int cli_main(int argc, char **argv, const cli_env *env) {
  cli_opts o;
  memset(&o, 0, sizeof o);
  o.env = env;
  o.cmd = CMD_COUNT;
  if (argc < 2) { /* not a request: the usage, as an error */
    cli_help(env, stderr, CMD_COUNT);
    return CLI_USAGE;
  }
  const char *first = argv[1];
  if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0 ||
      strcmp(first, "help") == 0) {
    cli_help(env, stdout, argc >= 3 ? cli_cmd_from_name(argv[2]) : CMD_COUNT);
    return cli_check_stdout(&o, CLI_OK);
  }
  if (strcmp(first, "--version") == 0 || strcmp(first, "-V") == 0) {
    if (env->version)
      env->version(env->self, stdout);
    else
      cli_print_version(stdout);
    return cli_check_stdout(&o, CLI_OK);
  }
  int code = cli_parse_args(argc, argv, env, &o);
  if (code == CLI_HELP) {
    cli_help(env, stdout, o.cmd);
    return cli_check_stdout(&o, CLI_OK);
  }
  if (code == CLI_OK && env->prepare) code = env->prepare(env->self, &o);
  if (code == CLI_OK && o.out) { /* refuse a bad target before any work */
    jr_status st = jr_outfile_check(o.out, o.force);
    if (st) code = cli_fail_status(&o, st);
  }
  if (code == CLI_OK) code = cli_check_stdout(&o, cli_dispatch(&o));
  if (env->finish) code = env->finish(env->self, &o, code);
  return code;
}
