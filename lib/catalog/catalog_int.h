/* catalog_int — private details shared by catalog.c (store, schema, lookups),
 * crawl.c (layer-1 indexing) and card.c (card assembly). Nothing outside
 * lib/catalog includes this. */
#ifndef SCOUT_CATALOG_INT_H
#define SCOUT_CATALOG_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "catalog/catalog.h"

struct scout_catalog {
    sqlite3 *db;
};

/* Trust tiers a table can carry (layer 2/3 set them; the crawl never does). */
#define SCOUT_TRUST_SOURCE_OF_TRUTH "source_of_truth"
#define SCOUT_TRUST_NORMAL          "normal"
#define SCOUT_TRUST_DEPRECATED      "deprecated"

/* Idempotent DDL (CREATE ... IF NOT EXISTS only) of the tables each layer
 * module adds beyond the migrations; scout_catalog_open runs them all. */
extern const char scout_curated_schema[], scout_lineage_schema[], scout_knowledge_schema[],
    scout_history_schema[], scout_memory_schema[];

/* The catalog row id of a table by exact fqname: SCOUT_ENOTFOUND if absent. */
scout_rc scout_catalog_table_id(scout_catalog *cat, const char *fqname, int64_t *id,
                                scout_err *err);

#endif
