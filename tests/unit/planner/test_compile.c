/* Tests for the semantic-query compiler: golden SQL per dialect for every
 * question shape (tests/fixtures/planner/<case>.<dialect>.sql; run with
 * SCOUT_UPDATE_GOLDEN=1 to rewrite them after an intended change), results of
 * the SQLite SQL on a generated Acme checked against hand-written SQL, literal
 * escaping, fan-out refusal and the row limit. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acme/acme.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/fsutil.h"
#include "planner/compile.h"
#include "planner/joins.h"
#include "planner/semantic.h"
#include "warehouse/warehouse.h"

/* The Acme tables the cases use, as the catalog describes them. */
typedef struct tspec {
    const char *fq, *grain, *cols; /* cols: "name:TYPE[:pk] ..." */
} tspec;

static const tspec TABLES[] = {
    {"finance.mart.revenue_daily", "day, region, country_code, plan",
     "day:TEXT region:TEXT country_code:TEXT plan:TEXT gross_revenue_usd:REAL refunds_usd:REAL "
     "net_revenue_usd:REAL customers:INTEGER"},
    {"finance.mart.plus_subscribers_daily", "unique: day",
     "day:TEXT paid_plus_subscribers:INTEGER"},
    {"product.eng.request_latency_daily", NULL,
     "day:TEXT:pk service:TEXT:pk component:TEXT:pk requests:INTEGER p50_ms:REAL p95_ms:REAL "
     "avg_ms:REAL"},
    {"crm.raw.opportunities", NULL,
     "opportunity_id:INTEGER:pk account_id:INTEGER amount_usd:REAL close_date:TEXT "
     "created_date:TEXT is_closed:INTEGER name:TEXT owner_id:INTEGER stage_id:INTEGER type:TEXT"},
    {"crm.raw.accounts", NULL,
     "account_id:INTEGER:pk country_code:TEXT name:TEXT region:TEXT segment:TEXT owner_id:INTEGER"},
    {"crm.support.tickets", NULL,
     "ticket_id:INTEGER:pk account_id:INTEGER created_at:TEXT customer_id:INTEGER priority:TEXT "
     "region:TEXT resolved_at:TEXT status:TEXT"},
    {"finance.raw.invoices", NULL,
     "invoice_id:INTEGER:pk customer_id:INTEGER amount_usd:REAL issued_at:TEXT plan:TEXT "
     "status:TEXT"},
    {"finance.raw.customers", NULL,
     "customer_id:INTEGER:pk country_code:TEXT name:TEXT is_test:INTEGER segment:TEXT"},
    {"finance.raw.countries", NULL, "country_code:TEXT:pk country_name:TEXT region:TEXT"},
    {"product.eng.error_rates_daily", NULL,
     "day:TEXT service:TEXT requests:INTEGER errors:INTEGER error_rate:REAL"},
    {"finance.raw.refunds", NULL,
     "refund_id:INTEGER:pk invoice_id:INTEGER amount_usd:REAL reason:TEXT refunded_at:TEXT"},
    {"crm.mart.bookings_monthly", "month, segment",
     "month:TEXT segment:TEXT deals:INTEGER bookings_usd:REAL"},
    {"product.analytics.mau", "month", "month:TEXT mau:INTEGER"},
    {"product.eng.slo_targets", NULL, "service:TEXT component:TEXT p95_target_ms:REAL"},
    {"product.eng.slo_breaches_daily", NULL,
     "day:TEXT service:TEXT component:TEXT p95_ms:REAL p95_target_ms:REAL"},
};

static scout_joins_graph *acme_graph(void)
{
    scout_joins_graph *g = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_joins_graph_new(&g, &err), SCOUT_OK);
    for (size_t i = 0; i < sizeof TABLES / sizeof TABLES[0]; i++) {
        cr_assert_eq(scout_joins_add_table(g, TABLES[i].fq, TABLES[i].grain, &err), SCOUT_OK);
        char *cols = strdup(TABLES[i].cols);
        for (char *tok = cols; tok && *tok;) {
            char *space = strchr(tok, ' ');
            if (space) *space = '\0';
            char *type = strchr(tok, ':');
            *type++ = '\0';
            char *pk = strchr(type, ':');
            if (pk) *pk = '\0';
            cr_assert_eq(scout_joins_add_column(g, TABLES[i].fq, tok, type, pk != NULL, &err),
                         SCOUT_OK, "%s", err.msg);
            tok = space ? space + 1 : NULL;
        }
        free(cols);
    }
    scout_rc rc = SCOUT_OK;
    rc |= scout_joins_add_edge(g, "finance.raw.invoices", "customer_id", "finance.raw.customers",
                               "customer_id", "declared_fk", 1, NULL, &err);
    rc |= scout_joins_add_edge(g, "finance.raw.customers", "country_code", "finance.raw.countries",
                               "country_code", "declared_fk", 1, NULL, &err);
    rc |= scout_joins_add_edge(g, "finance.raw.refunds", "invoice_id", "finance.raw.invoices",
                               "invoice_id", "declared_fk", 1, NULL, &err);
    rc |= scout_joins_add_edge(g, "crm.raw.opportunities", "account_id", "crm.raw.accounts",
                               "account_id", "declared_fk", 1, NULL, &err);
    rc |= scout_joins_add_edge(g, "crm.support.tickets", "customer_id", "finance.raw.customers",
                               "customer_id", "query_log", 0.82, "query log: 5 runs", &err);
    rc |= scout_joins_add_metric(g, "net_revenue", "finance.mart.revenue_daily",
                                 "sum(net_revenue_usd)", NULL, "day", "month", &err);
    rc |= scout_joins_add_metric(g, "open_pipeline", "crm.raw.opportunities", "sum(amount_usd)",
                                 "[\"is_closed = 0\"]", "created_date", NULL, &err);
    rc |= scout_joins_add_metric(g, "support_tickets", "crm.support.tickets", "count(*)", NULL,
                                 "created_at", "month", &err);
    cr_assert_eq(rc, SCOUT_OK, "%s", err.msg);
    return g;
}

