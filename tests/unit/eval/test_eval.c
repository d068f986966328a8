/* Tests for the eval harness: result comparison (multiset vs ordered,
 * tolerance, ints vs reals, NULLs, duplicates, column permutation), ORDER BY
 * detection, JSONL and Spider-style loading, judging with test-only
 * predictors, the report JSON, and the shipped Acme suite itself. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme/acme.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/fsutil.h"
#include "catalog/catalog.h"
#include "eval/eval.h"
#include "support/proc.h"

/* ---- a tiny warehouse for comparisons ---------------------------------- */

static char *g_dir;
static scout_config *g_cfg;
static scout_wh *g_wh;

static void exec_sql(const char *db_path, const char *sql)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(db_path, &db), SQLITE_OK, "%s", db_path);
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s", msg ? msg : "");
    sqlite3_close(db);
}

/* One sqlite source "shop" with a sales table, opened read-only. */
static void setup_wh(void)
{
    g_dir = test_tmpdir();
    char *db = scout_path_join(g_dir, "shop.db");
    exec_sql(db, "CREATE TABLE sales(region TEXT, amount REAL, units INTEGER);"
                 "INSERT INTO sales VALUES ('EMEA', 10.5, 1), ('EMEA', 20.25, 2), ('APAC', 7.0, 3),"
                 "('NA', 100.0, 4);");
    scout_buf y = SCOUT_BUF_INIT;
    scout_buf_printf(&y, "sources:\n  - name: shop\n    kind: sqlite\n    path: %s\n", db);
    char *cfg_path = scout_path_join(g_dir, "scout.yaml");
    scout_err err = {0};
    cr_assert_eq(scout_config_parse(y.data, y.len, cfg_path, &g_cfg, &err), SCOUT_OK, "%s",
                 err.msg);
    cr_assert_eq(scout_wh_open(&g_cfg->sources[0], &g_wh, &err), SCOUT_OK, "%s", err.msg);
    scout_buf_free(&y);
    free(cfg_path);
    free(db);
}

static void teardown_wh(void)
{
    scout_wh_close(g_wh);
    scout_config_free(g_cfg);
    test_rmdir(g_dir);
    free(g_dir);
}

static scout_eval_table *tab(const char *sql)
{
    scout_eval_table *t = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_eval_table_query(g_wh, sql, NULL, &t, &err), SCOUT_OK, "%s: %s", sql,
                 err.msg);
    return t;
}

/* Compares the results of two statements; why receives the reason. */
static bool same(const char *gold, const char *pred, bool ordered, char *why, size_t n)
{
    scout_eval_table *g = tab(gold), *p = tab(pred);
    bool eq = scout_eval_tables_equal(g, p, ordered, why, n);
    scout_eval_table_free(g);
    scout_eval_table_free(p);
    return eq;
}

static bool eq_unordered(const char *gold, const char *pred)
{
    char why[256];
    return same(gold, pred, false, why, sizeof why);
}

TestSuite(eval_compare, .init = setup_wh, .fini = teardown_wh);

Test(eval_compare, row_order_is_ignored_without_order_by)
{
    cr_assert(
        eq_unordered("VALUES (1, 'a'), (2, 'b'), (3, 'c')", "VALUES (3, 'c'), (1, 'a'), (2, 'b')"));
    cr_assert(
        eq_unordered("SELECT region, sum(amount) FROM sales GROUP BY region",
                     "SELECT region, sum(amount) FROM sales GROUP BY region ORDER BY 2 DESC"));
}

Test(eval_compare, order_matters_when_gold_orders)
{
    char why[256];
    cr_assert_not(
        same("VALUES (1, 'a'), (2, 'b')", "VALUES (2, 'b'), (1, 'a')", true, why, sizeof why));
    cr_assert(strstr(why, "row 1") != NULL, "%s", why);
    cr_assert(
        same("VALUES (1, 'a'), (2, 'b')", "VALUES (1, 'a'), (2, 'b')", true, why, sizeof why));
}

