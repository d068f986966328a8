/* format — number formatting and terminal facts shared by every renderer. */
#include "render/format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

scout_unit scout_unit_parse(const char *word)
{
    static const struct {
        const char *word;
        scout_unit unit;
    } words[] = {
        {"currency", SCOUT_UNIT_CURRENCY},
        {"usd", SCOUT_UNIT_CURRENCY},
        {"$", SCOUT_UNIT_CURRENCY},
        {"money", SCOUT_UNIT_CURRENCY},
        {"eur", SCOUT_UNIT_CURRENCY},
        {"pct", SCOUT_UNIT_PCT},
        {"percent", SCOUT_UNIT_PCT},
        {"percentage", SCOUT_UNIT_PCT},
        {"%", SCOUT_UNIT_PCT},
        {"ratio", SCOUT_UNIT_PCT},
        {"pct_points", SCOUT_UNIT_PCT_POINTS},
        {"ms", SCOUT_UNIT_MS},
        {"milliseconds", SCOUT_UNIT_MS},
    };
    if (!word) return SCOUT_UNIT_NONE;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasecmp(word, words[i].word) == 0) return words[i].unit;
    return SCOUT_UNIT_NONE;
}

const char *scout_unit_name(scout_unit unit)
{
    switch (unit) {
    case SCOUT_UNIT_CURRENCY:
        return "currency";
    case SCOUT_UNIT_PCT:
        return "pct";
    case SCOUT_UNIT_MS:
        return "ms";
    case SCOUT_UNIT_PCT_POINTS:
        return "pct_points";
    case SCOUT_UNIT_NONE:
        break;
    }
    return "none";
}

/* Copies digits (an optional '-' then digits, optionally ".fraction") into
 * dst with a comma every three integer digits. */
static void group_digits(char *dst, size_t n, const char *digits)
{
    size_t o = 0;
    const char *p = digits;
    if (*p == '-') {
        if (o + 1 < n) dst[o++] = '-';
        p++;
    }
    size_t int_len = strcspn(p, ".");
    for (size_t i = 0; i < int_len && o + 1 < n; i++) {
        if (i > 0 && (int_len - i) % 3 == 0 && o + 2 < n) dst[o++] = ',';
        dst[o++] = p[i];
    }
    for (const char *q = p + int_len; *q && o + 1 < n; q++) dst[o++] = *q;
    if (n > 0) dst[o < n ? o : n - 1] = '\0';
}

const char *scout_fmt_int(char *dst, size_t n, long long v)
{
    char raw[32];
    snprintf(raw, sizeof raw, "%lld", v);
    group_digits(dst, n, raw);
    return dst;
}

/* Formats |v| with the given decimals and separators, with a sign prefix and
 * an optional currency symbol between the sign and the digits. */
static void fixed(char *dst, size_t n, double v, int decimals, const char *symbol)
{
    char raw[64], grouped[96];
    snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
    group_digits(grouped, sizeof grouped, raw);
    /* "-0.00" would be noise: only negative when something non-zero shows. */
    bool neg = v < 0 && strspn(raw, "0.") != strlen(raw);
    snprintf(dst, n, "%s%s%s", neg ? "-" : "", symbol, grouped);
}

/* Abbreviates |v| with K/M/B/T keeping about three significant digits. */
static void compact_scaled(char *dst, size_t n, double v, const char *symbol)
{
    static const char suffix[] = {'\0', 'K', 'M', 'B', 'T'};
    double a = fabs(v);
    int k = 0;
    while (a >= 999.5 && k < 4) {
        a /= 1000.0;
        k++;
    }
    const char *sign = v < 0 ? "-" : "";
    if (k == 0) {
        bool integral = a == floor(a);
        int dec = integral || a >= 100 ? 0 : (a >= 10 ? 1 : 2);
        if (*symbol == '\0' && !integral) dec = a >= 100 ? 0 : 1;
        /* A small ratio (errors per request) would round to "0.0": keep two
           significant digits instead. */
        if (*symbol == '\0' && a < 0.1 && a > 0) {
            snprintf(dst, n, "%.2g", v);
            return;
        }
        fixed(dst, n, v, dec, symbol);
        return;
    }
    int dec = a < 100 ? 1 : 0;
    snprintf(dst, n, "%s%s%.*f%c", sign, symbol, dec, a, suffix[k]);
}

