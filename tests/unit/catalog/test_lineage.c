/* Code enrichment (layer 3): a fixture folder of plain .sql models (CTEs,
 * Jinja refs, USING joins, an unparseable model) and a small generated Acme
 * with its dbt project, indexed first so names resolve to crawled tables. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acme/acme.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/fsutil.h"
#include "catalog/catalog.h"
#include "catalog/lineage.h"
#include "support/fixtures.h"

static char g_dir[64];

static scout_config *config_from(const char *yaml)
{
    scout_config *cfg = NULL;
    scout_err err;
    char *path = scout_path_join(g_dir, "scout.yaml");
    cr_assert_eq(scout_config_parse(yaml, strlen(yaml), path, &cfg, &err), SCOUT_OK, "%s", err.msg);
    free(path);
    return cfg;
}

static scout_catalog *open_catalog(void)
{
    scout_catalog *cat = NULL;
    scout_err err;
    char *path = scout_path_join(g_dir, "catalog.db");
    cr_assert_eq(scout_catalog_open(path, &cat, &err), SCOUT_OK, "%s", err.msg);
    free(path);
    return cat;
}

/* Runs a query on the catalog file and returns the first column of the first
 * row as text ("" when no row), caller frees. */
static char *query1(const char *sql)
{
    char *path = scout_path_join(g_dir, "catalog.db");
    char *out = test_db_text(path, sql);
    free(path);
    return out;
}

static long query_int(const char *sql)
{
    char *s = query1(sql);
    long v = atol(s);
    free(s);
    return v;
}

static void assert_query(const char *sql, const char *expect)
{
    char *got = query1(sql);
    cr_assert_str_eq(got, expect, "%s", sql);
    free(got);
}

static void make_dir(void)
{
    scout_strlcpy(g_dir, "/tmp/scout-lineage-XXXXXX", sizeof g_dir);
    cr_assert_not_null(mkdtemp(g_dir));
}

static void remove_dir(void)
{
    test_rm_rf(g_dir);
}

TestSuite(lineage, .init = make_dir, .fini = remove_dir, .timeout = 120);

static scout_layer_stats import_fixture(void)
{
    const char *fx = getenv("SCOUT_FIXTURES");
    cr_assert_not_null(fx, "SCOUT_FIXTURES not set");
    scout_buf y = SCOUT_BUF_INIT;
    scout_buf_printf(&y, "context:\n  models: %s/lineage/models\n", fx);
    scout_config *cfg = config_from(scout_buf_cstr(&y));
    scout_buf_free(&y);
    scout_catalog *cat = open_catalog();
    scout_layer_stats st;
    scout_err err;
    cr_assert_eq(scout_lineage_import(cat, cfg, &st, &err), SCOUT_OK, "%s", err.msg);
    scout_catalog_close(cat);
    scout_config_free(cfg);
    return st;
}

Test(lineage, plain_folder_models)
{
    scout_layer_stats st = import_fixture();
    cr_assert_eq(st.files, 4);
    cr_assert_eq(st.errors, 1, "the broken model counts as a file with an error");
    /* upstreams: the ref resolves to the staging model of the folder */
    assert_query("SELECT group_concat(from_fqname, ',') FROM (SELECT from_fqname FROM lineage_edges"
                 " WHERE to_fqname = 'shop.mart.orders_daily' AND from_column IS NULL"
                 " ORDER BY 1)",
                 "shop.raw.customers,shop.staging.stg_orders");
    assert_query("SELECT from_fqname FROM lineage_edges WHERE to_fqname ="
                 " 'shop.staging.stg_orders' AND from_column IS NULL",
                 "shop.raw.orders");
    /* column lineage through the CTE, with the transform */
    assert_query("SELECT from_fqname || '.' || from_column || ' ' || transform FROM lineage_edges"
                 " WHERE to_fqname = 'shop.mart.orders_daily' AND to_column = 'revenue_usd'",
                 "shop.staging.stg_orders.amount_usd sum(amount_usd)");
    /* join keys from USING and ON, with evidence */
    cr_assert_eq(query_int("SELECT count(*) FROM join_keys WHERE origin = 'code' AND"
                           " left_column = 'customer_id' AND right_column = 'customer_id'"),
                 1, "USING in one model and ON in the other are one join key");
    char *ev = query1("SELECT evidence FROM join_keys WHERE origin = 'code' LIMIT 1");
    cr_assert(strstr(ev, "orders_daily"), "%s", ev);
    free(ev);
    /* grain, filters, owner */
    assert_query("SELECT grain FROM model_facts WHERE fqname = 'shop.mart.orders_daily'",
                 "day, country");
    char *f = query1("SELECT filters FROM model_facts WHERE fqname = 'shop.mart.orders_daily'");
    cr_assert(strstr(f, "excludes is_test = 1"), "%s", f);
    cr_assert(strstr(f, "only status in ('paid')"), "%s", f);
    free(f);
    assert_query("SELECT owner FROM model_facts WHERE fqname = 'shop.mart.orders_daily'",
                 "shop-analytics");
    /* the broken model: recorded with the parser's message, tokenizer lineage */
    char *e =
        query1("SELECT parse_error FROM model_facts WHERE fqname = 'shop.mart.broken_report'");
    cr_assert(strstr(e, "syntax error"), "%s", e);
    free(e);
    cr_assert_eq(query_int("SELECT count(*) FROM lineage_edges WHERE to_fqname ="
                           " 'shop.mart.broken_report' AND origin = 'code_fallback'"),
                 2);
    char *cf = query1("SELECT error FROM context_files WHERE path LIKE '%broken.sql'");
    cr_assert(strstr(cf, "syntax error"), "%s", cf);
    free(cf);
    /* similar: orders_daily_v2 next to orders_daily */
    char *why = query1("SELECT reason FROM similar_tables WHERE fqname = 'shop.mart.orders_daily'"
                       " AND similar_fqname = 'shop.mart.orders_daily_v2'");
    cr_assert(strstr(why, "near-identical name"), "%s", why);
    cr_assert(strstr(why, "upstreams"), "%s", why);
    free(why);
}

