/* ask.c — see ask.h. The pipeline is a sequence of small steps over one
 * run state; each step emits its event and leaves its output in the answer. */
#include "ask/ask.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ask/answer.h"
#include "base/buf.h"
#include "base/fsutil.h"
#include "guard/audit.h"
#include "guard/grants.h"
#include "guard/guard.h"
#include "guard/limits.h"
#include "guard/policy.h"
#include "planner/compile.h"
#include "planner/dialect.h"
#include "planner/joins.h"
#include "planner/question.h"
#include "render/table.h"
#include "warehouse/warehouse.h"

#define ASK_NULL_HEAVY 0.5 /* share of NULL cells that makes a column worth a warning */
#define ASK_JOIN_HOPS  2
#define ASK_CHECK_ROWS 100000 /* cap for the re-runs that look for an emptying filter */
/* Below this confidence in the best table the asker may read, discovery looks
 * at every table to tell "you lack access" apart from "nothing fits". */
#define ASK_ACCESS_CONFIDENCE 0.75

/* ---------- question checks ---------- */

static bool utf8_clean(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!len || i + len > n) return false;
        if (len == 1 && c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
        if (c == 0x7f) return false;
        for (size_t j = 1; j < len; j++)
            if ((s[i + j] & 0xc0) != 0x80) return false;
        i += len;
    }
    return true;
}

static bool has_word_prefix(const char *lower, const char *word)
{
    size_t n = strlen(word);
    return !strncmp(lower, word, n) && (lower[n] == ' ' || lower[n] == '\n' || lower[n] == '\t' ||
                                        lower[n] == '(' || lower[n] == '*' || !lower[n]);
}

/* SQL text or an injection attempt: a statement verb opening the question
 * with its clause, or a statement/comment splice anywhere in it. Plain words
 * like "select the top 5 countries" pass: they lack the clause. */
static const char *sql_smell(const char *lower)
{
    static const char *const anywhere[] = {"drop table",
                                           "delete from",
                                           "insert into",
                                           "truncate table",
                                           "alter table",
                                           "create table",
                                           "union select",
                                           "union all select",
                                           "; select",
                                           ";select",
                                           "attach database",
                                           "pragma ",
                                           "sqlite_master",
                                           "--",
                                           "/*",
                                           "' or '",
                                           "' or 1",
                                           "1=1",
                                           "xp_cmdshell",
                                           "exec(",
                                           "; drop",
                                           ";drop"};
    for (size_t i = 0; i < sizeof anywhere / sizeof anywhere[0]; i++)
        if (strstr(lower, anywhere[i])) return anywhere[i];
    const char *p = lower;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '(') p++;
    if (has_word_prefix(p, "select") && strstr(p, " from ")) return "select ... from";
    if (has_word_prefix(p, "with") && strstr(p, " as (")) return "with ... as (";
    if (has_word_prefix(p, "update") && strstr(p, " set ")) return "update ... set";
    return NULL;
}

scout_rc scout_ask_check_question(const char *q, scout_err *err)
{
    size_t n = q ? strlen(q) : 0;
    size_t i = 0;
    while (i < n && isspace((unsigned char)q[i])) i++;
    if (i == n) return scout_err_set(err, SCOUT_EUSER, "the question is empty");
    if (n > SCOUT_QUESTION_MAX)
        return scout_err_set(err, SCOUT_EUSER, "the question is too long (%zu bytes; at most %d)",
                             n, SCOUT_QUESTION_MAX);
    if (!utf8_clean((const unsigned char *)q, n))
        return scout_err_set(err, SCOUT_EUSER,
                             "the question has control characters or is not valid utf-8");
    char lower[SCOUT_QUESTION_MAX + 1];
    for (size_t j = 0; j <= n; j++) lower[j] = (char)tolower((unsigned char)q[j]);
    const char *smell = sql_smell(lower);
    if (smell)
        return scout_err_set(err, SCOUT_EUSER,
                             "the question looks like sql ('%s'); ask in plain words", smell);
    return SCOUT_OK;
}

/* ---------- run state ---------- */

typedef struct ask_run {
    const scout_ask_opts *o;
    scout_ask_answer *a;
    scout_event_stream ev;
    scout_question *q;
    scout_search *search;
    bool own_search;
    scout_discovery *disc;
    const scout_candidate *chosen;
    scout_joins_graph *graph;
    scout_wh *wh;
    scout_dialect dialect;
    scout_compiled *compiled;
    char *empty_filter;
    long long empty_rows;
    const scout_grants *grants; /* o->grants or own_grants */
    scout_grants *own_grants;
    scout_grants_scope scope; /* backs policy */
    scout_search_policy policy;
} ask_run;

static scout_rc nomem(scout_err *err)
{
    return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
}

static scout_rc push_str(char ***v, size_t *n, const char *s)
{
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv) return SCOUT_ENOMEM;
    *v = nv;
    if (!(nv[*n] = scout_strdup(s ? s : ""))) return SCOUT_ENOMEM;
    (*n)++;
    return SCOUT_OK;
}

static scout_rc push_table(scout_ask_table **v, size_t *n, const char *name, const char *why)
{
    scout_ask_table *nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv) return SCOUT_ENOMEM;
    *v = nv;
    nv[*n].name = scout_strdup(name);
    nv[*n].why = scout_strdup(why ? why : "");
    (*n)++;
    return nv[*n - 1].name && nv[*n - 1].why ? SCOUT_OK : SCOUT_ENOMEM;
}

/* ---------- steps ---------- */

static scout_rc push_new(scout_ask_answer *a, const char *fq)
{
    for (size_t i = 0; i < a->n_candidates; i++)
        if (!strcmp(a->candidates[i], fq)) return SCOUT_OK;
    return push_str(&a->candidates, &a->n_candidates, fq);
}

/* The candidate tables as the answer reports them: the best, then the
 * tables its query joins (the answer reads them too), then the rest. */
