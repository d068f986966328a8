/* Layer 2: dbt facts and scout's curated YAML land in the catalog (tables,
 * columns, metrics, verified queries, caveats, synonyms, key hints); curated
 * YAML beats dbt; bad files are reported with file:line while the others
 * load; re-import is idempotent; facts survive a re-crawl and reach tables
 * crawled after the import. Fixtures: tests/fixtures/curated/. */
#include <criterion/criterion.h>
#include <dirent.h>
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
#include "catalog/catalog.h"
#include "catalog/curated.h"
#include "support/fixtures.h"

static char g_dir[64], g_wh[128], g_cat[128];
static char g_dbt[512], g_ctx[512], g_bad[512];
static char *g_dbt_v[1], *g_cur_v[2];
static scout_source_cfg g_src;
static scout_config g_cfg;

static void exec_on(const char *path, const char *sql)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "fixture: %s", msg);
    sqlite3_close(db);
}

static const char WH_SQL[] =
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, country TEXT);"
    "INSERT INTO customers VALUES (1, 'Ann', 'SE'), (2, 'Bo', 'DE');"
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, amount REAL,"
    " status TEXT, ordered_on TEXT);"
    "INSERT INTO orders VALUES (1, 1, 10, 'paid', '2024-05-01'), (2, 2, 5, 'refunded',"
    " '2024-05-02');"
    "CREATE TABLE revenue (day TEXT, net_revenue REAL);"
    "INSERT INTO revenue VALUES ('2024-05-01', 10);"
    "CREATE TABLE revenue_v1 (day TEXT, net_revenue REAL);"
    "INSERT INTO revenue_v1 VALUES ('2024-05-01', 15);";

static void setup(void)
{
    scout_strlcpy(g_dir, "/tmp/scout-curated-XXXXXX", sizeof g_dir);
    cr_assert_not_null(mkdtemp(g_dir));
    snprintf(g_wh, sizeof g_wh, "%s/wh.db", g_dir);
    snprintf(g_cat, sizeof g_cat, "%s/catalog.db", g_dir);
    exec_on(g_wh, WH_SQL);
    const char *fx = getenv("SCOUT_FIXTURES");
    cr_assert_not_null(fx, "SCOUT_FIXTURES is not set (run through make)");
    snprintf(g_dbt, sizeof g_dbt, "%s/curated/dbt", fx);
    snprintf(g_ctx, sizeof g_ctx, "%s/curated/context", fx);
    snprintf(g_bad, sizeof g_bad, "%s/curated/bad", fx);
    g_src = (scout_source_cfg){.name = "wh", .kind = SCOUT_SOURCE_SQLITE, .path = g_wh};
    memset(&g_cfg, 0, sizeof g_cfg);
    g_cfg.sources = &g_src;
    g_cfg.n_sources = 1;
    g_cfg.limits.crawl_sample_rows = 1000;
    g_dbt_v[0] = g_dbt;
    g_cfg.context.dbt = (scout_path_list){g_dbt_v, 1};
    g_cur_v[0] = g_ctx;
    g_cur_v[1] = g_bad;
    g_cfg.context.curated = (scout_path_list){g_cur_v, 1};
}

static void teardown(void)
{
    test_rm_rf(g_dir);
}

TestSuite(curated, .init = setup, .fini = teardown, .timeout = 60);

static scout_catalog *open_cat(void)
{
    scout_catalog *cat = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_open(g_cat, &cat, &err), SCOUT_OK, "%s", err.msg);
    return cat;
}

static void crawl(scout_catalog *cat)
{
    scout_index_stats st;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_index(cat, &g_cfg, NULL, NULL, &st, &err), SCOUT_OK, "%s", err.msg);
}

static scout_layer_stats import(scout_catalog *cat)
{
    scout_layer_stats st;
    scout_err err = {0};
    cr_assert_eq(scout_curated_import(cat, &g_cfg, NULL, &st, &err), SCOUT_OK, "%s", err.msg);
    return st;
}

/* The first column of the first row of sql on the catalog file, as text
 * (caller frees; NULL for no row or SQL NULL). */
static char *q(const char *sql)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open_v2(g_cat, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(db));
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

