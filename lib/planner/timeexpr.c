/* timeexpr.c — recognising and resolving time expressions (see timeexpr.h). */
#include "planner/timeexpr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"

/* ---- calendar arithmetic on proleptic Gregorian days ---- */

/* A date at the start of s ("2026-11-24" or "2026-11-24 10:00:00"): latest
 * values of timestamp columns count by their day. */
static bool parse_date(const char *s, int *y, int *m, int *d)
{
    char day[11];
    if (!s || strlen(s) < 10) return false;
    memcpy(day, s, 10);
    day[10] = '\0';
    return scout_date_parse(day, y, m, d);
}

/* ---- words ---- */

int scout_timeexpr_month(const char *w)
{
    static const char *const names[] = {"january",   "february", "march",    "april",
                                        "may",       "june",     "july",     "august",
                                        "september", "october",  "november", "december"};
    if (!w) return 0;
    size_t len = strlen(w);
    for (int i = 0; i < 12; i++) {
        if (strcmp(w, names[i]) == 0) return i + 1;
        /* Three-letter abbreviations, and "sept"; "may" is covered above and
         * "mar"/"jun" are rare enough as ordinary words. */
        if ((len == 3 || (len == 4 && i == 8)) && strncmp(w, names[i], len) == 0) return i + 1;
    }
    return 0;
}

static int small_number(const char *w)
{
    static const char *const names[] = {
        "zero",  "one",  "two", "three",  "four",   "five",     "six",      "seven",
        "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen"};
    if (!w || !*w) return -1;
    if (strspn(w, "0123456789") == strlen(w) && strlen(w) <= 4) return atoi(w);
    for (int i = 0; i < 16; i++)
        if (strcmp(w, names[i]) == 0) return i;
    if (strcmp(w, "thirty") == 0) return 30;
    if (strcmp(w, "ninety") == 0) return 90;
    if (strcmp(w, "a") == 0 || strcmp(w, "an") == 0) return 1;
    return -1;
}

static int year_word(const char *w)
{
    if (!w || strlen(w) != 4 || strspn(w, "0123456789") != 4) return 0;
    int y = atoi(w);
    return y >= 1970 && y <= 2100 ? y : 0;
}

static int day_word(const char *w)
{
    if (!w) return 0;
    size_t digits = strspn(w, "0123456789");
    if (digits == 0 || digits > 2) return 0;
    const char *rest = w + digits;
    if (*rest && strcmp(rest, "st") && strcmp(rest, "nd") && strcmp(rest, "rd") &&
        strcmp(rest, "th"))
        return 0;
    int d = atoi(w);
    return d >= 1 && d <= 31 ? d : 0;
}

static int quarter_word(const char *w)
{
    if (w && (w[0] == 'q') && w[1] >= '1' && w[1] <= '4' && w[2] == 0) return w[1] - '0';
    return 0;
}

static bool eq(const char *const *w, size_t n, size_t i, const char *s)
{
    return i < n && strcmp(w[i], s) == 0;
}

static bool is_last(const char *const *w, size_t n, size_t i)
{
    return eq(w, n, i, "last") || eq(w, n, i, "past") || eq(w, n, i, "previous") ||
           eq(w, n, i, "prior");
}

/* "march", "march 2025", "march 3", "march 3rd 2025", "3 march", ISO date. */
static size_t match_date(const char *const *w, size_t n, size_t i, int *y, int *m, int *d)
{
    *y = *m = *d = 0;
    if (i >= n) return 0;
    int yy, mm, dd;
    if (parse_date(w[i], &yy, &mm, &dd)) {
        *y = yy, *m = mm, *d = dd;
        return 1;
    }
    size_t k = i;
    int day = day_word(w[k]);
    if (day && k + 1 < n && scout_timeexpr_month(w[k + 1]))
        k++;
    else
        day = 0;
    int mon = scout_timeexpr_month(w[k]);
    if (!mon) return 0;
    /* "may" alone is too often the verb; accept it only with a day or year. */
    bool weak = strcmp(w[k], "may") == 0 || strlen(w[k]) == 3;
    k++;
    if (!day && k < n && day_word(w[k])) day = day_word(w[k++]);
    int year = k < n ? year_word(w[k]) : 0;
    if (year) k++;
    if (weak && !day && !year && strcmp(w[i], "may") == 0) return 0;
    *y = year, *m = mon, *d = day;
    return k - i;
}

