/* Opening input files: the one check every reader starts with. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "jr_io.h"

/* O_NONBLOCK: opening a FIFO for reading would wait for a writer; this
 * way it opens at once and is refused by the check below. */
jr_status jr_input_open(const char *path, FILE **f, uint64_t *size) {
  *f = NULL;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return jr_fail(JR_E_BAD_ARGUMENT, "%s: cannot open: %s", path,
                   strerror(errno));
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    close(fd);
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "%s: not a regular file (a FIFO, device or directory "
                   "cannot be an input)",
                   path);
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl != -1) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  *f = fdopen(fd, "rb");
  if (!*f) {
    jr_status st = jr_fail(JR_E_OUT_OF_MEMORY, "%s: cannot open: %s", path,
                           strerror(errno));
    close(fd);
    return st;
  }
  *size = (uint64_t)sb.st_size;
  return JR_OK;
}
