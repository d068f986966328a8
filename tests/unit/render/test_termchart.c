/* Terminal charts: every shape drawn with NO_COLOR has no ESC byte and no
 * line wider than the terminal, at narrow and wide widths; colour appears
 * only when asked for; bars, sparklines and the KPI say what a user needs. */
#include <criterion/criterion.h>
#include <string.h>

#include "base/buf.h"
#include "render/termchart.h"
#include "shapes.h"

typedef scout_result *(*shape_fn)(void);

static scout_result *two_dims_sum(void)
{
    return shape_two_dims(false);
}

static scout_result *two_dims_pct(void)
{
    return shape_two_dims(true);
}

static const shape_fn shapes[] = {shape_kpi,
                                  shape_line,
                                  shape_line_series,
                                  shape_bar,
                                  two_dims_sum,
                                  two_dims_pct,
                                  shape_comparison_by_component,
                                  shape_comparison_two_periods};

static void render(scout_result *r, int width, bool color, scout_buf *out)
{
    scout_chart_plan p;
    scout_chart_choose(r, &p);
    cr_assert_neq(p.kind, SCOUT_CHART_NONE);
    scout_term_opts o = {width, color};
    cr_assert_eq(scout_termchart_render(out, r, &p, &o, NULL), SCOUT_OK);
}

/* The widest line in terminal cells. */
static size_t widest_line(const char *s)
{
    size_t widest = 0;
    while (*s) {
        size_t len = strcspn(s, "\n");
        size_t w = scout_fmt_width(s, len);
        if (w > widest) widest = w;
        s += len + (s[len] == '\n');
    }
    return widest;
}

Test(render_termchart, no_color_means_no_escape_and_every_line_fits)
{
    const int widths[] = {20, 40, 80, 132};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
            scout_result *r = shapes[s]();
            scout_buf out = SCOUT_BUF_INIT;
            render(r, widths[w], false, &out);
            const char *text = scout_buf_cstr(&out);
            cr_assert(out.len > 0, "shape %zu draws something", s);
            cr_assert_null(strchr(text, '\x1b'), "shape %zu width %d has ESC:\n%s", s, widths[w],
                           text);
            cr_assert_leq(widest_line(text), (size_t)widths[w], "shape %zu width %d:\n%s", s,
                          widths[w], text);
            scout_buf_free(&out);
            scout_result_free(r);
        }
}

Test(render_termchart, color_only_when_asked)
{
    scout_result *r = shape_comparison_by_component();
    scout_buf out = SCOUT_BUF_INIT;
    render(r, 80, true, &out);
    cr_assert_not_null(strstr(scout_buf_cstr(&out), "\x1b[31m"), "a fall is red");
    cr_assert_not_null(strstr(scout_buf_cstr(&out), "\x1b[32m"), "a rise is green");
    scout_buf_free(&out);
    scout_result_free(r);
}

Test(render_termchart, bars_are_sorted_largest_first_with_compact_values)
{
    scout_result *r = shape_bar();
    scout_buf out = SCOUT_BUF_INIT;
    render(r, 80, false, &out);
    const char *t = scout_buf_cstr(&out);
    const char *na = strstr(t, "North America"), *emea = strstr(t, "EMEA"),
               *latam = strstr(t, "LATAM");
    cr_assert(na && emea && latam && na < emea && emea < latam, "%s", t);
    cr_assert_not_null(strstr(t, "$3.4M"), "%s", t);
    cr_assert_not_null(strstr(t, "█"), "%s", t);
    cr_assert_not_null(strstr(t, "-$2.5K"), "negative value shown with its sign:\n%s", t);
    scout_buf_free(&out);
    scout_result_free(r);
}

Test(render_termchart, kpi_shows_big_number_and_delta_arrow)
{
    scout_result *r = shape_comparison_two_periods();
    scout_buf out = SCOUT_BUF_INIT;
    render(r, 80, false, &out);
    const char *t = scout_buf_cstr(&out);
    cr_assert_not_null(strstr(t, "▲ +$150K (+13.6%) vs previous ($1.1M)"), "%s", t);
    cr_assert_not_null(strstr(t, "$1,250,000"), "full number under the big one:\n%s", t);
    cr_assert_not_null(strstr(t, "previous"), "%s", t);
    scout_buf_free(&out);
    scout_result_free(r);
}

Test(render_termchart, time_series_draws_columns_with_first_and_last_dates)
{
    scout_result *r = shape_line();
    scout_buf out = SCOUT_BUF_INIT;
    render(r, 80, false, &out);
    const char *t = scout_buf_cstr(&out);
    cr_assert_not_null(strstr(t, "2025-01-01"), "%s", t);
    cr_assert_not_null(strstr(t, "2025-12-01"), "%s", t);
    cr_assert_not_null(strstr(t, "┤"), "%s", t);
    scout_buf_free(&out);
    r = (scout_result_free(r), shape_line_series());
    render(r, 80, false, &out);
    t = scout_buf_cstr(&out);
    cr_assert(strstr(t, "ios") && strstr(t, "android") && strstr(t, "web"), "%s", t);
    cr_assert_not_null(strstr(t, "▁"), "sparklines:\n%s", t);
    scout_buf_free(&out);
    scout_result_free(r);
}
