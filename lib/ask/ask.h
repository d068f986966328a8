/* ask — the offline answer pipeline behind `scout ask`, the eval predictor
 * and (later) the server: check the question, analyse it once, discover and
 * choose the table (or ask back), compile the semantic query, run it
 * read-only through the warehouse under the configured limits, check the
 * result (zero rows and the filter that emptied it, fan-out, null-heavy
 * columns, suspicious single rows), store it under a stable id, choose the
 * chart and write the answer. Every step is an event (ask/event.h). */
#ifndef SCOUT_ASK_H
#define SCOUT_ASK_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "ask/discover.h"
#include "ask/event.h"
#include "ask/results.h"
#include "base/config.h"
#include "base/err.h"
#include "catalog/catalog.h"
#include "eval/eval.h"
#include "render/chart.h"
#include "render/result.h"
#include "search/search.h"

typedef struct scout_ask_opts {
    const scout_config *cfg;           /* sources and limits (required) */
    scout_catalog *cat;                /* required */
    scout_search *search;              /* borrowed; NULL = opened (and closed) per call */
    const scout_principal *who;        /* the asker (required; user names the result owner) */
    const scout_search_policy *policy; /* NULL = search's default */
    const char *results_dir;           /* HOME/results; NULL = do not store */
    const char *force_table;           /* skip the comparison: answer from this table */
    size_t k;                          /* candidates from search; 0 = 10 */
    scout_event_fn on_event;           /* live events; may be NULL */
    void *event_ud;
    bool keep_events; /* put every event in the answer (for --json) */
    /* Guardrails: the asker's grants (NULL = loaded from the catalog for this
     * call) prune discovery and are enforced inside the engine on every
     * statement; audit (NULL = none) records the question and every statement
     * with the decision before anything is shown. */
    const struct scout_grants *grants;
    struct scout_audit *audit;
    const char *home_dir; /* HOME: per-user concurrent-query slots (NULL = no slot limit) */
    /* Ctrl-C: when *cancel becomes true the running statement stops and the
     * call fails with SCOUT_EINTERRUPTED "query interrupted" (borrowed; NULL =
     * not cancellable; see scout_wh_set_cancel). */
    const atomic_bool *cancel;
    /* Dense retrieval for discovery: the embeddings endpoint (borrowed; NULL =
     * lexical search only). */
    const scout_embedder *embedder;
} scout_ask_opts;

/* A table with a reason. Strings owned by the answer. */
typedef struct scout_ask_table {
    char *name;
    char *why;
} scout_ask_table;

/* The answer. Everything is owned by it (scout_ask_answer_free). */
typedef struct scout_ask_answer {
    char *question;
    char *text;               /* the natural answer, or the clarification */
    bool clarify;             /* true: scout asks back instead of answering (no SQL ran) */
    scout_ask_table *options; /* clarify: the tables to choose from */
    size_t n_options;
    char *sql;               /* NULL when clarifying */
    char *source;            /* the configured source the SQL ran on */
    scout_ask_table *tables; /* used, base table first */
    size_t n_tables;
    scout_ask_table *rejected; /* compared and not chosen, with why not */
    size_t n_rejected;
    char **candidates; /* every candidate in rank order (for table recall) */
    size_t n_candidates;
    scout_result *result;
    char result_id[SCOUT_RESULT_ID_SIZE]; /* "" when not stored */
    char *result_path;                    /* the stored file, or NULL */
    scout_chart_plan chart_plan;
    json_t *chart; /* Vega-Lite spec, or NULL */
    double confidence;
    char **assumptions;
    size_t n_assumptions;
    char **checks; /* what the result checks found (warnings), may be empty */
    size_t n_checks;
    json_t *events; /* every event when keep_events, else NULL */
    double query_ms, elapsed_ms;
} scout_ask_answer;

/* Refuses a question scout should not even try: empty, longer than
 * SCOUT_QUESTION_MAX, control characters or invalid UTF-8, SQL text or
 * injection attempts. SCOUT_EUSER with a one-line message. */
scout_rc scout_ask_check_question(const char *question, scout_err *err);

/* Answers question. SCOUT_EUSER (one line, nothing stored, no warehouse
 * touched) for a bad question or words that match nothing; a clarification
 * is SCOUT_OK with answer->clarify set. Other failures: the warehouse's or the
 * compiler's error. Caller frees *out. */
scout_rc scout_ask_run(const char *question, const scout_ask_opts *o, scout_ask_answer **out,
                       scout_err *err);

void scout_ask_answer_free(scout_ask_answer *a);

/* {question, answer, sql, tables[{name, why}], rejected[{name, why}],
 *  result{id, link, path, columns, rows, row_count, truncated}, chart, confidence,
 *  assumptions, checks, events} plus clarification{message, options[{name, why}]}
 * when asking back. New reference; NULL on out of memory. */
json_t *scout_ask_answer_json(const scout_ask_answer *a);

/* "high" (>= 0.75), "medium" (>= 0.5) or "low". */
const char *scout_ask_confidence_word(double confidence);

/* ---- the eval predictor ---- */

/* What scout_ask_eval_predict needs, borrowed from the caller (cfg must be
 * the one whose sources the suite names; cat that config's catalog). search
 * may be NULL (opened once on first use and closed by scout_ask_eval_ctx_done). */
typedef struct scout_ask_eval_ctx {
    const scout_config *cfg;
    scout_catalog *cat;
    scout_search *search;
    const scout_principal *who;
    bool owns_search; /* set when the predictor opened search itself */
} scout_ask_eval_ctx;

/* A scout_eval_predict_fn: ud is a scout_ask_eval_ctx. Runs the pipeline
 * without storing results; a clarification is "no prediction" with the
 * question asked back in note. */
scout_rc scout_ask_eval_predict(void *ud, const scout_eval_case *c, scout_eval_prediction *out,
                                scout_err *err);

/* Closes what the predictor opened. */
void scout_ask_eval_ctx_done(scout_ask_eval_ctx *ctx);

#endif