static char *fixture_path(const char *name)
{
    const char *root = getenv("SCOUT_FIXTURES");
    char rel[256];
    snprintf(rel, sizeof rel, "planner/%s", name);
    return scout_path_join(root ? root : "tests/fixtures", rel);
}

static char *read_fixture(const char *name)
{
    char *path = fixture_path(name);
    scout_buf b = SCOUT_BUF_INIT;
    scout_err err = {0};
    scout_rc rc = scout_buf_read_file(&b, path, &err);
    free(path);
    if (rc != SCOUT_OK) {
        scout_buf_free(&b);
        return NULL;
    }
    return scout_buf_take(&b);
}

static scout_compiled *compile_json(const char *json, scout_joins_graph *g, scout_dialect d,
                                    scout_err *err)
{
    scout_semantic *q = NULL;
    scout_rc rc = scout_semantic_parse(json, strlen(json), g, &q, err);
    if (rc != SCOUT_OK) return NULL;
    scout_compile_opts o = {.dialect = d, .max_rows = 10000};
    scout_compiled *c = NULL;
    rc = scout_compile_query(q, g, &o, &c, err);
    scout_semantic_free(q);
    return rc == SCOUT_OK ? c : NULL;
}

/* The case's SQL, or "ERROR: <message>" when the compiler refuses it (golden
 * files record refusals too). Caller frees. */
static char *compile_case(const char *name, scout_joins_graph *g, scout_dialect d)
{
    char file[128];
    snprintf(file, sizeof file, "cases/%s.json", name);
    char *json = read_fixture(file);
    cr_assert_not_null(json, "missing fixture %s", file);
    scout_err err = {0};
    scout_compiled *c = compile_json(json, g, d, &err);
    free(json);
    scout_buf b = SCOUT_BUF_INIT;
    if (c)
        scout_buf_puts(&b, c->sql);
    else
        scout_buf_printf(&b, "ERROR: %s", err.msg);
    scout_compile_free(c);
    return scout_buf_take(&b);
}

static const char *const CASES[] = {
    "emea_net_revenue_last_quarter",
    "emea_vs_previous_quarter",
    "revenue_by_region_prev_quarter",
    "top5_countries_growth",
    "refunds_march",
    "p95_by_component_14d",
    "error_rate_by_service_last_week",
    "plus_subscribers_monthly_last",
    "plus_subscribers_now",
    "avg_daily_subscribers_quarterly",
    "emea_vs_apac",
    "yesterday_vs_day_before",
    "weekly_tickets_by_region",
    "yearly_tickets",
    "open_pipeline_by_segment",
    "opps_between_like",
    "injection_values",
    "tickets_by_country_region",
    "invoices_with_refund_reason",
    "bookings_text_months_vs_last_quarter",
    "mau_text_month_last_year",
    "subscribers_added_this_year",
    "tickets_per_account_by_region",
    "open_share_by_priority",
    "avg_daily_revenue",
    "avg_hours_to_resolve_urgent",
    "list_components_over_target",
    "days_over_own_target",
};