static scout_rc push_candidates(scout_ask_answer *a, const scout_discovery *d)
{
    scout_rc rc = SCOUT_OK;
    const scout_semantic *q = d->n && d->c[0].sig.bound ? d->c[0].query : NULL;
    if (d->n) rc = push_new(a, d->c[0].table);
    for (size_t i = 0; q && !rc && i < q->n_dimensions; i++)
        if (q->dimensions[i].ref.table) rc = push_new(a, q->dimensions[i].ref.table);
    for (size_t i = 0; q && !rc && i < q->n_filters; i++)
        if (q->filters[i].ref.table) rc = push_new(a, q->filters[i].ref.table);
    for (size_t i = 1; !rc && i < d->n; i++) rc = push_new(a, d->c[i].table);
    return rc;
}

static scout_rc step_discover(ask_run *r, scout_err *err)
{
    const scout_ask_opts *o = r->o;
    scout_rc rc = scout_question_analyze(r->a->question, &r->q, err);
    if (!rc) rc = scout_question_place_launch(r->q, o->cat, o->who, err);
    if (rc) return rc;
    r->search = o->search;
    if (!r->search && !o->force_table) {
        rc = scout_search_open(o->cat, &r->search, err);
        if (rc) return rc;
        r->own_search = true;
    }
    scout_discover_opts d = {0};
    d.cat = o->cat;
    d.search = r->search;
    d.question = r->a->question;
    d.who = o->who;
    d.policy = o->policy ? o->policy : &r->policy;
    d.k = o->k;
    d.force_table = o->force_table;
    d.events = &r->ev;
    d.embedder = o->embedder;
    rc = scout_discover_run(&d, r->q, &r->disc, err);
    if (rc) return rc;
    if (push_candidates(r->a, r->disc)) return nomem(err);
    r->chosen = scout_discovery_chosen(r->disc);
    r->a->confidence = r->disc->confidence;
    return SCOUT_OK;
}

static scout_rc step_clarify(ask_run *r, scout_err *err)
{
    scout_ask_answer *a = r->a;
    bool any = false;
    for (size_t i = 0; i < r->disc->n; i++)
        any |= r->disc->c[i].sig.bound && r->disc->c[i].sig.trust != SCOUT_TIER_DEPRECATED;
    /* Nothing to offer means the words named nothing scout can answer from. */
    if (!any)
        return scout_err_set(err, SCOUT_EUSER,
                             "no table can answer this question; try other words or `scout "
                             "search`");
    a->clarify = true;
    a->text = scout_strdup(r->disc->message ? r->disc->message : "which table did you mean?");
    if (!a->text) return nomem(err);
    for (size_t i = 0; i < r->disc->n && a->n_options < 5; i++) {
        const scout_candidate *c = &r->disc->c[i];
        if (!c->sig.bound || c->sig.trust == SCOUT_TIER_DEPRECATED) continue;
        if (push_table(&a->options, &a->n_options, c->table, c->fit.why)) return nomem(err);
    }
    return scout_event_emit(&r->ev, SCOUT_EVENT_ANSWER,
                            json_pack("{s:s, s:b, s:f}", "text", a->text, "clarification", 1,
                                      "confidence", a->confidence));
}

static char *source_of(const char *fq)
{
    size_t n = strcspn(fq, ".");
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, fq, n);
        s[n] = '\0';
    }
    return s;
}

static scout_rc step_compile(ask_run *r, scout_err *err)
{
    const scout_ask_opts *o = r->o;
    const char *table = r->chosen->table;
    scout_rc rc = scout_joins_graph_new(&r->graph, err);
    if (!rc) rc = scout_joins_load(r->graph, o->cat, &table, 1, ASK_JOIN_HOPS, err);
    if (!rc) rc = scout_semantic_validate(r->chosen->query, r->graph, err);
    if (rc) return rc;
    r->a->source = source_of(table);
    if (!r->a->source) return nomem(err);
    const scout_source_cfg *src = scout_config_source(o->cfg, r->a->source);
    if (!src)
        return scout_err_set(err, SCOUT_ENOTFOUND, "source '%s' of %s is not configured",
                             r->a->source, table);
    rc = scout_wh_open(src, &r->wh, err);
    if (!rc) scout_wh_set_cancel(r->wh, o->cancel);
    if (!rc) rc = scout_dialect_from_name(scout_wh_dialect_of(r->wh)->name, &r->dialect, err);
    scout_compile_opts co = {r->dialect, o->cfg->limits.max_rows};
    if (!rc) rc = scout_compile_query(r->chosen->query, r->graph, &co, &r->compiled, err);
    if (rc) return rc;
    r->a->sql = scout_strdup(r->compiled->sql);
    if (!r->a->sql) return nomem(err);
    json_t *tables = json_array();
    for (size_t i = 0; i < r->compiled->n_tables; i++)
        json_array_append_new(tables, json_string(r->compiled->tables[i]));
    return scout_event_emit(
        &r->ev, SCOUT_EVENT_SQL,
        json_pack("{s:s, s:s, s:o}", "sql", r->a->sql, "source", r->a->source, "tables", tables));
}

/* Units are not declared in the catalog yet; column and measure names say
 * them reliably enough in practice ("net_revenue_usd", "p95_latency_ms"). */
static scout_unit unit_for(const char *name, scout_col_role role)
{
    /* The compiler writes % change already multiplied by 100. */
    if (role == SCOUT_ROLE_PCT) return SCOUT_UNIT_PCT_POINTS;
    if (!name) return SCOUT_UNIT_NONE;
    static const char *const money[] = {"usd",  "revenue", "amount", "arr",      "mrr",  "price",
                                        "cost", "refund",  "ltv",    "bookings", "spend"};
    if (strstr(name, "_ms") || strstr(name, "latency") || strstr(name, "duration"))
        return SCOUT_UNIT_MS;
    if (strstr(name, "count") || strstr(name, "customers") || strstr(name, "users"))
        return SCOUT_UNIT_NONE;
    for (size_t i = 0; i < sizeof money / sizeof money[0]; i++)
        if (strstr(name, money[i])) return SCOUT_UNIT_CURRENCY;
    if (strstr(name, "_rate") || strstr(name, "share") || strstr(name, "pct"))
        return SCOUT_UNIT_PCT;
    return SCOUT_UNIT_NONE;
}

