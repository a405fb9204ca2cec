/* Text output of values: the shortest decimal that reads back the same. */
#ifndef JR_CLI_DECIMAL_H
#define JR_CLI_DECIMAL_H

#include <stddef.h>

#include "jaxrandom.h"

/* Formats one element of `dtype` into buf (snprintf's return value): the
 * shortest decimal that reads back as the same value of the dtype; nan,
 * inf, -inf as NumPy spells them. cap must be at least 40 bytes
 * (JR_SHORTEST_BUF: the formatter uses the rest as scratch). */
int cli_format_value(jr_dtype dtype, const void *elem, char *buf, size_t cap);

#endif /* JR_CLI_DECIMAL_H */
