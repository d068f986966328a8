/* eval — golden question → SQL suites scored by execution. A suite is a JSONL
 * file (question, gold_sql, source, tables?, tags?) or a Spider-style
 * directory (indexed into a throwaway home). Each question goes through a
 * predictor (the ask pipeline plugs in here); gold and predicted SQL both run
 * read-only through the warehouse interface and their results are compared as
 * multisets. The report gives execution accuracy, table recall, latency and
 * each failure with its reason. See docs/eval.md for the comparison rules. */
#ifndef SCOUT_EVAL_H
#define SCOUT_EVAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "base/err.h"
#include "warehouse/warehouse.h"

/* One golden question. Every string is owned by the suite that holds it. */
typedef struct scout_eval_case {
    const char *id;       /* "questions.jsonl:12" or "dev.json:#34" (for messages) */
    const char *question; /* as a person would ask it */
    const char *gold_sql; /* the reference answer, in the source's dialect */
    const char *source;   /* the configured source both queries run against */
    /* Tables the gold answer needs, as lower-case source.schema.table: the
     * `tables` field when given, else the relations the gold SQL reads. */
    const char *const *tables;
    size_t n_tables;
    const char *const *tags; /* e.g. "finance", "time_range"; may be empty */
    size_t n_tags;
} scout_eval_case;

/* What the predictor answered for one case. The predictor fills it with heap
 * memory the harness frees (scout_eval_prediction_clear). */
typedef struct scout_eval_prediction {
    char *sql; /* the SQL the answer ran; NULL = no answer (asked to clarify, gave up) */
    /* Candidate tables in rank order (best first), as source.schema.table
     * (schema.table is qualified with the case's source). */
    char **tables;
    size_t n_tables;
    double confidence; /* 0..1, as reported with the answer */
    /* Milliseconds the answer took. <= 0: the harness uses the wall-clock
     * time it measured around the predictor call. */
    double latency_ms;
    char *note; /* optional: why there is no answer (the clarification asked) */
} scout_eval_prediction;

/* Frees what a prediction holds and zeroes it. */
void scout_eval_prediction_clear(scout_eval_prediction *p);

/* The predictor: answers c into *out. Returning an error marks the case as a
 * predictor failure (message in err) and the run goes on, except
 * SCOUT_EINTERRUPTED and SCOUT_ENOMEM, which stop the run. */
typedef scout_rc (*scout_eval_predict_fn)(void *ud, const scout_eval_case *c,
                                          scout_eval_prediction *out, scout_err *err);

/* A loaded suite: its cases and, for a Spider directory, the throwaway home
 * (scout.yaml with one sqlite source per database, catalog.db indexed) that
 * the predictor should answer from. */
typedef struct scout_eval_suite scout_eval_suite;

/* Loads a JSONL suite. Blank lines and lines starting with '#' are skipped; a
 * malformed line fails the load with "<file>:<line>: <what>". */
scout_rc scout_eval_load_jsonl(const char *path, scout_eval_suite **out, scout_err *err);

/* Loads a Spider-style directory: tables.json, a questions file (dev.json,
 * questions.json, test.json or train_spider.json; or pass that file's path)
 * with db_id/question/query, and database/<db>/<db>.sqlite. Every database
 * that a question uses becomes a source of a new throwaway home under
 * work_dir (NULL = $TMPDIR or /tmp), which is indexed (schema layer) before
 * this returns. The home is removed by scout_eval_suite_free. */
scout_rc scout_eval_load_spider(const char *path, const char *work_dir, scout_eval_suite **out,
                                scout_err *err);

/* Loads a directory as Spider, anything else as JSONL. */
scout_rc scout_eval_load(const char *path, const char *work_dir, scout_eval_suite **out,
                         scout_err *err);

/* Frees the suite (and removes a throwaway home); NULL is a no-op. */
void scout_eval_suite_free(scout_eval_suite *s);

size_t scout_eval_suite_count(const scout_eval_suite *s);
/* The i-th case (i < count). Borrowed from the suite. */
const scout_eval_case *scout_eval_suite_case(const scout_eval_suite *s, size_t i);
/* The throwaway home directory of a Spider suite; NULL for JSONL. Borrowed. */
const char *scout_eval_suite_home(const scout_eval_suite *s);
/* The config of a Spider suite's home; NULL for JSONL (use the user's home). Borrowed. */
const scout_config *scout_eval_suite_config(const scout_eval_suite *s);

/* Why a case did not pass. */
typedef enum scout_eval_outcome {
    SCOUT_EVAL_PASS = 0,
    SCOUT_EVAL_WRONG_RESULT,    /* ran, but the result differs from gold */
    SCOUT_EVAL_PRED_SQL_ERROR,  /* the predicted SQL failed (or was refused) */
    SCOUT_EVAL_NO_PREDICTION,   /* the predictor gave no SQL */
    SCOUT_EVAL_TIMEOUT,         /* the predicted SQL hit the time limit */
    SCOUT_EVAL_PREDICTOR_ERROR, /* the predictor itself failed */
    SCOUT_EVAL_SUITE_ERROR      /* the gold SQL failed: a bug in the suite, not the model */
} scout_eval_outcome;

