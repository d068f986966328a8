/* crawl.c — layer 1 of the catalog: walks every configured source, and for
 * each new or changed table (by warehouse fingerprint) records its columns,
 * declared keys, exact row count and per-column statistics, then commits that
 * table on its own.
 *
 * Cost per crawled table: one full-table aggregate pass (count(*), and per
 * column count/min/max, all columns in one statement), one distinct-count
 * pass and one top-k query per low-cardinality text column. The last two run
 * over a bounded sample (cfg->limits.crawl_sample_rows) when the table is
 * bigger than that, and the statistics are then marked as sampled. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "catalog/catalog_int.h"
#include "warehouse/warehouse.h"

#define TOP_K                 10
#define TOP_MAX_DISTINCT      50     /* always keep top values up to this many distinct values */
#define TOP_MAX_SHARE         0.05   /* ... or when distinct values are at most 5% of the rows */
#define DEFAULT_SAMPLE_ROWS   100000 /* when cfg->limits.crawl_sample_rows is 0 */
#define DEFAULT_CRAWL_TIMEOUT 300000 /* ms per statement when no limit is configured */
#define MIN_CRAWL_TIMEOUT     60000  /* a crawl statement may take longer than a user query */
#define COLS_PER_QUERY        200    /* keeps aggregate statements under engine column caps */
#define VALUE_MAX             120    /* bytes kept of a min/max/top value */
#define REF_MAX               1024   /* a quoted schema.table or column reference */

typedef struct top_value {
    char *value;
    int64_t count;
} top_value;

typedef struct col_stats {
    char qname[REF_MAX]; /* quoted column name */
    bool no_minmax;      /* blob-like type: min/max are meaningless */
    bool sole_pk;        /* the whole primary key: distinct = non-null count, no scan */
    bool textual;        /* declared as text, or untyped holding text (top values apply) */
    bool untyped;        /* no declared type (CREATE TABLE AS): judge by the values */
    bool timelike;       /* declared or named as a date/time */
    int64_t nonnull;     /* full table */
    char *min, *max;     /* rendered as text, truncated */
    int64_t distinct;
    bool distinct_sampled;
    top_value top[TOP_K];
    int ntop;
} col_stats;

/* Per-run state: the catalog statements are prepared once and reused. */
typedef struct crawler {
    scout_catalog *cat;
    scout_wh *wh;
    const scout_wh_dialect *d;
    const scout_source_cfg *src;
    int64_t source_id;
    scout_wh_limits lim;
    int64_t sample_limit;
    sqlite3_stmt *get_fp, *up_table, *up_column, *add_top, *add_fk;
} crawler;

/* Per-table state. */
typedef struct table_crawl {
    const scout_wh_table *t;
    char fqname[REF_MAX];
    char ref[REF_MAX]; /* quoted schema.table */
    char *src_sql;     /* FROM clause for sampled passes (ref or a bounded sample) */
    int64_t row_count;
    bool sampled;
    int64_t sample_rows;
    col_stats *cols;
    int fresh_col; /* index into cols, -1 = none */
    char *error;   /* why statistics are missing, NULL when fine */
} table_crawl;

/* ---------- small helpers ---------- */

static bool type_has(const char *type, const char *word)
{
    if (!type) return false;
    size_t wl = strlen(word);
    for (const char *p = type; *p; p++)
        if (strncasecmp(p, word, wl) == 0) return true;
    return false;
}

static bool type_is_text(const char *type)
{
    return type_has(type, "CHAR") || type_has(type, "TEXT") || type_has(type, "CLOB") ||
           type_has(type, "STRING") || type_has(type, "ENUM") || type_has(type, "BOOL");
}

static bool type_is_blobby(const char *type)
{
    return type_has(type, "BLOB") || type_has(type, "BYTEA") || type_has(type, "BINARY") ||
           type_has(type, "JSON") || type_has(type, "ARRAY");
}

static bool name_ends(const char *name, const char *suffix)
{
    size_t nl = strlen(name), sl = strlen(suffix);
    return nl >= sl && strcasecmp(name + nl - sl, suffix) == 0;
}

/* Truncates at a UTF-8 character boundary so stored values stay valid text. */
static char *dup_truncated(const char *s, size_t len)
{
    if (len > VALUE_MAX) {
        len = VALUE_MAX;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80) len--;
    }
    char *out = malloc(len + 1);
    if (!out) return NULL;
    memcpy(out, s, len);
    out[len] = '\0';
    return out;
}

/* Renders a cell as text for the catalog (NULL stays NULL). */
static char *value_text(const scout_value *v)
{
    char tmp[64];
    switch (v->type) {
    case SCOUT_VAL_NULL:
        return NULL;
    case SCOUT_VAL_INT:
        snprintf(tmp, sizeof tmp, "%lld", (long long)v->i);
        break;
    case SCOUT_VAL_REAL:
        snprintf(tmp, sizeof tmp, "%.15g", v->d);
        break;
    case SCOUT_VAL_TEXT:
        return dup_truncated(v->s ? v->s : "", v->len);
    case SCOUT_VAL_BLOB:
        snprintf(tmp, sizeof tmp, "<%zu-byte blob>", v->len);
        break;
    }
    return scout_strdup(tmp);
}

static int64_t value_int(const scout_value *v)
{
    if (v->type == SCOUT_VAL_INT) return v->i;
    if (v->type == SCOUT_VAL_REAL) return (int64_t)v->d;
    if (v->type == SCOUT_VAL_TEXT && v->s) return strtoll(v->s, NULL, 10);
    return 0;
}

