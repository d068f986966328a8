/* exec — the agent's tools: discovery (search, show_table, probe,
 * choose_table), analysis through the statement policy and the guard
 * (run_sql, run_semantic_query), make_chart, propose_memory, ask_user and
 * finish; plus the final answer with its self-evaluation. Every tool call
 * and every statement is audited; the model sees a bounded preview only. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_int.h"
#include "ask/ask.h"
#include "ask/results.h"
#include "base/fsutil.h"
#include "catalog/memory.h"
#include "catalog/sqlinfo.h"
#include "guard/limits.h"
#include "guard/policy.h"
#include "planner/compile.h"
#include "planner/dialect.h"
#include "planner/joins.h"
#include "planner/semantic.h"
#include "render/chart.h"

#define SEARCH_K     6
#define SNIPPET_MAX  200
#define NUMBERS_KEPT 200 /* numeric cells remembered per result for the sanity check */
#define FANOUT_ROWS  1000

static scout_rc audit_entry(agent_run *r, const char *kind, const char *source, const char *text,
                            bool allowed, const char *status, const char *reason, int64_t rows,
                            double ms)
{
    scout_audit_entry e = {0};
    e.user = r->o->who->user;
    e.session = r->id;
    e.source = source;
    e.kind = kind;
    e.text = text;
    e.allowed = allowed;
    e.status = status;
    e.reason = reason;
    e.rows = rows;
    e.duration_ms = ms;
    return scout_audit_record(r->audit, &e, NULL, r->err);
}

scout_rc agent_audit(agent_run *r, const char *kind, const char *source, const char *text,
                     bool allowed, const char *reason, int64_t rows, double ms)
{
    return audit_entry(r, kind, source, text, allowed, NULL, reason, rows, ms);
}

/* A statement that ran (or was stopped): its status says how it ended, as
 * the offline path records it ("limit", "timeout", "error", ...). */
static scout_rc audit_statement(agent_run *r, const char *source, const char *sql, scout_rc outcome,
                                const char *reason, int64_t rows, double ms)
{
    return audit_entry(r, "sql", source, sql, outcome != SCOUT_EDENIED,
                       scout_audit_status_of(outcome), reason, rows, ms);
}

static json_t *tool_error(const char *msg, const char *fix)
{
    return json_pack("{s:s, s:s}", "error", msg, "fix", fix ? fix : "");
}

/* The fqname the asker may read for what the model wrote, or NULL (and the
 * same answer for "does not exist" and "not yours", so nothing leaks). */
static char *readable_table(agent_run *r, const char *ref)
{
    char *fq = NULL;
    if (scout_catalog_resolve(r->o->cat, ref, &fq, NULL)) return NULL;
    if (!scout_grants_can_read_table(r->grants, r->o->who, fq)) {
        free(fq);
        return NULL;
    }
    return fq;
}

static json_t *no_table(const char *ref)
{
    char msg[400];
    snprintf(msg, sizeof msg, "no table '%.300s' that you can read", ref);
    return tool_error(msg, "call search to find candidate tables and use their exact names");
}

/* ---- discovery ---- */

static scout_rc ensure_search(agent_run *r)
{
    if (r->search) return SCOUT_OK;
    if (r->o->search) {
        r->search = r->o->search;
        return SCOUT_OK;
    }
    scout_rc rc = scout_search_open(r->o->cat, &r->search, r->err);
    r->own_search = !rc;
    return rc;
}

static json_t *hit_json(const scout_search_hit *h)
{
    json_t *caveats = json_array(), *why = json_array();
    for (size_t i = 0; i < h->n_caveats; i++)
        json_array_append_new(caveats, json_string(h->caveats[i]));
    for (size_t i = 0; i < h->n_why && i < 3; i++)
        json_array_append_new(why, json_string(h->why[i]));
    return json_pack("{s:s, s:s, s:s, s:s%, s:f, s:o, s:o}", "kind",
                     scout_search_kind_name(h->kind), "key", h->key, "title",
                     h->title ? h->title : "", "snippet", h->snippet ? h->snippet : "",
                     strnlen(h->snippet ? h->snippet : "", SNIPPET_MAX), "score", h->score, "why",
                     why, "caveats", caveats);
}

static json_t *tool_search(agent_run *r, json_t *args)
{
    if (ensure_search(r)) return tool_error(r->err->msg, "try show_table with a table name");
    scout_search_opts so = {0};
    unsigned mask = 0;
    if (scout_search_kinds_parse(json_string_value(json_object_get(args, "kinds")), &mask, NULL))
        mask = 0;
    so.kinds = mask;
    so.k = SEARCH_K;
    so.who = r->o->who;
    so.policy = &r->search_policy;
    scout_embedder emb;
    so.embedder = agent_embedder(r->o->llm, &emb);
    scout_search_results *res = NULL;
    scout_err e = {0};
    if (scout_search_query(r->search, json_string_value(json_object_get(args, "query")), &so, &res,
                           &e))
        return tool_error(e.msg, "search with a few plain words naming the measure and entity");
    json_t *hits = json_array(), *cands = json_array();
    json_t *seen = json_object_get(r->state, "seen");
    for (size_t i = 0; i < scout_search_results_count(res); i++) {
        const scout_search_hit *h = scout_search_results_hit(res, i);
        json_array_append_new(hits, hit_json(h));
        if (h->kind != SCOUT_SEARCH_TABLE) continue;
        json_object_set_new(seen, h->key, json_true());
        json_array_append_new(cands, json_pack("{s:s, s:f}", "table", h->key, "score", h->score));
    }
    scout_search_results_free(res);
    scout_event_emit(&r->ev, SCOUT_EVENT_CANDIDATES, json_pack("{s:o}", "candidates", cands));
    return json_pack("{s:o}", "hits", hits);
}

