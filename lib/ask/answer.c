/* answer.c — see answer.h. */
#include "ask/answer.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "render/chart.h"
#include "render/format.h"
#include "render/table.h"

#define ANSWER_MAX     4000 /* bytes of answer text */
#define ANSWER_LEADERS 3    /* categories or movers named */
#define WORDS_MAX      128

/* Abbreviations people write in capitals; measure names spell them lower. */
static const char *const ACRONYMS[] = {"mrr", "arr", "dau", "wau", "mau", "csat", "nps",
                                       "sla", "slo", "ltv", "cac", "aov", "arpu", "gmv",
                                       "kpi", "api", "ai",  "sso", "id",  "roi"};

static bool ends_with(const char *s, size_t len, const char *suffix)
{
    size_t sl = strlen(suffix);
    return len > sl && !strcmp(s + len - sl, suffix);
}

/* The aggregate a derived measure name starts with ("avg_mrr"), as words a
 * reader expects; a sum is the default reading of an amount, so it says
 * nothing. *skip = the prefix's length in name. */
static const char *agg_words(const char *name, size_t *skip)
{
    static const struct {
        const char *prefix, *words;
    } AGGS[] = {{"count_distinct_", "Distinct "},
                {"avg_", "Average "},
                {"sum_", ""},
                {"min_", "Lowest "},
                {"max_", "Highest "}};
    *skip = 0;
    if (!strcmp(name, "avg")) return *skip = 3, "Average";
    for (size_t i = 0; i < sizeof AGGS / sizeof AGGS[0]; i++) {
        size_t n = strlen(AGGS[i].prefix);
        if (!strncmp(name, AGGS[i].prefix, n) && name[n]) {
            *skip = n;
            /* "avg_avg_p95": an average of a stored average is said once */
            if (!strcmp(AGGS[i].prefix, "avg_") && !strncmp(name + n, "avg_", 4)) *skip += 4;
            return AGGS[i].words;
        }
    }
    return "";
}

/* Upper-cases the words of dst that are ACRONYMS ("avg mrr" → "avg MRR"). */
static void capitalise_acronyms(char *dst)
{
    for (char *w = dst; *w;) {
        size_t len = strcspn(w, " ");
        for (size_t i = 0; i < sizeof ACRONYMS / sizeof ACRONYMS[0]; i++)
            if (strlen(ACRONYMS[i]) == len && !strncmp(w, ACRONYMS[i], len))
                for (size_t k = 0; k < len; k++) w[k] = (char)toupper((unsigned char)w[k]);
        w += len;
        while (*w == ' ') w++;
    }
}

void scout_answer_measure_words(const char *name, char *dst, size_t n)
{
    static const char *const suffixes[] = {"_current", "_previous", "_delta", "_pct_change",
                                           "_usd",     "_ms",       "_pct"};
    if (!n) return;
    char base[WORDS_MAX];
    size_t len = scout_strlcpy(base, name ? name : "value", sizeof base);
    if (len >= sizeof base) len = sizeof base - 1;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
        if (ends_with(base, len, suffixes[i])) base[len -= strlen(suffixes[i])] = '\0';
    size_t skip;
    const char *agg = agg_words(base, &skip);
    char *rest = base + skip;
    for (char *p = rest; *p; p++)
        if (*p == '_') *p = ' ';
    /* "Distinct user id" counts users */
    size_t rl = strlen(rest);
    if (!strncmp(name ? name : "", "count_distinct_", 15) && ends_with(rest, rl, " id"))
        rest[rl - 3] = 's', rest[rl - 2] = 0;
    capitalise_acronyms(rest);
    snprintf(dst, n, "%s%s", agg, rest);
    dst[0] = (char)toupper((unsigned char)dst[0]);
}

static const char *const MONTHS[] = {"january",   "february", "march",    "april",
                                     "may",       "june",     "july",     "august",
                                     "september", "october",  "november", "december"};

/* Whether a period's name reads after "in" ("in Q3", "in 2025", "in March",
 * "in the first half of 2025") rather than on its own ("last month",
 * "yesterday", "since March", "November to date"). */
static bool period_takes_in(const char *name, size_t len)
{
    char head[64];
    snprintf(head, sizeof head, "%.*s", (int)len, name);
    if (strstr(head, "to date") || strstr(head, "so far")) return false;
    if (isdigit((unsigned char)head[0])) return true;
    if ((head[0] == 'Q' || head[0] == 'H') && isdigit((unsigned char)head[1])) return true;
    if (!strncasecmp(head, "the ", 4)) return true; /* the last 14 days, the first half of 2025 */
    for (size_t i = 0; i < sizeof MONTHS / sizeof MONTHS[0]; i++)
        if (!strncasecmp(head, MONTHS[i], strlen(MONTHS[i]))) return true;
    return false;
}

