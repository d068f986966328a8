/* ingest_manifest_70k — generates a dbt project whose manifest holds 70,000
 * models with real SQL (staging over sources, intermediate joins through CTEs,
 * marts with GROUP BY and filters) plus their column docs and tests, then
 * measures importing it into a fresh catalog: the curated layer (dbt docs,
 * owners, tests) and code enrichment (every model's SQL parsed for lineage,
 * joins, grain and filters), each in its own process for its own peak RSS.
 * Target from the issue: ≤ 60 s and ≤ 2 GiB together on 2 cores.
 * Writes bench/out/ingest_manifest_70k.json. SCOUT_BENCH_MODELS overrides N. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/config.h"
#include "base/fsutil.h"
#include "catalog/catalog.h"
#include "catalog/curated.h"
#include "catalog/lineage.h"
#include "common/benchutil.h"

#define DOMAINS 40
static const char *const DOMAIN_WORDS[DOMAINS] = {
    "billing",  "orders",   "payments",  "refunds",   "ledger",    "invoices",  "accounts",
    "users",    "sessions", "events",    "devices",   "campaigns", "ads",       "leads",
    "deals",    "tickets",  "surveys",   "shipments", "inventory", "suppliers", "returns",
    "catalog",  "pricing",  "discounts", "payroll",   "hiring",    "expenses",  "budgets",
    "forecast", "churn",    "trials",    "plans",     "features",  "latency",   "errors",
    "deploys",  "alerts",   "storage",   "network",   "partners"};

typedef struct gen {
    FILE *f;
    int n_models;
    bool first;
    char dir[256];
} gen;

/* Writes s as a JSON string literal (escaped by jansson). */
static void put_str(FILE *f, const char *s)
{
    json_t *js = json_string(s);
    char *q = json_dumps(js, JSON_ENCODE_ANY);
    json_decref(js);
    if (q) fputs(q, f);
    free(q);
}

static void model_name(int i, char *out, size_t n)
{
    const char *layer = i % 3 == 0 ? "stg" : i % 3 == 1 ? "int" : "fct";
    snprintf(out, n, "%s_%s_%05d", layer, DOMAIN_WORDS[i % DOMAINS], i);
}

/* A model's SQL: layer 0 reads a source, layer 1 joins two staging models
 * through CTEs, layer 2 aggregates an intermediate model with filters. */
static void model_sql(const gen *g, int i, char *out, size_t n)
{
    char a[64], b[64];
    const char *d = DOMAIN_WORDS[i % DOMAINS];
    if (i % 3 == 0) {
        snprintf(out, n,
                 "-- owner: team-%s\n"
                 "select id as %s_id, account_id, cast(created_at as date) as day, amount_usd,\n"
                 "       status, region, coalesce(plan, 'free') as plan\n"
                 "from {{ source('raw', 'src_%s_%05d') }}\n"
                 "where is_deleted = 0 and status <> 'test'",
                 d, d, d, i);
        return;
    }
    if (i % 3 == 1) {
        model_name(i - 1, a, sizeof a);
        model_name((i + 2) % g->n_models - ((i + 2) % g->n_models) % 3, b, sizeof b);
        snprintf(
            out, n,
            "{{ config(materialized='table') }}\n"
            "with base as (\n  select * from {{ ref('%s') }}\n), other as (\n"
            "  select account_id, sum(amount_usd) as other_amount from {{ ref('%s') }}\n"
            "  group by account_id\n)\n"
            "select base.%s_id, base.account_id, base.day, base.amount_usd, base.region,\n"
            "       other.other_amount,\n"
            "       row_number() over (partition by base.account_id order by base.day) as seq\n"
            "from base left join other on other.account_id = base.account_id\n"
            "where base.plan in ('plus', 'pro')",
            a, b, d);
        return;
    }
    model_name(i - 1, a, sizeof a);
    snprintf(out, n,
             "select day, region, count(distinct account_id) as accounts,\n"
             "       sum(amount_usd) as total_amount_usd, avg(other_amount) as avg_other\n"
             "from {{ ref('%s') }}\n"
             "where day >= '2025-01-01' and seq = 1\n"
             "group by day, region",
             a);
}

