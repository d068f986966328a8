/* context_tokens — how many prompt tokens the agent spends per question on
 * the Acme suite (examples/acme/eval/questions.jsonl), compared with putting
 * the whole Acme schema (every table with its columns and types) in the
 * prompt. Writes bench/out/context_tokens.json.
 *
 * The model is scripted and runs in-process (a scout_llm_ops provider, no
 * HTTP: the fake server would add nothing to a token count). For each
 * question it does what a careful model does: search with the question,
 * show the gold table's card, choose it over the best other hit, run the
 * gold SQL, finish. Prompt tokens are scout_estimate_tokens over everything
 * a real request would carry: every message, the tool calls and the tool
 * schemas. The home is a `scout demo` (build/scout, or $SCOUT_BIN) at
 * $SCOUT_BENCH_SCALE (default 0.05). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "agent/agent.h"
#include "base/fsutil.h"
#include "catalog/catalog.h"
#include "common/benchutil.h"
#include "guard/identity.h"

#define QUESTIONS_PATH "examples/acme/eval/questions.jsonl"
#define ASKER          "maya.chen" /* an admin of the demo: every table is readable */

/* ---- the scripted model ---- */

typedef struct model {
    json_t *q;           /* the current question's record (borrowed) */
    int step;            /* model calls made for it */
    int64_t last_prompt; /* the last call's prompt tokens */
    char top_other[300]; /* best search hit that is not the gold table */
} model;

static size_t tokens_of(const char *s)
{
    return s ? scout_estimate_tokens(s) : 0;
}

/* Every part of a request that reaches the model: messages, calls, tools. */
static int64_t prompt_tokens(const scout_llm_request *req)
{
    int64_t n = 0;
    for (size_t i = 0; i < req->n_msgs; i++) {
        const scout_llm_msg *m = &req->msgs[i];
        n += 4 + (int64_t)tokens_of(m->content); /* ~4 tokens of role framing per message */
        for (size_t j = 0; j < m->n_tool_calls; j++)
            n +=
                (int64_t)(tokens_of(m->tool_calls[j].name) + tokens_of(m->tool_calls[j].arguments));
    }
    for (size_t i = 0; i < req->n_tools; i++)
        n += (int64_t)(tokens_of(req->tools[i].name) + tokens_of(req->tools[i].description) +
                       tokens_of(req->tools[i].parameters));
    return n;
}

/* The best table hit of the last search that is not the gold table. */
static void note_other(model *m, const scout_llm_request *req, const char *gold)
{
    const char *last = req->n_msgs ? req->msgs[req->n_msgs - 1].content : NULL;
    json_t *res = last ? json_loads(last, 0, NULL) : NULL;
    size_t i;
    json_t *h;
    m->top_other[0] = '\0';
    json_array_foreach(json_object_get(res, "hits"), i, h)
    {
        const char *key = json_string_value(json_object_get(h, "key"));
        if (!key) key = json_string_value(json_object_get(h, "table"));
        if (key && strcmp(key, gold) && strchr(key, '.')) {
            snprintf(m->top_other, sizeof m->top_other, "%s", key);
            break;
        }
    }
    json_decref(res);
}

/* The arguments of this step's tool call (heap JSON text). */
static char *step_args(model *m, const char **name)
{
    const char *question = json_string_value(json_object_get(m->q, "question"));
    const char *gold = json_string_value(json_array_get(json_object_get(m->q, "tables"), 0));
    json_t *a = NULL;
    switch (m->step) {
    case 0:
        *name = "search";
        a = json_pack("{s:s, s:s}", "query", question, "kinds", "tables");
        break;
    case 1:
        *name = "show_table";
        a = json_pack("{s:s}", "table", gold);
        break;
    case 2:
        *name = "choose_table";
        a = json_pack("{s:s, s:s, s:[]}", "table", gold, "why", "the modelled table for this",
                      "rejected");
        if (m->top_other[0])
            json_array_append_new(json_object_get(a, "rejected"),
                                  json_pack("{s:s, s:s}", "table", m->top_other, "why_not",
                                            "a lookalike: not the source of truth"));
        break;
    case 3:
        *name = "run_sql";
        a = json_pack("{s:s, s:s, s:s}", "source",
                      json_string_value(json_object_get(m->q, "source")), "sql",
                      json_string_value(json_object_get(m->q, "gold_sql")), "purpose", question);
        break;
    default:
        *name = "finish";
        a = json_pack("{s:s, s:[{s:s, s:s}], s:[], s:[], s:{s:{s:s, s:s}, s:{s:s, s:s}, "
                      "s:{s:s, s:s}, s:{s:s, s:s}}}",
                      "answer", "See the result.", "tables", "table", gold, "why", "chosen",
                      "assumptions", "result_ids", "self_eval", "right_table", "grade", "pass",
                      "note", "-", "filters", "grade", "pass", "note", "-", "period", "grade",
                      "pass", "note", "-", "numbers_sane", "grade", "pass", "note", "-");
    }
    char *text = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return text;
}

