/* semantic — the semantic query: the one JSON object both the offline
 * question parser and an LLM produce for an analytical question (measures,
 * dimensions, filters, time range and grain, ranking, comparison). It is
 * parsed strictly, validated (against the catalog's tables when a join graph
 * is given) and serialised back deterministically; compile.h turns it into
 * SQL. The format is documented in docs/semantic-query.md. */
#ifndef SCOUT_PLANNER_SEMANTIC_H
#define SCOUT_PLANNER_SEMANTIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct scout_joins_graph;

#define SCOUT_SEMANTIC_VERSION   1
#define SCOUT_SEMANTIC_LIMIT_MAX 10000
#define SCOUT_SEMANTIC_VALUE_MAX 1000 /* bytes in one string value */
#define SCOUT_SEMANTIC_IDENT_MAX 256  /* bytes in a table/column/alias name */
#define SCOUT_SEMANTIC_LIST_MAX  1000 /* items in any array */
#define SCOUT_SEMANTIC_TEXT_MAX  2000 /* bytes in a label or an assumption */
#define SCOUT_SEMANTIC_JSON_MAX  ((size_t)1 << 20)

typedef enum {
    SCOUT_AGG_SUM,
    SCOUT_AGG_AVG,
    SCOUT_AGG_COUNT, /* count(*) when column is NULL, else count(column) */
    SCOUT_AGG_COUNT_DISTINCT,
    SCOUT_AGG_MIN,
    SCOUT_AGG_MAX,
    SCOUT_AGG_METRIC,    /* a curated metric: its expression is used verbatim */
    SCOUT_AGG_RATIO,     /* sum(column) / sum(per): a rate recomputed from its parts */
    SCOUT_AGG_COUNT_PER, /* count(*) / count(distinct per): "tickets per account" */
    SCOUT_AGG_SHARE      /* share of rows where `where` holds: "share of tickets still open" */
} scout_agg;

/* How values of one time point are combined over a period, for semi-additive
 * measures such as a daily subscriber count: SUM adds every row (the default,
 * right for flows like revenue); LAST/FIRST take the measure at the latest /
 * earliest time point of the period; AVG/MIN/MAX combine the per-time-point
 * values. */
typedef enum {
    SCOUT_OVER_SUM,
    SCOUT_OVER_LAST,
    SCOUT_OVER_FIRST,
    SCOUT_OVER_AVG,
    SCOUT_OVER_MIN,
    SCOUT_OVER_MAX,
    SCOUT_OVER_CHANGE /* the latest time point's value minus the earliest's: "added since" */
} scout_over_time;

/* The unit of a duration measure (the time from one column of a row to
 * another): "hours to resolve", "days to close". NONE: not a duration. */
typedef enum { SCOUT_DUR_NONE, SCOUT_DUR_MINUTE, SCOUT_DUR_HOUR, SCOUT_DUR_DAY } scout_dur_unit;

typedef enum {
    SCOUT_OP_EQ,
    SCOUT_OP_NE,
    SCOUT_OP_IN,
    SCOUT_OP_NOT_IN,
    SCOUT_OP_GT,
    SCOUT_OP_GE,
    SCOUT_OP_LT,
    SCOUT_OP_LE,
    SCOUT_OP_BETWEEN,
    SCOUT_OP_LIKE,
    SCOUT_OP_IS_NULL,
    SCOUT_OP_IS_NOT_NULL
} scout_op;

typedef enum {
    SCOUT_GRAIN_NONE,
    SCOUT_GRAIN_DAY,
    SCOUT_GRAIN_WEEK,
    SCOUT_GRAIN_MONTH,
    SCOUT_GRAIN_QUARTER,
    SCOUT_GRAIN_YEAR
} scout_grain;

typedef enum {
    SCOUT_CMP_NONE,
    SCOUT_CMP_PREVIOUS_PERIOD, /* the period of the same length right before */
    SCOUT_CMP_PREVIOUS_YEAR,   /* the same dates one year earlier */
    SCOUT_CMP_PERIOD,          /* an explicit other period (start..end) */
    SCOUT_CMP_MEMBERS          /* two members of one dimension: "EMEA vs APAC" */
} scout_cmp_type;

typedef enum {
    SCOUT_VAL_KIND_STRING,
    SCOUT_VAL_KIND_INT,
    SCOUT_VAL_KIND_REAL,
    SCOUT_VAL_KIND_BOOL
} scout_val_kind;

/* One typed literal. */
typedef struct scout_sq_value {
    scout_val_kind kind;
    char *s;   /* STRING: UTF-8, no NUL bytes */
    int64_t i; /* INT, and BOOL as 0/1 */
    double d;  /* REAL */
} scout_sq_value;

/* A column reference; table NULL means the query's base table. */
typedef struct scout_sq_ref {
    char *table;
    char *column;
} scout_sq_ref;

