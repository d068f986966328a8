/* chart — chart choice from column roles and Vega-Lite v5 spec output. */
#include "render/chart.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define VL_SCHEMA "https://vega.github.io/schema/vega-lite/v5.json"

static const char *const kind_names[] = {"none",        "kpi",         "line",      "bar",
                                         "grouped_bar", "stacked_bar", "comparison"};

const char *scout_chart_kind_name(scout_chart_kind kind)
{
    return (size_t)kind < sizeof kind_names / sizeof kind_names[0] ? kind_names[kind] : "none";
}

scout_unit scout_chart_col_unit(const scout_result *r, int col)
{
    const scout_result_col *c = col >= 0 ? scout_result_col_at(r, (size_t)col) : NULL;
    if (!c) return SCOUT_UNIT_NONE;
    if (c->unit != SCOUT_UNIT_NONE) return c->unit;
    return c->role == SCOUT_RESULT_ROLE_PCT ? SCOUT_UNIT_PCT : SCOUT_UNIT_NONE;
}

static bool cells_equal(const scout_value *a, const scout_value *b)
{
    if (a->type != b->type) return false;
    switch (a->type) {
    case SCOUT_VAL_INT:
        return a->i == b->i;
    case SCOUT_VAL_REAL:
        return a->d == b->d;
    case SCOUT_VAL_TEXT:
    case SCOUT_VAL_BLOB:
        return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
    case SCOUT_VAL_NULL:
        return true;
    }
    return false;
}

/* Distinct values in a column, counting no further than limit + 1 so huge
 * results stay cheap (the caller only asks "more than limit?"). */
static size_t distinct_upto(const scout_result *r, int col, size_t limit)
{
    size_t n = scout_result_nrows(r), distinct = 0;
    for (size_t i = 0; i < n && distinct <= limit; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = cells_equal(scout_result_cell(r, i, (size_t)col),
                               scout_result_cell(r, j, (size_t)col));
        if (!seen) distinct++;
    }
    return distinct;
}

static bool name_says_previous(const char *name)
{
    static const char *const words[] = {"prev", "prior", "before", "last_period", "baseline"};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
        for (const char *p = name; *p; p++)
            if (strncasecmp(p, words[w], strlen(words[w])) == 0) return true;
    return false;
}

/* Finds the current and previous measures of a comparison: a measure marked
 * previous (or named like "previous"/"prior") is the previous one, else the
 * second measure. */
static void find_current_previous(const scout_result *r, scout_chart_plan *p)
{
    int first = -1, second = -1, named_prev = -1;
    for (int c = scout_result_find_role(r, SCOUT_RESULT_ROLE_MEASURE, -1); c >= 0;
         c = scout_result_find_role(r, SCOUT_RESULT_ROLE_MEASURE, c)) {
        const scout_result_col *col = scout_result_col_at(r, (size_t)c);
        if (named_prev < 0 && (col->previous || name_says_previous(col->name))) {
            named_prev = c;
            continue;
        }
        if (first < 0)
            first = c;
        else if (second < 0)
            second = c;
    }
    p->current = first;
    p->previous = named_prev >= 0 ? named_prev : second;
}

static void choose_comparison(const scout_result *r, scout_chart_plan *p, int dim)
{
    find_current_previous(r, p);
    p->x = dim;
    if (dim >= 0) {
        p->kind = SCOUT_CHART_COMPARISON;
        p->y = p->delta;
        p->why = "a comparison by category: one bar per category showing its change";
    } else if (p->current >= 0 && p->previous >= 0) {
        p->kind = SCOUT_CHART_COMPARISON;
        p->y = p->current;
        p->why = "a comparison of two periods: previous and current side by side with the change";
    } else {
        p->kind = SCOUT_CHART_KPI;
        p->y = p->current >= 0 ? p->current : p->delta;
        p->why = "one number with its change";
    }
}

