/* termchart — Unicode block charts for the terminal. */
#include "render/termchart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/table.h"

#define ANSI_BOLD  "\x1b[1m"
#define ANSI_GREEN "\x1b[32m"
#define ANSI_RED   "\x1b[31m"
#define ANSI_RESET "\x1b[0m"

#define LABEL_MAX   128
#define LINE_HEIGHT 8 /* rows of the single-series time chart */

/* Eighths of a full block, left-aligned (bars) and bottom-aligned (columns). */
static const char *const hblocks[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"};
static const char *const vblocks[] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

typedef struct tc {
    scout_buf *out;
    size_t width;
    bool color;
    scout_rc rc; /* first append failure; later appends are skipped */
} tc;

static void put(tc *t, const char *s)
{
    if (t->rc == SCOUT_OK) t->rc = scout_buf_puts(t->out, s);
}

static void putn(tc *t, const char *s, size_t n)
{
    if (t->rc == SCOUT_OK) t->rc = scout_buf_append(t->out, s, n);
}

static void pad(tc *t, size_t n)
{
    for (size_t i = 0; i < n; i++) put(t, " ");
}

static void esc(tc *t, const char *code)
{
    if (t->color) put(t, code);
}

/* Text cut or padded to exactly width cells (left- or right-aligned). */
static void put_fit(tc *t, const char *s, size_t width, bool right)
{
    size_t len = strlen(s), w = scout_fmt_width(s, len);
    if (w > width) {
        putn(t, s, scout_fmt_fit(s, len, width ? width - 1 : 0));
        if (width) put(t, "…");
        return;
    }
    if (right) pad(t, width - w);
    putn(t, s, len);
    if (!right) pad(t, width - w);
}

static size_t text_width(const char *s)
{
    return scout_fmt_width(s, strlen(s));
}

static double num(const scout_result *r, size_t row, int col)
{
    double d = 0;
    if (col < 0 || !scout_result_number(r, row, (size_t)col, &d)) return NAN;
    return d;
}

/* The value text of a bar: deltas signed, everything in its unit, compact. */
static void value_text(const scout_result *r, int col, double v, char *dst, size_t n)
{
    const scout_result_col *c = scout_result_col_at(r, (size_t)col);
    scout_unit u = scout_chart_col_unit(r, col);
    if (c && c->role == SCOUT_RESULT_ROLE_DELTA)
        scout_fmt_delta(dst, n, v, u);
    else
        scout_fmt_number(dst, n, v, u, true);
}

/* One horizontal bar of len eighths. */
static void bar(tc *t, size_t eighths)
{
    for (size_t i = 0; i < eighths / 8; i++) put(t, hblocks[8]);
    put(t, hblocks[eighths % 8]);
}

typedef struct bar_row {
    size_t row;
    double v;
} bar_row;

static int by_value_desc(const void *a, const void *b)
{
    double x = ((const bar_row *)a)->v, y = ((const bar_row *)b)->v;
    return (x < y) - (x > y);
}

/* Category label of a row: "x" or "x · series". */
static void row_label(const scout_result *r, const scout_chart_plan *p, size_t row, char *dst,
                      size_t n)
{
    char a[LABEL_MAX] = "", b[LABEL_MAX] = "";
    if (p->x >= 0) scout_table_cell_text(r, row, (size_t)p->x, a, sizeof a);
    if (p->series >= 0) scout_table_cell_text(r, row, (size_t)p->series, b, sizeof b);
    snprintf(dst, n, "%s%s%s", a, *b ? " · " : "", b);
}

/* Bars sorted largest first (BAR) or in data order (stacked/grouped pairs),
 * scaled to the widest |value|; negative values draw red when coloured. */
static void draw_bars(tc *t, const scout_result *r, const scout_chart_plan *p, bool sort)
{
    size_t n = scout_result_nrows(r);
    bar_row *rows = calloc(n ? n : 1, sizeof *rows);
    if (!rows) {
        t->rc = SCOUT_ENOMEM;
        return;
    }
    size_t k = 0, label_w = 0, value_w = 0;
    double maxabs = 0;
    char label[LABEL_MAX], value[SCOUT_FMT_MAX];
    for (size_t i = 0; i < n; i++) {
        double v = num(r, i, p->y);
        if (isnan(v)) continue;
        rows[k++] = (bar_row){i, v};
        if (fabs(v) > maxabs) maxabs = fabs(v);
        row_label(r, p, i, label, sizeof label);
        if (text_width(label) > label_w) label_w = text_width(label);
        value_text(r, p->y, v, value, sizeof value);
        if (text_width(value) > value_w) value_w = text_width(value);
    }
    if (sort) qsort(rows, k, sizeof *rows, by_value_desc);
    if (label_w > t->width / 3) label_w = t->width / 3;
    size_t fixed = label_w + 1 + 1 + value_w; /* label, space, bar, space, value */
    size_t bar_w = t->width > fixed + 4 ? t->width - fixed - 1 : 3;
    for (size_t i = 0; i < k; i++) {
        row_label(r, p, rows[i].row, label, sizeof label);
        value_text(r, p->y, rows[i].v, value, sizeof value);
        size_t eighths =
            maxabs > 0 ? (size_t)lround(fabs(rows[i].v) / maxabs * (double)bar_w * 8) : 0;
        if (eighths == 0 && rows[i].v != 0) eighths = 1; /* a non-zero value is never invisible */
        put_fit(t, label, label_w, false);
        put(t, " ");
        esc(t, rows[i].v < 0 ? ANSI_RED : (p->kind == SCOUT_CHART_COMPARISON ? ANSI_GREEN : ""));
        bar(t, eighths);
        esc(t, rows[i].v < 0 || p->kind == SCOUT_CHART_COMPARISON ? ANSI_RESET : "");
        size_t drawn = (eighths + 7) / 8;
        pad(t, bar_w - (drawn < bar_w ? drawn : bar_w) + 1);
        put_fit(t, value, value_w, true);
        put(t, "\n");
    }
    free(rows);
}

/* ---- time ------------------------------------------------------------ */

/* Samples the series (points in x order) into cols columns by averaging. */
static void resample(const double *v, size_t n, double *outv, size_t cols)
{
    for (size_t c = 0; c < cols; c++) {
        size_t a = c * n / cols, b = (c + 1) * n / cols;
        if (b <= a) b = a + 1;
        double s = 0;
        size_t k = 0;
        for (size_t i = a; i < b && i < n; i++)
            if (!isnan(v[i])) {
                s += v[i];
                k++;
            }
        outv[c] = k ? s / (double)k : NAN;
    }
}

/* Collects the series' values in row order (the compiler orders by time). */
static size_t series_values(const scout_result *r, const scout_chart_plan *p, size_t first_row,
                            double *v, size_t *rows)
{
    size_t n = scout_result_nrows(r), k = 0;
    const scout_value *key =
        p->series >= 0 ? scout_result_cell(r, first_row, (size_t)p->series) : NULL;
    for (size_t i = first_row; i < n; i++) {
        if (key) {
            const scout_value *c = scout_result_cell(r, i, (size_t)p->series);
            char a[LABEL_MAX], b[LABEL_MAX];
            scout_table_cell_text(r, i, (size_t)p->series, a, sizeof a);
            scout_table_cell_text(r, first_row, (size_t)p->series, b, sizeof b);
            if (c->type != key->type || strcmp(a, b) != 0) continue;
        }
        v[k] = num(r, i, p->y);
        rows[k++] = i;
    }
    return k;
}

static void minmax(const double *v, size_t n, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i])) continue;
        if (v[i] < *lo) *lo = v[i];
        if (v[i] > *hi) *hi = v[i];
    }
}

