/* acme — generates Acme, scout's demo company: several SQLite warehouses with
 * two years of daily data over many departments (with deliberately confusing
 * lookalike tables), plus what the other context layers read: a dbt project,
 * Markdown docs, a Slack export, dashboards and a query log. Deterministic:
 * the same seed and scale always produce byte-identical table contents. */
#ifndef SCOUT_ACME_H
#define SCOUT_ACME_H

#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

#define SCOUT_ACME_DEFAULT_SEED 42

typedef struct scout_acme_opts {
    uint64_t seed;
    double scale; /* 1.0 = full size (>= 2 million rows); tests use ~0.02 */
    /* Called with a short phase name as generation proceeds; may be NULL. */
    void (*progress)(void *ud, const char *phase);
    void *ud;
} scout_acme_opts;

typedef struct scout_acme_stats {
    int64_t tables;
    int64_t rows;
    int64_t query_log_entries;
    double elapsed_ms;
} scout_acme_stats;

/* Writes the whole company under dir (created if needed; existing Acme files
 * are replaced). Layout:
 *   dir/warehouse/<source>/<schema>.db   SQLite data, one file per schema
 *   dir/dbt/                             dbt project: dbt_project.yml,
 * models/<source>/<layer>/<model>.sql, schema.yml files, target/manifest.json dir/docs/<name>.md
 * Markdown docs with front matter dir/slack/                           Slack export (channels.json,
 * groups.json, users.json, <channel>/<YYYY-MM-DD>.json) dir/dashboards/<name>.yaml dashboards and
 * their queries dir/query_log.jsonl                  query log (sql, user, ts, dashboard?,
 * duration_ms?, error?) dir/scout.yaml                       sources config for this company (paths
 * relative)
 */
scout_rc scout_acme_generate(const char *dir, const scout_acme_opts *opts, scout_acme_stats *stats,
                             scout_err *err);

/* Appends the `sources:` YAML block describing Acme's warehouses, with paths
 * relative to prefix (e.g. "acme/warehouse"), for a home's scout.yaml. */
scout_rc scout_acme_sources_yaml(const char *prefix, scout_buf *out);

#endif