static void expect(const char *sql, const char *want)
{
    char *got = q(sql);
    if (!want)
        cr_assert_null(got, "%s -> %s", sql, got);
    else
        cr_assert(got && !strcmp(got, want), "%s -> %s (want %s)", sql, got ? got : "NULL", want);
    free(got);
}

static void expect_contains(const char *sql, const char *part)
{
    char *got = q(sql);
    cr_assert(got && strstr(got, part), "%s -> %s (want ...%s...)", sql, got ? got : "NULL", part);
    free(got);
}

Test(curated, dbt_and_yaml_land_on_tables_and_columns)
{
    scout_catalog *cat = open_cat();
    crawl(cat);
    scout_layer_stats st = import(cat);
    cr_assert_eq(st.errors, 0);
    cr_assert_eq(st.files, 2); /* the dbt project and shop.yaml */
    cr_assert_gt(st.records, 20);

    /* dbt only */
    expect("SELECT description FROM tables WHERE fqname = 'wh.main.customers'",
           "One row per customer (dbt).");
    expect("SELECT owner FROM tables WHERE fqname = 'wh.main.customers'", "growth");
    expect("SELECT owner FROM tables WHERE fqname = 'wh.main.orders'", "data-eng");
    expect("SELECT tags FROM tables WHERE fqname = 'wh.main.orders'", "[\"sales\"]");
    expect("SELECT c.description FROM columns c JOIN tables t ON t.id = c.table_id"
           " WHERE t.fqname = 'wh.main.orders' AND c.name = 'customer_id'",
           "The ordering customer.");
    expect("SELECT group_concat(column_name) FROM curated_columns WHERE pk_hint = 1"
           " AND fqname = 'wh.main.orders'",
           "id");
    expect("SELECT right_fqname || '.' || right_column FROM join_keys WHERE origin = 'yaml'"
           " AND left_fqname = 'wh.main.orders' AND left_column = 'customer_id'",
           "wh.main.customers.id");

    /* curated YAML beats dbt */
    expect("SELECT description_source FROM tables WHERE fqname = 'wh.main.revenue'", "curated");
    expect_contains("SELECT description FROM tables WHERE fqname = 'wh.main.revenue'",
                    "paid orders");
    expect("SELECT owner FROM tables WHERE fqname = 'wh.main.revenue'", "finance");
    expect("SELECT trust FROM tables WHERE fqname = 'wh.main.revenue'", "source_of_truth");
    expect("SELECT c.description FROM columns c JOIN tables t ON t.id = c.table_id"
           " WHERE t.fqname = 'wh.main.customers' AND c.name = 'country'",
           "Two-letter country code.");
    expect("SELECT c.synonyms FROM columns c JOIN tables t ON t.id = c.table_id"
           " WHERE t.fqname = 'wh.main.revenue' AND c.name = 'net_revenue'",
           "[\"net sales\"]");

    /* deprecation: dbt flags it, curated YAML gives the replacement and why */
    expect("SELECT trust || '|' || deprecated_by || '|' || trust_reason FROM tables"
           " WHERE fqname = 'wh.main.revenue_v1'",
           "deprecated|wh.main.revenue|counts refunded orders twice");

    /* metrics, verified queries, caveats, synonyms */
    expect("SELECT table_fqname || '|' || expression || '|' || time_column || '|' || grain"
           " || '|' || filters || '|' || owner FROM metrics WHERE name = 'net_revenue'",
           "wh.main.revenue|sum(net_revenue)|day|day|[\"day >= '2024-01-01'\"]|finance");
    expect("SELECT tables || '|' || author || '|' || verified_at FROM verified_queries",
           "[\"wh.main.revenue\"]|ann|2024-05-01");
    expect("SELECT count(*) FROM caveats WHERE fqname = 'wh.main.revenue'", "2");
    expect("SELECT severity || '|' || column_name FROM caveats WHERE text LIKE '%tax%'",
           "warn|net_revenue");
    expect("SELECT target FROM synonyms WHERE term = 'turnover'", "wh.main.revenue");
    expect("SELECT target FROM synonyms WHERE term = 'buyers'", "wh.main.customers");
    expect("SELECT target FROM synonyms WHERE term = 'nation'", "wh.main.customers.country");
    expect("SELECT target_kind FROM synonyms WHERE term = 'paid'", "value");
    expect("SELECT count(*) FROM synonyms WHERE term = 'sales'", "2"); /* table and metric */

    scout_catalog_counts counts;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_counts_get(cat, &counts, &err), SCOUT_OK);
    cr_assert_eq(counts.described_tables, 4);
    scout_catalog_close(cat);
}

