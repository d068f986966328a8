/* history — query-history tiers: ingests query logs (JSONL) and dashboard
 * definitions, normalises and fingerprints each statement with libpg_query to
 * cluster identical shapes, tiers every cluster (canonical, trusted, adhoc,
 * noise) and derives per-table usage, frequent join pairs with their keys and
 * frequently filtered columns. Canonical queries become retrievable examples. */
#ifndef SCOUT_CATALOG_HISTORY_H
#define SCOUT_CATALOG_HISTORY_H

#include "base/config.h"
#include "base/err.h"
#include "catalog/catalog.h"

/* Reads cfg->context.query_logs and cfg->context.dashboards and replaces the
 * query-history facts in the catalog. */
scout_rc scout_history_import(scout_catalog *cat, const scout_config *cfg, scout_layer_stats *st,
                              scout_err *err);

#endif
