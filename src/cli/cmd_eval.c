/* scout eval: runs a golden question → SQL suite through the ask pipeline and
 * scores it by executing gold and predicted SQL (lib/eval). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ask/ask.h"
#include "base/fsutil.h"
#include "cli.h"
#include "eval/eval.h"

typedef struct eval_args {
    const char *suite;
    const char *tag;
    size_t limit;
    bool check; /* --check: run the gold SQL only */
} eval_args;

static scout_rc parse_eval_args(cli *c, int argc, char **argv, eval_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (!strcmp(argv[i], "--check")) {
            a->check = true;
        } else if (!strcmp(argv[i], "--tag") || !strcmp(argv[i], "--limit")) {
            if (i + 1 >= argc) return cli_usage_error(c, "eval", "option needs a value");
            v = argv[i + 1];
            if (!strcmp(argv[i++], "--tag")) {
                a->tag = v;
            } else {
                char *end = NULL;
                long long n = strtoll(v, &end, 10);
                if (!*v || *end || n <= 0)
                    return cli_usage_error(c, "eval", "--limit needs a positive number");
                a->limit = (size_t)n;
            }
        } else if (argv[i][0] == '-' || a->suite) {
            return cli_usage_error(c, "eval", "unknown argument");
        } else {
            a->suite = argv[i];
        }
    }
    return a->suite ? SCOUT_OK
                    : cli_usage_error(c, "eval", "needs a SUITE (JSONL file or directory)");
}

/* The predictor that answers each question: the offline ask pipeline. It is
 * not part of this build yet, and a stand-in that returns made-up SQL would
 * report a meaningless score, so eval refuses to run instead. */
/* The ask pipeline as the eval predictor. A JSONL suite runs against the
 * home's catalog as the caller; a Spider suite against the throwaway home the
 * harness indexed for it (then as the predictor's own admin principal). */
typedef struct eval_pipeline {
    scout_ask_eval_ctx ctx;
    scout_principal who;
    scout_catalog *own_cat; /* the Spider suite's catalog, opened here */
} eval_pipeline;

static scout_rc eval_predictor(cli *c, const scout_eval_suite *s, const scout_config *cfg,
                               eval_pipeline *p)
{
    memset(p, 0, sizeof *p);
    const char *home = scout_eval_suite_home(s);
    if (home) {
        char *path = scout_path_join(home, "catalog.db");
        if (!path) return scout_err_set(&c->err, SCOUT_ENOMEM, "out of memory");
        scout_rc rc = scout_catalog_open(path, &p->own_cat, &c->err);
        free(path);
        if (rc) return rc;
        p->ctx = (scout_ask_eval_ctx){cfg, p->own_cat, NULL, NULL, false};
        return SCOUT_OK;
    }
    scout_rc rc = cli_principal(c, &p->who);
    if (!rc) rc = cli_open_catalog(c);
    if (rc) return rc;
    p->ctx = (scout_ask_eval_ctx){cfg, c->cat, NULL, &p->who, false};
    return SCOUT_OK;
}

static void eval_pipeline_done(eval_pipeline *p)
{
    scout_ask_eval_ctx_done(&p->ctx);
    scout_catalog_close(p->own_cat);
}

static void eval_progress(void *ud, size_t done, size_t total, const scout_eval_case *ec)
{
    cli *c = ud;
    if (isatty(STDERR_FILENO)) cli_progress(c, "eval", done, total, ec->id);
}

static void print_tags(const scout_eval_report *rep)
{
    json_t *j = scout_eval_report_json(rep);
    json_t *by_tag = json_object_get(j, "by_tag");
    const char *tag;
    json_t *t;
    if (json_object_size(by_tag)) printf("\n%-22s %5s %9s %8s\n", "TAG", "N", "ACCURACY", "RECALL");
    json_object_foreach(by_tag, tag, t)
    {
        printf("%-22s %5lld %8.1f%% %7.1f%%\n", tag,
               (long long)json_integer_value(json_object_get(t, "n")),
               100 * json_real_value(json_object_get(t, "execution_accuracy")),
               100 * json_real_value(json_object_get(t, "table_recall")));
    }
    json_decref(j);
}

static void print_failures(const scout_eval_report *rep)
{
    bool header = false;
    for (size_t i = 0; i < rep->n; i++) {
        const scout_eval_result *r = &rep->results[i];
        if (r->outcome == SCOUT_EVAL_PASS) continue;
        if (!header) printf("\nfailures:\n");
        header = true;
        printf("  %s  %s  \"%s\"\n", r->c->id, scout_eval_outcome_name(r->outcome), r->c->question);
        if (r->detail) printf("      %s\n", r->detail);
    }
}