Test(curated, bad_files_are_reported_and_the_rest_loads)
{
    g_cfg.context.curated.n = 2;
    scout_catalog *cat = open_cat();
    crawl(cat);
    scout_layer_stats st = import(cat);
    cr_assert_eq(st.files, 7);
    cr_assert_eq(st.errors, 4);
    expect_contains("SELECT error FROM context_files WHERE path LIKE '%a_syntax.yaml'",
                    "a_syntax.yaml:5: yaml syntax error");
    expect_contains("SELECT error FROM context_files WHERE path LIKE '%a_syntax.yaml'",
                    "quoted scalar (line 3)");
    expect_contains("SELECT error FROM context_files WHERE path LIKE '%b_unknown_key.yml'",
                    "b_unknown_key.yml:4: unknown key 'colour'");
    expect_contains("SELECT error FROM context_files WHERE path LIKE '%c_unknown_table.yaml'",
                    "c_unknown_table.yaml:4: unknown table 'no_such_table'");
    expect_contains("SELECT error FROM context_files WHERE path LIKE '%d_wrong_type.yaml'",
                    "d_wrong_type.yaml:5: 'synonyms' must be a string or a list");
    expect("SELECT error FROM context_files WHERE path LIKE '%e_good.yaml'", NULL);
    expect("SELECT count(*) FROM context_files WHERE error IS NOT NULL", "4");
    /* A bad file leaves nothing behind, not even its valid first entry. */
    expect_contains("SELECT description FROM tables WHERE fqname = 'wh.main.orders'",
                    "the good file in a folder of bad ones");
    expect("SELECT count(*) FROM metrics WHERE name = 'orders_count'", "0");
    expect("SELECT table_fqname FROM metrics WHERE name = 'order_count'", "wh.main.orders");
    /* The good files of the other folder still loaded. */
    expect("SELECT trust FROM tables WHERE fqname = 'wh.main.revenue'", "source_of_truth");
    scout_catalog_close(cat);
}

/* Every layer-2 fact, as one text, to compare imports. */
static char *snapshot(void)
{
    return q("SELECT (SELECT group_concat(x, ';') FROM (SELECT fqname || coalesce(description,'')"
             " || coalesce(owner,'') || trust || coalesce(trust_reason,'') ||"
             " coalesce(deprecated_by,'') || coalesce(tags,'') AS x FROM tables ORDER BY fqname))"
             " || (SELECT group_concat(x, ';') FROM (SELECT name || coalesce(description,'') ||"
             " coalesce(synonyms,'') AS x FROM columns ORDER BY table_id, name))"
             " || (SELECT count(*) || group_concat(name) FROM metrics)"
             " || (SELECT count(*) FROM verified_queries) || (SELECT count(*) FROM caveats)"
             " || (SELECT count(*) FROM synonyms) || (SELECT count(*) FROM join_keys)"
             " || (SELECT count(*) FROM curated_tables) || (SELECT count(*) FROM context_files)");
}

Test(curated, reimport_is_idempotent_and_removed_facts_go)
{
    scout_catalog *cat = open_cat();
    crawl(cat);
    import(cat);
    char *first = snapshot();
    import(cat);
    char *second = snapshot();
    cr_assert_str_eq(first, second);
    /* Dropping the curated folder takes its facts away; dbt's come back. */
    g_cfg.context.curated.n = 0;
    import(cat);
    expect("SELECT description FROM tables WHERE fqname = 'wh.main.revenue'",
           "Daily revenue (dbt wording).");
    expect("SELECT trust FROM tables WHERE fqname = 'wh.main.revenue'", "normal");
    expect("SELECT owner FROM tables WHERE fqname = 'wh.main.revenue'", "data-eng");
    expect("SELECT trust || '|' || coalesce(deprecated_by, '-') FROM tables"
           " WHERE fqname = 'wh.main.revenue_v1'",
           "deprecated|wh.main.revenue");
    expect("SELECT count(*) FROM metrics", "0");
    expect("SELECT count(*) FROM caveats", "0");
    g_cfg.context.curated.n = 1;
    import(cat);
    char *third = snapshot();
    cr_assert_str_eq(first, third);
    free(first);
    free(second);
    free(third);
    scout_catalog_close(cat);
}

