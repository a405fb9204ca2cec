/* Errors and notes: to the program's report hook, or to stderr. */
#include <stdarg.h>
#include <stdio.h>

#include "report.h"

static void cli_report(const cli_opts *o, int is_error, const char *fmt,
                       va_list ap) {
  const cli_env *env = o ? o->env : NULL;
  if (env && env->report) {
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    env->report(env->self, o, is_error, msg);
    return;
  }
  const char *prog = env && env->prog ? env->prog : "jaxrandom";
  const char *cmd = o && o->cmd_name ? o->cmd_name : NULL;
  fprintf(stderr, "%s%s%s: %s: ", prog, cmd ? " " : "", cmd ? cmd : "",
          is_error == CLI_WARNING ? "warning"
          : is_error              ? "error"
                                  : "note");
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
}

int cli_error(const cli_opts *o, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cli_report(o, 1, fmt, ap);
  va_end(ap);
  return code;
}

void cli_note(const cli_opts *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cli_report(o, 0, fmt, ap);
  va_end(ap);
}

void cli_warning(const cli_opts *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cli_report(o, CLI_WARNING, fmt, ap);
  va_end(ap);
}

int cli_status_code(jr_status st) {
  switch (st) {
  case JR_OK: return CLI_OK;
  case JR_E_IO:
  case JR_E_OUT_OF_MEMORY:
  case JR_E_LAPACK:
  case JR_E_MPI:
  case JR_E_BAD_ISA: return CLI_RUNTIME;
  default: return CLI_USAGE;
  }
}

int cli_fail_status(const cli_opts *o, jr_status st) {
  const char *msg = jr_last_error();
  return cli_error(o, cli_status_code(st), "%s",
                   msg && *msg ? msg : jr_status_string(st));
}
