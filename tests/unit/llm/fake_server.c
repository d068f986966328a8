#include "unit/llm/fake_server.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support/fixtures.h"
#include "support/proc.h"

/* fake-llm lives beside the sanitized scout binary the Makefile points at. */
static void binary_path(char *out, size_t cap)
{
    const char *bin = getenv("SCOUT_BIN");
    const char *slash = bin ? strrchr(bin, '/') : NULL;
    if (!slash) {
        snprintf(out, cap, "build/asan/fake-llm");
        return;
    }
    snprintf(out, cap, "%.*s/fake-llm", (int)(slash - bin), bin);
}

void fake_server_start(fake_server *f, const char *script_json)
{
    memset(f, 0, sizeof *f);
    f->dir = test_tmpdir();
    char script[512], port_file[512], bin[1024];
    snprintf(script, sizeof script, "%s/script.json", f->dir);
    snprintf(port_file, sizeof port_file, "%s/port", f->dir);
    snprintf(f->log_path, sizeof f->log_path, "%s/requests.jsonl", f->dir);
    test_write_file(script, script_json);
    binary_path(bin, sizeof bin);
    cr_assert(access(bin, X_OK) == 0, "fake-llm not built at %s (make build/asan/fake-llm)", bin);
    f->pid = fork();
    cr_assert(f->pid >= 0);
    if (f->pid == 0) {
        execl(bin, bin, "--script", script, "--port-file", port_file, "--log", f->log_path,
              "--lifetime", "60", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) { /* up to 5 s for a sanitized start */
        FILE *pf = fopen(port_file, "r");
        int port = 0;
        if (pf) {
            if (fscanf(pf, "%d", &port) != 1) port = 0;
            fclose(pf);
        }
        if (port > 0) {
            snprintf(f->base_url, sizeof f->base_url, "http://127.0.0.1:%d/v1", port);
            return;
        }
        struct timespec ts = {0, 10000000L};
        nanosleep(&ts, NULL);
    }
    cr_assert_fail("fake-llm did not start");
}

void fake_server_stop(fake_server *f)
{
    if (f->pid > 0) {
        kill(f->pid, SIGTERM);
        waitpid(f->pid, NULL, 0);
        f->pid = 0;
    }
    if (f->dir) {
        test_rm_rf(f->dir);
        free(f->dir);
        f->dir = NULL;
    }
}

json_t *fake_server_requests(const fake_server *f)
{
    json_t *all = json_array();
    FILE *fp = fopen(f->log_path, "r");
    if (!fp) return all;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, fp) > 0) {
        json_t *j = json_loads(line, 0, NULL);
        if (j) json_array_append_new(all, j);
    }
    free(line);
    fclose(fp);
    return all;
}