Test(curated, facts_reach_tables_crawled_later_and_survive_recrawl)
{
    scout_catalog *cat = open_cat();
    /* Nothing crawled yet: fqnames are taken on trust (the source is configured). */
    g_cur_v[0] = g_bad;
    g_cfg.context.curated.n = 0;
    scout_layer_stats st = import(cat);
    cr_assert_eq(st.errors, 0);
    expect("SELECT count(*) FROM tables", "0");
    expect("SELECT description FROM curated_tables WHERE fqname = 'wh.main.customers'",
           "One row per customer (dbt).");
    crawl(cat);
    scout_err err = {0};
    cr_assert_eq(scout_curated_apply(cat, &err), SCOUT_OK, "%s", err.msg);
    expect("SELECT description FROM tables WHERE fqname = 'wh.main.customers'",
           "One row per customer (dbt).");
    /* A changed table is re-crawled; its layer-2 facts stay. */
    exec_on(g_wh, "INSERT INTO customers VALUES (3, 'Cy', 'US');");
    crawl(cat);
    expect("SELECT row_count FROM tables WHERE fqname = 'wh.main.customers'", "3");
    expect("SELECT description FROM tables WHERE fqname = 'wh.main.customers'",
           "One row per customer (dbt).");
    expect("SELECT c.description FROM columns c JOIN tables t ON t.id = c.table_id"
           " WHERE t.fqname = 'wh.main.customers' AND c.name = 'country'",
           "ISO country code (dbt).");
    scout_catalog_close(cat);
}

Test(curated, missing_dbt_project_is_a_file_error)
{
    static char missing[] = "/nonexistent/dbt";
    g_dbt_v[0] = missing;
    g_cfg.context.curated.n = 0;
    scout_catalog *cat = open_cat();
    scout_layer_stats st = import(cat);
    cr_assert_eq(st.errors, 1);
    expect_contains("SELECT error FROM context_files WHERE kind = 'dbt'", "/nonexistent/dbt");
    scout_catalog_close(cat);
}

