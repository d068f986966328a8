/* dbt loader: Acme's manifest (relations, columns, owners, tests,
 * deprecations), the file fallback (models/ SQL + schema.yml +
 * dbt_project.yml), relationships tests and malformed manifests. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acme/acme.h"
#include "base/buf.h"
#include "base/fsutil.h"
#include "catalog/dbt.h"
#include "support/fixtures.h"

static char g_dir[64];

static void make_tmp(void)
{
    scout_strlcpy(g_dir, "/tmp/scout-dbt-XXXXXX", sizeof g_dir);
    cr_assert_not_null(mkdtemp(g_dir));
}

static void gen_acme(void)
{
    make_tmp();
    scout_acme_opts opts = {.seed = SCOUT_ACME_DEFAULT_SEED, .scale = 0.02};
    scout_err err = {0};
    cr_assert_eq(scout_acme_generate(g_dir, &opts, NULL, &err), SCOUT_OK, "%s", err.msg);
}

static void cleanup(void)
{
    test_rm_rf(g_dir);
}

/* Writes text to dir/rel, creating parent folders. */
static void put(const char *rel, const char *text)
{
    char *path = scout_path_join(g_dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    scout_err err = {0};
    cr_assert_eq(scout_mkdir_p(path, &err), SCOUT_OK);
    *slash = '/';
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
    free(path);
}

static scout_dbt_project *load(const char *rel)
{
    char *dir = scout_path_join(g_dir, rel);
    scout_dbt_project *p = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_dbt_load(dir, &p, &err), SCOUT_OK, "load failed: %s", err.msg);
    free(dir);
    return p;
}

static const scout_dbt_column *column(const scout_dbt_node *n, const char *name)
{
    for (size_t i = 0; i < n->n_columns; i++)
        if (!strcmp(n->columns[i].name, name)) return &n->columns[i];
    return NULL;
}

static bool has_dep(const scout_dbt_node *n, const char *id)
{
    for (size_t i = 0; i < n->n_depends_on; i++)
        if (!strcmp(n->depends_on[i], id)) return true;
    return false;
}

/* What both the manifest and the file fallback must get right on Acme. */
static void check_acme(const scout_dbt_project *p)
{
    const scout_dbt_node *rd = scout_dbt_find(p, "revenue_daily");
    cr_assert_not_null(rd);
    cr_assert_str_eq(rd->fqname, "finance.mart.revenue_daily");
    cr_assert_str_eq(rd->resource_type, "model");
    cr_assert_str_eq(rd->owner, "finance-data");
    cr_assert_not_null(rd->raw_sql);
    cr_assert_not_null(strstr(rd->raw_sql, "ref('stg_invoices')"));
    cr_assert_not(rd->deprecated);
    const scout_dbt_column *day = column(rd, "day");
    cr_assert_not_null(day);
    cr_assert_not_null(day->description);
    cr_assert_not_null(column(rd, "net_revenue_usd"));
    cr_assert(has_dep(rd, "model.acme.stg_invoices"));

    const scout_dbt_node *v1 = scout_dbt_find(p, "model.acme.revenue_daily_v1");
    cr_assert_not_null(v1);
    cr_assert_str_eq(v1->fqname, "finance.archive.revenue_daily_v1");
    cr_assert(v1->deprecated);
    cr_assert_not_null(v1->deprecated_reason);
    cr_assert_not_null(strstr(v1->deprecated_reason, "double-counts refunds"), "%s",
                       v1->deprecated_reason);
    cr_assert_str_eq(v1->replaced_by, "finance.mart.revenue_daily");
    cr_assert_str_eq(scout_dbt_resolve_fqname(p, v1->replaced_by), "finance.mart.revenue_daily");

    /* The Plus-subscriber model is renamed by its config(alias=...). */
    const scout_dbt_node *plus = scout_dbt_find(p, "finance_plus_subscribers_daily");
    cr_assert_not_null(plus);
    cr_assert_str_eq(plus->fqname, "finance.mart.plus_subscribers_daily");

    const scout_dbt_node *src = scout_dbt_find_source(p, "crm_raw", "accounts");
    cr_assert_not_null(src);
    cr_assert_str_eq(src->fqname, "crm.raw.accounts");
    cr_assert_str_eq(src->owner, "revops");
    cr_assert_null(src->raw_sql);
    cr_assert_str_eq(scout_dbt_resolve_fqname(p, "source('crm_raw', 'accounts')"),
                     "crm.raw.accounts");
    cr_assert_str_eq(scout_dbt_resolve_fqname(p, "ref('revenue_daily')"),
                     "finance.mart.revenue_daily");
    cr_assert_null(scout_dbt_resolve_fqname(p, "ref('no_such_model')"));
    cr_assert_str_eq(scout_dbt_resolve_fqname(p, "mart.revenue_daily"),
                     "finance.mart.revenue_daily");
}

