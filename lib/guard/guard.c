/* guard.c — one statement under the asker's grants (see guard.h). */
#include "guard/guard.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct guard_ctx {
    const scout_grants *g;
    const scout_principal *who;
    const char *source;
    const char *scratch_owner; /* "" when the connection has no scratch */
    scout_guard_denied first;  /* the first refused read */
} guard_ctx;

/* Engine tables and table-valued functions that describe the schema itself:
 * they would list every table (and sqlite_dbpage would hand out raw pages),
 * so only admins may read them. */
static bool engine_internal(const char *table)
{
    return strncasecmp(table, "sqlite_", 7) == 0 || strncasecmp(table, "pragma_", 7) == 0 ||
           strcasecmp(table, "dbstat") == 0;
}

static void record(guard_ctx *c, const char *schema, const char *table, const char *column,
                   bool internal)
{
    if (c->first.denied) return;
    c->first.denied = true;
    c->first.internal = internal;
    snprintf(c->first.source, sizeof c->first.source, "%s", c->source);
    snprintf(c->first.schema, sizeof c->first.schema, "%s", schema);
    snprintf(c->first.table, sizeof c->first.table, "%s", table);
    snprintf(c->first.column, sizeof c->first.column, "%s", column);
}

static bool guard_read(void *ud, const char *schema, const char *table, const char *column)
{
    guard_ctx *c = ud;
    /* The scratch schema is attached only on its owner's connection; should
     * another principal's check ever run there, it still reads nothing. */
    if (c->scratch_owner[0] && strcmp(schema, SCOUT_WH_SCRATCH_SCHEMA) == 0) {
        if (c->who && c->who->user && strcmp(c->who->user, c->scratch_owner) == 0) return true;
        record(c, schema, table, column, false);
        return false;
    }
    if (engine_internal(table)) {
        record(c, schema, table, column, true);
        return false;
    }
    if (scout_grants_can_read(c->g, c->who, c->source, schema, table, column)) return true;
    record(c, schema, table, column, false);
    return false;
}

/* Rewrites the engine's refusal into one the asker can act on. The table is
 * named only when the asker may see it (a column-level refusal). */
static scout_rc denial_message(const guard_ctx *c, scout_err *err)
{
    const scout_guard_denied *d = &c->first;
    if (d->internal)
        return scout_err_set(err, SCOUT_EDENIED,
                             "you don't have access to the database's own schema tables; use "
                             "'scout tables' or 'scout search' to find tables");
    const char *who = scout_grants_contact(c->g, d->source, d->schema, d->table);
    char fq[520];
    snprintf(fq, sizeof fq, "%s.%s.%s", d->source, d->schema, d->table);
    if (d->column[0] && scout_grants_can_read_table(c->g, c->who, fq))
        return scout_err_set(err, SCOUT_EDENIED,
                             "you don't have access to some columns of %s; ask %s for access", fq,
                             who ? who : "a scout admin");
    return scout_err_set(err, SCOUT_EDENIED,
                         "you don't have access to a table this query reads in source '%s'; ask "
                         "%s for access",
                         d->source, who ? who : "a scout admin");
}

scout_rc scout_guard_query(const scout_grants *g, const scout_principal *who, scout_wh *wh,
                           const char *sql, const scout_wh_limits *lim,
                           scout_wh_header_fn on_header, scout_wh_row_fn on_row, void *ud,
                           scout_wh_qstats *stats, scout_guard_denied *denied, scout_err *err)
{
    if (denied) memset(denied, 0, sizeof *denied);
    if (who && who->admin) return scout_wh_query(wh, sql, lim, on_header, on_row, ud, stats, err);
    guard_ctx c = {.g = g,
                   .who = who,
                   .source = wh->src && wh->src->name ? wh->src->name : "",
                   .scratch_owner = wh->scratch_owner};
    scout_rc rc = scout_wh_set_read_check(wh, guard_read, &c, err);
    if (rc) return rc;
    rc = scout_wh_query(wh, sql, lim, on_header, on_row, ud, stats, err);
    /* Removing the check cannot fail for a backend that installed it. */
    (void)scout_wh_set_read_check(wh, NULL, NULL, NULL);
    /* A refused read usually fails the prepare with SCOUT_EDENIED, but one
     * made by a table-valued function's own statement surfaces as an SQL
     * error while stepping: any failure after a refusal is that refusal. */
    if (rc != SCOUT_OK && c.first.denied) rc = denial_message(&c, err);
    if (denied) *denied = c.first;
    return rc;
}
