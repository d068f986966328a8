/* Layer-1 crawl, incremental re-index, counts, listing, resolution and cards,
 * against a small SQLite warehouse built here with hand-computed statistics. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "catalog/catalog.h"

/* ---------- fixture ---------- */

static char g_dir[64];
static char g_main[128], g_ops[128], g_cat[128];
static scout_schema_cfg g_schema;
static scout_source_cfg g_src;
static scout_config g_cfg;

static void exec_on(const char *path, const char *sql)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    cr_assert_eq(rc, SQLITE_OK, "fixture sql failed: %s", msg ? msg : "?");
    sqlite3_close(db);
}

static const char MAIN_SQL[] =
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT,"
    " plan TEXT, created_at TEXT, updated_at TIMESTAMP);"
    "INSERT INTO customers VALUES"
    " (1,'Ann','SE','Plus','2024-01-01','2024-02-01T09:00:00'),"
    " (2,'Bo','SE','Free','2024-01-02','2024-02-02T09:00:00'),"
    " (3,'Cy','SE','Plus','2024-01-03',NULL),"
    " (4,'Di','SE','Free','2024-01-04','2024-03-05T10:00:00'),"
    " (5,'Ed','DE','Plus','2024-01-05','2024-01-06T00:00:00'),"
    " (6,'Fa','DE','Free','2024-01-06',NULL),"
    " (7,'Gu','DE','Plus','2024-01-07','2024-02-10T00:00:00'),"
    " (8,'Ha','US','Free','2024-01-08','2024-01-09T00:00:00'),"
    " (9,'Io','US','Plus','2024-01-09','2024-01-10T00:00:00'),"
    " (10,'Jo',NULL,'Free','2024-01-10','2024-01-11T00:00:00');"
    "CREATE TABLE orders (id INTEGER PRIMARY KEY,"
    " customer_id INTEGER NOT NULL REFERENCES customers(id), amount REAL, status TEXT,"
    " ordered_at TEXT);"
    "INSERT INTO orders VALUES"
    " (1,1,10.5,'paid','2024-03-01 10:00:00'),"
    " (2,1,20.0,'paid','2024-03-02 11:00:00'),"
    " (3,2,NULL,'refunded','2024-03-03 12:00:00'),"
    " (4,5,5.25,'paid','2024-03-04 13:00:00'),"
    " (5,8,100.0,'pending','2024-03-05 14:00:00'),"
    " (6,9,7.0,NULL,'2024-03-06 15:00:00');"
    "CREATE VIEW paid_orders AS SELECT * FROM orders WHERE status = 'paid';";

/* ops.events: 20 rows; kind = click (even i), view (i%4==1), buy (i%4==3);
 * ts counts up; birth_date is a far-future date that must never be freshness. */
static const char OPS_SQL[] =
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT);"
    "INSERT INTO customers VALUES (1, 'a@x'), (2, 'b@x');"
    "CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT, ts TEXT, birth_date TEXT,"
    " payload BLOB);"
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19)"
    " INSERT INTO events SELECT i, CASE WHEN i % 2 = 0 THEN 'click' WHEN i % 4 = 1 THEN 'view'"
    " ELSE 'buy' END, printf('2024-04-01T00:00:%02d', i), '2099-01-01', x'00ff' FROM n;";

static void setup_fixture(void)
{
    scout_strlcpy(g_dir, "/tmp/scout-catalog-XXXXXX", sizeof g_dir);
    cr_assert_not_null(mkdtemp(g_dir));
    snprintf(g_main, sizeof g_main, "%s/main.db", g_dir);
    snprintf(g_ops, sizeof g_ops, "%s/ops.db", g_dir);
    snprintf(g_cat, sizeof g_cat, "%s/catalog.db", g_dir);
    exec_on(g_main, MAIN_SQL);
    exec_on(g_ops, OPS_SQL);
    g_schema = (scout_schema_cfg){.name = "ops", .path = g_ops};
    g_src = (scout_source_cfg){.name = "shop",
                               .kind = SCOUT_SOURCE_SQLITE,
                               .path = g_main,
                               .schemas = &g_schema,
                               .n_schemas = 1};
    memset(&g_cfg, 0, sizeof g_cfg);
    g_cfg.sources = &g_src;
    g_cfg.n_sources = 1;
    g_cfg.limits.crawl_sample_rows = 12; /* events (20 rows) is sampled, the rest is not */
}