/* Levels 1..levels for a value between lo and hi (a flat series sits mid-way). */
static size_t level(double v, double lo, double hi, size_t levels)
{
    if (isnan(v)) return 0;
    if (hi <= lo) return levels / 2 ? levels / 2 : 1;
    size_t l = 1 + (size_t)lround((v - lo) / (hi - lo) * (double)(levels - 1));
    return l > levels ? levels : l;
}

/* One series as a block-column chart LINE_HEIGHT rows tall with y labels
 * (max at top, min at bottom) and the first/last x values underneath. */
static void draw_columns(tc *t, const scout_result *r, const scout_chart_plan *p, const double *v,
                         const size_t *rows, size_t n)
{
    double lo, hi;
    minmax(v, n, &lo, &hi);
    if (!isfinite(lo)) return;
    char top[SCOUT_FMT_MAX], bottom[SCOUT_FMT_MAX];
    value_text(r, p->y, hi, top, sizeof top);
    value_text(r, p->y, lo, bottom, sizeof bottom);
    size_t axis_w = text_width(top) > text_width(bottom) ? text_width(top) : text_width(bottom);
    size_t plot_w = t->width > axis_w + 3 ? t->width - axis_w - 3 : 1;
    size_t cols = n < plot_w ? n : plot_w;
    size_t step = n < plot_w ? plot_w / n : 1; /* few points: widen each column */
    if (step > 3) step = 3;
    double *s = calloc(cols, sizeof *s);
    if (!s) {
        t->rc = SCOUT_ENOMEM;
        return;
    }
    resample(v, n, s, cols);
    for (size_t row = LINE_HEIGHT; row >= 1; row--) {
        put_fit(t, row == LINE_HEIGHT ? top : (row == 1 ? bottom : ""), axis_w, true);
        put(t, " ┤");
        for (size_t c = 0; c < cols; c++) {
            size_t e = level(s[c], lo, hi, LINE_HEIGHT * 8);
            size_t below = (row - 1) * 8;
            const char *glyph =
                e >= below + 8 ? vblocks[8] : (e > below ? vblocks[e - below] : " ");
            for (size_t k = 0; k < step; k++) put(t, glyph);
        }
        put(t, "\n");
    }
    char first[LABEL_MAX], last[LABEL_MAX];
    scout_table_cell_text(r, rows[0], (size_t)p->x, first, sizeof first);
    scout_table_cell_text(r, rows[n - 1], (size_t)p->x, last, sizeof last);
    size_t span = cols * step;
    pad(t, axis_w + 2);
    if (text_width(first) + text_width(last) + 1 <= span) {
        put(t, first);
        pad(t, span - text_width(first) - text_width(last));
        put(t, last);
    } else {
        put_fit(t, first, span < t->width - axis_w - 2 ? t->width - axis_w - 2 : span, false);
    }
    put(t, "\n");
    free(s);
}