void scout_chart_choose(const scout_result *r, scout_chart_plan *p)
{
    *p = (scout_chart_plan){SCOUT_CHART_NONE, -1, -1, -1, -1, -1, -1, -1, NULL};
    int measure = scout_result_find_role(r, SCOUT_RESULT_ROLE_MEASURE, -1);
    int pct = scout_result_find_role(r, SCOUT_RESULT_ROLE_PCT, -1);
    int time = scout_result_find_role(r, SCOUT_RESULT_ROLE_TIME, -1);
    int d1 = scout_result_find_role(r, SCOUT_RESULT_ROLE_DIMENSION, -1);
    int d2 = d1 >= 0 ? scout_result_find_role(r, SCOUT_RESULT_ROLE_DIMENSION, d1) : -1;
    p->delta = scout_result_find_role(r, SCOUT_RESULT_ROLE_DELTA, -1);
    p->pct = pct;
    p->y = measure >= 0 ? measure : (pct >= 0 ? pct : p->delta);
    size_t rows = scout_result_nrows(r);
    if (rows == 0 || p->y < 0) {
        p->why = rows == 0 ? "no rows to chart" : "no numeric column to chart";
        return;
    }
    if (p->delta >= 0 && time < 0) {
        if (d1 >= 0 &&
            distinct_upto(r, d1, SCOUT_CHART_MAX_CATEGORIES) > SCOUT_CHART_MAX_CATEGORIES) {
            p->why = "too many categories to chart; the table lists them";
            return;
        }
        choose_comparison(r, p, d1);
        return;
    }
    if (time >= 0) {
        p->kind = SCOUT_CHART_LINE;
        p->x = time;
        p->series = d1;
        p->why = d1 >= 0 ? "a measure over time per category: one line each"
                         : "a measure over time: a line";
        return;
    }
    if (d1 < 0) {
        if (rows == 1) {
            p->kind = SCOUT_CHART_KPI;
            p->current = p->y;
            p->why = "a single number";
        } else {
            p->why = "several rows without a category or time column; the table says it better";
        }
        return;
    }
    if (distinct_upto(r, d1, SCOUT_CHART_MAX_CATEGORIES) > SCOUT_CHART_MAX_CATEGORIES) {
        p->why = "more than 20 categories; the table lists them";
        return;
    }
    p->x = d1;
    if (d2 >= 0) {
        p->series = d2;
        scout_unit yu = scout_chart_col_unit(r, p->y);
        bool shares = yu == SCOUT_UNIT_PCT || yu == SCOUT_UNIT_PCT_POINTS;
        p->kind = shares ? SCOUT_CHART_GROUPED_BAR : SCOUT_CHART_STACKED_BAR;
        p->why = shares ? "two dimensions and a rate: grouped bars (rates do not add up)"
                        : "two dimensions and an additive measure: stacked bars";
        return;
    }
    p->kind = SCOUT_CHART_BAR;
    p->why = "a measure per category: bars, largest first";
}

/* ---- spec output ---------------------------------------------------- */

/* Data keys in the spec: the column name when it is a plain identifier
 * (readable when someone copies the spec), else "c<i>", because Vega-Lite
 * reads dots and brackets in field names as nested access. */
static void field_key(const scout_result *r, int col, char *dst, size_t n)
{
    const char *name = scout_result_col_at(r, (size_t)col)->name;
    bool plain = name[0] && (isalpha((unsigned char)name[0]) || name[0] == '_');
    for (const char *p = name; plain && *p; p++) plain = isalnum((unsigned char)*p) || *p == '_';
    /* A plain name could still collide with another column's: fall back then too. */
    for (size_t c = 0; plain && c < scout_result_ncols(r); c++)
        if ((int)c != col && strcasecmp(scout_result_col_at(r, c)->name, name) == 0) plain = false;
    if (plain && strlen(name) < n)
        snprintf(dst, n, "%s", name);
    else
        snprintf(dst, n, "c%d", col);
}