Test(compile, golden_sql_per_dialect_for_every_question_shape)
{
    scout_joins_graph *g = acme_graph();
    bool update = getenv("SCOUT_UPDATE_GOLDEN") != NULL;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        for (int d = 0; d < 3; d++) {
            char *sql = compile_case(CASES[i], g, (scout_dialect)d);
            char file[160];
            snprintf(file, sizeof file, "%s.%s.sql", CASES[i], scout_dialect_name(d));
            if (update) {
                char *path = fixture_path(file);
                scout_buf b = SCOUT_BUF_INIT;
                scout_buf_printf(&b, "%s\n", sql);
                scout_err err = {0};
                cr_assert_eq(scout_write_file_atomic(path, b.data, b.len, &err), SCOUT_OK);
                scout_buf_free(&b);
                free(path);
            }
            char *want = read_fixture(file);
            cr_assert_not_null(want, "missing golden %s (SCOUT_UPDATE_GOLDEN=1 writes it)", file);
            size_t n = strlen(want);
            if (n && want[n - 1] == '\n') want[n - 1] = '\0';
            cr_expect_str_eq(sql, want, "%s differs:\n got: %s\nwant: %s", file, sql, want);
            free(want);
            /* Deterministic: compiling again gives the same bytes. */
            char *again = compile_case(CASES[i], g, (scout_dialect)d);
            cr_expect_str_eq(sql, again);
            free(again);
            free(sql);
        }
    }
    scout_joins_graph_free(g);
}

/* ---- execution on a generated Acme ---- */

static char *acme_dir;
static scout_config *acme_cfg;

static void acme_setup(void)
{
    char tmpl[] = "/tmp/scout-planner-XXXXXX";
    cr_assert_not_null(mkdtemp(tmpl));
    acme_dir = scout_strdup(tmpl);
    scout_acme_opts opts = {.seed = SCOUT_ACME_DEFAULT_SEED, .scale = 0.02};
    scout_err err = {0};
    cr_assert_eq(scout_acme_generate(acme_dir, &opts, NULL, &err), SCOUT_OK, "%s", err.msg);
    char *cfg = scout_path_join(acme_dir, "scout.yaml");
    cr_assert_eq(scout_config_load(cfg, &acme_cfg, &err), SCOUT_OK, "%s", err.msg);
    free(cfg);
}

static void acme_teardown(void)
{
    scout_config_free(acme_cfg);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", acme_dir);
    cr_expect_eq(system(cmd), 0);
    free(acme_dir);
}

/* Collects a result as text: rows joined by '\n', cells by '|', numbers
 * rounded to cents so float summation order does not matter. */
static scout_rc on_row(void *ud, int n, const scout_value *v)
{
    scout_buf *b = ud;
    for (int i = 0; i < n; i++) {
        if (i) scout_buf_putc(b, '|');
        if (v[i].type == SCOUT_VAL_INT)
            scout_buf_printf(b, "%lld", (long long)v[i].i);
        else if (v[i].type == SCOUT_VAL_REAL)
            scout_buf_printf(b, "%.2f", round(v[i].d * 100) / 100);
        else if (v[i].type == SCOUT_VAL_TEXT)
            scout_buf_puts(b, v[i].s);
        else
            scout_buf_puts(b, "NULL");
    }
    scout_buf_putc(b, '\n');
    return 0;
}

static int row_cb(void *ud, int n, const scout_value *v)
{
    return on_row(ud, n, v) == SCOUT_OK ? 0 : 1;
}

static char *run(const char *source, const char *sql)
{
    scout_wh *wh = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_wh_open(scout_config_source(acme_cfg, source), &wh, &err), SCOUT_OK, "%s",
                 err.msg);
    scout_buf b = SCOUT_BUF_INIT;
    scout_rc rc = scout_wh_query(wh, sql, NULL, NULL, row_cb, &b, NULL, &err);
    cr_assert_eq(rc, SCOUT_OK, "%s\nsql: %s", err.msg, sql);
    scout_wh_close(wh);
    return scout_buf_take(&b);
}

static void check_against(const char *source, const char *json, const char *hand_sql)
{
    scout_joins_graph *g = acme_graph();
    scout_err err = {0};
    scout_compiled *c = compile_json(json, g, SCOUT_DIALECT_SQLITE, &err);
    cr_assert_not_null(c, "%s", err.msg);
    char *got = run(source, c->sql), *want = run(source, hand_sql);
    cr_assert_gt(strlen(want), 0, "the hand-written query returned nothing: %s", hand_sql);
    cr_expect_str_eq(got, want, "compiled: %s", c->sql);
    free(got);
    free(want);
    scout_compile_free(c);
    scout_joins_graph_free(g);
}

Test(compile_acme, emea_net_revenue_last_quarter, .init = acme_setup, .fini = acme_teardown,
     .timeout = 120)
{
    check_against("finance",
                  "{\"table\":\"finance.mart.revenue_daily\",\"measures\":[{\"metric\":"
                  "\"net_revenue\"}],\"filters\":[{\"column\":\"region\",\"op\":\"=\",\"value\":"
                  "\"EMEA\"}],\"time\":{\"column\":\"day\",\"start\":\"2026-07-01\",\"end\":"
                  "\"2026-09-30\"}}",
                  "SELECT sum(net_revenue_usd) FROM mart.revenue_daily WHERE region = 'EMEA' "
                  "AND day BETWEEN '2026-07-01' AND '2026-09-30'");
}