/* True when word is one of name's '_'-separated parts ("end" is in
 * "valid_end_date" but not in "calendar_date" or "spend_date"). */
static bool has_word(const char *name, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = name; *p;) {
        const char *q = strchr(p, '_');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        if (len == wl && strncasecmp(p, word, wl) == 0) return true;
        if (!q) break;
        p = q + 1;
    }
    return false;
}

/* True for ISO-8601 dates and timestamps ("2026-09-30", "2026-09",
 * "2026-09-30T12:00:00Z", "2026-09-30 12:00:00"): freshness must be a date a
 * reader and the planner can compare, not an epoch or a free-form string. */
static bool looks_like_iso_date(const char *s)
{
    if (!s) return false;
    size_t n = strlen(s);
    if (n < 7) return false;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    if (s[4] != '-' || !isdigit((unsigned char)s[5]) || !isdigit((unsigned char)s[6])) return false;
    int year = atoi(s), month = (s[5] - '0') * 10 + (s[6] - '0');
    if (year < 1900 || year > 2200 || month < 1 || month > 12) return false;
    if (n == 7) return true;
    if (n < 10 || s[7] != '-' || !isdigit((unsigned char)s[8]) || !isdigit((unsigned char)s[9]))
        return false;
    int day = (s[8] - '0') * 10 + (s[9] - '0');
    if (day < 1 || day > 31) return false;
    return n == 10 || s[10] == 'T' || s[10] == ' ';
}

/* How likely a column is the table's main timestamp, from its name and
 * declared type; 0 = not a candidate. Event and update times win over
 * creation times; validity/expiry/birth dates are never "freshness". */
static int time_score(const char *name, const char *type)
{
    static const char *const NEVER[] = {"birth",   "birthday", "dob",        "expire", "expires",
                                        "expired", "expiry",   "expiration", "due",    "deleted",
                                        "cancel",  "canceled", "cancelled",  "valid",  "until"};
    for (size_t i = 0; i < sizeof NEVER / sizeof NEVER[0]; i++)
        if (has_word(name, NEVER[i])) return 0;
    /* The end of a reporting period is the table's time; other ends
     * (contract_end, ends_at) lie in the future. */
    bool period = has_word(name, "week") || has_word(name, "month") || has_word(name, "period") ||
                  has_word(name, "quarter") || has_word(name, "year") || has_word(name, "day");
    if (!period && (has_word(name, "end") || has_word(name, "ends") || has_word(name, "ended")))
        return 0;
    int s = 0;
    if (!strcasecmp(name, "ts") || !strcasecmp(name, "timestamp") || has_word(name, "event") ||
        has_word(name, "occurred"))
        s = 100;
    else if (has_word(name, "updated") || has_word(name, "modified"))
        s = 90;
    else if (has_word(name, "at") || has_word(name, "ts") || has_word(name, "time") ||
             has_word(name, "timestamp") || has_word(name, "datetime"))
        s = has_word(name, "created") ? 60 : 75;
    else if (!strcasecmp(name, "created") || !strcasecmp(name, "updated"))
        s = 60;
    else if (has_word(name, "date") || has_word(name, "day") || has_word(name, "dt") ||
             name_ends(name, "_on"))
        s = 50;
    else if (period || has_word(name, "start"))
        s = 40;
    else if (type_has(type, "DATE") || type_has(type, "TIME"))
        s = 30;
    if (s && (type_has(type, "TIMESTAMP") || type_has(type, "DATETIME")))
        s += 8;
    else if (s && type_has(type, "DATE"))
        s += 4;
    return s;
}

/* Expands the dialect's sample format ("(SELECT * FROM %s LIMIT %lld)") by
 * hand, so a backend string is never used as a printf format. */
static char *sample_sql(const scout_wh_dialect *d, const char *ref, int64_t n)
{
    const char *fmt = d && d->sample_fmt ? d->sample_fmt : "(SELECT * FROM %s LIMIT %lld)";
    scout_buf b = SCOUT_BUF_INIT;
    for (const char *p = fmt; *p; p++) {
        if (p[0] == '%' && p[1] == 's') {
            scout_buf_puts(&b, ref);
            p++;
        } else if (strncmp(p, "%lld", 4) == 0) {
            scout_buf_printf(&b, "%lld", (long long)n);
            p += 3;
        } else if (p[0] == '%' && p[1] == '%') {
            scout_buf_putc(&b, '%');
            p++;
        } else {
            scout_buf_putc(&b, *p);
        }
    }
    return scout_buf_take(&b);
}

static void table_crawl_free(table_crawl *tc)
{
    if (tc->cols) {
        for (size_t c = 0; c < tc->t->n_columns; c++) {
            free(tc->cols[c].min);
            free(tc->cols[c].max);
            for (int k = 0; k < tc->cols[c].ntop; k++) free(tc->cols[c].top[k].value);
        }
    }
    free(tc->cols);
    free(tc->src_sql);
    free(tc->error);
}

/* ---------- statistics passes ---------- */

typedef struct agg_ctx {
    table_crawl *tc;
    size_t first, count; /* columns covered by this statement */
    bool with_rows;      /* the statement starts with count(*) */
    bool distinct;       /* distinct pass: (count(DISTINCT c), count(c)) pairs */
    int64_t *sample_nonnull;
} agg_ctx;