static json_t *data_values(const scout_result *r)
{
    json_t *rows = json_array();
    size_t ncols = scout_result_ncols(r);
    for (size_t i = 0; i < scout_result_nrows(r); i++) {
        json_t *o = json_object();
        for (size_t c = 0; c < ncols; c++) {
            char key[128];
            field_key(r, (int)c, key, sizeof key);
            json_t *v = scout_result_cell_json(scout_result_cell(r, i, c));
            json_object_set_new(o, key, v ? v : json_null());
        }
        json_array_append_new(rows, o);
    }
    return rows;
}

static bool is_temporal(const scout_result *r, int col)
{
    scout_result_type t = scout_result_col_at(r, (size_t)col)->type;
    return t == SCOUT_RESULT_TYPE_DATE || t == SCOUT_RESULT_TYPE_TIMESTAMP;
}

/* A quantitative encoding channel with the unit's axis format. */
static json_t *quant(const scout_result *r, int col, bool axis)
{
    char key[128];
    field_key(r, col, key, sizeof key);
    scout_unit u = scout_chart_col_unit(r, col);
    json_t *ch = json_pack("{s:s, s:s, s:s}", "field", key, "type", "quantitative", "title",
                           scout_result_col_title(r, (size_t)col));
    if (axis)
        json_object_set_new(ch, "axis", json_pack("{s:s}", "format", scout_fmt_d3(u, true)));
    else
        json_object_set_new(ch, "format", json_string(scout_fmt_d3(u, false)));
    return ch;
}

/* A category or time channel; in a tooltip, dates carry a format instead
 * of the scale and axis a tooltip may not have. */
static json_t *discrete_ch(const scout_result *r, int col, bool in_tooltip)
{
    char key[128];
    field_key(r, col, key, sizeof key);
    const char *title = scout_result_col_title(r, (size_t)col);
    if (is_temporal(r, col) && in_tooltip)
        return json_pack("{s:s, s:s, s:s, s:s, s:s}", "field", key, "type", "temporal", "title",
                         title, "timeUnit", "utcyearmonthdate", "format", "%Y-%m-%d");
    if (is_temporal(r, col))
        /* Dates are UTC calendar days (JavaScript parses "2026-07-01" as UTC
         * midnight): local time would show them a day early west of UTC. */
        return json_pack("{s:s, s:s, s:s, s:s}", "field", key, "type", "temporal", "title", title,
                         "timeUnit", "utcyearmonthdate");
    const scout_result_col *c = scout_result_col_at(r, (size_t)col);
    return json_pack("{s:s, s:s, s:s}", "field", key, "type",
                     c->role == SCOUT_RESULT_ROLE_TIME ? "ordinal" : "nominal", "title", title);
}

static json_t *discrete(const scout_result *r, int col)
{
    return discrete_ch(r, col, false);
}

/* Tooltip: every column, numbers with their full format. */
static json_t *tooltip(const scout_result *r)
{
    json_t *arr = json_array();
    for (size_t c = 0; c < scout_result_ncols(r); c++) {
        const scout_result_col *col = scout_result_col_at(r, c);
        bool num = col->role == SCOUT_RESULT_ROLE_MEASURE || col->role == SCOUT_RESULT_ROLE_DELTA ||
                   col->role == SCOUT_RESULT_ROLE_PCT;
        json_array_append_new(arr, num ? quant(r, (int)c, false) : discrete_ch(r, (int)c, true));
    }
    return arr;
}

static json_t *line_spec(const scout_result *r, const scout_chart_plan *p)
{
    json_t *enc = json_pack("{s:o, s:o, s:o}", "x", discrete(r, p->x), "y", quant(r, p->y, true),
                            "tooltip", tooltip(r));
    if (p->series >= 0) json_object_set_new(enc, "color", discrete(r, p->series));
    return json_pack("{s:{s:s, s:b}, s:o, s:i, s:i}", "mark", "type", "line", "point", 1,
                     "encoding", enc, "width", 600, "height", 300);
}

