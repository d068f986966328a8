/* Tests for the Acme demo company generator: determinism, structure, the
 * planted Plus-subscriber disagreement and the composer latency regression. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acme/acme.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/fsutil.h"
#include "base/hash.h"
#include "support/fixtures.h"

#define SCALE 0.01

/* Generates Acme into a fresh temp dir; the caller removes it with test_rm_rf. */
static char *generate(uint64_t seed, scout_acme_stats *stats)
{
    char tmpl[] = "/tmp/scout-acme-XXXXXX";
    char *dir = mkdtemp(tmpl);
    cr_assert_not_null(dir);
    scout_acme_opts opts = {.seed = seed, .scale = SCALE};
    scout_err err = {0};
    scout_rc rc = scout_acme_generate(dir, &opts, stats, &err);
    cr_assert_eq(rc, SCOUT_OK, "generate failed: %s", err.msg);
    return scout_strdup(dir);
}

static sqlite3 *open_db(const char *dir, const char *rel)
{
    char *path = scout_path_join(dir, rel);
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK, "%s", path);
    free(path);
    return db;
}

/* Opens a source with its schema files attached under their schema names. */
static sqlite3 *open_source(const char *dir, const char *source, const char *const *schemas)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    for (int i = 0; schemas[i]; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "warehouse/%s/%s.db", source, schemas[i]);
        char *path = scout_path_join(dir, rel);
        char *sql = sqlite3_mprintf("ATTACH %Q AS \"%w\"", path, schemas[i]);
        cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
        sqlite3_free(sql);
        free(path);
    }
    return db;
}

static double query_double(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
    double v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

static const char *const SCHEMAS[][5] = {
    {"finance", "raw", "staging", "mart", "archive"},
    {"product", "raw", "analytics", "eng", "sandbox"},
    {"crm", "raw", "mart", "support", NULL},
};

/* FNV-1a over every row of the table, ordered by all columns. */
static uint64_t table_checksum(sqlite3 *db, const char *table)
{
    char *info = sqlite3_mprintf("SELECT count(*) FROM pragma_table_info(%Q)", table);
    int ncol = (int)query_double(db, info);
    sqlite3_free(info);
    scout_buf sql = SCOUT_BUF_INIT;
    scout_buf_printf(&sql, "SELECT * FROM \"%s\" ORDER BY ", table);
    for (int i = 1; i <= ncol; i++) scout_buf_printf(&sql, "%s%d", i > 1 ? "," : "", i);
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db, scout_buf_cstr(&sql), -1, &st, NULL), SQLITE_OK);
    uint64_t h = SCOUT_FNV64_INIT;
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < ncol; i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            h = scout_fnv64_update_str(h, v ? v : "\\N");
            h = scout_fnv64_update(h, "\x1f", 1); /* column separator */
        }
    }
    sqlite3_finalize(st);
    scout_buf_free(&sql);
    return h;
}

/* "source.schema.table=checksum\n" for every table, in a stable order. */
static void checksums(const char *dir, scout_buf *out, int *tables)
{
    *tables = 0;
    for (int s = 0; s < 3; s++) {
        for (int k = 1; k < 5 && SCHEMAS[s][k]; k++) {
            char rel[128];
            snprintf(rel, sizeof rel, "warehouse/%s/%s.db", SCHEMAS[s][0], SCHEMAS[s][k]);
            sqlite3 *db = open_db(dir, rel);
            sqlite3_stmt *st = NULL;
            sqlite3_prepare_v2(db,
                               "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
                               -1, &st, NULL);
            while (sqlite3_step(st) == SQLITE_ROW) {
                const char *t = (const char *)sqlite3_column_text(st, 0);
                scout_buf_printf(out, "%s.%s.%s=%016llx\n", SCHEMAS[s][0], SCHEMAS[s][k], t,
                                 (unsigned long long)table_checksum(db, t));
                (*tables)++;
            }
            sqlite3_finalize(st);
            sqlite3_close(db);
        }
    }
}

