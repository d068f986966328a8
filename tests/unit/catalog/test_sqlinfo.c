/* sqlinfo: relations through CTEs, subqueries and unions, column lineage,
 * joins (ON, USING, implicit), readable filters, grain, and the tokenizer
 * fallback with the parser's message. */
#include <criterion/criterion.h>
#include <string.h>

#include "catalog/sqlinfo.h"

static scout_sql_info *analyze(const char *sql)
{
    scout_sql_info *in = NULL;
    scout_err err;
    cr_assert_eq(scout_sqlinfo_analyze(sql, &in, &err), SCOUT_OK, "%s", err.msg);
    return in;
}

static bool has_rel(const scout_sql_info *in, const char *name)
{
    for (size_t i = 0; i < in->n_rels; i++)
        if (!strcmp(in->rels[i].name, name)) return true;
    return false;
}

static const scout_sql_output *output(const scout_sql_info *in, const char *name)
{
    for (size_t i = 0; i < in->n_outputs; i++)
        if (!strcmp(in->outputs[i].name, name)) return &in->outputs[i];
    return NULL;
}

static bool has_source(const scout_sql_output *o, const char *table, const char *col)
{
    for (size_t i = 0; o && i < o->n_sources; i++)
        if (o->sources[i].table && !strcmp(o->sources[i].table, table) &&
            !strcmp(o->sources[i].column, col))
            return true;
    return false;
}

static bool has_filter(const scout_sql_info *in, const char *text)
{
    for (size_t i = 0; i < in->n_filters; i++)
        if (!strcmp(in->filters[i].text, text)) return true;
    return false;
}

static bool has_join(const scout_sql_info *in, const char *lt, const char *lc, const char *rt,
                     const char *rc)
{
    for (size_t i = 0; i < in->n_joins; i++) {
        const scout_sql_join *j = &in->joins[i];
        bool fw = !strcmp(j->left.table, lt) && !strcmp(j->left.column, lc) &&
                  !strcmp(j->right.table, rt) && !strcmp(j->right.column, rc);
        bool bw = !strcmp(j->left.table, rt) && !strcmp(j->left.column, rc) &&
                  !strcmp(j->right.table, lt) && !strcmp(j->right.column, lc);
        if (fw || bw) return true;
    }
    return false;
}

Test(sqlinfo, cte_names_are_not_tables_and_lineage_goes_through_them)
{
    scout_sql_info *in = analyze("with paid as (\n"
                                 "  select i.customer_id, sum(i.amount_usd) as total\n"
                                 "  from raw.invoices i where i.status = 'paid' group by 1\n"
                                 ")\n"
                                 "select c.region, p.total from paid p\n"
                                 "join raw.customers c on c.customer_id = p.customer_id");
    cr_assert(in->parsed);
    cr_assert_str_eq(in->kind, "select");
    cr_assert(in->is_select);
    cr_assert_eq(in->n_rels, 2);
    cr_assert(has_rel(in, "raw.invoices"));
    cr_assert(has_rel(in, "raw.customers"));
    cr_assert_not(has_rel(in, "paid"));
    const scout_sql_output *t = output(in, "total");
    cr_assert(has_source(t, "raw.invoices", "amount_usd"));
    cr_assert_str_eq(t->transform, "sum(amount_usd)");
    cr_assert(has_source(output(in, "region"), "raw.customers", "region"));
    cr_assert_null(output(in, "region")->transform);
    cr_assert(has_join(in, "raw.customers", "customer_id", "raw.invoices", "customer_id"));
    cr_assert(has_filter(in, "only status = 'paid'"));
    cr_assert_eq(in->rels[1].line, 6, "line %d", in->rels[1].line);
    scout_sqlinfo_free(in);
}

Test(sqlinfo, nested_subqueries_and_union_arms)
{
    scout_sql_info *in =
        analyze("select x.day, x.n from (select day, count(*) as n from (select * from a.events) e"
                " group by 1) x where x.day in (select day from a.holidays)"
                " union all select day, n from b.backfill");
    cr_assert(has_rel(in, "a.events"));
    cr_assert(has_rel(in, "a.holidays"));
    cr_assert(has_rel(in, "b.backfill"));
    cr_assert_eq(in->n_rels, 3);
    const scout_sql_output *day = output(in, "day");
    cr_assert(has_source(day, "b.backfill", "day"), "union arms merge sources");
    scout_sqlinfo_free(in);
}

Test(sqlinfo, window_functions_and_grain)
{
    scout_sql_info *in = analyze("select day, region, sum(amount) as amount,"
                                 " row_number() over (partition by region order by day) as rn"
                                 " from mart.sales group by day, region");
    cr_assert(in->parsed);
    cr_assert_eq(in->n_grain, 2);
    cr_assert_str_eq(in->grain[0], "day");
    cr_assert_str_eq(in->grain[1], "region");
    cr_assert(in->has_aggregate);
    const scout_sql_output *rn = output(in, "rn");
    cr_assert_not_null(rn);
    cr_assert(strstr(rn->transform, "row_number()"));
    scout_sqlinfo_free(in);

    in = analyze("select distinct customer_id from raw.orders");
    cr_assert(in->distinct);
    scout_sqlinfo_free(in);
}

