/* result — an in-memory, capped result set: column descriptions (name, role,
 * type, unit) and rows of typed cells. It fills straight from the warehouse
 * query callbacks and refuses to grow past its row and byte caps (it marks
 * itself truncated and stops the query instead), so a huge result never
 * reaches the renderers. Charts, tables, reports and --json read from here. */
#ifndef SCOUT_RENDER_RESULT_H
#define SCOUT_RENDER_RESULT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "render/format.h"
#include "warehouse/warehouse.h"

/* What a column is for in the answer. The words match the semantic-query
 * compiler's output column roles (planner/compile.h scout_col_role):
 * time | dimension | measure | delta | pct. This is a separate enum so the
 * renderers do not depend on the planner; convert through the words:
 * scout_result_role_parse(scout_compile_role_name(role)).
 * SCOUT_RESULT_ROLE_UNKNOWN is for raw SQL results; scout_result_infer guesses. */
typedef enum {
    SCOUT_RESULT_ROLE_UNKNOWN = 0,
    SCOUT_RESULT_ROLE_TIME,      /* a date/time bucket: the x axis of a line */
    SCOUT_RESULT_ROLE_DIMENSION, /* a category: bars, colours, groups */
    SCOUT_RESULT_ROLE_MEASURE,   /* an aggregated number */
    SCOUT_RESULT_ROLE_DELTA,     /* current minus previous (comparisons) */
    SCOUT_RESULT_ROLE_PCT        /* a share or a relative change, as a fraction */
} scout_result_role;

/* The value type of a column, as the compiler declares it or as inferred. */
typedef enum {
    SCOUT_RESULT_TYPE_UNKNOWN = 0,
    SCOUT_RESULT_TYPE_INT,
    SCOUT_RESULT_TYPE_REAL,
    SCOUT_RESULT_TYPE_TEXT,
    SCOUT_RESULT_TYPE_DATE,      /* "2026-07-01" */
    SCOUT_RESULT_TYPE_TIMESTAMP, /* "2026-07-01 12:00:00" / ISO 8601 */
    SCOUT_RESULT_TYPE_BOOL
} scout_result_type;

/* One column's description. In a scout_result every string is owned by the
 * result; as input to scout_result_set_columns the strings are borrowed and
 * copied. label is the human title (NULL = use name). */
typedef struct scout_result_col {
    char *name;
    char *label;
    scout_result_role role;
    scout_result_type type;
    scout_unit unit;
    bool previous; /* comparisons: the previous period's measure (compiler variant "previous") */
} scout_result_col;

typedef struct scout_result scout_result; /* opaque */

/* Default caps: what an answer ever needs to show or chart. */
#define SCOUT_RESULT_DEFAULT_ROWS  10000
#define SCOUT_RESULT_DEFAULT_BYTES ((size_t)8 << 20)

/* A new, empty result that holds at most max_rows rows and max_bytes bytes of
 * cell data (0 = the defaults above). Free with scout_result_free. NULL only
 * when out of memory. */
scout_result *scout_result_new(size_t max_rows, size_t max_bytes);

/* Frees the result and everything it owns; NULL is a no-op. */
void scout_result_free(scout_result *r);

/* Parses a role word ("time", "dimension", "measure", "delta", "pct"; also
 * "percent"); unknown/NULL gives SCOUT_RESULT_ROLE_UNKNOWN. */
scout_result_role scout_result_role_parse(const char *word);
const char *scout_result_role_name(scout_result_role role); /* static, "unknown" for 0 */

/* Parses a type word as SQL or the compiler writes it ("integer", "bigint",
 * "real", "double", "numeric", "decimal", "text", "varchar", "date",
 * "timestamp", "datetime", "boolean", ...). */
scout_result_type scout_result_type_parse(const char *word);
const char *scout_result_type_name(scout_result_type type); /* static */

/* Describes the columns before the query runs (copies cols; strings
 * borrowed). When the header callback later reports the same number of
 * columns, these descriptions are kept (names are taken from the header);
 * otherwise they are replaced by bare names. Fails on a result with rows. */
scout_rc scout_result_set_columns(scout_result *r, const scout_result_col *cols, size_t n,
                                  scout_err *err);

/* Sets the role and unit of the column called name (case-insensitive).
 * SCOUT_ENOTFOUND when there is no such column. */
scout_rc scout_result_describe(scout_result *r, const char *name, scout_result_role role,
                               scout_unit unit);

/* Appends one row of n cells (text/blob bytes are copied). Returns
 * SCOUT_ELIMIT and marks the result truncated, leaving it unchanged, when the
 * row would pass either cap; SCOUT_EUSER when n is not the column count. */
scout_rc scout_result_add_row(scout_result *r, const scout_value *vals, size_t n, scout_err *err);

/* Warehouse callbacks: pass the result as ud to scout_wh_query. The row
 * callback stops the query (returns non-zero) once a cap is hit; the query
 * then returns SCOUT_OK and scout_result_truncated tells the caller. */
scout_rc scout_result_on_header(void *ud, int ncols, const char *const *names);
int scout_result_on_row(void *ud, int ncols, const scout_value *vals);

/* Fills roles and types still unknown from the data: numeric columns become
 * measures (pct when named like a share/rate and all values lie in [-1, 1]);
 * ISO dates become time; other text becomes a dimension. Known ones stay. */
void scout_result_infer(scout_result *r);

size_t scout_result_ncols(const scout_result *r);
size_t scout_result_nrows(const scout_result *r);
/* Column i (borrowed, valid until the result changes or is freed); NULL when out of range. */
const scout_result_col *scout_result_col_at(const scout_result *r, size_t i);
/* The column's title: its label, else its name. Borrowed. */
const char *scout_result_col_title(const scout_result *r, size_t i);
/* Index of the first column with this role, or -1. */
int scout_result_find_role(const scout_result *r, scout_result_role role, int after);
/* Cell (row, col), borrowed; a NULL-typed cell when out of range. Text is NUL-terminated. */
const scout_value *scout_result_cell(const scout_result *r, size_t row, size_t col);
/* The cell as a double (ints and numeric text convert); false when not numeric or NULL. */
bool scout_result_number(const scout_result *r, size_t row, size_t col, double *out);
/* True when a cap stopped the result from holding every row. */
bool scout_result_truncated(const scout_result *r);
/* Bytes of cell data held (what max_bytes limits). */
size_t scout_result_bytes(const scout_result *r);
/* Marks the result truncated, e.g. when the warehouse's own limit stopped the query. */
void scout_result_mark_truncated(scout_result *r);

/* The result as JSON: {"columns":[{"name","label"?,"role","type","unit"}],
 * "rows":[[...]], "row_count":N, "truncated":bool}. New reference; NULL on
 * out of memory. Blobs are shown as "<blob N bytes>". */
json_t *scout_result_to_json(const scout_result *r);

/* One cell as JSON (new reference): numbers, strings (bytes that are not
 * valid UTF-8 become '?'), null; non-finite reals become null. */
json_t *scout_result_cell_json(const scout_value *v);

/* Rebuilds a result from scout_result_to_json's shape (e.g. a stored result),
 * under the given caps. Caller frees *out. SCOUT_EUSER on a bad shape. */
scout_rc scout_result_from_json(const json_t *j, size_t max_rows, size_t max_bytes,
                                scout_result **out, scout_err *err);

#endif