/* A measure's unit from what it aggregates when its name does not say it
 * ("collected_cash" = a curated metric over amount_usd). */
static scout_unit unit_of_measure(const ask_run *r, const char *as)
{
    const scout_semantic *q = r->chosen->query;
    for (size_t i = 0; as && i < q->n_measures; i++) {
        const scout_sq_measure *m = &q->measures[i];
        if (!m->as || strcmp(m->as, as)) continue;
        if (m->agg == SCOUT_AGG_COUNT || m->agg == SCOUT_AGG_COUNT_DISTINCT ||
            m->agg == SCOUT_AGG_COUNT_PER || m->agg == SCOUT_AGG_SHARE)
            return SCOUT_UNIT_NONE;
        scout_joins_metric jm;
        if (m->agg == SCOUT_AGG_METRIC && r->graph &&
            scout_joins_metric_find(r->graph, m->metric, &jm))
            return unit_for(jm.expression, SCOUT_ROLE_MEASURE);
        if (m->agg != SCOUT_AGG_RATIO && m->ref.column)
            return unit_for(m->ref.column, SCOUT_ROLE_MEASURE);
    }
    return SCOUT_UNIT_NONE;
}

static scout_rc describe_columns(const ask_run *r, scout_result *res, const scout_compiled *cc,
                                 scout_err *err)
{
    scout_result_col *cols = calloc(cc->n_cols ? cc->n_cols : 1, sizeof *cols);
    if (!cols) return nomem(err);
    for (size_t i = 0; i < cc->n_cols; i++) {
        const scout_compiled_col *c = &cc->cols[i];
        cols[i].name = c->name;
        cols[i].role = scout_result_role_parse(scout_compile_role_name(c->role));
        cols[i].type = scout_result_type_parse(c->type);
        cols[i].unit = unit_for(c->measure ? c->measure : c->name, c->role);
        if (cols[i].unit == SCOUT_UNIT_NONE && c->measure && c->role != SCOUT_ROLE_PCT)
            cols[i].unit = unit_of_measure(r, c->measure);
        cols[i].previous = c->variant && !strcmp(c->variant, "previous");
    }
    scout_rc rc = scout_result_set_columns(res, cols, cc->n_cols, err);
    free(cols);
    return rc;
}

static scout_wh_limits limits_of(const scout_config *cfg)
{
    scout_wh_limits l = {cfg->limits.max_rows, cfg->limits.max_bytes, cfg->limits.timeout_ms};
    return l;
}

/* ---------- guardrails ---------- */

/* Records one action in the audit log (when one is open). A failure to
 * record is an error: nothing may be shown that is not on record. */
static scout_rc audit_action(ask_run *r, const char *kind, const char *text, double ms,
                             int64_t rows, scout_rc outcome, const char *reason, scout_err *err)
{
    if (!r->o->audit) return SCOUT_OK;
    scout_audit_entry e = {0};
    e.user = r->o->who && r->o->who->user ? r->o->who->user : "unknown";
    e.source = r->a->source;
    e.kind = kind;
    e.text = text;
    e.duration_ms = ms;
    e.rows = rows;
    e.allowed = outcome != SCOUT_EDENIED;
    e.status = scout_audit_status_of(outcome);
    e.reason = reason;
    scout_err aerr = {0};
    if (scout_audit_record(r->o->audit, &e, NULL, &aerr))
        return scout_err_set(err, SCOUT_EIO, "cannot write the audit log: %s", aerr.msg);
    return SCOUT_OK;
}

/* Runs an allowed statement within the asker's concurrent-query slots and the
 * cost pre-check, under their grants inside the engine. Refusals here are
 * audited by guarded_query like every other outcome (so no audit log is
 * handed to the limits module: one record per statement). */
static scout_rc limited_query(ask_run *r, const char *sql, const scout_wh_limits *wl,
                              scout_result *res, scout_wh_qstats *st, scout_err *err)
{
    const scout_principal *who = r->o->who;
    scout_query_slot slot = {-1};
    scout_rc rc = SCOUT_OK;
    if (r->o->home_dir) {
        scout_slot_req req = {r->o->home_dir,
                              who && who->user ? who->user : "unknown",
                              r->o->cfg->limits.max_concurrent_queries_per_user,
                              NULL,
                              NULL,
                              r->a->source,
                              sql};
        rc = scout_limits_acquire(&req, &slot, err);
    }
    if (!rc) rc = scout_limits_check_cost(r->wh, sql, r->o->cfg->limits.max_query_cost, NULL, err);
    if (!rc)
        rc = scout_guard_query(r->grants, who, r->wh, sql, wl, scout_result_on_header,
                               scout_result_on_row, res, st, NULL, err);
    scout_limits_release(&slot);
    return rc;
}

/* Every statement run for an answer goes through here: the statement policy,
 * then the asker's grants inside the engine, then the audit record. */
static scout_rc guarded_query(ask_run *r, const char *sql, const scout_wh_limits *wl,
                              scout_result *res, scout_wh_qstats *st, scout_err *err)
{
    scout_wh_qstats local = {0};
    if (!st) st = &local;
    scout_policy_decision d;
    scout_err perr = {0};
    scout_rc rc = scout_policy_check(sql, scout_wh_dialect_of(r->wh)->name, NULL, &d, &perr);
    if (rc) {
        if (err) *err = perr;
    } else {
        rc = limited_query(r, sql, wl, res, st, err);
    }
    const char *reason = rc ? (err ? err->msg : scout_rc_name(rc)) : d.reason;
    scout_rc arc = audit_action(r, "sql", sql, st->elapsed_ms, rc ? -1 : st->rows, rc, reason, err);
    return arc ? arc : rc;
}

