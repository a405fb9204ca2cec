/* jaxrandom's help texts and version line. */
#ifndef JR_CLI_HELP_H
#define JR_CLI_HELP_H

#include <stdio.h>

#include "opts.h"

void cli_print_main_help(FILE *f);
/* CMD_COUNT: the main help. */
void cli_print_cmd_help(FILE *f, cli_cmd cmd);
void cli_print_version(FILE *f);

#endif /* JR_CLI_HELP_H */
