/* From argv to the subcommand: the only file that knows every subcommand. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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
  case CMD_LOGPDF: return cli_cmd_logpdf(o);
  case CMD_DESCRIBE: return cli_cmd_describe(o);
  case CMD_COUNT: break;
  }
  return cli_error(o, CLI_USAGE, "internal: unknown subcommand");
}

static int cli_is_help_word(const char *s) {
  return strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0 ||
         strcmp(s, "help") == 0;
}

int cli_main(int argc, char **argv, const cli_env *env) {
  cli_opts o;
  memset(&o, 0, sizeof o);
  o.env = env;
  o.cmd = CMD_COUNT;
  cli_cmd help_cmd = CMD_COUNT;
  int code;
  if (argc < 2) {
    code = CLI_NO_COMMAND;
  } else if (cli_is_help_word(argv[1])) {
    code = CLI_HELP;
    if (argc >= 3) help_cmd = cli_cmd_from_name(argv[2]);
  } else if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
    code = CLI_VERSION;
  } else {
    code = cli_parse_args(argc, argv, env, &o);
    help_cmd = o.cmd;
    if (code == CLI_OK && o.out) { /* refuse a bad target before any work */
      jr_status st = jr_outfile_check(o.out, o.force);
      struct stat sb;
      if (st)
        code = cli_fail_status(&o, st);
      else if (strcmp(o.out, "-") != 0 && lstat(o.out, &sb) != 0 &&
               errno == ENAMETOOLONG)
        code = cli_error(&o, CLI_USAGE,
                         "--out %s: file name too long for the file system",
                         o.out);
    }
  }
  if (env->agree) code = env->agree(env->self, &o, code);
  switch (code) {
  case CLI_NO_COMMAND: /* not a request: the usage, as an error */
    cli_help(env, stderr, CMD_COUNT);
    return CLI_USAGE;
  case CLI_HELP:
    cli_help(env, stdout, help_cmd);
    return cli_check_stdout(&o, CLI_OK);
  case CLI_VERSION:
    if (env->version)
      env->version(env->self, stdout);
    else
      cli_print_version(stdout);
    return cli_check_stdout(&o, CLI_OK);
  default: break;
  }
  if (code == CLI_OK && env->prepare) code = env->prepare(env->self, &o);
  if (code == CLI_OK) code = cli_check_stdout(&o, cli_dispatch(&o));
  if (env->finish) code = env->finish(env->self, &o, code);
  return code;
}