static json_t *tool_show_table(agent_run *r, json_t *args)
{
    const char *ref = json_string_value(json_object_get(args, "table"));
    char *fq = readable_table(r, ref);
    if (!fq) return no_table(ref);
    scout_buf b = SCOUT_BUF_INIT;
    scout_err e = {0};
    json_t *out = scout_catalog_card_text(r->o->cat, fq, SCOUT_CARD_SHORT, r->o->who, &b, &e)
                      ? tool_error(e.msg, NULL)
                      : json_pack("{s:s, s:s}", "table", fq, "card", scout_buf_cstr(&b));
    if (json_object_get(out, "card"))
        json_object_set_new(json_object_get(r->state, "seen"), fq, json_true());
    scout_buf_free(&b);
    free(fq);
    return out;
}

static json_t *tool_choose_table(agent_run *r, json_t *args)
{
    const char *ref = json_string_value(json_object_get(args, "table"));
    char *fq = readable_table(r, ref);
    if (!fq) return no_table(ref);
    json_t *seen = json_object_get(r->state, "seen");
    json_t *rejected = json_object_get(args, "rejected");
    json_t *out = NULL;
    if (!json_object_get(seen, fq)) {
        out = tool_error("you have not looked at this table yet",
                         "call search for the question (or show_table on this table) and compare "
                         "the candidates, then call choose_table again");
    } else if (json_object_size(seen) > 1 && json_array_size(rejected) == 0) {
        out = tool_error("you saw other candidate tables but gave no reason against any",
                         "list in rejected the lookalikes you compared, each with why_not");
    } else {
        json_t *rej = json_array();
        size_t i;
        json_t *x;
        json_array_foreach(rejected, i, x)
        {
            json_array_append_new(rej, json_pack("{s:O, s:O}", "table", json_object_get(x, "table"),
                                                 "why", json_object_get(x, "why_not")));
        }
        json_object_set_new(
            json_object_get(r->state, "chosen"), fq,
            json_pack("{s:O, s:O}", "why", json_object_get(args, "why"), "rejected", rej));
        scout_event_emit(&r->ev, SCOUT_EVENT_TABLE_CHOICE,
                         json_pack("{s:s, s:O, s:O}", "table", fq, "why",
                                   json_object_get(args, "why"), "rejected", rej));
        json_decref(rej);
        out = json_pack("{s:s, s:s}", "chosen", fq, "next",
                        "run_sql or run_semantic_query may now read this table");
    }
    free(fq);
    return out;
}

/* ---- running SQL ---- */

static bool is_ident(const char *s)
{
    if (!s || !*s || strlen(s) > 128) return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_') return false;
    return true;
}

/* The source part of an fqname (heap), or NULL. */
static char *source_of(const char *fq)
{
    const char *dot = strchr(fq, '.');
    return dot ? strndup(fq, (size_t)(dot - fq)) : NULL;
}

/* The tables a statement reads, as fqnames (a JSON array), and whether the
 * discovery gate lets it run: every table the asker can read must have been
 * chosen. Tables the asker cannot read are left to the guard to refuse. */
static json_t *gate_check(agent_run *r, const char *source, const char *sql, json_t **tables)
{
    *tables = json_array();
    scout_sql_info *info = NULL;
    if (scout_sqlinfo_analyze(sql, &info, NULL)) return NULL;
    scout_sqlinfo_resolver *res = scout_sqlinfo_resolver_new(r->o->cat);
    json_t *chosen = json_object_get(r->state, "chosen");
    json_t *refusal = NULL;
    for (size_t i = 0; res && i < info->n_rels; i++) {
        const char *fq = scout_sqlinfo_resolve(res, source, info->rels[i].name);
        if (!fq) continue;
        json_array_append_new(*tables, json_string(fq));
        if (refusal || json_object_get(chosen, fq)) continue;
        if (!scout_grants_can_read_table(r->grants, r->o->who, fq)) continue;
        char msg[600];
        snprintf(msg, sizeof msg,
                 "discovery gate: %.300s has not been chosen; analysis is refused until you "
                 "compare candidates",
                 fq);
        refusal = tool_error(msg, "call search for the question, look at the best candidates "
                                  "with show_table, then call choose_table with this table, why "
                                  "it beats the alternatives, and the rejected lookalikes; then "
                                  "run the SQL again");
    }
    scout_sqlinfo_resolver_free(res);
    scout_sqlinfo_free(info);
    return refusal;
}

