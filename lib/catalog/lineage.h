/* lineage — context layer 3, code enrichment: reads the pipeline code that
 * builds each table (dbt models, folders of .sql files), parses it with
 * libpg_query and derives upstream/downstream lineage (table and column
 * level), join keys, grain, filters and exclusions, owner and similar tables. */
#ifndef SCOUT_CATALOG_LINEAGE_H
#define SCOUT_CATALOG_LINEAGE_H

#include "base/config.h"
#include "base/err.h"
#include "catalog/catalog.h"

/* Analyses every model of cfg->context.dbt (manifest raw_code or model files)
 * and cfg->context.models and replaces the layer-3 facts in the catalog. A
 * model that does not parse is recorded with the parser's message and falls
 * back to table names found by a tokenizer; no model is silently dropped. */
scout_rc scout_lineage_import(scout_catalog *cat, const scout_config *cfg, scout_layer_stats *st,
                              scout_err *err);

#endif