static scout_rc model_chat(void *ud, const scout_llm_request *req, const atomic_bool *cancel,
                           scout_llm_reply *out, scout_err *err)
{
    (void)cancel;
    model *m = ud;
    const char *gold = json_string_value(json_array_get(json_object_get(m->q, "tables"), 0));
    if (m->step == 1) note_other(m, req, gold ? gold : "");
    const char *name = NULL;
    char *args = step_args(m, &name);
    char id[16];
    snprintf(id, sizeof id, "b%d", m->step);
    out->tool_calls = calloc(1, sizeof *out->tool_calls);
    if (!args || !out->tool_calls) {
        free(args);
        free(out->tool_calls);
        out->tool_calls = NULL;
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    }
    out->tool_calls[0].id = scout_strdup(id);
    out->tool_calls[0].name = scout_strdup(name);
    out->tool_calls[0].arguments = args;
    out->n_tool_calls = 1;
    m->last_prompt = prompt_tokens(req);
    out->usage.prompt_tokens = m->last_prompt;
    out->usage.completion_tokens = (int64_t)tokens_of(args);
    m->step++;
    return SCOUT_OK;
}

static void model_free(void *ud)
{
    free(ud);
}

static const scout_llm_ops MODEL_OPS = {"bench-script", model_chat, NULL, model_free};

/* The tool definitions alone: the fixed part of every agent call. */
static int64_t tool_tokens(void)
{
    size_t n = 0;
    const scout_llm_tool *t = scout_agent_tools(&n);
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (int64_t)(tokens_of(t[i].name) + tokens_of(t[i].description) +
                         tokens_of(t[i].parameters));
    return sum;
}

/* ---- the whole-schema prompt ---- */

/* "fqname(col type, ...)\n" for every table: what a schema dump puts in a prompt. */
static int64_t whole_schema_tokens(scout_catalog *cat, int64_t *n_tables, int64_t *n_columns)
{
    sqlite3_stmt *st = NULL;
    scout_err err = {0};
    if (scout_catalog_prepare(cat,
                              "SELECT t.fqname, c.name, coalesce(c.type, '') FROM tables t "
                              "JOIN columns c ON c.table_id = t.id ORDER BY t.fqname, c.ordinal",
                              &st, &err))
        return -1;
    scout_buf b = SCOUT_BUF_INIT;
    char prev[512] = "";
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (strcmp(prev, t)) {
            scout_buf_puts(&b, prev[0] ? ")\n" : "");
            scout_buf_puts(&b, t);
            scout_buf_puts(&b, "(");
            snprintf(prev, sizeof prev, "%s", t);
            ++*n_tables;
        } else {
            scout_buf_puts(&b, ", ");
        }
        scout_buf_puts(&b, (const char *)sqlite3_column_text(st, 1));
        scout_buf_puts(&b, " ");
        scout_buf_puts(&b, (const char *)sqlite3_column_text(st, 2));
        ++*n_columns;
    }
    sqlite3_finalize(st);
    scout_buf_puts(&b, ")\n");
    int64_t n = b.data ? (int64_t)scout_estimate_tokens(b.data) : 0;
    scout_buf_free(&b);
    return n;
}

/* ---- the run ---- */

typedef struct stats {
    int64_t questions, finished, calls;
    int64_t prompt_sum, prompt_max, call_sum, last_call_sum, last_call_max;
    int64_t question_tokens;
} stats;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int ask_one(json_t *q, const scout_agent_opts *base, stats *s, int64_t *per_q)
{
    model *m = calloc(1, sizeof *m);
    if (!m) return 1;
    m->q = q;
    scout_llm *llm = scout_llm_new(&MODEL_OPS, m);
    if (!llm) return 1;
    scout_agent_opts o = *base;
    o.llm = llm;
    o.max_steps = 8;
    scout_agent_answer *a = NULL;
    scout_err err = {0};
    const char *question = json_string_value(json_object_get(q, "question"));
    scout_rc rc = scout_agent_run(question, &o, &a, &err);
    if (rc && !a) fprintf(stderr, "context_tokens: %s: %s\n", question, err.msg);
    if (a) {
        per_q[s->questions] = a->usage.prompt_tokens;
        s->questions++;
        s->finished += a->status == SCOUT_AGENT_FINISHED;
        s->calls += a->steps;
        s->prompt_sum += a->usage.prompt_tokens;
        if (a->usage.prompt_tokens > s->prompt_max) s->prompt_max = a->usage.prompt_tokens;
        s->last_call_sum += m->last_prompt;
        if (m->last_prompt > s->last_call_max) s->last_call_max = m->last_prompt;
        s->question_tokens += (int64_t)scout_estimate_tokens(question);
    }
    scout_agent_answer_free(a);
    scout_llm_free(llm);
    return 0;
}

