/* Result sets: row and byte caps stop a query cleanly, roles survive the
 * header callback, inference for raw SQL, JSON round trip; and the number
 * formats every renderer shares. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "render/format.h"
#include "shapes.h"

Test(render_result, row_cap_stops_the_query_and_marks_truncated)
{
    scout_result *r = scout_result_new(3, 0);
    const char *names[] = {"n"};
    cr_assert_eq(scout_result_on_header(r, 1, names), SCOUT_OK);
    int stopped_at = -1;
    for (int i = 0; i < 10; i++) {
        scout_value v = VI(i);
        if (scout_result_on_row(r, 1, &v)) {
            stopped_at = i;
            break;
        }
    }
    cr_assert_eq(stopped_at, 3, "the callback asks the warehouse to stop");
    cr_assert_eq(scout_result_nrows(r), 3);
    cr_assert(scout_result_truncated(r));
    scout_result_free(r);
}

Test(render_result, byte_cap_refuses_a_huge_cell_and_keeps_earlier_rows)
{
    scout_result *r = scout_result_new(0, 100);
    const char *names[] = {"s"};
    cr_assert_eq(scout_result_on_header(r, 1, names), SCOUT_OK);
    scout_value small = VS("0123456789");
    cr_assert_eq(scout_result_add_row(r, &small, 1, NULL), SCOUT_OK);
    char big[200];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    scout_value huge = VS(big);
    scout_err err = {0};
    cr_assert_eq(scout_result_add_row(r, &huge, 1, &err), SCOUT_ELIMIT);
    cr_assert(strstr(err.msg, "limit") != NULL);
    cr_assert_eq(scout_result_nrows(r), 1);
    cr_assert_leq(scout_result_bytes(r), 100);
    cr_assert(scout_result_truncated(r));
    scout_result_free(r);
}

Test(render_result, wrong_cell_count_is_refused)
{
    scout_result *r = shape_kpi();
    scout_value v[2] = {VI(1), VI(2)};
    cr_assert_eq(scout_result_add_row(r, v, 2, NULL), SCOUT_EUSER);
    scout_result_free(r);
}

Test(render_result, planned_roles_survive_the_header_and_cells_are_copied)
{
    scout_result_col c[] = {COL("region", DIMENSION, TEXT, NONE),
                            COL("revenue", MEASURE, REAL, CURRENCY)};
    scout_result *r = shape_new(c, 2);
    const char *names[] = {"Region", "Revenue"};
    cr_assert_eq(scout_result_on_header(r, 2, names), SCOUT_OK);
    cr_assert_eq(scout_result_col_at(r, 1)->unit, SCOUT_UNIT_CURRENCY);
    cr_assert_str_eq(scout_result_col_at(r, 0)->name, "Region");
    char buf[8] = "EMEA";
    scout_value v[2] = {VS(buf), VD(1.5)};
    cr_assert_eq(scout_result_on_row(r, 2, v), 0);
    buf[0] = 'X'; /* the warehouse reuses its buffers after the callback */
    cr_assert_str_eq(scout_result_cell(r, 0, 0)->s, "EMEA");
    cr_assert_eq(scout_result_cell(r, 5, 5)->type, SCOUT_VAL_NULL, "out of range is NULL");
    scout_result_free(r);
}

Test(render_result, roles_and_types_parse_from_the_compilers_words)
{
    cr_assert_eq(scout_result_role_parse("time"), SCOUT_RESULT_ROLE_TIME);
    cr_assert_eq(scout_result_role_parse("dimension"), SCOUT_RESULT_ROLE_DIMENSION);
    cr_assert_eq(scout_result_role_parse("measure"), SCOUT_RESULT_ROLE_MEASURE);
    cr_assert_eq(scout_result_role_parse("delta"), SCOUT_RESULT_ROLE_DELTA);
    cr_assert_eq(scout_result_role_parse("pct"), SCOUT_RESULT_ROLE_PCT);
    cr_assert_eq(scout_result_role_parse("bogus"), SCOUT_RESULT_ROLE_UNKNOWN);
    cr_assert_eq(scout_result_type_parse("date"), SCOUT_RESULT_TYPE_DATE);
    cr_assert_eq(scout_result_type_parse("number"), SCOUT_RESULT_TYPE_REAL);
    cr_assert_eq(scout_result_type_parse("integer"), SCOUT_RESULT_TYPE_INT);
    cr_assert_eq(scout_result_type_parse("text"), SCOUT_RESULT_TYPE_TEXT);
    cr_assert_eq(scout_result_type_parse("DateTime"), SCOUT_RESULT_TYPE_TIMESTAMP);
}

Test(render_result, infer_recognises_dates_shares_and_categories)
{
    scout_result *r = scout_result_new(0, 0);
    const char *names[] = {"month", "plan", "conversion_rate", "trials"};
    cr_assert_eq(scout_result_on_header(r, 4, names), SCOUT_OK);
    scout_value v[4] = {VS("2026-01"), VS("plus"), VD(0.25), VI(40)};
    cr_assert_eq(scout_result_on_row(r, 4, v), 0);
    scout_result_infer(r);
    cr_assert_eq(scout_result_col_at(r, 0)->role, SCOUT_RESULT_ROLE_TIME);
    cr_assert_eq(scout_result_col_at(r, 1)->role, SCOUT_RESULT_ROLE_DIMENSION);
    cr_assert_eq(scout_result_col_at(r, 2)->role, SCOUT_RESULT_ROLE_PCT);
    cr_assert_eq(scout_result_col_at(r, 3)->role, SCOUT_RESULT_ROLE_MEASURE);
    scout_result_free(r);
}

