/* The jr_mpi_* library under mpirun: the split formula, per-rank slices
 * gathered to rank 0 against the single-process functions, error agreement,
 * and the parallel .npy writer (content, no-clobber, failure on one rank
 * leaves no file, non-tiling ranges). Usage: test_mpi_lib WORKDIR */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jaxrandom_mpi.h"

static int rank, size, failures;
static MPI_Comm comm = MPI_COMM_WORLD;

#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "rank %d: %s:%d: check failed: %s: ", rank, __FILE__,    \
              __LINE__, #cond);                                                \
      fprintf(stderr, __VA_ARGS__);                                            \
      fprintf(stderr, "\n");                                                   \
      failures++;                                                              \
    }                                                                          \
  } while (0)

static void test_split(void) {
  for (int64_t n = 0; n <= 40; n++)
    for (int parts = 1; parts <= 9; parts++) {
      int64_t at = 0;
      for (int p = 0; p < parts; p++) {
        int64_t b, e;
        CHECK(jr_mpi_split(n, parts, p, &b, &e) == JR_OK, "split");
        CHECK(b == at, "n=%" PRId64 " parts=%d part=%d begin %" PRId64, n,
              parts, p, b);
        CHECK(e - b == n / parts || e - b == n / parts + 1, "unbalanced");
        CHECK((e - b == n / parts + 1) == (p < n % parts), "extra item");
        at = e;
      }
      CHECK(at == n, "does not cover n=%" PRId64, n);
    }
  /* The largest n: no overflow in part * q + min(part, r). */
  int64_t b, e;
  CHECK(jr_mpi_split(INT64_MAX, 3, 2, &b, &e) == JR_OK && e == INT64_MAX,
        "INT64_MAX end %" PRId64, e);
  CHECK(jr_mpi_split(5, 0, 0, &b, &e) == JR_E_BAD_ARGUMENT, "0 parts");
  CHECK(jr_mpi_split(5, 2, 2, &b, &e) == JR_E_BAD_ARGUMENT, "part = parts");
  CHECK(jr_mpi_split(-1, 2, 0, &b, &e) == JR_E_BAD_ARGUMENT, "n < 0");
  CHECK(jr_mpi_split(5, 2, 0, NULL, &e) == JR_E_NULL_POINTER, "NULL");
}

/* Gathers every rank's bytes to rank 0 in rank order. */
static void *gather(const void *mine, int64_t nbytes, int64_t *total) {
  int n = (int)nbytes, *counts = NULL, *displs = NULL;
  char *all = NULL;
  if (rank == 0) {
    counts = malloc(sizeof(int) * (size_t)size);
    displs = malloc(sizeof(int) * (size_t)size);
  }
  MPI_Gather(&n, 1, MPI_INT, counts, 1, MPI_INT, 0, comm);
  if (rank == 0) {
    int64_t t = 0;
    for (int i = 0; i < size; i++)
      displs[i] = (int)t, t += counts[i];
    all = malloc((size_t)t + 1);
    *total = t;
  }
  MPI_Gatherv(mine, n, MPI_BYTE, all, counts, displs, MPI_BYTE, 0, comm);
  free(counts);
  free(displs);
  return all;
}

typedef enum { K_NORMAL, K_UNIFORM, K_BITS } kind;

static jr_status full(kind k, const jr_ctx *c, jr_key key, int arg,
                      int64_t total, void *out) {
  switch (k) {
  case K_NORMAL: return jr_normal(c, key, (jr_dtype)arg, 1, &total, out);
  case K_UNIFORM:
    return jr_uniform(c, key, (jr_dtype)arg, 1, &total, -2.5, 7.0, out);
  default: return jr_random_bits(c, key, arg, 1, &total, out);
  }
}

static jr_status local(kind k, const jr_ctx *c, jr_key key, int arg,
                       int64_t total, int64_t b, int64_t e, void *out) {
  switch (k) {
  case K_NORMAL:
    return jr_mpi_normal_local(c, key, (jr_dtype)arg, total, comm, b, e, out);
  case K_UNIFORM:
    return jr_mpi_uniform_local(c, key, (jr_dtype)arg, total, -2.5, 7.0, comm,
                                b, e, out);
  default: return jr_mpi_bits_local(c, key, arg, total, comm, b, e, out);
  }
}

