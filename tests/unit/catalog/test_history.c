/* Query-history tiers on a fixture log and dashboards (canonical, trusted,
 * adhoc, noise; join pairs; usage; filtered columns; idempotent re-import),
 * and ingest speed on Acme's 6,000-entry log. */
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
#include "catalog/history.h"
#include "support/fixtures.h"

static char g_dir[64];

static void make_dir(void)
{
    scout_strlcpy(g_dir, "/tmp/scout-history-XXXXXX", sizeof g_dir);
    cr_assert_not_null(mkdtemp(g_dir));
}

static void remove_dir(void)
{
    test_rm_rf(g_dir);
}

TestSuite(history, .init = make_dir, .fini = remove_dir, .timeout = 120);

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

static scout_layer_stats import_with(const char *yaml, scout_catalog *cat)
{
    scout_config *cfg = NULL;
    scout_err err;
    char *path = scout_path_join(g_dir, "scout.yaml");
    cr_assert_eq(scout_config_parse(yaml, strlen(yaml), path, &cfg, &err), SCOUT_OK, "%s", err.msg);
    free(path);
    bool own = !cat;
    if (own) {
        char *cp = scout_path_join(g_dir, "catalog.db");
        cr_assert_eq(scout_catalog_open(cp, &cat, &err), SCOUT_OK, "%s", err.msg);
        free(cp);
    }
    scout_layer_stats st;
    cr_assert_eq(scout_history_import(cat, cfg, &st, &err), SCOUT_OK, "%s", err.msg);
    if (own) scout_catalog_close(cat);
    scout_config_free(cfg);
    return st;
}

static scout_layer_stats import_fixture(void)
{
    const char *fx = getenv("SCOUT_FIXTURES");
    cr_assert_not_null(fx);
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "context:\n  query_logs: %s/history/query_log.jsonl\n"
             "  dashboards: %s/history/dashboards\n",
             fx, fx);
    return import_with(yaml, NULL);
}

static const char *tier_of(const char *like)
{
    static char buf[64];
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT tier FROM query_clusters WHERE example_sql LIKE '%s'", like);
    char *t = query1(sql);
    scout_strlcpy(buf, t, sizeof buf);
    free(t);
    return buf;
}

Test(history, tiers)
{
    scout_layer_stats st = import_fixture();
    cr_assert_eq(st.files, 3, "one log, two dashboards");
    cr_assert_eq(st.errors, 1, "the log with malformed lines");
    cr_assert_str_eq(tier_of("select day, sum(amount_usd)%"), "canonical");
    cr_assert_str_eq(tier_of("select * from raw.orders limit 10"), "noise");
    cr_assert_str_eq(tier_of("select revenue from mart.revenue"), "noise");
    cr_assert_str_eq(tier_of("select a.account_id%"), "trusted");
    cr_assert_str_eq(tier_of("select status, count(*)%"), "adhoc");
    char *why = query1("SELECT tier_reason FROM query_clusters WHERE tier = 'canonical'");
    cr_assert(strstr(why, "Revenue Board"), "%s", why);
    free(why);
    why = query1("SELECT tier_reason FROM query_clusters WHERE example_sql LIKE"
                 " 'select revenue%'");
    cr_assert(strstr(why, "no such column"), "%s", why);
    free(why);
    /* constants differ, shape is one cluster: 4 runs, 4 users */
    assert_query("SELECT run_count || ' ' || user_count FROM query_clusters WHERE tier ="
                 " 'trusted'",
                 "4 4");
    /* the dashboard definition and its logged runs are one cluster */
    assert_query("SELECT run_count FROM query_clusters WHERE tier = 'canonical'", "2");
    /* an unparseable statement still clusters (by its text) */
    cr_assert_eq(query_int("SELECT count(*) FROM query_clusters WHERE fingerprint LIKE 'text:%'"),
                 1);
    /* the malformed lines are recorded with file:line */
    char *e = query1("SELECT error FROM context_files WHERE kind = 'query_log'");
    cr_assert(strstr(e, "2 malformed lines"), "%s", e);
    cr_assert(strstr(e, "query_log.jsonl:6"), "%s", e);
    free(e);
}