typedef struct scout_sq_measure {
    scout_agg agg;
    scout_sq_ref ref; /* column NULL for count(*) and metrics */
    char *metric;     /* METRIC: the curated metric's name */
    char *per;        /* RATIO, COUNT_PER: the denominator column, on the same table as ref */
    struct scout_sq_filter *where; /* SHARE: the condition whose share of rows is measured */
    /* A duration: the value per row is the time from column `from` to the
     * measure's column (both on ref's table), in `unit`; rows where either
     * is NULL drop out. agg is sum, avg, min or max. */
    char *from;
    scout_dur_unit unit;
    char *as; /* output column name; derived when absent in JSON */
    scout_over_time over_time;
} scout_sq_measure;

typedef struct scout_sq_dimension {
    scout_sq_ref ref;
    char *as;
} scout_sq_dimension;

typedef struct scout_sq_filter {
    scout_sq_ref ref;
    scout_op op;
    scout_sq_value *values; /* one for comparisons, two for between, n for in */
    size_t n_values;
    /* A column of the same table compared instead of a value ("p95_ms >
     * p95_target_ms": the days a measure broke its target); NULL = values.
     * Only with =, <>, <, <=, >, >=. */
    char *than;
} scout_sq_filter;

typedef struct scout_sq_time {
    char *column; /* on the base table; NULL = the metric's time column */
    char *start;  /* YYYY-MM-DD, inclusive; NULL = open */
    char *end;    /* YYYY-MM-DD, inclusive; NULL = open */
    char *label;  /* "last quarter = 2026-07-01..2026-09-30" */
    scout_grain grain;
    /* What the column holds: NONE = dates or timestamps; MONTH = months as
     * 'YYYY-MM' text; QUARTER = quarters as 'YYYY-Qn' text. start/end stay
     * dates and are compared as the period that contains them. */
    scout_grain holds;
} scout_sq_time;

/* What `order_by[].value` ranks on when the query compares. */
typedef enum {
    SCOUT_ORDER_CURRENT,
    SCOUT_ORDER_PREVIOUS,
    SCOUT_ORDER_DELTA,
    SCOUT_ORDER_PCT
} scout_order_value;

typedef struct scout_sq_order {
    char *key; /* a measure's or dimension's `as` */
    scout_order_value value;
    bool desc;
} scout_sq_order;

typedef struct scout_sq_comparison {
    scout_cmp_type type;
    char *start, *end, *label; /* PERIOD: the other period; label optional */
    scout_sq_ref dimension;    /* MEMBERS */
    scout_sq_value members[2]; /* MEMBERS: [current, previous] */
} scout_sq_comparison;

/* The parsed query. Every string is owned by it (freed by scout_semantic_free).
 * Arrays are heap arrays with counts. */
typedef struct scout_semantic {
    int version;
    char *table; /* base (fact) table fqname: source.schema.table */
    scout_sq_measure *measures;
    size_t n_measures;
    scout_sq_dimension *dimensions;
    size_t n_dimensions;
    scout_sq_filter *filters;
    size_t n_filters;
    bool has_time;
    scout_sq_time time;
    scout_sq_order *order_by;
    size_t n_order_by;
    int64_t limit; /* 0 = none given */
    scout_sq_comparison comparison;
    char **assumptions;
    size_t n_assumptions;
} scout_semantic;

/* Parses and validates JSON text into a new query (caller frees with
 * scout_semantic_free). graph may be NULL: then names are only checked for
 * shape; with a graph every table, column and metric must exist in it.
 * Errors name the JSON path: "measures[0].column: unknown column 'revenu'
 * in finance.mart.revenue_daily". */
scout_rc scout_semantic_parse(const char *json, size_t len, const struct scout_joins_graph *graph,
                              scout_semantic **out, scout_err *err);

/* Validates an already-built query (e.g. assembled in C by the parser); the
 * same rules and messages as scout_semantic_parse. Fills derived `as` names. */
scout_rc scout_semantic_validate(scout_semantic *q, const struct scout_joins_graph *graph,
                                 scout_err *err);

/* Appends the query as canonical JSON (keys in a fixed order, derived names
 * included), so parse(serialise(q)) == q and equal queries serialise equal. */
scout_rc scout_semantic_to_json(const scout_semantic *q, scout_buf *out, scout_err *err);

/* Frees a query; NULL is a no-op. */
void scout_semantic_free(scout_semantic *q);

/* Names used in JSON and messages. */
const char *scout_semantic_agg_name(scout_agg a);
const char *scout_semantic_op_name(scout_op op);
const char *scout_semantic_grain_name(scout_grain g);
const char *scout_semantic_unit_name(scout_dur_unit u); /* "minute", "hour", "day" */

/* Inclusive day arithmetic on YYYY-MM-DD dates, used for periods. Returns
 * false when the text is not a valid date. out needs 11 bytes. */
bool scout_semantic_date_add_days(const char *date, int64_t days, char out[11]);
bool scout_semantic_date_add_months(const char *date, int64_t months, char out[11]);

#endif