static int agg_row(void *ud, int ncols, const scout_value *v)
{
    agg_ctx *a = ud;
    int at = 0;
    if (a->with_rows && ncols > 0) a->tc->row_count = value_int(&v[at++]);
    for (size_t c = a->first; c < a->first + a->count; c++) {
        col_stats *cs = &a->tc->cols[c];
        if (a->distinct) {
            if (at + 1 >= ncols) break;
            cs->distinct = value_int(&v[at]);
            a->sample_nonnull[c] = value_int(&v[at + 1]);
            at += 2;
        } else {
            if (at + 2 >= ncols) break;
            cs->nonnull = value_int(&v[at]);
            cs->min = value_text(&v[at + 1]);
            cs->max = value_text(&v[at + 2]);
            if (cs->untyped) cs->textual = v[at + 2].type == SCOUT_VAL_TEXT;
            at += 3;
        }
    }
    return 1; /* one row expected */
}

static scout_rc run_agg(crawler *cr, table_crawl *tc, agg_ctx *a, const char *from, scout_err *err)
{
    scout_buf sql = SCOUT_BUF_INIT;
    scout_buf_puts(&sql, "SELECT ");
    bool comma = false;
    if (a->with_rows) {
        scout_buf_puts(&sql, "count(*)");
        comma = true;
    }
    for (size_t c = a->first; c < a->first + a->count; c++) {
        col_stats *cs = &tc->cols[c];
        const char *q = cs->qname;
        if (comma) scout_buf_puts(&sql, ", ");
        comma = true;
        if (a->distinct && (cs->no_minmax || cs->sole_pk))
            scout_buf_printf(&sql, "NULL, count(%s)", q);
        else if (a->distinct)
            scout_buf_printf(&sql, "count(DISTINCT %s), count(%s)", q, q);
        else if (cs->no_minmax)
            scout_buf_printf(&sql, "count(%s), NULL, NULL", q);
        else
            scout_buf_printf(&sql, "count(%s), min(%s), max(%s)", q, q, q);
    }
    scout_buf_printf(&sql, " FROM %s", from);
    scout_rc rc =
        scout_wh_query(cr->wh, scout_buf_cstr(&sql), &cr->lim, NULL, agg_row, a, NULL, err);
    scout_buf_free(&sql);
    return rc;
}

/* Pass 1, always over the whole table: exact row count, non-null counts,
 * min and max, every column in one scan (chunked for very wide tables). */
static scout_rc pass_full(crawler *cr, table_crawl *tc, scout_err *err)
{
    size_t n = tc->t->n_columns;
    if (n == 0) {
        agg_ctx a = {tc, 0, 0, true, false, NULL};
        return run_agg(cr, tc, &a, tc->ref, err);
    }
    for (size_t first = 0; first < n; first += COLS_PER_QUERY) {
        agg_ctx a = {tc,         first, n - first < COLS_PER_QUERY ? n - first : COLS_PER_QUERY,
                     first == 0, false, NULL};
        scout_rc rc = run_agg(cr, tc, &a, tc->ref, err);
        if (rc) return rc;
    }
    return SCOUT_OK;
}

/* Scales a distinct count seen in a sample to the whole table. Values that are
 * (nearly) unique in the sample are assumed unique overall; repeated values
 * are assumed mostly seen already. The fourth power of the sample's unique
 * ratio blends the two smoothly while keeping low-cardinality columns exact. */
static int64_t scale_distinct(int64_t d, int64_t sample_nonnull, int64_t full_nonnull)
{
    if (sample_nonnull <= 0 || full_nonnull <= sample_nonnull) return d;
    double r = (double)d / (double)sample_nonnull;
    double est = (double)d + (double)(full_nonnull - sample_nonnull) * r * r * r * r;
    if (est > (double)full_nonnull) est = (double)full_nonnull;
    return (int64_t)llround(est);
}

/* Pass 2, over the sample: distinct counts for every column at once. */
static scout_rc pass_distinct(crawler *cr, table_crawl *tc, scout_err *err)
{
    size_t n = tc->t->n_columns;
    if (n == 0) return SCOUT_OK;
    int64_t *sn = calloc(n, sizeof *sn);
    if (!sn) return scout_err_set(err, SCOUT_ENOMEM, "out of memory crawling %s", tc->fqname);
    scout_rc rc = SCOUT_OK;
    for (size_t first = 0; first < n && !rc; first += COLS_PER_QUERY) {
        agg_ctx a = {tc,    first, n - first < COLS_PER_QUERY ? n - first : COLS_PER_QUERY,
                     false, true,  sn};
        rc = run_agg(cr, tc, &a, tc->src_sql, err);
    }
    for (size_t c = 0; c < n && !rc; c++) {
        col_stats *cs = &tc->cols[c];
        if (cs->no_minmax) cs->distinct = -1; /* not computed for blob-like values */
        if (cs->sole_pk) cs->distinct = cs->nonnull;
        if (cs->no_minmax || cs->sole_pk || !tc->sampled) continue;
        cs->distinct = scale_distinct(cs->distinct, sn[c], cs->nonnull);
        cs->distinct_sampled = true;
    }
    free(sn);
    return rc;
}

typedef struct top_ctx {
    col_stats *cs;
} top_ctx;

static int top_row(void *ud, int ncols, const scout_value *v)
{
    top_ctx *t = ud;
    if (ncols < 2 || t->cs->ntop >= TOP_K) return 1;
    char *s = value_text(&v[0]);
    if (!s) return 0;
    t->cs->top[t->cs->ntop].value = s;
    t->cs->top[t->cs->ntop].count = value_int(&v[1]);
    t->cs->ntop++;
    return 0;
}

