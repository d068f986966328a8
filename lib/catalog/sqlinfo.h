/* sqlinfo — the one SQL analysis engine code enrichment (lineage.c) and query
 * history (history.c) share: parses a statement with libpg_query (PostgreSQL's
 * own grammar) and extracts what a reader of the SQL would: relations read,
 * output columns with the base columns they come from, join equalities,
 * grain, filters as readable text. A statement that does not parse falls back
 * to a tokenizer that still finds FROM/JOIN table names. */
#ifndef SCOUT_CATALOG_SQLINFO_H
#define SCOUT_CATALOG_SQLINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "catalog/catalog.h"

/* A column of a base relation. table is the relation's name as written in the
 * SQL ("raw.invoices", "finance.mart.revenue_daily"), never an alias or a CTE
 * name; NULL when the column's table cannot be told (an unqualified column
 * over several joined tables). */
typedef struct scout_sql_col {
    const char *table;
    const char *column;
} scout_sql_col;

/* A base relation the statement reads (CTE names are not relations; what a
 * CTE reads is). Each written name appears once, with its first alias. */
typedef struct scout_sql_rel {
    const char *name;  /* as written, schema-qualified when it was */
    const char *alias; /* NULL when none */
    int line;          /* 1-based line of the first mention */
} scout_sql_rel;

/* One column of the statement's result. */
typedef struct scout_sql_output {
    const char *name;       /* alias, column name, function name or "?column?" */
    const char *transform;  /* readable expression ("sum(amount_usd)"); NULL when a
                               base column is passed through unchanged */
    scout_sql_col *sources; /* base columns it reads, through CTEs and subqueries */
    size_t n_sources;
} scout_sql_output;

/* An equality between columns of two different relations: ON a.x = b.y,
 * USING (x), or an implicit join in WHERE. */
typedef struct scout_sql_join {
    scout_sql_col left, right;
    bool is_using;
    int line;
} scout_sql_join;

/* A predicate that restricts rows, as a reader would say it:
 * "excludes is_test = 1", "only status in ('paid')", "day <= '2026-11-24'". */
typedef struct scout_sql_filter {
    const char *text;
    const char *clause; /* "where", "having" or "join" */
    scout_sql_col *columns;
    size_t n_columns;
    int line;
} scout_sql_filter;

typedef struct scout_sql_info {
    bool parsed;         /* false: the tokenizer fallback produced rels only */
    const char *error;   /* the parser's message when !parsed, with the line */
    int error_line;      /* 0 when unknown */
    const char *kind;    /* "select", "insert", "create_table_as", "create_view", ... */
    bool is_select;      /* every statement is a plain query */
    int n_statements;    /* statements in the text */
    const char *target;  /* relation written by INSERT / CREATE ... AS, else NULL */
    scout_sql_rel *rels; /* relations read, in order of first mention */
    size_t n_rels;
    scout_sql_output *outputs; /* the (first) statement's result columns */
    size_t n_outputs;
    scout_sql_join *joins; /* deduplicated */
    size_t n_joins;
    scout_sql_filter *filters; /* deduplicated by text */
    size_t n_filters;
    const char **grain; /* top-level GROUP BY keys (output names where they match) */
    size_t n_grain;
    bool distinct;                     /* top-level SELECT DISTINCT: grain is every output */
    bool select_star;                  /* the top-level select list is or contains `*` */
    bool has_limit;                    /* top-level LIMIT */
    bool has_where;                    /* top-level WHERE */
    bool has_aggregate;                /* top-level GROUP BY or an aggregate-looking call */
    bool has_join;                     /* more than one relation joined anywhere */
    struct scout_sqlinfo_arena *arena; /* owns every string and array above */
} scout_sql_info;

/* Analyses sql (one or more statements; the first query's outputs and grain
 * are reported, relations/joins/filters of all of them). Never fails on bad
 * SQL: that yields parsed = false with the parser's message and the
 * tokenizer's relations. Fails only on memory exhaustion or input over 4 MiB.
 * Caller frees *out with scout_sqlinfo_free. Thread-safe: libpg_query keeps
 * per-thread state, which it releases itself when a thread exits (never call
 * pg_query_exit on a worker: that frees it twice). */
scout_rc scout_sqlinfo_analyze(const char *sql, scout_sql_info **out, scout_err *err);

void scout_sqlinfo_free(scout_sql_info *info);

/* The 1-based line of byte offset pos in sql. */
int scout_sqlinfo_line_of(const char *sql, int pos);

/* libpg_query's fingerprint of sql (same shape, different constants = same
 * fingerprint) into out (>= 17 bytes, hex). false when sql does not parse. */
bool scout_sqlinfo_fingerprint(const char *sql, char *out, size_t cap);

/* sql with its constants replaced by $n (pg_query_normalize), or NULL when it
 * does not parse. Caller frees. */
char *scout_sqlinfo_normalize(const char *sql);

/* Maps written relation names to catalog fqnames, caching every answer (a
 * big model set names the same relations over and over). */
typedef struct scout_sqlinfo_resolver scout_sqlinfo_resolver;

/* cat may be NULL (nothing is looked up: names are only qualified). */
scout_sqlinfo_resolver *scout_sqlinfo_resolver_new(scout_catalog *cat);
void scout_sqlinfo_resolver_free(scout_sqlinfo_resolver *r);

/* The fqname for a name as written. Three-part names are kept as they are;
 * otherwise `default_source.<written>` and then `<written>` are tried with
 * scout_catalog_resolve. A name the catalog does not know is kept as written,
 * except that a two-part schema.table with a default source becomes
 * source.schema.table (that is the fqname it names; the crawl may simply not
 * have seen it yet). Lower-cased, quotes dropped. Borrowed from r; NULL only
 * on memory exhaustion. default_source may be NULL. */
const char *scout_sqlinfo_resolve(scout_sqlinfo_resolver *r, const char *default_source,
                                  const char *written);

#endif