static void add_checks(const scout_result *res, bool has_join, json_t *checks)
{
    size_t n = scout_result_nrows(res), nc = scout_result_ncols(res);
    if (n == 0)
        json_array_append_new(checks, json_string("zero rows: a filter or join may exclude "
                                                  "everything; probe sample_values of the "
                                                  "filtered columns before concluding"));
    for (size_t c = 0; n && c < nc; c++) {
        size_t nulls = 0;
        for (size_t i = 0; i < n; i++)
            nulls += scout_result_cell(res, i, c)->type == SCOUT_VAL_NULL;
        if (nulls * 2 >= n)
            json_array_append_new(checks, json_sprintf("column %s is %.0f%% null",
                                                       scout_result_col_title(res, c),
                                                       100.0 * (double)nulls / (double)n));
    }
    if (!has_join || n < 2) return;
    /* Repeated rows after a join usually mean the join multiplied them. */
    json_t *keys = json_object();
    size_t dups = 0;
    for (size_t i = 0; i < n && i < FANOUT_ROWS; i++) {
        json_t *row = json_array();
        for (size_t c = 0; c < nc; c++)
            json_array_append_new(row, scout_result_cell_json(scout_result_cell(res, i, c)));
        char *k = json_dumps(row, JSON_COMPACT);
        json_decref(row);
        if (k && json_object_get(keys, k)) dups++;
        if (k) json_object_set_new(keys, k, json_true());
        free(k);
    }
    json_decref(keys);
    if (dups)
        json_array_append_new(checks, json_sprintf("%zu duplicate rows: the join may fan out; "
                                                   "check the join keys' grain",
                                                   dups));
}

static json_t *numbers_of(const scout_result *res)
{
    json_t *nums = json_array();
    for (size_t i = 0; i < scout_result_nrows(res); i++)
        for (size_t c = 0; c < scout_result_ncols(res); c++) {
            double v;
            if (json_array_size(nums) >= NUMBERS_KEPT) return nums;
            if (scout_result_number(res, i, c, &v)) json_array_append_new(nums, json_real(v));
        }
    return nums;
}

static json_t *preview_of(const scout_result *res)
{
    json_t *full = scout_result_to_json(res);
    json_t *rows = json_object_get(full, "rows");
    while (json_array_size(rows) > SCOUT_AGENT_PREVIEW_ROWS)
        json_array_remove(rows, json_array_size(rows) - 1);
    json_object_set_new(full, "preview_rows", json_integer((json_int_t)json_array_size(rows)));
    return full;
}

typedef struct query_req {
    const char *source, *sql, *purpose;
    bool gated; /* analysis (run_sql, semantic) rather than a probe */
} query_req;

static json_t *stored_result(agent_run *r, const query_req *q, json_t *tables, scout_result *res,
                             double ms, bool has_join)
{
    const char **tv = calloc(json_array_size(tables) + 1, sizeof *tv);
    for (size_t i = 0; tv && i < json_array_size(tables); i++)
        tv[i] = json_string_value(json_array_get(tables, i));
    scout_results_entry e = {r->o->who->user,         r->question, q->source, q->sql, tv,
                             json_array_size(tables), res,         ms};
    char id[SCOUT_RESULT_ID_SIZE] = "";
    scout_err se = {0};
    scout_rc rc = scout_results_store(r->results_dir, &e, id, NULL, &se);
    free(tv);
    if (rc) return tool_error(se.msg, NULL);
    json_t *checks = json_array();
    add_checks(res, has_join, checks);
    json_t *out = json_pack("{s:s, s:s, s:o, s:O}", "result_id", id, "link",
                            SCOUT_RESULT_LINK_PREFIX, "preview", preview_of(res), "checks", checks);
    json_object_set_new(out, "link", json_sprintf(SCOUT_RESULT_LINK_PREFIX "%s", id));
    if (q->gated)
        json_array_append_new(json_object_get(r->state, "results"),
                              json_pack("{s:s, s:s, s:s, s:O, s:I, s:o, s:o, s:f}", "id", id,
                                        "source", q->source, "sql", q->sql, "tables", tables,
                                        "row_count", (json_int_t)scout_result_nrows(res), "checks",
                                        checks, "numbers", numbers_of(res), "ms",
                                        round(ms * 100) / 100));
    else
        json_decref(checks);
    scout_event_emit(&r->ev, SCOUT_EVENT_RESULT,
                     json_pack("{s:s, s:s+, s:I, s:f, s:b}", "id", id, "link",
                               SCOUT_RESULT_LINK_PREFIX, id, "row_count",
                               (json_int_t)scout_result_nrows(res), "elapsed_ms", ms, "truncated",
                               scout_result_truncated(res)));
    return out;
}

static json_t *execute(agent_run *r, const query_req *q, json_t *tables, bool has_join)
{
    const scout_source_cfg *src = scout_config_source(r->o->cfg, q->source);
    scout_wh *wh = NULL;
    scout_err e = {0};
    if (scout_wh_open(src, &wh, &e)) return tool_error(e.msg, NULL);
    scout_wh_set_cancel(wh, agent_cancel_flag(r));
    const scout_limits_cfg *l = &r->o->cfg->limits;
    scout_wh_limits lim = {l->max_rows, l->max_bytes, l->timeout_ms};
    scout_result *res = scout_result_new(l->max_rows > 0 ? (size_t)l->max_rows : 0, 0);
    scout_wh_qstats st = {0};
    scout_guard_denied denied = {0};
    scout_event_emit(
        &r->ev, SCOUT_EVENT_SQL,
        json_pack("{s:s, s:s, s:O}", "sql", q->sql, "source", q->source, "tables", tables));
    scout_rc rc =
        res ? scout_limits_guard_query(&(scout_limits_ctx){l, r->o->home_dir, q->source}, r->grants,
                                       r->o->who, wh, q->sql, &lim, scout_result_on_header,
                                       scout_result_on_row, res, &st, &denied, &e)
            : SCOUT_ENOMEM;
    scout_wh_close(wh);
    r->interrupted = rc == SCOUT_EINTERRUPTED;
    char why[700] = "";
    if (denied.denied)
        snprintf(why, sizeof why, "guard refused a read of %s.%s.%s%s%s", denied.source,
                 denied.schema, denied.table, denied.column[0] ? "." : "", denied.column);
    bool ok = rc == SCOUT_OK || rc == SCOUT_ELIMIT;
    if (audit_statement(r, q->source, q->sql, rc, why[0] ? why : e.msg, (int64_t)st.rows,
                        st.elapsed_ms)) {
        scout_result_free(res);
        return tool_error("the audit log could not be written; nothing was run", NULL);
    }
    json_t *out;
    if (!ok) {
        out = tool_error(e.msg, rc == SCOUT_EDENIED ? "use only tables search shows you"
                                                    : "fix the SQL and run it again");
    } else {
        if (rc == SCOUT_ELIMIT) scout_result_mark_truncated(res);
        scout_result_infer(res);
        out = stored_result(r, q, tables, res, st.elapsed_ms, has_join);
    }
    scout_result_free(res);
    return out;
}