/* Top values are kept for text columns a person would filter or group by:
 * few distinct values, not a whole key, not a date. A part of a composite key
 * (service in (day, service, component)) is a dimension and keeps its values. */
static bool wants_top(const table_crawl *tc, size_t c)
{
    const col_stats *cs = &tc->cols[c];
    if (!cs->textual || cs->timelike || cs->no_minmax) return false;
    if (cs->distinct <= 0 || looks_like_iso_date(cs->max)) return false;
    /* The text key of a small lookup table names its members (the services,
     * the priorities of an SLA table): questions filter by them. */
    if (cs->sole_pk) return !tc->sampled && cs->nonnull <= TOP_K;
    int64_t rows = tc->sampled ? tc->sample_rows : tc->row_count;
    /* Every value distinct (names, emails): counts of 1 say nothing. */
    if (!tc->sampled && cs->distinct >= cs->nonnull) return false;
    return cs->distinct <= TOP_MAX_DISTINCT || (double)cs->distinct <= TOP_MAX_SHARE * (double)rows;
}

/* Pass 3, over the sample: top-k values with counts per qualifying column. */
static scout_rc pass_top(crawler *cr, table_crawl *tc, scout_err *err)
{
    for (size_t c = 0; c < tc->t->n_columns; c++) {
        if (!wants_top(tc, c)) continue;
        const char *q = tc->cols[c].qname;
        scout_buf sql = SCOUT_BUF_INIT;
        scout_buf_printf(&sql,
                         "SELECT %s, count(*) FROM %s WHERE %s IS NOT NULL GROUP BY %s "
                         "ORDER BY 2 DESC, 1 LIMIT %d",
                         q, tc->src_sql, q, q, TOP_K);
        top_ctx t = {&tc->cols[c]};
        scout_rc rc =
            scout_wh_query(cr->wh, scout_buf_cstr(&sql), &cr->lim, NULL, top_row, &t, NULL, err);
        scout_buf_free(&sql);
        if (rc && rc != SCOUT_ELIMIT) return rc;
    }
    return SCOUT_OK;
}

/* Picks the main timestamp column: best name/type score among columns whose
 * values really are ISO dates. Every row has its main event time, so an event
 * column with empty values (resolved_at, closed_at: set only once a row
 * reaches that stage) ranks below every fully filled one — otherwise "tickets
 * last month" would be dated by resolution and the table would look staler
 * than it is. An update time is the exception: rows never updated leave it
 * empty, and its latest value is still the best sign of freshness. */
static void pick_freshness(table_crawl *tc)
{
    int best = 0;
    tc->fresh_col = -1;
    for (size_t c = 0; c < tc->t->n_columns; c++) {
        const col_stats *cs = &tc->cols[c];
        const char *name = tc->t->columns[c].name;
        int s = time_score(name, tc->t->columns[c].type);
        bool update_time = has_word(name, "updated") || has_word(name, "modified");
        if (s > 0 && (cs->nonnull == tc->row_count || update_time)) s += 1000;
        if (s <= best || !looks_like_iso_date(cs->max)) continue;
        if (cs->min && !looks_like_iso_date(cs->min)) continue;
        best = s;
        tc->fresh_col = (int)c;
    }
}

static scout_rc quote(const scout_wh_dialect *d, const char *ident, char *dst, size_t n,
                      scout_err *err)
{
    if (scout_wh_quote_ident(d, ident, dst, n) == SCOUT_OK) return SCOUT_OK;
    return scout_err_set(err, SCOUT_ELIMIT, "identifier too long: %.60s...", ident);
}

static scout_rc table_crawl_init(crawler *cr, const scout_wh_table *t, table_crawl *tc,
                                 scout_err *err)
{
    memset(tc, 0, sizeof *tc);
    tc->t = t;
    tc->fresh_col = -1;
    snprintf(tc->fqname, sizeof tc->fqname, "%s.%s.%s", cr->src->name, t->schema, t->name);
    char qs[REF_MAX / 2], qt[REF_MAX / 2];
    scout_rc rc = quote(cr->d, t->schema, qs, sizeof qs, err);
    if (!rc) rc = quote(cr->d, t->name, qt, sizeof qt, err);
    if (rc) return rc;
    snprintf(tc->ref, sizeof tc->ref, "%s.%s", qs, qt);
    tc->cols = calloc(t->n_columns ? t->n_columns : 1, sizeof *tc->cols);
    if (!tc->cols) return scout_err_set(err, SCOUT_ENOMEM, "out of memory crawling %s", tc->fqname);
    size_t npk = 0;
    for (size_t c = 0; c < t->n_columns; c++) npk += t->columns[c].pk > 0;
    for (size_t c = 0; c < t->n_columns; c++) {
        col_stats *cs = &tc->cols[c];
        const scout_wh_column *col = &t->columns[c];
        if ((rc = quote(cr->d, col->name, cs->qname, sizeof cs->qname, err))) return rc;
        cs->no_minmax = type_is_blobby(col->type);
        cs->untyped = !col->type || !*col->type;
        cs->textual = type_is_text(col->type);
        cs->timelike = type_has(col->type, "DATE") || type_has(col->type, "TIME");
        cs->sole_pk = col->pk == 1 && npk == 1;
    }
    return SCOUT_OK;
}

/* Runs the three passes. Failures of the warehouse statements (a broken
 * view, a timeout) are kept as the table's crawl error rather than stopping
 * the whole index. */
