/* The handlers that remove an output's temporary file on a fatal signal
 * (jr_io.h). The handler only calls unlink, signal and raise, which
 * are async-signal-safe, on a path stored in a fixed buffer beforehand. */
#include "jr_io.h"

#include <string.h>
#include <unistd.h>

static const int jr_sigs[] = {SIGINT,  SIGTERM, SIGHUP,    SIGPIPE,
                              SIGQUIT, SIGUSR1, SIGUSR2,   SIGALRM,
                              SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF};
#define JR_NSIGS ((int)(sizeof jr_sigs / sizeof jr_sigs[0]))

static char jr_sig_path[4096];
static volatile sig_atomic_t jr_sig_armed;
static int jr_sig_hold;
static struct sigaction jr_sig_old[JR_NSIGS];
static unsigned char jr_sig_set[JR_NSIGS]; /* handler installed */
static int jr_sig_installed;

static void jr_on_signal(int sig) {
  if (jr_sig_armed) unlink(jr_sig_path);
  signal(sig, SIG_DFL);
  raise(sig); /* delivered when the handler returns: the default action */
}

void jr_signals_fill(sigset_t *set) {
  for (int i = 0; i < JR_NSIGS; i++)
    sigaddset(set, jr_sigs[i]);
}

void jr_signals_block(sigset_t *old) {
  sigset_t set;
  sigemptyset(&set);
  jr_signals_fill(&set);
  pthread_sigmask(SIG_BLOCK, &set, old);
}

int jr_signals_arm(const char *path) {
  const size_t n = strlen(path);
  if (n >= sizeof jr_sig_path) return 0;
  /* The handlers see either no path or a whole one: the signals wait. */
  sigset_t old;
  jr_signals_block(&old);
  jr_sig_armed = 0;
  memcpy(jr_sig_path, path, n + 1);
  jr_sig_armed = 1;
  if (!jr_sig_installed) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = jr_on_signal;
    sigemptyset(&sa.sa_mask);
    jr_signals_fill(&sa.sa_mask);
    for (int i = 0; i < JR_NSIGS; i++) {
      jr_sig_set[i] = 0;
      if (sigaction(jr_sigs[i], NULL, &jr_sig_old[i]) != 0) continue;
      if (jr_sig_old[i].sa_handler == SIG_IGN) continue; /* stays ignored */
      jr_sig_set[i] = sigaction(jr_sigs[i], &sa, NULL) == 0;
    }
    jr_sig_installed = 1;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return 1;
}

void jr_signals_disarm(void) {
  sigset_t old;
  jr_signals_block(&old);
  jr_sig_armed = 0;
  if (jr_sig_installed) {
    for (int i = 0; i < JR_NSIGS; i++)
      if (jr_sig_set[i]) sigaction(jr_sigs[i], &jr_sig_old[i], NULL);
    jr_sig_installed = 0;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void jr_signals_hold_published(int on) {
  jr_sig_hold = on;
}

int jr_signals_holding(void) {
  return jr_sig_hold;
}