Test(compile_acme, previous_quarter_comparison_deltas_by_region, .init = acme_setup,
     .fini = acme_teardown, .timeout = 120)
{
    check_against(
        "finance",
        "{\"table\":\"finance.mart.revenue_daily\",\"measures\":[{\"agg\":\"sum\",\"column\":"
        "\"net_revenue_usd\",\"as\":\"rev\"}],\"dimensions\":[{\"column\":\"region\"}],"
        "\"time\":{\"column\":\"day\",\"start\":\"2026-07-01\",\"end\":\"2026-09-30\"},"
        "\"comparison\":{\"type\":\"previous_period\"},\"order_by\":[{\"key\":\"region\","
        "\"dir\":\"asc\"}]}",
        "SELECT a.region, a.r, b.r, a.r - b.r, (a.r - b.r) * 100.0 / b.r FROM"
        " (SELECT region, sum(net_revenue_usd) r FROM mart.revenue_daily WHERE day >= "
        "'2026-07-01' AND day <= '2026-09-30' GROUP BY region) a JOIN"
        " (SELECT region, sum(net_revenue_usd) r FROM mart.revenue_daily WHERE day >= "
        "'2026-04-01' AND day <= '2026-06-30' GROUP BY region) b USING (region) ORDER BY 1");
}

Test(compile_acme, top5_countries_by_growth_this_year, .init = acme_setup, .fini = acme_teardown,
     .timeout = 120)
{
    check_against(
        "finance",
        "{\"table\":\"finance.mart.revenue_daily\",\"measures\":[{\"agg\":\"sum\",\"column\":"
        "\"net_revenue_usd\",\"as\":\"rev\"}],\"dimensions\":[{\"column\":\"country_code\"}],"
        "\"time\":{\"column\":\"day\",\"start\":\"2026-01-01\",\"end\":\"2026-11-24\"},"
        "\"comparison\":{\"type\":\"previous_year\"},\"order_by\":[{\"key\":\"rev\",\"value\":"
        "\"delta\"}],\"limit\":5}",
        "SELECT a.country_code, a.r, b.r, a.r - b.r, (a.r - b.r) * 100.0 / b.r FROM"
        " (SELECT country_code, sum(net_revenue_usd) r FROM mart.revenue_daily WHERE day >= "
        "'2026-01-01' AND day <= '2026-11-24' GROUP BY 1) a JOIN"
        " (SELECT country_code, sum(net_revenue_usd) r FROM mart.revenue_daily WHERE day >= "
        "'2025-01-01' AND day <= '2025-11-24' GROUP BY 1) b USING (country_code)"
        " ORDER BY 4 DESC, 1 LIMIT 5");
}

Test(compile_acme, p95_by_component_last_14_days, .init = acme_setup, .fini = acme_teardown,
     .timeout = 120)
{
    check_against("product",
                  "{\"table\":\"product.eng.request_latency_daily\",\"measures\":[{\"agg\":"
                  "\"avg\",\"column\":\"p95_ms\"}],\"dimensions\":[{\"column\":\"component\"}],"
                  "\"time\":{\"column\":\"day\",\"start\":\"2026-11-11\",\"end\":"
                  "\"2026-11-24\"},\"order_by\":[{\"key\":\"component\",\"dir\":\"asc\"}]}",
                  "SELECT component, avg(p95_ms) FROM eng.request_latency_daily WHERE day "
                  "BETWEEN '2026-11-11' AND '2026-11-24' GROUP BY component ORDER BY component");
}

/* "tickets per account by region": count over distinct accounts, per region */
Test(compile_acme, tickets_per_account_by_region, .init = acme_setup, .fini = acme_teardown,
     .timeout = 120)
{
    check_against("crm",
                  "{\"table\":\"crm.support.tickets\",\"measures\":[{\"agg\":\"count_per\","
                  "\"per\":\"account_id\"}],\"dimensions\":[{\"column\":\"region\"}],\"order_by\":"
                  "[{\"key\":\"region\",\"dir\":\"asc\"}]}",
                  "SELECT region, 1.0 * count(*) / count(DISTINCT account_id) FROM support.tickets "
                  "GROUP BY region ORDER BY region");
}

/* "share of tickets still open, by priority": the condition is no filter */
Test(compile_acme, share_of_open_tickets_by_priority, .init = acme_setup, .fini = acme_teardown,
     .timeout = 120)
{
    check_against(
        "crm",
        "{\"table\":\"crm.support.tickets\",\"measures\":[{\"agg\":\"share\",\"where\":"
        "{\"column\":\"status\",\"op\":\"=\",\"value\":\"open\"}}],\"dimensions\":[{"
        "\"column\":\"priority\"}],\"order_by\":[{\"key\":\"priority\",\"dir\":\"asc\"}]}",
        "SELECT priority, avg(CASE WHEN status = 'open' THEN 1.0 ELSE 0 END) FROM "
        "support.tickets GROUP BY priority ORDER BY priority");
}

