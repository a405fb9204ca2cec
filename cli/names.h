/* File names: the extension tests shared by input and output. */
#ifndef JR_CLI_NAMES_H
#define JR_CLI_NAMES_H

/* 1 if s ends with suffix (given in lower case), ignoring ASCII case. */
int cli_ends_with(const char *s, const char *suffix);

#endif /* JR_CLI_NAMES_H */
