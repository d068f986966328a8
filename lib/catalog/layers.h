/* layers — runs `scout index`: layer 1 (schema + statistics, crawl.c), then
 * the context layers read from files — curated (2), code (3), knowledge (4)
 * and query history — in the order their facts depend on each other.
 * Layer 5 (memory) is written by people and the agent, never indexed;
 * layer 6 (live probes) runs at question time. */
#ifndef SCOUT_CATALOG_LAYERS_H
#define SCOUT_CATALOG_LAYERS_H

#include <stdbool.h>

#include "base/config.h"
#include "base/err.h"
#include "catalog/catalog.h"

typedef enum scout_layer_id {
    SCOUT_LAYER_SCHEMA = 0, /* 1: schema + statistics (the crawl) */
    SCOUT_LAYER_CURATED,    /* 2: dbt docs, curated YAML */
    SCOUT_LAYER_CODE,       /* 3: lineage, joins, grain, filters from pipeline code */
    SCOUT_LAYER_KNOWLEDGE,  /* 4: docs and Slack, with ACLs */
    SCOUT_LAYER_HISTORY,    /* query-history tiers */
    SCOUT_LAYER_COUNT
} scout_layer_id;

#define SCOUT_LAYERS_ALL ((1u << SCOUT_LAYER_COUNT) - 1)

/* "schema", "curated", "code", "knowledge", "history". */
const char *scout_layer_name(scout_layer_id id);

/* Parses a layer name (also accepts "1".."4"); SCOUT_EUSER listing the names. */
scout_rc scout_layer_parse(const char *name, scout_layer_id *out, scout_err *err);

typedef struct scout_index_report {
    bool ran[SCOUT_LAYER_COUNT];
    scout_index_stats schema;                    /* layer 1 */
    scout_layer_stats layers[SCOUT_LAYER_COUNT]; /* the others (index 0 unused) */
    double elapsed_ms;
} scout_index_report;

/* Runs the layers in mask (bit i = scout_layer_id i) against the catalog.
 * home_context_dir is HOME/context (curated YAML always read; may be NULL).
 * Stops at the first layer that fails; every layer commits its own work, so
 * what finished before stays. progress reports the crawl's tables. */
scout_rc scout_layers_index(scout_catalog *cat, const scout_config *cfg,
                            const char *home_context_dir, unsigned mask,
                            scout_index_progress_fn progress, void *ud, scout_index_report *rep,
                            scout_err *err);

#endif
