/* dialect — SQL spelling per engine. Literals are escaped here and nowhere
 * else, so one reviewable place decides what can end a string literal. */
#include "planner/dialect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const NAMES[] = {"sqlite", "postgres", "clickhouse"};

scout_rc scout_dialect_from_name(const char *name, scout_dialect *out, scout_err *err)
{
    for (int i = 0; i < 3; i++)
        if (name && strcmp(name, NAMES[i]) == 0) {
            *out = (scout_dialect)i;
            return SCOUT_OK;
        }
    return scout_err_set(err, SCOUT_EUSER, "unknown sql dialect '%s'", name ? name : "");
}

const char *scout_dialect_name(scout_dialect d)
{
    return (unsigned)d < 3 ? NAMES[d] : "?";
}

bool scout_dialect_has_cte(scout_dialect d)
{
    return d != SCOUT_DIALECT_CLICKHOUSE;
}

scout_rc scout_dialect_ident(scout_dialect d, const char *ident, scout_buf *out)
{
    /* ClickHouse backquoted names take backslash escapes; the others double
     * the quote character. */
    char q = d == SCOUT_DIALECT_CLICKHOUSE ? '`' : '"';
    scout_rc rc = scout_buf_putc(out, q);
    for (const char *p = ident; *p && rc == SCOUT_OK; p++) {
        if (*p == q)
            rc = scout_buf_putc(out, d == SCOUT_DIALECT_CLICKHOUSE ? '\\' : q);
        else if (*p == '\\' && d == SCOUT_DIALECT_CLICKHOUSE)
            rc = scout_buf_putc(out, '\\');
        if (rc == SCOUT_OK) rc = scout_buf_putc(out, *p);
    }
    return rc == SCOUT_OK ? scout_buf_putc(out, q) : rc;
}

scout_rc scout_dialect_table(scout_dialect d, const char *fqname, scout_buf *out, scout_err *err)
{
    const char *d1 = strchr(fqname, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2)
        return scout_err_set(err, SCOUT_EUSER, "'%s' is not source.schema.table", fqname);
    char *schema = strndup(d1 + 1, (size_t)(d2 - d1 - 1));
    if (!schema) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    scout_rc rc = scout_dialect_ident(d, schema, out);
    free(schema);
    if (rc == SCOUT_OK) rc = scout_buf_putc(out, '.');
    if (rc == SCOUT_OK) rc = scout_dialect_ident(d, d2 + 1, out);
    return rc == SCOUT_OK ? SCOUT_OK : scout_err_set(err, rc, "sql too long");
}