static json_t *run_query(agent_run *r, const query_req *q)
{
    const scout_source_cfg *src = scout_config_source(r->o->cfg, q->source);
    if (!src) return tool_error("no such source", "use one of the sources named in the question");
    scout_policy_decision d;
    scout_err e = {0};
    if (scout_policy_check(q->sql, scout_source_kind_name(src->kind), NULL, &d, &e)) {
        if (agent_audit(r, "sql", q->source, q->sql, false, d.reason, -1, 0))
            return tool_error("the audit log could not be written", NULL);
        char msg[400];
        snprintf(msg, sizeof msg, "refused by the statement policy (%s): %s", d.rule, d.reason);
        return tool_error(msg, "send exactly one read-only SELECT");
    }
    json_t *tables = NULL;
    json_t *refusal = gate_check(r, q->source, q->sql, &tables);
    if (refusal && q->gated) {
        if (agent_audit(r, "sql", q->source, q->sql, false, "discovery gate", -1, 0)) {
            json_decref(refusal);
            refusal = tool_error("the audit log could not be written", NULL);
        }
        json_decref(tables);
        return refusal;
    }
    json_decref(refusal);
    scout_sql_info *info = NULL;
    bool has_join = !scout_sqlinfo_analyze(q->sql, &info, NULL) && info->has_join;
    scout_sqlinfo_free(info);
    json_t *out = execute(r, q, tables, has_join);
    json_decref(tables);
    return out;
}

static json_t *tool_run_sql(agent_run *r, json_t *args)
{
    query_req q = {json_string_value(json_object_get(args, "source")),
                   json_string_value(json_object_get(args, "sql")),
                   json_string_value(json_object_get(args, "purpose")), true};
    return run_query(r, &q);
}

static json_t *tool_semantic(agent_run *r, json_t *args)
{
    json_t *chosen = json_object_get(r->state, "chosen");
    if (!json_object_size(chosen))
        return tool_error("discovery gate: no table has been chosen",
                          "call search, compare candidates with show_table, then choose_table "
                          "before running a semantic query");
    const char **fqs = calloc(json_object_size(chosen), sizeof *fqs);
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(chosen, k, v)
    {
        if (fqs) fqs[n++] = k;
    }
    scout_joins_graph *g = NULL;
    scout_semantic *sq = NULL;
    scout_compiled *cc = NULL;
    scout_err e = {0};
    const char *text = json_string_value(json_object_get(args, "query"));
    scout_rc rc = fqs ? scout_joins_graph_new(&g, &e) : SCOUT_ENOMEM;
    if (!rc) rc = scout_joins_load(g, r->o->cat, fqs, n, 2, &e);
    if (!rc) rc = scout_semantic_parse(text, strlen(text), g, &sq, &e);
    char *source = NULL;
    const scout_source_cfg *src = NULL;
    if (!rc) {
        scout_compile_opts co = {0};
        co.max_rows = r->o->cfg->limits.max_rows;
        rc = scout_compile_query(sq, g, &co, &cc, &e);
        if (!rc) source = source_of(cc->tables[0]);
        if (source) src = scout_config_source(r->o->cfg, source);
        if (src) rc = scout_dialect_from_name(scout_source_kind_name(src->kind), &co.dialect, &e);
        if (!rc && src) {
            scout_compile_free(cc);
            cc = NULL;
            rc = scout_compile_query(sq, g, &co, &cc, &e);
        }
    }
    json_t *out;
    if (rc || !src) {
        out = tool_error(rc ? e.msg : "the query's table has no configured source",
                         "fix the semantic query (docs/semantic-query.md) or use run_sql");
    } else {
        query_req q = {source, cc->sql, json_string_value(json_object_get(args, "purpose")), true};
        out = run_query(r, &q);
        if (json_is_object(out) && !json_object_get(out, "error"))
            json_object_set_new(out, "sql", json_string(cc->sql));
    }
    free(source);
    scout_compile_free(cc);
    scout_semantic_free(sq);
    scout_joins_graph_free(g);
    free(fqs);
    return out;
}

