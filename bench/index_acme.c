/* index_acme — how long and how much memory it takes to generate Acme and
 * index it into a fresh catalog (every context layer and the search index),
 * and what an incremental re-index of the unchanged warehouse costs relative
 * to the full index (a ratio from the same
 * run, so it holds on a noisy shared machine). Writes bench/out/index_acme.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/acme.h"
#include "base/config.h"
#include "base/fsutil.h"
#include "catalog/catalog.h"
#include "catalog/layers.h"
#include "search/search.h"
#include "common/benchutil.h"

typedef struct bench_ctx {
    char dir[256];
    double scale;
} bench_ctx;

static int generate(void *arg)
{
    bench_ctx *b = arg;
    scout_acme_opts o = {SCOUT_ACME_DEFAULT_SEED, b->scale, NULL, NULL};
    scout_acme_stats st;
    scout_err err = {0};
    if (scout_acme_generate(b->dir, &o, &st, &err)) {
        fprintf(stderr, "index_acme: generate: %s\n", err.msg);
        return 1;
    }
    /* Hand the counts back through a file: the child's memory is gone after exit. */
    char path[300];
    snprintf(path, sizeof path, "%s/gen_stats", b->dir);
    FILE *f = fopen(path, "w");
    if (!f) return 1;
    fprintf(f, "%lld %lld\n", (long long)st.tables, (long long)st.rows);
    fclose(f);
    return 0;
}

/* The generated scout.yaml names only the warehouses; the bench adds the
 * context files the demo config also reads, so every layer has input. */
static const char CONTEXT_YAML[] = "context:\n"
                                   "  dbt: dbt\n"
                                   "  curated: context\n"
                                   "  docs: docs\n"
                                   "  slack: slack\n"
                                   "  query_logs: query_log.jsonl\n"
                                   "  dashboards: dashboards\n";

static int write_config(const bench_ctx *b)
{
    scout_buf y = SCOUT_BUF_INIT;
    char path[300];
    snprintf(path, sizeof path, "%s/bench.yaml", b->dir);
    int rc = scout_acme_sources_yaml("warehouse", &y) || scout_buf_puts(&y, CONTEXT_YAML) ||
             scout_write_file_atomic(path, y.data, y.len, NULL);
    scout_buf_free(&y);
    return rc;
}

static int index_once(void *arg)
{
    bench_ctx *b = arg;
    char cfg_path[300], cat_path[300];
    snprintf(cfg_path, sizeof cfg_path, "%s/bench.yaml", b->dir);
    snprintf(cat_path, sizeof cat_path, "%s/catalog.db", b->dir);
    scout_config *cfg = NULL;
    scout_catalog *cat = NULL;
    scout_err err = {0};
    scout_index_report rep;
    scout_search_update_stats sst;
    /* What `scout index` does: every layer, then the search index. */
    int rc = scout_config_load(cfg_path, &cfg, &err) || scout_catalog_open(cat_path, &cat, &err) ||
             scout_layers_index(cat, cfg, NULL, SCOUT_LAYERS_ALL, NULL, NULL, &rep, &err) ||
             scout_search_index_update(cat, &sst, &err);
    if (rc) fprintf(stderr, "index_acme: index: %s\n", err.msg);
    scout_catalog_close(cat);
    scout_config_free(cfg);
    return rc;
}

int main(int argc, char **argv)
{
    const char *out_dir = argc > 1 ? argv[1] : "bench/out";
    bench_ctx b;
    b.scale = getenv("SCOUT_BENCH_SCALE") ? atof(getenv("SCOUT_BENCH_SCALE")) : 1.0;
    char tmpl[] = "/tmp/scout-bench-XXXXXX";
    if (!mkdtemp(tmpl)) return 1;
    snprintf(b.dir, sizeof b.dir, "%s", tmpl);

    double gen_s, index_s, reindex_s;
    int64_t gen_rss, index_rss, reindex_rss;
    if (bench_run_child(generate, &b, &gen_s, &gen_rss)) return 1;
    if (write_config(&b)) return 1;
    if (bench_run_child(index_once, &b, &index_s, &index_rss)) return 1;
    if (bench_run_child(index_once, &b, &reindex_s, &reindex_rss)) return 1;

    long long tables = 0, rows = 0;
    char path[300];
    snprintf(path, sizeof path, "%s/gen_stats", b.dir);
    FILE *f = fopen(path, "r");
    if (!f || fscanf(f, "%lld %lld", &tables, &rows) != 2) return 1;
    fclose(f);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", b.dir);
    if (system(cmd) != 0) fprintf(stderr, "index_acme: could not remove %s\n", b.dir);

    json_t *o =
        json_pack("{s:f, s:I, s:I, s:f, s:I, s:f, s:I, s:f, s:I, s:f, s:f}", "scale", b.scale,
                  "tables", (json_int_t)tables, "rows", (json_int_t)rows, "generate_s", gen_s,
                  "generate_peak_rss_bytes", (json_int_t)gen_rss, "index_s", index_s,
                  "index_peak_rss_bytes", (json_int_t)index_rss, "reindex_unchanged_s", reindex_s,
                  "reindex_peak_rss_bytes", (json_int_t)reindex_rss, "rows_per_s_index",
                  (double)rows / index_s, "reindex_to_index_ratio", reindex_s / index_s);
    return bench_write(out_dir, "index_acme", o);
}