Test(eval_compare, numbers_within_tolerance_are_equal)
{
    cr_assert(eq_unordered("SELECT 1000000.0", "SELECT 1000000.5"), "relative 5e-7");
    cr_assert_not(eq_unordered("SELECT 1000000.0", "SELECT 1000002.0"), "relative 2e-6");
    cr_assert(eq_unordered("SELECT 0.0", "SELECT 0.0000000001"), "absolute 1e-10");
    cr_assert_not(eq_unordered("SELECT 0.0", "SELECT 0.00001"));
    /* Float noise from summing in another order. */
    cr_assert(
        eq_unordered("SELECT sum(amount) FROM sales",
                     "SELECT sum(amount) FROM (SELECT amount FROM sales ORDER BY amount DESC)"));
}

Test(eval_compare, ints_equal_reals_of_the_same_value)
{
    cr_assert(eq_unordered("SELECT 3", "SELECT 3.0"));
    cr_assert(eq_unordered("SELECT count(*) FROM sales", "SELECT 4.0"));
    cr_assert_not(eq_unordered("SELECT 3", "SELECT '3'"), "text is not a number");
}

Test(eval_compare, nulls_equal_only_nulls)
{
    cr_assert(eq_unordered("SELECT NULL, 1", "SELECT NULL, 1"));
    cr_assert_not(eq_unordered("SELECT NULL", "SELECT 0"));
    cr_assert_not(eq_unordered("SELECT NULL", "SELECT ''"));
}

Test(eval_compare, duplicates_count)
{
    char why[256];
    cr_assert_not(same("VALUES (1), (1), (2)", "VALUES (1), (2), (2)", false, why, sizeof why));
    cr_assert(strstr(why, "not in the predicted result") != NULL, "%s", why);
    cr_assert_not(same("VALUES (1), (1)", "VALUES (1)", false, why, sizeof why));
    cr_assert(strstr(why, "rows") != NULL, "%s", why);
}

Test(eval_compare, column_permutation_is_accepted)
{
    cr_assert(eq_unordered("SELECT region, sum(amount) FROM sales GROUP BY region",
                           "SELECT sum(amount) AS total, region FROM sales GROUP BY region"));
    /* Same columns in another order, but the rows pair them differently. */
    cr_assert_not(eq_unordered("VALUES ('a', 1), ('b', 2)", "VALUES (2, 'a'), (1, 'b')"));
    char why[256];
    cr_assert(same("SELECT region, units FROM sales ORDER BY units",
                   "SELECT units, region FROM sales ORDER BY units", true, why, sizeof why));
}

Test(eval_compare, column_count_must_match)
{
    char why[256];
    cr_assert_not(same("SELECT region FROM sales", "SELECT region, amount FROM sales", false, why,
                       sizeof why));
    cr_assert(strstr(why, "columns") != NULL, "%s", why);
}

Test(eval_compare, empty_results_are_equal)
{
    cr_assert(eq_unordered("SELECT region FROM sales WHERE 0", "SELECT units FROM sales WHERE 0"));
}

Test(eval_orders, detects_top_level_order_by_only)
{
    cr_assert(scout_eval_sql_orders("select a from t order by a"));
    cr_assert(scout_eval_sql_orders("SELECT a FROM t ORDER\n  BY a DESC LIMIT 5"));
    cr_assert_not(scout_eval_sql_orders("select a from t"));
    cr_assert_not(scout_eval_sql_orders("select * from (select a from t order by a)"));
    cr_assert_not(scout_eval_sql_orders("with x as (select a from t order by a) select * from x"));
    cr_assert_not(scout_eval_sql_orders("select row_number() over (order by a) from t"));
    cr_assert_not(scout_eval_sql_orders("select 'order by' from t"));
    cr_assert_not(scout_eval_sql_orders("-- order by a\nselect a from t"));
    cr_assert_not(scout_eval_sql_orders("select a as \"order\" from t /* order by */"));
    cr_assert_not(scout_eval_sql_orders("select reorder by_x from t"));
}

/* ---- JSONL loading ------------------------------------------------------ */

static char *write_suite(const char *dir, const char *name, const char *text)
{
    char *p = scout_path_join(dir, name);
    test_write_file(p, text);
    return p;
}

