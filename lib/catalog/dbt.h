/* dbt — reads a dbt project into plain structs: every model, seed, snapshot
 * and source with the relation it builds (mapped to scout's
 * source.schema.table), its SQL, description, columns, owner, tags, tests and
 * dependencies. Used by the curated layer (descriptions, key hints) and by
 * code enrichment (model SQL). Reads target/manifest.json when present, else
 * the models/ SQL files plus the schema.yml files. */
#ifndef SCOUT_CATALOG_DBT_H
#define SCOUT_CATALOG_DBT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

typedef struct scout_dbt_column {
    char *name;
    char *description; /* NULL when empty */
    char *data_type;   /* NULL when unknown */
    bool unique;       /* a `unique` test on the column */
    bool not_null;     /* a `not_null` test */
    char *references;  /* `relationships` test target: "fqname.column", else NULL */
} scout_dbt_column;

typedef struct scout_dbt_node {
    char *unique_id;     /* "model.acme.revenue_daily" */
    char *resource_type; /* "model", "source", "seed" or "snapshot" */
    char *name;          /* dbt name: what ref('name') refers to */
    char *source_name;   /* sources only: the first argument of source('a','b') */
    char *fqname;        /* database.schema.alias as source.schema.table */
    char *path;          /* original_file_path, relative to the project; NULL for none */
    char *raw_sql;       /* raw_code (Jinja intact); NULL for sources */
    char *compiled_sql;  /* compiled_code when the manifest has it, else NULL */
    char *description;   /* NULL when empty */
    char *owner;         /* meta.owner / config.meta.owner, else NULL */
    char **tags;
    size_t n_tags;
    bool deprecated; /* meta.deprecated, a "deprecated" tag or deprecation_date */
    char *deprecated_reason;
    char *replaced_by;  /* meta.replaced_by / meta.replacement (fqname or dbt name), else NULL */
    char *materialized; /* config.materialized, else NULL */
    scout_dbt_column *columns;
    size_t n_columns;
    char **depends_on; /* unique_ids of parent nodes */
    size_t n_depends_on;
} scout_dbt_node;

typedef struct scout_dbt_project {
    char *dir;           /* the project directory (absolute) */
    char *manifest_path; /* NULL when loaded from files */
    char *name;          /* project name (manifest metadata / dbt_project.yml), else NULL */
    scout_dbt_node *nodes;
    size_t n_nodes;
    struct scout_dbt_index *index; /* private: lookups by unique_id and name */
} scout_dbt_project;

/* Loads the project at dir. A missing or malformed manifest is an error
 * naming the file (and line/column for JSON syntax errors); nothing is
 * returned half-loaded. Caller frees with scout_dbt_free.
 *
 * With target/manifest.json: nodes of type model/seed/snapshot and sources
 * (test nodes are folded into their columns' unique/not_null/references).
 * The manifest is memory-mapped and parsed one node at a time, so peak
 * memory stays near the file size plus the converted nodes.
 *
 * Without a manifest: every .sql under the model paths (dbt_project.yml
 * `model-paths`, default models/) becomes a model named by its file stem.
 * Its relation is database.schema.alias from `{{ config(database=...,
 * schema=..., alias=...) }}` in the file, then the schema.yml `config:`,
 * then the folder convention models/<database>/<schema>/<name>.sql (one
 * folder: schema "main"; none: the project name and "main"). schema.yml /
 * sources.yml files give descriptions, columns, tests and meta;
 * dbt_project.yml folder configs (+meta, +tags, +materialized, +schema)
 * apply to the models below them. depends_on comes from ref()/source()
 * calls in the SQL. */
scout_rc scout_dbt_load(const char *dir, scout_dbt_project **out, scout_err *err);

/* The node with that unique_id, or the model/seed/snapshot with that dbt
 * name, or NULL. Borrowed. */
const scout_dbt_node *scout_dbt_find(const scout_dbt_project *p, const char *id_or_name);

/* The source node for source('source_name', 'table'), or NULL. Borrowed. */
const scout_dbt_node *scout_dbt_find_source(const scout_dbt_project *p, const char *source_name,
                                            const char *table);

/* Resolves a replacement or reference written as a dbt name, "ref('x')",
 * "source('a','b')", an fqname or a "schema.table" that one node's fqname
 * ends with, to the fqname it names. Borrowed (from the
 * project or from ref itself); NULL when a dbt-style ref names no node. */
const char *scout_dbt_resolve_fqname(const scout_dbt_project *p, const char *ref);

void scout_dbt_free(scout_dbt_project *p);

#endif