static scout_rc step_execute(ask_run *r, scout_err *err)
{
    const scout_limits_cfg *lim = &r->o->cfg->limits;
    scout_result *res = scout_result_new(lim->max_rows > 0 ? (size_t)lim->max_rows : 0,
                                         lim->max_bytes > 0 ? (size_t)lim->max_bytes : 0);
    if (!res) return nomem(err);
    r->a->result = res;
    scout_rc rc = describe_columns(r, res, r->compiled, err);
    if (rc) return rc;
    scout_event_status(&r->ev, "running the query on %s", r->a->source);
    scout_wh_limits wl = limits_of(r->o->cfg);
    scout_wh_qstats st = {0};
    rc = guarded_query(r, r->a->sql, &wl, res, &st, err);
    if (rc == SCOUT_ELIMIT) {
        /* The rows so far are kept and the answer says it is partial. */
        scout_result_mark_truncated(res);
        scout_err_clear(err);
        rc = SCOUT_OK;
    }
    r->a->query_ms = st.elapsed_ms;
    return rc;
}

/* ---------- result checks ---------- */

static void describe_filter(const scout_sq_filter *f, scout_buf *b)
{
    scout_buf_printf(b, "%s %s", f->ref.column ? f->ref.column : "?",
                     scout_semantic_op_name(f->op));
    if (f->than) scout_buf_printf(b, " %s", f->than); /* another column of the row */
    for (size_t i = 0; i < f->n_values && i < 4; i++) {
        const scout_sq_value *v = &f->values[i];
        const char *sep = i ? ", " : " ";
        if (v->kind == SCOUT_VAL_KIND_STRING)
            scout_buf_printf(b, "%s'%s'", sep, v->s ? v->s : "");
        else if (v->kind == SCOUT_VAL_KIND_REAL)
            scout_buf_printf(b, "%s%g", sep, v->d);
        else
            scout_buf_printf(b, "%s%lld", sep, (long long)v->i);
    }
}

/* Rows the query returns when it runs with q' instead: -1 when it fails. A
 * single aggregate row whose measures are all NULL counts as no rows. */
static long long rows_with(ask_run *r, const scout_semantic *variant)
{
    scout_compiled *cc = NULL;
    scout_compile_opts co = {r->dialect, ASK_CHECK_ROWS};
    if (scout_compile_query(variant, r->graph, &co, &cc, NULL)) return -1;
    scout_result *res = scout_result_new(ASK_CHECK_ROWS, 0);
    scout_wh_limits wl = limits_of(r->o->cfg);
    long long n = -1;
    if (res && describe_columns(r, res, cc, NULL) == SCOUT_OK) {
        scout_rc rc = guarded_query(r, cc->sql, &wl, res, NULL, NULL);
        if (rc == SCOUT_OK || rc == SCOUT_ELIMIT) n = (long long)scout_result_nrows(res);
        int m = scout_result_find_role(res, SCOUT_RESULT_ROLE_MEASURE, -1);
        double v;
        if (n == 1 && m >= 0 && !scout_result_number(res, 0, (size_t)m, &v)) n = 0;
    }
    scout_result_free(res);
    scout_compile_free(cc);
    return n;
}

static bool result_empty(const scout_result *res)
{
    size_t n = scout_result_nrows(res);
    if (n == 0) return true;
    if (n > 1) return false;
    /* sum() over nothing is one row of NULLs. */
    for (size_t c = 0; c < scout_result_ncols(res); c++) {
        const scout_result_col *col = scout_result_col_at(res, c);
        if (col->role != SCOUT_RESULT_ROLE_MEASURE) continue;
        if (scout_result_cell(res, 0, c)->type != SCOUT_VAL_NULL) return false;
    }
    return scout_result_find_role(res, SCOUT_RESULT_ROLE_MEASURE, -1) >= 0;
}

/* Re-runs the query without each filter (and without the period) to name
 * the one that empties the result. */
static void find_empty_filter(ask_run *r)
{
    const scout_semantic *q = r->chosen->query;
    scout_buf b = SCOUT_BUF_INIT;
    scout_buf_init(&b, 2000);
    for (size_t i = 0; i < q->n_filters && !r->empty_filter; i++) {
        scout_sq_filter *rest = calloc(q->n_filters, sizeof *rest);
        if (!rest) return;
        size_t k = 0;
        for (size_t j = 0; j < q->n_filters; j++)
            if (j != i) rest[k++] = q->filters[j];
        scout_semantic v = *q; /* shallow: shares every string with q, never freed */
        v.filters = rest;
        v.n_filters = k;
        long long n = rows_with(r, &v);
        free(rest);
        if (n > 0) {
            describe_filter(&q->filters[i], &b);
            r->empty_filter = scout_buf_take(&b);
            r->empty_rows = n;
        }
    }
    if (!r->empty_filter && q->has_time && (q->time.start || q->time.end) &&
        q->comparison.type == SCOUT_CMP_NONE) {
        scout_semantic v = *q;
        v.time.start = v.time.end = NULL;
        long long n = rows_with(r, &v);
        if (n > 0) {
            scout_buf_printf(&b, "on the period (%s)",
                             q->time.label ? q->time.label : "time range");
            r->empty_filter = scout_buf_take(&b);
            r->empty_rows = n;
        }
    }
    scout_buf_free(&b);
}

static void check_nulls(ask_run *r)
{
    const scout_result *res = r->a->result;
    size_t n = scout_result_nrows(res);
    if (n < 2) return;
    for (size_t c = 0; c < scout_result_ncols(res); c++) {
        size_t nulls = 0;
        for (size_t i = 0; i < n; i++)
            nulls += scout_result_cell(res, i, c)->type == SCOUT_VAL_NULL;
        if ((double)nulls / (double)n < ASK_NULL_HEAVY) continue;
        char msg[300];
        snprintf(msg, sizeof msg, "column %s is %.0f%% empty (NULL) in the result",
                 scout_result_col_title(res, c), 100.0 * (double)nulls / (double)n);
        push_str(&r->a->checks, &r->a->n_checks, msg);
    }
}