static scout_rc collect_stats(crawler *cr, table_crawl *tc, scout_err *err)
{
    scout_err qerr = {0};
    scout_rc rc = pass_full(cr, tc, &qerr);
    if (!rc) {
        tc->sampled = tc->row_count > cr->sample_limit;
        tc->sample_rows = tc->sampled ? cr->sample_limit : tc->row_count;
        tc->src_sql =
            tc->sampled ? sample_sql(cr->d, tc->ref, cr->sample_limit) : scout_strdup(tc->ref);
        if (!tc->src_sql)
            return scout_err_set(err, SCOUT_ENOMEM, "out of memory crawling %s", tc->fqname);
        rc = pass_distinct(cr, tc, &qerr);
    }
    if (!rc) rc = pass_top(cr, tc, &qerr);
    if (rc == SCOUT_ENOMEM || rc == SCOUT_EINTERNAL) {
        if (err) *err = qerr;
        return rc;
    }
    if (rc) {
        scout_warn("crawl of %s incomplete: %s", tc->fqname, qerr.msg);
        tc->error = scout_strdup(qerr.msg[0] ? qerr.msg : scout_rc_name(rc));
        return SCOUT_OK;
    }
    pick_freshness(tc);
    return SCOUT_OK;
}

/* ---------- storing one table ---------- */

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static scout_rc step_done(crawler *cr, sqlite3_stmt *st, scout_err *err, const char *what)
{
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (s == SQLITE_DONE || s == SQLITE_ROW) return SCOUT_OK;
    return scout_catalog_sqlerr(cr->cat, err, what);
}

static scout_rc store_table_row(crawler *cr, table_crawl *tc, const char *fp, double ms,
                                int64_t *table_id, scout_err *err)
{
    sqlite3_stmt *st = cr->up_table;
    const scout_wh_table *t = tc->t;
    bool ok = tc->error == NULL;
    sqlite3_bind_text(st, 1, tc->fqname, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, cr->source_id);
    sqlite3_bind_text(st, 3, cr->src->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, t->schema, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, t->is_view);
    bind_text_or_null(st, 7, t->comment);
    bind_text_or_null(st, 8, t->sql);
    if (ok) sqlite3_bind_int64(st, 9, tc->row_count);
    sqlite3_bind_int64(st, 10, (int64_t)t->n_columns);
    /* A failed crawl stores no fingerprint so the next run retries it. */
    bind_text_or_null(st, 11, ok ? fp : NULL);
    bind_text_or_null(st, 12, tc->fresh_col >= 0 ? tc->cols[tc->fresh_col].max : NULL);
    bind_text_or_null(st, 13, tc->fresh_col >= 0 ? t->columns[tc->fresh_col].name : NULL);
    sqlite3_bind_int(st, 14, tc->sampled);
    if (ok) sqlite3_bind_int64(st, 15, tc->sample_rows);
    sqlite3_bind_double(st, 16, ms);
    bind_text_or_null(st, 17, tc->error);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) *table_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (s != SQLITE_ROW) return scout_catalog_sqlerr(cr->cat, err, "storing a table");
    return SCOUT_OK;
}

static scout_rc store_column(crawler *cr, table_crawl *tc, int64_t table_id, size_t c,
                             scout_err *err)
{
    sqlite3_stmt *st = cr->up_column;
    const scout_wh_column *col = &tc->t->columns[c];
    const col_stats *cs = &tc->cols[c];
    bool ok = tc->error == NULL;
    sqlite3_bind_int64(st, 1, table_id);
    sqlite3_bind_int64(st, 2, (int64_t)c + 1);
    sqlite3_bind_text(st, 3, col->name, -1, SQLITE_STATIC);
    bind_text_or_null(st, 4, col->type);
    sqlite3_bind_int(st, 5, col->notnull);
    sqlite3_bind_int(st, 6, col->pk);
    if (ok) {
        int64_t nulls = tc->row_count - cs->nonnull;
        sqlite3_bind_int64(st, 7, nulls);
        sqlite3_bind_double(st, 8, tc->row_count ? (double)nulls / (double)tc->row_count : 0.0);
        if (cs->distinct >= 0) sqlite3_bind_int64(st, 9, cs->distinct);
    }
    sqlite3_bind_int(st, 10, cs->distinct_sampled);
    bind_text_or_null(st, 11, cs->min);
    bind_text_or_null(st, 12, cs->max);
    sqlite3_bind_int(st, 13, tc->sampled);
    int64_t col_id = 0;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) col_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (s != SQLITE_ROW) return scout_catalog_sqlerr(cr->cat, err, "storing a column");
    for (int k = 0; k < cs->ntop; k++) {
        sqlite3_bind_int64(cr->add_top, 1, col_id);
        sqlite3_bind_int(cr->add_top, 2, k + 1);
        sqlite3_bind_text(cr->add_top, 3, cs->top[k].value, -1, SQLITE_STATIC);
        sqlite3_bind_int64(cr->add_top, 4, cs->top[k].count);
        scout_rc rc = step_done(cr, cr->add_top, err, "storing top values");
        if (rc) return rc;
    }
    return SCOUT_OK;
}

