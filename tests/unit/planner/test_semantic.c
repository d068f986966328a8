/* Tests for the semantic query: strict parsing, validation messages that
 * name the JSON path, catalog name checks, canonical round trip, dates. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "planner/joins.h"
#include "planner/semantic.h"

static scout_joins_graph *small_graph(void)
{
    scout_joins_graph *g = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_joins_graph_new(&g, &err), SCOUT_OK);
    const char *fq = "finance.mart.revenue_daily";
    cr_assert_eq(scout_joins_add_table(g, fq, "day, region", &err), SCOUT_OK);
    const char *cols[] = {"day", "region", "net_revenue_usd"};
    for (int i = 0; i < 3; i++)
        cr_assert_eq(scout_joins_add_column(g, fq, cols[i], "TEXT", false, &err), SCOUT_OK);
    cr_assert_eq(scout_joins_add_metric(g, "net_revenue", fq, "sum(net_revenue_usd)", NULL, "day",
                                        "month", &err),
                 SCOUT_OK);
    return g;
}

/* Parses json and returns the error message ("" when it parsed). */
static char *error_of(const char *json, bool with_graph)
{
    scout_joins_graph *g = with_graph ? small_graph() : NULL;
    scout_semantic *q = NULL;
    scout_err err = {0};
    scout_rc rc = scout_semantic_parse(json, strlen(json), g, &q, &err);
    scout_semantic_free(q);
    scout_joins_graph_free(g);
    return strdup(rc == SCOUT_OK ? "" : err.msg);
}

#define BASE "\"table\":\"finance.mart.revenue_daily\""
#define SUM  "\"measures\":[{\"agg\":\"sum\",\"column\":\"net_revenue_usd\"}]"

static void expect_error(const char *json, bool graph, const char *want)
{
    char *msg = error_of(json, graph);
    cr_expect_str_eq(msg, want, "for %s", json);
    free(msg);
}

