/* Atomic output files: a regular target is written under a temporary name
 * in the same directory and renamed into place only when complete, so an
 * interrupted or failed run never leaves a partial file or clobbers an
 * existing one. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "jr_io.h"

struct jr_outfile {
  int fd;
  int owns_fd; /* close it at the end (not stdout) */
  int temp;    /* writing to tmp_path, rename to path at commit */
  int force;
  int tty;
  char *path; /* the target as given */
  char *tmp_path;
};

/* The temporary file a signal must remove (at most one per process: the CLI
 * writes one output). Written before the handlers can see it. */
static char jr_sig_tmp[4096];
static volatile sig_atomic_t jr_sig_armed = 0;
static const int jr_sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ};
#define JR_NSIGS ((int)(sizeof jr_sigs / sizeof jr_sigs[0]))
static struct sigaction jr_old_actions[JR_NSIGS];

static void jr_on_signal(int sig) {
  if (jr_sig_armed) unlink(jr_sig_tmp); /* async-signal-safe */
  signal(sig, SIG_DFL);
  raise(sig);
}

static void jr_arm(const char *tmp) {
  size_t n = strlen(tmp);
  if (n >= sizeof jr_sig_tmp) return;
  memcpy(jr_sig_tmp, tmp, n + 1);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = jr_on_signal;
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < JR_NSIGS; i++)
    sigaddset(&sa.sa_mask, jr_sigs[i]);
  jr_sig_armed = 1;
  for (int i = 0; i < JR_NSIGS; i++)
    sigaction(jr_sigs[i], &sa, &jr_old_actions[i]);
}

static void jr_disarm(void) {
  if (!jr_sig_armed) return;
  for (int i = 0; i < JR_NSIGS; i++)
    sigaction(jr_sigs[i], &jr_old_actions[i], NULL);
  jr_sig_armed = 0;
}

static void jr_outfile_free(jr_outfile *f) {
  if (!f) return;
  free(f->path);
  free(f->tmp_path);
  free(f);
}

jr_status jr_outfile_open(const char *path, int force, jr_outfile **out) {
  *out = NULL;
  if (!path || !*path)
    return jr_fail(JR_E_BAD_ARGUMENT, "--out: empty file name");
  jr_outfile *f = calloc(1, sizeof *f);
  if (!f) return jr_fail(JR_E_OUT_OF_MEMORY, "out of memory");
  f->fd = -1;
  f->force = force;
  f->path = strdup(path);
  if (!f->path) {
    jr_outfile_free(f);
    return jr_fail(JR_E_OUT_OF_MEMORY, "out of memory");
  }
  if (strcmp(path, "-") == 0) {
    f->fd = STDOUT_FILENO;
    f->tty = isatty(f->fd);
    *out = f;
    return JR_OK;
  }
  struct stat sb;
  if (stat(path, &sb) == 0) {
    if (S_ISDIR(sb.st_mode)) {
      jr_outfile_free(f);
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "--out %s: is a directory (expected a file name)", path);
    }
    if (!S_ISREG(sb.st_mode)) { /* /dev/null, a FIFO, a terminal */
      f->fd = open(path, O_WRONLY | O_CLOEXEC);
      if (f->fd < 0) {
        jr_status st = jr_fail(JR_E_IO, "--out %s: cannot open: %s", path,
                               strerror(errno));
        jr_outfile_free(f);
        return st;
      }
      f->owns_fd = 1;
      f->tty = isatty(f->fd);
      *out = f;
      return JR_OK;
    }
    if (!force) {
      jr_outfile_free(f);
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "--out %s: the file exists; pass --force to replace it",
                     path);
    }
  }
  /* A temporary name next to the target, so rename() stays on one file
   * system: dir/.base.jaxrandom-XXXXXX */
  const char *slash = strrchr(path, '/');
  size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
  const char *base = path + dirlen;
  size_t need = dirlen + 1 + strlen(base) + sizeof ".jaxrandom-XXXXXX";
  f->tmp_path = malloc(need);
  if (!f->tmp_path) {
    jr_outfile_free(f);
    return jr_fail(JR_E_OUT_OF_MEMORY, "out of memory");
  }
  snprintf(f->tmp_path, need, "%.*s.%s.jaxrandom-XXXXXX", (int)dirlen, path,
           base);
  if (strlen(f->tmp_path) >= sizeof jr_sig_tmp) {
    jr_outfile_free(f);
    return jr_fail(JR_E_BAD_ARGUMENT, "--out %s: path too long", path);
  }
  /* Block the signals while the name is created and registered, so that a
   * signal cannot leave an unregistered temporary file. */
  sigset_t block, old;
  sigemptyset(&block);
  for (int i = 0; i < JR_NSIGS; i++)
    sigaddset(&block, jr_sigs[i]);
  sigprocmask(SIG_BLOCK, &block, &old);
  f->fd = mkstemp(f->tmp_path);
  if (f->fd >= 0) jr_arm(f->tmp_path);
  int err = errno;
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (f->fd < 0) {
    jr_status st = jr_fail(JR_E_IO,
                           "--out %s: cannot create a file in its "
                           "directory: %s",
                           path, strerror(err));
    jr_outfile_free(f);
    return st;
  }
  /* mkstemp makes 0600; give the file the usual 0666 & ~umask. */
  mode_t um = umask(0);
  umask(um);
  if (fchmod(f->fd, 0666 & ~um) != 0) { /* not fatal: the data is intact */
  }
  f->owns_fd = 1;
  f->temp = 1;
  *out = f;
  return JR_OK;
}