static void expect_load_error(const char *text, const char *needle)
{
    char *dir = test_tmpdir();
    char *p = write_suite(dir, "suite.jsonl", text);
    scout_eval_suite *s = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_eval_load_jsonl(p, &s, &err), SCOUT_EUSER, "loaded: %s", text);
    cr_assert_null(s);
    cr_assert(strstr(err.msg, needle) != NULL, "'%s' not in '%s'", needle, err.msg);
    free(p);
    test_rmdir(dir);
    free(dir);
}

#define GOOD "{\"question\": \"q\", \"gold_sql\": \"select 1\", \"source\": \"shop\"}"

Test(eval_jsonl, malformed_lines_fail_with_file_and_line)
{
    expect_load_error(GOOD "\n\n{\"question\": \"q\", \n", "suite.jsonl:3: invalid JSON");
    expect_load_error(GOOD "\n{\"question\": \"q\", \"source\": \"shop\"}\n",
                      "suite.jsonl:2: missing 'gold_sql'");
    expect_load_error("[1, 2]\n", "suite.jsonl:1: expected an object");
    expect_load_error("{\"question\": \"q\", \"gold\": \"select 1\", \"source\": \"shop\"}\n",
                      "suite.jsonl:1: unknown key 'gold'");
    expect_load_error(GOOD "\n" GOOD
                           "\n{\"question\": \"\", \"gold_sql\": \"x\", \"source\": \"s\"}\n",
                      "suite.jsonl:3: 'question' must be a non-empty string");
    expect_load_error(
        "{\"question\": \"q\", \"gold_sql\": \"x\", \"source\": \"s\", \"tags\": \"t\"}\n",
        "suite.jsonl:1: 'tags' must be an array");
    expect_load_error("# only a comment\n\n", "no questions");
}

Test(eval_jsonl, loads_fields_and_derives_tables_from_gold_sql)
{
    char *dir = test_tmpdir();
    char *p = write_suite(
        dir, "suite.jsonl",
        "# comment lines and blank lines are skipped\n\n"
        "{\"question\": \"revenue by region\", \"gold_sql\": \"select r.region, sum(x) from "
        "mart.revenue r join raw.countries c on c.code = r.code group by 1\", \"source\": "
        "\"finance\", \"tags\": [\"Finance\", \"by_dimension\"]}\n"
        "{\"question\": \"q2\", \"gold_sql\": \"select 1 from t\", \"source\": \"shop\", "
        "\"tables\": [\"main.T\", \"other.s.u\"]}\n");
    scout_eval_suite *s = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_eval_load_jsonl(p, &s, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_eval_suite_count(s), 2);
    const scout_eval_case *c = scout_eval_suite_case(s, 0);
    cr_assert_str_eq(c->id, "suite.jsonl:3");
    cr_assert_str_eq(c->source, "finance");
    cr_assert_eq(c->n_tables, 2);
    cr_assert_str_eq(c->tables[0], "finance.mart.revenue");
    cr_assert_str_eq(c->tables[1], "finance.raw.countries");
    cr_assert_eq(c->n_tags, 2);
    cr_assert_str_eq(c->tags[0], "finance", "tags are lower-cased");
    c = scout_eval_suite_case(s, 1);
    cr_assert_eq(c->n_tables, 2);
    cr_assert_str_eq(c->tables[0], "shop.main.t");
    cr_assert_str_eq(c->tables[1], "other.s.u");
    cr_assert_null(scout_eval_suite_home(s));
    cr_assert_null(scout_eval_suite_config(s));
    scout_eval_suite_free(s);
    free(p);
    test_rmdir(dir);
    free(dir);
}

/* ---- test-only predictors ----------------------------------------------- */

static char **copy_tables(const scout_eval_case *c, size_t *n)
{
    char **t = calloc(c->n_tables + 1, sizeof *t);
    for (size_t i = 0; i < c->n_tables; i++) t[i] = scout_strdup(c->tables[i]);
    *n = c->n_tables;
    return t;
}