/* True when s is well-formed UTF-8 (no overlongs, no surrogates). */
static bool utf8_ok(const unsigned char *s)
{
    while (*s) {
        int n = *s < 0x80 ? 0 : (*s >> 5) == 6 ? 1 : (*s >> 4) == 14 ? 2 : (*s >> 3) == 30 ? 3 : -1;
        if (n < 0) return false;
        unsigned cp = n == 0 ? *s : n == 1 ? (*s & 0x1fu) : n == 2 ? (*s & 0x0fu) : (*s & 0x07u);
        for (int i = 1; i <= n; i++) {
            if ((s[i] & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (s[i] & 0x3fu);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        s += n + 1;
    }
    return true;
}

scout_rc scout_dialect_string(scout_dialect d, const char *s, scout_buf *out, scout_err *err)
{
    if (!utf8_ok((const unsigned char *)s))
        return scout_err_set(err, SCOUT_EUSER, "value is not valid utf-8");
    bool backslash = strchr(s, '\\') != NULL;
    scout_rc rc = SCOUT_OK;
    /* PostgreSQL's E'' form treats backslashes the same whatever
     * standard_conforming_strings says; plain '' is used when there are none. */
    if (d == SCOUT_DIALECT_POSTGRES && backslash) rc = scout_buf_putc(out, 'E');
    if (rc == SCOUT_OK) rc = scout_buf_putc(out, '\'');
    for (const char *p = s; *p && rc == SCOUT_OK; p++) {
        if (*p == '\'')
            rc = scout_buf_putc(out, d == SCOUT_DIALECT_CLICKHOUSE ? '\\' : '\'');
        else if (*p == '\\' && (d == SCOUT_DIALECT_CLICKHOUSE || d == SCOUT_DIALECT_POSTGRES))
            rc = scout_buf_putc(out, '\\');
        if (rc == SCOUT_OK) rc = scout_buf_putc(out, *p);
    }
    if (rc == SCOUT_OK) rc = scout_buf_putc(out, '\'');
    return rc == SCOUT_OK ? SCOUT_OK : scout_err_set(err, rc, "sql too long");
}

/* The shortest decimal text that reads back as the same double. */
static void format_real(double v, char *dst, size_t n)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(dst, n, "%.*g", prec, v);
        if (strtod(dst, NULL) == v) return;
    }
}

scout_rc scout_dialect_literal(scout_dialect d, const scout_sq_value *v, scout_buf *out,
                               scout_err *err)
{
    scout_rc rc = SCOUT_OK;
    char num[40];
    switch (v->kind) {
    case SCOUT_VAL_KIND_STRING:
        return scout_dialect_string(d, v->s ? v->s : "", out, err);
    case SCOUT_VAL_KIND_INT:
        rc = scout_buf_printf(out, "%lld", (long long)v->i);
        break;
    case SCOUT_VAL_KIND_REAL:
        if (!isfinite(v->d)) return scout_err_set(err, SCOUT_EUSER, "value is not a finite number");
        format_real(v->d, num, sizeof num);
        rc = scout_buf_puts(out, num);
        break;
    case SCOUT_VAL_KIND_BOOL:
        if (d == SCOUT_DIALECT_POSTGRES)
            rc = scout_buf_puts(out, v->i ? "TRUE" : "FALSE");
        else
            rc = scout_buf_puts(out, v->i ? "1" : "0");
        break;
    }
    return rc == SCOUT_OK ? SCOUT_OK : scout_err_set(err, rc, "sql too long");
}

/* Buckets are what people read in an answer: a day and a week's Monday as
 * YYYY-MM-DD, a month as YYYY-MM, a quarter as YYYY-Qn and a year as YYYY.
 * Every one is text that sorts in time order (docs/semantic-query.md). */
scout_rc scout_dialect_bucket(scout_dialect d, scout_grain g, const char *x, scout_buf *out)
{
    if (g == SCOUT_GRAIN_NONE) return scout_buf_puts(out, x);
    if (d == SCOUT_DIALECT_POSTGRES) {
        static const char *const pg_fmt[] = {"", "", "", "YYYY-MM", "YYYY-\"Q\"Q", "YYYY"};
        if (g == SCOUT_GRAIN_DAY) return scout_buf_printf(out, "CAST(%s AS date)", x);
        if (g == SCOUT_GRAIN_WEEK)
            return scout_buf_printf(out, "CAST(date_trunc('week', CAST(%s AS timestamp)) AS date)",
                                    x);
        return scout_buf_printf(out, "to_char(CAST(%s AS timestamp), '%s')", x, pg_fmt[g]);
    }
    if (d == SCOUT_DIALECT_CLICKHOUSE) {
        switch (g) {
        case SCOUT_GRAIN_DAY:
            return scout_buf_printf(out, "toDate(%s)", x);
        case SCOUT_GRAIN_WEEK:
            return scout_buf_printf(out, "toMonday(toDate(%s))", x);
        case SCOUT_GRAIN_MONTH:
            return scout_buf_printf(out, "substring(toString(toDate(%s)), 1, 7)", x);
        case SCOUT_GRAIN_QUARTER:
            return scout_buf_printf(
                out, "concat(toString(toYear(toDate(%s))), '-Q', toString(toQuarter(toDate(%s))))",
                x, x);
        default:
            return scout_buf_printf(out, "toString(toYear(toDate(%s)))", x);
        }
    }
    switch (g) {
    case SCOUT_GRAIN_DAY:
        return scout_buf_printf(out, "date(%s)", x);
    /* 'weekday 0' moves to the coming Sunday (or stays on one); six days
     * back is that week's Monday. */
    case SCOUT_GRAIN_WEEK:
        return scout_buf_printf(out, "date(%s, 'weekday 0', '-6 days')", x);
    case SCOUT_GRAIN_MONTH:
        return scout_buf_printf(out, "strftime('%%Y-%%m', %s)", x);
    case SCOUT_GRAIN_QUARTER:
        return scout_buf_printf(out,
                                "strftime('%%Y', %s) || '-Q' || "
                                "((CAST(strftime('%%m', %s) AS INTEGER) + 2) / 3)",
                                x, x);
    case SCOUT_GRAIN_YEAR:
        return scout_buf_printf(out, "strftime('%%Y', %s)", x);
    default:
        return scout_buf_puts(out, x);
    }
}

scout_rc scout_dialect_date_range(scout_dialect d, const char *x, const char *start,
                                  const char *end, scout_buf *out, scout_err *err)
{
    /* The end is inclusive as a date, so compare with the next day: that
     * keeps every timestamp of the last day. */
    char next[11] = "";
    if (end && !scout_semantic_date_add_days(end, 1, next))
        return scout_err_set(err, SCOUT_EUSER, "bad end date '%s'", end);
    scout_rc rc = SCOUT_OK;
    bool ch = d == SCOUT_DIALECT_CLICKHOUSE;
    if (start) {
        rc = ch ? scout_buf_printf(out, "toDate(%s) >= toDate(", x)
                : scout_buf_printf(out, "%s >= ", x);
        if (rc == SCOUT_OK) rc = scout_dialect_string(d, start, out, err);
        if (rc == SCOUT_OK && ch) rc = scout_buf_putc(out, ')');
    }
    if (rc == SCOUT_OK && start && end) rc = scout_buf_puts(out, " AND ");
    if (rc == SCOUT_OK && end) {
        rc = ch ? scout_buf_printf(out, "toDate(%s) < toDate(", x)
                : scout_buf_printf(out, "%s < ", x);
        if (rc == SCOUT_OK) rc = scout_dialect_string(d, next, out, err);
        if (rc == SCOUT_OK && ch) rc = scout_buf_putc(out, ')');
    }
    return rc;
}

scout_rc scout_dialect_null_safe_eq(scout_dialect d, const char *a, const char *b, scout_buf *out)
{
    switch (d) {
    case SCOUT_DIALECT_SQLITE:
        return scout_buf_printf(out, "%s IS %s", a, b);
    case SCOUT_DIALECT_POSTGRES:
        return scout_buf_printf(out, "%s IS NOT DISTINCT FROM %s", a, b);
    default:
        return scout_buf_printf(out, "%s = %s", a, b);
    }
}

/* SQLite counts days between Julian day numbers; PostgreSQL takes the
 * seconds of the interval (casting first, so dates subtract as timestamps,
 * not as a whole number of days); ClickHouse counts whole seconds. */
scout_rc scout_dialect_duration(scout_dialect d, const char *from, const char *to, scout_dur_unit u,
                                scout_buf *out)
{
    static const char *const per_day[] = {"1", "1440.0", "24.0", "1.0"};
    static const char *const seconds[] = {"1", "60.0", "3600.0", "86400.0"};
    if (u == SCOUT_DUR_NONE || (unsigned)u > SCOUT_DUR_DAY) return SCOUT_EINTERNAL;
    if (d == SCOUT_DIALECT_SQLITE)
        return scout_buf_printf(out, "(julianday(%s) - julianday(%s)) * %s", to, from, per_day[u]);
    if (d == SCOUT_DIALECT_POSTGRES)
        return scout_buf_printf(out,
                                "EXTRACT(EPOCH FROM (CAST(%s AS timestamp) - CAST(%s AS "
                                "timestamp))) / %s",
                                to, from, seconds[u]);
    return scout_buf_printf(out, "dateDiff('second', toDateTime(%s), toDateTime(%s)) / %s", from,
                            to, seconds[u]);
}