Test(semantic, errors_name_the_json_path)
{
    expect_error("{" BASE ",\"measures\":[{\"agg\":\"sum\",\"column\":\"revenu\"}]}", true,
                 "measures[0].column: unknown column 'revenu' in finance.mart.revenue_daily");
    expect_error("{" BASE "," SUM ",\"colour\":1}", false, "colour: unknown key 'colour'");
    expect_error("{" BASE ",\"measures\":[{\"agg\":\"median\",\"column\":\"x\"}]}", false,
                 "measures[0].agg: unknown value 'median'");
    expect_error("{" BASE ",\"measures\":[]}", false,
                 "measures: at least one measure (or, to list rows, a dimension) is required");
    expect_error("{" BASE "}", false,
                 "measures: at least one measure (or, to list rows, a dimension) is required");
    expect_error("{" BASE "," SUM ",\"limit\":0}", false, "limit: must be between 1 and 10000");
    expect_error("{" BASE "," SUM ",\"limit\":10001}", false, "limit: must be between 1 and 10000");
    expect_error("{" BASE "," SUM ",\"limit\":\"5\"}", false, "limit: must be an integer");
    expect_error("{" BASE "," SUM ",\"filters\":[{\"column\":\"region\",\"op\":\"~\",\"value\":"
                 "\"x\"}]}",
                 false, "filters[0].op: unknown value '~'");
    expect_error("{" BASE "," SUM ",\"filters\":[{\"column\":\"region\",\"op\":\"in\",\"value\":"
                 "\"EMEA\"}]}",
                 false, "filters[0].value: must be an array with op 'in'");
    expect_error("{" BASE "," SUM ",\"filters\":[{\"column\":\"region\",\"op\":\"between\","
                 "\"value\":[1]}]}",
                 false, "filters[0].value: must hold exactly two values");
    expect_error("{" BASE "," SUM ",\"filters\":[{\"column\":\"region\",\"op\":\"=\",\"value\":"
                 "null}]}",
                 false, "filters[0].value: null is not a value; use op 'is null'");
    expect_error("{" BASE "," SUM ",\"filters\":[{\"column\":\"region\",\"op\":\"=\",\"value\":"
                 "{\"a\":1}}]}",
                 false, "filters[0].value: must be a string, number or boolean");
    expect_error("{" BASE "," SUM ",\"time\":{\"column\":\"day\",\"start\":\"2026-02-30\"}}", false,
                 "time.start: '2026-02-30' is not a YYYY-MM-DD date");
    expect_error("{" BASE "," SUM ",\"time\":{\"column\":\"day\",\"start\":\"2026-03-01\","
                 "\"end\":\"2026-01-01\"}}",
                 false, "time.end: 2026-01-01 is before time.start 2026-03-01");
    expect_error("{" BASE "," SUM ",\"time\":{\"column\":\"day\",\"grain\":\"hour\"}}", false,
                 "time.grain: unknown value 'hour'");
    expect_error("{" BASE "," SUM ",\"comparison\":{\"type\":\"previous_period\"}}", false,
                 "comparison: 'previous_period' needs time.start and time.end");
    expect_error("{" BASE "," SUM ",\"order_by\":[{\"key\":\"nope\"}]}", false,
                 "order_by[0].key: 'nope' is not a measure or dimension of this query");
    expect_error("{" BASE "," SUM ",\"order_by\":[{\"key\":\"sum_net_revenue_usd\",\"value\":"
                 "\"delta\"}]}",
                 false, "order_by[0].value: 'delta' needs a comparison and a measure key");
    expect_error("{\"table\":\"revenue_daily\"," SUM "}", false,
                 "table: must be source.schema.table");
    expect_error("{\"table\":\"finance.mart.nope\"," SUM "}", true,
                 "table: unknown table 'finance.mart.nope'");
    expect_error("{" BASE ",\"measures\":[{\"metric\":\"gross\"}]}", true,
                 "measures[0].metric: unknown metric 'gross'");
    expect_error("{" BASE "," SUM ",\"dimensions\":[{\"column\":\"regoin\"}]}", true,
                 "dimensions[0].column: unknown column 'regoin' in finance.mart.revenue_daily");
    expect_error("{" BASE ",\"measures\":[{\"agg\":\"sum\",\"column\":\"a\"},{\"agg\":\"sum\","
                 "\"column\":\"a\"}]}",
                 false, "measures[1]: duplicate name 'sum_a'; set 'as'");
    expect_error("{" BASE ",\"measures\":[{\"agg\":\"ratio\",\"column\":\"refunds_usd\"}]}", false,
                 "measures[0].per: required for agg 'ratio'");
    expect_error("{" BASE ",\"measures\":[{\"agg\":\"ratio\",\"column\":\"net_revenue_usd\","
                 "\"per\":\"gros\"}]}",
                 true, "measures[0].per: unknown column 'gros' in finance.mart.revenue_daily");
    expect_error("{" BASE ",\"measures\":[{\"agg\":\"sum\",\"column\":\"refunds_usd\","
                 "\"per\":\"gross_revenue_usd\"}]}",
                 false, "measures[0].per: only aggs 'ratio' and 'count_per' take a denominator");
    expect_error("{" BASE ",\"measures\":[{\"agg\":\"count_per\"}]}", false,
                 "measures[0].per: required for agg 'count_per'");
    expect_error("{" BASE ",\"measures\":[{\"agg\":\"share\"}]}", false,
                 "measures[0].where: required for agg 'share'");
    expect_error("{" BASE ",\"measures\":[{\"agg\":\"sum\",\"column\":\"net_revenue_usd\","
                 "\"where\":{\"column\":\"region\",\"op\":\"=\",\"value\":\"EMEA\"}}]}",
                 false, "measures[0].where: only agg 'share' takes one");
    expect_error("{" BASE ",\"measures\":[{\"agg\":\"share\",\"where\":{\"column\":\"regoin\","
                 "\"op\":\"=\",\"value\":\"EMEA\"}}]}",
                 true,
                 "measures[0].where.column: unknown column 'regoin' in finance.mart.revenue_daily");
    expect_error("[1,2]", false, "semantic query: must be a JSON object");
    expect_error("{" BASE "," SUM ",\"version\":2}", false, "version: must be 1");
}

Test(semantic, values_that_are_too_long_or_hold_nul_are_refused)
{
    size_t n = SCOUT_SEMANTIC_VALUE_MAX + 10;
    scout_buf b = SCOUT_BUF_INIT;
    scout_buf_puts(&b, "{" BASE "," SUM ",\"filters\":[{\"column\":\"region\",\"op\":\"=\","
                       "\"value\":\"");
    for (size_t i = 0; i < n; i++) scout_buf_putc(&b, 'x');
    scout_buf_puts(&b, "\"}]}");
    char *msg = error_of(b.data, false);
    cr_expect_str_eq(msg, "filters[0].value: too long (more than 1000 bytes)");
    free(msg);
    scout_buf_free(&b);
    msg = error_of("{" BASE "," SUM ",\"filters\":[{\"column\":\"region\",\"op\":\"=\",\"value\":"
                   "\"a\\u0000b\"}]}",
                   false);
    cr_expect(strstr(msg, "invalid json") || strstr(msg, "NUL"), "%s", msg);
    free(msg);
}

