/* Atomic output files: a regular target is written under a temporary name
 * in the same directory and renamed into place only when complete, so an
 * interrupted or failed run never leaves a partial file or clobbers an
 * existing one. */
#include <dirent.h>
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
  int temp;    /* writing to tmp_path, rename to target at commit */
  int force;
  int tty;
  char *path;   /* the target as given (for messages) */
  char *target; /* the file replaced: path, or where its symlinks lead */
  char *tmp_path;
};

static void jr_outfile_free(jr_outfile *f) {
  if (!f) return;
  free(f->path);
  free(f->target);
  free(f->tmp_path);
  free(f);
}

/* Follows the symbolic links of `path` (the last component, hop by hop) to
 * the name that is not a link. *magic is set when a hop is under /proc,
 * whose links (/proc/self/fd/N, /dev/stdout's target) name open files, not
 * places to put a new file. Returns NULL with errno on failure. */
static char *jr_follow_links(const char *path, int *magic) {
  char *cur = strdup(path);
  *magic = 0;
  for (int hop = 0; cur && hop < 40; hop++) {
    struct stat sb;
    if (lstat(cur, &sb) != 0 || !S_ISLNK(sb.st_mode)) return cur;
    if (strncmp(cur, "/proc/", 6) == 0) *magic = 1;
    char link[4096];
    ssize_t n = readlink(cur, link, sizeof link - 1);
    if (n < 0 || (size_t)n >= sizeof link - 1) {
      if (n >= 0) errno = ENAMETOOLONG;
      free(cur);
      return NULL;
    }
    link[n] = '\0';
    if (strncmp(link, "/proc/", 6) == 0) *magic = 1;
    const char *slash = strrchr(cur, '/');
    size_t dirlen = link[0] == '/' || !slash ? 0 : (size_t)(slash - cur) + 1;
    char *next = malloc(dirlen + (size_t)n + 1);
    if (next) {
      memcpy(next, cur, dirlen);
      memcpy(next + dirlen, link, (size_t)n + 1);
    }
    free(cur);
    cur = next;
  }
  if (cur) {
    free(cur);
    errno = ELOOP;
  }
  return NULL;
}

typedef enum { JR_OUT_NEW, JR_OUT_REPLACE, JR_OUT_STREAM } jr_out_kind;

/* What writing `path` means: a new file, replacing a regular file (with
 * force; *target is that file, past any symbolic links), or a stream (a
 * device, a FIFO, a terminal, /proc/self/fd/N, or a link to one). A
 * directory, a dangling link or an existing file without force is an error.
 * *target is malloc'd for JR_OUT_NEW and JR_OUT_REPLACE. */
static jr_status jr_out_classify(const char *path, int force, jr_out_kind *kind,
                                 char **target) {
  *target = NULL;
  struct stat lsb, sb;
  if (lstat(path, &lsb) != 0) { /* creating it reports why it cannot be */
    *kind = JR_OUT_NEW;
  } else if (!S_ISLNK(lsb.st_mode)) {
    if (S_ISDIR(lsb.st_mode))
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "--out %s: is a directory (expected a file name)", path);
    *kind = S_ISREG(lsb.st_mode) ? JR_OUT_REPLACE : JR_OUT_STREAM;
  } else {
    int magic = 0;
    char *end = jr_follow_links(path, &magic);
    if (!end)
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "--out %s: cannot follow the symbolic link: %s", path,
                     strerror(errno));
    if (stat(path, &sb) != 0) {
      jr_status st = jr_fail(JR_E_BAD_ARGUMENT,
                             "--out %s: a symbolic link to %s, which does not "
                             "exist (refusing to write through a dangling "
                             "link)",
                             path, end);
      free(end);
      return st;
    }
    if (S_ISDIR(sb.st_mode)) {
      free(end);
      return jr_fail(JR_E_BAD_ARGUMENT,
                     "--out %s: is a directory (expected a file name)", path);
    }
    if (magic || !S_ISREG(sb.st_mode)) {
      free(end);
      *kind = JR_OUT_STREAM;
      return JR_OK;
    }
    *kind = JR_OUT_REPLACE;
    *target = end;
  }
  if (*kind == JR_OUT_STREAM) return JR_OK;
  if (*kind == JR_OUT_REPLACE && !force) {
    free(*target);
    *target = NULL;
    return jr_fail(JR_E_BAD_ARGUMENT,
                   "--out %s: the file exists; pass --force to replace it",
                   path);
  }
  if (!*target) *target = strdup(path);
  if (!*target) return jr_fail(JR_E_OUT_OF_MEMORY, "out of memory");
  return JR_OK;
}