/* The dimension and time cells of row i, joined: the row's group key. */
static void group_key(const scout_result *res, size_t i, scout_buf *b)
{
    char cell[256];
    scout_buf_reset(b);
    for (size_t c = 0; c < scout_result_ncols(res); c++) {
        scout_result_role role = scout_result_col_at(res, c)->role;
        if (role != SCOUT_RESULT_ROLE_DIMENSION && role != SCOUT_RESULT_ROLE_TIME) continue;
        scout_buf_printf(b, "%s\x1f", scout_table_cell_text(res, i, c, cell, sizeof cell));
    }
}

/* Two result rows with the same dimension values mean a join multiplied them. */
static void check_fanout(ask_run *r)
{
    const scout_result *res = r->a->result;
    if (r->compiled->fanout_risk)
        push_str(&r->a->checks, &r->a->n_checks,
                 "a join may repeat rows of the base table (fan-out): totals could be inflated");
    size_t n = scout_result_nrows(res);
    if (n < 2 || n > 2000) return; /* quadratic; answers worth reading are small */
    scout_buf ki = SCOUT_BUF_INIT, kj = SCOUT_BUF_INIT;
    bool dup = false;
    for (size_t i = 0; i < n && !dup; i++) {
        group_key(res, i, &ki);
        if (!ki.len) break;
        for (size_t j = i + 1; j < n && !dup; j++) {
            group_key(res, j, &kj);
            dup = ki.len == kj.len && !memcmp(ki.data, kj.data, ki.len);
        }
    }
    scout_buf_free(&ki);
    scout_buf_free(&kj);
    if (dup)
        push_str(&r->a->checks, &r->a->n_checks,
                 "the result repeats a group (same dimension values on two rows): check the "
                 "grain and joins");
}

static void check_single_row(ask_run *r)
{
    const scout_result *res = r->a->result;
    const scout_semantic *q = r->chosen->query;
    if (scout_result_nrows(res) != 1) return;
    if (q->n_dimensions > 0 || (q->has_time && q->time.grain != SCOUT_GRAIN_NONE)) {
        push_str(&r->a->checks, &r->a->n_checks,
                 "only one row came back for a breakdown: the filters or the period may be "
                 "narrower than meant");
        return;
    }
    int m = scout_result_find_role(res, SCOUT_RESULT_ROLE_MEASURE, -1);
    double v;
    if (m >= 0 && scout_result_number(res, 0, (size_t)m, &v) && v == 0)
        push_str(&r->a->checks, &r->a->n_checks,
                 "the single value is exactly 0: check the filters and the period");
}

static void step_checks(ask_run *r)
{
    if (result_empty(r->a->result)) {
        find_empty_filter(r);
        char msg[600];
        if (r->empty_filter)
            snprintf(msg, sizeof msg, "no rows: the filter %s empties the result", r->empty_filter);
        else
            snprintf(msg, sizeof msg, "no rows: nothing in %s matches", r->chosen->table);
        push_str(&r->a->checks, &r->a->n_checks, msg);
    } else {
        check_single_row(r);
    }
    check_nulls(r);
    check_fanout(r);
    if (scout_result_truncated(r->a->result))
        push_str(&r->a->checks, &r->a->n_checks,
                 "the result hit the row or byte limit: only the first rows are shown");
}

static scout_rc step_store(ask_run *r, scout_err *err)
{
    scout_ask_answer *a = r->a;
    if (!r->o->results_dir) return SCOUT_OK;
    scout_results_entry e = {0};
    e.owner = r->o->who && r->o->who->user ? r->o->who->user : "unknown";
    e.question = a->question;
    e.source = a->source;
    e.sql = a->sql;
    e.tables = (const char *const *)r->compiled->tables;
    e.n_tables = r->compiled->n_tables;
    e.result = a->result;
    e.query_ms = a->query_ms;
    scout_rc rc = scout_results_store(r->o->results_dir, &e, a->result_id, &a->result_path, err);
    if (rc) return rc;
    char link[64];
    snprintf(link, sizeof link, SCOUT_RESULT_LINK_PREFIX "%s", a->result_id);
    return scout_event_emit(&r->ev, SCOUT_EVENT_RESULT,
                            json_pack("{s:s, s:s, s:I, s:f, s:b}", "id", a->result_id, "link", link,
                                      "row_count", (json_int_t)scout_result_nrows(a->result),
                                      "elapsed_ms", a->query_ms, "truncated",
                                      scout_result_truncated(a->result)));
}

static scout_rc step_chart(ask_run *r, scout_err *err)
{
    scout_ask_answer *a = r->a;
    scout_chart_choose(a->result, &a->chart_plan);
    scout_rc rc = scout_chart_spec(a->result, &a->chart_plan, a->question, &a->chart, err);
    if (rc) return rc;
    return scout_event_emit(&r->ev, SCOUT_EVENT_CHART,
                            json_pack("{s:s, s:s}", "kind",
                                      scout_chart_kind_name(a->chart_plan.kind), "why",
                                      a->chart_plan.why ? a->chart_plan.why : ""));
}

static char *filters_text(const scout_semantic *q)
{
    if (!q->n_filters) return NULL;
    scout_buf b = SCOUT_BUF_INIT;
    scout_buf_init(&b, 2000);
    for (size_t i = 0; i < q->n_filters; i++) {
        if (i) scout_buf_puts(&b, ", ");
        describe_filter(&q->filters[i], &b);
    }
    return scout_buf_take(&b);
}

/* The compiler restates the query's period ("period: last quarter = ...");
 * an assumption already contained in an earlier one is said once. */
static bool said_before(const scout_ask_answer *a, const char *note)
{
    const char *core = !strncmp(note, "period: ", 8) ? note + 8 : note;
    for (size_t i = 0; i < a->n_assumptions; i++)
        if (strstr(a->assumptions[i], core)) return true;
    return false;
}

/* A capitalised word the chosen table cannot place ("revenue in Antarctica")
 * is most likely a value the asker filters on; answering the unfiltered
 * number without saying so would mislead. The answer leads with it, it is an
 * assumption, and confidence drops to low. */