Test(semantic, canonical_json_round_trips_and_keeps_assumptions)
{
    const char *json =
        "{\"assumptions\":[\"last quarter = 2026-07-01..2026-09-30\"],\"limit\":5," BASE
        ",\"measures\":[{\"metric\":\"net_revenue\"}],\"dimensions\":[{\"column\":\"region\"}],"
        "\"time\":{\"start\":\"2026-07-01\",\"end\":\"2026-09-30\",\"label\":\"last quarter\"},"
        "\"comparison\":{\"type\":\"previous_year\"},\"order_by\":[{\"key\":\"net_revenue\","
        "\"value\":\"pct_change\",\"dir\":\"asc\"}],\"filters\":[{\"column\":\"region\",\"op\":"
        "\"not in\",\"value\":[\"NA\",1,2.5,true]}]}";
    scout_joins_graph *g = small_graph();
    scout_semantic *q = NULL, *q2 = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_semantic_parse(json, strlen(json), g, &q, &err), SCOUT_OK, "%s", err.msg);
    cr_expect_eq(q->comparison.type, SCOUT_CMP_PREVIOUS_YEAR);
    cr_expect_str_eq(q->measures[0].as, "net_revenue");
    cr_expect_str_eq(q->assumptions[0], "last quarter = 2026-07-01..2026-09-30");
    scout_buf a = SCOUT_BUF_INIT, b = SCOUT_BUF_INIT;
    cr_assert_eq(scout_semantic_to_json(q, &a, &err), SCOUT_OK);
    cr_assert_eq(scout_semantic_parse(a.data, a.len, g, &q2, &err), SCOUT_OK, "%s: %s", err.msg,
                 a.data);
    cr_assert_eq(scout_semantic_to_json(q2, &b, &err), SCOUT_OK);
    cr_expect_str_eq(a.data, b.data);
    cr_expect(strncmp(a.data, "{\"version\":1,\"table\":", 21) == 0, "%s", a.data);
    scout_buf_free(&a);
    scout_buf_free(&b);
    scout_semantic_free(q);
    scout_semantic_free(q2);
    scout_joins_graph_free(g);
}

Test(semantic, share_and_count_per_round_trip_with_derived_names)
{
    const char *json =
        "{" BASE ",\"measures\":[{\"agg\":\"share\",\"where\":{\"column\":\"region\",\"op\":"
        "\"in\",\"value\":[\"EMEA\",\"APAC\"]}},{\"agg\":\"count_per\",\"per\":\"region\"}]}";
    scout_joins_graph *g = small_graph();
    scout_semantic *q = NULL, *q2 = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_semantic_parse(json, strlen(json), g, &q, &err), SCOUT_OK, "%s", err.msg);
    cr_expect_str_eq(q->measures[0].as, "share_region");
    cr_expect_str_eq(q->measures[1].as, "count_per_region");
    cr_expect_eq(q->measures[0].where->n_values, 2);
    scout_buf a = SCOUT_BUF_INIT, b = SCOUT_BUF_INIT;
    cr_assert_eq(scout_semantic_to_json(q, &a, &err), SCOUT_OK);
    cr_expect(strstr(a.data, "\"where\":{\"column\":\"region\",\"op\":\"in\""), "%s", a.data);
    cr_assert_eq(scout_semantic_parse(a.data, a.len, g, &q2, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_semantic_to_json(q2, &b, &err), SCOUT_OK);
    cr_expect_str_eq(a.data, b.data);
    scout_buf_free(&a);
    scout_buf_free(&b);
    scout_semantic_free(q);
    scout_semantic_free(q2);
    scout_joins_graph_free(g);
}

Test(semantic, date_arithmetic_handles_month_ends_and_leap_years)
{
    char out[11];
    cr_assert(scout_semantic_date_add_days("2024-02-28", 1, out));
    cr_expect_str_eq(out, "2024-02-29");
    cr_assert(scout_semantic_date_add_days("2026-01-01", -1, out));
    cr_expect_str_eq(out, "2025-12-31");
    cr_assert(scout_semantic_date_add_months("2026-03-31", -1, out));
    cr_expect_str_eq(out, "2026-02-28");
    cr_assert(scout_semantic_date_add_months("2026-07-01", -3, out));
    cr_expect_str_eq(out, "2026-04-01");
    cr_expect_not(scout_semantic_date_add_days("2026-13-01", 1, out));
}