void scout_answer_period_words(const char *period, char *dst, size_t n)
{
    if (!n) return;
    dst[0] = '\0';
    if (!period || !*period) return;
    const char *eq = strstr(period, " = ");
    if (!eq) {
        snprintf(dst, n, "%s%s", period_takes_in(period, strlen(period)) ? "in " : "", period);
        return;
    }
    int name_len = (int)(eq - period);
    const char *in = period_takes_in(period, (size_t)name_len) ? "in " : "";
    const char *from = eq + 3, *dots = strstr(from, "..");
    if (!dots) { /* "now = 2026-11-24, the latest date in the data" */
        snprintf(dst, n, "%s%.*s (%s)", in, name_len, period, from);
        return;
    }
    int a_len = (int)(dots - from);
    const char *b = dots + 2;
    /* Cut anything after the end date (", the latest full quarter ..."). */
    int b_len = (int)strcspn(b, ", ;");
    if (a_len == b_len && !strncmp(from, b, (size_t)a_len))
        snprintf(dst, n, "%s%.*s (%.*s)", in, name_len, period, a_len, from);
    else
        snprintf(dst, n, "%s%.*s (%.*s to %.*s)", in, name_len, period, a_len, from, b_len, b);
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

/* The measure's title; a plain row count says what it counts ("Tickets"). */
static void measure_title(const scout_answer_input *in, int col, char *dst, size_t n)
{
    const char *name = col >= 0 ? scout_result_col_at(in->result, (size_t)col)->name : NULL;
    char base[WORDS_MAX];
    scout_answer_measure_words(name, base, sizeof base);
    if (in->counted && *in->counted && !strcmp(base, "Count"))
        scout_answer_measure_words(in->counted, base, sizeof base);
    scout_strlcpy(dst, base, n);
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
        measure_title(in, (int)i, title, sizeof title);
        scout_buf_printf(b, "%s%s: %s", sep, title, num(r, 0, (int)i, v, sizeof v));
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
    measure_title(in, cur >= 0 ? cur : delta, title, sizeof title);
    scout_unit unit = scout_chart_col_unit(r, cur >= 0 ? cur : delta);
    size_t n = scout_result_nrows(r);
    if (dim < 0 || n == 1) {
        scout_buf_printf(b, "%s: %s", title, num(r, 0, cur, a, sizeof a));
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
    measure_title(in, cur, title, sizeof title);
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
    measure_title(in, cur, title, sizeof title);
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
    /* The query's own ranking says it best (a one-row "lowest" is both). */
    const char *word = in->order < 0                   ? "lowest"
                       : in->order > 0 || !asc || desc ? "highest"
                                                       : "lowest";
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
    measure_title(in, cur, title, sizeof title);
    scout_buf_printf(b, "%s by %s", title, scout_result_col_title(r, (size_t)dim));
    put_context(b, in);
    scout_buf_printf(b, ": highest is %s (%s); %zu rows.", cell(r, bi, dim, label, sizeof label),
                     num(r, bi, cur, v, sizeof v), n);
}

/* One column's value as the answer says it: numbers with their unit. */
static const char *value_words(const scout_result *r, size_t row, int col, char *dst, size_t n)
{
    const scout_result_col *c = scout_result_col_at(r, (size_t)col);
    bool amount =
        c->role == SCOUT_RESULT_ROLE_MEASURE || scout_chart_col_unit(r, col) != SCOUT_UNIT_NONE;
    return amount ? num(r, row, col, dst, n) : cell(r, row, col, dst, n); /* ids stay whole */
}

/* A listing or lookup (no measure): the first column's values, each with
 * the second column's when there is one — "Team: documents, where service =
 * 'export'.", "Day this year (…): 2026-02-03 (512 ms), … and 9 more." */
static void text_listing(scout_buf *b, const scout_answer_input *in)
{
    const scout_result *r = in->result;
    size_t n = scout_result_nrows(r), ncols = scout_result_ncols(r);
    char title[WORDS_MAX], second[WORDS_MAX], v[SCOUT_FMT_MAX], w[SCOUT_FMT_MAX];
    scout_answer_measure_words(scout_result_col_title(r, 0), title, sizeof title);
    scout_buf_puts(b, title);
    if (n == 1) {
        scout_buf_printf(b, ": %s", value_words(r, 0, 0, v, sizeof v));
        if (ncols > 1) {
            scout_answer_measure_words(scout_result_col_title(r, 1), second, sizeof second);
            second[0] = (char)tolower((unsigned char)second[0]);
            scout_buf_printf(b, " (%s %s)", second, value_words(r, 0, 1, w, sizeof w));
        }
        put_context(b, in);
        scout_buf_puts(b, ".");
        return;
    }
    put_context(b, in);
    scout_buf_puts(b, ":");
    for (size_t i = 0; i < n && i < ANSWER_LEADERS; i++) {
        scout_buf_printf(b, "%s %s", i ? "," : "", value_words(r, i, 0, v, sizeof v));
        if (ncols > 1) scout_buf_printf(b, " (%s)", value_words(r, i, 1, w, sizeof w));
    }
    if (n > ANSWER_LEADERS) scout_buf_printf(b, " and %zu more", n - ANSWER_LEADERS);
    scout_buf_puts(b, ".");
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
    else if (current_measure(r) < 0 && scout_result_ncols(r) > 0)
        text_listing(&b, in);
    else if (n == 1)
        text_single(&b, in);
    else
        scout_buf_printf(&b, "%zu rows.", n);
    if (r && scout_result_truncated(r))
        scout_buf_puts(&b, " (Only the first rows are shown: the result hit its row limit.)");
    return scout_buf_take(&b);
}