static scout_rc store_fks(crawler *cr, table_crawl *tc, int64_t table_id, scout_err *err)
{
    for (size_t f = 0; f < tc->t->n_fks; f++) {
        const scout_wh_fk *fk = &tc->t->fks[f];
        const char *schema = fk->to_schema ? fk->to_schema : tc->t->schema;
        char to_fq[REF_MAX];
        snprintf(to_fq, sizeof to_fq, "%s.%s.%s", cr->src->name, schema, fk->to_table);
        sqlite3_stmt *st = cr->add_fk;
        sqlite3_bind_int64(st, 1, table_id);
        sqlite3_bind_int64(st, 2, (int64_t)f);
        sqlite3_bind_text(st, 3, fk->from_column ? fk->from_column : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, schema, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, fk->to_table ? fk->to_table : "", -1, SQLITE_STATIC);
        bind_text_or_null(st, 6, fk->to_column);
        sqlite3_bind_text(st, 7, to_fq, -1, SQLITE_STATIC);
        scout_rc rc = step_done(cr, st, err, "storing a foreign key");
        if (rc) return rc;
    }
    return SCOUT_OK;
}

/* Replaces the table's layer-1 facts in one transaction. Columns are
 * upserted by name (never deleted and re-inserted) so facts other layers
 * attached to a column — description, synonyms — survive a re-crawl. */
static scout_rc store_table(crawler *cr, table_crawl *tc, const char *fp, double ms, scout_err *err)
{
    scout_catalog *cat = cr->cat;
    scout_rc rc = scout_catalog_exec(cat, "BEGIN IMMEDIATE", err);
    if (rc) return rc;
    int64_t id = 0;
    char sql[256];
    rc = store_table_row(cr, tc, fp, ms, &id, err);
    if (!rc) {
        snprintf(sql, sizeof sql,
                 "UPDATE columns SET ordinal = -1 WHERE table_id = %lld;"
                 "DELETE FROM column_top_values WHERE column_id IN "
                 "(SELECT id FROM columns WHERE table_id = %lld);"
                 "DELETE FROM foreign_keys WHERE table_id = %lld;",
                 (long long)id, (long long)id, (long long)id);
        rc = scout_catalog_exec(cat, sql, err);
    }
    for (size_t c = 0; !rc && c < tc->t->n_columns; c++) rc = store_column(cr, tc, id, c, err);
    if (!rc) {
        snprintf(sql, sizeof sql, "DELETE FROM columns WHERE table_id = %lld AND ordinal < 0",
                 (long long)id);
        rc = scout_catalog_exec(cat, sql, err);
    }
    if (!rc) rc = store_fks(cr, tc, id, err);
    if (!rc) rc = scout_catalog_exec(cat, "COMMIT", err);
    if (rc) {
        sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
        return scout_err_prefix(err, "storing %s", tc->fqname);
    }
    return SCOUT_OK;
}

/* ---------- the run ---------- */

static const char SQL_GET_FP[] = "SELECT fingerprint FROM tables WHERE fqname = ?";
static const char SQL_UP_TABLE[] =
    "INSERT INTO tables (fqname, source_id, source, schema_name, name, is_view, comment,"
    " create_sql, row_count, n_columns, fingerprint, freshness, freshness_column, sampled,"
    " sample_rows, crawl_ms, crawl_error, crawled_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
    " ON CONFLICT (fqname) DO UPDATE SET source_id = excluded.source_id,"
    " source = excluded.source, schema_name = excluded.schema_name, name = excluded.name,"
    " is_view = excluded.is_view, comment = excluded.comment, create_sql = excluded.create_sql,"
    " row_count = excluded.row_count, n_columns = excluded.n_columns,"
    " fingerprint = excluded.fingerprint, freshness = excluded.freshness,"
    " freshness_column = excluded.freshness_column, sampled = excluded.sampled,"
    " sample_rows = excluded.sample_rows, crawl_ms = excluded.crawl_ms,"
    " crawl_error = excluded.crawl_error, crawled_at = excluded.crawled_at"
    " RETURNING id";
static const char SQL_UP_COLUMN[] =
    "INSERT INTO columns (table_id, ordinal, name, type, not_null, pk, null_count, null_rate,"
    " distinct_estimate, distinct_sampled, min_value, max_value, sampled)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    " ON CONFLICT (table_id, name) DO UPDATE SET ordinal = excluded.ordinal,"
    " type = excluded.type, not_null = excluded.not_null, pk = excluded.pk,"
    " null_count = excluded.null_count, null_rate = excluded.null_rate,"
    " distinct_estimate = excluded.distinct_estimate,"
    " distinct_sampled = excluded.distinct_sampled, min_value = excluded.min_value,"
    " max_value = excluded.max_value, sampled = excluded.sampled"
    " RETURNING id";
static const char SQL_ADD_TOP[] =
    "INSERT INTO column_top_values (column_id, rank, value, count) VALUES (?, ?, ?, ?)";
static const char SQL_ADD_FK[] =
    "INSERT INTO foreign_keys (table_id, seq, from_column, to_schema, to_table, to_column,"
    " to_fqname) VALUES (?, ?, ?, ?, ?, ?, ?)";

static scout_rc crawler_prepare(crawler *cr, scout_err *err)
{
    scout_rc rc = scout_catalog_prepare(cr->cat, SQL_GET_FP, &cr->get_fp, err);
    if (!rc) rc = scout_catalog_prepare(cr->cat, SQL_UP_TABLE, &cr->up_table, err);
    if (!rc) rc = scout_catalog_prepare(cr->cat, SQL_UP_COLUMN, &cr->up_column, err);
    if (!rc) rc = scout_catalog_prepare(cr->cat, SQL_ADD_TOP, &cr->add_top, err);
    if (!rc) rc = scout_catalog_prepare(cr->cat, SQL_ADD_FK, &cr->add_fk, err);
    return rc;
}

static void crawler_finalize(crawler *cr)
{
    sqlite3_finalize(cr->get_fp);
    sqlite3_finalize(cr->up_table);
    sqlite3_finalize(cr->up_column);
    sqlite3_finalize(cr->add_top);
    sqlite3_finalize(cr->add_fk);
}

