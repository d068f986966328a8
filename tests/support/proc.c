#include "proc.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"

extern char **environ;

/* Drains both pipes at once so a chatty child never blocks on a full pipe. */
static void drain(int out_fd, int err_fd, scout_buf *out, scout_buf *err)
{
    struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    int open_fds = 2;
    char chunk[8192];
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) break;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            } else {
                scout_buf_append(i == 0 ? out : err, chunk, (size_t)n);
            }
        }
    }
}

proc_result proc_scout(const char *const *args)
{
    const char *bin = getenv("SCOUT_BIN");
    cr_assert_not_null(bin, "SCOUT_BIN is not set (run through make test)");
    const char *argv[64];
    size_t n = 0;
    argv[n++] = bin;
    for (size_t i = 0; args[i] && n < 63; i++) argv[n++] = args[i];
    argv[n] = NULL;
    int po[2], pe[2];
    cr_assert(pipe(po) == 0 && pipe(pe) == 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    posix_spawn_file_actions_addclose(&fa, po[0]);
    posix_spawn_file_actions_addclose(&fa, pe[0]);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, bin, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    cr_assert_eq(rc, 0, "cannot start %s", bin);
    close(po[1]);
    close(pe[1]);
    scout_buf out = SCOUT_BUF_INIT, err = SCOUT_BUF_INIT;
    drain(po[0], pe[0], &out, &err);
    int st = 0;
    waitpid(pid, &st, 0);
    proc_result r;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = scout_buf_take(&out);
    r.err = scout_buf_take(&err);
    return r;
}

proc_result proc_scoutv(const char *first, ...)
{
    const char *args[63];
    size_t n = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && n < 62; a = va_arg(ap, const char *)) args[n++] = a;
    va_end(ap);
    args[n] = NULL;
    return proc_scout(args);
}

void proc_result_free(proc_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *test_tmpdir(void)
{
    char tmpl[] = "/tmp/scout-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    cr_assert_not_null(d, "mkdtemp failed");
    return strdup(d);
}

char *test_acme_home(void)
{
    char *home = test_tmpdir();
    proc_result r = proc_scoutv("--home", home, "--quiet", "demo", "--scale", "0.02", NULL);
    cr_assert_eq(r.status, 0, "demo failed: %s", r.err);
    proc_result_free(&r);
    return home;
}

void test_rmdir(const char *dir)
{
    /* Only ever removes our own /tmp/scout-test-* directories. */
    if (!dir || strncmp(dir, "/tmp/scout-test-", 16) != 0) return;
    pid_t pid;
    const char *argv[] = {"rm", "-rf", dir, NULL};
    if (posix_spawnp(&pid, "rm", NULL, NULL, (char *const *)argv, environ) == 0)
        waitpid(pid, NULL, 0);
}

void test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}