Test(compile_acme, refunds_in_march, .init = acme_setup, .fini = acme_teardown, .timeout = 120)
{
    check_against("finance",
                  "{\"table\":\"finance.mart.revenue_daily\",\"measures\":[{\"agg\":\"sum\","
                  "\"column\":\"refunds_usd\"}],\"time\":{\"column\":\"day\",\"start\":"
                  "\"2026-03-01\",\"end\":\"2026-03-31\"}}",
                  "SELECT sum(refunds_usd) FROM mart.revenue_daily WHERE day LIKE '2026-03-%'");
}

Test(compile_acme, subscribers_at_month_end_not_summed, .init = acme_setup, .fini = acme_teardown,
     .timeout = 120)
{
    check_against(
        "finance",
        "{\"table\":\"finance.mart.plus_subscribers_daily\",\"measures\":[{\"agg\":\"sum\","
        "\"column\":\"paid_plus_subscribers\",\"as\":\"subs\",\"over_time\":\"last\"}],"
        "\"time\":{\"column\":\"day\",\"start\":\"2026-01-01\",\"end\":\"2026-10-31\","
        "\"grain\":\"month\"}}",
        "SELECT substr(day, 1, 7), paid_plus_subscribers FROM mart.plus_subscribers_daily"
        " WHERE day IN (SELECT max(day) FROM mart.plus_subscribers_daily WHERE day BETWEEN "
        "'2026-01-01' AND '2026-10-31' GROUP BY substr(day, 1, 7)) ORDER BY day");
}

Test(compile_acme, one_to_many_filter_becomes_a_semi_join, .init = acme_setup,
     .fini = acme_teardown, .timeout = 120)
{
    check_against("finance",
                  "{\"table\":\"finance.raw.invoices\",\"measures\":[{\"agg\":\"sum\",\"column\":"
                  "\"amount_usd\"},{\"agg\":\"count\"}],\"filters\":[{\"table\":"
                  "\"finance.raw.refunds\",\"column\":\"amount_usd\",\"op\":\">\",\"value\":0}]}",
                  "SELECT sum(amount_usd), count(*) FROM raw.invoices WHERE invoice_id IN "
                  "(SELECT invoice_id FROM raw.refunds WHERE amount_usd > 0)");
}

Test(compile_acme, hostile_values_stay_values, .init = acme_setup, .fini = acme_teardown,
     .timeout = 120)
{
    /* Each value must reach the engine as one literal: no rows match, and
     * the statement neither fails nor runs anything else. */
    const char *vals[] = {"EMEA' OR '1'='1", "x'); DROP TABLE revenue_daily; --",
                          "back\\\\slash\\\\' OR 1=1 --", "\\\"quoted\\\" \\u00e9\\u6771",
                          "%' OR region LIKE '%"};
    scout_joins_graph *g = acme_graph();
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char json[512];
        snprintf(json, sizeof json,
                 "{\"table\":\"finance.mart.revenue_daily\",\"measures\":[{\"agg\":\"count\"}],"
                 "\"filters\":[{\"column\":\"region\",\"op\":\"=\",\"value\":\"%s\"}]}",
                 vals[i]);
        scout_err err = {0};
        scout_compiled *c = compile_json(json, g, SCOUT_DIALECT_SQLITE, &err);
        cr_assert_not_null(c, "%s: %s", vals[i], err.msg);
        char *got = run("finance", c->sql);
        cr_expect_str_eq(got, "0\n", "value %s matched rows: %s", vals[i], c->sql);
        free(got);
        scout_compile_free(c);
    }
    char *rows = run("finance", "SELECT count(*) > 0 FROM mart.revenue_daily");
    cr_expect_str_eq(rows, "1\n", "the table is still there");
    free(rows);
    scout_joins_graph_free(g);
}

/* ---- refusals, literals and limits ---- */

Test(compile, sum_over_a_one_to_many_dimension_join_is_refused)
{
    scout_joins_graph *g = acme_graph();
    scout_err err = {0};
    scout_compiled *c = compile_json(
        "{\"table\":\"finance.raw.invoices\",\"measures\":[{\"agg\":\"sum\",\"column\":"
        "\"amount_usd\"}],\"dimensions\":[{\"table\":\"finance.raw.refunds\",\"column\":"
        "\"reason\"}]}",
        g, SCOUT_DIALECT_SQLITE, &err);
    cr_assert_null(c);
    cr_expect(strstr(err.msg, "inflate") && strstr(err.msg, "finance.raw.refunds.invoice_id"), "%s",
              err.msg);
    /* Count distinct ignores repeated rows, so the same join is allowed and flagged. */
    c = compile_json("{\"table\":\"finance.raw.invoices\",\"measures\":[{\"agg\":"
                     "\"count_distinct\",\"column\":\"invoice_id\"}],\"dimensions\":[{\"table\":"
                     "\"finance.raw.refunds\",\"column\":\"reason\"}]}",
                     g, SCOUT_DIALECT_SQLITE, &err);
    cr_assert_not_null(c, "%s", err.msg);
    cr_expect(c->fanout_risk);
    scout_compile_free(c);
    scout_joins_graph_free(g);
}