jr_status jr_outfile_check(const char *path, int force) {
  if (!path || !*path)
    return jr_fail(JR_E_BAD_ARGUMENT, "--out: empty file name");
  if (strcmp(path, "-") == 0) return JR_OK;
  jr_out_kind kind;
  char *target;
  jr_status st = jr_out_classify(path, force, &kind, &target);
  free(target);
  return st;
}

/* This host, as 8 hex digits (FNV-1a of its name): temporary names say
 * which host's process made them, so that only that host judges whether
 * the process is gone (a shared file system can be seen from several). */
static void jr_host_tag(char out[9]) {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  uint32_t h = 2166136261u;
  for (const char *p = host; *p; p++)
    h = (h ^ (unsigned char)*p) * 16777619u;
  snprintf(out, 9, "%08x", (unsigned)h);
}

/* Where the temporary name's parts go: dir/.BASE.jaxrandom-HOST-PID-XXXXXX,
 * with BASE the target's name shortened (at a UTF-8 character boundary)
 * when the whole would exceed the directory's name limit. */
typedef struct {
  size_t dirlen;  /* target[0, dirlen): the directory with its '/' */
  size_t baselen; /* bytes of the name kept */
  char tag[16];   /* ".jaxrandom-" */
} jr_temp_parts;

static const char jr_temp_mark[] = ".jaxrandom-";

static void jr_temp_split(const char *target, size_t tail, jr_temp_parts *t) {
  const char *slash = strrchr(target, '/');
  t->dirlen = slash ? (size_t)(slash - target) + 1 : 0;
  const char *base = target + t->dirlen;
  size_t baselen = strlen(base);
  long name_max = 255;
  {
    char *dir = t->dirlen ? strndup(target, t->dirlen) : strdup(".");
    if (dir) {
      errno = 0;
      long m = pathconf(dir, _PC_NAME_MAX);
      if (m > 0) name_max = m;
      free(dir);
    }
  }
  /* the leading '.', the mark and the tail around the kept name */
  const size_t extra = 1 + (sizeof jr_temp_mark - 1) + tail;
  size_t room = (size_t)name_max > extra ? (size_t)name_max - extra : 0;
  if (baselen > room) {
    baselen = room;
    while (baselen > 0 && ((unsigned char)base[baselen] & 0xC0) == 0x80)
      baselen--;
  }
  t->baselen = baselen;
}

/* The temporary name next to the target, so rename() stays on one file
 * system. */
static char *jr_temp_name(const char *target) {
  char host[9], tail[64];
  jr_host_tag(host);
  int tl = snprintf(tail, sizeof tail, "%s-%ld-XXXXXX", host, (long)getpid());
  jr_temp_parts t;
  jr_temp_split(target, (size_t)tl, &t);
  size_t need = t.dirlen + 1 + t.baselen + sizeof jr_temp_mark + (size_t)tl;
  char *tmp = malloc(need);
  if (tmp)
    snprintf(tmp, need, "%.*s.%.*s%s%s", (int)t.dirlen, target, (int)t.baselen,
             target + t.dirlen, jr_temp_mark, tail);
  return tmp;
}

/* 1 if process pid of this host no longer runs: kill(pid, 0) fails with
 * ESRCH, or (Linux) it is a zombie that nobody reaps (its parent died, and
 * in a container the pid 1 may never wait for it). */
static int jr_pid_gone(pid_t pid) {
  if (kill(pid, 0) != 0) return errno == ESRCH;
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  /* "pid (comm) S ...": the state follows the last ')' */
  const char *r = strrchr(buf, ')');
  return r && r[1] == ' ' && r[2] == 'Z';
}

/* Removes the temporary files that earlier runs writing `target` left when
 * they were killed outright (SIGKILL, a crash, a power loss can leave one as
 * large as the output): names of this host and user whose process no longer
 * exists. A name of a live process, another host, another user or another
 * shape is left alone. */
