#include "catalog/layers.h"

#include <stdlib.h>
#include <string.h>

#include "base/fsutil.h"
#include "catalog/curated.h"
#include "catalog/history.h"
#include "catalog/knowledge.h"
#include "catalog/lineage.h"

static const char *const LAYER_NAMES[SCOUT_LAYER_COUNT] = {"schema", "curated", "code", "knowledge",
                                                           "history"};

const char *scout_layer_name(scout_layer_id id)
{
    return id < SCOUT_LAYER_COUNT ? LAYER_NAMES[id] : "unknown";
}

scout_rc scout_layer_parse(const char *name, scout_layer_id *out, scout_err *err)
{
    for (int i = 0; i < SCOUT_LAYER_COUNT; i++) {
        char digit[2] = {(char)('1' + i), '\0'};
        if (!strcmp(name, LAYER_NAMES[i]) || (i < 4 && !strcmp(name, digit))) {
            *out = (scout_layer_id)i;
            return SCOUT_OK;
        }
    }
    return scout_err_set(err, SCOUT_EUSER,
                         "unknown layer '%s' (schema, curated, code, knowledge or history)", name);
}

typedef scout_rc (*layer_fn)(scout_catalog *cat, const scout_config *cfg, const char *home_ctx,
                             scout_layer_stats *st, scout_err *err);

static scout_rc run_curated(scout_catalog *cat, const scout_config *cfg, const char *home_ctx,
                            scout_layer_stats *st, scout_err *err)
{
    return scout_curated_import(cat, cfg, home_ctx, st, err);
}

static scout_rc run_code(scout_catalog *cat, const scout_config *cfg, const char *home_ctx,
                         scout_layer_stats *st, scout_err *err)
{
    return scout_lineage_import(cat, cfg, st, err);
}

static scout_rc run_knowledge(scout_catalog *cat, const scout_config *cfg, const char *home_ctx,
                              scout_layer_stats *st, scout_err *err)
{
    return scout_knowledge_import(cat, cfg, st, err);
}

static scout_rc run_history(scout_catalog *cat, const scout_config *cfg, const char *home_ctx,
                            scout_layer_stats *st, scout_err *err)
{
    return scout_history_import(cat, cfg, st, err);
}

/* In dependency order: curated facts (replacements, metric names) come before
 * the layers that link to them; knowledge mentions need metrics and tables. */
static const layer_fn LAYER_FNS[SCOUT_LAYER_COUNT] = {NULL, run_curated, run_code, run_knowledge,
                                                      run_history};

scout_rc scout_layers_index(scout_catalog *cat, const scout_config *cfg,
                            const char *home_context_dir, unsigned mask,
                            scout_index_progress_fn progress, void *ud, scout_index_report *rep,
                            scout_err *err)
{
    memset(rep, 0, sizeof *rep);
    double t0 = scout_now_ms();
    scout_rc rc = SCOUT_OK;
    if (mask & (1u << SCOUT_LAYER_SCHEMA)) {
        rc = scout_catalog_index(cat, cfg, progress, ud, &rep->schema, err);
        /* Tables the crawl just added get the curated facts stored for them by fqname. */
        if (!rc) rc = scout_curated_apply(cat, err);
        rep->ran[SCOUT_LAYER_SCHEMA] = true;
    }
    for (int i = SCOUT_LAYER_CURATED; !rc && i < SCOUT_LAYER_COUNT; i++) {
        if (!(mask & (1u << i))) continue;
        double ti = scout_now_ms();
        rc = LAYER_FNS[i](cat, cfg, home_context_dir, &rep->layers[i], err);
        if (rc) scout_err_prefix(err, "%s layer", LAYER_NAMES[i]);
        rep->layers[i].elapsed_ms = scout_now_ms() - ti;
        rep->ran[i] = true;
    }
    rep->elapsed_ms = scout_now_ms() - t0;
    return rc;
}