Test(history, joins_usage_and_examples)
{
    import_fixture();
    assert_query("SELECT left_fqname || '.' || left_column || '=' || right_fqname || '.' ||"
                 " right_column || ' ' || evidence FROM join_keys WHERE origin = 'query_log'",
                 "crm.raw.accounts.account_id=product.raw.users.account_id query log: 4 runs by 4"
                 " users");
    /* usage: failed runs do not count; raw.orders read by probes and one query */
    assert_query("SELECT query_count || ' ' || user_count || ' ' || last_queried_at FROM"
                 " table_usage WHERE fqname = 'shop.raw.orders'",
                 "3 2 2026-06-04 13:00:00");
    assert_query("SELECT query_count FROM table_usage WHERE fqname = 'shop.mart.revenue'", "2");
    cr_assert_gt(query_int("SELECT usage_score * 1000 FROM table_usage WHERE fqname ="
                           " 'shop.mart.revenue'"),
                 query_int("SELECT usage_score * 1000 FROM table_usage WHERE fqname ="
                           " 'shop.raw.orders'"),
                 "canonical use ranks higher");
    /* the canonical query is an example for its table, with its columns */
    assert_query("SELECT ct.columns FROM cluster_tables ct JOIN query_clusters q ON q.id ="
                 " ct.cluster_id WHERE q.tier = 'canonical' AND ct.fqname = 'shop.mart.revenue'",
                 "[\"day\",\"amount_usd\"]");
    /* frequently filtered columns */
    assert_query("SELECT uses || ' ' || example FROM filtered_columns WHERE origin = 'query_log'"
                 " AND fqname = 'crm.raw.accounts' AND column_name = 'segment'",
                 "4 only segment = 'enterprise'");
}

Test(history, reimport_is_idempotent)
{
    import_fixture();
    long clusters = query_int("SELECT count(*) FROM query_clusters");
    long tables = query_int("SELECT count(*) FROM cluster_tables");
    long joins = query_int("SELECT count(*) FROM join_keys");
    long uses = query_int("SELECT sum(uses) FROM filtered_columns");
    import_fixture();
    cr_assert_eq(query_int("SELECT count(*) FROM query_clusters"), clusters);
    cr_assert_eq(query_int("SELECT count(*) FROM cluster_tables"), tables);
    cr_assert_eq(query_int("SELECT count(*) FROM join_keys"), joins);
    cr_assert_eq(query_int("SELECT sum(uses) FROM filtered_columns"), uses);
}

/* Acme's log at test scale is small: repeat it to 6,000+ entries and add
 * 2,000 entries with distinct constants (each one fingerprinted). */
static long grow_log(const char *src, const char *dst)
{
    scout_buf in = SCOUT_BUF_INIT;
    scout_err err;
    cr_assert_eq(scout_buf_read_file(&in, src, &err), SCOUT_OK, "%s", err.msg);
    FILE *f = fopen(dst, "w");
    cr_assert_not_null(f);
    long lines = 0, per = 0;
    for (size_t i = 0; i < in.len; i++) per += in.data[i] == '\n';
    cr_assert_gt(per, 0);
    while (lines < 4000) {
        fwrite(in.data, 1, in.len, f);
        lines += per;
    }
    for (int i = 0; i < 2000; i++, lines++)
        fprintf(
            f,
            "{\"sql\":\"select invoice_id, amount_usd from raw.invoices where customer_id = %d\","
            "\"user\":\"u%d\",\"ts\":\"2026-11-01 10:00:00\",\"source\":\"finance\"}\n",
            i, i % 7);
    fclose(f);
    scout_buf_free(&in);
    return lines;
}

Test(history, acme_log_ingests_fast)
{
    scout_acme_opts opts = {.seed = SCOUT_ACME_DEFAULT_SEED, .scale = 0.02};
    scout_acme_stats ast;
    scout_err err;
    cr_assert_eq(scout_acme_generate(g_dir, &opts, &ast, &err), SCOUT_OK, "%s", err.msg);
    char src[128], dst[128];
    snprintf(src, sizeof src, "%s/query_log.jsonl", g_dir);
    snprintf(dst, sizeof dst, "%s/big_log.jsonl", g_dir);
    long entries = grow_log(src, dst);
    char yaml[512];
    snprintf(yaml, sizeof yaml, "context:\n  query_logs: %s\n  dashboards: %s/dashboards\n", dst,
             g_dir);
    double t0 = scout_now_ms();
    scout_layer_stats st = import_with(yaml, NULL);
    double ms = scout_now_ms() - t0;
    fprintf(stderr, "history on acme: %ld log entries, %lld facts in %.0f ms\n", entries,
            (long long)st.records, ms);
    cr_assert_geq(entries, 6000);
    cr_assert_lt(ms, 4000, "%.0f ms for %ld entries", ms, entries);
    cr_assert_eq(query_int("SELECT count(*) FROM query_clusters WHERE example_sql LIKE"
                           " 'select invoice_id, amount_usd from raw.invoices where customer_id%'"),
                 1, "2,000 constants, one shape");
    cr_assert_gt(query_int("SELECT count(*) FROM query_clusters WHERE tier = 'canonical'"), 0);
    cr_assert_gt(query_int("SELECT count(*) FROM query_clusters WHERE tier = 'noise'"), 0);
    cr_assert_eq(query_int("SELECT count(*) FROM join_keys WHERE origin = 'query_log' AND"
                           " ((left_fqname = 'crm.raw.accounts' AND right_fqname ="
                           " 'product.raw.users') OR (right_fqname = 'crm.raw.accounts' AND"
                           " left_fqname = 'product.raw.users')) AND left_column = 'account_id'"),
                 1);
    assert_query("SELECT tier FROM query_clusters WHERE example_sql LIKE"
                 " 'select * from sandbox.dau_old limit 10'",
                 "noise");
}