static scout_rc flag_unplaced_values(ask_run *r, scout_err *err)
{
    const char *words = r->chosen->fit.unplaced_values;
    if (!words) return SCOUT_OK;
    scout_ask_answer *a = r->a;
    scout_buf note = SCOUT_BUF_INIT, text = SCOUT_BUF_INIT;
    scout_rc rc = scout_buf_puts(&note, "not filtered by ");
    size_t n_words = 0;
    for (const char *p = words; *p && !rc;) {
        while (*p == ' ') p++;
        size_t n = strcspn(p, " ");
        if (n) rc = scout_buf_printf(&note, "%s'%.*s'", n_words++ ? ", " : "", (int)n, p);
        p += n;
    }
    if (!rc)
        rc = scout_buf_printf(&note, ": nothing in %s matches %s", r->chosen->table,
                              n_words > 1 ? "them" : "it");
    if (!rc) rc = scout_buf_printf(&text, "%s N%s.", a->text, scout_buf_cstr(&note) + 1);
    if (!rc) rc = push_str(&a->assumptions, &a->n_assumptions, scout_buf_cstr(&note));
    scout_buf_free(&note);
    if (rc) {
        scout_buf_free(&text);
        return nomem(err);
    }
    free(a->text);
    a->text = scout_buf_take(&text);
    if (a->confidence > 0.45) a->confidence = 0.45;
    return SCOUT_OK;
}

/* What a row of table is, for "Tickets: 66": its name without warehouse
 * prefixes and grain or version suffixes ("mart.fct_invoices" → "invoices",
 * "opportunities_enriched" → "opportunities"). */
static void counted_noun(const char *fqname, char *dst, size_t n)
{
    static const char *const prefixes[] = {"fct_", "fact_", "dim_", "stg_", "raw_", "int_"};
    static const char *const suffixes[] = {"_daily",    "_weekly",   "_monthly",
                                           "_enriched", "_snapshot", "_current"};
    const char *dot = strrchr(fqname, '.');
    const char *name = dot ? dot + 1 : fqname;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (!strncmp(name, prefixes[i], strlen(prefixes[i])) && name[strlen(prefixes[i])])
            name += strlen(prefixes[i]);
    size_t len = scout_strlcpy(dst, name, n);
    if (len >= n) len = n - 1;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t sl = strlen(suffixes[i]);
        if (len > sl && !strcmp(dst + len - sl, suffixes[i])) dst[len -= sl] = '\0';
    }
}

/* The ranking the query asked for: -1 lowest first, 1 highest first, 0 when
 * it orders by no measure. */
static int measure_order(const scout_semantic *q)
{
    if (!q->n_order_by) return 0;
    for (size_t i = 0; i < q->n_measures; i++)
        if (q->measures[i].as && !strcmp(q->measures[i].as, q->order_by[0].key))
            return q->order_by[0].desc ? 1 : -1;
    return 0;
}

static scout_rc step_answer(ask_run *r, scout_err *err)
{
    scout_ask_answer *a = r->a;
    const scout_semantic *q = r->chosen->query;
    char *filters = filters_text(q);
    char counted[128];
    counted_noun(q->table, counted, sizeof counted);
    scout_answer_input in = {0};
    in.counted = counted;
    in.order = measure_order(q);
    in.result = a->result;
    in.period = q->has_time ? q->time.label : NULL;
    in.filters = filters;
    in.empty_filter = r->empty_filter;
    in.empty_rows = r->empty_filter ? r->empty_rows : -1;
    in.comparison = q->comparison.type != SCOUT_CMP_NONE;
    a->text = scout_answer_text(&in);
    free(filters);
    if (!a->text) return nomem(err);
    scout_rc rc = flag_unplaced_values(r, err);
    if (rc) return rc;
    for (size_t i = 0; i < r->compiled->n_notes; i++)
        if (!said_before(a, r->compiled->notes[i]) &&
            push_str(&a->assumptions, &a->n_assumptions, r->compiled->notes[i]))
            return nomem(err);
    /* Tables used: the chosen one with its reasons, then joined ones. */
    if (push_table(&a->tables, &a->n_tables, r->chosen->table, r->chosen->why)) return nomem(err);
    for (size_t i = 1; i < r->compiled->n_tables; i++)
        if (push_table(&a->tables, &a->n_tables, r->compiled->tables[i],
                       "joined for a dimension or filter of the question"))
            return nomem(err);
    /* Lookalikes and deprecated copies first: "why not that one" matters most
     * for the table a reader would confuse with the winner. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < r->disc->n; i++) {
            const scout_candidate *c = &r->disc->c[i];
            bool near = c->lookalike_of || c->sig.trust == SCOUT_TIER_DEPRECATED ||
                        (c->deprecated_by && !strcmp(c->deprecated_by, r->chosen->table));
            if (c == r->chosen || !c->why_not || a->n_rejected >= 5 || near != (pass == 0))
                continue;
            if (push_table(&a->rejected, &a->n_rejected, c->table, c->why_not)) return nomem(err);
        }
    /* Every warning lowers confidence: the answer may still be right, but it
     * deserves a second look. */
    for (size_t i = 0; i < a->n_checks; i++) a->confidence *= 0.85;
    json_t *checks = json_array();
    for (size_t i = 0; i < a->n_checks; i++)
        json_array_append_new(checks, json_string(a->checks[i]));
    scout_event_emit(&r->ev, SCOUT_EVENT_SELF_EVAL,
                     json_pack("{s:o, s:f}", "checks", checks, "confidence", a->confidence));
    return scout_event_emit(&r->ev, SCOUT_EVENT_ANSWER,
                            json_pack("{s:s, s:f}", "text", a->text, "confidence", a->confidence));
}

/* ---------- run ---------- */

static void run_cleanup(ask_run *r)
{
    scout_compile_free(r->compiled);
    scout_wh_close(r->wh);
    scout_grants_free(r->own_grants);
    scout_joins_graph_free(r->graph);
    scout_discovery_free(r->disc);
    if (r->own_search) scout_search_close(r->search);
    scout_question_free(r->q);
    free(r->empty_filter);
    scout_event_stream_free(&r->ev);
}

