#include "benchutil.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int bench_run_child(int (*fn)(void *arg), void *arg, double *wall_s, int64_t *peak_rss_bytes)
{
    fflush(NULL);
    double t0 = bench_now_s();
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) _exit(fn(arg));
    int st = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    if (wait4(pid, &st, 0, &ru) < 0) return -1;
    *wall_s = bench_now_s() - t0;
    *peak_rss_bytes = (int64_t)ru.ru_maxrss * 1024; /* Linux reports KiB */
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void read_cpu_model(char *out, size_t n)
{
    out[0] = '\0';
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) != 0) continue;
        const char *v = strchr(line, ':');
        if (!v) break;
        v++;
        while (*v == ' ') v++;
        size_t l = strcspn(v, "\n");
        if (l >= n) l = n - 1;
        memcpy(out, v, l);
        out[l] = '\0';
        break;
    }
    fclose(f);
}

json_t *bench_machine_json(void)
{
    char cpu[256], date[32];
    read_cpu_model(cpu, sizeof cpu);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return json_pack("{s:i, s:I, s:s, s:s}", "cores", (int)sysconf(_SC_NPROCESSORS_ONLN),
                     "memory_bytes", (json_int_t)pages * page, "cpu", cpu, "date", date);
}

int bench_write(const char *dir, const char *name, json_t *obj)
{
    json_object_set_new(obj, "benchmark", json_string(name));
    json_object_set_new(obj, "machine", bench_machine_json());
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    int rc = json_dump_file(obj, path, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (rc == 0) {
        json_dumpf(obj, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        fputc('\n', stdout);
    } else {
        fprintf(stderr, "bench: cannot write %s\n", path);
    }
    json_decref(obj);
    return rc == 0 ? 0 : 1;
}
