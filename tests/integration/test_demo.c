/* Drives `scout demo` end to end on a small Acme and checks what a user sees:
 * status counts, incremental re-index, tables and cards of key tables. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "support/proc.h"

static char *home;

static void demo_home(void)
{
    home = test_acme_home();
}

static void remove_home(void)
{
    test_rmdir(home);
    free(home);
}

static json_t *run_json(const char *a, const char *b)
{
    proc_result r = proc_scoutv("--home", home, "--json", a, b, NULL);
    cr_assert_eq(r.status, 0, "scout %s failed: %s", a, r.err);
    json_error_t je;
    json_t *o = json_loads(r.out, 0, &je);
    cr_assert_not_null(o, "scout %s --json printed invalid JSON: %s", a, je.text);
    proc_result_free(&r);
    return o;
}

static json_int_t count_of(json_t *status, const char *key)
{
    return json_integer_value(json_object_get(json_object_get(status, "counts"), key));
}

Test(demo, status_json_counts_the_indexed_acme_company, .init = demo_home, .fini = remove_home,
     .timeout = 300)
{
    json_t *st = run_json("status", NULL);
    cr_assert_geq(count_of(st, "tables"), 120, "Acme has at least 120 tables");
    cr_assert_geq(count_of(st, "columns"), 600);
    /* Layers 2-5 are not built by this release: their counts must be present and zero. */
    const char *later[] = {"described_tables", "lineage_edges", "join_keys",
                           "knowledge_chunks", "memories",      "sessions"};
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++) {
        json_t *v = json_object_get(json_object_get(st, "counts"), later[i]);
        cr_assert(json_is_integer(v), "counts.%s missing", later[i]);
    }
    json_t *sources = json_object_get(st, "sources");
    cr_assert_eq(json_array_size(sources), 3, "finance, product and crm");
    json_decref(st);
}

Test(demo, reindex_of_an_unchanged_warehouse_crawls_nothing, .init = demo_home, .fini = remove_home,
     .timeout = 300)
{
    json_t *ix = run_json("index", NULL);
    json_t *schema = json_object_get(ix, "schema");
    cr_assert_eq(json_integer_value(json_object_get(schema, "crawled")), 0);
    cr_assert_geq(json_integer_value(json_object_get(schema, "skipped")), 120);
    json_decref(ix);
}

Test(demo, lookalike_revenue_tables_are_all_listed_with_freshness, .init = demo_home,
     .fini = remove_home, .timeout = 300)
{
    json_t *t = run_json("tables", "revenue");
    bool mart = false, v1 = false;
    size_t i;
    json_t *row;
    json_array_foreach(t, i, row)
    {
        const char *name = json_string_value(json_object_get(row, "name"));
        if (!strcmp(name, "finance.mart.revenue_daily")) {
            mart = true;
            cr_assert_str_eq(json_string_value(json_object_get(row, "freshness")), "2026-11-24");
        }
        if (!strcmp(name, "finance.archive.revenue_daily_v1")) v1 = true;
    }
    cr_assert(mart && v1, "both the mart and its deprecated v1 lookalike are catalogued");
    json_decref(t);
}

Test(demo, card_of_the_revenue_mart_names_its_dimensions_and_values, .init = demo_home,
     .fini = remove_home, .timeout = 300)
{
    proc_result r = proc_scoutv("--home", home, "show", "finance.mart.revenue_daily", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "finance.mart.revenue_daily") != NULL);
    cr_assert(strstr(r.out, "EMEA") != NULL, "region values are on the card: %s", r.out);
    cr_assert(strstr(r.out, "2026-11-24") != NULL, "freshness is on the card");
    proc_result_free(&r);
}

Test(demo, demo_refuses_to_overwrite_a_config_it_did_not_write, .timeout = 60)
{
    home = test_tmpdir();
    proc_result r = proc_scoutv("--home", home, "init", NULL);
    cr_assert_eq(r.status, 0);
    proc_result_free(&r);
    r = proc_scoutv("--home", home, "demo", "--scale", "0.02", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "was not written by 'scout demo'") != NULL, "%s", r.err);
    proc_result_free(&r);
    remove_home();
}