/* Answers with the gold SQL and the gold tables. */
static scout_rc predict_gold(void *ud, const scout_eval_case *c, scout_eval_prediction *out,
                             scout_err *err)
{
    out->sql = scout_strdup(c->gold_sql);
    out->tables = copy_tables(c, &out->n_tables);
    out->confidence = 0.9;
    return SCOUT_OK;
}

/* Answers from a per-question script: the question text is a key into ud, a
 * JSON object {question: {"sql": ..., "tables": [...], "latency": ms, "fail": bool}}. */
static scout_rc predict_scripted(void *ud, const scout_eval_case *c, scout_eval_prediction *out,
                                 scout_err *err)
{
    json_t *a = json_object_get(ud, c->question);
    if (json_is_true(json_object_get(a, "fail")))
        return scout_err_set(err, SCOUT_EINTERNAL, "planner crashed");
    out->sql = scout_strdup(json_string_value(json_object_get(a, "sql")));
    json_t *t = json_object_get(a, "tables");
    out->n_tables = json_array_size(t);
    out->tables = calloc(out->n_tables + 1, sizeof *out->tables);
    for (size_t i = 0; i < out->n_tables; i++)
        out->tables[i] = scout_strdup(json_string_value(json_array_get(t, i)));
    out->latency_ms = json_number_value(json_object_get(a, "latency"));
    if (!out->sql) out->note = scout_strdup("which region did you mean?");
    return SCOUT_OK;
}

static const char SHOP_SUITE[] =
    "{\"question\": \"q_gold\", \"gold_sql\": \"select region, sum(amount) from sales group by "
    "region\", \"source\": \"shop\", \"tags\": [\"sales\", \"by_dimension\"]}\n"
    "{\"question\": \"q_equiv\", \"gold_sql\": \"select region, sum(amount) from sales group by "
    "region\", \"source\": \"shop\", \"tags\": [\"sales\"]}\n"
    "{\"question\": \"q_wrong\", \"gold_sql\": \"select region, units from sales order by units "
    "desc limit 2\", \"source\": \"shop\", \"tags\": [\"sales\", \"ranking\"]}\n"
    "{\"question\": \"q_none\", \"gold_sql\": \"select count(*) from sales\", \"source\": "
    "\"shop\", \"tags\": [\"ops\"]}\n"
    "{\"question\": \"q_bad_sql\", \"gold_sql\": \"select count(*) from sales\", \"source\": "
    "\"shop\", \"tags\": [\"ops\"]}\n"
    "{\"question\": \"q_crash\", \"gold_sql\": \"select 1\", \"source\": \"shop\"}\n"
    "{\"question\": \"q_broken_gold\", \"gold_sql\": \"select nope from sales\", \"source\": "
    "\"shop\", \"tags\": [\"ops\"]}\n"
    "{\"question\": \"q_other_source\", \"gold_sql\": \"select 1\", \"source\": \"nowhere\"}\n";

static const char SHOP_SCRIPT[] =
    "{\"q_gold\": {\"sql\": \"select region, sum(amount) from sales group by region\","
    "              \"tables\": [\"main.sales\"], \"latency\": 10},"
    " \"q_equiv\": {\"sql\": \"select sum(amount) as s, region from sales group by region "
    "order by s\", \"tables\": [\"shop.main.other\", \"shop.main.x\", \"shop.main.y\", "
    "\"shop.main.sales\"], \"latency\": 20},"
    " \"q_wrong\": {\"sql\": \"select region, units from sales order by units asc limit 2\","
    "               \"tables\": [\"shop.main.sales\"], \"latency\": 30},"
    " \"q_none\": {\"latency\": 40},"
    " \"q_bad_sql\": {\"sql\": \"select count(*) from nowhere\", \"latency\": 50},"
    " \"q_crash\": {\"fail\": true}}";

static json_t *failure_for(json_t *report, const char *question)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(report, "failures"), i, f)
    {
        if (!strcmp(json_string_value(json_object_get(f, "question")), question)) return f;
    }
    return NULL;
}

static const char *reason_of(json_t *report, const char *question)
{
    return json_string_value(json_object_get(failure_for(report, question), "reason"));
}