Test(sqlinfo, joins_on_and_using)
{
    scout_sql_info *in = analyze("select * from crm.raw.accounts a"
                                 " join product.raw.users u on u.account_id = a.account_id"
                                 " join product.raw.events e using (user_id)"
                                 " where a.is_test = 0");
    cr_assert(has_join(in, "product.raw.users", "account_id", "crm.raw.accounts", "account_id"));
    cr_assert(has_rel(in, "product.raw.events"));
    bool using_seen = false;
    for (size_t i = 0; i < in->n_joins; i++)
        if (in->joins[i].is_using && !strcmp(in->joins[i].right.table, "product.raw.events") &&
            !strcmp(in->joins[i].right.column, "user_id"))
            using_seen = true;
    cr_assert(using_seen);
    cr_assert(in->select_star);
    cr_assert(in->has_join);
    scout_sqlinfo_free(in);
}

Test(sqlinfo, filters_read_as_text)
{
    scout_sql_info *in = analyze("select * from t where is_test = 0 and status in ('paid')"
                                 " and day <= '2026-11-24' and kind <> 'void'"
                                 " and deleted_at is null and email not like '%@acme.test'"
                                 " having count(*) > 5");
    cr_assert(has_filter(in, "excludes is_test = 1"));
    cr_assert(has_filter(in, "only status in ('paid')"));
    cr_assert(has_filter(in, "day <= '2026-11-24'"));
    cr_assert(has_filter(in, "excludes kind = 'void'"));
    cr_assert(has_filter(in, "only deleted_at is null"));
    cr_assert(has_filter(in, "excludes email like '%@acme.test'"));
    cr_assert(has_filter(in, "count(*) > 5"));
    for (size_t i = 0; i < in->n_filters; i++)
        if (!strcmp(in->filters[i].text, "excludes is_test = 1")) {
            cr_assert_eq(in->filters[i].n_columns, 1);
            cr_assert_str_eq(in->filters[i].columns[0].column, "is_test");
            cr_assert_str_eq(in->filters[i].columns[0].table, "t");
        }
    scout_sqlinfo_free(in);
}

Test(sqlinfo, writing_statements_report_target_and_kind)
{
    scout_sql_info *in = analyze("create table mart.x as select id from raw.y");
    cr_assert_str_eq(in->kind, "create_table_as");
    cr_assert_not(in->is_select);
    cr_assert_str_eq(in->target, "mart.x");
    cr_assert(has_rel(in, "raw.y"));
    scout_sqlinfo_free(in);
}

Test(sqlinfo, unparseable_falls_back_to_tokenizer_with_message)
{
    scout_sql_info *in = analyze("with c as (select 1)\nselect a from `db`.events e\n"
                                 "join users u on u.id = e.uid where");
    cr_assert_not(in->parsed);
    cr_assert_not_null(in->error);
    cr_assert(strstr(in->error, "syntax error"), "%s", in->error);
    cr_assert_eq(in->error_line, 2);
    cr_assert(has_rel(in, "db.events"));
    cr_assert(has_rel(in, "users"));
    cr_assert_not(has_rel(in, "c"));
    cr_assert_str_eq(in->kind, "select");
    scout_sqlinfo_free(in);
}

Test(sqlinfo, sqlite_and_clickhouse_functions_parse)
{
    scout_sql_info *in = analyze("select strftime('%Y-%m', day) as month, toStartOfMonth(ts),"
                                 " date(issued_at, '-8 hours') from x.y");
    cr_assert(in->parsed, "%s", in->error ? in->error : "");
    cr_assert(has_source(output(in, "month"), "x.y", "day"));
    scout_sqlinfo_free(in);
}

Test(sqlinfo, fingerprint_groups_shapes)
{
    char a[32], b[32], c[32];
    cr_assert(scout_sqlinfo_fingerprint("select * from t where x = 1", a, sizeof a));
    cr_assert(scout_sqlinfo_fingerprint("SELECT *  FROM t WHERE x = 42", b, sizeof b));
    cr_assert(scout_sqlinfo_fingerprint("select * from u where x = 1", c, sizeof c));
    cr_assert_str_eq(a, b);
    cr_assert_str_neq(a, c);
    cr_assert_not(scout_sqlinfo_fingerprint("select from where", a, sizeof a));
    char *n = scout_sqlinfo_normalize("select * from t where x = 1");
    cr_assert_str_eq(n, "select * from t where x = $1");
    free(n);
}

Test(sqlinfo, resolver_qualifies_without_catalog)
{
    scout_sqlinfo_resolver *r = scout_sqlinfo_resolver_new(NULL);
    cr_assert_str_eq(scout_sqlinfo_resolve(r, "finance", "raw.Invoices"), "finance.raw.invoices");
    cr_assert_str_eq(scout_sqlinfo_resolve(r, "finance", "crm.raw.accounts"), "crm.raw.accounts");
    cr_assert_str_eq(scout_sqlinfo_resolve(r, NULL, "orders"), "orders");
    cr_assert_str_eq(scout_sqlinfo_resolve(r, "finance", "\"raw\".\"x\""), "finance.raw.x");
    scout_sqlinfo_resolver_free(r);
}