static char *literal(scout_dialect d, const char *s)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_err err = {0};
    cr_assert_eq(scout_dialect_string(d, s, &b, &err), SCOUT_OK, "%s", err.msg);
    return scout_buf_take(&b);
}

Test(compile, string_literals_are_escaped_per_dialect)
{
    const char *in = "it's a \\ test";
    char *s = literal(SCOUT_DIALECT_SQLITE, in), *p = literal(SCOUT_DIALECT_POSTGRES, in),
         *k = literal(SCOUT_DIALECT_CLICKHOUSE, in);
    cr_expect_str_eq(s, "'it''s a \\ test'");
    cr_expect_str_eq(p, "E'it''s a \\\\ test'");
    cr_expect_str_eq(k, "'it\\'s a \\\\ test'");
    free(s);
    free(p);
    free(k);
    scout_buf b = SCOUT_BUF_INIT;
    scout_err err = {0};
    cr_expect_eq(scout_dialect_string(SCOUT_DIALECT_SQLITE, "bad \xff utf8", &b, &err),
                 SCOUT_EUSER);
    scout_buf_free(&b);
}

Test(compile, limit_is_capped_by_max_rows_and_result_columns_are_described)
{
    scout_joins_graph *g = acme_graph();
    scout_semantic *q = NULL;
    scout_err err = {0};
    const char *json = "{\"table\":\"finance.mart.revenue_daily\",\"measures\":[{\"agg\":\"sum\","
                       "\"column\":\"net_revenue_usd\",\"as\":\"rev\"}],\"dimensions\":[{"
                       "\"column\":\"region\"}],\"time\":{\"column\":\"day\",\"start\":"
                       "\"2026-07-01\",\"end\":\"2026-09-30\",\"label\":\"last quarter\"},"
                       "\"comparison\":{\"type\":\"previous_period\"},\"limit\":500}";
    cr_assert_eq(scout_semantic_parse(json, strlen(json), g, &q, &err), SCOUT_OK, "%s", err.msg);
    scout_compile_opts o = {.dialect = SCOUT_DIALECT_SQLITE, .max_rows = 100};
    scout_compiled *c = NULL;
    cr_assert_eq(scout_compile_query(q, g, &o, &c, &err), SCOUT_OK, "%s", err.msg);
    cr_expect(strstr(c->sql, " LIMIT 100") != NULL, "%s", c->sql);
    cr_assert_eq(c->n_cols, 5);
    cr_expect_str_eq(c->cols[0].name, "region");
    cr_expect_eq(c->cols[0].role, SCOUT_ROLE_DIMENSION);
    cr_expect_str_eq(c->cols[1].name, "rev_current");
    cr_expect_str_eq(c->cols[1].label, "last quarter");
    cr_expect_str_eq(c->cols[2].label, "2026-04-01..2026-06-30");
    cr_expect_eq(c->cols[3].role, SCOUT_ROLE_DELTA);
    cr_expect_str_eq(c->cols[4].name, "rev_pct_change");
    bool noted = false;
    for (size_t i = 0; i < c->n_notes; i++)
        noted |= strstr(c->notes[i], "2026-04-01..2026-06-30") != NULL;
    cr_expect(noted, "the previous period is stated");
    scout_compile_free(c);
    scout_semantic_free(q);
    scout_joins_graph_free(g);
}

Test(compile_acme, a_quarter_on_text_months_compares_with_the_quarter_before, .init = acme_setup,
     .fini = acme_teardown, .timeout = 120)
{
    /* "bookings this quarter vs last quarter" on a table whose period column
     * holds 'YYYY-MM' text: both sides are string ranges of whole months. */
    check_against(
        "crm",
        "{\"table\":\"crm.mart.bookings_monthly\",\"measures\":[{\"agg\":\"sum\",\"column\":"
        "\"bookings_usd\",\"as\":\"b\"}],\"time\":{\"column\":\"month\",\"start\":\"2026-10-01\","
        "\"end\":\"2026-11-24\",\"holds\":\"month\"},\"comparison\":{\"type\":\"period\","
        "\"start\":\"2026-07-01\",\"end\":\"2026-09-30\"}}",
        "SELECT c.v, p.v, c.v - p.v, (c.v - p.v) * 100.0 / p.v FROM"
        " (SELECT sum(bookings_usd) v FROM mart.bookings_monthly WHERE month IN ('2026-10', "
        "'2026-11')) c, (SELECT sum(bookings_usd) v FROM mart.bookings_monthly WHERE month IN "
        "('2026-07', '2026-08', '2026-09')) p");
}