Test(lineage, reimport_is_idempotent)
{
    import_fixture();
    long edges = query_int("SELECT count(*) FROM lineage_edges");
    long joins = query_int("SELECT count(*) FROM join_keys");
    long sims = query_int("SELECT count(*) FROM similar_tables");
    long filt = query_int("SELECT sum(uses) FROM filtered_columns");
    cr_assert_gt(edges, 5);
    import_fixture();
    cr_assert_eq(query_int("SELECT count(*) FROM lineage_edges"), edges);
    cr_assert_eq(query_int("SELECT count(*) FROM join_keys"), joins);
    cr_assert_eq(query_int("SELECT count(*) FROM similar_tables"), sims);
    cr_assert_eq(query_int("SELECT sum(uses) FROM filtered_columns"), filt);
    cr_assert_eq(query_int("SELECT count(*) FROM context_files WHERE layer = 3"), 4);
}

Test(lineage, acme_dbt_project)
{
    scout_acme_opts opts = {.seed = SCOUT_ACME_DEFAULT_SEED, .scale = 0.02};
    scout_acme_stats ast;
    scout_err err;
    cr_assert_eq(scout_acme_generate(g_dir, &opts, &ast, &err), SCOUT_OK, "%s", err.msg);
    char *yaml_path = scout_path_join(g_dir, "scout.yaml");
    scout_buf y = SCOUT_BUF_INIT;
    cr_assert_eq(scout_buf_read_file(&y, yaml_path, &err), SCOUT_OK, "%s", err.msg);
    scout_buf_printf(&y, "context:\n  dbt: dbt\n");
    scout_config *cfg = NULL;
    cr_assert_eq(scout_config_parse(y.data, y.len, yaml_path, &cfg, &err), SCOUT_OK, "%s", err.msg);
    scout_buf_free(&y);
    free(yaml_path);
    scout_catalog *cat = open_catalog();
    scout_index_stats ist;
    cr_assert_eq(scout_catalog_index(cat, cfg, NULL, NULL, &ist, &err), SCOUT_OK, "%s", err.msg);
    scout_layer_stats st;
    double t0 = scout_now_ms();
    cr_assert_eq(scout_lineage_import(cat, cfg, &st, &err), SCOUT_OK, "%s", err.msg);
    fprintf(stderr, "lineage on acme: %lld models, %lld facts, %lld errors in %.0f ms\n",
            (long long)st.files, (long long)st.records, (long long)st.errors, scout_now_ms() - t0);
    scout_catalog_close(cat);
    scout_config_free(cfg);
    cr_assert_gt(st.files, 50);
    cr_assert_eq(st.errors, 0, "every Acme model parses");
    cr_assert_eq(query_int("SELECT count(*) FROM lineage_edges WHERE to_fqname ="
                           " 'finance.mart.revenue_daily' AND from_column IS NULL AND"
                           " from_fqname = 'finance.staging.stg_invoices'"),
                 1);
    char *f = query1("SELECT filters FROM tables WHERE fqname = 'finance.mart.revenue_daily'");
    cr_assert(strstr(f, "is_test"), "filters: %s", f);
    free(f);
    assert_query("SELECT grain FROM tables WHERE fqname = 'finance.mart.revenue_daily'",
                 "day, region, country_code, plan");
    assert_query("SELECT owner FROM tables WHERE fqname = 'finance.mart.revenue_daily'",
                 "finance-data");
    char *pp =
        query1("SELECT pipeline_path FROM tables WHERE fqname = 'finance.mart.revenue_daily'");
    cr_assert(strstr(pp, "models/finance/mart/revenue_daily.sql"), "%s", pp);
    free(pp);
    cr_assert_eq(query_int("SELECT count(*) FROM similar_tables WHERE"
                           " fqname = 'finance.archive.revenue_daily_v1' AND"
                           " similar_fqname = 'finance.mart.revenue_daily'"),
                 1);
    /* downstream = reverse edges */
    cr_assert_gt(query_int("SELECT count(*) FROM lineage_edges WHERE from_fqname ="
                           " 'finance.mart.revenue_daily' AND from_column IS NULL"),
                 0);
    /* column lineage into net revenue */
    cr_assert_gt(query_int("SELECT count(*) FROM lineage_edges WHERE to_fqname ="
                           " 'finance.mart.revenue_daily' AND to_column = 'net_revenue_usd'"),
                 0);
}