const char *scout_fmt_number(char *dst, size_t n, double v, scout_unit unit, bool compact)
{
    if (n == 0) return dst;
    if (!isfinite(v)) {
        snprintf(dst, n, "n/a");
        return dst;
    }
    bool integral = v == floor(v) && fabs(v) < 1e15;
    double a = fabs(v);
    switch (unit) {
    case SCOUT_UNIT_CURRENCY:
        if (compact)
            compact_scaled(dst, n, v, "$");
        else
            fixed(dst, n, v, integral ? 0 : 2, "$");
        break;
    case SCOUT_UNIT_PCT:
    case SCOUT_UNIT_PCT_POINTS: {
        double p = unit == SCOUT_UNIT_PCT ? v * 100.0 : v;
        int dec = fabs(p) < 1 && p != 0 ? 2 : 1;
        if (!compact && fabs(p) >= 1) dec = 1;
        fixed(dst, n, p, dec, "");
        size_t len = strlen(dst);
        if (len + 1 < n) {
            dst[len] = '%';
            dst[len + 1] = '\0';
        }
        break;
    }
    case SCOUT_UNIT_MS: {
        char num[SCOUT_FMT_MAX];
        if (compact && a >= 60000) {
            fixed(num, sizeof num, v / 60000.0, 1, "");
            snprintf(dst, n, "%s min", num);
        } else if (compact && a >= 1000) {
            fixed(num, sizeof num, v / 1000.0, 1, "");
            snprintf(dst, n, "%s s", num);
        } else {
            fixed(num, sizeof num, v, a >= 10 || integral ? 0 : 1, "");
            snprintf(dst, n, "%s ms", num);
        }
        break;
    }
    case SCOUT_UNIT_NONE:
        if (compact)
            compact_scaled(dst, n, v, "");
        else if (integral)
            scout_fmt_int(dst, n, (long long)v);
        else if (a >= 1 || a == 0)
            fixed(dst, n, v, 2, "");
        else
            snprintf(dst, n, "%.3g", v);
        break;
    }
    return dst;
}

const char *scout_fmt_delta(char *dst, size_t n, double v, scout_unit unit)
{
    char body[SCOUT_FMT_MAX];
    scout_fmt_number(body, sizeof body, v, unit, true);
    bool positive = isfinite(v) && v > 0;
    snprintf(dst, n, "%s%s", positive ? "+" : "", body);
    return dst;
}

const char *scout_fmt_d3(scout_unit unit, bool compact)
{
    switch (unit) {
    case SCOUT_UNIT_CURRENCY:
        return compact ? "$,.3~s" : "$,.2f";
    case SCOUT_UNIT_PCT:
        return compact ? ".0%" : ".1%";
    case SCOUT_UNIT_PCT_POINTS:
        return compact ? ",.0f" : ",.1f";
    case SCOUT_UNIT_MS:
        return compact ? ",.0f" : ",.1f";
    case SCOUT_UNIT_NONE:
        break;
    }
    return compact ? ",.3~s" : ",.2~f";
}

size_t scout_fmt_width(const char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) w++;
    return w;
}

size_t scout_fmt_fit(const char *s, size_t len, size_t width)
{
    size_t w = 0, i = 0;
    while (i < len) {
        size_t j = i + 1;
        while (j < len && ((unsigned char)s[j] & 0xC0) == 0x80) j++;
        if (w + 1 > width) break;
        w++;
        i = j;
    }
    return i;
}

int scout_term_width(int fd)
{
    int w = 0;
    const char *env = getenv("COLUMNS");
    if (env && *env) {
        char *end = NULL;
        long v = strtol(env, &end, 10);
        if (end && *end == '\0' && v > 0 && v < 100000) w = (int)v;
    }
    if (w == 0) {
        struct winsize ws;
        if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) w = ws.ws_col;
    }
    if (w == 0) w = 80;
    if (w < 20) w = 20;
    if (w > 1000) w = 1000;
    return w;
}

bool scout_term_color(int fd)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc) return false;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0) return false;
    return isatty(fd) != 0;
}
