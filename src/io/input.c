/* Opening input files: the one check every reader starts with. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "jr_io.h"

jr_status jr_input_open(const char *path, FILE **f, uint64_t *size) {
  *f = fopen(path, "rb");
  if (!*f)
    return jr_fail(JR_E_BAD_ARGUMENT, "%s: cannot open: %s", path,
                   strerror(errno));
  struct stat sb;
  if (fstat(fileno(*f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
    fclose(*f);
    *f = NULL;
    return jr_fail(JR_E_BAD_ARGUMENT, "%s: not a regular file", path);
  }
  *size = (uint64_t)sb.st_size;
  return JR_OK;
}