static json_t *tool_probe(agent_run *r, json_t *args)
{
    const char *ref = json_string_value(json_object_get(args, "table"));
    const char *kind = json_string_value(json_object_get(args, "kind"));
    const char *col = json_string_value(json_object_get(args, "column"));
    char *fq = readable_table(r, ref);
    if (!fq) return no_table(ref);
    json_object_set_new(json_object_get(r->state, "seen"), fq, json_true());
    const char *d1 = strchr(fq, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    char schema[256] = "";
    if (d2) snprintf(schema, sizeof schema, "%.*s", (int)(d2 - d1 - 1), d1 + 1);
    char *source = source_of(fq);
    bool need_col = strcmp(kind, "count") != 0;
    json_t *out;
    if (!d2 || !is_ident(schema) || !is_ident(d2 + 1) || (need_col && !is_ident(col))) {
        out = tool_error("probe needs a plain column name for sample_values and freshness",
                         "pass a column from show_table's card");
    } else {
        char sql[1024];
        if (!strcmp(kind, "count"))
            snprintf(sql, sizeof sql, "SELECT count(*) AS row_count FROM \"%s\".\"%s\"", schema,
                     d2 + 1);
        else if (!strcmp(kind, "freshness"))
            snprintf(sql, sizeof sql, "SELECT max(\"%s\") AS latest FROM \"%s\".\"%s\"", col,
                     schema, d2 + 1);
        else
            snprintf(sql, sizeof sql,
                     "SELECT \"%s\" AS value, count(*) AS n FROM \"%s\".\"%s\" GROUP BY 1 "
                     "ORDER BY 2 DESC LIMIT 20",
                     col, schema, d2 + 1);
        query_req q = {source, sql, "probe", false};
        out = run_query(r, &q);
    }
    free(source);
    free(fq);
    return out;
}

/* ---- charts, memory, the user, finish ---- */

static json_t *tool_make_chart(agent_run *r, json_t *args)
{
    const char *id = json_string_value(json_object_get(args, "result_id"));
    json_t *results = json_object_get(r->state, "results");
    if (!strcmp(id, "last") && json_array_size(results)) /* models often mean the latest */
        id = json_string_value(
            json_object_get(json_array_get(results, json_array_size(results) - 1), "id"));
    json_t *stored = NULL;
    scout_result *res = NULL;
    scout_err e = {0};
    scout_rc rc =
        scout_results_open(r->results_dir, id, r->o->who, r->grants, r->audit, &stored, &e);
    if (!rc) rc = scout_result_from_json(json_object_get(stored, "result"), 0, 0, &res, &e);
    json_decref(stored);
    if (rc) return tool_error(e.msg, "pass a result_id returned by run_sql");
    scout_result_infer(res);
    scout_chart_plan plan;
    scout_chart_choose(res, &plan);
    json_t *spec = NULL;
    rc = scout_chart_spec(res, &plan, json_string_value(json_object_get(args, "title")), &spec, &e);
    scout_result_free(res);
    if (rc) return tool_error(e.msg, NULL);
    if (!spec)
        return json_pack("{s:s, s:s}", "kind", "none", "why",
                         plan.why ? plan.why : "the table says it better");
    json_object_set_new(r->state, "chart", spec);
    json_object_set_new(r->state, "chart_kind", json_string(scout_chart_kind_name(plan.kind)));
    scout_event_emit(&r->ev, SCOUT_EVENT_CHART,
                     json_pack("{s:s, s:s}", "kind", scout_chart_kind_name(plan.kind), "why",
                               plan.why ? plan.why : ""));
    return json_pack("{s:s, s:s, s:b}", "kind", scout_chart_kind_name(plan.kind), "why",
                     plan.why ? plan.why : "", "valid", 1);
}

/* A section of the written report (scout ask --report). A cited result must
 * be one this session ran ("last" = the latest), so a section cannot lean
 * on numbers the model made up. */
static json_t *tool_write_report_section(agent_run *r, json_t *args)
{
    json_t *sections = json_object_get(r->state, "report");
    if (!sections) { /* sessions checkpointed before the tool existed */
        sections = json_array();
        json_object_set_new(r->state, "report", sections);
    }
    if (json_array_size(sections) >= SCOUT_AGENT_REPORT_SECTIONS)
        return tool_error("the report already has the most sections allowed",
                          "finish, or fold this into an earlier section");
    json_t *results = json_object_get(r->state, "results");
    const char *id = json_string_value(json_object_get(args, "result_id"));
    if (id && !strcmp(id, "last"))
        id = json_string_value(
            json_object_get(json_array_get(results, json_array_size(results) - 1), "id"));
    bool known = !id;
    size_t i;
    json_t *x;
    json_array_foreach(results, i, x)
    {
        known = known || !strcmp(json_string_value(json_object_get(x, "id")), id);
    }
    if (!known)
        return tool_error("no result with that id in this session",
                          "cite a result_id returned by run_sql or run_semantic_query, or null");
    const char *title = json_string_value(json_object_get(args, "title"));
    json_array_append_new(sections, json_pack("{s:s, s:O, s:s?}", "title", title, "text",
                                              json_object_get(args, "text"), "result_id", id));
    scout_event_status(&r->ev, "report section: %s", title);
    return json_pack("{s:b, s:I}", "ok", 1, "section", (json_int_t)json_array_size(sections));
}

static json_t *tool_propose_memory(agent_run *r, json_t *args)
{
    json_t *tables = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(args, "tables"), i, t)
    {
        char *fq = readable_table(r, json_string_value(t));
        if (fq) json_array_append_new(tables, json_string(fq));
        free(fq);
    }
    char *tj = json_dumps(tables, JSON_COMPACT);
    json_decref(tables);
    scout_memory m = {0};
    m.scope = json_string_value(json_object_get(args, "scope"));
    m.status = "proposed";
    m.text = json_string_value(json_object_get(args, "text"));
    m.tables = tj ? tj : "[]";
    m.columns = "[]";
    m.author = r->o->who->user;
    int64_t id = 0;
    scout_err e = {0};
    scout_rc rc = scout_memory_add(r->o->cat, &m, &id, &e);
    free(tj);
    if (rc) return tool_error(e.msg, "scope is global, team:<name> or personal:<user>");
    json_array_append_new(json_object_get(r->state, "memories"), json_integer(id));
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "status", "proposed", "note",
                     "saved as proposed; it is used only after the user confirms it");
}

