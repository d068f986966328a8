/* dialect — the per-engine SQL vocabulary the compiler needs: identifier
 * quoting, literal escaping, date bucketing and date-range predicates for
 * SQLite, PostgreSQL and ClickHouse (18.16: no CTEs, no window functions,
 * one JOIN per SELECT). Everything appends to a bounded scout_buf. */
#ifndef SCOUT_PLANNER_DIALECT_H
#define SCOUT_PLANNER_DIALECT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "planner/semantic.h"

typedef enum {
    SCOUT_DIALECT_SQLITE,
    SCOUT_DIALECT_POSTGRES,
    SCOUT_DIALECT_CLICKHOUSE
} scout_dialect;

/* Maps "sqlite" | "postgres" | "clickhouse" (a warehouse dialect's name). */
scout_rc scout_dialect_from_name(const char *name, scout_dialect *out, scout_err *err);
const char *scout_dialect_name(scout_dialect d);

/* Whether the engine has WITH ... AS (...) common table expressions. */
bool scout_dialect_has_cte(scout_dialect d);

/* Appends ident quoted for d (embedded quote characters escaped). */
scout_rc scout_dialect_ident(scout_dialect d, const char *ident, scout_buf *out);

/* Appends the table reference for fqname source.schema.table: the quoted
 * schema and table (the source is the connection, not part of SQL). */
scout_rc scout_dialect_table(scout_dialect d, const char *fqname, scout_buf *out, scout_err *err);

/* Appends a typed value as a SQL literal, escaped for d so it can never end
 * the literal early. Strings with NUL bytes or invalid UTF-8 and non-finite
 * numbers are refused with SCOUT_EUSER. */
scout_rc scout_dialect_literal(scout_dialect d, const scout_sq_value *v, scout_buf *out,
                               scout_err *err);

/* Appends a string literal (same rules as scout_dialect_literal). */
scout_rc scout_dialect_string(scout_dialect d, const char *s, scout_buf *out, scout_err *err);

/* Appends the expression giving the first day of expr's grain period as a
 * date (SQLite: 'YYYY-MM-DD' text; weeks start on Monday). */
scout_rc scout_dialect_bucket(scout_dialect d, scout_grain g, const char *expr, scout_buf *out);

/* Appends "expr is within [start, end]" for inclusive YYYY-MM-DD dates
 * (either may be NULL = open), correct for date, timestamp and ISO text. */
scout_rc scout_dialect_date_range(scout_dialect d, const char *expr, const char *start,
                                  const char *end, scout_buf *out, scout_err *err);

/* Appends the time from timestamp (or date) expression `from` to `to` in
 * unit u as a number (fractional: 90 minutes is 1.5 hours); NULL when
 * either side is NULL. */
scout_rc scout_dialect_duration(scout_dialect d, const char *from, const char *to, scout_dur_unit u,
                                scout_buf *out);

/* Appends "a equals b, NULLs equal" for joining compared periods. */
scout_rc scout_dialect_null_safe_eq(scout_dialect d, const char *a, const char *b, scout_buf *out);

#endif