/* One sparkline per series: "label ▁▂▅▇ last". */
static void draw_sparkline(tc *t, const scout_result *r, const scout_chart_plan *p, const double *v,
                           size_t n, size_t label_w, const char *label)
{
    double lo, hi;
    minmax(v, n, &lo, &hi);
    char lastv[SCOUT_FMT_MAX] = "";
    for (size_t i = n; i > 0; i--)
        if (!isnan(v[i - 1])) {
            value_text(r, p->y, v[i - 1], lastv, sizeof lastv);
            break;
        }
    size_t fixed = label_w + 2 + 10;
    size_t plot_w = t->width > fixed + 4 ? t->width - fixed : 4;
    size_t cols = n < plot_w ? n : plot_w;
    double *s = calloc(cols ? cols : 1, sizeof *s);
    if (!s) {
        t->rc = SCOUT_ENOMEM;
        return;
    }
    resample(v, n, s, cols);
    put_fit(t, label, label_w, false);
    put(t, " ");
    for (size_t c = 0; c < cols; c++) put(t, vblocks[level(s[c], lo, hi, 8)]);
    put(t, " ");
    put_fit(t, lastv, 9, false);
    /* put_fit pads; drop the padding at the line end. */
    while (t->out->len && t->out->data[t->out->len - 1] == ' ') t->out->data[--t->out->len] = '\0';
    put(t, "\n");
    free(s);
}

static void draw_time(tc *t, const scout_result *r, const scout_chart_plan *p)
{
    size_t n = scout_result_nrows(r);
    double *v = calloc(n, sizeof *v);
    size_t *rows = calloc(n, sizeof *rows);
    bool *done = calloc(n, sizeof *done);
    if (!v || !rows || !done) {
        t->rc = SCOUT_ENOMEM;
    } else if (p->series < 0) {
        size_t k = series_values(r, p, 0, v, rows);
        draw_columns(t, r, p, v, rows, k);
    } else {
        size_t label_w = t->width / 4;
        for (size_t i = 0; i < n && t->rc == SCOUT_OK; i++) {
            if (done[i]) continue;
            size_t k = series_values(r, p, i, v, rows);
            for (size_t j = 0; j < k; j++) done[rows[j]] = true;
            char label[LABEL_MAX];
            scout_table_cell_text(r, i, (size_t)p->series, label, sizeof label);
            draw_sparkline(t, r, p, v, k, label_w, label);
        }
    }
    free(v);
    free(rows);
    free(done);
}