static json_t *tool_ask_user(agent_run *r, json_t *args)
{
    const char *q = json_string_value(json_object_get(args, "question"));
    const char *d = json_string_value(json_object_get(args, "default"));
    char *answer = r->o->ask_user ? r->o->ask_user(r->o->ask_user_ud, q, d) : NULL;
    bool used_default = !answer || !answer[0];
    json_t *out =
        json_pack("{s:s, s:b}", "answer", used_default ? d : answer, "used_default", used_default);
    json_array_append_new(json_object_get(r->state, "asked"),
                          json_pack("{s:s, s:O, s:b}", "question", q, "answer",
                                    json_object_get(out, "answer"), "used_default", used_default));
    scout_event_status(&r->ev, "asked: %s → %s%s", q,
                       json_string_value(json_object_get(out, "answer")),
                       used_default ? " (default)" : "");
    free(answer);
    return out;
}

static json_t *tool_finish(agent_run *r, json_t *args)
{
    json_object_set(r->state, "finish", args);
    return json_pack("{s:b}", "ok", 1);
}

typedef json_t *(*tool_fn)(agent_run *r, json_t *args);

static tool_fn tool_named(const char *name)
{
    static const struct {
        const char *name;
        tool_fn fn;
    } map[] = {{"search", tool_search},
               {"show_table", tool_show_table},
               {"probe", tool_probe},
               {"choose_table", tool_choose_table},
               {"run_sql", tool_run_sql},
               {"run_semantic_query", tool_semantic},
               {"make_chart", tool_make_chart},
               {"propose_memory", tool_propose_memory},
               {"write_report_section", tool_write_report_section},
               {"ask_user", tool_ask_user},
               {"finish", tool_finish}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i].name, name)) return map[i].fn;
    return NULL;
}

json_t *agent_exec_tool(agent_run *r, const char *name, const char *args)
{
    json_t *parsed = NULL;
    scout_err e = {0};
    json_t *streak = json_object_get(r->state, "invalid_streak");
    char line[600];
    snprintf(line, sizeof line, "%.64s %.500s", name ? name : "", args ? args : "");
    if (agent_audit(r, "tool", NULL, line, true, NULL, -1, 0))
        return tool_error("the audit log could not be written; nothing was run", NULL);
    if (scout_agent_check_args(name ? name : "", args, &parsed, &e)) {
        json_integer_set(streak, json_integer_value(streak) + 1);
        scout_event_status(&r->ev, "invalid tool call: %s", e.msg);
        return json_pack("{s:s, s:s, s:s}", "error", e.msg, "violation", "schema", "fix",
                         "call the tool again with arguments that match its JSON schema");
    }
    json_integer_set(streak, 0);
    scout_event_status(&r->ev, "tool %s", name);
    json_t *out = tool_named(name)(r, parsed);
    json_decref(parsed);
    return out;
}

/* ---- the answer and the self-evaluation ---- */

/* True when x (a number written in the answer) is one a query returned,
 * allowing for rounding and for percentages written from ratios. */
static bool number_backed(double x, json_t *results)
{
    size_t i, j;
    json_t *res, *v;
    json_array_foreach(results, i, res)
    {
        json_array_foreach(json_object_get(res, "numbers"), j, v)
        {
            double n = json_number_value(v);
            double tol = fabs(n) * 0.01 + 0.51;
            if (fabs(x - n) <= tol || fabs(x - n * 100) <= fabs(n * 100) * 0.01 + 0.51) return true;
            /* "1.2M", "$3.4k" */
            if (fabs(x * 1e3 - n) <= fabs(n) * 0.05 || fabs(x * 1e6 - n) <= fabs(n) * 0.05 ||
                fabs(x * 1e9 - n) <= fabs(n) * 0.05)
                return true;
        }
    }
    return false;
}

/* Scout's own checks, beside the model's grades: numbers in the answer come
 * from results, cited tables were chosen, something was queried. */