/* Stored fingerprints start with this; bump it whenever the crawl records
 * different facts, so an upgraded scout re-crawls tables whose data did not
 * change instead of keeping the old statistics. */
static const char CRAWL_VERSION[] = "crawl-4|";

/* The warehouse fingerprint prefixed with CRAWL_VERSION (heap; NULL if fp is). */
static char *versioned_fingerprint(char *fp)
{
    if (!fp) return NULL;
    scout_buf b = SCOUT_BUF_INIT;
    scout_rc rc = scout_buf_puts(&b, CRAWL_VERSION);
    if (!rc) rc = scout_buf_puts(&b, fp);
    free(fp);
    if (rc) {
        scout_buf_free(&b);
        return NULL;
    }
    return scout_buf_take(&b);
}

/* True when the catalog already holds this table with this fingerprint. */
static bool unchanged(crawler *cr, const char *fqname, const char *fp)
{
    sqlite3_bind_text(cr->get_fp, 1, fqname, -1, SQLITE_STATIC);
    bool same = false;
    if (sqlite3_step(cr->get_fp) == SQLITE_ROW) {
        const char *old = scout_catalog_col_text(cr->get_fp, 0);
        same = old && fp && strcmp(old, fp) == 0;
    }
    sqlite3_reset(cr->get_fp);
    sqlite3_clear_bindings(cr->get_fp);
    return same;
}

/* Crawls (or skips) one table; *skipped tells which. */
static scout_rc crawl_table(crawler *cr, const scout_wh_table *t, bool *skipped, char *fqname,
                            size_t fqcap, scout_err *err)
{
    double t0 = scout_now_ms();
    table_crawl tc;
    scout_rc rc = table_crawl_init(cr, t, &tc, err);
    scout_strlcpy(fqname, tc.fqname, fqcap);
    char *fp = NULL;
    scout_err fperr = {0};
    if (!rc && scout_wh_fingerprint(cr->wh, t->schema, t->name, &fp, &fperr) != SCOUT_OK)
        scout_warn("fingerprint of %s failed: %s", tc.fqname, fperr.msg);
    fp = versioned_fingerprint(fp);
    *skipped = !rc && fp && unchanged(cr, tc.fqname, fp);
    if (!rc && !*skipped) rc = collect_stats(cr, &tc, err);
    if (!rc && !*skipped) rc = store_table(cr, &tc, fp, scout_now_ms() - t0, err);
    free(fp);
    table_crawl_free(&tc);
    return rc;
}

typedef struct source_run {
    const scout_source_cfg *src;
    scout_wh *wh;
    scout_wh_table *tables;
    size_t n;
} source_run;