Test(render_result, json_round_trip_keeps_roles_units_and_cells)
{
    scout_result *r = shape_comparison_by_component();
    json_t *j = scout_result_to_json(r);
    cr_assert_eq(json_integer_value(json_object_get(j, "row_count")), 4);
    scout_result *back = NULL;
    cr_assert_eq(scout_result_from_json(j, 0, 0, &back, NULL), SCOUT_OK);
    cr_assert_eq(scout_result_nrows(back), 4);
    cr_assert_eq(scout_result_col_at(back, 3)->role, SCOUT_RESULT_ROLE_DELTA);
    cr_assert_eq(scout_result_col_at(back, 1)->unit, SCOUT_UNIT_MS);
    cr_assert(scout_result_col_at(back, 2)->previous);
    cr_assert_str_eq(scout_result_cell(back, 2, 0)->s, "network");
    json_decref(j);
    scout_result_free(back);
    scout_result_free(r);
    json_t *bad = json_pack("{s:[], s:[[1]]}", "columns", "rows");
    cr_assert_eq(scout_result_from_json(bad, 0, 0, &back, NULL), SCOUT_EUSER);
    cr_assert_null(back);
    json_decref(bad);
}

Test(render_format, units_thousands_and_compact_forms)
{
    char b[SCOUT_FMT_MAX];
    cr_assert_str_eq(scout_fmt_number(b, sizeof b, 1234567, SCOUT_UNIT_NONE, false), "1,234,567");
    cr_assert_str_eq(scout_fmt_number(b, sizeof b, -1234.5, SCOUT_UNIT_NONE, false), "-1,234.50");
    cr_assert_str_eq(scout_fmt_number(b, sizeof b, 1234567.891, SCOUT_UNIT_CURRENCY, false),
                     "$1,234,567.89");
    cr_assert_str_eq(scout_fmt_number(b, sizeof b, 1234567, SCOUT_UNIT_CURRENCY, true), "$1.2M");
    cr_assert_str_eq(scout_fmt_number(b, sizeof b, 52000, SCOUT_UNIT_CURRENCY, true), "$52.0K");
    cr_assert_str_eq(scout_fmt_number(b, sizeof b, 999999, SCOUT_UNIT_NONE, true), "1.0M");
    cr_assert_str_eq(scout_fmt_number(b, sizeof b, -2500, SCOUT_UNIT_CURRENCY, true), "-$2.5K");
    cr_assert_str_eq(scout_fmt_number(b, sizeof b, 0.1234, SCOUT_UNIT_PCT, false), "12.3%");
    cr_assert_str_eq(scout_fmt_number(b, sizeof b, 0.004, SCOUT_UNIT_PCT, true), "0.40%");
    cr_assert_str_eq(scout_fmt_number(b, sizeof b, 340, SCOUT_UNIT_MS, true), "340 ms");
    cr_assert_str_eq(scout_fmt_number(b, sizeof b, 0.00259, SCOUT_UNIT_NONE, true), "0.0026",
                     "a small ratio keeps two significant digits, not 0.0");
    cr_assert_str_eq(scout_fmt_number(b, sizeof b, 1500, SCOUT_UNIT_MS, true), "1.5 s");
    cr_assert_str_eq(scout_fmt_number(b, sizeof b, 1500, SCOUT_UNIT_MS, false), "1,500 ms");
    cr_assert_str_eq(scout_fmt_number(b, sizeof b, NAN, SCOUT_UNIT_NONE, false), "n/a");
    cr_assert_str_eq(scout_fmt_delta(b, sizeof b, 0.123, SCOUT_UNIT_PCT), "+12.3%");
    cr_assert_str_eq(scout_fmt_delta(b, sizeof b, 12.3, SCOUT_UNIT_PCT_POINTS), "+12.3%",
                     "a % change is already a percentage");
    cr_assert_eq(scout_unit_parse(scout_unit_name(SCOUT_UNIT_PCT_POINTS)), SCOUT_UNIT_PCT_POINTS);
    cr_assert_str_eq(scout_fmt_delta(b, sizeof b, -1200, SCOUT_UNIT_CURRENCY), "-$1.2K");
    cr_assert_str_eq(scout_fmt_int(b, sizeof b, -1000), "-1,000");
    char tiny[4];
    scout_fmt_number(tiny, sizeof tiny, 123456789, SCOUT_UNIT_NONE, false);
    cr_assert_eq(strlen(tiny), 3, "bounded by the destination");
}

Test(render_format, terminal_width_and_no_color)
{
    setenv("COLUMNS", "57", 1);
    cr_assert_eq(scout_term_width(1), 57);
    setenv("COLUMNS", "junk", 1);
    int w = scout_term_width(-1);
    cr_assert_eq(w, 80, "fallback when neither COLUMNS nor a tty says");
    unsetenv("COLUMNS");
    setenv("NO_COLOR", "1", 1);
    cr_assert_not(scout_term_color(1));
    cr_assert_eq(scout_fmt_width("Ünï…", strlen("Ünï…")), 4);
    cr_assert_eq(scout_fmt_fit("Ünï", strlen("Ünï"), 2), strlen("Ün"));
}
