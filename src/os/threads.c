/* The one OS layer for threads: a static split of [0, n) over pthreads. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

/* Read once per process: sysconf costs microseconds, which every bulk call
 * with threads = 0 would pay, and a tiny call would notice. Threads racing
 * on the first call all store the same value, so relaxed atomics suffice. */
static atomic_int jr_cpus; /* 0: not read yet */

int jr_cpu_count(void) {
  int c = atomic_load_explicit(&jr_cpus, memory_order_relaxed);
  if (c == 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    c = n < 1 ? 1 : (n > 4096 ? 4096 : (int)n);
    atomic_store_explicit(&jr_cpus, c, memory_order_relaxed);
  }
  return c;
}

typedef struct {
  jr_range_fn fn;
  void *arg;
  int64_t begin, end;
} jr_task;

static void *jr_task_run(void *p) {
  jr_task *t = p;
  t->fn(t->arg, t->begin, t->end);
  return NULL;
}

jr_status jr_parallel_for(int threads, int64_t n, jr_range_fn fn, void *arg) {
  if (n <= 0) return JR_OK;
  if (threads > n) threads = (int)n;
  if (threads <= 1) {
    fn(arg, 0, n);
    return JR_OK;
  }
  jr_task *tasks = malloc(sizeof *tasks * (size_t)threads);
  pthread_t *tids = malloc(sizeof *tids * (size_t)threads);
  if (!tasks || !tids) {
    free(tasks);
    free(tids);
    return jr_fail(JR_E_OUT_OF_MEMORY, "cannot allocate %d thread records",
                   threads);
  }
  int started = 0;
  for (int i = 0; i < threads; i++) {
    /* begin_i = floor(n * i / threads) without overflow */
    int64_t q = n / threads, r = n % threads;
    tasks[i].fn = fn;
    tasks[i].arg = arg;
    tasks[i].begin = q * i + (i < r ? i : r);
    tasks[i].end = tasks[i].begin + q + (i < r ? 1 : 0);
  }
  /* Thread 0's share runs on the calling thread. */
  for (int i = 1; i < threads; i++) {
    if (pthread_create(&tids[i], NULL, jr_task_run, &tasks[i]) != 0) break;
    started = i;
  }
  jr_task_run(&tasks[0]);
  for (int i = 1; i <= started; i++)
    pthread_join(tids[i], NULL);
  /* Shares whose thread could not start run here: slower, same result. */
  for (int i = started + 1; i < threads; i++)
    jr_task_run(&tasks[i]);
  free(tasks);
  free(tids);
  return JR_OK;
}