static void put_columns(FILE *f, int i)
{
    static const char *const COLS[] = {"day", "region", "account_id", "amount_usd", "status"};
    fputs("\"columns\":{", f);
    for (size_t c = 0; c < sizeof COLS / sizeof COLS[0]; c++) {
        char desc[160];
        snprintf(desc, sizeof desc, "The %s of the %s record (model %d).", COLS[c],
                 DOMAIN_WORDS[i % DOMAINS], i);
        fprintf(f, "%s\"%s\":{\"name\":\"%s\",\"description\":", c ? "," : "", COLS[c], COLS[c]);
        put_str(f, desc);
        fputs(",\"meta\":{},\"data_type\":null}", f);
    }
    fputs("}", f);
}

static void put_model(gen *g, int i)
{
    char name[64], sql[2048], dep[96];
    model_name(i, name, sizeof name);
    model_sql(g, i, sql, sizeof sql);
    const char *layer = i % 3 == 0 ? "staging" : i % 3 == 1 ? "intermediate" : "marts";
    FILE *f = g->f;
    fprintf(f, "%s\"model.bench.%s\":{\"unique_id\":\"model.bench.%s\",", g->first ? "" : ",\n",
            name, name);
    g->first = false;
    fprintf(f,
            "\"resource_type\":\"model\",\"name\":\"%s\",\"alias\":\"%s\",\"database\":\"wh\","
            "\"schema\":\"%s\",\"package_name\":\"bench\",\"original_file_path\":"
            "\"models/%s/%s.sql\",\"path\":\"%s/%s.sql\",\"tags\":[\"%s\"],",
            name, name, layer, layer, name, layer, name, DOMAIN_WORDS[i % DOMAINS]);
    fputs("\"raw_code\":", f);
    put_str(f, sql);
    fputs(",\"description\":", f);
    char desc[200];
    snprintf(desc, sizeof desc, "%s %s model number %d: one row per %s event.", layer,
             DOMAIN_WORDS[i % DOMAINS], i, DOMAIN_WORDS[(i + 7) % DOMAINS]);
    put_str(f, desc);
    fprintf(f, ",\"meta\":{\"owner\":\"team-%s\"},\"config\":{\"materialized\":\"table\"},",
            DOMAIN_WORDS[i % DOMAINS]);
    put_columns(f, i);
    if (i % 3 == 0)
        snprintf(dep, sizeof dep, "source.bench.raw.src_%s_%05d", DOMAIN_WORDS[i % DOMAINS], i);
    else
        snprintf(dep, sizeof dep, "model.bench.%s", (model_name(i - 1, name, sizeof name), name));
    fprintf(f, ",\"depends_on\":{\"macros\":[],\"nodes\":[\"%s\"]}}", dep);
}

static void put_test(gen *g, int i)
{
    char name[64];
    model_name(i, name, sizeof name);
    fprintf(
        g->f,
        ",\n\"test.bench.unique_%s_day\":{\"unique_id\":\"test.bench.unique_%s_day\","
        "\"resource_type\":\"test\",\"name\":\"unique_%s_day\",\"attached_node\":"
        "\"model.bench.%s\",\"column_name\":\"day\",\"test_metadata\":{\"name\":\"unique\","
        "\"kwargs\":{\"column_name\":\"day\",\"model\":\"{{ get_where_subquery(ref('%s')) }}\"}},"
        "\"depends_on\":{\"nodes\":[\"model.bench.%s\"]}}",
        name, name, name, name, name, name);
}

static void put_sources(gen *g)
{
    FILE *f = g->f;
    fputs("},\n\"sources\":{", f);
    bool first = true;
    for (int i = 0; i < g->n_models; i += 3) {
        const char *d = DOMAIN_WORDS[i % DOMAINS];
        fprintf(
            f,
            "%s\"source.bench.raw.src_%s_%05d\":{\"unique_id\":\"source.bench.raw.src_%s_%05d\","
            "\"resource_type\":\"source\",\"source_name\":\"raw\",\"name\":\"src_%s_%05d\","
            "\"identifier\":\"src_%s_%05d\",\"database\":\"wh\",\"schema\":\"raw\","
            "\"description\":\"Raw %s records from the application database.\","
            "\"columns\":{},\"meta\":{}}",
            first ? "" : ",\n", d, i, d, i, d, i, d, i, d);
        first = false;
    }
    fputs("}}\n", f);
}