static scout_rc upsert_source(scout_catalog *cat, const scout_source_cfg *src, int64_t *id,
                              scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(
        cat,
        "INSERT INTO sources (name, kind, description, restricted) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET kind = excluded.kind,"
        " description = excluded.description, restricted = excluded.restricted,"
        " indexed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') RETURNING id",
        &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, src->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, scout_source_kind_name(src->kind), -1, SQLITE_STATIC);
    bind_text_or_null(st, 3, src->description);
    sqlite3_bind_int(st, 4, src->restricted);
    if (sqlite3_step(st) == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else
        rc = scout_catalog_sqlerr(cat, err, "storing a source");
    sqlite3_finalize(st);
    return rc;
}

/* Deletes the source's catalog tables that the warehouse no longer lists
 * (their columns, statistics and FKs go with them by cascade). */
static scout_rc remove_vanished(crawler *cr, const source_run *sr, size_t *removed, scout_err *err)
{
    scout_catalog *cat = cr->cat;
    scout_rc rc = scout_catalog_exec(cat,
                                     "CREATE TEMP TABLE IF NOT EXISTS crawl_seen "
                                     "(fqname TEXT PRIMARY KEY);"
                                     "DELETE FROM temp.crawl_seen;",
                                     err);
    sqlite3_stmt *ins = NULL, *del = NULL;
    if (!rc)
        rc = scout_catalog_prepare(cat, "INSERT OR IGNORE INTO temp.crawl_seen VALUES (?)", &ins,
                                   err);
    for (size_t i = 0; !rc && i < sr->n; i++) {
        char fq[REF_MAX];
        snprintf(fq, sizeof fq, "%s.%s.%s", sr->src->name, sr->tables[i].schema,
                 sr->tables[i].name);
        sqlite3_bind_text(ins, 1, fq, -1, SQLITE_TRANSIENT);
        rc = step_done(cr, ins, err, "recording seen tables");
    }
    if (!rc)
        rc = scout_catalog_prepare(cat,
                                   "DELETE FROM tables WHERE source_id = ? AND fqname NOT IN "
                                   "(SELECT fqname FROM temp.crawl_seen)",
                                   &del, err);
    if (!rc) {
        sqlite3_bind_int64(del, 1, cr->source_id);
        if (sqlite3_step(del) != SQLITE_DONE)
            rc = scout_catalog_sqlerr(cat, err, "removing vanished tables");
        else
            *removed += (size_t)sqlite3_changes(cat->db);
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(del);
    return rc;
}

/* Sources dropped from the configuration take their tables with them. */
static scout_rc remove_unconfigured(scout_catalog *cat, const scout_config *cfg, size_t *removed,
                                    scout_err *err)
{
    sqlite3_stmt *list;
    scout_rc rc = scout_catalog_prepare(
        cat,
        "SELECT s.id, s.name, (SELECT count(*) FROM tables WHERE source_id = s.id) FROM sources s",
        &list, err);
    if (rc) return rc;
    scout_buf ids = SCOUT_BUF_INIT;
    while (sqlite3_step(list) == SQLITE_ROW) {
        const char *name = scout_catalog_col_text(list, 1);
        if (name && scout_config_source(cfg, name)) continue;
        scout_buf_printf(&ids, "%s%lld", ids.len ? "," : "",
                         (long long)sqlite3_column_int64(list, 0));
        *removed += (size_t)sqlite3_column_int64(list, 2);
    }
    sqlite3_finalize(list);
    if (ids.len) {
        scout_buf sql = SCOUT_BUF_INIT;
        scout_buf_printf(&sql, "DELETE FROM sources WHERE id IN (%s)", scout_buf_cstr(&ids));
        rc = scout_catalog_exec(cat, scout_buf_cstr(&sql), err);
        scout_buf_free(&sql);
    }
    scout_buf_free(&ids);
    return rc;
}

static void source_runs_free(source_run *runs, size_t n)
{
    if (!runs) return;
    for (size_t i = 0; i < n; i++) {
        scout_wh_tables_free(runs[i].tables, runs[i].n);
        scout_wh_close(runs[i].wh);
    }
    free(runs);
}

/* Opens and lists every source first, so progress can report a true total
 * and a source that cannot be reached fails the run before anything changes. */
static scout_rc open_sources(const scout_config *cfg, source_run **out, size_t *total,
                             scout_err *err)
{
    source_run *runs = calloc(cfg->n_sources ? cfg->n_sources : 1, sizeof *runs);
    if (!runs) return scout_err_set(err, SCOUT_ENOMEM, "out of memory opening sources");
    *total = 0;
    for (size_t i = 0; i < cfg->n_sources; i++) {
        runs[i].src = &cfg->sources[i];
        scout_rc rc = scout_wh_open(runs[i].src, &runs[i].wh, err);
        if (!rc) rc = scout_wh_list_tables(runs[i].wh, &runs[i].tables, &runs[i].n, err);
        if (rc) {
            source_runs_free(runs, cfg->n_sources);
            return rc;
        }
        *total += runs[i].n;
    }
    *out = runs;
    return SCOUT_OK;
}

static scout_rc crawl_source(crawler *cr, source_run *sr, scout_index_progress_fn progress,
                             void *ud, size_t total, scout_index_stats *st, scout_err *err)
{
    for (size_t i = 0; i < sr->n; i++) {
        bool skipped = false;
        char fq[REF_MAX];
        scout_rc rc = crawl_table(cr, &sr->tables[i], &skipped, fq, sizeof fq, err);
        if (rc) return rc;
        st->tables_seen++;
        st->columns += sr->tables[i].n_columns;
        if (skipped)
            st->tables_skipped++;
        else
            st->tables_crawled++;
        if (progress) {
            scout_index_progress p = {sr->src->name, fq, st->tables_seen, total, skipped};
            progress(ud, &p);
        }
    }
    return remove_vanished(cr, sr, &st->tables_removed, err);
}

static void record_run(scout_catalog *cat, const scout_index_stats *st)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO index_runs (started_at, finished_at, tables_seen, tables_crawled,"
             " tables_skipped, tables_removed, elapsed_ms) VALUES"
             " (strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', '-%.3f seconds'),"
             " strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now'), %zu, %zu, %zu, %zu, %.1f)",
             st->elapsed_ms / 1000.0, st->tables_seen, st->tables_crawled, st->tables_skipped,
             st->tables_removed, st->elapsed_ms);
    sqlite3_exec(cat->db, sql, NULL, NULL, NULL); /* bookkeeping only: never fails a run */
}

scout_rc scout_catalog_index(scout_catalog *cat, const scout_config *cfg,
                             scout_index_progress_fn progress, void *ud, scout_index_stats *stats,
                             scout_err *err)
{
    double t0 = scout_now_ms();
    scout_index_stats local;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    source_run *runs = NULL;
    size_t total = 0;
    scout_rc rc = open_sources(cfg, &runs, &total, err);
    if (rc) return rc;
    crawler cr = {.cat = cat};
    int64_t timeout = cfg->limits.timeout_ms;
    cr.lim.timeout_ms = timeout <= 0 ? DEFAULT_CRAWL_TIMEOUT
                                     : (timeout < MIN_CRAWL_TIMEOUT ? MIN_CRAWL_TIMEOUT : timeout);
    cr.sample_limit =
        cfg->limits.crawl_sample_rows > 0 ? cfg->limits.crawl_sample_rows : DEFAULT_SAMPLE_ROWS;
    rc = crawler_prepare(&cr, err);
    for (size_t i = 0; !rc && i < cfg->n_sources; i++) {
        cr.src = runs[i].src;
        cr.wh = runs[i].wh;
        cr.d = scout_wh_dialect_of(cr.wh);
        rc = upsert_source(cat, cr.src, &cr.source_id, err);
        if (!rc) rc = crawl_source(&cr, &runs[i], progress, ud, total, stats, err);
        stats->sources++;
    }
    if (!rc) rc = remove_unconfigured(cat, cfg, &stats->tables_removed, err);
    crawler_finalize(&cr);
    source_runs_free(runs, cfg->n_sources);
    stats->elapsed_ms = scout_now_ms() - t0;
    if (!rc) record_run(cat, stats);
    return rc;
}
