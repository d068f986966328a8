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
 * replaces the layer-2 facts from those files in the catalog, in one
 * transaction (running it twice gives the same catalog). Curated YAML wins
 * over dbt where both describe the same thing. A bad file (YAML syntax,
 * unknown key, wrong type, unknown table or column) is rolled back on its
 * own, recorded in context_files with "<file>:<line>: <what>" and counted in
 * st->errors; the import still returns SCOUT_OK. Only a catalog failure
 * fails the import. st may be NULL. */
scout_rc scout_curated_import(scout_catalog *cat, const scout_config *cfg,
                              const char *home_context_dir, scout_layer_stats *st, scout_err *err);

/* Copies the stored layer-2 facts (kept by fqname in curated_tables /
 * curated_columns) onto the crawled `tables` and `columns` rows. The import
 * does this itself; call it after a crawl so tables the crawl added since the
 * last import get their descriptions, owners and trust tiers. */
scout_rc scout_curated_apply(scout_catalog *cat, scout_err *err);

/* A table's default filter ("always exclude test accounts"), as curated:
 * `column op literal` or `column IS [NOT] NULL`, the only shapes accepted so
 * it can be applied as a structured filter (never pasted as SQL text). */
typedef struct scout_curated_filter {
    char column[128];
    char op[16]; /* "=", "!=", "<", "<=", ">", ">=", "is null", "is not null" */
    int kind;    /* 0 none (null tests), 1 integer, 2 real, 3 string */
    char value[256];
} scout_curated_filter;

/* Parses one condition; false (out unspecified) when it is not one of the
 * accepted shapes or does not fit the buffers. */
bool scout_curated_filter_parse(const char *cond, scout_curated_filter *out);

#endif
