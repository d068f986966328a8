/* compile — turns a validated semantic query into one SQL statement for a
 * dialect, deterministically (same query and catalog view → byte-identical
 * SQL), plus a description of the result columns. Identifiers are always
 * quoted and values always escaped literals; curated metric expressions are
 * used verbatim. Joins come from joins.h; a join that would multiply the
 * measure's rows is refused or turned into a semi-join (see
 * docs/semantic-query.md, "Fan-out"). */
#ifndef SCOUT_PLANNER_COMPILE_H
#define SCOUT_PLANNER_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "planner/dialect.h"
#include "planner/joins.h"
#include "planner/semantic.h"

typedef enum {
    SCOUT_ROLE_TIME,
    SCOUT_ROLE_DIMENSION,
    SCOUT_ROLE_MEASURE,
    SCOUT_ROLE_DELTA,
    SCOUT_ROLE_PCT
} scout_col_role;

/* One result column. Strings are owned by the scout_compiled. */
typedef struct scout_compiled_col {
    char *name; /* as it appears in the result */
    scout_col_role role;
    const char *type;    /* "date", "text", "integer" or "number" (static) */
    char *measure;       /* MEASURE/DELTA/PCT: the measure's name; else NULL */
    const char *variant; /* comparisons: "current" or "previous" (static); else NULL */
    char *label;         /* the period or member this column describes; may be NULL */
} scout_compiled_col;

typedef struct scout_compiled {
    char *sql;
    scout_compiled_col *cols;
    size_t n_cols;
    char **tables; /* fqnames read, base table first */
    size_t n_tables;
    char **notes; /* the query's assumptions, then the compiler's (periods, fan-out) */
    size_t n_notes;
    bool single_row; /* a single aggregate row: no LIMIT was added */
    bool fanout_risk;
} scout_compiled;

typedef struct scout_compile_opts {
    scout_dialect dialect;
    int64_t max_rows; /* LIMIT for multi-row results; <= 0 = 10000 */
} scout_compile_opts;

/* Compiles q (validated against g) to SQL. g is required: it supplies join
 * paths, column types and metric expressions. Caller frees *out with
 * scout_compile_free. Fails with SCOUT_EUSER and a reason when the query
 * cannot be answered safely (fan-out, no join path, unsupported shape). */
scout_rc scout_compile_query(const scout_semantic *q, const scout_joins_graph *g,
                             const scout_compile_opts *opts, scout_compiled **out, scout_err *err);

/* Frees a compiled query; NULL is a no-op. */
void scout_compile_free(scout_compiled *c);

/* "time", "dimension", "measure", "delta", "pct". */
const char *scout_compile_role_name(scout_col_role r);

#endif