/* "; closest you can read: A, B" — the asker's own best candidates that
 * bind the whole question (nothing left unplaced) (they came from the asker's pruned discovery, so
 * naming them reveals nothing), or "" when there are none. */
static void readable_alternatives(const ask_run *r, char *out, size_t cap)
{
    out[0] = '\0';
    if (!r->disc) return;
    size_t used = 0, named = 0;
    for (size_t i = 0; i < r->disc->n && named < 2; i++) {
        const scout_candidate *c = &r->disc->c[i];
        /* only tables that place every word, and none a data team would warn
         * against: deprecated, raw/staging layers, personal sandboxes */
        if (!c->query || c->fit.missing || c->sig.trust == SCOUT_TIER_DEPRECATED ||
            c->sig.staging || strstr(c->table, ".sandbox."))
            continue;
        int w = snprintf(out + used, cap - used, "%s%s",
                         named ? ", " : "; closest you can read: ", c->table);
        if (w < 0 || (size_t)w >= cap - used) {
            out[used] = '\0';
            break;
        }
        used += (size_t)w;
        named++;
    }
}

/* When the tables the asker may read do not answer the question well, looks
 * at every table: if one the asker may not read would, the honest answer is
 * "you don't have access; ask X" — naming whom to ask, never the table. */
static scout_rc step_access(ask_run *r, scout_err *err)
{
    const scout_ask_opts *o = r->o;
    if (o->force_table || o->policy || !r->search || (o->who && o->who->admin)) return SCOUT_OK;
    if (!r->q) return SCOUT_OK;
    if (r->chosen && r->disc->confidence >= ASK_ACCESS_CONFIDENCE) return SCOUT_OK;
    double mine = r->disc ? r->disc->confidence : 0;
    scout_discover_opts d = {0};
    d.cat = o->cat;
    d.search = r->search;
    d.question = r->a->question;
    d.who = o->who;
    d.k = o->k;
    d.embedder = o->embedder;
    scout_discovery *all = NULL;
    scout_rc rc = scout_discover_run(&d, r->q, &all, err);
    if (rc) return rc;
    const scout_candidate *best = scout_discovery_chosen(all);
    if (best && best->query && all->confidence > mine &&
        !scout_grants_can_read_table(r->grants, o->who, best->table)) {
        char source[128];
        size_t n = strcspn(best->table, ".");
        snprintf(source, sizeof source, "%.*s", (int)(n < 127 ? n : 127), best->table);
        const char *contact = scout_grants_contact(r->grants, source, NULL, NULL);
        char alt[256];
        readable_alternatives(r, alt, sizeof alt);
        rc = scout_err_set(err, SCOUT_EDENIED,
                           "you don't have access to the data this question needs (source "
                           "'%s'); ask %s for access%s",
                           source, contact ? contact : "a scout admin", alt);
        audit_action(r, "question", r->a->question, 0, -1, SCOUT_EDENIED, err->msg, NULL);
    }
    scout_discovery_free(all);
    return rc;
}

static scout_rc run_steps(ask_run *r, scout_err *err)
{
    scout_rc rc = step_discover(r, err);
    /* "Nothing here" for this asker may mean "nothing you may read": say so. */
    if (!rc || rc == SCOUT_EUSER) {
        scout_err aerr = {0};
        scout_rc arc = step_access(r, &aerr);
        if (arc) {
            if (err) *err = aerr;
            return arc;
        }
    }
    if (rc) return rc;
    if (!r->chosen) return step_clarify(r, err);
    if (!r->chosen->query)
        return scout_err_set(err, SCOUT_EUSER, "%s cannot answer this question: %s",
                             r->chosen->table,
                             r->chosen->fit.missing ? r->chosen->fit.missing : "no binding");
    rc = step_compile(r, err);
    if (!rc) rc = step_execute(r, err);
    if (rc) return rc;
    step_checks(r);
    rc = step_store(r, err);
    if (!rc) rc = step_chart(r, err);
    if (!rc) rc = step_answer(r, err);
    return rc;
}

/* The asker's grants: the caller's snapshot, or one loaded for this call; and
 * the search policy discovery prunes with (unless the caller gave one). */
static scout_rc load_guard(ask_run *r, scout_err *err)
{
    r->grants = r->o->grants;
    if (!r->grants) {
        scout_rc rc = scout_grants_load(r->o->cat, r->o->cfg, &r->own_grants, err);
        if (rc) return rc;
        r->grants = r->own_grants;
    }
    r->policy = scout_grants_search_policy(r->grants, r->o->who, &r->scope);
    return SCOUT_OK;
}

scout_rc scout_ask_run(const char *question, const scout_ask_opts *o, scout_ask_answer **out,
                       scout_err *err)
{
    *out = NULL;
    double t0 = scout_now_ms();
    ask_run r = {0};
    r.o = o;
    r.empty_rows = -1;
    r.a = calloc(1, sizeof *r.a);
    if (!r.a || !(r.a->question = scout_strdup(question ? question : ""))) {
        scout_ask_answer_free(r.a);
        return nomem(err);
    }
    /* The question is on record before anything is looked up, refused or not. */
    scout_rc rc = scout_ask_check_question(question, err);
    scout_rc arc = audit_action(&r, "question", r.a->question, 0, -1, rc ? SCOUT_EDENIED : SCOUT_OK,
                                rc ? err->msg : NULL, err);
    if (!rc && arc) rc = arc;
    if (!rc) rc = load_guard(&r, err);
    if (rc) {
        scout_ask_answer_free(r.a);
        return rc;
    }
    rc = scout_event_stream_init(&r.ev, o->on_event, o->event_ud, o->keep_events, err);
    if (!rc) {
        scout_event_status(&r.ev, "analysing the question");
        rc = run_steps(&r, err);
    }
    if (rc)
        scout_event_emit(
            &r.ev, SCOUT_EVENT_ERROR,
            json_pack("{s:s, s:s}", "message", err ? err->msg : "", "code", scout_rc_name(rc)));
    r.a->elapsed_ms = scout_now_ms() - t0;
    if (!rc && r.ev.log) r.a->events = json_incref(r.ev.log);
    run_cleanup(&r);
    if (rc) {
        scout_ask_answer_free(r.a);
        return rc;
    }
    *out = r.a;
    return SCOUT_OK;
}