Test(curated, acme_deprecated_revenue_points_to_its_replacement, .timeout = 180)
{
    char acme[128];
    snprintf(acme, sizeof acme, "%s/acme", g_dir);
    scout_acme_opts opts = {.seed = SCOUT_ACME_DEFAULT_SEED, .scale = 0.02};
    scout_err err = {0};
    cr_assert_eq(scout_acme_generate(acme, &opts, NULL, &err), SCOUT_OK, "%s", err.msg);
    char yaml[256];
    snprintf(yaml, sizeof yaml, "%s/scout.yaml", acme);
    scout_config *cfg = NULL;
    cr_assert_eq(scout_config_load(yaml, &cfg, &err), SCOUT_OK, "%s", err.msg);
    char dbt[256];
    snprintf(dbt, sizeof dbt, "%s/dbt", acme);
    char *dv[] = {dbt};
    scout_path_list saved_dbt = cfg->context.dbt, saved_cur = cfg->context.curated;
    cfg->context.dbt = (scout_path_list){dv, 1};
    cfg->context.curated = (scout_path_list){NULL, 0};
    scout_catalog *cat = open_cat();
    scout_index_stats ist;
    cr_assert_eq(scout_catalog_index(cat, cfg, NULL, NULL, &ist, &err), SCOUT_OK, "%s", err.msg);
    scout_layer_stats st;
    cr_assert_eq(scout_curated_import(cat, cfg, NULL, &st, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(st.errors, 0);
    expect("SELECT trust || '|' || deprecated_by FROM tables"
           " WHERE fqname = 'finance.archive.revenue_daily_v1'",
           "deprecated|finance.mart.revenue_daily");
    expect_contains("SELECT trust_reason FROM tables"
                    " WHERE fqname = 'finance.archive.revenue_daily_v1'",
                    "double-counts refunds");
    expect("SELECT owner FROM tables WHERE fqname = 'finance.mart.revenue_daily'", "finance-data");
    expect_contains("SELECT description FROM tables WHERE fqname = 'crm.raw.accounts'",
                    "CRM accounts");
    cfg->context.dbt = saved_dbt;
    cfg->context.curated = saved_cur;
    scout_config_free(cfg);
    scout_catalog_close(cat);
}

static void write_yaml(const char *dir, const char *name, const char *text)
{
    char path[256];
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(curated, default_filters_are_strict_stored_and_on_the_card)
{
    char dir[128];
    snprintf(dir, sizeof dir, "%s/ctx", g_dir);
    write_yaml(dir, "a_good.yaml",
               "version: 1\ntables:\n  - table: wh.main.orders\n    default_filters:\n"
               "      - \"status != 'refunded'\"\n"
               "      - {condition: \"amount > 0\", reason: zero-amount test orders}\n");
    write_yaml(dir, "b_injection.yaml",
               "version: 1\ntables:\n  - table: wh.main.customers\n    default_filters:\n"
               "      - \"country = 'SE'; drop table customers\"\n");
    write_yaml(dir, "c_unknown_column.yaml",
               "version: 1\ntables:\n  - table: wh.main.customers\n    default_filters:\n"
               "      - {condition: \"is_test = 0\", reason: test accounts}\n");
    g_cur_v[0] = dir;
    scout_catalog *cat = open_cat();
    crawl(cat);
    scout_layer_stats st = import(cat);
    cr_assert_eq(st.errors, 2);
    expect_contains("SELECT error FROM context_files WHERE path LIKE '%b_injection.yaml'",
                    "must be 'column op value'");
    expect_contains("SELECT error FROM context_files WHERE path LIKE '%c_unknown_column.yaml'",
                    "unknown column 'is_test'");
    expect("SELECT count(*) FROM curated_filters WHERE fqname = 'wh.main.customers'", "0");
    expect("SELECT group_concat(condition, ' | ') FROM (SELECT condition FROM curated_filters"
           " WHERE fqname = 'wh.main.orders' ORDER BY rowid)",
           "status != 'refunded' | amount > 0");
    scout_buf b = SCOUT_BUF_INIT;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_card_text(cat, "wh.main.orders", SCOUT_CARD_SHORT, NULL, &b, &err),
                 SCOUT_OK, "%s", err.msg);
    cr_assert(strstr(scout_buf_cstr(&b),
                     "always filtered: status != 'refunded'; amount > 0 (zero-amount test orders)"),
              "%s", scout_buf_cstr(&b));
    scout_buf_free(&b);
    scout_catalog_close(cat);
}

Test(curated, default_filter_conditions_parse_into_column_op_value)
{
    scout_curated_filter f;
    cr_assert(scout_curated_filter_parse(" is_test = 0 ", &f));
    cr_assert_str_eq(f.column, "is_test");
    cr_assert_str_eq(f.op, "=");
    cr_assert_eq(f.kind, 1);
    cr_assert(scout_curated_filter_parse("status <> 'it''s'", &f));
    cr_assert_str_eq(f.op, "!=");
    cr_assert_str_eq(f.value, "it's");
    cr_assert_eq(f.kind, 3);
    cr_assert(scout_curated_filter_parse("deleted_at IS NOT NULL", &f));
    cr_assert_str_eq(f.op, "is not null");
    cr_assert(scout_curated_filter_parse("score >= -1.5", &f));
    cr_assert_eq(f.kind, 2);
    const char *bad[] = {"",
                         "is_test",
                         "is_test = 0 or 1 = 1",
                         "is_test = 0; drop table x",
                         "is_test = (select 1)",
                         "status = 'open",
                         "1 = 1",
                         "is_test is maybe null",
                         NULL};
    for (size_t i = 0; bad[i]; i++)
        cr_assert(!scout_curated_filter_parse(bad[i], &f), "accepted '%s'", bad[i]);
}