/* The first model with a unique + not_null tested column (Acme tests keys). */
static bool has_key_test(const scout_dbt_project *p)
{
    for (size_t i = 0; i < p->n_nodes; i++)
        for (size_t c = 0; c < p->nodes[i].n_columns; c++)
            if (p->nodes[i].columns[c].unique && p->nodes[i].columns[c].not_null) return true;
    return false;
}

Test(dbt, acme_manifest, .init = gen_acme, .fini = cleanup, .timeout = 120)
{
    scout_dbt_project *p = load("dbt");
    cr_assert_not_null(p->manifest_path);
    cr_assert_str_eq(p->name, "acme");
    cr_assert_gt(p->n_nodes, 100);
    check_acme(p);
    cr_assert(has_key_test(p));
    const scout_dbt_node *rd = scout_dbt_find(p, "revenue_daily");
    cr_assert_not_null(rd->compiled_sql);
    cr_assert_str_eq(rd->materialized, "table");
    scout_dbt_free(p);
}

Test(dbt, acme_from_files_without_manifest, .init = gen_acme, .fini = cleanup, .timeout = 120)
{
    char *m = scout_path_join(g_dir, "dbt/target/manifest.json");
    cr_assert_eq(unlink(m), 0);
    free(m);
    scout_dbt_project *p = load("dbt");
    cr_assert_null(p->manifest_path);
    cr_assert_str_eq(p->name, "acme");
    check_acme(p);
    cr_assert(has_key_test(p));
    /* Folder meta from dbt_project.yml reaches models whose YAML is silent. */
    const scout_dbt_node *rd = scout_dbt_find(p, "revenue_daily");
    cr_assert_str_eq(rd->materialized, "table");
    scout_dbt_free(p);
}

static const char SHOP_PROJECT[] = "name: shop\nmodels:\n  shop:\n    +meta:\n      owner: core\n";

Test(dbt, schema_yml_tests_relationships_and_folder_convention, .init = make_tmp, .fini = cleanup)
{
    put("p/dbt_project.yml", SHOP_PROJECT);
    put("p/models/wh/mart/orders.sql",
        "select o.id, o.customer_id from {{ source('raw', 'orders') }} o\n"
        "join {{ ref('customers') }} c on c.id = o.customer_id");
    put("p/models/wh/mart/customers.sql",
        "{{ config(schema='core', alias='dim_customers') }}\nselect 1 as id");
    put("p/models/top.sql", "select 1");
    put("p/models/wh/mart/schema.yml",
        "version: 2\n"
        "models:\n"
        "  - name: orders\n"
        "    description: One row per order.\n"
        "    tags: [sales, deprecated]\n"
        "    meta: {replaced_by: \"ref('customers')\", deprecated_reason: wrong grain}\n"
        "    columns:\n"
        "      - name: id\n"
        "        description: Order id.\n"
        "        tests: [unique, not_null]\n"
        "      - name: customer_id\n"
        "        data_tests:\n"
        "          - relationships: {to: \"ref('customers')\", field: id}\n"
        "  - name: customers\n"
        "    config: {alias: ignored_because_sql_config_wins}\n");
    put("p/models/sources.yml", "version: 2\nsources:\n"
                                "  - name: raw\n"
                                "    database: wh\n"
                                "    meta: {owner: platform}\n"
                                "    tables:\n"
                                "      - name: orders\n"
                                "        identifier: orders_v2\n"
                                "        description: Raw orders.\n");
    scout_dbt_project *p = load("p");
    const scout_dbt_node *o = scout_dbt_find(p, "orders");
    cr_assert_not_null(o);
    cr_assert_str_eq(o->unique_id, "model.shop.orders");
    cr_assert_str_eq(o->fqname, "wh.mart.orders");
    cr_assert_str_eq(o->owner, "core");
    cr_assert_str_eq(o->description, "One row per order.");
    cr_assert(o->deprecated);
    cr_assert_str_eq(o->deprecated_reason, "wrong grain");
    cr_assert_str_eq(scout_dbt_resolve_fqname(p, o->replaced_by), "wh.core.dim_customers");
    const scout_dbt_column *id = column(o, "id");
    cr_assert(id->unique && id->not_null);
    cr_assert_str_eq(column(o, "customer_id")->references, "wh.core.dim_customers.id");
    cr_assert(has_dep(o, "source.shop.raw.orders"));
    cr_assert(has_dep(o, "model.shop.customers"));
    cr_assert_str_eq(scout_dbt_find(p, "customers")->fqname, "wh.core.dim_customers");
    cr_assert_str_eq(scout_dbt_find(p, "top")->fqname, "shop.main.top");
    const scout_dbt_node *src = scout_dbt_find_source(p, "raw", "orders");
    cr_assert_str_eq(src->fqname, "wh.raw.orders_v2");
    cr_assert_str_eq(src->owner, "platform");
    scout_dbt_free(p);
}

