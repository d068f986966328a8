/* table — aligned terminal tables that fit the terminal width. */
#include "render/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/chart.h"

#define ANSI_BOLD  "\x1b[1m"
#define ANSI_DIM   "\x1b[2m"
#define ANSI_RESET "\x1b[0m"

#define CELL_MAX 512 /* bytes of one formatted cell; longer text is cut anyway */

bool scout_table_col_numeric(const scout_result *r, size_t col)
{
    const scout_result_col *c = scout_result_col_at(r, col);
    if (!c) return false;
    if (c->role == SCOUT_RESULT_ROLE_MEASURE || c->role == SCOUT_RESULT_ROLE_DELTA ||
        c->role == SCOUT_RESULT_ROLE_PCT)
        return true;
    if (c->role != SCOUT_RESULT_ROLE_UNKNOWN) return false;
    return c->type == SCOUT_RESULT_TYPE_INT || c->type == SCOUT_RESULT_TYPE_REAL;
}

/* Copies text, turning control bytes (ESC, newlines, tabs) into spaces. */
static void clean_text(char *dst, size_t n, const char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        dst[o++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
    }
    /* Never end inside a UTF-8 sequence that was cut by the buffer size. */
    while (o > 0 && ((unsigned char)dst[o - 1] & 0x80)) {
        size_t start = o - 1;
        while (start > 0 && ((unsigned char)dst[start] & 0xC0) == 0x80) start--;
        unsigned char lead = (unsigned char)dst[start];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (o - start >= need) break;
        o = start;
    }
    if (n) dst[o] = '\0';
}

const char *scout_table_cell_text(const scout_result *r, size_t row, size_t col, char *dst,
                                  size_t n)
{
    const scout_value *v = scout_result_cell(r, row, col);
    const scout_result_col *c = scout_result_col_at(r, col);
    bool numeric = scout_table_col_numeric(r, col);
    scout_unit unit = scout_chart_col_unit(r, (int)col);
    double d;
    if (n) dst[0] = '\0';
    switch (v->type) {
    case SCOUT_VAL_NULL:
        break;
    case SCOUT_VAL_BLOB:
        snprintf(dst, n, "<blob %zu bytes>", v->len);
        break;
    case SCOUT_VAL_TEXT:
        clean_text(dst, n, v->s, v->len);
        break;
    case SCOUT_VAL_INT:
    case SCOUT_VAL_REAL:
        d = v->type == SCOUT_VAL_INT ? (double)v->i : v->d;
        if (!numeric && v->type == SCOUT_VAL_INT)
            snprintf(dst, n, "%lld", (long long)v->i);
        else if (c && c->role == SCOUT_RESULT_ROLE_DELTA)
            scout_fmt_delta(dst, n, d, unit);
        else if (v->type == SCOUT_VAL_INT && unit == SCOUT_UNIT_NONE)
            scout_fmt_int(dst, n, (long long)v->i);
        else
            scout_fmt_number(dst, n, d, unit, false);
        break;
    }
    return dst;
}

/* Writes text padded or cut to exactly width cells. */
static scout_rc put_cell(scout_buf *out, const char *text, size_t width, bool right)
{
    size_t len = strlen(text), w = scout_fmt_width(text, len);
    scout_rc rc = SCOUT_OK;
    if (w > width) {
        size_t keep = scout_fmt_fit(text, len, width ? width - 1 : 0);
        rc = scout_buf_append(out, text, keep);
        if (rc == SCOUT_OK && width) rc = scout_buf_puts(out, "…");
        return rc;
    }
    for (size_t i = w; right && i < width && rc == SCOUT_OK; i++) rc = scout_buf_putc(out, ' ');
    if (rc == SCOUT_OK) rc = scout_buf_append(out, text, len);
    for (size_t i = w; !right && i < width && rc == SCOUT_OK; i++) rc = scout_buf_putc(out, ' ');
    return rc;
}

/* Natural widths (capped), then shrinks the widest column until the row fits;
 * returns how many leading columns are shown at all. */
static size_t layout(const scout_result *r, size_t shown_rows, size_t max_cell, size_t width,
                     size_t *w)
{
    size_t ncols = scout_result_ncols(r);
    char cell[CELL_MAX];
    for (size_t c = 0; c < ncols; c++) {
        const char *t = scout_result_col_title(r, c);
        w[c] = scout_fmt_width(t, strlen(t));
        for (size_t i = 0; i < shown_rows; i++) {
            scout_table_cell_text(r, i, c, cell, sizeof cell);
            size_t cw = scout_fmt_width(cell, strlen(cell));
            if (cw > w[c]) w[c] = cw;
        }
        if (w[c] > max_cell) w[c] = max_cell;
        if (w[c] == 0) w[c] = 1;
    }
    size_t used = ncols;
    for (;;) {
        size_t total = 0, widest = 0;
        for (size_t c = 0; c < used; c++) {
            total += w[c] + (c ? 2 : 0);
            if (w[c] > w[widest]) widest = c;
        }
        if (total <= width || used == 0) break;
        if (w[widest] > 4)
            w[widest]--;
        else
            used--; /* every column is already narrow: drop the rightmost */
    }
    return used;
}