Test(eval_run, judges_each_outcome_and_reports_json, .init = setup_wh, .fini = teardown_wh)
{
    char *p = write_suite(g_dir, "shop.jsonl", SHOP_SUITE);
    scout_eval_suite *s = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_eval_load_jsonl(p, &s, &err), SCOUT_OK, "%s", err.msg);
    json_t *script = json_loads(SHOP_SCRIPT, 0, NULL);
    cr_assert_not_null(script);
    scout_eval_report rep;
    cr_assert_eq(scout_eval_run(s, g_cfg, predict_scripted, script, NULL, &rep, &err), SCOUT_OK,
                 "%s", err.msg);
    cr_assert_eq(rep.n, 8);
    cr_assert_eq(rep.suite_errors, 2, "a failing gold sql and an unknown source");
    cr_assert_eq(rep.passed, 2);
    cr_assert_float_eq(rep.execution_accuracy, 2.0 / 6.0, 1e-9);
    /* q_gold lists the table as main.sales (qualified with the source); q_equiv has it 4th. */
    cr_assert_eq(rep.recall_hits, 2, "q_gold and q_wrong");
    cr_assert_float_eq(rep.p50_ms, 20, 1e-9);
    cr_assert_float_eq(rep.p95_ms, 50, 1e-9);

    json_t *j = scout_eval_report_json(&rep);
    const char *keys[] = {
        "n", "execution_accuracy", "table_recall", "p50_ms", "p95_ms", "by_tag", "failures"};
    cr_assert_eq(json_object_size(j), 7, "exactly the documented keys");
    for (size_t i = 0; i < 7; i++) cr_assert_not_null(json_object_get(j, keys[i]), "%s", keys[i]);
    cr_assert_eq(json_integer_value(json_object_get(j, "n")), 8);
    cr_assert_float_eq(json_real_value(json_object_get(j, "execution_accuracy")), 0.3333, 1e-9);
    cr_assert_str_eq(reason_of(j, "q_wrong"), "wrong_result");
    cr_assert(strstr(json_string_value(json_object_get(failure_for(j, "q_wrong"), "detail")),
                     "row 1: gold ('NA', 4) vs predicted ('EMEA', 1)") != NULL);
    cr_assert_str_eq(reason_of(j, "q_none"), "no_prediction");
    cr_assert_str_eq(json_string_value(json_object_get(failure_for(j, "q_none"), "detail")),
                     "which region did you mean?");
    cr_assert_str_eq(reason_of(j, "q_bad_sql"), "predicted_sql_error");
    cr_assert_str_eq(reason_of(j, "q_crash"), "predictor_error");
    cr_assert_str_eq(reason_of(j, "q_broken_gold"), "suite_error");
    cr_assert_str_eq(reason_of(j, "q_other_source"), "suite_error");
    cr_assert_null(failure_for(j, "q_gold"));
    cr_assert_null(failure_for(j, "q_equiv"), "reordered rows and columns are equivalent");

    json_t *by_tag = json_object_get(j, "by_tag");
    json_t *sales = json_object_get(by_tag, "sales");
    cr_assert_eq(json_integer_value(json_object_get(sales, "n")), 3);
    cr_assert_eq(json_integer_value(json_object_get(sales, "passed")), 2);
    cr_assert_float_eq(json_real_value(json_object_get(sales, "execution_accuracy")), 0.6667, 1e-9);
    json_t *ops = json_object_get(by_tag, "ops");
    cr_assert_eq(json_integer_value(json_object_get(ops, "n")), 2, "suite errors are not scored");

    /* The bench writes the same object to a file. */
    char *out = scout_path_join(g_dir, "bench/out/eval_test.json");
    cr_assert_eq(scout_eval_report_write(&rep, out, &err), SCOUT_OK, "%s", err.msg);
    json_t *back = json_load_file(out, 0, NULL);
    cr_assert(json_equal(back, j));
    json_decref(back);
    free(out);

    json_decref(j);
    json_decref(script);
    scout_eval_report_free(&rep);
    scout_eval_suite_free(s);
    free(p);
}

