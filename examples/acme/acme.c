/* acme — orchestration and shared plumbing of the demo company generator:
 * PRNG, calendar, SQLite helpers, the table/model registry and the dbt
 * template renderer. Department data lives in acme_<dept>.c. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acme/acme_int.h"
#include "base/date.h"
#include "base/fsutil.h"
#include "base/hash.h"

/* ---- PRNG ---------------------------------------------------------------- */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void acme_rng_seed(acme_rng *r, uint64_t seed, const char *stream)
{
    /* FNV-1a of the stream name keeps streams independent of call order. */
    uint64_t h = scout_fnv64_update_str(SCOUT_FNV64_INIT, stream);
    r->s = seed ^ h;
    (void)splitmix(&r->s);
}

uint64_t acme_rng_next(acme_rng *r)
{
    return splitmix(&r->s);
}

double acme_rng_unit(acme_rng *r)
{
    return (double)(acme_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

int64_t acme_rng_range(acme_rng *r, int64_t lo, int64_t hi)
{
    if (hi <= lo) return lo;
    return lo + (int64_t)(acme_rng_next(r) % (uint64_t)(hi - lo + 1));
}

bool acme_rng_chance(acme_rng *r, double p)
{
    return acme_rng_unit(r) < p;
}

int acme_rng_weighted(acme_rng *r, const double *w, int n)
{
    double total = 0;
    for (int i = 0; i < n; i++) total += w[i];
    double x = acme_rng_unit(r) * total;
    for (int i = 0; i < n; i++) {
        if (x < w[i]) return i;
        x -= w[i];
    }
    return n - 1;
}

double acme_rng_normal(acme_rng *r)
{
    double u1 = acme_rng_unit(r), u2 = acme_rng_unit(r);
    if (u1 < 1e-12) u1 = 1e-12;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* ---- Calendar -------------------------------------------------------------- */

static int64_t epoch_day0(void)
{
    return scout_days_from_civil(2024, 11, 25);
}

int acme_day_index(int y, int m, int d)
{
    return (int)(scout_days_from_civil(y, m, d) - epoch_day0());
}

void acme_day_str(int day, char out[11])
{
    scout_date_format(epoch_day0() + day, out);
}

void acme_ts_str(int day, int sec, char out[20])
{
    while (sec < 0) sec += 86400, day--;
    day += sec / 86400;
    sec %= 86400;
    char ds[11], tmp[40];
    acme_day_str(day, ds);
    snprintf(tmp, sizeof tmp, "%s %02d:%02d:%02d", ds, sec / 3600, (sec / 60) % 60, sec % 60);
    scout_strlcpy(out, tmp, 20);
}

int acme_weekday(int day)
{
    /* 1970-01-01 was a Thursday (index 3 with Monday = 0). */
    int64_t z = epoch_day0() + day;
    return (int)(((z % 7) + 7 + 3) % 7);
}

/* ---- Context helpers ------------------------------------------------------- */

int64_t acme_scaled(const acme_ctx *c, double full, int64_t floor)
{
    int64_t n = (int64_t)llround(full * c->scale);
    return n < floor ? floor : n;
}

void acme_progress(acme_ctx *c, const char *phase)
{
    if (c->opts && c->opts->progress) c->opts->progress(c->opts->ud, phase);
}

static scout_rc sql_fail(acme_ctx *c, const char *what)
{
    return scout_err_set(c->err, SCOUT_ESQL, "acme %s: %s: %s", c->source ? c->source : "", what,
                         sqlite3_errmsg(c->db));
}

scout_rc acme_exec(acme_ctx *c, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) == SQLITE_OK) return SCOUT_OK;
    /* Keep the start of the statement so a failing model is easy to find. */
    char head[80];
    scout_strlcpy(head, sql, sizeof head);
    scout_rc rc = scout_err_set(c->err, SCOUT_ESQL, "acme %s: %s: %s", c->source ? c->source : "",
                                msg ? msg : "error", head);
    sqlite3_free(msg);
    return rc;
}

scout_rc acme_execf(acme_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    if (!sql) return scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    scout_rc rc = acme_exec(c, sql);
    sqlite3_free(sql);
    return rc;
}

scout_rc acme_prepare(acme_ctx *c, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(c->db, sql, -1, st, NULL) != SQLITE_OK) return sql_fail(c, sql);
    return SCOUT_OK;
}

