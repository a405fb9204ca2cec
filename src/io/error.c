/* Errors for the io helpers' callers: a status with a message in
 * jr_last_error(), as the library's own failures carry (the MPI layer's
 * agreement passes that message to every rank). */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"
#include "jr_io.h"

jr_status jr_io_fail(jr_status status, const char *fmt, ...) {
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return jr_fail(status, "%s", msg);
}