static void test_slices(void) {
  static const int64_t totals[] = {0, 1, 2, 3, 7, 1001, 4099};
  static const struct {
    kind k;
    int arg;
    size_t item;
  } cases[] = {{K_NORMAL, JR_FLOAT32, 4},
               {K_NORMAL, JR_FLOAT64, 8},
               {K_NORMAL, JR_FLOAT16, 2},
               {K_NORMAL, JR_BFLOAT16, 2},
               {K_UNIFORM, JR_FLOAT32, 4},
               {K_UNIFORM, JR_FLOAT64, 8},
               {K_BITS, 8, 1},
               {K_BITS, 16, 2},
               {K_BITS, 32, 4},
               {K_BITS, 64, 8}};
  jr_ctx *c = jr_ctx_create();
  /* Different thread counts on different ranks: results must not care. */
  jr_ctx_set_int(c, JR_PARAM_THREADS, 1 + rank % 2);
  for (int mode = 0; mode < 2; mode++) {
    jr_ctx_set_int(c, JR_PARAM_MODE, mode);
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++)
      for (size_t ti = 0; ti < sizeof totals / sizeof totals[0]; ti++) {
        const int64_t total = totals[ti];
        const size_t item = cases[ci].item;
        jr_key key = jr_key_from_seed((int64_t)(1000 * ci + ti), 0);
        int64_t b, e;
        CHECK(jr_mpi_row_range(comm, total, &b, &e) == JR_OK, "row_range");
        void *mine = malloc((size_t)(e - b) * item + 1);
        jr_status st =
            local(cases[ci].k, c, key, cases[ci].arg, total, b, e, mine);
        CHECK(st == JR_OK, "local: %s", jr_last_error());
        int64_t got = 0;
        char *all = gather(mine, (e - b) * (int64_t)item, &got);
        if (rank == 0) {
          void *ref = malloc((size_t)total * item + 1);
          CHECK(full(cases[ci].k, c, key, cases[ci].arg, total, ref) == JR_OK,
                "full: %s", jr_last_error());
          CHECK(got == total * (int64_t)item &&
                    memcmp(all, ref, (size_t)got) == 0,
                "mode %d case %zu total %" PRId64
                ": gathered slices differ from one process",
                mode, ci, total);
          free(ref);
        }
        free(all);
        free(mine);
      }
  }
  jr_ctx_free(c);
}

/* multivariate_normal rows per rank, batched covariance (2, 3, 3) broadcast
 * against a batch (101, 2): 202 rows, against the single-process call. */
static void test_mvn(void) {
  double mean[3] = {1.0, -2.0, 0.5}, cov[18];
  for (int b = 0; b < 2; b++)
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++)
        cov[b * 9 + i * 3 + j] =
            i == j ? 2.0 + b : 0.3 / (1.0 + (double)(i + j + b));
  const int64_t mshape[1] = {3}, cshape[3] = {2, 3, 3}, batch[2] = {101, 2};
  jr_array m = {mean, JR_FLOAT64, 1, mshape, NULL};
  jr_array c = {cov, JR_FLOAT64, 3, cshape, NULL};
  jr_ctx *ctx = jr_ctx_create();
  jr_ctx_set_int(ctx, JR_PARAM_THREADS, 1 + rank % 2);
  for (int mode = 0; mode < 2; mode++) {
    jr_ctx_set_int(ctx, JR_PARAM_MODE, mode);
    jr_mvn *mvn = NULL;
    jr_status st =
        jr_mvn_create(ctx, &m, &c, 2, batch, JR_DTYPE_NONE, JR_CHOLESKY, &mvn);
    CHECK(st == JR_OK, "mvn_create: %s", jr_last_error());
    if (st != JR_OK) break;
    int64_t rows = 0, n = 0, b, e;
    jr_mvn_describe(mvn, NULL, NULL, NULL, &rows, &n);
    CHECK(rows == 202 && n == 3, "rows %lld n %lld", (long long)rows,
          (long long)n);
    jr_key key = jr_key_from_seed(77 + mode, 0);
    jr_mpi_row_range(comm, rows, &b, &e);
    double *mine = malloc((size_t)((e - b) * n) * sizeof(double) + 1);
    st = jr_mpi_mvn_sample_local(mvn, ctx, key, comm, b, e, mine);
    CHECK(st == JR_OK, "mvn local: %s", jr_last_error());
    int64_t got = 0;
    char *all = gather(mine, (e - b) * n * 8, &got);
    if (rank == 0) {
      double *ref = malloc((size_t)(rows * n) * sizeof(double));
      int64_t oshape[JR_MAX_NDIM] = {101, 2, 3};
      jr_array out = {ref, JR_FLOAT64, 3, oshape, NULL};
      CHECK(jr_multivariate_normal(ctx, key, &m, &c, 2, batch, JR_DTYPE_NONE,
                                   JR_CHOLESKY, &out) == JR_OK,
            "full mvn: %s", jr_last_error());
      CHECK(got == rows * n * 8 && memcmp(all, ref, (size_t)got) == 0,
            "mode %d: gathered mvn rows differ from one process", mode);
      free(ref);
    }
    free(all);
    /* A bad row range on the last rank fails everywhere. */
    int64_t e2 = rank == size - 1 ? rows + 1 : e;
    st = jr_mpi_mvn_sample_local(mvn, ctx, key, comm, b, e2, mine);
    CHECK(st == JR_E_BAD_RANGE, "mvn bad range: status %d", (int)st);
    free(mine);
    jr_mvn_free(mvn);
  }
  jr_ctx_free(ctx);
}