Test(eval_run, limit_tag_and_check_mode, .init = setup_wh, .fini = teardown_wh)
{
    char *p = write_suite(g_dir, "shop.jsonl", SHOP_SUITE);
    scout_eval_suite *s = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_eval_load_jsonl(p, &s, &err), SCOUT_OK, "%s", err.msg);
    scout_eval_report rep;
    scout_eval_opts o = {.tag = "sales", .limit = 2};
    cr_assert_eq(scout_eval_run(s, g_cfg, predict_gold, NULL, &o, &rep, &err), SCOUT_OK);
    cr_assert_eq(rep.n, 2);
    cr_assert_float_eq(rep.execution_accuracy, 1.0, 1e-9);
    cr_assert_float_eq(rep.table_recall, 1.0, 1e-9);
    scout_eval_report_free(&rep);

    /* No predictor: only the gold SQL runs. */
    cr_assert_eq(scout_eval_run(s, g_cfg, NULL, NULL, NULL, &rep, &err), SCOUT_OK);
    cr_assert_eq(rep.suite_errors, 2);
    cr_assert_eq(rep.results[0].gold_rows, 3);
    cr_assert(strstr(rep.results[6].detail, "gold sql failed") != NULL, "%s",
              rep.results[6].detail);
    scout_eval_report_free(&rep);
    scout_eval_suite_free(s);
    free(p);
}

/* ---- Spider-style directories -------------------------------------------- */

static const char *fixtures(void)
{
    const char *f = getenv("SCOUT_FIXTURES");
    cr_assert_not_null(f, "SCOUT_FIXTURES not set");
    return f;
}

static void copy_file(const char *from, const char *to)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_err err = {0};
    cr_assert_eq(scout_buf_read_file(&b, from, &err), SCOUT_OK, "%s", err.msg);
    test_write_file(to, scout_buf_cstr(&b));
    scout_buf_free(&b);
}

/* Copies the Spider fixture into dir, building each database/<db>/<db>.sqlite
 * from its schema.sql (no binaries are committed). */
static void make_spider(const char *dir)
{
    char *src = scout_path_join(fixtures(), "eval/spider");
    const char *files[] = {"tables.json", "dev.json"};
    for (size_t i = 0; i < 2; i++) {
        char *a = scout_path_join(src, files[i]), *b = scout_path_join(dir, files[i]);
        copy_file(a, b);
        free(a);
        free(b);
    }
    const char *dbs[] = {"concert_singer", "pets_1"};
    for (size_t i = 0; i < 2; i++) {
        scout_buf rel = SCOUT_BUF_INIT;
        scout_buf_printf(&rel, "database/%s", dbs[i]);
        char *ddir = scout_path_join(dir, rel.data);
        scout_err err = {0};
        cr_assert_eq(scout_mkdir_p(ddir, &err), SCOUT_OK);
        scout_buf_printf(&rel, "/schema.sql");
        char *schema = scout_path_join(src, rel.data);
        scout_buf sql = SCOUT_BUF_INIT;
        cr_assert_eq(scout_buf_read_file(&sql, schema, &err), SCOUT_OK, "%s", err.msg);
        scout_buf name = SCOUT_BUF_INIT;
        scout_buf_printf(&name, "%s.sqlite", dbs[i]);
        char *db = scout_path_join(ddir, name.data);
        exec_sql(db, sql.data);
        free(db);
        scout_buf_free(&name);
        scout_buf_free(&sql);
        free(schema);
        free(ddir);
        scout_buf_free(&rel);
    }
    free(src);
}

static int count_table(void *ud, const scout_table_summary *t)
{
    (*(int *)ud)++;
    return 0;
}

