/* answer.c — see answer.h. */
#include "ask/answer.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "render/chart.h"
#include "render/format.h"
#include "render/table.h"

#define ANSWER_MAX     4000 /* bytes of answer text */
#define ANSWER_LEADERS 3    /* categories or movers named */
#define WORDS_MAX      128

void scout_answer_measure_words(const char *name, char *dst, size_t n)
{
    static const char *const suffixes[] = {"_current", "_previous", "_delta", "_pct_change",
                                           "_usd",     "_ms",       "_pct"};
    if (!n) return;
    size_t len = scout_strlcpy(dst, name ? name : "value", n);
    if (len >= n) len = n - 1;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t sl = strlen(suffixes[i]);
        if (len > sl && !strcmp(dst + len - sl, suffixes[i])) {
            len -= sl;
            dst[len] = '\0';
        }
    }
    for (size_t i = 0; i < len; i++)
        if (dst[i] == '_') dst[i] = ' ';
    /* "avg_avg_p95_ms" (an average of a stored average) reads "Avg p95". */
    size_t w = strcspn(dst, " ");
    if (w && dst[w] == ' ' && !strncmp(dst, dst + w + 1, w) && dst[2 * w + 1] == ' ')
        memmove(dst, dst + w + 1, strlen(dst + w + 1) + 1);
    dst[0] = (char)toupper((unsigned char)dst[0]);
}

void scout_answer_period_words(const char *period, char *dst, size_t n)
{
    if (!n) return;
    dst[0] = '\0';
    if (!period || !*period) return;
    const char *eq = strstr(period, " = ");
    const char *dots = eq ? strstr(eq, "..") : NULL;
    if (eq && dots) {
        int name_len = (int)(eq - period), a_len = (int)(dots - eq - 3);
        const char *b = dots + 2;
        /* Cut anything after the end date (", the latest full quarter ..."). */
        int b_len = (int)strcspn(b, ", ;");
        snprintf(dst, n, "in %.*s (%.*s to %.*s)", name_len, period, a_len, eq + 3, b_len, b);
    } else {
        snprintf(dst, n, "in %s", period);
    }
}

/* ---------- column lookups ---------- */

static int find_role(const scout_result *r, scout_result_role role)
{
    return scout_result_find_role(r, role, -1);
}

/* The first measure that is not a previous-period copy. */
static int current_measure(const scout_result *r)
{
    for (size_t i = 0; i < scout_result_ncols(r); i++) {
        const scout_result_col *c = scout_result_col_at(r, i);
        if (c->role == SCOUT_RESULT_ROLE_MEASURE && !c->previous) return (int)i;
    }
    return find_role(r, SCOUT_RESULT_ROLE_PCT);
}

static int previous_measure(const scout_result *r)
{
    for (size_t i = 0; i < scout_result_ncols(r); i++) {
        const scout_result_col *c = scout_result_col_at(r, i);
        if (c->role == SCOUT_RESULT_ROLE_MEASURE && c->previous) return (int)i;
    }
    return -1;
}

static const char *num(const scout_result *r, size_t row, int col, char *dst, size_t n)
{
    double v;
    if (col < 0 || !scout_result_number(r, row, (size_t)col, &v))
        return scout_strlcpy(dst, "n/a", n), dst;
    return scout_fmt_number(dst, n, v, scout_chart_col_unit(r, col), true);
}

static const char *cell(const scout_result *r, size_t row, int col, char *dst, size_t n)
{
    if (col < 0) return scout_strlcpy(dst, "", n), dst;
    return scout_table_cell_text(r, row, (size_t)col, dst, n);
}

static void measure_title(const scout_result *r, int col, char *dst, size_t n)
{
    scout_answer_measure_words(col >= 0 ? scout_result_col_at(r, (size_t)col)->name : NULL, dst, n);
}

static void put_context(scout_buf *b, const scout_answer_input *in)
{
    char period[256];
    scout_answer_period_words(in->period, period, sizeof period);
    if (*period) scout_buf_printf(b, " %s", period);
    if (in->filters && *in->filters) scout_buf_printf(b, ", where %s", in->filters);
}

/* ---------- shapes ---------- */

static void text_empty(scout_buf *b, const scout_answer_input *in)
{
    scout_buf_puts(b, "No rows match");
    put_context(b, in);
    scout_buf_puts(b, ".");
    if (in->empty_filter) {
        scout_buf_printf(b, " The filter %s is what leaves nothing", in->empty_filter);
        if (in->empty_rows > 0) scout_buf_printf(b, " (without it: %lld rows)", in->empty_rows);
        scout_buf_puts(b, "; check its value or the period.");
    }
}