static size_t match_relative(const char *const *w, size_t n, size_t i, scout_timeexpr *t)
{
    const char *a = w[i];
    const char *b = i + 1 < n ? w[i + 1] : "";
    if (!strcmp(a, "today")) return t->kind = SCOUT_TX_TODAY, 1;
    if (!strcmp(a, "yesterday")) return t->kind = SCOUT_TX_YESTERDAY, 1;
    if (!strcmp(a, "now") || !strcmp(a, "currently") || !strcmp(a, "current"))
        return t->kind = SCOUT_TX_NOW, 1;
    if (!strcmp(a, "mtd")) return t->kind = SCOUT_TX_THIS_MONTH, 1;
    if (!strcmp(a, "qtd")) return t->kind = SCOUT_TX_THIS_QUARTER, 1;
    if (!strcmp(a, "ytd")) return t->kind = SCOUT_TX_THIS_YEAR, 1;
    if ((!strcmp(a, "month") || !strcmp(a, "quarter") || !strcmp(a, "year")) &&
        eq(w, n, i + 1, "to") && (eq(w, n, i + 2, "date") || eq(w, n, i + 2, "day"))) {
        t->kind = a[0] == 'm'   ? SCOUT_TX_THIS_MONTH
                  : a[0] == 'q' ? SCOUT_TX_THIS_QUARTER
                                : SCOUT_TX_THIS_YEAR;
        return 3;
    }
    bool this_ = !strcmp(a, "this") || !strcmp(a, "current");
    bool last = is_last(w, n, i);
    if (this_ || last) {
        static const struct {
            const char *w;
            scout_tx_kind this_k, last_k;
        } units[] = {{"week", SCOUT_TX_THIS_WEEK, SCOUT_TX_LAST_WEEK},
                     {"month", SCOUT_TX_THIS_MONTH, SCOUT_TX_LAST_MONTH},
                     {"quarter", SCOUT_TX_THIS_QUARTER, SCOUT_TX_LAST_QUARTER},
                     {"year", SCOUT_TX_THIS_YEAR, SCOUT_TX_LAST_YEAR},
                     {"year's", SCOUT_TX_THIS_YEAR, SCOUT_TX_LAST_YEAR}};
        for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
            if (!strcmp(b, units[u].w))
                return t->kind = this_ ? units[u].this_k : units[u].last_k, 2;
        if (this_ && scout_timeexpr_month(b) && strlen(b) > 3) {
            t->kind = SCOUT_TX_MONTH, t->m = scout_timeexpr_month(b);
            return 2;
        }
        if (last && (!strcmp(b, "day") || !strcmp(b, "24h"))) {
            t->kind = SCOUT_TX_LAST_DAYS, t->n = 1;
            return 2;
        }
        /* last N days/weeks/months */
        int num = small_number(b);
        if (last && num > 0 && i + 2 < n) {
            const char *u = w[i + 2];
            if (!strcmp(u, "days") || !strcmp(u, "day"))
                return t->kind = SCOUT_TX_LAST_DAYS, t->n = num, 3;
            if (!strcmp(u, "weeks") || !strcmp(u, "week"))
                return t->kind = SCOUT_TX_LAST_DAYS, t->n = num * 7, 3;
            if (!strcmp(u, "months") || !strcmp(u, "month"))
                return t->kind = SCOUT_TX_LAST_MONTHS, t->n = num, 3;
            if (!strcmp(u, "quarters") || !strcmp(u, "quarter"))
                return t->kind = SCOUT_TX_LAST_MONTHS, t->n = num * 3, 3;
            if (!strcmp(u, "years") || !strcmp(u, "year"))
                return t->kind = SCOUT_TX_LAST_MONTHS, t->n = num * 12, 3;
        }
    }
    return 0;
}