scout_rc acme_step_reset(acme_ctx *c, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return sql_fail(c, sqlite3_sql(st));
    return SCOUT_OK;
}

scout_rc acme_query_int(acme_ctx *c, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    scout_rc rc = acme_prepare(c, sql, &st);
    if (rc) return rc;
    int s = sqlite3_step(st);
    *out = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (s != SQLITE_ROW && s != SQLITE_DONE) rc = sql_fail(c, sql);
    sqlite3_finalize(st);
    return rc;
}

void acme_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

scout_rc acme_begin(acme_ctx *c)
{
    return acme_exec(c, "BEGIN");
}

scout_rc acme_commit(acme_ctx *c)
{
    return acme_exec(c, "COMMIT");
}

/* ---- Sources ------------------------------------------------------------- */

static scout_rc remove_db_file(acme_ctx *c, const char *path)
{
    if (unlink(path) != 0 && errno != ENOENT)
        return scout_err_set(c->err, SCOUT_EIO, "acme: cannot remove %s", path);
    return SCOUT_OK;
}

static scout_rc attach_schema(acme_ctx *c, const char *dir, const char *schema)
{
    char file[64];
    snprintf(file, sizeof file, "%s.db", schema);
    char *path = scout_path_join(dir, file);
    if (!path) return scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    scout_rc rc = remove_db_file(c, path);
    sqlite3_stmt *st = NULL;
    if (!rc) rc = acme_prepare(c, "ATTACH ?1 AS ?2", &st);
    if (!rc) {
        acme_bind_text(st, 1, path);
        acme_bind_text(st, 2, schema);
        rc = acme_step_reset(c, st);
    }
    sqlite3_finalize(st);
    free(path);
    if (!rc)
        rc = acme_execf(c, "PRAGMA \"%w\".journal_mode=OFF; PRAGMA \"%w\".synchronous=OFF", schema,
                        schema);
    return rc;
}

scout_rc acme_open_source(acme_ctx *c, const char *source, const char *const *schemas, int n)
{
    char *wh = scout_path_join(c->dir, "warehouse");
    char *dir = wh ? scout_path_join(wh, source) : NULL;
    free(wh);
    if (!dir) return scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    scout_rc rc = scout_mkdir_p(dir, c->err);
    c->source = source;
    if (!rc && sqlite3_open(":memory:", &c->db) != SQLITE_OK)
        rc = scout_err_set(c->err, SCOUT_ESQL, "acme: cannot open sqlite");
    if (!rc) sqlite3_limit(c->db, SQLITE_LIMIT_ATTACHED, 10);
    for (int i = 0; !rc && i < n; i++) rc = attach_schema(c, dir, schemas[i]);
    if (!rc) rc = acme_exec(c, "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536");
    free(dir);
    return rc;
}

scout_rc acme_close_source(acme_ctx *c)
{
    scout_rc rc = SCOUT_OK;
    if (c->db && sqlite3_close(c->db) != SQLITE_OK)
        rc = scout_err_set(c->err, SCOUT_ESQL, "acme: cannot close %s", c->source);
    c->db = NULL;
    c->source = NULL;
    return rc;
}

/* ---- Registry -------------------------------------------------------------- */

static acme_node *new_node(acme_ctx *c)
{
    if (c->n_nodes == c->cap_nodes) {
        size_t cap = c->cap_nodes ? c->cap_nodes * 2 : 64;
        acme_node *n = realloc(c->nodes, cap * sizeof *n);
        if (!n) return NULL;
        c->nodes = n;
        c->cap_nodes = cap;
    }
    acme_node *n = &c->nodes[c->n_nodes++];
    memset(n, 0, sizeof *n);
    return n;
}