Test(compile, text_periods_cannot_take_a_grain)
{
    scout_joins_graph *g = acme_graph();
    scout_err err = {0};
    scout_compiled *c = compile_json(
        "{\"table\":\"product.analytics.mau\",\"measures\":[{\"agg\":\"sum\",\"column\":\"mau\"}],"
        "\"time\":{\"column\":\"month\",\"start\":\"2026-01-01\",\"end\":\"2026-11-24\","
        "\"holds\":\"month\",\"grain\":\"month\"}}",
        g, SCOUT_DIALECT_SQLITE, &err);
    cr_assert_null(c);
    cr_assert(strstr(err.msg, "time.grain") != NULL, "%s", err.msg);
    scout_joins_graph_free(g);
}

Test(compile_acme, a_level_added_over_a_period_is_last_minus_first, .init = acme_setup,
     .fini = acme_teardown, .timeout = 120)
{
    /* "paid Plus subscribers added since the start of the year", and month
     * by month: the level at each period's last day minus at its first. */
    check_against("finance",
                  "{\"table\":\"finance.mart.plus_subscribers_daily\",\"measures\":[{\"agg\":"
                  "\"sum\",\"column\":\"paid_plus_subscribers\",\"over_time\":\"change\"}],"
                  "\"time\":{\"column\":\"day\",\"start\":\"2026-01-01\",\"end\":\"2026-11-24\"}}",
                  "SELECT (SELECT paid_plus_subscribers FROM mart.plus_subscribers_daily WHERE day "
                  "= '2026-11-24') - (SELECT paid_plus_subscribers FROM "
                  "mart.plus_subscribers_daily WHERE day = '2026-01-01')");
    check_against("finance",
                  "{\"table\":\"finance.mart.plus_subscribers_daily\",\"measures\":[{\"agg\":"
                  "\"sum\",\"column\":\"paid_plus_subscribers\",\"over_time\":\"change\"}],"
                  "\"time\":{\"column\":\"day\",\"start\":\"2026-09-01\",\"end\":\"2026-10-31\","
                  "\"grain\":\"month\"}}",
                  "SELECT substr(l.day, 1, 7), l.paid_plus_subscribers - f.paid_plus_subscribers "
                  "FROM mart.plus_subscribers_daily l JOIN mart.plus_subscribers_daily f ON "
                  "substr(f.day, 1, 7) = substr(l.day, 1, 7) AND f.day = substr(l.day, 1, 8) || "
                  "'01' WHERE l.day IN ('2026-09-30', '2026-10-31') ORDER BY 1");
}

/* "average hours to resolve urgent tickets": each ticket's time from
 * creation to resolution, averaged; unresolved tickets do not count */
Test(compile_acme, a_duration_averages_the_time_between_two_columns, .init = acme_setup,
     .fini = acme_teardown, .timeout = 120)
{
    check_against("crm",
                  "{\"table\":\"crm.support.tickets\",\"measures\":[{\"agg\":\"avg\",\"column\":"
                  "\"resolved_at\",\"from\":\"created_at\",\"unit\":\"hour\"}],\"dimensions\":"
                  "[{\"column\":\"priority\"}],\"order_by\":[{\"key\":\"priority\",\"dir\":"
                  "\"asc\"}]}",
                  "SELECT priority, avg((strftime('%s', resolved_at) - strftime('%s', created_at)) "
                  "/ 3600.0) FROM support.tickets WHERE resolved_at IS NOT NULL GROUP BY priority "
                  "ORDER BY priority");
}

Test(compile, a_duration_needs_its_unit_and_an_adding_aggregate)
{
    scout_joins_graph *g = acme_graph();
    scout_err err = {0};
    scout_compiled *c = compile_json("{\"table\":\"crm.support.tickets\",\"measures\":[{\"agg\":"
                                     "\"avg\",\"column\":\"resolved_at\",\"from\":"
                                     "\"created_at\"}]}",
                                     g, SCOUT_DIALECT_SQLITE, &err);
    cr_expect_null(c);
    cr_expect(strstr(err.msg, "measures[0].unit: required") != NULL, "%s", err.msg);
    c = compile_json("{\"table\":\"crm.support.tickets\",\"measures\":[{\"agg\":"
                     "\"count_distinct\",\"column\":\"resolved_at\",\"from\":\"created_at\","
                     "\"unit\":\"day\"}]}",
                     g, SCOUT_DIALECT_SQLITE, &err);
    cr_expect_null(c);
    cr_expect(strstr(err.msg, "sum, avg, min or max") != NULL, "%s", err.msg);
    c = compile_json("{\"table\":\"crm.support.tickets\",\"measures\":[{\"agg\":\"max\","
                     "\"column\":\"resolved_at\",\"from\":\"opened_at\",\"unit\":\"day\"}]}",
                     g, SCOUT_DIALECT_SQLITE, &err);
    cr_expect_null(c);
    cr_expect(strstr(err.msg, "unknown column 'opened_at'") != NULL, "%s", err.msg);
    scout_joins_graph_free(g);
}