static void free_tables(scout_ask_table *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(t[i].name);
        free(t[i].why);
    }
    free(t);
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

void scout_ask_answer_free(scout_ask_answer *a)
{
    if (!a) return;
    free(a->question);
    free(a->text);
    free_tables(a->options, a->n_options);
    free(a->sql);
    free(a->source);
    free_tables(a->tables, a->n_tables);
    free_tables(a->rejected, a->n_rejected);
    free_strs(a->candidates, a->n_candidates);
    scout_result_free(a->result);
    free(a->result_path);
    json_decref(a->chart);
    free_strs(a->assumptions, a->n_assumptions);
    free_strs(a->checks, a->n_checks);
    json_decref(a->events);
    free(a);
}

const char *scout_ask_confidence_word(double c)
{
    return c >= 0.75 ? "high" : c >= 0.5 ? "medium" : "low";
}

/* ---------- JSON ---------- */

static json_t *tables_json(const scout_ask_table *t, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "name", t[i].name, "why", t[i].why));
    return arr;
}

static json_t *strs_json(char *const *v, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) json_array_append_new(arr, json_string(v[i]));
    return arr;
}

static json_t *result_json(const scout_ask_answer *a)
{
    if (!a->result) return json_null();
    json_t *o = scout_result_to_json(a->result);
    if (!o) return NULL;
    if (a->result_id[0]) {
        char link[64];
        snprintf(link, sizeof link, SCOUT_RESULT_LINK_PREFIX "%s", a->result_id);
        json_object_set_new(o, "id", json_string(a->result_id));
        json_object_set_new(o, "link", json_string(link));
        if (a->result_path) json_object_set_new(o, "path", json_string(a->result_path));
    } else {
        json_object_set_new(o, "id", json_null());
    }
    json_object_set_new(o, "query_ms", json_real(a->query_ms));
    return o;
}

json_t *scout_ask_answer_json(const scout_ask_answer *a)
{
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "question", json_string(a->question));
    json_object_set_new(o, "answer", json_string(a->text ? a->text : ""));
    json_object_set_new(o, "sql", a->sql ? json_string(a->sql) : json_null());
    json_object_set_new(o, "source", a->source ? json_string(a->source) : json_null());
    json_object_set_new(o, "tables", tables_json(a->tables, a->n_tables));
    json_object_set_new(o, "rejected", tables_json(a->rejected, a->n_rejected));
    json_object_set_new(o, "result", result_json(a));
    json_object_set_new(o, "chart", a->chart ? json_incref(a->chart) : json_null());
    json_object_set_new(o, "chart_kind", json_string(scout_chart_kind_name(a->chart_plan.kind)));
    json_object_set_new(o, "confidence", json_real(round(a->confidence * 1000) / 1000));
    json_object_set_new(o, "confidence_level",
                        json_string(scout_ask_confidence_word(a->confidence)));
    json_object_set_new(o, "assumptions", strs_json(a->assumptions, a->n_assumptions));
    json_object_set_new(o, "checks", strs_json(a->checks, a->n_checks));
    if (a->clarify)
        json_object_set_new(o, "clarification",
                            json_pack("{s:s, s:o}", "message", a->text ? a->text : "", "options",
                                      tables_json(a->options, a->n_options)));
    json_object_set_new(o, "events", a->events ? json_incref(a->events) : json_array());
    json_object_set_new(o, "elapsed_ms", json_real(round(a->elapsed_ms * 100) / 100));
    return o;
}

/* ---------- eval predictor ---------- */

scout_rc scout_ask_eval_predict(void *ud, const scout_eval_case *c, scout_eval_prediction *out,
                                scout_err *err)
{
    scout_ask_eval_ctx *ctx = ud;
    memset(out, 0, sizeof *out);
    if (!ctx->search) {
        scout_rc rc = scout_search_open(ctx->cat, &ctx->search, err);
        if (rc) return rc;
        ctx->owns_search = true;
    }
    scout_principal anon = {"eval", NULL, NULL, 0, true};
    scout_ask_opts o = {0};
    o.cfg = ctx->cfg;
    o.cat = ctx->cat;
    o.search = ctx->search;
    o.who = ctx->who ? ctx->who : &anon;
    scout_ask_answer *a = NULL;
    double t0 = scout_now_ms();
    scout_err aerr = {0};
    scout_rc rc = scout_ask_run(c->question, &o, &a, &aerr);
    out->latency_ms = scout_now_ms() - t0;
    if (rc == SCOUT_ENOMEM || rc == SCOUT_EINTERRUPTED)
        return scout_err_set(err, rc, "%s", aerr.msg);
    if (rc) {
        /* A refused or failed question is a wrong answer, not a broken run. */
        out->note = scout_strdup(aerr.msg);
        return SCOUT_OK;
    }
    out->confidence = a->confidence;
    out->sql = a->clarify ? NULL : scout_strdup(a->sql);
    if (a->clarify) out->note = scout_strdup(a->text);
    out->tables = calloc(a->n_candidates ? a->n_candidates : 1, sizeof *out->tables);
    for (size_t i = 0; out->tables && i < a->n_candidates; i++)
        if ((out->tables[out->n_tables] = scout_strdup(a->candidates[i]))) out->n_tables++;
    scout_ask_answer_free(a);
    return SCOUT_OK;
}

void scout_ask_eval_ctx_done(scout_ask_eval_ctx *ctx)
{
    if (ctx && ctx->owns_search) {
        scout_search_close(ctx->search);
        ctx->search = NULL;
        ctx->owns_search = false;
    }
}