static size_t match_absolute(const char *const *w, size_t n, size_t i, scout_timeexpr *t)
{
    const char *a = w[i];
    int q = quarter_word(a);
    if (q) {
        t->kind = SCOUT_TX_QUARTER, t->q = q;
        t->y = i + 1 < n ? year_word(w[i + 1]) : 0;
        return t->y ? 2 : 1;
    }
    if ((!strcmp(a, "h1") || !strcmp(a, "h2"))) {
        t->kind = SCOUT_TX_HALF, t->q = a[1] - '0';
        t->y = i + 1 < n ? year_word(w[i + 1]) : 0;
        return t->y ? 2 : 1;
    }
    if ((!strcmp(a, "first") || !strcmp(a, "second")) && eq(w, n, i + 1, "half")) {
        t->kind = SCOUT_TX_HALF, t->q = a[0] == 'f' ? 1 : 2;
        size_t k = i + 2;
        if (eq(w, n, k, "of")) k++;
        t->y = k < n ? year_word(w[k]) : 0;
        return t->y ? k + 1 - i : 2;
    }
    int y = year_word(a);
    /* "2026-Q2", "2026 H1": the year written first, as ISO-style labels do */
    if (y && i + 1 < n && quarter_word(w[i + 1]))
        return t->kind = SCOUT_TX_QUARTER, t->q = quarter_word(w[i + 1]), t->y = y, 2;
    if (y && i + 1 < n && (!strcmp(w[i + 1], "h1") || !strcmp(w[i + 1], "h2")))
        return t->kind = SCOUT_TX_HALF, t->q = w[i + 1][1] - '0', t->y = y, 2;
    if (y) return t->kind = SCOUT_TX_YEAR, t->y = y, 1;
    int yy, mm, dd;
    size_t k = match_date(w, n, i, &yy, &mm, &dd);
    if (!k) return 0;
    /* "from X to Y" / "X to Y" / "between X and Y" */
    size_t j = i + k;
    if (j < n && (!strcmp(w[j], "to") || !strcmp(w[j], "and") || !strcmp(w[j], "through") ||
                  !strcmp(w[j], "until") || !strcmp(w[j], "-"))) {
        int y2, m2, d2;
        size_t k2 = match_date(w, n, j + 1, &y2, &m2, &d2);
        if (k2) {
            t->kind = SCOUT_TX_RANGE;
            t->y = yy, t->m = mm, t->d = dd ? dd : 1;
            t->y2 = y2 ? y2 : yy, t->m2 = m2, t->d2 = d2; /* d2 0 = month end */
            return j + 1 + k2 - i;
        }
    }
    t->y = yy, t->m = mm, t->d = dd;
    t->kind = dd ? SCOUT_TX_DAY : SCOUT_TX_MONTH;
    return k;
}

bool scout_timeexpr_match(const char *const *w, size_t n, size_t at, scout_timeexpr *out,
                          size_t *used)
{
    memset(out, 0, sizeof *out);
    *used = 0;
    if (at >= n) return false;
    size_t k = 0;
    if (!strcmp(w[at], "since") || !strcmp(w[at], "after")) {
        size_t j = at + 1;
        if (eq(w, n, j, "the") && (eq(w, n, j + 1, "start") || eq(w, n, j + 1, "beginning"))) {
            /* "since the start of the year/quarter/month" */
            size_t e = j + 2;
            if (eq(w, n, e, "of")) e++;
            if (eq(w, n, e, "the") || eq(w, n, e, "this")) e++;
            if (eq(w, n, e, "year"))
                out->kind = SCOUT_TX_THIS_YEAR;
            else if (eq(w, n, e, "quarter"))
                out->kind = SCOUT_TX_THIS_QUARTER;
            else if (eq(w, n, e, "month"))
                out->kind = SCOUT_TX_THIS_MONTH;
            else
                return false;
            *used = e + 1 - at;
            return true;
        }
        int y = j < n ? year_word(w[j]) : 0;
        if (y) {
            out->kind = SCOUT_TX_SINCE, out->y = y, out->m = 1, out->d = 1;
            *used = 2;
            return true;
        }
        int yy, mm, dd;
        k = match_date(w, n, j, &yy, &mm, &dd);
        if (!k) return false;
        out->kind = SCOUT_TX_SINCE, out->y = yy, out->m = mm, out->d = dd ? dd : 1;
        *used = 1 + k;
        return true;
    }
    if (!strcmp(w[at], "end") && eq(w, n, at + 1, "of")) {
        size_t j = at + 2;
        if (eq(w, n, j, "the")) j++;
        if (j < n && (k = match_relative(w, n, j, out)) == 0) k = match_absolute(w, n, j, out);
        if (!k) return false;
        out->end_of = true;
        *used = j + k - at;
        return true;
    }
    if (!strcmp(w[at], "from") || !strcmp(w[at], "between")) {
        size_t kk = match_absolute(w, n, at + 1, out);
        if (kk && out->kind == SCOUT_TX_RANGE) return *used = kk + 1, true;
        memset(out, 0, sizeof *out);
        return false;
    }
    k = match_relative(w, n, at, out);
    if (!k) k = match_absolute(w, n, at, out);
    *used = k;
    return k > 0;
}

/* ---- resolution ---- */

static long ymd(int y, int m, int d)
{
    return (long)scout_days_from_civil(y, m, d);
}