Test(acme, same_seed_gives_identical_tables_and_other_seed_differs)
{
    scout_acme_stats s1, s2, s3;
    char *a = generate(7, &s1), *b = generate(7, &s2), *c = generate(8, &s3);
    scout_buf ca = SCOUT_BUF_INIT, cb = SCOUT_BUF_INIT, cc = SCOUT_BUF_INIT;
    int ta, tb, tc;
    checksums(a, &ca, &ta);
    checksums(b, &cb, &tb);
    checksums(c, &cc, &tc);
    cr_assert_geq(ta, 120, "only %d tables", ta);
    cr_assert_eq(ta, tb);
    cr_assert_str_eq(scout_buf_cstr(&ca), scout_buf_cstr(&cb));
    cr_assert_str_neq(scout_buf_cstr(&ca), scout_buf_cstr(&cc));
    /* The seed must reach the big tables, not just one small one. */
    const char *fe = strstr(scout_buf_cstr(&ca), "product.raw.feature_events=");
    cr_assert_not_null(fe);
    char line[80];
    snprintf(line, sizeof line, "%.43s", fe);
    cr_assert_null(strstr(scout_buf_cstr(&cc), line), "feature_events unchanged by the seed");
    cr_assert_eq(s1.rows, s2.rows);
    cr_assert_eq(s1.tables, ta);
    scout_buf_free(&ca);
    scout_buf_free(&cb);
    scout_buf_free(&cc);
    test_rm_rf(a);
    test_rm_rf(b);
    test_rm_rf(c);
    free(a);
    free(b);
    free(c);
}

static void assert_file(const char *dir, const char *rel)
{
    char *p = scout_path_join(dir, rel);
    cr_assert(scout_path_exists(p), "missing %s", rel);
    free(p);
}

static void check_manifest(const char *dir)
{
    char *p = scout_path_join(dir, "dbt/target/manifest.json");
    json_error_t je;
    json_t *m = json_load_file(p, 0, &je);
    free(p);
    cr_assert_not_null(m, "manifest: %s", je.text);
    json_t *nodes = json_object_get(m, "nodes");
    json_t *rev = json_object_get(nodes, "model.acme.revenue_daily");
    cr_assert_str_eq(json_string_value(json_object_get(rev, "resource_type")), "model");
    cr_assert_str_eq(json_string_value(json_object_get(rev, "schema")), "mart");
    cr_assert_str_eq(json_string_value(json_object_get(rev, "database")), "finance");
    cr_assert_gt(json_array_size(json_object_get(json_object_get(rev, "depends_on"), "nodes")), 0);
    cr_assert_not_null(
        strstr(json_string_value(json_object_get(rev, "compiled_code")), "staging.stg_invoices"));
    json_t *v1 = json_object_get(nodes, "model.acme.revenue_daily_v1");
    cr_assert(json_is_true(json_object_get(json_object_get(v1, "meta"), "deprecated")));
    cr_assert_not_null(json_object_get(nodes, "model.acme.finance_plus_subscribers_daily"));
    cr_assert_not_null(json_object_get(nodes, "test.acme.unique_dim_customers_customer_id"));
    cr_assert_not_null(
        json_object_get(json_object_get(m, "sources"), "source.acme.finance_raw.invoices"));
    json_decref(m);
}

static void check_query_log(const char *dir, int64_t expected)
{
    char *p = scout_path_join(dir, "query_log.jsonl");
    FILE *f = fopen(p, "r");
    free(p);
    cr_assert_not_null(f);
    char line[8192];
    int64_t n = 0;
    int canonical = 0, noise = 0, failing = 0;
    while (fgets(line, sizeof line, f)) {
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        cr_assert_not_null(o, "bad log line %lld: %s", (long long)n, je.text);
        const char *sql = json_string_value(json_object_get(o, "sql"));
        cr_assert_not_null(sql);
        cr_assert_not_null(json_string_value(json_object_get(o, "user")));
        cr_assert_not_null(json_string_value(json_object_get(o, "ts")));
        if (json_object_get(o, "dashboard")) canonical++;
        if (strstr(sql, "limit 10")) noise++;
        if (json_object_get(o, "error")) failing++;
        json_decref(o);
        n++;
    }
    fclose(f);
    cr_assert_eq(n, expected);
    cr_assert_geq(n, 200);
    cr_assert(canonical > 0 && noise > 0 && failing > 0, "%d %d %d", canonical, noise, failing);
}

/* The generated scout.yaml loads with scout's own config parser, paths resolved. */
static void check_config(const char *dir)
{
    char *p = scout_path_join(dir, "scout.yaml");
    scout_config *cfg = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_config_load(p, &cfg, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(cfg->n_sources, 3);
    const scout_source_cfg *fin = &cfg->sources[0];
    cr_assert_str_eq(fin->name, "finance");
    cr_assert(fin->restricted);
    cr_assert_eq(fin->n_schemas, 4);
    for (size_t i = 0; i < fin->n_schemas; i++)
        cr_assert(scout_path_exists(fin->schemas[i].path), "%s", fin->schemas[i].path);
    scout_config_free(cfg);
    free(p);
}

Test(acme, writes_every_artefact)
{
    scout_acme_stats st;
    char *dir = generate(SCOUT_ACME_DEFAULT_SEED, &st);
    static const char *const FILES[] = {
        "scout.yaml",
        "dbt/dbt_project.yml",
        "dbt/target/manifest.json",
        "dbt/models/finance/mart/revenue_daily.sql",
        "dbt/models/finance/mart/schema.yml",
        "dbt/models/finance/sources.yml",
        "docs/metrics-plus-subscribers.md",
        "docs/deprecation-revenue-daily-v1.md",
        "docs/postmortem-2026-03-17-search-queue.md",
        "docs/lighthouse-launch.md",
        "docs/finance-timezone-cutoff.md",
        "slack/users.json",
        "slack/channels.json",
        "slack/groups.json",
        "slack/eng-incidents/2026-11-24.json",
        "dashboards/growth-plus-subscribers.yaml",
        "dashboards/finance-paid-plus-subscribers.yaml",
        "dashboards/executive-revenue.yaml",
        "query_log.jsonl",
    };
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++) assert_file(dir, FILES[i]);
    cr_assert_geq(st.tables, 120);
    cr_assert_gt(st.rows, 10000);
    check_manifest(dir);
    check_query_log(dir, st.query_log_entries);
    check_config(dir);
    test_rm_rf(dir);
    free(dir);
}

