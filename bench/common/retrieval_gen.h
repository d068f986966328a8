/* retrieval_gen — a deterministic synthetic catalog for the retrieval
 * benchmark: N tables (70,000 by default, ~28 columns each) across
 * departments and their product lines, each subject with its pipeline
 * (raw → staging → mart) and the lookalikes real warehouses grow
 * (deprecated _v1 copies, team sandbox copies), plus questions phrased the
 * way people ask — synonyms, spoken grains, values, codenames — each with
 * the one table that answers it. The phrasing lists live here, apart from
 * the ranking code, and are never tuned to it. */
#ifndef SCOUT_BENCH_RETRIEVAL_GEN_H
#define SCOUT_BENCH_RETRIEVAL_GEN_H

#include <stddef.h>
#include <stdint.h>

typedef struct rgen_question {
    char text[256];
    char answer[160];  /* fqname of the right table */
    const char *style; /* "plain", "synonym", "measure", "value", "abbrev" */
} rgen_question;

typedef struct rgen_stats {
    size_t tables, columns, top_values, questions;
} rgen_stats;

/* Writes the catalog into the (new) catalog.db at path through
 * scout_catalog_open's schema and fills qs (caller frees) with
 * n_questions questions. Deterministic in seed. Returns 0 on success. */
int rgen_build(const char *path, uint64_t seed, size_t n_tables, size_t n_questions,
               rgen_question **qs, rgen_stats *st);

#endif