static void text_single(scout_buf *b, const scout_answer_input *in)
{
    const scout_result *r = in->result;
    char title[WORDS_MAX], v[SCOUT_FMT_MAX];
    const char *sep = "";
    size_t said = 0;
    for (size_t i = 0; i < scout_result_ncols(r) && said < 4; i++) {
        const scout_result_col *c = scout_result_col_at(r, i);
        if (c->role != SCOUT_RESULT_ROLE_MEASURE && c->role != SCOUT_RESULT_ROLE_PCT) continue;
        measure_title(r, (int)i, title, sizeof title);
        if (said) title[0] = (char)tolower((unsigned char)title[0]);
        scout_buf_printf(b, "%s%s was %s", sep, title, num(r, 0, (int)i, v, sizeof v));
        sep = ", ";
        said++;
    }
    if (!said) scout_buf_puts(b, "The answer is one row");
    put_context(b, in);
    scout_buf_puts(b, ".");
}

/* A comparison without a time axis: one row (totals) or one per member. */
static void text_comparison(scout_buf *b, const scout_answer_input *in)
{
    const scout_result *r = in->result;
    int cur = current_measure(r), prev = previous_measure(r),
        delta = find_role(r, SCOUT_RESULT_ROLE_DELTA);
    int pct = find_role(r, SCOUT_RESULT_ROLE_PCT), dim = find_role(r, SCOUT_RESULT_ROLE_DIMENSION);
    char title[WORDS_MAX], a[SCOUT_FMT_MAX], p[SCOUT_FMT_MAX], d[SCOUT_FMT_MAX], label[128];
    measure_title(r, cur >= 0 ? cur : delta, title, sizeof title);
    scout_unit unit = scout_chart_col_unit(r, cur >= 0 ? cur : delta);
    size_t n = scout_result_nrows(r);
    if (dim < 0 || n == 1) {
        scout_buf_printf(b, "%s was %s", title, num(r, 0, cur, a, sizeof a));
        put_context(b, in);
        if (prev >= 0)
            scout_buf_printf(b, ", vs %s the period before", num(r, 0, prev, p, sizeof p));
        double dv;
        if (delta >= 0 && scout_result_number(r, 0, (size_t)delta, &dv)) {
            scout_buf_printf(b, " (%s", scout_fmt_delta(d, sizeof d, dv, unit));
            double pv;
            if (pct >= 0 && scout_result_number(r, 0, (size_t)pct, &pv))
                scout_buf_printf(b, ", %s",
                                 scout_fmt_delta(p, sizeof p, pv, scout_chart_col_unit(r, pct)));
            scout_buf_puts(b, ")");
        }
        scout_buf_puts(b, ".");
        return;
    }
    /* Movers: the largest absolute changes, named. */
    size_t idx[ANSWER_LEADERS];
    size_t k = 0;
    int key = delta >= 0 ? delta : cur;

    for (size_t pick = 0; pick < ANSWER_LEADERS && pick < n; pick++) {
        double best = -1;
        size_t bi = n;
        for (size_t i = 0; i < n; i++) {
            bool taken = false;
            for (size_t j = 0; j < k; j++) taken |= idx[j] == i;
            double v;
            if (taken || !scout_result_number(r, i, (size_t)key, &v)) continue;
            if (fabs(v) > best) best = fabs(v), bi = i;
        }
        if (bi == n) break;
        idx[k++] = bi;
    }
    scout_buf_printf(b, "%s", title);
    put_context(b, in);
    scout_buf_printf(b, " compared with the period before, across %zu values of %s", n,
                     scout_result_col_title(r, (size_t)dim));
    if (k) scout_buf_puts(b, ". Biggest movers: ");
    for (size_t j = 0; j < k; j++) {
        double v;
        scout_result_number(r, idx[j], (size_t)key, &v);
        scout_buf_printf(b, "%s%s %s", j ? ", " : "", cell(r, idx[j], dim, label, sizeof label),
                         delta >= 0 ? scout_fmt_delta(d, sizeof d, v, unit)
                                    : num(r, idx[j], cur, a, sizeof a));
    }
    scout_buf_puts(b, ".");
}

static void text_series(scout_buf *b, const scout_answer_input *in, int time)
{
    const scout_result *r = in->result;
    int cur = current_measure(r);
    size_t n = scout_result_nrows(r);
    char title[WORDS_MAX], a[SCOUT_FMT_MAX], z[SCOUT_FMT_MAX], t0[64], t1[64], d[SCOUT_FMT_MAX];
    measure_title(r, cur, title, sizeof title);
    int series = find_role(r, SCOUT_RESULT_ROLE_DIMENSION);
    scout_buf_printf(b, "%s", title);
    put_context(b, in);
    if (series >= 0) {
        scout_buf_printf(b, ": %zu points by %s and %s.", n,
                         scout_result_col_title(r, (size_t)time),
                         scout_result_col_title(r, (size_t)series));
        return;
    }
    scout_buf_printf(b, ": %s in %s, %s in %s", num(r, 0, cur, a, sizeof a),
                     cell(r, 0, time, t0, sizeof t0), num(r, n - 1, cur, z, sizeof z),
                     cell(r, n - 1, time, t1, sizeof t1));
    double first, last;
    if (scout_result_number(r, 0, (size_t)cur, &first) &&
        scout_result_number(r, n - 1, (size_t)cur, &last) && first != 0)
        scout_buf_printf(
            b, " (%s)", scout_fmt_delta(d, sizeof d, (last - first) / fabs(first), SCOUT_UNIT_PCT));
    double peak = -INFINITY;
    size_t pi = 0;
    for (size_t i = 0; i < n; i++) {
        double v;
        if (scout_result_number(r, i, (size_t)cur, &v) && v > peak) peak = v, pi = i;
    }
    if (n > 2 && isfinite(peak))
        scout_buf_printf(b, "; peak %s in %s", num(r, pi, cur, a, sizeof a),
                         cell(r, pi, time, t0, sizeof t0));
    scout_buf_puts(b, ".");
}