int jr_outfile_isatty(const jr_outfile *f) {
  return f && f->tty;
}

const char *jr_outfile_temp_path(const jr_outfile *f) {
  return f && f->temp ? f->tmp_path : NULL;
}

jr_status jr_outfile_write(jr_outfile *f, const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(f->fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return jr_fail(JR_E_IO, "writing %s failed: %s",
                     strcmp(f->path, "-") == 0 ? "to stdout" : f->path,
                     strerror(errno));
    }
    p += w;
    n -= (size_t)w;
  }
  return JR_OK;
}

void jr_outfile_abort(jr_outfile *f) {
  if (!f) return;
  if (f->owns_fd && f->fd >= 0) close(f->fd);
  if (f->temp) {
    unlink(f->tmp_path);
    jr_disarm();
  }
  jr_outfile_free(f);
}

jr_status jr_outfile_commit(jr_outfile *f) {
  jr_status st = JR_OK;
  const char *name = strcmp(f->path, "-") == 0 ? "stdout" : f->path;
  if (f->temp && fsync(f->fd) != 0)
    st = jr_fail(JR_E_IO, "writing %s failed at fsync: %s", name,
                 strerror(errno));
  if (f->owns_fd) {
    if (close(f->fd) != 0 && !st)
      st = jr_fail(JR_E_IO, "writing %s failed at close: %s", name,
                   strerror(errno));
    f->fd = -1;
    f->owns_fd = 0;
  }
  if (!st && f->temp) {
    if (f->force) {
      if (rename(f->tmp_path, f->path) != 0)
        st = jr_fail(JR_E_IO, "cannot rename the finished output to %s: %s",
                     f->path, strerror(errno));
    } else {
      /* link() fails if the target appeared meanwhile: no clobbering. */
      if (link(f->tmp_path, f->path) == 0) {
        unlink(f->tmp_path);
      } else if (errno == EEXIST) {
        st = jr_fail(JR_E_BAD_ARGUMENT,
                     "--out %s: the file appeared while writing; pass "
                     "--force to replace it",
                     f->path);
      } else if (rename(f->tmp_path, f->path) != 0) {
        /* Some file systems have no hard links. */
        st = jr_fail(JR_E_IO, "cannot rename the finished output to %s: %s",
                     f->path, strerror(errno));
      }
    }
  }
  if (f->temp) {
    if (st) unlink(f->tmp_path);
    jr_disarm();
    f->temp = 0;
  }
  jr_outfile_free(f);
  return st;
}