static int generate(void *arg)
{
    gen *g = arg;
    char path[400];
    snprintf(path, sizeof path, "%s/dbt/target", g->dir);
    if (scout_mkdir_p(path, NULL)) return 1;
    snprintf(path, sizeof path, "%s/dbt/target/manifest.json", g->dir);
    g->f = fopen(path, "w");
    if (!g->f) return 1;
    fputs("{\"metadata\":{\"dbt_schema_version\":\"https://schemas.getdbt.com/dbt/manifest/"
          "v12.json\","
          "\"project_name\":\"bench\"},\n\"nodes\":{",
          g->f);
    g->first = true;
    for (int i = 0; i < g->n_models; i++) put_model(g, i);
    for (int i = 2; i < g->n_models; i += 3) put_test(g, i);
    put_sources(g);
    return fclose(g->f) == 0 ? 0 : 1;
}

/* One layer import into the shared catalog, in its own process. */
typedef struct import_job {
    gen *g;
    bool code; /* false = curated, true = code */
} import_job;

static int run_import(void *arg)
{
    import_job *j = arg;
    char cfg_text[600], cat_path[400];
    snprintf(cfg_text, sizeof cfg_text,
             "sources:\n  - name: wh\n    kind: sqlite\n    path: wh.db\n"
             "context:\n  dbt: dbt\n");
    char cfg_path[400];
    snprintf(cfg_path, sizeof cfg_path, "%s/scout.yaml", j->g->dir);
    snprintf(cat_path, sizeof cat_path, "%s/catalog.db", j->g->dir);
    scout_config *cfg = NULL;
    scout_catalog *cat = NULL;
    scout_err err = {0};
    scout_layer_stats st;
    memset(&st, 0, sizeof st);
    int rc = scout_config_parse(cfg_text, strlen(cfg_text), cfg_path, &cfg, &err) ||
             scout_catalog_open(cat_path, &cat, &err);
    if (!rc)
        rc = j->code ? scout_lineage_import(cat, cfg, &st, &err)
                     : scout_curated_import(cat, cfg, NULL, &st, &err);
    if (rc)
        fprintf(stderr, "ingest_manifest_70k: %s\n", err.msg);
    else
        fprintf(stderr, "  %s: %lld files, %lld facts, %lld errors\n", j->code ? "code" : "curated",
                (long long)st.files, (long long)st.records, (long long)st.errors);
    scout_catalog_close(cat);
    scout_config_free(cfg);
    return rc;
}

int main(int argc, char **argv)
{
    const char *out_dir = argc > 1 ? argv[1] : "bench/out";
    gen g;
    memset(&g, 0, sizeof g);
    g.n_models = getenv("SCOUT_BENCH_MODELS") ? atoi(getenv("SCOUT_BENCH_MODELS")) : 70000;
    char tmpl[] = "/tmp/scout-bench-XXXXXX";
    if (!mkdtemp(tmpl)) return 1;
    snprintf(g.dir, sizeof g.dir, "%s", tmpl);

    double gen_s, cur_s, code_s;
    int64_t gen_rss, cur_rss, code_rss;
    if (bench_run_child(generate, &g, &gen_s, &gen_rss)) return 1;
    char path[400];
    snprintf(path, sizeof path, "%s/dbt/target/manifest.json", g.dir);
    struct stat sb;
    int64_t manifest_bytes = stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
    import_job cur = {&g, false}, code = {&g, true};
    if (bench_run_child(run_import, &cur, &cur_s, &cur_rss)) return 1;
    if (bench_run_child(run_import, &code, &code_s, &code_rss)) return 1;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g.dir);
    if (system(cmd) != 0) fprintf(stderr, "ingest_manifest_70k: could not remove %s\n", g.dir);

    double total_s = cur_s + code_s;
    int64_t peak = cur_rss > code_rss ? cur_rss : code_rss;
    json_t *o = json_pack("{s:i, s:I, s:f, s:f, s:I, s:f, s:I, s:f, s:I, s:f, s:b, s:b}", "models",
                          g.n_models, "manifest_bytes", (json_int_t)manifest_bytes, "generate_s",
                          gen_s, "curated_s", cur_s, "curated_peak_rss_bytes", (json_int_t)cur_rss,
                          "code_s", code_s, "code_peak_rss_bytes", (json_int_t)code_rss, "total_s",
                          total_s, "peak_rss_bytes", (json_int_t)peak, "models_per_s",
                          g.n_models / total_s, "meets_time_target_60s", total_s <= 60.0,
                          "meets_memory_target_2gib", peak <= ((int64_t)2 << 30));
    return bench_write(out_dir, "ingest_manifest_70k", o);
}
