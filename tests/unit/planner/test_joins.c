/* Tests for the join planner: cheapest trusted path, fan-out detection from
 * keys and grain, no paths across warehouses, loading from a catalog. */
#include <criterion/criterion.h>
#include <string.h>

#include "planner/joins.h"

static scout_joins_graph *graph(void)
{
    scout_joins_graph *g = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_joins_graph_new(&g, &err), SCOUT_OK);
    scout_rc rc = SCOUT_OK;
    rc |= scout_joins_add_table(g, "f.raw.invoices", NULL, &err);
    rc |= scout_joins_add_column(g, "f.raw.invoices", "invoice_id", "INTEGER", true, &err);
    rc |= scout_joins_add_column(g, "f.raw.invoices", "customer_id", "INTEGER", false, &err);
    rc |= scout_joins_add_column(g, "f.raw.invoices", "country_code", "TEXT", false, &err);
    rc |= scout_joins_add_table(g, "f.raw.customers", "unique: customer_id", &err);
    rc |= scout_joins_add_column(g, "f.raw.customers", "customer_id", "INTEGER", false, &err);
    rc |= scout_joins_add_column(g, "f.raw.customers", "country_code", "TEXT", false, &err);
    rc |= scout_joins_add_table(g, "f.raw.countries", NULL, &err);
    rc |= scout_joins_add_column(g, "f.raw.countries", "country_code", "TEXT", true, &err);
    rc |= scout_joins_add_table(g, "f.raw.refunds", NULL, &err);
    rc |= scout_joins_add_column(g, "f.raw.refunds", "refund_id", "INTEGER", true, &err);
    rc |= scout_joins_add_column(g, "f.raw.refunds", "invoice_id", "INTEGER", false, &err);
    rc |= scout_joins_add_table(g, "crm.support.tickets", NULL, &err);
    rc |= scout_joins_add_column(g, "crm.support.tickets", "customer_id", "INTEGER", false, &err);
    /* Declared and code keys, plus a tempting but weaker query-log shortcut. */
    rc |= scout_joins_add_edge(g, "f.raw.invoices", "customer_id", "f.raw.customers", "customer_id",
                               "declared_fk", 1, NULL, &err);
    rc |= scout_joins_add_edge(g, "f.raw.customers", "country_code", "f.raw.countries",
                               "country_code", "code", 0.9, "models/dim.sql:4", &err);
    rc |= scout_joins_add_edge(g, "f.raw.invoices", "country_code", "f.raw.countries",
                               "country_code", "query_log", 0.3, "query log: 1 run", &err);
    rc |= scout_joins_add_edge(g, "f.raw.refunds", "invoice_id", "f.raw.invoices", "invoice_id",
                               "declared_fk", 1, NULL, &err);
    rc |= scout_joins_add_edge(g, "crm.support.tickets", "customer_id", "f.raw.customers",
                               "customer_id", "query_log", 0.9, NULL, &err);
    cr_assert_eq(rc, SCOUT_OK, "%s", err.msg);
    return g;
}

Test(joins, picks_the_declared_and_code_path_over_a_weak_query_log_shortcut)
{
    scout_joins_graph *g = graph();
    scout_joins_plan *p = NULL;
    scout_err err = {0};
    const char *t[] = {"f.raw.countries"};
    cr_assert_eq(scout_joins_plan_paths(g, "f.raw.invoices", t, 1, &p, &err), SCOUT_OK, "%s",
                 err.msg);
    cr_assert_eq(p->n_steps, 2);
    cr_expect_str_eq(p->steps[0].to_table, "f.raw.customers");
    cr_expect_str_eq(p->steps[0].origin, "declared_fk");
    cr_expect_str_eq(p->steps[1].to_table, "f.raw.countries");
    cr_expect_str_eq(p->steps[1].from_column, "country_code");
    cr_expect_str_eq(p->steps[1].origin, "code");
    cr_expect_not(p->fanout_risk, "both joins land on unique keys");
    scout_joins_plan_free(p);
    scout_joins_graph_free(g);
}

Test(joins, flags_fan_out_when_the_far_key_is_not_unique)
{
    scout_joins_graph *g = graph();
    scout_joins_plan *p = NULL;
    scout_err err = {0};
    const char *t[] = {"f.raw.refunds"};
    cr_assert_eq(scout_joins_plan_paths(g, "f.raw.invoices", t, 1, &p, &err), SCOUT_OK);
    cr_assert_eq(p->n_steps, 1);
    cr_expect(p->steps[0].fanout);
    cr_expect(p->fanout_risk);
    cr_expect(strstr(p->reason, "f.raw.refunds.invoice_id is not a unique key") != NULL, "%s",
              p->reason);
    scout_joins_plan_free(p);
    scout_joins_graph_free(g);
}

Test(joins, never_joins_across_warehouses)
{
    scout_joins_graph *g = graph();
    scout_joins_plan *p = NULL;
    scout_err err = {0};
    const char *t[] = {"f.raw.customers"};
    cr_expect_eq(scout_joins_plan_paths(g, "crm.support.tickets", t, 1, &p, &err), SCOUT_ENOTFOUND);
    cr_expect_str_eq(err.msg, "no join path from crm.support.tickets to f.raw.customers");
    cr_expect_null(p);
    scout_joins_graph_free(g);
}

Test(joins, grain_text_gives_unique_keys)
{
    scout_joins_graph *g = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_joins_graph_new(&g, &err), SCOUT_OK);
    cr_assert_eq(scout_joins_add_table(g, "a.b.daily", "day, region; unique: id", &err), SCOUT_OK);
    const char *dr[] = {"region", "day"}, *d[] = {"day"}, *id[] = {"id"};
    cr_expect(scout_joins_is_unique(g, "a.b.daily", dr, 2));
    cr_expect_not(scout_joins_is_unique(g, "a.b.daily", d, 1));
    cr_expect(scout_joins_is_unique(g, "a.b.daily", id, 1));
    scout_joins_graph_free(g);
}
