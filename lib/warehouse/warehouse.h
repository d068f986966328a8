/* warehouse — the one interface scout uses to reach data. Each engine
 * (SQLite now; PostgreSQL, ClickHouse later) implements scout_wh_ops; core code
 * only ever calls the scout_wh_* wrappers below and never includes a backend.
 * Connections are read-only; every query runs under row, byte and time limits
 * and streams its rows to a callback. */
#ifndef SCOUT_WAREHOUSE_H
#define SCOUT_WAREHOUSE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "base/err.h"

typedef enum {
    SCOUT_VAL_NULL,
    SCOUT_VAL_INT,
    SCOUT_VAL_REAL,
    SCOUT_VAL_TEXT,
    SCOUT_VAL_BLOB
} scout_val_type;

/* One cell of a result row. Text/blob bytes are borrowed and valid only
 * during the row callback. Text is NUL-terminated; len excludes the NUL. */
typedef struct scout_value {
    scout_val_type type;
    int64_t i;
    double d;
    const char *s;
    size_t len;
} scout_value;

/* Limits for one statement. A value <= 0 means "no limit of this kind". */
typedef struct scout_wh_limits {
    int64_t max_rows;   /* stop with SCOUT_ELIMIT after this many rows (truncated=true) */
    int64_t max_bytes;  /* stop with SCOUT_ELIMIT once this many result bytes were produced */
    int64_t timeout_ms; /* interrupt the statement with SCOUT_ETIMEOUT after this long */
} scout_wh_limits;

/* What happened during a query (filled even when it fails). */
typedef struct scout_wh_qstats {
    int64_t rows;  /* rows delivered to the callback */
    int64_t bytes; /* bytes of cell data delivered */
    double elapsed_ms;
    bool truncated; /* stopped by max_rows or max_bytes */
} scout_wh_qstats;

/* Called once with the column names before the first row (also for an empty result). */
typedef scout_rc (*scout_wh_header_fn)(void *ud, int ncols, const char *const *names);
/* Called per row; return non-zero to stop early (the query then returns SCOUT_OK). */
typedef int (*scout_wh_row_fn)(void *ud, int ncols, const scout_value *vals);

typedef struct scout_wh_column {
    char *name;
    char *type; /* declared type as written ("INTEGER", "TEXT", "DATE", ...) */
    bool notnull;
    int pk; /* 1-based position in the primary key, 0 if not part of it */
} scout_wh_column;

typedef struct scout_wh_fk {
    char *from_column;
    char *to_schema; /* NULL = same schema */
    char *to_table;
    char *to_column;
} scout_wh_fk;

/* A table or view as the engine declares it. */
typedef struct scout_wh_table {
    char *schema; /* SQLite: attached database name ("main" for the main file) */
    char *name;
    bool is_view;
    char *comment; /* NULL when the engine has none */
    char *sql;     /* the CREATE statement when the engine exposes it, else NULL */
    scout_wh_column *columns;
    size_t n_columns;
    scout_wh_fk *fks;
    size_t n_fks;
} scout_wh_table;

/* SQL flavour facts the catalog and the planner need. */
typedef struct scout_wh_dialect {
    const char *name; /* "sqlite", "postgres", "clickhouse" */
    char quote_char;  /* identifier quote: '"' or '`' */
    /* printf format that wraps a table reference in a bounded sample of at
     * most N rows: "(SELECT * FROM %s LIMIT %lld)". */
    const char *sample_fmt;
} scout_wh_dialect;

typedef struct scout_wh scout_wh; /* an open connection; backends extend it */

/* Decides, while a statement is being prepared, whether it may read column of
 * schema.table. column is "" when the statement touches the table without
 * reading a column (count(*)); a rowid read names the rowid alias or "ROWID".
 * Views and triggers are expanded by the engine, so the check sees the
 * underlying tables. Returns true to allow. Must not call back into the
 * connection. */
typedef bool (*scout_wh_read_check_fn)(void *ud, const char *schema, const char *table,
                                       const char *column);

/* The schema name a per-user scratch file is attached under. */
#define SCOUT_WH_SCRATCH_SCHEMA "scratch"

/* What a statement would cost, estimated from the engine's plan before it
 * runs. work is the largest product of full-scan row counts along one
 * nest of loops (a full scan of 1.2M rows is 1.2e6; a cross join of two
 * 40k-row tables without an index is 1.6e9); index searches count as 1. */
typedef struct scout_wh_cost {
    double work;
    int full_scans;   /* full table/index scans in the plan */
    int nested_scans; /* full scans running inside another full scan */
} scout_wh_cost;