/* "pass", "wrong_result", "predicted_sql_error", "no_prediction", "timeout",
 * "predictor_error", "suite_error". */
const char *scout_eval_outcome_name(scout_eval_outcome o);

typedef struct scout_eval_result {
    const scout_eval_case *c; /* borrowed from the suite (outlives the report only with it) */
    scout_eval_outcome outcome;
    char *detail;        /* owned; NULL when passed. "row 2: gold (...) vs predicted (...)" */
    char *predicted_sql; /* owned copy; NULL when none */
    double latency_ms;   /* < 0 when the predictor did not run */
    double confidence;
    bool table_hit;    /* every gold table is among the top-k candidates */
    int64_t gold_rows; /* rows of the gold result (-1 when it failed) */
} scout_eval_result;

typedef struct scout_eval_report {
    size_t n;      /* cases run */
    size_t passed; /* SCOUT_EVAL_PASS */
    size_t suite_errors;
    size_t recall_hits;
    double execution_accuracy; /* passed / (n - suite_errors); 0 when nothing was scored */
    double table_recall;       /* recall_hits / (n - suite_errors) */
    double p50_ms, p95_ms;     /* predictor latency, nearest rank */
    int recall_k;
    scout_eval_result *results; /* n entries, in suite order */
} scout_eval_report;

typedef void (*scout_eval_progress_fn)(void *ud, size_t done, size_t total,
                                       const scout_eval_case *c);

typedef struct scout_eval_opts {
    size_t limit;        /* run at most this many cases (after the tag filter); 0 = all */
    const char *tag;     /* only cases carrying this tag; NULL = all */
    int recall_k;        /* candidates that count for table recall; 0 = 3 */
    scout_wh_limits lim; /* per statement; zeros = 100000 rows, 64 MiB, 30 s */
    scout_eval_progress_fn progress; /* may be NULL */
    void *progress_ud;
} scout_eval_opts;

/* Runs every selected case: predict, execute gold and predicted SQL against
 * the case's source in cfg (opened read-only, one connection per source),
 * judge, aggregate. cfg is the user's config for a JSONL suite, or
 * scout_eval_suite_config for a Spider one. predict == NULL checks the suite
 * only: every gold SQL must run (a failure is a suite error) and nothing is
 * predicted. *rep is filled (free with scout_eval_report_free) unless the run
 * stops with an error (interrupted, out of memory, a source cannot open). */
scout_rc scout_eval_run(const scout_eval_suite *s, const scout_config *cfg,
                        scout_eval_predict_fn predict, void *ud, const scout_eval_opts *opts,
                        scout_eval_report *rep, scout_err *err);

void scout_eval_report_free(scout_eval_report *rep);

/* The report as {"n","execution_accuracy","table_recall","p50_ms","p95_ms",
 * "by_tag":{tag:{n,passed,execution_accuracy,table_recall}},
 * "failures":[{id,question,reason,detail,predicted_sql,gold_sql,tags}]}.
 * New reference; NULL on memory exhaustion. */
json_t *scout_eval_report_json(const scout_eval_report *rep);

/* Writes scout_eval_report_json (indented) to path atomically, creating the
 * parent directory (for bench/out/eval_acme.json). */
scout_rc scout_eval_report_write(const scout_eval_report *rep, const char *path, scout_err *err);

/* ---- the comparison, exposed for tests and for other judges ---- */

/* A query result held in memory: ncols columns, rows of cells (owned). */
typedef struct scout_eval_table scout_eval_table;

/* Runs sql on wh under lim into a new table (*out; free with
 * scout_eval_table_free). Errors are the warehouse's (SCOUT_ESQL, SCOUT_ELIMIT,
 * SCOUT_ETIMEOUT, ...). */
scout_rc scout_eval_table_query(scout_wh *wh, const char *sql, const scout_wh_limits *lim,
                                scout_eval_table **out, scout_err *err);
void scout_eval_table_free(scout_eval_table *t);
size_t scout_eval_table_rows(const scout_eval_table *t);

/* True when the statement has an ORDER BY at its top level (outside
 * parentheses, strings and comments): the order of its rows is part of the
 * answer. */
bool scout_eval_sql_orders(const char *sql);

/* Compares a predicted result with the gold one under the rules of
 * docs/eval.md (multiset unless ordered; numbers within relative 1e-6 or
 * absolute 1e-9; ints equal reals of the same value; NULL equals only NULL;
 * duplicates count; names ignored; a column permutation is accepted). On a
 * mismatch, why (when not NULL) receives a one-line reason. */
bool scout_eval_tables_equal(const scout_eval_table *gold, const scout_eval_table *pred,
                             bool ordered, char *why, size_t why_size);

#endif