static void teardown_fixture(void)
{
    DIR *d = opendir(g_dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", g_dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(g_dir);
}

TestSuite(catalog, .init = setup_fixture, .fini = teardown_fixture);

static scout_catalog *open_cat(void)
{
    scout_catalog *cat = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_open(g_cat, &cat, &err), SCOUT_OK, "%s", err.msg);
    return cat;
}

static scout_index_stats index_ok(scout_catalog *cat)
{
    scout_index_stats st;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_index(cat, &g_cfg, NULL, NULL, &st, &err), SCOUT_OK, "%s", err.msg);
    return st;
}

/* The card of fqname as parsed JSON (caller decrefs). */
static json_t *card_of(scout_catalog *cat, const char *fqname)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_card_json(cat, fqname, NULL, &b, &err), SCOUT_OK, "%s", err.msg);
    json_error_t jerr;
    json_t *card = json_loads(scout_buf_cstr(&b), 0, &jerr);
    cr_assert_not_null(card, "card json does not parse: %s", jerr.text);
    scout_buf_free(&b);
    return card;
}

static json_t *column_of(json_t *card, const char *name)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(card, "columns"), i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "name")), name)) return c;
    }
    cr_assert_fail("column %s missing from card", name);
    return NULL;
}

static const char *sget(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static long long iget(json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

static double rget(json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

static void assert_top(json_t *col, size_t rank, const char *value, long long count)
{
    json_t *t = json_array_get(json_object_get(col, "top_values"), rank);
    cr_assert_not_null(t, "top value %zu missing", rank);
    cr_assert_str_eq(sget(t, "value"), value);
    cr_assert_eq(iget(t, "count"), count, "count of %s: %lld", value, iget(t, "count"));
}

/* ---------- statistics ---------- */

Test(catalog, crawl_records_exact_statistics_for_a_small_table)
{
    scout_catalog *cat = open_cat();
    scout_index_stats st = index_ok(cat);
    cr_assert_eq(st.sources, 1);
    cr_assert_eq(st.tables_seen, 5);
    cr_assert_eq(st.tables_crawled, 5);
    cr_assert_eq(st.tables_skipped, 0);

    json_t *card = card_of(cat, "shop.main.customers");
    cr_assert_eq(iget(card, "row_count"), 10);
    cr_assert_str_eq(sget(card, "kind"), "table");
    cr_assert_str_eq(sget(card, "freshness"), "2024-03-05T10:00:00");
    cr_assert_str_eq(sget(card, "freshness_column"), "updated_at");
    cr_assert_str_eq(sget(card, "trust"), "normal");
    cr_assert(json_is_false(json_object_get(card, "sampled")));

    json_t *id = column_of(card, "id");
    cr_assert_eq(iget(id, "pk"), 1);
    cr_assert_eq(iget(id, "distinct"), 10);
    cr_assert_str_eq(sget(id, "min"), "1");
    cr_assert_str_eq(sget(id, "max"), "10");

    json_t *country = column_of(card, "country");
    cr_assert_float_eq(rget(country, "null_rate"), 0.1, 1e-9);
    cr_assert_eq(iget(country, "distinct"), 3);
    cr_assert_str_eq(sget(country, "min"), "DE");
    cr_assert_str_eq(sget(country, "max"), "US");
    cr_assert_eq(json_array_size(json_object_get(country, "top_values")), 3);
    assert_top(country, 0, "SE", 4);
    assert_top(country, 1, "DE", 3);
    assert_top(country, 2, "US", 2);

    json_t *plan = column_of(card, "plan");
    assert_top(plan, 0, "Free", 5); /* ties break by value */
    assert_top(plan, 1, "Plus", 5);

    json_t *name = column_of(card, "name");
    cr_assert(json_is_true(json_object_get(name, "notnull")));
    cr_assert_eq(json_array_size(json_object_get(name, "top_values")), 0,
                 "all-unique names need no top values");
    json_t *upd = column_of(card, "updated_at");
    cr_assert_float_eq(rget(upd, "null_rate"), 0.2, 1e-9);
    cr_assert_eq(json_array_size(json_object_get(upd, "top_values")), 0, "dates are not dims");
    json_decref(card);
    scout_catalog_close(cat);
}

Test(catalog, crawl_records_declared_keys_nulls_and_views)
{
    scout_catalog *cat = open_cat();
    index_ok(cat);
    json_t *card = card_of(cat, "shop.main.orders");
    cr_assert_eq(iget(card, "row_count"), 6);
    cr_assert_str_eq(sget(card, "freshness"), "2024-03-06 15:00:00");
    cr_assert_str_eq(sget(card, "freshness_column"), "ordered_at");
    json_t *amount = column_of(card, "amount");
    cr_assert_float_eq(rget(amount, "null_rate"), 1.0 / 6.0, 1e-9);
    cr_assert_eq(iget(amount, "distinct"), 5);
    cr_assert_str_eq(sget(amount, "min"), "5.25");
    cr_assert_str_eq(sget(amount, "max"), "100");
    json_t *status = column_of(card, "status");
    assert_top(status, 0, "paid", 3);
    assert_top(status, 1, "pending", 1);
    assert_top(status, 2, "refunded", 1);
    json_t *fks = json_object_get(card, "foreign_keys");
    cr_assert_eq(json_array_size(fks), 1);
    cr_assert_str_eq(sget(json_array_get(fks, 0), "column"), "customer_id");
    cr_assert_str_eq(sget(json_array_get(fks, 0), "to_fqname"), "shop.main.customers");
    cr_assert_str_eq(sget(json_array_get(fks, 0), "to_column"), "id");
    json_decref(card);

    card = card_of(cat, "shop.main.customers");
    json_t *refs = json_object_get(card, "referenced_by");
    cr_assert_eq(json_array_size(refs), 1);
    cr_assert_str_eq(sget(json_array_get(refs, 0), "fqname"), "shop.main.orders");
    json_decref(card);

    card = card_of(cat, "shop.main.paid_orders");
    cr_assert_str_eq(sget(card, "kind"), "view");
    cr_assert(strstr(sget(card, "create_sql"), "status = 'paid'"));
    cr_assert(json_is_array(json_object_get(card, "tags")));
    cr_assert_eq(iget(card, "row_count"), 3);
    json_decref(card);
    scout_catalog_close(cat);
}

Test(catalog, big_tables_are_sampled_and_freshness_ignores_far_future_dates)
{
    scout_catalog *cat = open_cat();
    index_ok(cat);
    json_t *card = card_of(cat, "shop.ops.events");
    cr_assert_eq(iget(card, "row_count"), 20, "row count is exact even when sampled");
    cr_assert(json_is_true(json_object_get(card, "sampled")));
    cr_assert_eq(iget(card, "sample_rows"), 12);
    cr_assert_str_eq(sget(card, "freshness_column"), "ts");
    cr_assert_str_eq(sget(card, "freshness"), "2024-04-01T00:00:19", "max is over the full table");
    json_t *kind = column_of(card, "kind");
    cr_assert_eq(iget(kind, "distinct"), 3);
    cr_assert(json_is_true(json_object_get(kind, "distinct_sampled")));
    /* First 12 rows: click at 0,2,..,10; view at 1,5,9; buy at 3,7,11. */
    assert_top(kind, 0, "click", 6);
    assert_top(kind, 1, "buy", 3);
    assert_top(kind, 2, "view", 3);
    json_t *payload = column_of(card, "payload");
    cr_assert(json_is_null(json_object_get(payload, "min")), "blobs have no min");
    cr_assert(json_is_null(json_object_get(payload, "distinct")));
    cr_assert_float_eq(rget(payload, "null_rate"), 0.0, 1e-9);
    json_decref(card);
    scout_catalog_close(cat);
}

/* ---------- incremental re-index ---------- */

typedef struct progress_log {
    size_t calls;
    size_t crawled;
    char last_crawled[256];
} progress_log;

static void on_progress(void *ud, const scout_index_progress *p)
{
    progress_log *log = ud;
    log->calls++;
    cr_assert_leq(p->done, p->total);
    if (!p->skipped) {
        log->crawled++;
        scout_strlcpy(log->last_crawled, p->fqname, sizeof log->last_crawled);
    }
}

Test(catalog, reindex_skips_unchanged_tables_and_recrawls_only_changed_ones)
{
    scout_catalog *cat = open_cat();
    index_ok(cat);
    scout_index_stats st = index_ok(cat);
    cr_assert_eq(st.tables_crawled, 0);
    cr_assert_eq(st.tables_skipped, 5);
    cr_assert_eq(st.tables_removed, 0);

    exec_on(g_main, "INSERT INTO orders VALUES (7, 3, 1.0, 'paid', '2024-03-07 09:00:00');");
    progress_log log = {0};
    scout_err err = {0};
    cr_assert_eq(scout_catalog_index(cat, &g_cfg, on_progress, &log, &st, &err), SCOUT_OK, "%s",
                 err.msg);
    cr_assert_eq(log.calls, 5, "one progress call per table");
    cr_assert_eq(st.tables_crawled, 1);
    cr_assert_eq(log.crawled, 1);
    cr_assert_str_eq(log.last_crawled, "shop.main.orders");
    json_t *card = card_of(cat, "shop.main.orders");
    cr_assert_eq(iget(card, "row_count"), 7);
    cr_assert_str_eq(sget(card, "freshness"), "2024-03-07 09:00:00");
    assert_top(column_of(card, "status"), 0, "paid", 4);
    json_decref(card);
    scout_catalog_close(cat);
}

Test(catalog, dropped_tables_are_removed_and_curated_facts_survive_a_recrawl)
{
    scout_catalog *cat = open_cat();
    index_ok(cat);
    /* Layer 2 writes descriptions into the same rows the crawl refreshes. */
    exec_on(g_cat, "UPDATE tables SET description = 'One row per customer account.',"
                   " trust = 'source_of_truth' WHERE fqname = 'shop.main.customers';"
                   "UPDATE columns SET description = 'ISO country code' WHERE name = 'country'"
                   " AND table_id = (SELECT id FROM tables WHERE fqname = 'shop.main.customers');");
    exec_on(g_ops, "DROP TABLE customers;");
    exec_on(g_main, "UPDATE customers SET plan = 'Pro' WHERE id = 1;");
    scout_index_stats st = index_ok(cat);
    cr_assert_eq(st.tables_removed, 1);
    cr_assert_eq(st.tables_crawled, 1);
    cr_assert_eq(st.tables_seen, 4);

    json_t *card = card_of(cat, "shop.main.customers");
    cr_assert_str_eq(sget(card, "description"), "One row per customer account.");
    cr_assert_str_eq(sget(card, "trust"), "source_of_truth");
    cr_assert_str_eq(sget(column_of(card, "country"), "description"), "ISO country code");
    cr_assert_eq(json_array_size(json_object_get(column_of(card, "plan"), "top_values")), 3);
    json_decref(card);

    scout_catalog_counts c;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_counts_get(cat, &c, &err), SCOUT_OK);
    cr_assert_eq(c.tables, 4);
    cr_assert_eq(c.described_tables, 1);
    char *fq = NULL;
    cr_assert_eq(scout_catalog_resolve(cat, "customers", &fq, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_str_eq(fq, "shop.main.customers");
    free(fq);
    scout_catalog_close(cat);
}

/* ---------- counts, listing, resolution ---------- */

Test(catalog, counts_are_zero_when_empty_and_match_the_crawl)
{
    scout_catalog *cat = open_cat();
    scout_catalog_counts c;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_counts_get(cat, &c, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(c.tables, 0);
    cr_assert_eq(c.columns, 0);
    cr_assert_eq(c.memories, 0);
    index_ok(cat);
    cr_assert_eq(scout_catalog_counts_get(cat, &c, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(c.tables, 5);
    cr_assert_eq(c.columns, 6 + 5 + 5 + 2 + 5); /* customers, orders, view, ops.customers, events */
    cr_assert_eq(c.described_tables, 0);
    cr_assert_eq(c.lineage_edges, 0);
    cr_assert_eq(c.query_clusters_canonical, 0);
    scout_catalog_close(cat);
}

static int collect(void *ud, const scout_table_summary *t)
{
    scout_buf *b = ud;
    scout_buf_printf(b, "%s:%lld:%lld;", t->fqname, (long long)t->row_count,
                     (long long)t->n_columns);
    return 0;
}

Test(catalog, list_tables_matches_words_and_globs)
{
    scout_catalog *cat = open_cat();
    index_ok(cat);
    scout_err err = {0};
    scout_buf b = SCOUT_BUF_INIT;
    cr_assert_eq(scout_catalog_list_tables(cat, "ORDER", collect, &b, &err), SCOUT_OK);
    cr_assert_str_eq(scout_buf_cstr(&b), "shop.main.orders:6:5;shop.main.paid_orders:3:5;");
    scout_buf_reset(&b);
    cr_assert_eq(scout_catalog_list_tables(cat, "ops.*", collect, &b, &err), SCOUT_OK);
    cr_assert_str_eq(scout_buf_cstr(&b), "shop.ops.customers:2:2;shop.ops.events:20:5;");
    scout_buf_reset(&b);
    cr_assert_eq(scout_catalog_list_tables(cat, NULL, collect, &b, &err), SCOUT_OK);
    cr_assert(strstr(scout_buf_cstr(&b), "shop.main.customers:10:6;"));
    scout_buf_free(&b);
    scout_catalog_close(cat);
}

Test(catalog, resolve_handles_unique_ambiguous_and_missing_references)
{
    scout_catalog *cat = open_cat();
    index_ok(cat);
    scout_err err = {0};
    char *fq = NULL;
    cr_assert_eq(scout_catalog_resolve(cat, "orders", &fq, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_str_eq(fq, "shop.main.orders");
    free(fq);
    cr_assert_eq(scout_catalog_resolve(cat, "ops.customers", &fq, &err), SCOUT_OK);
    cr_assert_str_eq(fq, "shop.ops.customers");
    free(fq);
    cr_assert_eq(scout_catalog_resolve(cat, "SHOP.main.Customers", &fq, &err), SCOUT_OK);
    cr_assert_str_eq(fq, "shop.main.customers");
    free(fq);
    cr_assert_eq(scout_catalog_resolve(cat, "shop.events", &fq, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_str_eq(fq, "shop.ops.events");
    free(fq);

    cr_assert_eq(scout_catalog_resolve(cat, "customers", &fq, &err), SCOUT_EUSER);
    cr_assert_null(fq);
    cr_assert(strstr(err.msg, "ambiguous"), "%s", err.msg);
    cr_assert(strstr(err.msg, "shop.main.customers"), "%s", err.msg);
    cr_assert(strstr(err.msg, "shop.ops.customers"), "%s", err.msg);

    cr_assert_eq(scout_catalog_resolve(cat, "nope", &fq, &err), SCOUT_ENOTFOUND);
    cr_assert(strstr(err.msg, "nope"), "%s", err.msg);
    cr_assert_eq(scout_catalog_resolve(cat, "a.b.c.d", &fq, &err), SCOUT_EUSER);
    scout_catalog_close(cat);
}

/* ---------- cards ---------- */

Test(catalog, short_card_names_the_key_facts_within_budget)
{
    scout_catalog *cat = open_cat();
    index_ok(cat);
    scout_buf b = SCOUT_BUF_INIT;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_card_text(cat, "shop.main.orders", SCOUT_CARD_SHORT, NULL, &b, &err),
                 SCOUT_OK, "%s", err.msg);
    const char *t = scout_buf_cstr(&b);
    cr_assert_leq(scout_estimate_tokens(t), 200);
    cr_assert(strstr(t, "shop.main.orders"), "%s", t);
    cr_assert(strstr(t, "6 rows"), "%s", t);
    cr_assert(strstr(t, "2024-03-06 15:00:00"), "%s", t);
    cr_assert(strstr(t, "trust: normal"), "%s", t);
    cr_assert(strstr(t, "primary key: id"), "%s", t);
    cr_assert(strstr(t, "customer_id -> shop.main.customers.id"), "%s", t);
    cr_assert(strstr(t, "status (paid 50%, pending 17%, refunded 17%)"), "%s", t);

    scout_buf_reset(&b);
    cr_assert_eq(
        scout_catalog_card_text(cat, "shop.main.customers", SCOUT_CARD_FULL, NULL, &b, &err),
        SCOUT_OK);
    t = scout_buf_cstr(&b);
    cr_assert(strstr(t, "country"), "%s", t);
    cr_assert(strstr(t, "nulls 10%"), "%s", t);
    cr_assert(strstr(t, "top: SE 4, DE 3, US 2"), "%s", t);
    cr_assert(strstr(t, "referenced by"), "%s", t);
    cr_assert(strstr(t, "fingerprint"), "%s", t);

    cr_assert_eq(scout_catalog_card_text(cat, "shop.main.nope", SCOUT_CARD_SHORT, NULL, &b, &err),
                 SCOUT_ENOTFOUND);
    scout_buf_free(&b);
    scout_catalog_close(cat);
}

Test(catalog, short_card_of_a_300_column_table_stays_within_200_tokens)
{
    scout_buf sql = SCOUT_BUF_INIT;
    scout_buf_puts(&sql, "CREATE TABLE wide (id INTEGER PRIMARY KEY, updated_at TEXT");
    for (int i = 0; i < 298; i++) scout_buf_printf(&sql, ", attribute_number_%03d TEXT", i);
    scout_buf_puts(&sql, "); INSERT INTO wide (id, updated_at, attribute_number_000, "
                         "attribute_number_001) VALUES (1, '2025-01-01', 'a', 'b'),"
                         " (2, '2025-01-02', 'a', 'c'), (3, '2025-01-03', 'a', 'b');");
    exec_on(g_main, scout_buf_cstr(&sql));
    scout_buf_free(&sql);
    scout_catalog *cat = open_cat();
    index_ok(cat);
    scout_buf b = SCOUT_BUF_INIT;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_card_text(cat, "shop.main.wide", SCOUT_CARD_SHORT, NULL, &b, &err),
                 SCOUT_OK, "%s", err.msg);
    const char *t = scout_buf_cstr(&b);
    cr_assert_leq(scout_estimate_tokens(t), 200, "%zu tokens:\n%s", scout_estimate_tokens(t), t);
    cr_assert(strstr(t, "shop.main.wide"), "%s", t);
    cr_assert(strstr(t, "3 rows"), "%s", t);
    cr_assert(strstr(t, "columns (300)"), "%s", t);
    cr_assert(strstr(t, "more"), "%s", t);
    cr_assert(strstr(t, "primary key: id"), "%s", t);

    scout_buf_reset(&b);
    cr_assert_eq(scout_catalog_card_json(cat, "shop.main.wide", NULL, &b, &err), SCOUT_OK);
    json_t *card = json_loads(scout_buf_cstr(&b), 0, NULL);
    cr_assert_not_null(card);
    cr_assert_eq(json_array_size(json_object_get(card, "columns")), 300);
    json_decref(card);
    scout_buf_free(&b);
    scout_catalog_close(cat);
}

Test(catalog, estimate_tokens_counts_words_at_least_once)
{
    cr_assert_eq(scout_estimate_tokens(""), 0);
    cr_assert_eq(scout_estimate_tokens("a b c"), 3);
    cr_assert_eq(scout_estimate_tokens("abcdefgh"), 2);
    cr_assert_eq(scout_estimate_tokens("  abcde\n x "), 3);
}

Test(catalog, reopening_keeps_the_schema_version)
{
    scout_catalog *cat = open_cat();
    index_ok(cat);
    scout_catalog_close(cat);
    cat = open_cat();
    scout_catalog_counts c;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_counts_get(cat, &c, &err), SCOUT_OK);
    cr_assert_eq(c.tables, 5);
    scout_catalog_close(cat);
}

Test(catalog, a_source_dropped_from_the_config_takes_its_tables_with_it)
{
    scout_catalog *cat = open_cat();
    index_ok(cat);
    g_cfg.n_sources = 0;
    scout_index_stats st = index_ok(cat);
    cr_assert_eq(st.tables_removed, 5);
    scout_catalog_counts c;
    scout_err err = {0};
    cr_assert_eq(scout_catalog_counts_get(cat, &c, &err), SCOUT_OK);
    cr_assert_eq(c.tables, 0);
    cr_assert_eq(c.columns, 0, "columns go with their tables");
    scout_catalog_close(cat);
}

Test(catalog, freshness_prefers_update_time_and_skips_validity_and_non_dates)
{
    exec_on(g_main, "CREATE TABLE plans (id INTEGER PRIMARY KEY, calendar_date DATE,"
                    " valid_end_date DATE, created_at INTEGER);"
                    "INSERT INTO plans VALUES (1, '2025-05-01', '2030-01-01', 1700000000),"
                    " (2, '2025-05-02', '2031-01-01', 1700000001);"
                    "CREATE TABLE months (month TEXT, total REAL);"
                    "INSERT INTO months VALUES ('2025-01', 1.0), ('2025-02', 2.0);"
                    "CREATE TABLE weekly AS SELECT '2025-03-03' AS week_start,"
                    " '2025-03-09' AS week_end, 12 AS users, 'web' AS platform"
                    " UNION ALL SELECT '2025-03-10', '2025-03-16', 12, 'web'"
                    " UNION ALL SELECT '2025-03-17', '2025-03-23', 7, 'ios';");
    scout_catalog *cat = open_cat();
    index_ok(cat);
    json_t *card = card_of(cat, "shop.main.plans");
    cr_assert_str_eq(sget(card, "freshness_column"), "calendar_date", "epoch ints are not dates");
    cr_assert_str_eq(sget(card, "freshness"), "2025-05-02");
    json_decref(card);
    card = card_of(cat, "shop.main.months");
    cr_assert_str_eq(sget(card, "freshness"), "2025-02");
    json_decref(card);
    /* Untyped columns (CREATE TABLE AS) are judged by their values. */
    card = card_of(cat, "shop.main.weekly");
    cr_assert_str_eq(sget(card, "freshness_column"), "week_start");
    cr_assert_str_eq(sget(card, "freshness"), "2025-03-17");
    cr_assert_eq(json_array_size(json_object_get(column_of(card, "users"), "top_values")), 0,
                 "numbers are not dimensions");
    assert_top(column_of(card, "platform"), 0, "web", 2);
    json_decref(card);
    scout_catalog_close(cat);
}

Test(catalog, freshness_is_a_timestamp_every_row_has)
{
    /* resolved_at is set only once a ticket is solved: dating the table (and
       "tickets last month") by it would drop open tickets and make the table
       look staler than it is. */
    exec_on(g_main, "CREATE TABLE tickets (ticket_id INTEGER PRIMARY KEY, created_at TEXT,"
                    " resolved_at TEXT, status TEXT);"
                    "INSERT INTO tickets VALUES (1, '2025-05-01 09:00:00', '2025-05-02 10:00:00',"
                    " 'solved'), (2, '2025-05-03 11:00:00', NULL, 'open');");
    scout_catalog *cat = open_cat();
    index_ok(cat);
    json_t *card = card_of(cat, "shop.main.tickets");
    cr_assert_str_eq(sget(card, "freshness_column"), "created_at");
    cr_assert_str_eq(sget(card, "freshness"), "2025-05-03 11:00:00");
    json_decref(card);
    scout_catalog_close(cat);
}
