/* scout ask: a plain-English question → the right table (and why not its
 * lookalikes) → SQL run read-only under the asker's limits → a checked answer
 * with a chart, the SQL, the assumptions, a confidence and a stored result. */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ask/ask.h"
#include "base/buf.h"
#include "base/fsutil.h"
#include "cli.h"
#include "render/format.h"
#include "render/report.h"
#include "render/table.h"
#include "render/termchart.h"

typedef struct ask_args {
    const char *question;
    const char *report;
    const char *table;
    bool events;
    bool no_store;
    bool deep;
} ask_args;

static scout_rc parse_ask_args(cli *c, int argc, char **argv, ask_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *v = argv[i];
        if (!strcmp(v, "--report") || !strcmp(v, "--table")) {
            if (i + 1 >= argc) return cli_usage_error(c, "ask", "option needs a value");
            if (!strcmp(v, "--report"))
                a->report = argv[++i];
            else
                a->table = argv[++i];
        } else if (!strcmp(v, "--events")) {
            a->events = true;
        } else if (!strcmp(v, "--no-store")) {
            a->no_store = true;
        } else if (!strcmp(v, "--deep")) {
            a->deep = true;
        } else if (v[0] == '-' && v[1]) {
            return cli_usage_error(c, "ask", "unknown option");
        } else if (a->question) {
            return cli_usage_error(c, "ask", "takes one QUESTION (quote it)");
        } else {
            a->question = v;
        }
    }
    return a->question ? SCOUT_OK : cli_usage_error(c, "ask", "missing QUESTION");
}

/* Ctrl-C during the offline path: the handler only sets the flag the
 * warehouse checks, so the running statement stops within milliseconds and
 * the command ends with a one-line "query interrupted" (exit 1) instead of
 * being killed mid-write. */
static atomic_bool ask_cancel;

static void on_sigint(int sig)
{
    (void)sig;
    atomic_store(&ask_cancel, true);
}

/* --events: every step as a JSON line on stderr, as it happens. */
static void print_event(void *ud, const json_t *ev)
{
    (void)ud;
    scout_buf b = SCOUT_BUF_INIT;
    if (scout_event_line(ev, &b, NULL) == SCOUT_OK) fputs(scout_buf_cstr(&b), stderr);
    scout_buf_free(&b);
}

static void print_tables(const char *head, const scout_ask_table *t, size_t n)
{
    if (!n) return;
    printf("%s\n", head);
    for (size_t i = 0; i < n; i++) printf("  %s — %s\n", t[i].name, t[i].why);
}

static void print_clarification(const scout_ask_answer *a)
{
    printf("%s\n", a->text);
    for (size_t i = 0; i < a->n_options; i++)
        printf("  %zu. %s — %s\n", i + 1, a->options[i].name, a->options[i].why);
    if (a->n_options) printf("Ask again with --table NAME to choose.\n");
}

static void print_answer(const scout_ask_answer *a)
{
    if (a->clarify) {
        print_clarification(a);
        return;
    }
    int width = scout_term_width(STDOUT_FILENO);
    bool color = scout_term_color(STDOUT_FILENO);
    printf("%s\n\n", a->text);
    scout_buf b = SCOUT_BUF_INIT;
    scout_term_opts to = {width, color};
    if (a->chart_plan.kind != SCOUT_CHART_NONE && a->chart_plan.kind != SCOUT_CHART_KPI &&
        scout_termchart_render(&b, a->result, &a->chart_plan, &to, NULL) == SCOUT_OK && b.len)
        printf("%s\n", scout_buf_cstr(&b));
    scout_buf_reset(&b);
    scout_table_opts tabo = {width, color, 20, 40};
    if (scout_table_render(&b, a->result, &tabo, NULL) == SCOUT_OK)
        printf("%s\n", scout_buf_cstr(&b));
    scout_buf_free(&b);
    printf("SQL:\n  %s\n", a->sql);
    print_tables("Tables:", a->tables, a->n_tables);
    print_tables("Not used:", a->rejected, a->n_rejected < 3 ? a->n_rejected : 3);
    if (a->n_assumptions) printf("Assumptions:\n");
    for (size_t i = 0; i < a->n_assumptions; i++) printf("  - %s\n", a->assumptions[i]);
    if (a->n_checks) printf("Checks:\n");
    for (size_t i = 0; i < a->n_checks; i++) printf("  ! %s\n", a->checks[i]);
    printf("Confidence: %s (%.2f)\n", scout_ask_confidence_word(a->confidence), a->confidence);
    if (a->result_id[0]) printf("Result: %s%s\n", SCOUT_RESULT_LINK_PREFIX, a->result_id);
}

static scout_rc write_report(cli *c, const scout_ask_answer *a, const char *path)
{
    scout_report_table *tabs = calloc(a->n_tables ? a->n_tables : 1, sizeof *tabs);
    if (!tabs) return scout_err_set(&c->err, SCOUT_ENOMEM, "out of memory");
    for (size_t i = 0; i < a->n_tables; i++)
        tabs[i] = (scout_report_table){a->tables[i].name, a->tables[i].why};
    char link[64] = "", when[32];
    if (a->result_id[0]) snprintf(link, sizeof link, SCOUT_RESULT_LINK_PREFIX "%s", a->result_id);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    scout_report rep = {0};
    rep.question = a->question;
    rep.answer = a->text;
    rep.sql = a->sql;
    rep.tables = tabs;
    rep.n_tables = a->n_tables;
    rep.assumptions = (const char *const *)a->assumptions;
    rep.n_assumptions = a->n_assumptions;
    rep.result = a->result;
    rep.chart_spec = a->chart;
    rep.result_id = a->result_id[0] ? a->result_id : NULL;
    rep.result_link = link[0] ? link : NULL;
    rep.generated_at = when;
    scout_rc rc = scout_report_write(path, &rep, NULL, &c->err);
    free(tabs);
    if (!rc && !c->json && !c->quiet) printf("Report: %s\n", path);
    return rc;
}