static const char MINI_MANIFEST[] =
    "{\"metadata\": {\"project_name\": \"mini\"},\n"
    " \"nodes\": {\n"
    "  \"test.mini.rel\": {\"resource_type\": \"test\", \"unique_id\": \"test.mini.rel\",\n"
    "    \"name\": \"rel\", \"attached_node\": \"model.mini.b\",\n"
    "    \"test_metadata\": {\"name\": \"relationships\", \"kwargs\": {\"column_name\": \"a_id\",\n"
    "      \"to\": \"ref('a')\", \"field\": \"id\"}}},\n"
    "  \"model.mini.a\": {\"resource_type\": \"model\", \"unique_id\": \"model.mini.a\",\n"
    "    \"name\": \"a\", \"database\": \"w\", \"schema\": \"s\", \"alias\": \"a_tbl\",\n"
    "    \"raw_code\": \"select 1 as id\", \"columns\": {}, \"config\": {\"meta\": {\"owner\": "
    "\"x\"}}},\n"
    "  \"model.mini.b\": {\"resource_type\": \"model\", \"unique_id\": \"model.mini.b\",\n"
    "    \"name\": \"b\", \"database\": \"w\", \"schema\": \"s\", \"alias\": \"b\",\n"
    "    \"description\": \"\", \"raw_code\": \"select \\\"q\\\" {\",\n"
    "    \"columns\": {\"a_id\": {\"name\": \"a_id\", \"description\": \"\"}}}\n"
    " },\n"
    " \"sources\": {}, \"macros\": {\"m\": [1, {\"x\": \"}\"}]}\n"
    "}\n";

Test(dbt, manifest_relationships_and_odd_strings, .init = make_tmp, .fini = cleanup)
{
    put("p/target/manifest.json", MINI_MANIFEST);
    scout_dbt_project *p = load("p");
    cr_assert_eq(p->n_nodes, 2);
    const scout_dbt_node *b = scout_dbt_find(p, "b");
    cr_assert_str_eq(b->raw_sql, "select \"q\" {");
    cr_assert_null(b->description);
    cr_assert_str_eq(b->columns[0].references, "w.s.a_tbl.id");
    cr_assert_str_eq(scout_dbt_find(p, "a")->owner, "x");
    scout_dbt_free(p);
}

static void expect_error(const char *manifest, const char *where)
{
    put("p/target/manifest.json", manifest);
    char *dir = scout_path_join(g_dir, "p");
    scout_dbt_project *p = (scout_dbt_project *)1;
    scout_err err = {0};
    cr_assert_neq(scout_dbt_load(dir, &p, &err), SCOUT_OK);
    cr_assert_null(p);
    cr_assert_not_null(strstr(err.msg, "manifest.json:"), "%s", err.msg);
    cr_assert_not_null(strstr(err.msg, where), "expected %s in: %s", where, err.msg);
    free(dir);
}

Test(dbt, malformed_manifest_names_file_line_column, .init = make_tmp, .fini = cleanup)
{
    /* A bad value inside a node: line 3, column 36 (the stray 'x'). */
    expect_error("{\"nodes\": {\n"
                 "  \"model.p.a\": {\"name\": \"a\",\n"
                 "    \"resource_type\": \"model\", x}\n"
                 "}}\n",
                 ":3:");
    /* Truncated file. */
    expect_error("{\"nodes\": {\"model.p.a\": {\"name\": \"a\"", ":1:");
    /* Garbage after the top-level object. */
    expect_error("{\"nodes\": {}}\n]", ":2:");
}

Test(dbt, missing_project_is_an_error, .init = make_tmp, .fini = cleanup)
{
    char *dir = scout_path_join(g_dir, "nope");
    scout_dbt_project *p = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_dbt_load(dir, &p, &err), SCOUT_ENOTFOUND);
    cr_assert_not_null(strstr(err.msg, "nope"));
    mkdir(dir, 0755);
    cr_assert_eq(scout_dbt_load(dir, &p, &err), SCOUT_ENOTFOUND);
    cr_assert_not_null(strstr(err.msg, "no dbt project"), "%s", err.msg);
    free(dir);
}