static scout_rc put_row_end(scout_buf *out)
{
    /* Trailing spaces help nobody; trim them before the newline. */
    while (out->len > 0 && out->data[out->len - 1] == ' ') out->data[--out->len] = '\0';
    return scout_buf_putc(out, '\n');
}

static scout_rc footer(scout_buf *out, const scout_result *r, size_t shown, size_t hidden_cols,
                       bool color)
{
    char a[SCOUT_FMT_MAX], b[SCOUT_FMT_MAX];
    size_t n = scout_result_nrows(r);
    scout_rc rc = scout_buf_puts(out, color ? ANSI_DIM : "");
    scout_fmt_int(b, sizeof b, (long long)n);
    if (rc == SCOUT_OK && shown < n)
        rc = scout_buf_printf(out, "showing %s of %s rows",
                              scout_fmt_int(a, sizeof a, (long long)shown), b);
    else if (rc == SCOUT_OK)
        rc = scout_buf_printf(out, "%s row%s", b, n == 1 ? "" : "s");
    if (rc == SCOUT_OK && scout_result_truncated(r))
        rc = scout_buf_puts(out, " (result stopped at its row/byte limit; more rows exist)");
    if (rc == SCOUT_OK && hidden_cols)
        rc = scout_buf_printf(out, "; %zu column%s not shown (terminal too narrow)", hidden_cols,
                              hidden_cols == 1 ? "" : "s");
    if (rc == SCOUT_OK && color) rc = scout_buf_puts(out, ANSI_RESET);
    return rc == SCOUT_OK ? scout_buf_putc(out, '\n') : rc;
}

scout_rc scout_table_render(scout_buf *out, const scout_result *r, const scout_table_opts *o,
                            scout_err *err)
{
    size_t width = o && o->width > 0 ? (size_t)o->width : 80;
    size_t max_rows = o && o->max_rows ? o->max_rows : 50;
    size_t max_cell = o && o->max_cell ? o->max_cell : 40;
    bool color = o && o->color;
    size_t ncols = scout_result_ncols(r), nrows = scout_result_nrows(r);
    size_t shown = nrows < max_rows ? nrows : max_rows;
    size_t *w = calloc(ncols ? ncols : 1, sizeof *w);
    if (!w) return scout_err_set(err, SCOUT_ENOMEM, "out of memory laying out a table");
    size_t used = layout(r, shown, max_cell, width, w);
    char cell[CELL_MAX];
    scout_rc rc = scout_buf_puts(out, color ? ANSI_BOLD : "");
    for (size_t c = 0; c < used && rc == SCOUT_OK; c++) {
        if (c) rc = scout_buf_puts(out, "  ");
        if (rc == SCOUT_OK)
            rc = put_cell(out, scout_result_col_title(r, c), w[c], scout_table_col_numeric(r, c));
    }
    if (rc == SCOUT_OK && color) rc = scout_buf_puts(out, ANSI_RESET);
    if (rc == SCOUT_OK) rc = put_row_end(out);
    for (size_t c = 0; c < used && rc == SCOUT_OK; c++) {
        if (c) rc = scout_buf_puts(out, "  ");
        for (size_t i = 0; i < w[c] && rc == SCOUT_OK; i++) rc = scout_buf_puts(out, "─");
    }
    if (rc == SCOUT_OK) rc = put_row_end(out);
    for (size_t i = 0; i < shown && rc == SCOUT_OK; i++) {
        for (size_t c = 0; c < used && rc == SCOUT_OK; c++) {
            if (c) rc = scout_buf_puts(out, "  ");
            scout_table_cell_text(r, i, c, cell, sizeof cell);
            if (rc == SCOUT_OK) rc = put_cell(out, cell, w[c], scout_table_col_numeric(r, c));
        }
        if (rc == SCOUT_OK) rc = put_row_end(out);
    }
    if (rc == SCOUT_OK) rc = footer(out, r, shown, ncols - used, color);
    free(w);
    if (rc != SCOUT_OK) return scout_err_set(err, rc, "table output is too large");
    return SCOUT_OK;
}