/* A bad range on the last rank only: every rank returns its status and
 * message. */
static void test_agreement(void) {
  float buf[16];
  const int64_t total = 10;
  int64_t b, e;
  jr_mpi_row_range(comm, total, &b, &e);
  if (rank == size - 1) e = total + 1;
  jr_status st = jr_mpi_normal_local(NULL, jr_key_from_seed(1, 0), JR_FLOAT32,
                                     total, comm, b, e, buf);
  CHECK(st == JR_E_BAD_RANGE, "status %d", (int)st);
  char want[64];
  snprintf(want, sizeof want, "rank %d of %d: ", size - 1, size);
  CHECK(strncmp(jr_last_error(), want, strlen(want)) == 0, "message '%s'",
        jr_last_error());
  /* A second agreement keeps one prefix. */
  st = jr_mpi_agree(comm, rank == 0 ? st : JR_OK);
  CHECK(st == JR_E_BAD_RANGE &&
            strncmp(jr_last_error(), want, strlen(want)) == 0 &&
            !strstr(jr_last_error() + strlen(want), "rank "),
        "re-agreed message '%s'", jr_last_error());
  CHECK(jr_mpi_agree(comm, JR_OK) == JR_OK, "all ok");
}

typedef struct {
  jr_key key;
  int64_t total, n;
  int fail_rank;
} fill_args;

static jr_status fill_normal(void *user, int64_t b, int64_t e, void *buf) {
  const fill_args *a = user;
  if (rank == a->fail_rank) {
    fprintf(stderr, "(rank %d failing on purpose)\n", rank);
    return JR_E_IO; /* message: whatever jr_last_error() holds */
  }
  return jr_normal_range(NULL, a->key, JR_FLOAT64, a->total, b * a->n,
                         (e - b) * a->n, buf);
}

static char *read_file(const char *path, long *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *d = malloc((size_t)*len + 1);
  if (fread(d, 1, (size_t)*len, f) != (size_t)*len) *len = -1;
  fclose(f);
  return d;
}

/* No temporary files left behind in dir. */
static int count_temps(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *de;
  while (d && (de = readdir(d)))
    if (strncmp(de->d_name, ".lib_", 5) == 0) n++;
  if (d) closedir(d);
  return n;
}

