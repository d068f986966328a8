/* Chart choice per result shape, and every spec scout produces validated
 * against the official Vega-Lite v5 schema (node + ajv, then compiled and
 * rendered headlessly by vega) through tests/js/validate-vegalite.js. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "render/chart.h"
#include "shapes.h"

static scout_chart_plan plan_of(scout_result *r)
{
    scout_chart_plan p;
    scout_chart_choose(r, &p);
    cr_assert(p.why != NULL, "every choice explains itself");
    return p;
}

Test(render_chart, single_value_is_a_kpi)
{
    scout_result *r = shape_kpi();
    cr_assert_eq(plan_of(r).kind, SCOUT_CHART_KPI);
    scout_result_free(r);
}

Test(render_chart, time_series_is_a_line_with_series_from_the_dimension)
{
    scout_result *r = shape_line();
    scout_chart_plan p = plan_of(r);
    cr_assert_eq(p.kind, SCOUT_CHART_LINE);
    cr_assert_eq(p.x, 0);
    cr_assert_eq(p.series, -1);
    scout_result_free(r);
    r = shape_line_series();
    p = plan_of(r);
    cr_assert_eq(p.kind, SCOUT_CHART_LINE);
    cr_assert_eq(p.series, 1);
    scout_result_free(r);
}

Test(render_chart, categories_are_bars_until_there_are_too_many)
{
    scout_result *r = shape_bar();
    cr_assert_eq(plan_of(r).kind, SCOUT_CHART_BAR);
    scout_result_free(r);
    r = shape_many_categories();
    scout_chart_plan p = plan_of(r);
    cr_assert_eq(p.kind, SCOUT_CHART_NONE);
    cr_assert(strstr(p.why, "20") != NULL, "says why: %s", p.why);
    scout_result_free(r);
}

Test(render_chart, two_dimensions_stack_sums_and_group_rates)
{
    scout_result *r = shape_two_dims(false);
    scout_chart_plan p = plan_of(r);
    cr_assert_eq(p.kind, SCOUT_CHART_STACKED_BAR);
    cr_assert_eq(p.x, 0);
    cr_assert_eq(p.series, 1);
    scout_result_free(r);
    r = shape_two_dims(true);
    cr_assert_eq(plan_of(r).kind, SCOUT_CHART_GROUPED_BAR);
    scout_result_free(r);
}

Test(render_chart, comparisons_chart_deltas_and_find_the_previous_period)
{
    scout_result *r = shape_comparison_by_component();
    scout_chart_plan p = plan_of(r);
    cr_assert_eq(p.kind, SCOUT_CHART_COMPARISON);
    cr_assert_eq(p.y, 3, "bars show the delta");
    cr_assert_eq(p.current, 1);
    cr_assert_eq(p.previous, 2);
    scout_result_free(r);
    r = shape_comparison_two_periods();
    p = plan_of(r);
    cr_assert_eq(p.kind, SCOUT_CHART_COMPARISON);
    cr_assert_eq(p.x, -1);
    cr_assert_eq(p.current, 0);
    cr_assert_eq(p.previous, 1, "found by its name");
    scout_result_free(r);
}

Test(render_chart, empty_and_text_only_results_get_no_chart)
{
    scout_result_col c[] = {COL("name", DIMENSION, TEXT, NONE)};
    scout_result *r = shape_new(c, 1);
    cr_assert_eq(plan_of(r).kind, SCOUT_CHART_NONE);
    ROW(r, VS("a"));
    cr_assert_eq(plan_of(r).kind, SCOUT_CHART_NONE);
    json_t *spec = (json_t *)1;
    scout_chart_plan p = plan_of(r);
    cr_assert_eq(scout_chart_spec(r, &p, NULL, &spec, NULL), SCOUT_OK);
    cr_assert_null(spec);
    scout_result_free(r);
}

Test(render_chart, raw_sql_results_are_inferred_before_choosing)
{
    scout_result *r = scout_result_new(0, 0);
    const char *names[] = {"signup_date", "n"};
    cr_assert_eq(scout_result_on_header(r, 2, names), SCOUT_OK);
    scout_value v[2] = {VS("2026-01-01"), VI(3)};
    cr_assert_eq(scout_result_on_row(r, 2, v), 0);
    v[0] = VS("2026-01-02");
    cr_assert_eq(scout_result_on_row(r, 2, v), 0);
    scout_result_infer(r);
    cr_assert_eq(scout_result_col_at(r, 0)->role, SCOUT_RESULT_ROLE_TIME);
    cr_assert_eq(scout_result_col_at(r, 1)->role, SCOUT_RESULT_ROLE_MEASURE);
    cr_assert_eq(plan_of(r).kind, SCOUT_CHART_LINE);
    scout_result_free(r);
}

Test(render_chart, spec_has_schema_title_inline_data_and_unit_formats)
{
    scout_result *r = shape_bar();
    scout_chart_plan p = plan_of(r);
    json_t *spec = NULL;
    cr_assert_eq(scout_chart_spec(r, &p, "Revenue by region", &spec, NULL), SCOUT_OK);
    cr_assert_str_eq(json_string_value(json_object_get(spec, "$schema")),
                     "https://vega.github.io/schema/vega-lite/v5.json");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(spec, "title"), "text")),
                     "Revenue by region");
    cr_assert_eq(json_array_size(json_object_get(json_object_get(spec, "data"), "values")), 5);
    json_t *x = json_object_get(json_object_get(spec, "encoding"), "x");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(x, "axis"), "format")),
                     "$,.3~s");
    json_t *y = json_object_get(json_object_get(spec, "encoding"), "y");
    cr_assert_str_eq(json_string_value(json_object_get(y, "sort")), "-x", "largest bar first");
    json_decref(spec);
    scout_result_free(r);
}

Test(render_chart, awkward_column_names_become_safe_field_keys)
{
    scout_result_col c[] = {COL("geo.region", DIMENSION, TEXT, NONE),
                            COL("sum(revenue)", MEASURE, REAL, CURRENCY)};
    scout_result *r = shape_new(c, 2);
    ROW(r, VS("EMEA"), VD(1));
    scout_chart_plan p = plan_of(r);
    json_t *spec = NULL;
    cr_assert_eq(scout_chart_spec(r, &p, NULL, &spec, NULL), SCOUT_OK);
    json_t *row = json_array_get(json_object_get(json_object_get(spec, "data"), "values"), 0);
    cr_assert_not_null(json_object_get(row, "c0"), "dots would read as nested fields");
    json_t *y = json_object_get(json_object_get(spec, "encoding"), "y");
    cr_assert_str_eq(json_string_value(json_object_get(y, "title")), "geo.region");
    json_decref(spec);
    scout_result_free(r);
}

/* Writes spec to dir/name.json. */
static void save_spec(const char *dir, const char *name, scout_result *r, scout_buf *list)
{
    scout_chart_plan p = plan_of(r);
    json_t *spec = NULL;
    cr_assert_eq(scout_chart_spec(r, &p, NULL, &spec, NULL), SCOUT_OK);
    cr_assert_not_null(spec, "%s has a chart", name);
    char path[512];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    cr_assert_eq(json_dump_file(spec, path, JSON_INDENT(1)), 0);
    scout_buf_printf(list, " '%s'", path);
    json_decref(spec);
    scout_result_free(r);
}

