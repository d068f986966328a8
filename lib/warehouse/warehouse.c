#include "warehouse/warehouse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const scout_wh_ops *ops_for(scout_source_kind kind)
{
    switch (kind) {
    case SCOUT_SOURCE_SQLITE:
        return &scout_wh_sqlite_ops;
    case SCOUT_SOURCE_POSTGRES:
    case SCOUT_SOURCE_CLICKHOUSE:
        return NULL; /* connectors land in a later issue */
    }
    return NULL;
}

scout_rc scout_wh_open(const scout_source_cfg *src, scout_wh **out, scout_err *err)
{
    *out = NULL;
    const scout_wh_ops *ops = ops_for(src->kind);
    if (!ops)
        return scout_err_set(err, SCOUT_EUSER, "source '%s': %s sources are not supported yet",
                             src->name, scout_source_kind_name(src->kind));
    scout_rc rc = ops->open(src, out, err);
    if (rc) return scout_err_prefix(err, "source '%s'", src->name);
    (*out)->ops = ops;
    (*out)->src = src;
    return SCOUT_OK;
}

void scout_wh_close(scout_wh *wh)
{
    if (wh) wh->ops->close(wh);
}

scout_rc scout_wh_list_tables(scout_wh *wh, scout_wh_table **out, size_t *n, scout_err *err)
{
    return wh->ops->list_tables(wh, out, n, err);
}

void scout_wh_tables_free(scout_wh_table *t, size_t n)
{
    if (!t) return;
    for (size_t i = 0; i < n; i++) {
        free(t[i].schema);
        free(t[i].name);
        free(t[i].comment);
        free(t[i].sql);
        for (size_t c = 0; c < t[i].n_columns; c++) {
            free(t[i].columns[c].name);
            free(t[i].columns[c].type);
        }
        free(t[i].columns);
        for (size_t f = 0; f < t[i].n_fks; f++) {
            free(t[i].fks[f].from_column);
            free(t[i].fks[f].to_schema);
            free(t[i].fks[f].to_table);
            free(t[i].fks[f].to_column);
        }
        free(t[i].fks);
    }
    free(t);
}

scout_rc scout_wh_query(scout_wh *wh, const char *sql, const scout_wh_limits *lim,
                        scout_wh_header_fn on_header, scout_wh_row_fn on_row, void *ud,
                        scout_wh_qstats *stats, scout_err *err)
{
    scout_wh_qstats local;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    /* Checked here too so a backend without an in-engine hook still refuses
     * to start a statement after Ctrl-C. */
    if (wh->cancel && atomic_load(wh->cancel))
        return scout_err_set(err, SCOUT_EINTERRUPTED, "query interrupted");
    return wh->ops->query(wh, sql, lim, on_header, on_row, ud, stats, err);
}

void scout_wh_set_cancel(scout_wh *wh, const atomic_bool *flag)
{
    wh->cancel = flag;
}

scout_rc scout_wh_fingerprint(scout_wh *wh, const char *schema, const char *table, char **out,
                              scout_err *err)
{
    return wh->ops->fingerprint(wh, schema, table, out, err);
}

scout_rc scout_wh_set_read_check(scout_wh *wh, scout_wh_read_check_fn fn, void *ud, scout_err *err)
{
    if (wh->ops->set_read_check) return wh->ops->set_read_check(wh, fn, ud, err);
    if (!fn) return SCOUT_OK;
    return scout_err_set(err, SCOUT_EDENIED,
                         "source '%s' cannot check per-user grants inside the engine; configure "
                         "per-user credentials for it (docs/security.md)",
                         wh->src && wh->src->name ? wh->src->name : "?");
}

scout_rc scout_wh_attach_scratch(scout_wh *wh, const char *path, const char *owner, scout_err *err)
{
    if (!owner || !owner[0] || strlen(owner) >= sizeof wh->scratch_owner)
        return scout_err_set(err, SCOUT_EUSER, "scratch: a scratch area needs its owner's name");
    if (wh->scratch_owner[0])
        return scout_err_set(err, SCOUT_EUSER, "scratch: this connection already has one");
    if (!wh->ops->attach_scratch)
        return scout_err_set(err, SCOUT_EUSER, "source '%s' has no scratch area support",
                             wh->src && wh->src->name ? wh->src->name : "?");
    scout_rc rc = wh->ops->attach_scratch(wh, path, err);
    if (rc) return rc;
    snprintf(wh->scratch_owner, sizeof wh->scratch_owner, "%s", owner);
    return SCOUT_OK;
}

scout_rc scout_wh_explain_cost(scout_wh *wh, const char *sql, scout_wh_cost *out, scout_err *err)
{
    memset(out, 0, sizeof *out);
    if (!wh->ops->explain_cost)
        return scout_err_set(err, SCOUT_ENOTFOUND, "this source cannot estimate query cost");
    return wh->ops->explain_cost(wh, sql, out, err);
}

const scout_wh_dialect *scout_wh_dialect_of(scout_wh *wh)
{
    return wh->ops->dialect(wh);
}

scout_rc scout_wh_quote_ident(const scout_wh_dialect *d, const char *ident, char *dst, size_t n)
{
    size_t o = 0;
    if (n < 3) return SCOUT_ELIMIT;
    dst[o++] = d->quote_char;
    for (const char *p = ident; *p; p++) {
        size_t need = (*p == d->quote_char) ? 2 : 1;
        if (o + need + 2 > n) return SCOUT_ELIMIT;
        if (*p == d->quote_char) dst[o++] = *p;
        dst[o++] = *p;
    }
    dst[o++] = d->quote_char;
    dst[o] = '\0';
    return SCOUT_OK;
}
