/* eval_acme — answer accuracy of the offline ask pipeline on the Acme suite
 * (examples/acme/eval/questions.jsonl) against a freshly generated Acme:
 * execution accuracy, right table in the top 3, per-tag figures and every
 * failure with its reason (lib/eval's report), plus the end-to-end latency of
 * `scout ask` as a user sees it (the real binary, process start to exit, p50
 * and p95 over a sample of the suite's questions). Writes
 * bench/out/eval_acme.json. SCOUT_BENCH_SCALE sets the Acme scale (default
 * 0.05), SCOUT_BIN the binary (default build/scout). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ask/ask.h"
#include "base/config.h"
#include "catalog/catalog.h"
#include "common/benchutil.h"
#include "eval/eval.h"

#define SUITE        "examples/acme/eval/questions.jsonl"
#define LATENCY_RUNS 40 /* questions timed through the binary */

static int run_quiet(char *const argv[])
{
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    if (waitpid(pid, &st, 0) < 0) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n sorted values. */
static double pct(const double *v, size_t n, double p)
{
    if (!n) return 0;
    size_t k = (size_t)(p * (double)n + 0.999999);
    return v[(k ? k : 1) - 1];
}

/* `scout ask` end to end through the binary, as a user runs it. Returns the
 * number of timed runs (0 when the binary has no ask command). */
static size_t time_binary(const char *bin, const char *home, const scout_eval_suite *s, double *ms,
                          size_t max)
{
    size_t n = 0, total = scout_eval_suite_count(s);
    char *help[] = {(char *)bin, "ask", "--help", NULL};
    if (run_quiet(help) != 0) return 0; /* this binary has no ask command */
    for (size_t i = 0; i < total && n < max; i += total / max ? total / max : 1) {
        const char *q = scout_eval_suite_case(s, i)->question;
        char *argv[] = {(char *)bin, "--home", (char *)home, "--json", "ask", (char *)q, NULL};
        double t0 = bench_now_s();
        int rc = run_quiet(argv);
        double t = (bench_now_s() - t0) * 1000;
        if (rc == 0 || rc == 1) ms[n++] = t; /* a refused question is still a timed answer */
    }
    qsort(ms, n, sizeof *ms, cmp_double);
    return n;
}

static void progress(void *ud, size_t done, size_t total, const scout_eval_case *c)
{
    (void)ud;
    (void)c;
    if (done % 25 == 0 || done == total) fprintf(stderr, "eval_acme: %zu/%zu\n", done, total);
}

int main(int argc, char **argv)
{
    const char *out_dir = argc > 1 ? argv[1] : "bench/out";
    const char *bin = getenv("SCOUT_BIN") ? getenv("SCOUT_BIN") : "build/scout";
    double scale = getenv("SCOUT_BENCH_SCALE") ? atof(getenv("SCOUT_BENCH_SCALE")) : 0.05;
    char home[] = "/tmp/scout-bench-eval-XXXXXX";
    if (!mkdtemp(home)) return 1;
    char scale_s[32];
    snprintf(scale_s, sizeof scale_s, "%g", scale);
    char *demo[] = {(char *)bin, "--home", home, "--quiet", "demo", "--scale", scale_s, NULL};
    double t0 = bench_now_s();
    if (run_quiet(demo) != 0) {
        fprintf(stderr, "eval_acme: %s demo failed\n", bin);
        return 1;
    }
    double demo_s = bench_now_s() - t0;

    char cfg_path[300], cat_path[300];
    snprintf(cfg_path, sizeof cfg_path, "%s/scout.yaml", home);
    snprintf(cat_path, sizeof cat_path, "%s/catalog.db", home);
    scout_err err = {0};
    scout_config *cfg = NULL;
    scout_catalog *cat = NULL;
    scout_eval_suite *suite = NULL;
    if (scout_config_load(cfg_path, &cfg, &err) || scout_catalog_open(cat_path, &cat, &err) ||
        scout_eval_load(SUITE, NULL, &suite, &err)) {
        fprintf(stderr, "eval_acme: %s\n", err.msg);
        return 1;
    }
    scout_ask_eval_ctx ctx = {cfg, cat, NULL, NULL, false};
    scout_eval_opts eo = {0};
    eo.progress = progress;
    scout_eval_report rep;
    if (scout_eval_run(suite, cfg, scout_ask_eval_predict, &ctx, &eo, &rep, &err)) {
        fprintf(stderr, "eval_acme: %s\n", err.msg);
        return 1;
    }
    scout_ask_eval_ctx_done(&ctx);
    json_t *o = scout_eval_report_json(&rep);
    double ms[LATENCY_RUNS];
    size_t timed = time_binary(bin, home, suite, ms, LATENCY_RUNS);
    json_object_set_new(o, "scale", json_real(scale));
    json_object_set_new(o, "suite", json_string(SUITE));
    json_object_set_new(o, "demo_s", json_real(demo_s));
    json_object_set_new(o, "in_process_p50_ms", json_real(rep.p50_ms));
    json_object_set_new(o, "ask_binary_runs", json_integer((json_int_t)timed));
    json_object_set_new(o, "ask_binary_p50_ms",
                        timed ? json_real(pct(ms, timed, 0.5)) : json_null());
    json_object_set_new(o, "ask_binary_p95_ms",
                        timed ? json_real(pct(ms, timed, 0.95)) : json_null());
    fprintf(stderr, "eval_acme: accuracy %.1f%%, top-3 table recall %.1f%%, ask p50 %.1f ms\n",
            100 * rep.execution_accuracy, 100 * rep.table_recall,
            timed ? pct(ms, timed, 0.5) : -1.0);
    scout_eval_report_free(&rep);
    scout_eval_suite_free(suite);
    scout_catalog_close(cat);
    scout_config_free(cfg);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
    if (system(cmd) != 0) fprintf(stderr, "eval_acme: could not remove %s\n", home);
    return bench_write(out_dir, "eval_acme", o);
}