/* Horizontal bars: long category labels stay readable. */
static json_t *bar_spec(const scout_result *r, const scout_chart_plan *p)
{
    char key[128];
    field_key(r, p->y, key, sizeof key);
    json_t *y = discrete(r, p->x);
    json_t *enc =
        json_pack("{s:o, s:o, s:o}", "x", quant(r, p->y, true), "y", y, "tooltip", tooltip(r));
    if (p->kind == SCOUT_CHART_BAR) {
        json_object_set_new(y, "sort", json_string("-x"));
    } else {
        /* Order categories by their total so the biggest group leads. */
        json_object_set_new(
            y, "sort",
            json_pack("{s:s, s:s, s:s}", "field", key, "op", "sum", "order", "descending"));
        json_object_set_new(enc, "color", discrete(r, p->series));
        if (p->kind == SCOUT_CHART_GROUPED_BAR)
            json_object_set_new(enc, "yOffset", discrete(r, p->series));
    }
    return json_pack("{s:{s:s}, s:o, s:i}", "mark", "type", "bar", "encoding", enc, "width", 500);
}

static json_t *kpi_spec(const scout_result *r, const scout_chart_plan *p)
{
    json_t *value =
        json_pack("{s:{s:s, s:i, s:s, s:i}, s:{s:o}}", "mark", "type", "text", "fontSize", 48,
                  "fontWeight", "bold", "dy", -12, "encoding", "text", quant(r, p->y, false));
    json_t *layers = json_pack("[o]", value);
    if (p->delta >= 0 && p->delta != p->y) {
        char key[128], test[160], fmt[24];
        field_key(r, p->delta, key, sizeof key);
        snprintf(test, sizeof test, "datum['%s'] < 0", key);
        snprintf(fmt, sizeof fmt, "+%s", scout_fmt_d3(scout_chart_col_unit(r, p->delta), false));
        json_t *text = quant(r, p->delta, false);
        json_object_set_new(text, "format", json_string(fmt));
        json_array_append_new(
            layers, json_pack("{s:{s:s, s:i, s:i}, s:{s:o, s:{s:{s:s, s:s}, s:s}}}", "mark", "type",
                              "text", "fontSize", 20, "dy", 28, "encoding", "text", text, "color",
                              "condition", "test", test, "value", "#c0392b", "value", "#2e7d32"));
    }
    return json_pack("{s:o, s:i, s:i}", "layer", layers, "width", 300, "height", 120);
}

static json_t *comparison_spec(const scout_result *r, const scout_chart_plan *p)
{
    char key[128], test[160];
    if (p->x < 0) {
        /* Two bars, previous then current; the change goes in the subtitle. */
        char prev[128], cur[128];
        field_key(r, p->previous, prev, sizeof prev);
        field_key(r, p->current, cur, sizeof cur);
        scout_unit u = scout_chart_col_unit(r, p->current);
        return json_pack(
            "{s:[{s:[s,s], s:[s,s]}], s:{s:s}, s:{s:{s:s, s:s, s:s, s:[s,s]}, s:{s:s, s:s, "
            "s:s, s:{s:s}}, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}]}, s:i}",
            "transform", "fold", prev, cur, "as", "period", "value", "mark", "type", "bar",
            "encoding", "y", "field", "period", "type", "nominal", "title", "Period", "sort", prev,
            cur, "x", "field", "value", "type", "quantitative", "title",
            scout_result_col_title(r, p->current), "axis", "format", scout_fmt_d3(u, true),
            "tooltip", "field", "period", "type", "nominal", "title", "Period", "field", "value",
            "type", "quantitative", "format", scout_fmt_d3(u, false), "width", 500);
    }
    field_key(r, p->delta, key, sizeof key);
    snprintf(test, sizeof test, "datum['%s'] < 0", key);
    json_t *y = discrete(r, p->x);
    json_object_set_new(y, "sort", json_string("-x"));
    json_t *enc = json_pack("{s:o, s:o, s:o, s:{s:{s:s, s:s}, s:s}}", "x", quant(r, p->delta, true),
                            "y", y, "tooltip", tooltip(r), "color", "condition", "test", test,
                            "value", "#c0392b", "value", "#2e7d32");
    return json_pack("{s:{s:s}, s:o, s:i}", "mark", "type", "bar", "encoding", enc, "width", 500);
}