static json_t *own_checks(agent_run *r, const char *answer, json_t *cited, bool *bad)
{
    json_t *checks = json_array();
    json_t *results = json_object_get(r->state, "results");
    if (!json_array_size(results)) {
        json_array_append_new(checks,
                              json_string("no query ran: the answer is not backed by data"));
        *bad = true;
    }
    for (const char *p = answer; *p;) {
        if (!isdigit((unsigned char)*p)) {
            p++;
            continue;
        }
        char num[64];
        size_t k = 0;
        while ((isdigit((unsigned char)*p) || *p == ',' || *p == '.') && k + 1 < sizeof num) {
            if (*p != ',') num[k++] = *p;
            p++;
        }
        num[k] = 0;
        double x = strtod(num, NULL);
        bool year = x >= 1900 && x <= 2100 && !strchr(num, '.');
        if (x < 10 || year || number_backed(x, results)) continue;
        json_array_append_new(checks,
                              json_sprintf("%s in the answer is not in any query result", num));
        *bad = true;
    }
    size_t i;
    json_t *t;
    json_array_foreach(cited, i, t)
    {
        const char *name = json_string_value(json_object_get(t, "name"));
        if (name && !json_object_get(json_object_get(r->state, "chosen"), name)) {
            json_array_append_new(checks, json_sprintf("%s was cited but never chosen", name));
            *bad = true;
        }
    }
    return checks;
}

static json_t *cited_tables(agent_run *r, json_t *fin)
{
    json_t *out = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(fin, "tables"), i, t)
    {
        /* only tables that exist and the asker may read are named back; a
         * missing "why" is an empty reason, not a dropped table */
        const char *ref = json_string_value(json_object_get(t, "table"));
        const char *why = json_string_value(json_object_get(t, "why"));
        char *fq = ref ? readable_table(r, ref) : NULL;
        if (fq)
            json_array_append_new(out, json_pack("{s:s, s:s}", "name", fq, "why", why ? why : ""));
        free(fq);
    }
    if (json_array_size(out)) return out;
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(r->state, "chosen"), k, v)
    {
        json_array_append_new(out,
                              json_pack("{s:s, s:O}", "name", k, "why", json_object_get(v, "why")));
    }
    return out;
}

/* The lookalikes the model turned down, in the offline ask's shape
 * ({name, why}, names fully qualified): choose_table's model-facing
 * arguments say {table, why_not}, which reads better to a model. */
static json_t *rejected_tables(agent_run *r)
{
    json_t *out = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(r->state, "chosen"), k, v)
    {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(v, "rejected"), i, x)
        {
            const char *ref = json_string_value(json_object_get(x, "table"));
            const char *why = json_string_value(json_object_get(x, "why"));
            char *fq = NULL;
            if (!ref || scout_catalog_resolve(r->o->cat, ref, &fq, NULL)) fq = scout_strdup(ref);
            json_array_append_new(
                out, json_pack("{s:s, s:s}", "name", fq ? fq : "", "why", why ? why : ""));
            free(fq);
        }
    }
    return out;
}

/* The model's assumptions, plus every clarifying question nobody answered:
 * its default was used, and the user must be able to see that. */
static json_t *assumptions_of(agent_run *r, json_t *fin)
{
    json_t *out = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(fin, "assumptions"), i, x)
    {
        json_array_append(out, x);
    }
    json_array_foreach(json_object_get(r->state, "asked"), i, x)
    {
        if (!json_is_true(json_object_get(x, "used_default"))) continue;
        json_array_append_new(out, json_sprintf("nobody answered \"%s\": assumed %s",
                                                json_string_value(json_object_get(x, "question")),
                                                json_string_value(json_object_get(x, "answer"))));
    }
    return out;
}

/* The result the answer rests on: the last cited id, else the last run. */
static json_t *answer_result(agent_run *r, json_t *fin, json_t **sql, json_t **checks)
{
    json_t *results = json_object_get(r->state, "results");
    json_t *ids = json_object_get(fin, "result_ids");
    const char *want = json_string_value(json_array_get(ids, json_array_size(ids) - 1));
    json_t *pick = json_array_get(results, json_array_size(results) - 1);
    size_t i;
    json_t *x;
    json_array_foreach(results, i,
                       x) if (want && !strcmp(want, json_string_value(json_object_get(x, "id"))))
        pick = x;
    if (!pick) return json_null();
    *sql = json_object_get(pick, "sql");
    *checks = json_object_get(pick, "checks");
    const char *id = json_string_value(json_object_get(pick, "id"));
    json_t *stored = NULL;
    if (scout_results_load(r->results_dir, id, r->o->who, &stored, NULL)) return json_null();
    json_t *res = json_incref(json_object_get(stored, "result"));
    json_decref(stored);
    if (!res) return json_null();
    json_object_set_new(res, "id", json_string(id));
    json_object_set_new(res, "link", json_sprintf(SCOUT_RESULT_LINK_PREFIX "%s", id));
    json_object_set_new(res, "source", json_incref(json_object_get(pick, "source")));
    char *path = scout_results_path(r->results_dir, id);
    if (path) json_object_set_new(res, "path", json_string(path));
    free(path);
    json_t *ms = json_object_get(pick, "ms");
    json_object_set_new(res, "query_ms", ms ? json_incref(ms) : json_null());
    return res;
}

static double grade_confidence(json_t *grades, bool own_bad, bool *low)
{
    static const char *keys[] = {"right_table", "filters", "period", "numbers_sane"};
    double score = 0;
    int fails = 0, unsure = 0;
    for (size_t i = 0; i < 4; i++) {
        const char *g =
            json_string_value(json_object_get(json_object_get(grades, keys[i]), "grade"));
        if (g && !strcmp(g, "pass"))
            score += 1;
        else if (g && !strcmp(g, "unsure"))
            score += 0.5, unsure++;
        else
            fails++;
    }
    *low = own_bad || fails > 0 || unsure >= 2;
    double c = score / 4.0;
    return own_bad && c > 0.4 ? 0.4 : c;
}