/* Growth's active set on the last day, as in the Growth dashboard's definition. */
#define G_ACTIVE                                                                                   \
    " FROM raw.subscriptions s JOIN raw.accounts a ON a.account_id = s.account_id"                 \
    " WHERE s.plan = 'plus' AND date(s.started_at) <= '2026-11-24'"                                \
    " AND (s.canceled_at IS NULL OR date(s.canceled_at) >= '2026-11-24')"

Test(acme, plus_subscriber_dashboards_disagree_for_five_distinct_reasons)
{
    scout_acme_stats st;
    char *dir = generate(SCOUT_ACME_DEFAULT_SEED, &st);
    sqlite3 *prod = open_source(dir, "product", (const char *const[]){"raw", "analytics", NULL});
    sqlite3 *fin = open_source(dir, "finance", (const char *const[]){"mart", NULL});
    double growth = query_double(prod, "SELECT plus_subscribers FROM analytics."
                                       "plus_subscribers_daily WHERE day = '2026-11-24'");
    double finance = query_double(fin, "SELECT paid_plus_subscribers FROM mart."
                                       "plus_subscribers_daily WHERE day = '2026-11-24'");
    cr_assert_gt(growth, finance, "growth %.0f finance %.0f", growth, finance);
    cr_assert_eq(growth, query_double(prod, "SELECT count(*)" G_ACTIVE));
    static const char *const FACTORS[] = {
        "SELECT count(*)" G_ACTIVE
        " AND (s.converted_at IS NULL OR date(s.converted_at) > '2026-11-24')",
        "SELECT count(*)" G_ACTIVE " AND s.refunded_at IS NOT NULL",
        "SELECT count(*)" G_ACTIVE " AND date(s.canceled_at, '-8 hours') < '2026-11-24'",
        "SELECT count(*) - count(DISTINCT lower(a.billing_email))" G_ACTIVE,
        "SELECT count(*)" G_ACTIVE " AND a.is_test = 1",
    };
    double v[5];
    for (int i = 0; i < 5; i++) {
        v[i] = query_double(prod, FACTORS[i]);
        cr_assert_gt(v[i], 0, "factor %d is zero", i);
        for (int j = 0; j < i; j++) cr_assert_neq(v[i], v[j], "factors %d and %d tie", i, j);
    }
    sqlite3_close(prod);
    sqlite3_close(fin);
    test_rm_rf(dir);
    free(dir);
}

Test(acme, composer_model_regression_on_the_last_day)
{
    scout_acme_stats st;
    char *dir = generate(SCOUT_ACME_DEFAULT_SEED, &st);
    sqlite3 *db = open_db(dir, "warehouse/product/eng.db");
    sqlite3_stmt *q = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT t.service, t.component, t.p95_ms / y.p95_ms FROM "
                                    "request_latency_daily t JOIN request_latency_daily y ON "
                                    "y.service = t.service AND y.component = t.component AND "
                                    "y.day = '2026-11-23' WHERE t.day = '2026-11-24'",
                                    -1, &q, NULL),
                 SQLITE_OK);
    int rows = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *svc = (const char *)sqlite3_column_text(q, 0);
        const char *comp = (const char *)sqlite3_column_text(q, 1);
        double ratio = sqlite3_column_double(q, 2);
        if (!strcmp(svc, "composer") && !strcmp(comp, "model"))
            cr_assert_geq(ratio, 1.30, "composer/model only %.2fx", ratio);
        else
            cr_assert(ratio > 0.95 && ratio < 1.05, "%s/%s moved %.3fx", svc, comp, ratio);
        rows++;
    }
    cr_assert_eq(rows, 16);
    sqlite3_finalize(q);
    sqlite3_close(db);
    test_rm_rf(dir);
    free(dir);
}