static char *dup_or_null(const char *s)
{
    return s ? scout_strdup(s) : NULL;
}

const acme_node *acme_find(const acme_ctx *c, const char *source, const char *schema,
                           const char *name)
{
    for (size_t i = 0; i < c->n_nodes; i++) {
        const acme_node *n = &c->nodes[i];
        if (!strcmp(n->source, source) && !strcmp(n->schema, schema) && !strcmp(n->name, name))
            return n;
    }
    return NULL;
}

scout_rc acme_raw_table(acme_ctx *c, const char *schema, const char *name, const char *owner,
                        const char *description, const char *ddl)
{
    scout_rc rc = acme_exec(c, ddl);
    if (rc) return rc;
    acme_node *n = new_node(c);
    if (!n) return scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    n->source = scout_strdup(c->source);
    n->schema = scout_strdup(schema);
    n->name = scout_strdup(name);
    n->dbt_name = scout_strdup(name);
    n->owner = scout_strdup(owner);
    n->description = scout_strdup(description);
    if (!n->source || !n->schema || !n->name || !n->dbt_name || !n->owner || !n->description)
        return scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    return SCOUT_OK;
}

scout_rc acme_adhoc_table(acme_ctx *c, const char *schema, const char *name, const char *owner,
                          const char *description, const char *sql)
{
    scout_rc rc = acme_execf(c, "CREATE TABLE \"%w\".\"%w\" AS %s", schema, name, sql);
    acme_node *n = rc ? NULL : new_node(c);
    if (!rc && !n) return scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    if (rc) return rc;
    n->adhoc = true;
    n->source = scout_strdup(c->source);
    n->schema = scout_strdup(schema);
    n->name = scout_strdup(name);
    n->dbt_name = scout_strdup(name);
    n->owner = scout_strdup(owner);
    n->description = scout_strdup(description);
    if (!n->source || !n->schema || !n->name || !n->dbt_name || !n->owner || !n->description)
        return scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    return SCOUT_OK;
}

/* Finds the model with dbt name `ref` in the current source. */
static const acme_node *find_ref(const acme_ctx *c, const char *ref, size_t len)
{
    for (size_t i = 0; i < c->n_nodes; i++) {
        const acme_node *n = &c->nodes[i];
        if (n->is_model && !strcmp(n->source, c->source) && strlen(n->dbt_name) == len &&
            !strncmp(n->dbt_name, ref, len))
            return n;
    }
    return NULL;
}

/* Reads the quoted arguments of ref('a') / source('a','b') starting at p. */
static int read_args(const char *p, const char *end, const char **a, size_t *alen, int max)
{
    int n = 0;
    while (p < end && n < max) {
        const char *q = memchr(p, '\'', (size_t)(end - p));
        if (!q) break;
        const char *e = memchr(q + 1, '\'', (size_t)(end - q - 1));
        if (!e) break;
        a[n] = q + 1;
        alen[n] = (size_t)(e - q - 1);
        n++;
        p = e + 1;
    }
    return n;
}

