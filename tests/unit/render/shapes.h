/* shapes — result sets of every chart shape for the render tests (header-only:
 * each test file is also built alone by `make check-one`). */
#ifndef SCOUT_TEST_RENDER_SHAPES_H
#define SCOUT_TEST_RENDER_SHAPES_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/result.h"

#define COL(n, role, type, unit)                                                                   \
    {                                                                                              \
        (char *)(n), NULL, SCOUT_RESULT_ROLE_##role, SCOUT_RESULT_TYPE_##type, SCOUT_UNIT_##unit,  \
            false                                                                                  \
    }
#define VI(x) ((scout_value){SCOUT_VAL_INT, (x), 0, NULL, 0})
#define VD(x) ((scout_value){SCOUT_VAL_REAL, 0, (x), NULL, 0})
#define VS(x) ((scout_value){SCOUT_VAL_TEXT, 0, 0, (x), strlen(x)})
#define VN    ((scout_value){SCOUT_VAL_NULL, 0, 0, NULL, 0})

static inline scout_result *shape_new(const scout_result_col *cols, size_t n)
{
    scout_result *r = scout_result_new(0, 0);
    cr_assert(r);
    cr_assert_eq(scout_result_set_columns(r, cols, n, NULL), SCOUT_OK);
    return r;
}

static inline void shape_row(scout_result *r, const scout_value *vals, size_t n)
{
    cr_assert_eq(scout_result_add_row(r, vals, n, NULL), SCOUT_OK);
}

#define ROW(r, ...)                                                                                \
    do {                                                                                           \
        scout_value v_[] = {__VA_ARGS__};                                                          \
        shape_row((r), v_, sizeof v_ / sizeof v_[0]);                                              \
    } while (0)

static inline scout_result *shape_kpi(void)
{
    scout_result_col c[] = {COL("revenue", MEASURE, REAL, CURRENCY)};
    scout_result *r = shape_new(c, 1);
    ROW(r, VD(1234567.89));
    return r;
}

static inline scout_result *shape_line(void)
{
    scout_result_col c[] = {COL("month", TIME, DATE, NONE),
                            COL("revenue", MEASURE, REAL, CURRENCY)};
    scout_result *r = shape_new(c, 2);
    char d[32];
    for (int m = 1; m <= 12; m++) {
        snprintf(d, sizeof d, "2025-%02d-01", m);
        ROW(r, VS(d), VD(100000.0 + m * 12500.5 + (m % 3) * 20000));
    }
    return r;
}

static inline scout_result *shape_line_series(void)
{
    scout_result_col c[] = {COL("day", TIME, DATE, NONE), COL("platform", DIMENSION, TEXT, NONE),
                            COL("users", MEASURE, INT, NONE)};
    scout_result *r = shape_new(c, 3);
    const char *platforms[] = {"ios", "android", "web"};
    char d[32];
    for (int p = 0; p < 3; p++)
        for (int i = 1; i <= 14; i++) {
            snprintf(d, sizeof d, "2026-03-%02d", i);
            ROW(r, VS(d), VS(platforms[p]), VI(1000 * (p + 1) + i * 37));
        }
    return r;
}

static inline scout_result *shape_bar(void)
{
    scout_result_col c[] = {COL("region", DIMENSION, TEXT, NONE),
                            COL("revenue", MEASURE, REAL, CURRENCY)};
    scout_result *r = shape_new(c, 2);
    ROW(r, VS("EMEA"), VD(1200000.5));
    ROW(r, VS("North America"), VD(3400000.25));
    ROW(r, VS("APAC"), VD(800000));
    ROW(r, VS("LATAM"), VD(150000));
    ROW(r, VS("Middle East & Africa (incl. <script>)"), VD(-2500));
    return r;
}

static inline scout_result *shape_many_categories(void)
{
    scout_result_col c[] = {COL("country", DIMENSION, TEXT, NONE),
                            COL("orders", MEASURE, INT, NONE)};
    scout_result *r = shape_new(c, 2);
    char name[32];
    for (int i = 0; i < 30; i++) {
        snprintf(name, sizeof name, "country %d", i);
        ROW(r, VS(name), VI(i * 10));
    }
    return r;
}

static inline scout_result *shape_two_dims(bool pct)
{
    scout_result_col c[] = {COL("region", DIMENSION, TEXT, NONE),
                            COL("cohort", DIMENSION, TEXT, NONE),
                            pct ? (scout_result_col)COL("conversion", PCT, REAL, PCT)
                                : (scout_result_col)COL("revenue", MEASURE, REAL, CURRENCY)};
    scout_result *r = shape_new(c, 3);
    const char *regions[] = {"EMEA", "APAC", "NA"}, *cohorts[] = {"2024", "2025"};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++)
            ROW(r, VS(regions[i]), VS(cohorts[j]),
                VD(pct ? 0.1 * (i + 1) + 0.05 * j : 1000.0 * (i + j + 1)));
    return r;
}

static inline scout_result *shape_comparison_by_component(void)
{
    scout_result_col c[] = {COL("component", DIMENSION, TEXT, NONE),
                            COL("p95_ms_current", MEASURE, REAL, MS),
                            COL("p95_ms_previous", MEASURE, REAL, MS),
                            COL("delta_ms", DELTA, REAL, MS), COL("change", PCT, REAL, PCT)};
    c[2].previous = true;
    scout_result *r = shape_new(c, 5);
    ROW(r, VS("queue"), VD(420), VD(300), VD(120), VD(0.4));
    ROW(r, VS("model"), VD(900), VD(880), VD(20), VD(0.0227));
    ROW(r, VS("network"), VD(150), VD(170), VD(-20), VD(-0.1176));
    ROW(r, VS("render"), VD(60), VD(58), VD(2), VD(0.0345));
    return r;
}

static inline scout_result *shape_comparison_two_periods(void)
{
    scout_result_col c[] = {COL("revenue", MEASURE, REAL, CURRENCY),
                            COL("revenue_previous", MEASURE, REAL, CURRENCY),
                            COL("delta", DELTA, REAL, CURRENCY), COL("change", PCT, REAL, PCT)};
    scout_result *r = shape_new(c, 4);
    ROW(r, VD(1250000), VD(1100000), VD(150000), VD(0.1364));
    return r;
}

/* The repository root: tests run from it, and SCOUT_FIXTURES points into it. */
static inline char *repo_path(const char *rel)
{
    const char *fx = getenv("SCOUT_FIXTURES");
    char *p = NULL;
    size_t n = (fx ? strlen(fx) : 1) + strlen(rel) + 16;
    p = malloc(n);
    if (fx)
        snprintf(p, n, "%s/../../%s", fx, rel);
    else
        snprintf(p, n, "./%s", rel);
    return p;
}

#endif