Test(eval_spider, loads_into_an_indexed_throwaway_home)
{
    char *dir = test_tmpdir();
    char *spider = scout_path_join(dir, "spider");
    char *work = scout_path_join(dir, "work");
    scout_err err = {0};
    cr_assert_eq(scout_mkdir_p(spider, &err), SCOUT_OK);
    cr_assert_eq(scout_mkdir_p(work, &err), SCOUT_OK);
    make_spider(spider);

    scout_eval_suite *s = NULL;
    cr_assert_eq(scout_eval_load(spider, work, &s, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_eval_suite_count(s), 6);
    const scout_eval_case *c = scout_eval_suite_case(s, 3);
    cr_assert_str_eq(c->source, "concert_singer");
    cr_assert_str_eq(c->id, "dev.json:#3");
    cr_assert_eq(c->n_tables, 2);
    cr_assert_str_eq(c->tables[0], "concert_singer.main.concert");
    cr_assert_str_eq(c->tables[1], "concert_singer.main.stadium");
    cr_assert_str_eq(c->tags[0], "concert_singer", "the database is the case's tag");

    const char *home = scout_eval_suite_home(s);
    cr_assert_not_null(home);
    cr_assert(!strncmp(home, work, strlen(work)), "home %s is under the work dir", home);
    const scout_config *cfg = scout_eval_suite_config(s);
    cr_assert_eq(cfg->n_sources, 2, "only databases with questions; unused_db is skipped");
    char *cat_path = scout_path_join(home, "catalog.db");
    scout_catalog *cat = NULL;
    cr_assert_eq(scout_catalog_open(cat_path, &cat, &err), SCOUT_OK, "%s", err.msg);
    int n = 0;
    cr_assert_eq(scout_catalog_list_tables(cat, NULL, count_table, &n, &err), SCOUT_OK);
    cr_assert_eq(n, 7, "4 concert_singer tables and 3 pets_1 tables are indexed");
    scout_catalog_close(cat);
    free(cat_path);

    scout_eval_report rep;
    cr_assert_eq(scout_eval_run(s, cfg, predict_gold, NULL, NULL, &rep, &err), SCOUT_OK, "%s",
                 err.msg);
    cr_assert_eq(rep.suite_errors, 0);
    cr_assert_float_eq(rep.execution_accuracy, 1.0, 1e-9);
    cr_assert_float_eq(rep.table_recall, 1.0, 1e-9);
    scout_eval_report_free(&rep);

    char *home_copy = scout_strdup(home);
    scout_eval_suite_free(s);
    cr_assert_not(scout_path_exists(home_copy), "the throwaway home is removed");
    free(home_copy);
    free(work);
    free(spider);
    test_rmdir(dir);
    free(dir);
}

Test(eval_spider, reports_a_missing_database)
{
    char *dir = test_tmpdir();
    char *tables = scout_path_join(dir, "tables.json"), *dev = scout_path_join(dir, "dev.json");
    test_write_file(tables, "[{\"db_id\": \"ghost\"}]");
    test_write_file(dev, "[{\"db_id\": \"ghost\", \"question\": \"q\", \"query\": \"select 1\"}]");
    scout_eval_suite *s = NULL;
    scout_err err = {0};
    cr_assert_eq(scout_eval_load(dir, dir, &s, &err), SCOUT_EUSER);
    cr_assert(strstr(err.msg, "ghost.sqlite: database file not found") != NULL, "%s", err.msg);
    test_write_file(dev, "[{\"db_id\": \"other\", \"question\": \"q\", \"query\": \"select 1\"}]");
    cr_assert_eq(scout_eval_load(dir, dir, &s, &err), SCOUT_EUSER);
    cr_assert(strstr(err.msg, "db_id 'other' is not in tables.json") != NULL, "%s", err.msg);
    free(tables);
    free(dev);
    test_rmdir(dir);
    free(dir);
}

/* ---- the shipped Acme suite ---------------------------------------------- */

static char *acme_suite_path(void)
{
    char *p = scout_path_join(fixtures(), "../../examples/acme/eval/questions.jsonl");
    cr_assert(scout_path_exists(p), "%s", p);
    return p;
}

Test(eval_acme_suite, is_large_valid_and_covers_every_department)
{
    char *p = acme_suite_path();
    scout_buf b = SCOUT_BUF_INIT;
    scout_err err = {0};
    cr_assert_eq(scout_buf_read_file(&b, p, &err), SCOUT_OK);
    size_t lines = 0;
    for (size_t i = 0; i < b.len; i++) lines += b.data[i] == '\n';
    cr_assert_geq(lines, 150, "at least 150 questions, got %zu", lines);
    scout_buf_free(&b);

    scout_eval_suite *s = NULL;
    cr_assert_eq(scout_eval_load_jsonl(p, &s, &err), SCOUT_OK, "%s", err.msg);
    cr_assert_eq(scout_eval_suite_count(s), lines, "every line is a question");
    const char *depts[] = {"finance",     "subscriptions", "product",
                           "engineering", "sales",         "support"};
    const char *shapes[] = {"aggregate",  "by_dimension", "value_filter",  "comparison_filter",
                            "time_range", "grain",        "ranking",       "period_comparison",
                            "join",       "lookalike",    "year_over_year"};
    size_t nd[6] = {0}, ns[11] = {0};
    for (size_t i = 0; i < scout_eval_suite_count(s); i++) {
        const scout_eval_case *c = scout_eval_suite_case(s, i);
        cr_assert(!strcmp(c->source, "finance") || !strcmp(c->source, "product") ||
                      !strcmp(c->source, "crm"),
                  "%s: source %s", c->id, c->source);
        cr_assert_gt(c->n_tables, 0, "%s", c->id);
        for (size_t t = 0; t < c->n_tables; t++) {
            /* Gold answers never read the deprecated or scratch lookalikes. */
            cr_assert(!strstr(c->tables[t], ".archive.") && !strstr(c->tables[t], ".sandbox."),
                      "%s reads %s", c->id, c->tables[t]);
            cr_assert(!strncmp(c->tables[t], c->source, strlen(c->source)), "%s", c->id);
        }
        for (size_t t = 0; t < c->n_tags; t++) {
            for (size_t d = 0; d < 6; d++) nd[d] += !strcmp(c->tags[t], depts[d]);
            for (size_t k = 0; k < 11; k++) ns[k] += !strcmp(c->tags[t], shapes[k]);
        }
    }
    for (size_t d = 0; d < 6; d++) cr_assert_geq(nd[d], 10, "%s has %zu", depts[d], nd[d]);
    for (size_t k = 0; k < 11; k++) cr_assert_geq(ns[k], 3, "%s has %zu", shapes[k], ns[k]);
    scout_eval_suite_free(s);
    free(p);
}

Test(eval_acme_suite, every_gold_sql_runs_and_matches_itself_on_a_small_acme, .timeout = 300)
{
    char *dir = test_tmpdir();
    scout_acme_opts opts = {.seed = SCOUT_ACME_DEFAULT_SEED, .scale = 0.02};
    scout_acme_stats st;
    scout_err err = {0};
    cr_assert_eq(scout_acme_generate(dir, &opts, &st, &err), SCOUT_OK, "%s", err.msg);
    char *cfg_path = scout_path_join(dir, "scout.yaml");
    scout_config *cfg = NULL;
    cr_assert_eq(scout_config_load(cfg_path, &cfg, &err), SCOUT_OK, "%s", err.msg);

    char *p = acme_suite_path();
    scout_eval_suite *s = NULL;
    cr_assert_eq(scout_eval_load_jsonl(p, &s, &err), SCOUT_OK, "%s", err.msg);
    scout_eval_report rep;
    cr_assert_eq(scout_eval_run(s, cfg, predict_gold, NULL, NULL, &rep, &err), SCOUT_OK, "%s",
                 err.msg);
    for (size_t i = 0; i < rep.n; i++) {
        const scout_eval_result *r = &rep.results[i];
        cr_expect_neq(r->outcome, SCOUT_EVAL_SUITE_ERROR, "%s: %s", r->c->id, r->detail);
        cr_expect_geq(r->gold_rows, 1, "%s returns no rows: %s", r->c->id, r->c->question);
        cr_expect_eq(r->outcome, SCOUT_EVAL_PASS, "%s: %s", r->c->id, r->detail ? r->detail : "");
    }
    cr_assert_eq(rep.suite_errors, 0);
    cr_assert_float_eq(rep.execution_accuracy, 1.0, 1e-9);
    cr_assert_float_eq(rep.table_recall, 1.0, 1e-9);
    scout_eval_report_free(&rep);
    scout_eval_suite_free(s);
    scout_config_free(cfg);
    free(p);
    free(cfg_path);
    test_rmdir(dir);
    free(dir);
}