/* Renders one {{ ... }} tag into out (SQL) and deps (unique ids). */
static scout_rc render_tag(acme_ctx *c, const char *tag, const char *end, scout_buf *out,
                           scout_buf *deps)
{
    while (tag < end && *tag == ' ') tag++;
    const char *a[2];
    size_t al[2];
    if (!strncmp(tag, "ref(", 4) && read_args(tag, end, a, al, 1) == 1) {
        const acme_node *n = find_ref(c, a[0], al[0]);
        if (!n)
            return scout_err_set(c->err, SCOUT_EINTERNAL, "acme: unknown ref %.*s", (int)al[0],
                                 a[0]);
        scout_rc rc = scout_buf_printf(out, "%s.%s", n->schema, n->name);
        if (!rc) rc = scout_buf_printf(deps, "model.acme.%s\n", n->dbt_name);
        return rc;
    }
    if (!strncmp(tag, "source(", 7) && read_args(tag, end, a, al, 2) == 2) {
        /* Source names are "<warehouse>_<schema>", e.g. finance_raw → raw.<table>. */
        size_t sl = strlen(c->source);
        const char *schema = a[0];
        size_t schl = al[0];
        if (schl > sl + 1 && !strncmp(schema, c->source, sl) && schema[sl] == '_')
            schema += sl + 1, schl -= sl + 1;
        scout_rc rc = scout_buf_printf(out, "%.*s.%.*s", (int)schl, schema, (int)al[1], a[1]);
        if (!rc)
            rc = scout_buf_printf(deps, "source.acme.%.*s.%.*s\n", (int)al[0], a[0], (int)al[1],
                                  a[1]);
        return rc;
    }
    return SCOUT_OK; /* config(...) and other tags render to nothing */
}

static scout_rc render_sql(acme_ctx *c, const char *sql, scout_buf *out, scout_buf *deps)
{
    const char *p = sql;
    scout_rc rc = SCOUT_OK;
    while (!rc && *p) {
        const char *open = strstr(p, "{{");
        if (!open) return scout_buf_puts(out, p);
        const char *close = strstr(open, "}}");
        if (!close) return scout_err_set(c->err, SCOUT_EINTERNAL, "acme: unterminated tag");
        rc = scout_buf_append(out, p, (size_t)(open - p));
        if (!rc) rc = render_tag(c, open + 2, close, out, deps);
        p = close + 2;
        /* Drop the newline after a config() line so compiled code stays tidy. */
        if (!rc && !strncmp(open + 2, " config(", 8) && *p == '\n') p++;
    }
    return rc;
}

/* Indexes a model's single-column grain key (and an optional join column), as
 * the dbt post-hooks do, so downstream models join by lookup, not by scan. */
static scout_rc index_model(acme_ctx *c, const acme_model_def *m)
{
    scout_rc rc = SCOUT_OK;
    if (m->key && !strchr(m->key, ','))
        rc = acme_execf(c, "CREATE INDEX \"%w\".\"ix_%w_key\" ON \"%w\"(\"%w\")", m->schema,
                        m->name, m->name, m->key);
    return rc;
}

scout_rc acme_model(acme_ctx *c, const acme_model_def *m)
{
    scout_buf out = SCOUT_BUF_INIT, deps = SCOUT_BUF_INIT, ddl = SCOUT_BUF_INIT;
    scout_rc rc = render_sql(c, m->sql, &out, &deps);
    if (!rc)
        rc = scout_buf_printf(&ddl, "CREATE TABLE %s.%s AS %s", m->schema, m->name,
                              scout_buf_cstr(&out));
    if (!rc) rc = acme_exec(c, scout_buf_cstr(&ddl));
    if (!rc) rc = index_model(c, m);
    acme_node *n = rc ? NULL : new_node(c);
    if (!rc && !n) rc = scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    if (n) {
        n->is_model = true;
        n->source = scout_strdup(c->source);
        n->schema = scout_strdup(m->schema);
        n->name = scout_strdup(m->name);
        n->dbt_name = scout_strdup(m->dbt_name ? m->dbt_name : m->name);
        n->owner = scout_strdup(m->owner);
        n->description = scout_strdup(m->description);
        n->tags = dup_or_null(m->tags);
        n->key = dup_or_null(m->key);
        n->raw_code = scout_strdup(m->sql);
        n->compiled = scout_buf_take(&out);
        n->deps = scout_buf_take(&deps);
        if (!n->source || !n->schema || !n->name || !n->dbt_name || !n->owner || !n->description ||
            !n->raw_code || !n->compiled || !n->deps)
            rc = scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    }
    scout_buf_free(&out);
    scout_buf_free(&deps);
    scout_buf_free(&ddl);
    return rc;
}