static char *stop_text(agent_run *r, scout_agent_status st, const char *err_msg)
{
    scout_buf b = SCOUT_BUF_INIT;
    const char *reason = json_string_value(json_object_get(r->state, "stop_reason"));
    if (st == SCOUT_AGENT_INTERRUPTED)
        scout_buf_printf(&b, "Interrupted; resume with: scout resume %s.", r->id);
    else if (st == SCOUT_AGENT_FAILED)
        scout_buf_printf(&b, "Stopped by an error (%s); resume with: scout resume %s.",
                         err_msg ? err_msg : "unknown", r->id);
    else
        scout_buf_printf(&b, "Stopped before a final answer: %s.", reason ? reason : "stopped");
    json_t *results = json_object_get(r->state, "results");
    size_t n = json_array_size(results);
    if (!n) {
        scout_buf_puts(&b, " No query had run yet.");
    } else {
        json_t *last = json_array_get(results, n - 1);
        scout_buf_printf(
            &b,
            " So far %zu quer%s ran; the last returned %lld rows (" SCOUT_RESULT_LINK_PREFIX "%s).",
            n, n == 1 ? "y" : "ies",
            (long long)json_integer_value(json_object_get(last, "row_count")),
            json_string_value(json_object_get(last, "id")));
    }
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(r->state, "chosen"), k, v)
    {
        scout_buf_printf(&b, " Chosen table: %s.", k);
    }
    return scout_buf_take(&b);
}

/* A new reference to v, or an empty array (pack with "o": no leak either way). */
static json_t *or_empty(json_t *v)
{
    return v ? json_incref(v) : json_array();
}

json_t *agent_build_answer(agent_run *r, scout_agent_status st, const char *err_msg,
                           scout_agent_answer *a)
{
    json_t *fin = json_object_get(r->state, "finish");
    json_t *sql = NULL, *checks = NULL;
    json_t *result = answer_result(r, fin, &sql, &checks);
    json_t *tables = cited_tables(r, fin);
    bool own_bad = false, low = true;
    double confidence = 0;
    json_t *self_eval;
    if (st == SCOUT_AGENT_FINISHED) {
        a->text = scout_strdup(json_string_value(json_object_get(fin, "answer")));
        json_t *grades = json_object_get(fin, "self_eval");
        json_t *own = own_checks(r, a->text ? a->text : "", tables, &own_bad);
        confidence = grade_confidence(grades, own_bad, &low);
        self_eval = json_pack("{s:O, s:o, s:b, s:f}", "grades", grades, "checks", own, "low", low,
                              "confidence", confidence);
    } else {
        a->text = stop_text(r, st, err_msg);
        self_eval = json_pack("{s:n, s:[s], s:b, s:f}", "grades", "checks",
                              "no final answer: not graded", "low", 1, "confidence", 0.0);
    }
    a->low_grade = low;
    r->grade = low ? "low" : "good";
    scout_event_emit(&r->ev, SCOUT_EVENT_SELF_EVAL, json_deep_copy(self_eval));
    if (st == SCOUT_AGENT_FINISHED)
        scout_event_emit(
            &r->ev, SCOUT_EVENT_ANSWER,
            json_pack("{s:s, s:f}", "text", a->text ? a->text : "", "confidence", confidence));
    json_t *chart = json_object_get(r->state, "chart");
    const char *chart_kind = json_string_value(json_object_get(r->state, "chart_kind"));
    /* The offline ask's --json keys, in its order, then the agent's own. */
    json_t *o = json_pack(
        "{s:s, s:s, s:O, s:O, s:o, s:o, s:o, s:O, s:s, s:f, s:s, s:o, s:o, s:o, s:f}", "question",
        r->question, "answer", a->text ? a->text : "", "sql", sql ? sql : json_null(), "source",
        json_is_object(result) ? json_object_get(result, "source") : json_null(), "tables", tables,
        "rejected", rejected_tables(r), "result", result, "chart", chart ? chart : json_null(),
        "chart_kind", chart_kind ? chart_kind : scout_chart_kind_name(SCOUT_CHART_NONE),
        "confidence", round(confidence * 1000) / 1000, "confidence_level",
        scout_ask_confidence_word(confidence), "assumptions", assumptions_of(r, fin), "checks",
        or_empty(checks), "events", or_empty((json_t *)scout_event_stream_log(&r->ev)),
        "elapsed_ms", round((scout_now_ms() - r->t0) * 100) / 100);
    if (!o) return NULL;
    json_object_set_new(o, "session", json_string(r->id));
    json_object_set_new(o, "status", json_string(scout_agent_status_name(st)));
    json_object_set_new(o, "stop_reason", json_incref(json_object_get(r->state, "stop_reason")));
    json_object_set_new(o, "steps", json_integer(r->steps));
    json_object_set_new(o, "usage",
                        json_pack("{s:I, s:I, s:f}", "prompt_tokens",
                                  (json_int_t)r->usage.prompt_tokens, "completion_tokens",
                                  (json_int_t)r->usage.completion_tokens, "cost", r->cost));
    json_object_set_new(o, "self_eval", self_eval);
    json_object_set(o, "memories_proposed", json_object_get(r->state, "memories"));
    json_object_set(o, "asked", json_object_get(r->state, "asked"));
    json_t *report = json_object_get(r->state, "report");
    json_object_set_new(o, "report", report ? json_incref(report) : json_array());
    return o;
}