/* "Revenue by region", "Revenue over time", or just the measure's title. */
static void derive_title(const scout_result *r, const scout_chart_plan *p, char *dst, size_t n)
{
    const char *m = scout_result_col_title(r, (size_t)p->y);
    if (p->kind == SCOUT_CHART_LINE)
        snprintf(dst, n, "%s over time", m);
    else if (p->kind == SCOUT_CHART_COMPARISON && p->x >= 0)
        snprintf(dst, n, "Change in %s by %s", scout_result_col_title(r, (size_t)p->current),
                 scout_result_col_title(r, (size_t)p->x));
    else if (p->x >= 0)
        snprintf(dst, n, "%s by %s", m, scout_result_col_title(r, (size_t)p->x));
    else
        snprintf(dst, n, "%s", m);
}

/* The subtitle of a two-period comparison: "+12.3% vs previous ($1.1M)". */
static void comparison_subtitle(const scout_result *r, const scout_chart_plan *p, char *dst,
                                size_t n)
{
    double d = 0, prev = 0;
    char ds[SCOUT_FMT_MAX] = "", ps[SCOUT_FMT_MAX] = "", pc[SCOUT_FMT_MAX] = "";
    dst[0] = '\0';
    if (!scout_result_number(r, 0, (size_t)p->delta, &d)) return;
    scout_fmt_delta(ds, sizeof ds, d, scout_chart_col_unit(r, p->delta));
    if (p->previous >= 0 && scout_result_number(r, 0, (size_t)p->previous, &prev))
        scout_fmt_number(ps, sizeof ps, prev, scout_chart_col_unit(r, p->previous), true);
    double rel = 0;
    if (p->pct >= 0 && scout_result_number(r, 0, (size_t)p->pct, &rel))
        scout_fmt_delta(pc, sizeof pc, rel, scout_chart_col_unit(r, p->pct));
    snprintf(dst, n, "%s%s%s%s vs previous%s%s", ds, *pc ? " (" : "", pc, *pc ? ")" : "",
             *ps ? " of " : "", ps);
}

scout_rc scout_chart_spec(const scout_result *r, const scout_chart_plan *plan, const char *title,
                          json_t **out, scout_err *err)
{
    *out = NULL;
    json_t *body = NULL;
    switch (plan->kind) {
    case SCOUT_CHART_NONE:
        return SCOUT_OK;
    case SCOUT_CHART_KPI:
        body = kpi_spec(r, plan);
        break;
    case SCOUT_CHART_LINE:
        body = line_spec(r, plan);
        break;
    case SCOUT_CHART_BAR:
    case SCOUT_CHART_GROUPED_BAR:
    case SCOUT_CHART_STACKED_BAR:
        body = bar_spec(r, plan);
        break;
    case SCOUT_CHART_COMPARISON:
        body = comparison_spec(r, plan);
        break;
    }
    char derived[256], sub[256] = "";
    if (!title || !*title) {
        derive_title(r, plan, derived, sizeof derived);
        title = derived;
    }
    if (plan->kind == SCOUT_CHART_COMPARISON && plan->x < 0)
        comparison_subtitle(r, plan, sub, sizeof sub);
    json_t *spec = json_pack("{s:s, s:{s:s}, s:{s:o}}", "$schema", VL_SCHEMA, "title", "text",
                             title, "data", "values", data_values(r));
    if (!spec || !body) {
        json_decref(spec);
        json_decref(body);
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory building the chart spec");
    }
    if (*sub) json_object_set_new(json_object_get(spec, "title"), "subtitle", json_string(sub));
    json_object_update(spec, body);
    json_decref(body);
    *out = spec;
    return SCOUT_OK;
}
