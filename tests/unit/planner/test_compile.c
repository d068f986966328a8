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
    {"finance.raw.refunds", NULL,
     "refund_id:INTEGER:pk invoice_id:INTEGER amount_usd:REAL reason:TEXT refunded_at:TEXT"},
};

static scout_joins_graph *acme_graph(void)
{
    scout_joins_graph *g = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_joins_graph_new(&g, &err), SCOUT_OK);
    for (size_t i = 0; i < sizeof TABLES / sizeof TABLES[0]; i++) {
        cr_assert_eq(scout_joins_add_table(g, TABLES[i].fq, TABLES[i].grain, &err), SCOUT_OK);
        char *cols = strdup(TABLES[i].cols), *save = NULL;
        for (char *tok = strtok_r(cols, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
            char *type = strchr(tok, ':');
            *type++ = '\0';
            char *pk = strchr(type, ':');
            if (pk) *pk = '\0';
            cr_assert_eq(scout_joins_add_column(g, TABLES[i].fq, tok, type, pk != NULL, &err),
                         SCOUT_OK, "%s", err.msg);
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