Test(render_chart, every_shape_validates_against_the_official_vega_lite_schema, .timeout = 60)
{
    if (system("node --version >/dev/null 2>&1") != 0)
        cr_skip_test("node is not installed: run scripts/setup to validate Vega-Lite specs");
    char *modules = repo_path("node_modules/vega-lite/build/vega-lite-schema.json");
    cr_assert(access(modules, R_OK) == 0, "node_modules is missing (%s): scripts/setup runs npm ci",
              modules);
    free(modules);
    char dir[] = "/tmp/scout-vl-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    scout_buf files = SCOUT_BUF_INIT;
    save_spec(dir, "kpi", shape_kpi(), &files);
    save_spec(dir, "line", shape_line(), &files);
    save_spec(dir, "line_series", shape_line_series(), &files);
    save_spec(dir, "bar", shape_bar(), &files);
    save_spec(dir, "stacked", shape_two_dims(false), &files);
    save_spec(dir, "grouped", shape_two_dims(true), &files);
    save_spec(dir, "comparison_dim", shape_comparison_by_component(), &files);
    save_spec(dir, "comparison_two", shape_comparison_two_periods(), &files);
    scout_result_col kc[] = {COL("active_users", MEASURE, INT, NONE),
                             COL("delta", DELTA, INT, NONE)};
    scout_result *kd = shape_new(kc, 2);
    ROW(kd, VI(5120), VI(-340));
    save_spec(dir, "kpi_delta", kd, &files);
    scout_result_col oc[] = {COL("geo.region", DIMENSION, TEXT, NONE),
                             COL("avg latency [ms]", MEASURE, REAL, MS)};
    scout_result *odd = shape_new(oc, 2);
    ROW(odd, VS("EMEA"), VD(12.5));
    ROW(odd, VS("it's \"quoted\""), VN);
    save_spec(dir, "odd_names", odd, &files);

    char *script = repo_path("tests/js/validate-vegalite.js");
    scout_buf cmd = SCOUT_BUF_INIT;
    scout_buf_printf(&cmd, "node '%s'%s > '%s/out.txt' 2>&1", script, scout_buf_cstr(&files), dir);
    int rc = system(scout_buf_cstr(&cmd));
    scout_buf out = SCOUT_BUF_INIT;
    char outp[512];
    snprintf(outp, sizeof outp, "%s/out.txt", dir);
    scout_buf_read_file(&out, outp, NULL);
    cr_assert_eq(rc, 0, "validator failed:\n%s", scout_buf_cstr(&out));
    cr_assert(strstr(scout_buf_cstr(&out), "10 passed, 0 failed") != NULL, "%s",
              scout_buf_cstr(&out));
    scout_buf_reset(&cmd);
    scout_buf_printf(&cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(scout_buf_cstr(&cmd)), 0);
    free(script);
    scout_buf_free(&cmd);
    scout_buf_free(&out);
    scout_buf_free(&files);
}