static bool span(const scout_timeexpr *t, int ly, int lm, int ld, long *s, long *e)
{
    long latest = ymd(ly, lm, ld);
    int cq = (lm - 1) / 3; /* 0-based quarter of the latest date */
    switch (t->kind) {
    case SCOUT_TX_NOW:
    case SCOUT_TX_TODAY:
        *s = *e = latest;
        return true;
    case SCOUT_TX_YESTERDAY:
        *s = *e = latest - 1;
        return true;
    case SCOUT_TX_LAST_DAYS:
        *e = latest, *s = latest - (t->n - 1);
        return t->n > 0;
    case SCOUT_TX_LAST_MONTHS: {
        int m0 = (ly * 12 + lm - 1) - t->n; /* first month, as months since year 0 */
        *s = ymd(m0 / 12, m0 % 12 + 1, 1);
        *e = ymd(ly, lm, 1) - 1;
        return t->n > 0;
    }
    case SCOUT_TX_THIS_WEEK: {
        long monday = latest - ((latest + 3) % 7); /* 1970-01-01 was a Thursday */
        *s = monday, *e = latest;
        return true;
    }
    case SCOUT_TX_LAST_WEEK: {
        long monday = latest - ((latest + 3) % 7);
        *s = monday - 7, *e = monday - 1;
        return true;
    }
    case SCOUT_TX_THIS_MONTH:
        *s = ymd(ly, lm, 1), *e = latest;
        return true;
    case SCOUT_TX_LAST_MONTH: {
        int py = lm == 1 ? ly - 1 : ly, pm = lm == 1 ? 12 : lm - 1;
        *s = ymd(py, pm, 1), *e = ymd(py, pm, scout_days_in_month(py, pm));
        return true;
    }
    case SCOUT_TX_THIS_QUARTER:
        *s = ymd(ly, cq * 3 + 1, 1), *e = latest;
        return true;
    case SCOUT_TX_LAST_QUARTER: {
        int py = cq == 0 ? ly - 1 : ly, pq = cq == 0 ? 3 : cq - 1;
        *s = ymd(py, pq * 3 + 1, 1), *e = ymd(py, pq * 3 + 3, scout_days_in_month(py, pq * 3 + 3));
        return true;
    }
    case SCOUT_TX_THIS_YEAR:
        *s = ymd(ly, 1, 1), *e = latest;
        return true;
    case SCOUT_TX_LAST_YEAR:
        *s = ymd(ly - 1, 1, 1), *e = ymd(ly - 1, 12, 31);
        return true;
    case SCOUT_TX_YEAR:
        *s = ymd(t->y, 1, 1), *e = ymd(t->y, 12, 31);
        return true;
    case SCOUT_TX_HALF: {
        int y = t->y ? t->y : (t->q == 1 || lm > 6 ? ly : ly - 1);
        *s = ymd(y, t->q == 1 ? 1 : 7, 1), *e = ymd(y, t->q == 1 ? 6 : 12, t->q == 1 ? 30 : 31);
        return true;
    }
    case SCOUT_TX_QUARTER: {
        /* Without a year: the latest such quarter that has started in the data. */
        int y = t->y ? t->y : (t->q - 1 <= cq ? ly : ly - 1);
        *s = ymd(y, t->q * 3 - 2, 1), *e = ymd(y, t->q * 3, scout_days_in_month(y, t->q * 3));
        return true;
    }
    case SCOUT_TX_MONTH: {
        int y = t->y ? t->y : (t->m <= lm ? ly : ly - 1);
        *s = ymd(y, t->m, 1), *e = ymd(y, t->m, scout_days_in_month(y, t->m));
        return true;
    }
    case SCOUT_TX_SINCE: {
        int y = t->y ? t->y : (t->m <= lm ? ly : ly - 1);
        if (t->d > scout_days_in_month(y, t->m)) return false;
        *s = ymd(y, t->m, t->d ? t->d : 1), *e = latest;
        return true;
    }
    case SCOUT_TX_RANGE: {
        int y = t->y ? t->y : (t->m <= lm ? ly : ly - 1);
        int y2 = t->y2 ? t->y2 : y;
        if (t->d > scout_days_in_month(y, t->m)) return false;
        *s = ymd(y, t->m, t->d ? t->d : 1);
        *e = ymd(y2, t->m2, t->d2 ? t->d2 : scout_days_in_month(y2, t->m2));
        if (t->d2 > scout_days_in_month(y2, t->m2)) return false;
        return *s <= *e;
    }
    case SCOUT_TX_DAY: {
        int y = t->y ? t->y : (t->m <= lm ? ly : ly - 1);
        if (t->d > scout_days_in_month(y, t->m)) return false;
        *s = *e = ymd(y, t->m, t->d);
        return true;
    }
    case SCOUT_TX_NONE:
        break;
    }
    return false;
}

