/* joins — the planner's view of the catalog: the tables a question touches
 * (columns with types, unique keys from primary keys and declared grain),
 * curated metrics, and the join graph between tables built from declared
 * foreign keys and enriched join keys (code, curated YAML, query log). It
 * finds the cheapest join path from a query's base table to the tables its
 * dimensions and filters need, and says for every step whether it is
 * many-to-one (safe) or may multiply the base table's rows (fan-out). */
#ifndef SCOUT_PLANNER_JOINS_H
#define SCOUT_PLANNER_JOINS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "catalog/catalog.h"

typedef struct scout_joins_graph scout_joins_graph;

/* A new empty graph (caller frees with scout_joins_graph_free). */
scout_rc scout_joins_graph_new(scout_joins_graph **out, scout_err *err);

/* Frees the graph and everything it owns; NULL is a no-op. */
void scout_joins_graph_free(scout_joins_graph *g);

/* Adds a table (fqname source.schema.table). grain is the catalog's grain
 * text ("day, region" or "unique: customer_id" or "a; unique: b"), may be
 * NULL; its column lists become unique keys. Adding a table twice is a no-op. */
scout_rc scout_joins_add_table(scout_joins_graph *g, const char *fqname, const char *grain,
                               scout_err *err);

/* Adds a column to a table added before; pk marks primary-key membership
 * (a one-column primary key is a unique key). type may be NULL. */
scout_rc scout_joins_add_column(scout_joins_graph *g, const char *fqname, const char *column,
                                const char *type, bool pk, scout_err *err);

/* Declares a unique key (comma-separated columns) on a table added before. */
scout_rc scout_joins_add_unique(scout_joins_graph *g, const char *fqname, const char *columns,
                                scout_err *err);

/* Adds an undirected join edge. origin is "declared_fk", "yaml", "code" or
 * "query_log"; confidence in 0..1 (<= 0 means the origin's default). Both
 * tables need not be in the graph yet; edges to unknown tables are ignored
 * when planning. Duplicate edges keep the most trusted one. */
scout_rc scout_joins_add_edge(scout_joins_graph *g, const char *left_fq, const char *left_col,
                              const char *right_fq, const char *right_col, const char *origin,
                              double confidence, const char *evidence, scout_err *err);

/* Adds a curated metric. filters is a JSON array of SQL condition strings
 * (or one plain condition), may be NULL. */
scout_rc scout_joins_add_metric(scout_joins_graph *g, const char *name, const char *table_fq,
                                const char *expression, const char *filters,
                                const char *time_column, const char *grain, scout_err *err);

/* Loads from the catalog the given tables, every table within `hops` join
 * edges of them (declared FKs and join_keys), their columns and keys, and all
 * curated metrics. Unknown fqnames are skipped (the validator names them). */
scout_rc scout_joins_load(scout_joins_graph *g, scout_catalog *cat, const char *const *fqnames,
                          size_t n, int hops, scout_err *err);

/* Lookups. Strings are borrowed from the graph. */
bool scout_joins_has_table(const scout_joins_graph *g, const char *fqname);
bool scout_joins_has_column(const scout_joins_graph *g, const char *fqname, const char *column);
/* The column's declared type ("" when unknown); NULL if there is no such column. */
const char *scout_joins_column_type(const scout_joins_graph *g, const char *fqname,
                                    const char *column);
/* True when the columns (a set) cover a unique key of the table. */
bool scout_joins_is_unique(const scout_joins_graph *g, const char *fqname,
                           const char *const *columns, size_t n);

typedef struct scout_joins_metric {
    const char *name, *table, *expression, *time_column, *grain;
    const char *const *filters; /* SQL conditions, used verbatim */
    size_t n_filters;
} scout_joins_metric;

/* Fills *m (borrowed) for the metric `name`; false if there is none. */
bool scout_joins_metric_find(const scout_joins_graph *g, const char *name, scout_joins_metric *m);

/* A table one join away from another, in the same source. */
typedef struct scout_joins_neighbour {
    const char *table; /* borrowed from the graph */
    bool many_to_one;  /* some edge lands on a unique key: joining it repeats no rows */
} scout_joins_neighbour;

/* Fills out with up to max tables joined to fqname by one edge (declared,
 * curated, code, query log or naming), in edge order; returns how many. */
size_t scout_joins_neighbours(const scout_joins_graph *g, const char *fqname,
                              scout_joins_neighbour *out, size_t max);

/* One join of a plan: `to_table` joined on from_table.from_column =
 * to_table.to_column, where from_table is the base table or an earlier step. */
typedef struct scout_joins_step {
    const char *from_table, *from_column, *to_table, *to_column; /* borrowed from the graph */
    const char *origin;                                          /* why this key: edge origin */
    const char *evidence;                                        /* may be NULL */
    double confidence;
    bool fanout; /* to_column is not unique in to_table: rows may multiply */
    char reason[160];
} scout_joins_step;

typedef struct scout_joins_plan {
    scout_joins_step *steps; /* in join order; steps[i].from_table is base or an earlier to_table */
    size_t n_steps;
    bool fanout_risk; /* some step may multiply rows */
    char reason[256]; /* the first fan-out step, explained */
} scout_joins_plan;

/* Plans joins from base to every table in targets (duplicates and base
 * itself are fine). Picks, per target, the path with the lowest cost (each
 * edge costs by origin: declared_fk < yaml < code < query_log, lowered by
 * confidence; ties broken by name so plans are deterministic) and never
 * crosses sources (one statement runs on one warehouse). SCOUT_ENOTFOUND
 * naming the table when no path exists. Caller frees with
 * scout_joins_plan_free. */
scout_rc scout_joins_plan_paths(const scout_joins_graph *g, const char *base,
                                const char *const *targets, size_t n, scout_joins_plan **out,
                                scout_err *err);

/* Frees a plan; NULL is a no-op. */
void scout_joins_plan_free(scout_joins_plan *p);

#endif