/* "which components have a p95 target above 200 ms": no measure, the
 * distinct rows of the dimensions that pass the filters */
Test(compile_acme, a_listing_returns_the_distinct_rows_that_pass_the_filters, .init = acme_setup,
     .fini = acme_teardown, .timeout = 120)
{
    check_against("product",
                  "{\"table\":\"product.eng.slo_targets\",\"dimensions\":[{\"column\":"
                  "\"service\"},{\"column\":\"component\"}],\"filters\":[{\"column\":"
                  "\"p95_target_ms\",\"op\":\">\",\"value\":200}]}",
                  "SELECT DISTINCT service, component FROM eng.slo_targets WHERE p95_target_ms > "
                  "200 ORDER BY service, component");
}

Test(compile, a_listing_cannot_compare_and_needs_a_dimension)
{
    scout_joins_graph *g = acme_graph();
    scout_err err = {0};
    scout_compiled *c = compile_json("{\"table\":\"product.eng.slo_targets\",\"filters\":[{"
                                     "\"column\":\"p95_target_ms\",\"op\":\">\",\"value\":200}]}",
                                     g, SCOUT_DIALECT_SQLITE, &err);
    cr_expect_null(c);
    cr_expect(strstr(err.msg, "to list rows, a dimension") != NULL, "%s", err.msg);
    c = compile_json("{\"table\":\"finance.mart.revenue_daily\",\"dimensions\":[{\"column\":"
                     "\"region\"}],\"time\":{\"column\":\"day\",\"start\":\"2026-10-01\","
                     "\"end\":\"2026-10-31\"},\"comparison\":{\"type\":\"previous_period\"}}",
                     g, SCOUT_DIALECT_SQLITE, &err);
    cr_expect_null(c);
    cr_expect(strstr(err.msg, "needs a measure to compare") != NULL, "%s", err.msg);
    scout_joins_graph_free(g);
}

/* "days the composer model component broke its SLO": a column compared with
 * another column of the same row (p95_ms > p95_target_ms) */
Test(compile_acme, a_filter_compares_a_column_with_another_of_the_same_row, .init = acme_setup,
     .fini = acme_teardown, .timeout = 120)
{
    check_against("product",
                  "{\"table\":\"product.eng.slo_breaches_daily\",\"dimensions\":[{\"column\":"
                  "\"day\"},{\"column\":\"p95_ms\"}],\"filters\":[{\"column\":\"service\",\"op\":"
                  "\"=\",\"value\":\"composer\"},{\"column\":\"p95_ms\",\"op\":\">\",\"than\":"
                  "\"p95_target_ms\"}]}",
                  "SELECT DISTINCT day, p95_ms FROM eng.slo_breaches_daily WHERE service = "
                  "'composer' AND p95_ms > p95_target_ms ORDER BY day, p95_ms");
}

Test(compile, a_column_comparison_needs_a_known_column_a_comparison_and_no_value)
{
    scout_joins_graph *g = acme_graph();
    scout_err err = {0};
    const char *head = "{\"table\":\"product.eng.slo_breaches_daily\",\"dimensions\":[{\"column\":"
                       "\"day\"}],\"filters\":[{\"column\":\"p95_ms\",";
    char json[512];
    snprintf(json, sizeof json, "%s\"op\":\">\",\"than\":\"p99_ms\"}]}", head);
    scout_compiled *c = compile_json(json, g, SCOUT_DIALECT_SQLITE, &err);
    cr_expect_null(c);
    cr_expect(strstr(err.msg, "filters[0].than") && strstr(err.msg, "unknown column 'p99_ms'"),
              "%s", err.msg);
    snprintf(json, sizeof json, "%s\"op\":\"in\",\"than\":\"p95_target_ms\"}]}", head);
    c = compile_json(json, g, SCOUT_DIALECT_SQLITE, &err);
    cr_expect_null(c);
    cr_expect(strstr(err.msg, "needs op") != NULL, "%s", err.msg);
    snprintf(json, sizeof json, "%s\"op\":\">\",\"than\":\"p95_target_ms\",\"value\":3}]}", head);
    c = compile_json(json, g, SCOUT_DIALECT_SQLITE, &err);
    cr_expect_null(c);
    cr_expect(strstr(err.msg, "cannot be combined with 'value'") != NULL, "%s", err.msg);
    scout_joins_graph_free(g);
}