const char *scout_timeexpr_kind_name(scout_tx_kind k)
{
    static const char *const names[] = {
        "none",      "now",       "today",      "yesterday",  "last_days",    "last_months",
        "this_week", "last_week", "this_month", "last_month", "this_quarter", "last_quarter",
        "this_year", "last_year", "year",       "half",       "quarter",      "month",
        "since",     "range",     "day"};
    return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "none";
}

static void describe(const scout_timeexpr *t, char *out, size_t cap)
{
    static const char *const mon[] = {"January",   "February", "March",    "April",
                                      "May",       "June",     "July",     "August",
                                      "September", "October",  "November", "December"};
    switch (t->kind) {
    case SCOUT_TX_LAST_DAYS:
        snprintf(out, cap, "the last %d days", t->n);
        return;
    case SCOUT_TX_LAST_MONTHS:
        snprintf(out, cap, "the last %d full months", t->n);
        return;
    case SCOUT_TX_QUARTER:
        snprintf(out, cap, "Q%d", t->q);
        return;
    case SCOUT_TX_HALF:
        snprintf(out, cap, "H%d", t->q);
        return;
    case SCOUT_TX_YEAR:
        snprintf(out, cap, "%d", t->y);
        return;
    case SCOUT_TX_MONTH:
        snprintf(out, cap, "%s", t->m >= 1 && t->m <= 12 ? mon[t->m - 1] : "month");
        return;
    case SCOUT_TX_SINCE:
        snprintf(out, cap, "since %s", t->m >= 1 && t->m <= 12 ? mon[t->m - 1] : "then");
        return;
    default:
        break;
    }
    snprintf(out, cap, "%s", scout_timeexpr_kind_name(t->kind));
    for (char *p = out; *p; p++)
        if (*p == '_') *p = ' ';
}

bool scout_timeexpr_resolve(const scout_timeexpr *t, const char *latest, char start[11],
                            char end[11], char *label, size_t label_cap)
{
    int ly, lm, ld;
    start[0] = end[0] = 0;
    if (label_cap) label[0] = 0;
    if (!parse_date(latest, &ly, &lm, &ld)) return false;
    long s, e;
    if (!span(t, ly, lm, ld, &s, &e)) return false;
    if (t->end_of) s = e;
    scout_date_format(s, start);
    scout_date_format(e, end);
    if (label_cap) {
        char what[64];
        describe(t, what, sizeof what);
        if (t->kind == SCOUT_TX_NOW || t->kind == SCOUT_TX_TODAY || t->kind == SCOUT_TX_YESTERDAY ||
            t->kind == SCOUT_TX_DAY || t->end_of)
            snprintf(label, label_cap, "%s%s = %s", t->end_of ? "end of " : "", what, end);
        else if (t->kind == SCOUT_TX_LAST_QUARTER || t->kind == SCOUT_TX_LAST_MONTH ||
                 t->kind == SCOUT_TX_LAST_WEEK)
            snprintf(label, label_cap, "%s = %s..%s, the latest full %s in the data", what, start,
                     end,
                     t->kind == SCOUT_TX_LAST_QUARTER ? "quarter"
                     : t->kind == SCOUT_TX_LAST_MONTH ? "month"
                                                      : "week");
        else
            snprintf(label, label_cap, "%s = %s..%s", what, start, end);
    }
    return true;
}

bool scout_timeexpr_previous(const scout_timeexpr *t, scout_timeexpr *out)
{
    *out = *t;
    switch (t->kind) {
    case SCOUT_TX_THIS_WEEK:
        out->kind = SCOUT_TX_LAST_WEEK;
        return true;
    case SCOUT_TX_THIS_MONTH:
        out->kind = SCOUT_TX_LAST_MONTH;
        return true;
    case SCOUT_TX_THIS_QUARTER:
        out->kind = SCOUT_TX_LAST_QUARTER;
        return true;
    case SCOUT_TX_THIS_YEAR:
        out->kind = SCOUT_TX_LAST_YEAR;
        return true;
    case SCOUT_TX_TODAY:
        out->kind = SCOUT_TX_YESTERDAY;
        return true;
    default:
        return false;
    }
}
