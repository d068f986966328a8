/* Terminal tables: numbers right-aligned with separators and units, long
 * cells cut with an ellipsis, the terminal width honoured, a row footer,
 * and no control bytes from the data reaching the terminal. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/buf.h"
#include "render/table.h"
#include "shapes.h"

static char *render(scout_result *r, int width, size_t max_rows)
{
    scout_buf out = SCOUT_BUF_INIT;
    scout_table_opts o = {width, false, max_rows, 0};
    cr_assert_eq(scout_table_render(&out, r, &o, NULL), SCOUT_OK);
    return scout_buf_take(&out);
}

/* Line n (0-based) of text, copied into dst. */
static const char *line_at(const char *text, int n, char *dst, size_t cap)
{
    for (int i = 0; i < n && text; i++) {
        text = strchr(text, '\n');
        if (text) text++;
    }
    size_t len = text ? strcspn(text, "\n") : 0;
    if (len >= cap) len = cap - 1;
    memcpy(dst, text ? text : "", len);
    dst[len] = '\0';
    return dst;
}

Test(render_table, numbers_right_aligned_with_separators_and_units)
{
    scout_result *r = shape_bar();
    char *t = render(r, 80, 0);
    char l0[256], l1[256], l2[256];
    line_at(t, 0, l0, sizeof l0);
    line_at(t, 2, l1, sizeof l1);
    line_at(t, 3, l2, sizeof l2);
    cr_assert_not_null(strstr(l1, "$1,200,000.50"), "%s", t);
    cr_assert_not_null(strstr(l2, "$3,400,000.25"), "%s", t);
    /* Right-aligned: both values end in the same column, as does the header. */
    cr_assert_eq(strlen(l1), strlen(l2), "%s", t);
    cr_assert_eq(scout_fmt_width(l0, strlen(l0)), scout_fmt_width(l1, strlen(l1)), "%s", t);
    cr_assert_not_null(strstr(t, "5 rows"), "%s", t);
    free(t);
    scout_result_free(r);
}

Test(render_table, years_and_ids_in_dimensions_have_no_separators)
{
    scout_result_col c[] = {COL("year", DIMENSION, INT, NONE), COL("orders", MEASURE, INT, NONE)};
    scout_result *r = shape_new(c, 2);
    ROW(r, VI(2025), VI(1234567));
    char *t = render(r, 80, 0);
    cr_assert_not_null(strstr(t, "2025 "), "%s", t);
    cr_assert_not_null(strstr(t, "1,234,567"), "%s", t);
    cr_assert_not_null(strstr(t, "1 row\n"), "%s", t);
    free(t);
    scout_result_free(r);
}

Test(render_table, long_cells_are_cut_and_the_width_is_honoured)
{
    scout_result_col c[] = {COL("account", DIMENSION, TEXT, NONE),
                            COL("note", DIMENSION, TEXT, NONE),
                            COL("arr", MEASURE, REAL, CURRENCY)};
    scout_result *r = shape_new(c, 3);
    ROW(r, VS("Ünïcödé Enterprise Holdings International Group Limited"),
        VS("renewal at risk: champion left, usage down 40% over the quarter"), VD(52000));
    for (int width = 30; width <= 120; width += 30) {
        char *t = render(r, width, 0);
        for (int i = 0; i < 3; i++) {
            char l[512];
            line_at(t, i, l, sizeof l);
            cr_assert_leq(scout_fmt_width(l, strlen(l)), (size_t)width, "width %d:\n%s", width, t);
        }
        if (width < 120) cr_assert_not_null(strstr(t, "…"), "cut at %d:\n%s", width, t);
        cr_assert_not_null(strstr(t, "$52,000"), "numbers are never cut:\n%s", t);
        free(t);
    }
    scout_result_free(r);
}

Test(render_table, row_limit_footer_and_truncated_results_say_so)
{
    scout_result *r = scout_result_new(120, 0);
    const char *names[] = {"n"};
    cr_assert_eq(scout_result_on_header(r, 1, names), SCOUT_OK);
    for (int i = 0; i < 200; i++) {
        scout_value v = VI(i);
        if (scout_result_on_row(r, 1, &v)) break;
    }
    scout_result_infer(r);
    char *t = render(r, 80, 10);
    cr_assert_not_null(strstr(t, "showing 10 of 120 rows"), "%s", t);
    cr_assert_not_null(strstr(t, "limit"), "%s", t);
    free(t);
    scout_result_free(r);
}

Test(render_table, control_bytes_in_data_never_reach_the_terminal)
{
    scout_result_col c[] = {COL("name", DIMENSION, TEXT, NONE)};
    scout_result *r = shape_new(c, 1);
    ROW(r, VS("evil\x1b[2J\x1b]0;pwned\x07name\nnext line"));
    char *t = render(r, 80, 0);
    cr_assert_null(strchr(t, '\x1b'), "%s", t);
    cr_assert_null(strchr(t, '\x07'), "%s", t);
    cr_assert_not_null(strstr(t, "name next line"), "%s", t);
    free(t);
    scout_result_free(r);
}

Test(render_table, many_columns_drop_the_rightmost_and_say_so)
{
    scout_result_col c[12];
    char names[12][24];
    for (int i = 0; i < 12; i++) {
        snprintf(names[i], sizeof names[i], "column_%d", i);
        c[i] = (scout_result_col)COL(names[i], MEASURE, INT, NONE);
    }
    scout_result *r = shape_new(c, 12);
    scout_value v[12];
    for (int i = 0; i < 12; i++) v[i] = VI(1000000 + i);
    shape_row(r, v, 12);
    char *t = render(r, 40, 0);
    cr_assert_not_null(strstr(t, "not shown"), "%s", t);
    char l[256];
    cr_assert_leq(scout_fmt_width(line_at(t, 2, l, sizeof l), strlen(l)), 40, "%s", t);
    free(t);
    scout_result_free(r);
}