static void test_writer(const char *dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/lib_np%d.npy", dir, size);
  if (rank == 0) unlink(path);
  MPI_Barrier(comm);
  const int64_t shape[2] = {1001, 3};
  fill_args a = {jr_key_from_seed(42, 0), 3003, 3, -1};
  jr_mpi_npy_spec s = {JR_FLOAT64, 2, shape, 3, 0, 0, 7, 0};
  /* Uneven rows per rank (row_range) and uneven blocks (7 rows). */
  jr_mpi_row_range(comm, shape[0], &s.begin, &s.end);
  jr_status st = jr_mpi_write_npy(comm, path, &s, fill_normal, &a);
  CHECK(st == JR_OK, "write: %s", jr_last_error());
  if (rank == 0) {
    long len = 0;
    char *d = read_file(path, &len);
    double *ref = malloc(3003 * sizeof(double));
    jr_normal(NULL, a.key, JR_FLOAT64, 2, shape, ref);
    CHECK(d && len > 128 && len % 8 == 0, "file length %ld", len);
    if (d && len > 128) {
      long hdr = len - 3003 * 8;
      CHECK(hdr % 64 == 0 && memcmp(d, "\x93NUMPY", 6) == 0 &&
                strstr(d + 10, "'shape': (1001, 3)") &&
                strstr(d + 10, "'descr': '<f8'") && d[hdr - 1] == '\n',
            "header");
      CHECK(memcmp(d + hdr, ref, 3003 * 8) == 0, "data differ");
    }
    free(d);
    free(ref);
  }

  /* One-row blocks over 101 rows: the ranks make different numbers of
   * writes (P = 2: 51 and 50), the short ones join with empty writes. */
  {
    const int64_t sh101[2] = {101, 3};
    fill_args a101 = {jr_key_from_seed(43, 0), 303, 3, -1};
    jr_mpi_npy_spec s101 = {JR_FLOAT64, 2, sh101, 3, 0, 0, 1, 1};
    jr_mpi_row_range(comm, sh101[0], &s101.begin, &s101.end);
    char p101[4096];
    snprintf(p101, sizeof p101, "%s/lib101_np%d.npy", dir, size);
    CHECK(jr_mpi_write_npy(comm, p101, &s101, fill_normal, &a101) == JR_OK,
          "101 rows: %s", jr_last_error());
    if (rank == 0) {
      long len = 0;
      char *d = read_file(p101, &len);
      double ref[303];
      jr_normal(NULL, a101.key, JR_FLOAT64, 2, sh101, ref);
      const long hdr = len - 303 * 8;
      CHECK(d && hdr >= 64 && hdr % 64 == 0 &&
                memcmp(d + hdr, ref, 303 * 8) == 0,
            "101 rows: file length %ld or data differ", len);
      free(d);
      unlink(p101);
    }
  }

  /* No clobbering: the existing file stays as it is. */
  struct stat before, after;
  stat(path, &before);
  st = jr_mpi_write_npy(comm, path, &s, fill_normal, &a);
  CHECK(st == JR_E_BAD_ARGUMENT && strstr(jr_last_error(), "exists"),
        "no-clobber: %d %s", (int)st, jr_last_error());
  stat(path, &after);
  CHECK(after.st_ino == before.st_ino && after.st_size == before.st_size,
        "file changed");
  s.force = 1;
  CHECK(jr_mpi_write_npy(comm, path, &s, fill_normal, &a) == JR_OK, "force: %s",
        jr_last_error());
  s.force = 0;

  /* A failure on the last rank: all ranks fail, no file, no temporaries. */
  char path2[4096];
  snprintf(path2, sizeof path2, "%s/lib_fail_np%d.npy", dir, size);
  if (rank == 0) unlink(path2);
  MPI_Barrier(comm);
  a.fail_rank = size - 1;
  st = jr_mpi_write_npy(comm, path2, &s, fill_normal, &a);
  CHECK(st == JR_E_IO, "failing rank: status %d", (int)st);
  char want[64];
  snprintf(want, sizeof want, "rank %d of %d: ", size - 1, size);
  CHECK(strncmp(jr_last_error(), want, strlen(want)) == 0, "message '%s'",
        jr_last_error());
  a.fail_rank = -1;
  MPI_Barrier(comm);
  CHECK(access(path2, F_OK) != 0, "partial file %s exists", path2);
  CHECK(count_temps(dir) == 0, "temporary files left in %s", dir);

  /* Ranges that leave a gap (or, with one rank, end early) are refused. */
  jr_mpi_npy_spec g = s;
  if (rank == size - 1) g.end = g.end > g.begin ? g.end - 1 : g.end;
  st = jr_mpi_write_npy(comm, path2, &g, fill_normal, &a);
  CHECK(st == JR_E_BAD_RANGE, "gap: status %d %s", (int)st, jr_last_error());
  CHECK(access(path2, F_OK) != 0, "file written despite a gap");
  /* Different shapes on different ranks are refused. */
  if (size > 1) {
    const int64_t other[2] = {3003, 1};
    jr_mpi_npy_spec d = s;
    if (rank == 1) d.shape = other, d.record_elems = 1, d.begin = 0, d.end = 0;
    st = jr_mpi_write_npy(comm, path2, &d, fill_normal, &a);
    CHECK(st == JR_E_BAD_ARGUMENT, "shapes: status %d %s", (int)st,
          jr_last_error());
  }
  /* An empty array: header only. */
  const int64_t empty[2] = {0, 3};
  jr_mpi_npy_spec z = {JR_FLOAT64, 2, empty, 3, 0, 0, 0, 1};
  CHECK(jr_mpi_write_npy(comm, path2, &z, fill_normal, &a) == JR_OK,
        "empty: %s", jr_last_error());
  if (rank == 0) {
    struct stat sb;
    CHECK(stat(path2, &sb) == 0 && sb.st_size % 64 == 0 && sb.st_size >= 64,
          "empty file size");
    unlink(path2);
  }
  MPI_Barrier(comm);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  if (argc != 2) {
    if (rank == 0) fprintf(stderr, "usage: test_mpi_lib WORKDIR\n");
    MPI_Finalize();
    return 2;
  }
  test_split();
  test_slices();
  test_mvn();
  test_agreement();
  test_writer(argv[1]);
  int any = 0;
  MPI_Allreduce(&failures, &any, 1, MPI_INT, MPI_SUM, comm);
  if (rank == 0)
    printf("test_mpi_lib: %d ranks, %s (%d failed checks)\n", size,
           any ? "FAILED" : "ok", any);
  MPI_Finalize();
  return any ? 1 : 0;
}