/* In a terminal, a clarification can be answered on the spot. */
static const char *pick_option(const scout_ask_answer *a, char *line, size_t n)
{
    if (!a->clarify || !a->n_options || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return NULL;
    printf("Choose 1-%zu (Enter to stop): ", a->n_options);
    fflush(stdout);
    if (!fgets(line, (int)n, stdin)) return NULL;
    long k = strtol(line, NULL, 10);
    return k >= 1 && (size_t)k <= a->n_options ? a->options[k - 1].name : NULL;
}

static scout_rc run_ask(cli *c, int argc, char **argv)
{
    ask_args a;
    scout_rc rc = parse_ask_args(c, argc, argv, &a);
    /* A bad question is refused by the pipeline after it is recorded in the audit
     * log (hostile text is on record too); nothing else is touched. */
    scout_principal who;
    if (!rc) rc = cli_principal(c, &who);
    if (!rc) rc = cli_load_config(c);
    if (!rc) rc = cli_open_catalog(c);
    if (rc) return rc;
    /* With a model configured the agent answers (the deterministic path still
     * goes first and is kept when confident); --table stays offline. */
    if (c->cfg->llm.base_url && !a.table) {
        /* Bad text never reaches a model. */
        rc = scout_ask_check_question(a.question, &c->err);
        cli_agent_req req = {a.question, a.deep, a.report, a.events};
        return rc ? rc : cli_agent_ask(c, &who, &req);
    }
    if (a.deep && !c->cfg->llm.base_url)
        return cli_usage_error(c, "ask", "--deep needs a model: add an llm section to scout.yaml");
    char *table = NULL;
    if (a.table && scout_catalog_resolve(c->cat, a.table, &table, &c->err)) return c->err.code;
    scout_ask_opts o = {0};
    o.cfg = c->cfg;
    o.cat = c->cat;
    o.who = &who;
    o.results_dir = a.no_store ? NULL : c->home.results;
    o.force_table = table;
    o.on_event = a.events ? print_event : NULL;
    o.keep_events = c->json;
    struct scout_grants *grants = NULL;
    rc = cli_audit(c, &o.audit);
    if (!rc) rc = cli_grants(c, &grants);
    o.grants = grants;
    o.home_dir = c->home.dir;
    if (rc) {
        free(table);
        return rc;
    }
    atomic_store(&ask_cancel, false);
    o.cancel = &ask_cancel;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, &old);
    scout_ask_answer *ans = NULL;
    rc = scout_ask_run(a.question, &o, &ans, &c->err);
    char line[64];
    const char *choice = !rc && !c->json ? pick_option(ans, line, sizeof line) : NULL;
    if (choice) {
        free(table);
        table = scout_strdup(choice);
        scout_ask_answer_free(ans);
        ans = NULL;
        o.force_table = table;
        rc = scout_ask_run(a.question, &o, &ans, &c->err);
    }
    sigaction(SIGINT, &old, NULL);
    if (!rc && a.report && !ans->clarify) rc = write_report(c, ans, a.report);
    if (!rc) {
        if (c->json)
            rc = cli_print_json(c, scout_ask_answer_json(ans));
        else
            print_answer(ans);
    }
    scout_ask_answer_free(ans);
    free(table);
    return rc;
}

const cli_command cli_cmd_ask = {
    "ask", "answer a plain-English question with checked SQL, a chart and the reasons",
    "usage: scout ask \"QUESTION\" [--json] [--report FILE.html|FILE.md] [--table TABLE]\n"
    "                 [--events] [--no-store] [--deep] [--as USER]\n"
    "\n"
    "Finds the candidate tables for the question, compares them (measure, dimensions,\n"
    "filter values, time column, trust tier, freshness) and says why the winner and\n"
    "why not its lookalikes; when two fit equally well or nothing fits, it asks back\n"
    "instead of guessing. Then compiles the question to SQL, runs it read-only under\n"
    "the configured row, byte and time limits, checks the result (empty, fan-out,\n"
    "NULL-heavy columns, suspicious single rows), stores it under HOME/results/ and\n"
    "prints the answer, a chart, the table, the SQL, the tables used, the assumptions,\n"
    "a confidence and the result id (scout://results/ID).\n"
    "  --json          one object: {answer, sql, tables[{name, why}], result{id, columns,\n"
    "                  rows, row_count}, chart, confidence, assumptions, events}\n"
    "                  (plus clarification{message, options} when asking back)\n"
    "  --report FILE   also write a report: .html (self-contained) or .md\n"
    "  --table TABLE   answer from this table (e.g. after a clarification)\n"
    "  --events        stream every step as a JSON line on stderr\n"
    "  --no-store      do not store the result\n"
    "  --deep          with an llm configured: the agent answers even when the\n"
    "                  deterministic answer is confident\n"
    "A bad question (empty, SQL, unrecognisable) exits 1 with a one-line message.\n"
    "Ctrl-C stops a running query within a second: \"query interrupted\", exit 1.\n",
    run_ask};