typedef struct scout_wh_ops {
    const char *kind;
    scout_rc (*open)(const scout_source_cfg *src, scout_wh **out, scout_err *err);
    /* Lists every user table and view (not engine-internal ones) of every schema. */
    scout_rc (*list_tables)(scout_wh *wh, scout_wh_table **out, size_t *n, scout_err *err);
    scout_rc (*query)(scout_wh *wh, const char *sql, const scout_wh_limits *lim,
                      scout_wh_header_fn on_header, scout_wh_row_fn on_row, void *ud,
                      scout_wh_qstats *stats, scout_err *err);
    /* A cheap string that changes whenever the table's schema or data changes
     * (used to skip unchanged tables on re-index). Caller frees *out. */
    scout_rc (*fingerprint)(scout_wh *wh, const char *schema, const char *table, char **out,
                            scout_err *err);
    const scout_wh_dialect *(*dialect)(scout_wh *wh);
    void (*close)(scout_wh *wh);
    /* Optional: installs (fn non-NULL) or removes (fn NULL) a per-read check
     * applied to every later query on this connection. Backends that cannot
     * enforce reads inside the engine leave it NULL. */
    scout_rc (*set_read_check)(scout_wh *wh, scout_wh_read_check_fn fn, void *ud, scout_err *err);
    /* Optional: attaches an existing file read-write as schema
     * SCOUT_WH_SCRATCH_SCHEMA; the warehouse schemas stay read-only. */
    scout_rc (*attach_scratch)(scout_wh *wh, const char *path, scout_err *err);
    /* Optional: estimates a statement's work before it runs (see scout_wh_cost). */
    scout_rc (*explain_cost)(scout_wh *wh, const char *sql, scout_wh_cost *out, scout_err *err);
} scout_wh_ops;

/* Every connection starts with this header so the wrappers can dispatch. */
struct scout_wh {
    const scout_wh_ops *ops;
    const scout_source_cfg *src; /* borrowed from the config */
    /* Whose scratch file is attached ("" when none): the guard lets only
     * this user read the scratch schema. */
    char scratch_owner[128];
    /* The caller's cancel flag (scout_wh_set_cancel), borrowed; NULL = none. */
    const atomic_bool *cancel;
};

/* Opens a read-only connection to the configured source (backend chosen by
 * src->kind). src must outlive the connection. */
scout_rc scout_wh_open(const scout_source_cfg *src, scout_wh **out, scout_err *err);

/* Closes and frees; NULL is a no-op. */
void scout_wh_close(scout_wh *wh);

/* Fills *out with a new array of *n tables (free with scout_wh_tables_free). */
scout_rc scout_wh_list_tables(scout_wh *wh, scout_wh_table **out, size_t *n, scout_err *err);
void scout_wh_tables_free(scout_wh_table *t, size_t n);

/* Runs one read-only statement under lim (NULL = no limits), streaming rows.
 * Returns SCOUT_ESQL with the engine's message when the statement fails,
 * SCOUT_ELIMIT when a row/byte limit stopped it (rows so far were delivered),
 * SCOUT_ETIMEOUT when the time limit interrupted it, SCOUT_EINTERRUPTED when
 * the connection's cancel flag was set (scout_wh_set_cancel). on_header/on_row
 * may be NULL. */
scout_rc scout_wh_query(scout_wh *wh, const char *sql, const scout_wh_limits *lim,
                        scout_wh_header_fn on_header, scout_wh_row_fn on_row, void *ud,
                        scout_wh_qstats *stats, scout_err *err);

/* Makes later scout_wh_query calls on wh stop when *flag becomes true: a
 * running statement then fails within a few milliseconds with
 * SCOUT_EINTERRUPTED "query interrupted" (rows already delivered stay
 * delivered), and a query started while the flag is set fails at once. The
 * flag is borrowed (it must outlive its use on wh; NULL removes it) and is
 * only read, so setting it from a signal handler or another thread is safe:
 * this is how Ctrl-C stops a long statement. Clearing it is the owner's job. */
void scout_wh_set_cancel(scout_wh *wh, const atomic_bool *flag);

scout_rc scout_wh_fingerprint(scout_wh *wh, const char *schema, const char *table, char **out,
                              scout_err *err);
const scout_wh_dialect *scout_wh_dialect_of(scout_wh *wh);

/* Installs fn (with ud, borrowed until removed) as the connection's read
 * check for later scout_wh_query calls; fn NULL removes it, restoring the
 * unchecked behaviour. A read the check refuses fails the query with
 * SCOUT_EDENIED and a message that names no table. A backend without
 * in-engine enforcement refuses to install one (SCOUT_EDENIED), so a caller
 * can never believe reads are checked when they are not. */
scout_rc scout_wh_set_read_check(scout_wh *wh, scout_wh_read_check_fn fn, void *ud, scout_err *err);

/* Attaches path (an existing SQLite file) read-write as schema
 * SCOUT_WH_SCRATCH_SCHEMA on this connection only, for owner. Afterwards
 * statements may write into scratch.* (and nowhere else: the warehouse
 * files stay opened read-only and the engine's authorizer refuses writes to
 * any other schema); reads of scratch are allowed only when the read check
 * is owner's (scout_guard_query). At most one scratch per connection; a
 * source with a configured schema named "scratch" cannot have one. A
 * backend without scratch support returns SCOUT_EUSER. path and owner are
 * copied/used during the call only. */
scout_rc scout_wh_attach_scratch(scout_wh *wh, const char *path, const char *owner, scout_err *err);

/* Estimates sql's work from the engine's plan without running it (reads are
 * checked as for scout_wh_query). A backend that cannot estimate returns
 * SCOUT_ENOTFOUND and leaves *out zeroed; callers then skip the check. */
scout_rc scout_wh_explain_cost(scout_wh *wh, const char *sql, scout_wh_cost *out, scout_err *err);

/* Appends the dialect-quoted identifier (quotes doubled) to buf-like output:
 * writes at most n bytes into dst, returns SCOUT_ELIMIT if it does not fit. */
scout_rc scout_wh_quote_ident(const scout_wh_dialect *d, const char *ident, char *dst, size_t n);

/* Backend ops tables (defined in sqlite.c etc.); only warehouse.c uses them. */
extern const scout_wh_ops scout_wh_sqlite_ops;

#endif