static void jr_remove_stale(const char *target) {
  char host[9];
  jr_host_tag(host);
  jr_temp_parts t;
  const char *slash = strrchr(target, '/');
  const size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
  char *dpath = dirlen ? strndup(target, dirlen) : strdup(".");
  if (!dpath) return;
  DIR *d = opendir(dpath);
  if (!d) {
    free(dpath);
    return;
  }
  const uid_t me = getuid();
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    const char *name = e->d_name;
    const char *mark = strstr(name, jr_temp_mark);
    if (name[0] != '.' || !mark) continue;
    /* the tail: HOST-PID-XXXXXX, exactly */
    const char *p = mark + sizeof jr_temp_mark - 1;
    if (strncmp(p, host, 8) != 0 || p[8] != '-') continue;
    p += 9;
    long pid = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 10) {
      pid = pid * 10 + (*p++ - '0');
      digits++;
    }
    if (digits == 0 || *p != '-' || strlen(p + 1) != 6) continue;
    /* the kept name must be this target's, as this pid's name keeps it */
    char tail[64];
    int tl = snprintf(tail, sizeof tail, "%s-%ld-XXXXXX", host, pid);
    jr_temp_split(target, (size_t)tl, &t);
    if ((size_t)(mark - name) != 1 + t.baselen ||
        strncmp(name + 1, target + dirlen, t.baselen) != 0)
      continue;
    if (pid <= 0 || (pid_t)pid == getpid()) continue;
    if (!jr_pid_gone((pid_t)pid)) continue;
    char *full = malloc(dirlen + strlen(name) + 1);
    if (!full) break;
    memcpy(full, target, dirlen);
    strcpy(full + dirlen, name);
    struct stat sb;
    if (lstat(full, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == me)
      unlink(full);
    free(full);
  }
  closedir(d);
  free(dpath);
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
  jr_out_kind kind;
  jr_status st = jr_out_classify(path, force, &kind, &f->target);
  if (st) {
    jr_outfile_free(f);
    return st;
  }
  if (kind == JR_OUT_STREAM) { /* /dev/null, a FIFO, a terminal */
    f->fd = open(path, O_WRONLY | O_CLOEXEC);
    if (f->fd < 0) {
      st = jr_fail(JR_E_IO, "--out %s: cannot open: %s", path, strerror(errno));
      jr_outfile_free(f);
      return st;
    }
    f->owns_fd = 1;
    f->tty = isatty(f->fd);
    *out = f;
    return JR_OK;
  }
  /* A replaced file keeps its permission bits; a new one gets the usual
   * 0666 & ~umask (mkstemp makes 0600). */
  struct stat old;
  mode_t mode;
  if (kind == JR_OUT_REPLACE && stat(f->target, &old) == 0) {
    mode = old.st_mode & 07777;
  } else {
    mode_t um = umask(0);
    umask(um);
    mode = 0666 & ~um;
  }
  f->tmp_path = jr_temp_name(f->target);
  if (!f->tmp_path) {
    jr_outfile_free(f);
    return jr_fail(JR_E_OUT_OF_MEMORY, "out of memory");
  }
  if (strlen(f->tmp_path) >= 4096) {
    jr_outfile_free(f);
    return jr_fail(JR_E_BAD_ARGUMENT, "--out %s: path too long", path);
  }
  jr_remove_stale(f->target);
  /* Block the signals while the name is created and registered, so that a
   * signal cannot leave an unregistered temporary file. */
  sigset_t oldmask;
  jr_signals_block(&oldmask);
  f->fd = mkstemp(f->tmp_path);
  int err = errno;
  if (f->fd >= 0) jr_signals_arm(f->tmp_path);
  pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
  if (f->fd < 0) {
    st = jr_fail(JR_E_IO, "--out %s: cannot create a file in its directory: %s",
                 path, strerror(err));
    jr_outfile_free(f);
    return st;
  }
  if (fchmod(f->fd, mode) != 0) { /* not fatal: the data is intact */
  }
  f->owns_fd = 1;
  f->temp = 1;
  *out = f;
  return JR_OK;
}

const char *jr_outfile_target_path(const jr_outfile *f) {
  return f && f->temp ? f->target : NULL;
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
    jr_signals_disarm();
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
      if (rename(f->tmp_path, f->target) != 0)
        st = jr_fail(JR_E_IO, "cannot rename the finished output to %s: %s",
                     f->path, strerror(errno));
    } else {
      /* link() fails if the target appeared meanwhile: no clobbering. */
      if (link(f->tmp_path, f->target) == 0) {
        unlink(f->tmp_path);
      } else if (errno == EEXIST) {
        st = jr_fail(JR_E_BAD_ARGUMENT,
                     "--out %s: the file appeared while writing; pass "
                     "--force to replace it",
                     f->path);
      } else if (rename(f->tmp_path, f->target) != 0) {
        /* Some file systems have no hard links. */
        st = jr_fail(JR_E_IO, "cannot rename the finished output to %s: %s",
                     f->path, strerror(errno));
      }
    }
  }
  if (f->temp) {
    if (st) unlink(f->tmp_path);
    /* A program that holds published files keeps the handlers, now on the
     * file itself. */
    if (!st && jr_signals_holding())
      jr_signals_arm(f->target);
    else
      jr_signals_disarm();
    f->temp = 0;
  }
  jr_outfile_free(f);
  return st;
}