/* ---- KPI ------------------------------------------------------------- */

typedef struct glyph {
    char ch;
    const char *rows[3];
} glyph;

/* A three-row block font for the characters compact numbers use. */
static const glyph font[] = {
    {'0', {"█▀█", "█ █", "▀▀▀"}}, {'1', {"▀█ ", " █ ", "▀▀▀"}}, {'2', {"▀▀█", "█▀▀", "▀▀▀"}},
    {'3', {"▀▀█", " ▀█", "▀▀▀"}}, {'4', {"█ █", "▀▀█", "  ▀"}}, {'5', {"█▀▀", "▀▀█", "▀▀▀"}},
    {'6', {"█▀▀", "█▀█", "▀▀▀"}}, {'7', {"▀▀█", "  █", "  ▀"}}, {'8', {"█▀█", "█▀█", "▀▀▀"}},
    {'9', {"█▀█", "▀▀█", "▀▀▀"}}, {'.', {" ", " ", "▀"}},       {',', {" ", " ", "▄"}},
    {'-', {"   ", "▀▀▀", "   "}}, {'+', {" ▄ ", "▀█▀", "   "}}, {'%', {"▀ █", " █ ", "█ ▄"}},
    {'$', {"▄█▀", "▀█▄", "▀▀ "}}, {'K', {"█ █", "██ ", "▀ ▀"}}, {'M', {"█▄█", "█ █", "▀ ▀"}},
    {'B', {"█▀▄", "█▀▄", "▀▀ "}}, {'T', {"▀█▀", " █ ", " ▀ "}}, {' ', {" ", " ", " "}},
};

static const glyph *glyph_for(char ch)
{
    for (size_t i = 0; i < sizeof font / sizeof font[0]; i++)
        if (font[i].ch == ch) return &font[i];
    return NULL;
}

/* Draws text in the block font when every character has a glyph and it fits;
 * returns false (drawing nothing) otherwise. */
static bool big_text(tc *t, const char *s)
{
    size_t w = 0;
    for (const char *p = s; *p; p++) {
        const glyph *g = glyph_for(*p);
        if (!g) return false;
        w += text_width(g->rows[0]) + 1;
    }
    if (w + 2 > t->width) return false;
    for (int row = 0; row < 3; row++) {
        put(t, "  ");
        esc(t, ANSI_BOLD);
        for (const char *p = s; *p; p++) {
            put(t, glyph_for(*p)->rows[row]);
            if (p[1]) put(t, " ");
        }
        esc(t, ANSI_RESET);
        put(t, "\n");
    }
    return true;
}