/* Expression columns of CREATE TABLE AS have no declared type: take the
 * storage class of the first non-null value, as a warehouse crawler would. */
static const char *infer_type(acme_ctx *c, const acme_node *n, const char *col, char *out,
                              size_t len)
{
    char *sql = sqlite3_mprintf("SELECT upper(typeof(\"%w\")) FROM \"%w\".\"%w\" WHERE \"%w\" IS "
                                "NOT NULL LIMIT 1",
                                col, n->schema, n->name, col);
    sqlite3_stmt *st = NULL;
    scout_strlcpy(out, "TEXT", len);
    if (sql && sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        scout_strlcpy(out, (const char *)sqlite3_column_text(st, 0), len);
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return out;
}

/* Records a node's columns ("name\ttype\n") and row count from the database. */
static scout_rc describe_node(acme_ctx *c, acme_node *n)
{
    scout_buf cols = SCOUT_BUF_INIT;
    char *sql = sqlite3_mprintf("PRAGMA \"%w\".table_info(\"%w\")", n->schema, n->name);
    sqlite3_stmt *st = NULL;
    scout_rc rc = sql ? acme_prepare(c, sql, &st)
                      : scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(st, 1);
        const char *type = (const char *)sqlite3_column_text(st, 2);
        char inferred[16];
        if (!type || !*type) type = infer_type(c, n, col, inferred, sizeof inferred);
        rc = scout_buf_printf(&cols, "%s\t%s\n", col, type);
    }
    sqlite3_finalize(st);
    sqlite3_free(sql);
    free(n->columns);
    n->columns = scout_buf_take(&cols);
    if (!rc && !n->columns) rc = scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    char *q = rc ? NULL : sqlite3_mprintf("SELECT count(*) FROM \"%w\".\"%w\"", n->schema, n->name);
    if (q) rc = acme_query_int(c, q, &n->rows);
    sqlite3_free(q);
    return rc;
}

scout_rc acme_finish_source(acme_ctx *c)
{
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; !rc && i < c->n_nodes; i++) {
        acme_node *n = &c->nodes[i];
        if (strcmp(n->source, c->source)) continue;
        rc = describe_node(c, n);
        if (!rc) {
            c->stats->tables++;
            c->stats->rows += n->rows;
        }
    }
    return rc;
}

scout_rc acme_write_text(acme_ctx *c, const char *rel, const char *text, size_t len)
{
    char *path = scout_path_join(c->dir, rel);
    if (!path) return scout_err_set(c->err, SCOUT_ENOMEM, "acme: out of memory");
    char *slash = strrchr(path, '/');
    scout_rc rc = SCOUT_OK;
    if (slash) {
        *slash = '\0';
        rc = scout_mkdir_p(path, c->err);
        *slash = '/';
    }
    if (!rc) rc = scout_write_file_atomic(path, text, len, c->err);
    free(path);
    return rc;
}

static void free_nodes(acme_ctx *c)
{
    for (size_t i = 0; i < c->n_nodes; i++) {
        acme_node *n = &c->nodes[i];
        free(n->source);
        free(n->schema);
        free(n->name);
        free(n->dbt_name);
        free(n->description);
        free(n->owner);
        free(n->tags);
        free(n->raw_code);
        free(n->compiled);
        free(n->deps);
        free(n->columns);
        free(n->key);
    }
    free(c->nodes);
    c->nodes = NULL;
    c->n_nodes = c->cap_nodes = 0;
}

/* ---- Public API ------------------------------------------------------------ */

typedef struct acme_source_desc {
    const char *name;
    bool restricted;
    const char *description;
    const char *schemas[4];
} acme_source_desc;

static const acme_source_desc SOURCES[] = {
    {"finance",
     true,
     "Finance warehouse: customers, invoices, payments, refunds, revenue marts (restricted)",
     {"raw", "staging", "mart", "archive"}},
    {"product",
     false,
     "Product warehouse: accounts, subscriptions, users, feature events, engineering latency",
     {"raw", "analytics", "eng", "sandbox"}},
    {"crm",
     false,
     "Sales CRM and support: accounts, opportunities, owners, support tickets",
     {"raw", "mart", "support", NULL}},
};