static void text_ranked(scout_buf *b, const scout_answer_input *in, int dim)
{
    const scout_result *r = in->result;
    int cur = current_measure(r);
    size_t n = scout_result_nrows(r);
    char title[WORDS_MAX], v[SCOUT_FMT_MAX], label[128];
    measure_title(r, cur, title, sizeof title);
    scout_buf_printf(b, "%s by %s", title, scout_result_col_title(r, (size_t)dim));
    put_context(b, in);
    /* Name the leaders in the result's own order when it is ranked; else by value. */
    bool desc = true, asc = true;
    for (size_t i = 1; i < n; i++) {
        double x, y;
        if (!scout_result_number(r, i - 1, (size_t)cur, &x) ||
            !scout_result_number(r, i, (size_t)cur, &y))
            continue;
        desc &= x >= y;
        asc &= x <= y;
    }
    const char *word = asc && !desc ? "lowest" : "highest";
    scout_buf_printf(b, ": %s is %s (%s)", word, cell(r, 0, dim, label, sizeof label),
                     num(r, 0, cur, v, sizeof v));
    if (desc || asc) {
        for (size_t i = 1; i < n && i < ANSWER_LEADERS; i++)
            scout_buf_printf(b, "%s %s (%s)", i == 1 ? ", then" : ",",
                             cell(r, i, dim, label, sizeof label), num(r, i, cur, v, sizeof v));
    }
    scout_buf_printf(b, "; %zu %s.", n, n == 1 ? "row" : "rows");
}

/* Unordered results: find the largest value before naming a leader. */
static void text_categories(scout_buf *b, const scout_answer_input *in, int dim)
{
    const scout_result *r = in->result;
    int cur = current_measure(r);
    size_t n = scout_result_nrows(r);
    bool ordered = true;
    for (size_t i = 1; i < n && ordered; i++) {
        double x, y;
        if (scout_result_number(r, i - 1, (size_t)cur, &x) &&
            scout_result_number(r, i, (size_t)cur, &y))
            ordered = x >= y || n == 2;
    }
    if (ordered || cur < 0) {
        text_ranked(b, in, dim);
        return;
    }
    double best = -INFINITY;
    size_t bi = 0;
    for (size_t i = 0; i < n; i++) {
        double v;
        if (scout_result_number(r, i, (size_t)cur, &v) && v > best) best = v, bi = i;
    }
    char title[WORDS_MAX], v[SCOUT_FMT_MAX], label[128];
    measure_title(r, cur, title, sizeof title);
    scout_buf_printf(b, "%s by %s", title, scout_result_col_title(r, (size_t)dim));
    put_context(b, in);
    scout_buf_printf(b, ": highest is %s (%s); %zu rows.", cell(r, bi, dim, label, sizeof label),
                     num(r, bi, cur, v, sizeof v), n);
}

char *scout_answer_text(const scout_answer_input *in)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_buf_init(&b, ANSWER_MAX);
    const scout_result *r = in->result;
    size_t n = r ? scout_result_nrows(r) : 0;
    int time = r ? find_role(r, SCOUT_RESULT_ROLE_TIME) : -1;
    int dim = r ? find_role(r, SCOUT_RESULT_ROLE_DIMENSION) : -1;
    bool has_delta = r && find_role(r, SCOUT_RESULT_ROLE_DELTA) >= 0;
    if (n == 0)
        text_empty(&b, in);
    else if (has_delta && time < 0)
        text_comparison(&b, in);
    else if (time >= 0 && current_measure(r) >= 0)
        text_series(&b, in, time);
    else if (dim >= 0 && current_measure(r) >= 0)
        text_categories(&b, in, dim);
    else if (n == 1)
        text_single(&b, in);
    else
        scout_buf_printf(&b, "%zu rows.", n);
    if (r && scout_result_truncated(r))
        scout_buf_puts(&b, " (Only the first rows are shown: the result hit its row limit.)");
    return scout_buf_take(&b);
}