static json_t *load_questions(void)
{
    FILE *f = fopen(QUESTIONS_PATH, "r");
    if (!f) return NULL;
    json_t *all = json_array();
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *q = json_loads(line, 0, NULL);
        if (json_array_size(json_object_get(q, "tables")) && json_object_get(q, "gold_sql"))
            json_array_append_new(all, q);
        else
            json_decref(q);
    }
    free(line);
    fclose(f);
    return all;
}

static int make_home(const char *dir, double scale)
{
    const char *bin = getenv("SCOUT_BIN") ? getenv("SCOUT_BIN") : "build/scout";
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' --home '%s' --quiet demo --scale %g >/dev/null", bin, dir,
             scale);
    return system(cmd);
}

int main(int argc, char **argv)
{
    const char *out_dir = argc > 1 ? argv[1] : "bench/out";
    double scale = getenv("SCOUT_BENCH_SCALE") ? atof(getenv("SCOUT_BENCH_SCALE")) : 0.05;
    char home[] = "/tmp/scout-bench-ctx-XXXXXX";
    if (!mkdtemp(home) || make_home(home, scale)) return 1;
    char path[300];
    scout_config *cfg = NULL;
    scout_catalog *cat = NULL;
    scout_principal who;
    scout_err err = {0};
    snprintf(path, sizeof path, "%s/scout.yaml", home);
    int rc = scout_config_load(path, &cfg, &err) != SCOUT_OK;
    snprintf(path, sizeof path, "%s/catalog.db", home);
    if (!rc) rc = scout_catalog_open(path, &cat, &err) != SCOUT_OK;
    if (!rc) rc = scout_principal_from_config(cfg, ASKER, &who, &err) != SCOUT_OK;
    json_t *qs = rc ? NULL : load_questions();
    if (rc || !qs) {
        fprintf(stderr, "context_tokens: %s\n", rc ? err.msg : "cannot read " QUESTIONS_PATH);
        return 1;
    }
    scout_agent_opts o = {0};
    o.cfg = cfg;
    o.cat = cat;
    o.who = &who;
    o.home_dir = home;
    stats s = {0};
    int64_t *per_q = calloc(json_array_size(qs) + 1, sizeof *per_q);
    double t0 = bench_now_s();
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q)
    {
        if (!per_q || ask_one(q, &o, &s, per_q)) return 1;
    }
    double elapsed = bench_now_s() - t0;
    int64_t n_tables = 0, n_columns = 0;
    int64_t schema = whole_schema_tokens(cat, &n_tables, &n_columns);
    if (schema < 0 || !s.questions) return 1;
    qsort(per_q, (size_t)s.questions, sizeof *per_q, cmp_i64);
    double mean_q = (double)s.prompt_sum / (double)s.questions;
    double mean_last = (double)s.last_call_sum / (double)s.questions;
    /* The whole-schema prompt: the schema plus the same question, sent once. */
    double schema_prompt = (double)schema + (double)s.question_tokens / (double)s.questions;
    double calls_per_q = (double)s.calls / (double)s.questions;
    /* The same loop with the schema in the system prompt: every call carries it. */
    double with_schema = mean_q + (double)schema * calls_per_q;
    json_t *out = json_pack(
        "{s:f, s:s, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:f, s:f, s:I, s:I, s:f, s:I, s:f, s:f, "
        "s:f, s:f, s:f}",
        "scale", scale, "model",
        "scripted in-process: search, show_table, choose_table, run_sql, finish", "questions",
        (json_int_t)s.questions, "finished", (json_int_t)s.finished, "model_calls_per_question",
        calls_per_q, "tool_definitions_tokens", (json_int_t)tool_tokens(), "whole_schema_tables",
        (json_int_t)n_tables, "whole_schema_columns", (json_int_t)n_columns, "whole_schema_tokens",
        (json_int_t)schema, "agent_prompt_tokens_per_question_mean", mean_q,
        "agent_prompt_tokens_per_call_mean", (double)s.prompt_sum / (double)s.calls,
        "agent_prompt_tokens_per_question_p50", (json_int_t)per_q[s.questions / 2],
        "agent_prompt_tokens_per_question_max", (json_int_t)s.prompt_max,
        "agent_largest_prompt_mean", mean_last, "whole_schema_one_shot_prompt_tokens",
        (json_int_t)schema_prompt, "whole_schema_in_agent_prompt_tokens_per_question", with_schema,
        "ratio_whole_schema_in_agent_to_agent", with_schema / mean_q,
        "ratio_whole_schema_one_shot_to_agent_largest_prompt", schema_prompt / mean_last,
        "ratio_whole_schema_one_shot_to_agent_question", schema_prompt / mean_q, "elapsed_s",
        elapsed);
    free(per_q);
    json_decref(qs);
    scout_catalog_close(cat);
    scout_config_free(cfg);
    snprintf(path, sizeof path, "rm -rf '%s'", home);
    if (system(path) != 0) fprintf(stderr, "context_tokens: could not remove %s\n", home);
    return bench_write(out_dir, "context_tokens", out);
}