static void draw_kpi(tc *t, const scout_result *r, const scout_chart_plan *p)
{
    int col = p->current >= 0 ? p->current : p->y;
    double v = num(r, 0, col);
    char compact[SCOUT_FMT_MAX], full[SCOUT_FMT_MAX];
    scout_unit u = scout_chart_col_unit(r, col);
    scout_fmt_number(compact, sizeof compact, v, u, true);
    scout_fmt_number(full, sizeof full, v, u, false);
    put(t, "  ");
    put_fit(t, scout_result_col_title(r, (size_t)col), t->width - 2, false);
    while (t->out->len && t->out->data[t->out->len - 1] == ' ') t->out->data[--t->out->len] = '\0';
    put(t, "\n");
    if (!big_text(t, compact)) {
        put(t, "  ");
        esc(t, ANSI_BOLD);
        put_fit(t, compact, t->width - 2, false);
        esc(t, ANSI_RESET);
        put(t, "\n");
    }
    if (strcmp(compact, full) != 0 && text_width(full) + 2 <= t->width) {
        put(t, "  ");
        put(t, full);
        put(t, "\n");
    }
    double d = num(r, 0, p->delta);
    if (p->delta < 0 || isnan(d)) return;
    char line[256], ds[SCOUT_FMT_MAX], pc[SCOUT_FMT_MAX] = "", prev[SCOUT_FMT_MAX] = "";
    scout_fmt_delta(ds, sizeof ds, d, scout_chart_col_unit(r, p->delta));
    double rel = num(r, 0, p->pct), pv = num(r, 0, p->previous);
    if (p->pct >= 0 && !isnan(rel) && p->pct != col)
        scout_fmt_delta(pc, sizeof pc, rel, scout_chart_col_unit(r, p->pct));
    if (p->previous >= 0 && !isnan(pv))
        scout_fmt_number(prev, sizeof prev, pv, scout_chart_col_unit(r, p->previous), true);
    snprintf(line, sizeof line, "%s %s%s%s%s vs previous%s%s%s", d > 0 ? "▲" : (d < 0 ? "▼" : "="),
             ds, *pc ? " (" : "", pc, *pc ? ")" : "", *prev ? " (" : "", prev, *prev ? ")" : "");
    put(t, "  ");
    esc(t, d > 0 ? ANSI_GREEN : (d < 0 ? ANSI_RED : ""));
    put_fit(t, line, t->width - 2, false);
    esc(t, d != 0 ? ANSI_RESET : "");
    while (t->out->len && t->out->data[t->out->len - 1] == ' ') t->out->data[--t->out->len] = '\0';
    put(t, "\n");
}

/* Two periods without categories: the KPI with its delta, then two bars. */
static void draw_two_periods(tc *t, const scout_result *r, const scout_chart_plan *p)
{
    draw_kpi(t, r, p);
    put(t, "\n");
    double vals[2] = {num(r, 0, p->previous), num(r, 0, p->current)};
    const char *names[2] = {"previous", "current"};
    double maxabs = fmax(fabs(vals[0]), fabs(vals[1]));
    char value[2][SCOUT_FMT_MAX];
    size_t value_w = 0;
    for (int i = 0; i < 2; i++) {
        scout_fmt_number(value[i], sizeof value[i], vals[i], scout_chart_col_unit(r, p->current),
                         true);
        if (text_width(value[i]) > value_w) value_w = text_width(value[i]);
    }
    size_t fixed = 8 + 1 + 1 + value_w; /* "previous", space, bar, space, value */
    size_t bar_w = t->width > fixed + 2 ? t->width - fixed - 1 : 1;
    for (int i = 0; i < 2; i++) {
        if (isnan(vals[i])) continue;
        size_t e = maxabs > 0 ? (size_t)lround(fabs(vals[i]) / maxabs * (double)bar_w * 8) : 0;
        put_fit(t, names[i], 8, false);
        put(t, " ");
        bar(t, e);
        pad(t, bar_w - ((e + 7) / 8 < bar_w ? (e + 7) / 8 : bar_w) + 1);
        put_fit(t, value[i], value_w, true);
        put(t, "\n");
    }
}

scout_rc scout_termchart_render(scout_buf *out, const scout_result *r, const scout_chart_plan *plan,
                                const scout_term_opts *o, scout_err *err)
{
    tc t = {out, o && o->width > 0 ? (size_t)o->width : 80, o && o->color, SCOUT_OK};
    if (t.width < 20) t.width = 20;
    switch (plan->kind) {
    case SCOUT_CHART_NONE:
        break;
    case SCOUT_CHART_KPI:
        draw_kpi(&t, r, plan);
        break;
    case SCOUT_CHART_LINE:
        draw_time(&t, r, plan);
        break;
    case SCOUT_CHART_BAR:
        draw_bars(&t, r, plan, true);
        break;
    case SCOUT_CHART_GROUPED_BAR:
    case SCOUT_CHART_STACKED_BAR:
        draw_bars(&t, r, plan, false);
        break;
    case SCOUT_CHART_COMPARISON:
        if (plan->x >= 0)
            draw_bars(&t, r, plan, true);
        else
            draw_two_periods(&t, r, plan);
        break;
    }
    if (t.rc != SCOUT_OK) return scout_err_set(err, t.rc, "terminal chart output failed");
    return SCOUT_OK;
}
