/* The CLI from argv to exit code: help and version, parsing, the program's
 * own rules, and dispatch to the subcommand. */
#ifndef JR_CLI_RUN_H
#define JR_CLI_RUN_H

#include "opts.h"

/* Runs the command line argv for the program `env` (see cli_env) and
 * returns its exit status. */
int cli_main(int argc, char **argv, const cli_env *env);

#endif /* JR_CLI_RUN_H */
