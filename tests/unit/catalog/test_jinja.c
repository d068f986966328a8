/* jinja: ref/source through the resolver, config kept but removed, this,
 * is_incremental branches, comments, and counted stripping. */
#include <criterion/criterion.h>
#include <string.h>

#include "catalog/jinja.h"

static bool resolve(void *ud, scout_jinja_call call, const char *a, const char *b, scout_buf *out)
{
    (void)ud;
    if (call == SCOUT_JINJA_REF && !b && !strcmp(a, "stg_invoices"))
        return scout_buf_puts(out, "finance.staging.stg_invoices") == SCOUT_OK;
    if (call == SCOUT_JINJA_REF && b && !strcmp(a, "pkg") && !strcmp(b, "dim_x"))
        return scout_buf_puts(out, "finance.mart.dim_x") == SCOUT_OK;
    if (call == SCOUT_JINJA_SOURCE && !strcmp(a, "finance_raw"))
        return scout_buf_printf(out, "finance.raw.%s", b) == SCOUT_OK;
    return false;
}

static scout_jinja_result render(const char *src)
{
    scout_jinja_opts o = {.resolve = resolve, .this_relation = "finance.mart.me"};
    scout_jinja_result r;
    scout_err err;
    cr_assert_eq(scout_jinja_render(src, &o, &r, &err), SCOUT_OK, "%s", err.msg);
    return r;
}

static int lines(const char *s)
{
    int n = 1;
    for (; *s; s++) n += *s == '\n';
    return n;
}

Test(jinja, ref_and_source_resolve)
{
    scout_jinja_result r = render("select * from {{ ref('stg_invoices') }} i\n"
                                  "join {{ source(\"finance_raw\", \"refunds\") }} r using (id)\n"
                                  "join {{ ref('pkg', 'dim_x') }} x using (id)\n"
                                  "join {{ ref('nowhere') }} n using (id)");
    cr_assert(strstr(r.sql, "from \"finance\".\"staging\".\"stg_invoices\" i"), "%s", r.sql);
    cr_assert(strstr(r.sql, "join \"finance\".\"raw\".\"refunds\" r"), "%s", r.sql);
    cr_assert(strstr(r.sql, "\"finance\".\"mart\".\"dim_x\""), "%s", r.sql);
    cr_assert(strstr(r.sql, "join \"nowhere\" n"), "%s", r.sql);
    cr_assert_eq(r.n_relations, 4);
    cr_assert_str_eq(r.relations[0], "finance.staging.stg_invoices");
    cr_assert_str_eq(r.relations[3], "nowhere");
    cr_assert_eq(r.unresolved, 1);
    cr_assert_eq(scout_jinja_stripped(&r), 0);
    scout_jinja_result_free(&r);
}

Test(jinja, config_is_parsed_and_removed)
{
    scout_jinja_result r = render(
        "{{ config(materialized='incremental', schema=\"mart\", alias='rev',"
        " tags=['finance', 'daily'], unique_key=var('k')) }}\nselect 1 as x from {{ this }}");
    cr_assert_str_eq(r.materialized, "incremental");
    cr_assert_str_eq(r.schema, "mart");
    cr_assert_str_eq(r.alias, "rev");
    cr_assert_eq(r.n_tags, 2);
    cr_assert_str_eq(r.tags[1], "daily");
    cr_assert_null(strstr(r.sql, "config"));
    cr_assert(strstr(r.sql, "from \"finance\".\"mart\".\"me\""), "%s", r.sql);
    cr_assert_eq(lines(r.sql), 2, "newlines kept");
    scout_jinja_result_free(&r);
}

Test(jinja, incremental_branch_dropped_and_lines_kept)
{
    scout_jinja_result r = render("select * from t\n"
                                  "{% if is_incremental() %}\n"
                                  "where ts > (select max(ts) from {{ this }})\n"
                                  "{% else %}\n"
                                  "where true\n"
                                  "{% endif %}\n"
                                  "-- end");
    cr_assert_null(strstr(r.sql, "max(ts)"), "%s", r.sql);
    cr_assert(strstr(r.sql, "where true"), "%s", r.sql);
    cr_assert_eq(r.incremental_blocks, 1);
    cr_assert_eq(lines(r.sql), 7);
    cr_assert_null(r.warning);
    scout_jinja_result_free(&r);
}

Test(jinja, comments_and_other_jinja_are_stripped_and_counted)
{
    scout_jinja_result r =
        render("{# a comment\n spanning lines #}\n{% set cols = ['a', 'b'] %}\n"
               "{% macro m(x) %}{{ x }}{% endmacro %}\n"
               "select {{ dbt_utils.star(from=ref('stg_invoices')) }}, '{{ var(\"d\") }}' as d\n"
               "from {{ ref('stg_invoices') }}\n"
               "{% for c in cols %} {{ c }} {% endfor %}\n"
               "{% if target.name == 'prod' %}where 1 = 1{% else %}where 2 = 2{% endif %}");
    cr_assert_eq(r.comments, 1);
    cr_assert(strstr(r.sql, "select __jinja__, '__jinja__' as d"), "%s", r.sql);
    cr_assert_null(strstr(r.sql, "macro"));
    cr_assert(strstr(r.sql, "where 1 = 1"), "%s", r.sql);
    cr_assert_null(strstr(r.sql, "where 2 = 2"), "%s", r.sql);
    cr_assert_geq(r.stripped_exprs, 3);
    cr_assert_geq(r.stripped_stmts, 3);
    cr_assert_eq(r.n_relations, 1, "star(from=ref()) still counts as a dependency");
    cr_assert_eq(lines(r.sql), 8);
    scout_jinja_result_free(&r);
}

Test(jinja, malformed_jinja_warns_without_failing)
{
    scout_jinja_result r = render("select 1\nfrom {{ ref('x')");
    cr_assert_not_null(r.warning);
    cr_assert(strstr(r.warning, "unterminated {{ at line 2"), "%s", r.warning);
    cr_assert(strstr(r.sql, "select 1"));
    scout_jinja_result_free(&r);

    r = render("{% if a %}select 1");
    cr_assert_not_null(r.warning);
    scout_jinja_result_free(&r);
}
