/* proc — test support: runs the real scout binary ($SCOUT_BIN) with
 * arguments and captures its exit status, stdout and stderr. Also makes and
 * removes throwaway directories. */
#ifndef SCOUT_TEST_PROC_H
#define SCOUT_TEST_PROC_H

#include <stddef.h>

typedef struct proc_result {
    int status; /* exit status, or 128+signal */
    char *out;  /* stdout, NUL-terminated (heap) */
    char *err;  /* stderr, NUL-terminated (heap) */
} proc_result;

/* Runs $SCOUT_BIN with the NULL-terminated argv (argv[0] excluded). */
proc_result proc_scout(const char *const *args);

/* Like proc_scout with a printf-free list: proc_scoutv("status", "--json", NULL). */
proc_result proc_scoutv(const char *first, ...);

void proc_result_free(proc_result *r);

/* A fresh directory under /tmp (heap path), and recursive removal. */
char *test_tmpdir(void);
void test_rmdir(const char *dir);

/* A fresh home (test_tmpdir) holding the Acme demo at scale 0.02, generated
 * and indexed by the scout binary under test; remove with test_rmdir. */
char *test_acme_home(void);

/* Writes text to path (creating or truncating). */
void test_write_file(const char *path, const char *text);

#endif