static void print_report(const scout_eval_report *rep)
{
    size_t scored = rep->n - rep->suite_errors;
    printf("questions           %zu", rep->n);
    if (rep->suite_errors) printf(" (%zu suite errors, not scored)", rep->suite_errors);
    printf("\nexecution accuracy  %.1f%% (%zu/%zu)\n", 100 * rep->execution_accuracy, rep->passed,
           scored);
    printf("table recall@%d      %.1f%% (%zu/%zu)\n", rep->recall_k, 100 * rep->table_recall,
           rep->recall_hits, scored);
    printf("latency             p50 %.1f ms, p95 %.1f ms\n", rep->p50_ms, rep->p95_ms);
    print_tags(rep);
    print_failures(rep);
}

/* --check: every gold SQL must run; a gold query with no rows is worth a warning. */
static scout_rc print_check(cli *c, const scout_eval_report *rep)
{
    size_t empty = 0;
    for (size_t i = 0; i < rep->n; i++) {
        const scout_eval_result *r = &rep->results[i];
        if (r->outcome == SCOUT_EVAL_SUITE_ERROR)
            fprintf(stderr, "%s: %s\n", r->c->id, r->detail ? r->detail : "suite error");
        else if (r->gold_rows == 0 && ++empty)
            fprintf(stderr, "%s: warning: gold sql returns no rows\n", r->c->id);
    }
    if (c->json) {
        json_t *j = json_pack("{s:I, s:I, s:I}", "n", (json_int_t)rep->n, "suite_errors",
                              (json_int_t)rep->suite_errors, "empty_gold", (json_int_t)empty);
        cli_print_json(c, j);
    } else if (!c->quiet) {
        printf("%zu questions: %zu gold queries failed, %zu returned no rows\n", rep->n,
               rep->suite_errors, empty);
    }
    return SCOUT_OK;
}

static scout_rc run_eval(cli *c, int argc, char **argv)
{
    eval_args a;
    scout_rc rc = parse_eval_args(c, argc, argv, &a);
    scout_eval_suite *s = NULL;
    if (!rc) rc = scout_eval_load(a.suite, NULL, &s, &c->err);
    const scout_config *cfg = s ? scout_eval_suite_config(s) : NULL;
    if (!rc && !cfg) rc = cli_load_config(c);
    if (!rc && !cfg) cfg = c->cfg;
    scout_eval_predict_fn fn = NULL;
    eval_pipeline pipe;
    memset(&pipe, 0, sizeof pipe);
    if (!rc && !a.check) rc = eval_predictor(c, s, cfg, &pipe);
    if (!rc && !a.check) fn = scout_ask_eval_predict;
    scout_eval_opts o = {
        .limit = a.limit, .tag = a.tag, .progress = eval_progress, .progress_ud = c};
    scout_eval_report rep;
    if (!rc) rc = scout_eval_run(s, cfg, fn, fn ? &pipe.ctx : NULL, &o, &rep, &c->err);
    if (!rc) {
        cli_progress_done(c);
        if (a.check)
            print_check(c, &rep);
        else if (c->json)
            cli_print_json(c, scout_eval_report_json(&rep));
        else
            print_report(&rep);
        if (rep.suite_errors)
            rc = scout_err_set(&c->err, SCOUT_EUSER,
                               "%zu gold queries failed: the suite needs fixing", rep.suite_errors);
        scout_eval_report_free(&rep);
    }
    eval_pipeline_done(&pipe);
    scout_eval_suite_free(s);
    return rc;
}

const cli_command cli_cmd_eval = {
    "eval", "score the ask pipeline on a golden question → SQL suite",
    "usage: scout eval SUITE [--limit N] [--tag TAG] [--check]\n"
    "\n"
    "Runs every question of SUITE through ask, executes the gold and the\n"
    "predicted SQL read-only, and compares the results (see docs/eval.md).\n"
    "SUITE is a JSONL file, one question per line:\n"
    "  {\"question\": ..., \"gold_sql\": ..., \"source\": ..., \"tables\": [...], \"tags\": "
    "[...]}\n"
    "run against this home's sources, or a Spider-style directory (tables.json,\n"
    "dev.json or questions.json, database/<db>/<db>.sqlite), indexed into a\n"
    "throwaway home first.\n"
    "\n"
    "Reports execution accuracy, table recall (gold tables among the top 3\n"
    "candidates), latency p50/p95, accuracy per tag and every failure with its\n"
    "reason. --json prints {n, execution_accuracy, table_recall, p50_ms, p95_ms,\n"
    "by_tag, failures}.\n"
    "\n"
    "  --limit N   run only the first N questions\n"
    "  --tag TAG   run only questions tagged TAG (e.g. finance, top_n)\n"
    "  --check     run only the gold SQL: report queries that fail or return\n"
    "              no rows (for suite authors)\n"
    "A gold query that fails is a suite error, reported and not scored.\n",
    run_eval};