scout_rc scout_acme_sources_yaml(const char *prefix, scout_buf *out)
{
    scout_rc rc = scout_buf_puts(out, "sources:\n");
    for (size_t i = 0; !rc && i < sizeof SOURCES / sizeof SOURCES[0]; i++) {
        const acme_source_desc *s = &SOURCES[i];
        rc = scout_buf_printf(out,
                              "  - name: %s\n    kind: sqlite\n    restricted: %s\n"
                              "    description: \"%s\"\n    schemas:\n",
                              s->name, s->restricted ? "true" : "false", s->description);
        for (int j = 0; !rc && j < 4 && s->schemas[j]; j++)
            rc = scout_buf_printf(out, "      %s: %s/%s/%s.db\n", s->schemas[j], prefix, s->name,
                                  s->schemas[j]);
    }
    return rc;
}

static int count_schemas(const acme_source_desc *s)
{
    int n = 0;
    while (n < 4 && s->schemas[n]) n++;
    return n;
}

typedef scout_rc (*acme_gen_fn)(acme_ctx *c);

static scout_rc gen_source(acme_ctx *c, const acme_source_desc *s, acme_gen_fn fn)
{
    acme_progress(c, s->name);
    scout_rc rc = acme_open_source(c, s->name, s->schemas, count_schemas(s));
    if (!rc) rc = fn(c);
    if (!rc) rc = acme_finish_source(c);
    scout_rc rc2 = acme_close_source(c);
    return rc ? rc : rc2;
}

static scout_rc write_config(acme_ctx *c)
{
    scout_buf y = SCOUT_BUF_INIT;
    scout_rc rc = scout_buf_puts(&y, "# Acme demo company: generated by scout_acme_generate.\n");
    if (!rc) rc = scout_acme_sources_yaml("warehouse", &y);
    if (!rc) rc = acme_write_text(c, "scout.yaml", scout_buf_cstr(&y), y.len);
    scout_buf_free(&y);
    return rc;
}

static scout_rc generate(acme_ctx *c)
{
    scout_rc rc = scout_mkdir_p(c->dir, c->err);
    if (!rc) rc = gen_source(c, &SOURCES[1], acme_gen_product);
    if (!rc) rc = gen_source(c, &SOURCES[0], acme_gen_finance);
    if (!rc) rc = gen_source(c, &SOURCES[2], acme_gen_crm);
    if (!rc) acme_progress(c, "dbt");
    if (!rc) rc = acme_write_dbt(c);
    if (!rc) acme_progress(c, "docs");
    if (!rc) rc = acme_write_docs(c);
    if (!rc) rc = acme_write_slack(c);
    if (!rc) rc = acme_write_dashboards(c);
    if (!rc) acme_progress(c, "query log");
    if (!rc) rc = acme_write_query_log(c);
    if (!rc) rc = acme_write_context(c);
    if (!rc) rc = write_config(c);
    return rc;
}

scout_rc scout_acme_generate(const char *dir, const scout_acme_opts *opts, scout_acme_stats *stats,
                             scout_err *err)
{
    scout_acme_stats local = {0};
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    if (!dir || !*dir) return scout_err_set(err, SCOUT_EUSER, "acme: no output directory");
    double t0 = scout_now_ms();
    acme_ctx c = {0};
    c.dir = dir;
    c.seed = opts ? opts->seed : SCOUT_ACME_DEFAULT_SEED;
    c.scale = opts && opts->scale > 0 ? opts->scale : 1.0;
    c.opts = opts;
    c.stats = stats;
    c.err = err;
    scout_rc rc = generate(&c);
    if (c.db) (void)acme_close_source(&c);
    free_nodes(&c);
    stats->elapsed_ms = scout_now_ms() - t0;
    return rc;
}
