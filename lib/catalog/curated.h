/* curated — context layer 2: what experts wrote down. Imports dbt artifacts
 * (target/manifest.json and schema.yml files: descriptions, columns, tags,
 * owners, tests as key hints) and scout's own curated YAML (descriptions,
 * synonyms, caveats, deprecations with replacements, source-of-truth marks,
 * metrics, verified queries). The format is documented in docs/context.md. */
#ifndef SCOUT_CATALOG_CURATED_H
#define SCOUT_CATALOG_CURATED_H

#include "base/config.h"
#include "base/err.h"
#include "catalog/catalog.h"

/* Reads every dbt project in cfg->context.dbt, every folder in
 * cfg->context.curated and home_context_dir (may be NULL or missing) and
 * replaces the layer-2 facts from those files in the catalog. */
scout_rc scout_curated_import(scout_catalog *cat, const scout_config *cfg,
                              const char *home_context_dir, scout_layer_stats *st, scout_err *err);

#endif
