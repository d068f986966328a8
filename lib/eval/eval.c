/* eval — suites, judging by execution, and the report. Results are held in
 * memory (bounded by the per-statement row and byte limits) and compared as
 * multisets of tuples; see eval.h and docs/eval.md for the rules. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "eval/eval.h"

#include <ctype.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "catalog/catalog.h"
#include "catalog/layers.h"
#include "catalog/sqlinfo.h"

/* A suite file larger than this is refused rather than read into memory. */
#define EVAL_SUITE_MAX ((size_t)256 << 20)
/* Longest single field we keep (a question or a gold SQL). */
#define EVAL_FIELD_MAX ((size_t)1 << 20)
/* Most tags or tables on one case. */
#define EVAL_LIST_MAX 64
/* Defaults for one statement when the caller gives no limits. */
#define EVAL_DEFAULT_ROWS    100000
#define EVAL_DEFAULT_BYTES   ((int64_t)64 << 20)
#define EVAL_DEFAULT_TIMEOUT 30000
/* Column permutations are searched only for results this narrow, and only
 * this many candidate permutations are tried: wider results rarely come back
 * reordered, and the search is factorial. */
#define EVAL_PERM_MAX_COLS  12
#define EVAL_PERM_MAX_TRIES 64
/* Above this many rows the quadratic tolerant matching is skipped. */
#define EVAL_GREEDY_MAX_ROWS 5000
/* Numeric tolerance: equal when within either bound. */
#define EVAL_REL_TOL 1e-6
#define EVAL_ABS_TOL 1e-9

/* ---- suites ------------------------------------------------------------- */

typedef struct ecase {
    scout_eval_case pub;
    char *id, *question, *gold_sql, *source;
    char **tables, **tags;
} ecase;

struct scout_eval_suite {
    ecase *cases;
    size_t n, cap;
    char *home;        /* Spider: throwaway home (removed on free) */
    scout_config *cfg; /* Spider: its config */
};

static scout_rc oom(scout_err *err)
{
    return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

static void ecase_free(ecase *e)
{
    free(e->id);
    free(e->question);
    free(e->gold_sql);
    free(e->source);
    free_list(e->tables, e->pub.n_tables);
    free_list(e->tags, e->pub.n_tags);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void scout_eval_suite_free(scout_eval_suite *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) ecase_free(&s->cases[i]);
    free(s->cases);
    scout_config_free(s->cfg);
    /* The home is ours alone (made by mkdtemp), so removing it is safe. */
    if (s->home) nftw(s->home, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(s->home);
    free(s);
}

size_t scout_eval_suite_count(const scout_eval_suite *s)
{
    return s ? s->n : 0;
}

const scout_eval_case *scout_eval_suite_case(const scout_eval_suite *s, size_t i)
{
    return i < s->n ? &s->cases[i].pub : NULL;
}

const char *scout_eval_suite_home(const scout_eval_suite *s)
{
    return s->home;
}

const scout_config *scout_eval_suite_config(const scout_eval_suite *s)
{
    return s->cfg;
}

/* A new zeroed case at the end of the suite. */
static ecase *suite_push(scout_eval_suite *s)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        ecase *p = realloc(s->cases, nc * sizeof *p);
        if (!p) return NULL;
        s->cases = p;
        s->cap = nc;
    }
    ecase *e = &s->cases[s->n++];
    memset(e, 0, sizeof *e);
    return e;
}

static char *lower_dup(const char *s)
{
    char *d = scout_strdup(s);
    for (char *p = d; p && *p; p++) *p = (char)tolower((unsigned char)*p);
    return d;
}

/* Strips identifier quotes ("x" or `x`) from a dotted name, lower-cased. */
static char *unquote_name(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (!d) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '"' && s[i] != '`' && s[i] != '[' && s[i] != ']')
            d[o++] = (char)tolower((unsigned char)s[i]);
    d[o] = '\0';
    return d;
}

/* A table name as source.schema.table: three parts are kept, schema.table
 * gets the source, a bare table gets source.main (SQLite's main schema). */
static char *qualify(const char *source, const char *written)
{
    char *name = unquote_name(written);
    if (!name) return NULL;
    int dots = 0;
    for (const char *p = name; *p; p++) dots += *p == '.';
    if (dots >= 2 || !source) return name;
    scout_buf b = SCOUT_BUF_INIT;
    scout_rc rc = scout_buf_printf(&b, "%s.%s%s", source, dots ? "" : "main.", name);
    free(name);
    if (rc) {
        scout_buf_free(&b);
        return NULL;
    }
    char *lsrc = scout_buf_take(&b);
    char *out = lower_dup(lsrc);
    free(lsrc);
    return out;
}

/* Adds name to the case's table list unless it is there already. */
static scout_rc add_table(ecase *e, char *name)
{
    for (size_t i = 0; i < e->pub.n_tables; i++)
        if (!strcmp(e->tables[i], name)) {
            free(name);
            return SCOUT_OK;
        }
    if (e->pub.n_tables >= EVAL_LIST_MAX) {
        free(name);
        return SCOUT_OK;
    }
    char **p = realloc(e->tables, (e->pub.n_tables + 1) * sizeof *p);
    if (!p) {
        free(name);
        return SCOUT_ENOMEM;
    }
    e->tables = p;
    e->tables[e->pub.n_tables++] = name;
    return SCOUT_OK;
}

/* The relations the gold SQL reads, qualified with the case's source. */
static scout_rc tables_from_sql(ecase *e, scout_err *err)
{
    scout_sql_info *info = NULL;
    scout_rc rc = scout_sqlinfo_analyze(e->gold_sql, &info, err);
    if (rc) return rc;
    for (size_t i = 0; !rc && i < info->n_rels; i++) {
        char *q = qualify(e->source, info->rels[i].name);
        rc = q ? add_table(e, q) : SCOUT_ENOMEM;
    }
    scout_sqlinfo_free(info);
    return rc ? scout_err_set(err, rc, "out of memory") : SCOUT_OK;
}

/* Publishes the owned strings through the case's public view. */
static void ecase_publish(ecase *e)
{
    e->pub.id = e->id;
    e->pub.question = e->question;
    e->pub.gold_sql = e->gold_sql;
    e->pub.source = e->source;
    e->pub.tables = (const char *const *)e->tables;
    e->pub.tags = (const char *const *)e->tags;
}

static scout_rc set_id(ecase *e, const char *file, const char *sep, size_t n)
{
    scout_buf b = SCOUT_BUF_INIT;
    const char *base = strrchr(file, '/');
    if (scout_buf_printf(&b, "%s:%s%zu", base ? base + 1 : file, sep, n)) {
        scout_buf_free(&b);
        return SCOUT_ENOMEM;
    }
    e->id = scout_buf_take(&b);
    return e->id ? SCOUT_OK : SCOUT_ENOMEM;
}

/* ---- JSONL -------------------------------------------------------------- */

/* A required non-empty string member. */
static scout_rc take_string(json_t *o, const char *key, char **out, const char *where,
                            scout_err *err)
{
    json_t *v = json_object_get(o, key);
    if (!v) return scout_err_set(err, SCOUT_EUSER, "%s: missing '%s'", where, key);
    if (!json_is_string(v) || json_string_length(v) == 0)
        return scout_err_set(err, SCOUT_EUSER, "%s: '%s' must be a non-empty string", where, key);
    if (json_string_length(v) > EVAL_FIELD_MAX)
        return scout_err_set(err, SCOUT_EUSER, "%s: '%s' is too long", where, key);
    *out = scout_strdup(json_string_value(v));
    return *out ? SCOUT_OK : oom(err);
}

/* An optional array of non-empty strings; lower-cased, qualified when source. */
static scout_rc take_list(json_t *o, const char *key, const char *source, char ***out, size_t *n,
                          const char *where, scout_err *err)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return SCOUT_OK;
    if (!json_is_array(v) || json_array_size(v) > EVAL_LIST_MAX)
        return scout_err_set(err, SCOUT_EUSER, "%s: '%s' must be an array of at most %d strings",
                             where, key, EVAL_LIST_MAX);
    size_t len = json_array_size(v);
    *out = calloc(len ? len : 1, sizeof **out);
    if (!*out) return oom(err);
    for (size_t i = 0; i < len; i++) {
        json_t *it = json_array_get(v, i);
        if (!json_is_string(it) || json_string_length(it) == 0)
            return scout_err_set(err, SCOUT_EUSER, "%s: '%s' must hold non-empty strings", where,
                                 key);
        const char *s = json_string_value(it);
        (*out)[i] = source ? qualify(source, s) : lower_dup(s);
        if (!(*out)[i]) return oom(err);
        *n = i + 1;
    }
    return SCOUT_OK;
}

static const char *const JSONL_KEYS[] = {"question", "gold_sql", "source", "tables",
                                         "tags",     "id",       "notes",  NULL};

/* Unknown keys are errors: a typo ("gold" for "gold_sql") must not silently
 * drop a field. "id" and "notes" are accepted for the suite author's use. */
static scout_rc check_keys(json_t *o, const char *where, scout_err *err)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        (void)v;
        bool known = false;
        for (size_t i = 0; JSONL_KEYS[i] && !known; i++) known = !strcmp(k, JSONL_KEYS[i]);
        if (!known) return scout_err_set(err, SCOUT_EUSER, "%s: unknown key '%s'", where, k);
    }
    return SCOUT_OK;
}

static scout_rc jsonl_case(scout_eval_suite *s, const char *file, size_t line, const char *text,
                           size_t len, scout_err *err)
{
    char where[512];
    snprintf(where, sizeof where, "%s:%zu", file, line);
    json_error_t je;
    json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!o) return scout_err_set(err, SCOUT_EUSER, "%s: invalid JSON: %s", where, je.text);
    scout_rc rc = SCOUT_OK;
    if (!json_is_object(o)) rc = scout_err_set(err, SCOUT_EUSER, "%s: expected an object", where);
    ecase *e = rc ? NULL : suite_push(s);
    if (!rc && !e) rc = oom(err);
    if (!rc) rc = check_keys(o, where, err);
    if (!rc) rc = take_string(o, "question", &e->question, where, err);
    if (!rc) rc = take_string(o, "gold_sql", &e->gold_sql, where, err);
    if (!rc) rc = take_string(o, "source", &e->source, where, err);
    if (!rc) rc = take_list(o, "tables", e->source, &e->tables, &e->pub.n_tables, where, err);
    if (!rc) rc = take_list(o, "tags", NULL, &e->tags, &e->pub.n_tags, where, err);
    if (!rc) rc = set_id(e, file, "", line) ? oom(err) : SCOUT_OK;
    if (!rc && e->pub.n_tables == 0) rc = tables_from_sql(e, err);
    if (e) ecase_publish(e);
    json_decref(o);
    return rc;
}

static bool blank_or_comment(const char *p, const char *end)
{
    while (p < end && isspace((unsigned char)*p)) p++;
    return p == end || *p == '#';
}

scout_rc scout_eval_load_jsonl(const char *path, scout_eval_suite **out, scout_err *err)
{
    *out = NULL;
    scout_buf b;
    scout_buf_init(&b, EVAL_SUITE_MAX);
    scout_rc rc = scout_buf_read_file(&b, path, err);
    if (rc) {
        scout_buf_free(&b);
        return scout_err_prefix(err, "%s", path);
    }
    scout_eval_suite *s = calloc(1, sizeof *s);
    if (!s) {
        scout_buf_free(&b);
        return oom(err);
    }
    const char *p = scout_buf_cstr(&b), *end = p + b.len;
    for (size_t line = 1; !rc && p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        if (!blank_or_comment(p, eol)) rc = jsonl_case(s, path, line, p, (size_t)(eol - p), err);
        p = nl ? nl + 1 : end;
    }
    scout_buf_free(&b);
    if (!rc && s->n == 0) rc = scout_err_set(err, SCOUT_EUSER, "%s: no questions", path);
    if (rc) {
        scout_eval_suite_free(s);
        return rc;
    }
    *out = s;
    return SCOUT_OK;
}

/* ---- Spider ------------------------------------------------------------- */

static json_t *load_json_file(const char *path, scout_err *err)
{
    json_error_t je;
    json_t *v = json_load_file(path, 0, &je);
    if (!v)
        scout_err_set(err, SCOUT_EUSER, "%s:%d: invalid JSON: %s", path, je.line > 0 ? je.line : 0,
                      je.text);
    return v;
}

/* Finds the questions file of a Spider directory (or takes the file given). */
static scout_rc spider_paths(const char *path, char **dir, char **questions, scout_err *err)
{
    static const char *const NAMES[] = {"dev.json", "questions.json", "test.json",
                                        "train_spider.json", NULL};
    if (!scout_path_is_dir(path)) {
        *questions = scout_strdup(path);
        *dir = scout_strdup(path);
        if (!*questions || !*dir) return oom(err);
        char *slash = strrchr(*dir, '/');
        if (slash)
            *slash = '\0';
        else
            scout_strlcpy(*dir, ".", strlen(*dir) + 1);
        return SCOUT_OK;
    }
    *dir = scout_strdup(path);
    for (size_t i = 0; NAMES[i]; i++) {
        char *q = scout_path_join(path, NAMES[i]);
        if (q && scout_path_exists(q)) {
            *questions = q;
            return SCOUT_OK;
        }
        free(q);
    }
    return scout_err_set(err, SCOUT_EUSER,
                         "%s: no questions file (dev.json, questions.json, test.json or "
                         "train_spider.json)",
                         path);
}

/* The db_ids tables.json declares (Spider's schema file). */
static scout_rc spider_db_ids(const char *dir, json_t **ids, scout_err *err)
{
    char *tp = scout_path_join(dir, "tables.json");
    if (!tp) return oom(err);
    json_t *t = scout_path_exists(tp) ? load_json_file(tp, err) : NULL;
    if (!t && !scout_path_exists(tp)) scout_err_set(err, SCOUT_EUSER, "%s: not found", tp);
    scout_rc rc = t ? SCOUT_OK : SCOUT_EUSER;
    if (t && !json_is_array(t)) rc = scout_err_set(err, SCOUT_EUSER, "%s: expected an array", tp);
    *ids = json_object();
    size_t i;
    json_t *db;
    if (!rc) json_array_foreach(t, i, db)
        {
            const char *id = json_string_value(json_object_get(db, "db_id"));
            if (!id) {
                rc = scout_err_set(err, SCOUT_EUSER, "%s: entry %zu has no db_id", tp, i);
                break;
            }
            json_object_set_new(*ids, id, json_false()); /* false = not used yet */
        }
    json_decref(t);
    free(tp);
    return rc;
}

static scout_rc spider_case(scout_eval_suite *s, const char *qfile, size_t i, json_t *q,
                            json_t *ids, scout_err *err)
{
    char where[512];
    snprintf(where, sizeof where, "%s: question #%zu", qfile, i);
    const char *db = json_string_value(json_object_get(q, "db_id"));
    if (!db) return scout_err_set(err, SCOUT_EUSER, "%s: missing 'db_id'", where);
    if (!json_object_get(ids, db))
        return scout_err_set(err, SCOUT_EUSER, "%s: db_id '%s' is not in tables.json", where, db);
    json_object_set_new(ids, db, json_true());
    ecase *e = suite_push(s);
    if (!e) return oom(err);
    scout_rc rc = take_string(q, "question", &e->question, where, err);
    if (!rc) rc = take_string(q, "query", &e->gold_sql, where, err);
    if (!rc) rc = (e->source = scout_strdup(db)) ? SCOUT_OK : oom(err);
    if (!rc) rc = set_id(e, qfile, "#", i) ? oom(err) : SCOUT_OK;
    if (!rc) rc = tables_from_sql(e, err);
    if (!rc && (e->tags = calloc(1, sizeof *e->tags)) && (e->tags[0] = scout_strdup(db)))
        e->pub.n_tags = 1;
    ecase_publish(e);
    return rc;
}

/* scout.yaml for the throwaway home: one sqlite source per database used. */
static scout_rc spider_config_yaml(const char *dir, json_t *ids, scout_buf *y, scout_err *err)
{
    scout_rc rc =
        scout_buf_puts(y, "# generated by scout eval for a Spider-style suite\nsources:\n");
    const char *id;
    json_t *used;
    json_object_foreach(ids, id, used)
    {
        if (!json_is_true(used) || rc) continue;
        scout_buf rel = SCOUT_BUF_INIT;
        rc = scout_buf_printf(&rel, "database/%s/%s.sqlite", id, id);
        char *db = rc ? NULL : scout_path_join(dir, scout_buf_cstr(&rel));
        scout_buf_free(&rel);
        if (!db) return oom(err);
        if (!scout_path_exists(db)) {
            rc = scout_err_set(err, SCOUT_EUSER, "%s: database file not found", db);
        } else if (strchr(db, '"') || strchr(db, '\\') || strchr(db, '\n')) {
            rc = scout_err_set(err, SCOUT_EUSER, "%s: unsupported characters in path", db);
        } else {
            rc = scout_buf_printf(y, "  - name: %s\n    kind: sqlite\n    path: \"%s\"\n", id, db);
        }
        free(db);
    }
    return rc;
}

/* Makes the throwaway home, writes its config and indexes the schema layer. */
static scout_rc spider_home(scout_eval_suite *s, const char *dir, json_t *ids, const char *work_dir,
                            scout_err *err)
{
    const char *tmp = work_dir ? work_dir : getenv("TMPDIR");
    char *tmpl = scout_path_join(tmp && *tmp ? tmp : "/tmp", "scout-eval-XXXXXX");
    if (!tmpl) return oom(err);
    if (!mkdtemp(tmpl)) {
        scout_rc rc = scout_err_set(err, SCOUT_EIO, "%s: cannot create a temporary home", tmpl);
        free(tmpl);
        return rc;
    }
    s->home = tmpl;
    scout_buf y = SCOUT_BUF_INIT;
    scout_rc rc = spider_config_yaml(dir, ids, &y, err);
    char *cfg_path = rc ? NULL : scout_path_join(s->home, "scout.yaml");
    char *cat_path = rc ? NULL : scout_path_join(s->home, "catalog.db");
    if (!rc && (!cfg_path || !cat_path)) rc = oom(err);
    if (!rc) rc = scout_write_file_atomic(cfg_path, y.data, y.len, err);
    if (!rc) rc = scout_config_parse(scout_buf_cstr(&y), y.len, cfg_path, &s->cfg, err);
    scout_catalog *cat = NULL;
    if (!rc) rc = scout_catalog_open(cat_path, &cat, err);
    scout_index_report rep;
    if (!rc)
        rc = scout_layers_index(cat, s->cfg, NULL, 1u << SCOUT_LAYER_SCHEMA, NULL, NULL, &rep, err);
    scout_catalog_close(cat);
    scout_buf_free(&y);
    free(cfg_path);
    free(cat_path);
    return rc;
}

scout_rc scout_eval_load_spider(const char *path, const char *work_dir, scout_eval_suite **out,
                                scout_err *err)
{
    *out = NULL;
    char *dir = NULL, *qfile = NULL;
    json_t *ids = NULL, *qs = NULL;
    scout_eval_suite *s = calloc(1, sizeof *s);
    scout_rc rc = s ? spider_paths(path, &dir, &qfile, err) : oom(err);
    if (!rc) rc = spider_db_ids(dir, &ids, err);
    if (!rc && !(qs = load_json_file(qfile, err))) rc = SCOUT_EUSER;
    if (!rc && !json_is_array(qs))
        rc = scout_err_set(err, SCOUT_EUSER, "%s: expected an array of questions", qfile);
    size_t i;
    json_t *q;
    if (!rc) json_array_foreach(qs, i, q)
        {
            rc = spider_case(s, qfile, i, q, ids, err);
            if (rc) break;
        }
    if (!rc && s->n == 0) rc = scout_err_set(err, SCOUT_EUSER, "%s: no questions", qfile);
    if (!rc) rc = spider_home(s, dir, ids, work_dir, err);
    json_decref(ids);
    json_decref(qs);
    free(dir);
    free(qfile);
    if (rc) {
        scout_eval_suite_free(s);
        return rc;
    }
    *out = s;
    return SCOUT_OK;
}

scout_rc scout_eval_load(const char *path, const char *work_dir, scout_eval_suite **out,
                         scout_err *err)
{
    if (!scout_path_exists(path)) {
        *out = NULL;
        return scout_err_set(err, SCOUT_EUSER, "%s: no such file or directory", path);
    }
    if (scout_path_is_dir(path)) return scout_eval_load_spider(path, work_dir, out, err);
    size_t n = strlen(path);
    bool spider_file = n > 5 && !strcmp(path + n - 5, ".json");
    return spider_file ? scout_eval_load_spider(path, work_dir, out, err)
                       : scout_eval_load_jsonl(path, out, err);
}

/* ---- results in memory -------------------------------------------------- */

typedef struct ecell {
    scout_val_type type;
    int64_t i;
    double d;
    char *s; /* text/blob bytes (owned) */
    size_t len;
} ecell;

struct scout_eval_table {
    int ncols;
    ecell *cells; /* nrows * ncols, row-major */
    size_t nrows, cap;
    bool failed; /* out of memory while collecting */
};

void scout_eval_table_free(scout_eval_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++) free(t->cells[i].s);
    free(t->cells);
    free(t);
}

size_t scout_eval_table_rows(const scout_eval_table *t)
{
    return t ? t->nrows : 0;
}

static scout_rc on_header(void *ud, int ncols, const char *const *names)
{
    (void)names; /* column names are ignored by the comparison */
    ((scout_eval_table *)ud)->ncols = ncols;
    return SCOUT_OK;
}

static int on_row(void *ud, int ncols, const scout_value *vals)
{
    scout_eval_table *t = ud;
    if (ncols != t->ncols) t->ncols = ncols;
    size_t need = (t->nrows + 1) * (size_t)ncols;
    if (need > t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 64;
        while (nc < need) nc *= 2;
        ecell *p = realloc(t->cells, nc * sizeof *p);
        if (!p) {
            t->failed = true;
            return 1;
        }
        t->cells = p;
        t->cap = nc;
    }
    ecell *row = &t->cells[t->nrows * (size_t)ncols];
    for (int c = 0; c < ncols; c++) {
        ecell *e = &row[c];
        *e = (ecell){vals[c].type, vals[c].i, vals[c].d, NULL, vals[c].len};
        if (vals[c].type == SCOUT_VAL_TEXT || vals[c].type == SCOUT_VAL_BLOB) {
            e->s = malloc(vals[c].len + 1);
            if (!e->s) {
                for (int k = 0; k < c; k++) free(row[k].s);
                t->failed = true;
                return 1;
            }
            if (vals[c].len) memcpy(e->s, vals[c].s, vals[c].len);
            e->s[vals[c].len] = '\0';
        }
    }
    t->nrows++;
    return 0;
}

scout_rc scout_eval_table_query(scout_wh *wh, const char *sql, const scout_wh_limits *lim,
                                scout_eval_table **out, scout_err *err)
{
    *out = NULL;
    scout_eval_table *t = calloc(1, sizeof *t);
    if (!t) return oom(err);
    scout_wh_qstats st;
    scout_rc rc = scout_wh_query(wh, sql, lim, on_header, on_row, t, &st, err);
    if (!rc && t->failed) rc = oom(err);
    if (rc) {
        scout_eval_table_free(t);
        return rc;
    }
    *out = t;
    return SCOUT_OK;
}

/* ---- ORDER BY detection ------------------------------------------------- */

/* Skips a string literal, quoted identifier or comment starting at p;
 * returns p unchanged when none starts there. */
static const char *skip_quoted(const char *p)
{
    if (*p == '\'' || *p == '"' || *p == '`') {
        char q = *p++;
        while (*p && !(*p == q && p[1] != q)) p += (*p == q) ? 2 : 1;
        return *p ? p + 1 : p;
    }
    if (p[0] == '-' && p[1] == '-') {
        while (*p && *p != '\n') p++;
        return p;
    }
    if (p[0] == '/' && p[1] == '*') {
        const char *e = strstr(p + 2, "*/");
        return e ? e + 2 : p + strlen(p);
    }
    return p;
}

static bool word_at(const char *p, const char *start, const char *w)
{
    size_t n = strlen(w);
    if (strncasecmp(p, w, n) != 0) return false;
    bool left = p == start || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
    bool right = !(isalnum((unsigned char)p[n]) || p[n] == '_');
    return left && right;
}

bool scout_eval_sql_orders(const char *sql)
{
    int depth = 0;
    for (const char *p = sql; *p;) {
        const char *q = skip_quoted(p);
        if (q != p) {
            p = q;
            continue;
        }
        if (*p == '(') depth++;
        if (*p == ')' && depth > 0) depth--;
        if (depth == 0 && word_at(p, sql, "order")) {
            const char *r = p + 5;
            while (isspace((unsigned char)*r)) r++;
            if (word_at(r, sql, "by")) return true;
        }
        p++;
    }
    return false;
}

/* ---- comparison --------------------------------------------------------- */

static bool is_num(const ecell *c)
{
    return c->type == SCOUT_VAL_INT || c->type == SCOUT_VAL_REAL;
}

static double num_of(const ecell *c)
{
    return c->type == SCOUT_VAL_INT ? (double)c->i : c->d;
}

static bool cell_eq(const ecell *a, const ecell *b)
{
    if (a->type == SCOUT_VAL_NULL || b->type == SCOUT_VAL_NULL)
        return a->type == SCOUT_VAL_NULL && b->type == SCOUT_VAL_NULL;
    if (is_num(a) && is_num(b)) {
        /* Two ints compare exactly: beyond 2^53 doubles would merge them. */
        if (a->type == SCOUT_VAL_INT && b->type == SCOUT_VAL_INT) return a->i == b->i;
        double x = num_of(a), y = num_of(b);
        if (x == y) return true;
        double diff = fabs(x - y), scale = fmax(fabs(x), fabs(y));
        return diff <= EVAL_ABS_TOL || diff <= EVAL_REL_TOL * scale;
    }
    if (is_num(a) || is_num(b)) return false;
    return a->len == b->len && (a->len == 0 || memcmp(a->s, b->s, a->len) == 0);
}

/* A total order used to sort rows before the pairwise multiset check:
 * NULL < numbers < text/blob. */
static int cell_cmp(const ecell *a, const ecell *b)
{
    int ra = a->type == SCOUT_VAL_NULL ? 0 : is_num(a) ? 1 : 2;
    int rb = b->type == SCOUT_VAL_NULL ? 0 : is_num(b) ? 1 : 2;
    if (ra != rb) return ra < rb ? -1 : 1;
    if (ra == 0) return 0;
    if (ra == 1) {
        double x = num_of(a), y = num_of(b);
        return x < y ? -1 : x > y ? 1 : 0;
    }
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->s, b->s, n) : 0;
    return c ? c : a->len < b->len ? -1 : a->len > b->len ? 1 : 0;
}

/* One row as seen through a column mapping (cols[i] = source column of
 * output column i), so permutations need no copying and sorting needs no
 * global state: each sortable element carries its own mapping. */
typedef struct srow {
    const ecell *cells;
    const int *cols;
    int ncols;
} srow;

typedef struct rowview {
    srow *rows;
} rowview;

static const ecell *cell_at(const rowview *v, size_t r, int c)
{
    return &v->rows[r].cells[v->rows[r].cols[c]];
}

static int row_cmp(const void *pa, const void *pb)
{
    const srow *a = pa, *b = pb;
    for (int c = 0; c < a->ncols; c++) {
        int r = cell_cmp(&a->cells[a->cols[c]], &b->cells[b->cols[c]]);
        if (r) return r;
    }
    return 0;
}

static bool rows_eq(const rowview *a, size_t ra, const rowview *b, size_t rb, int ncols)
{
    for (int c = 0; c < ncols; c++)
        if (!cell_eq(cell_at(a, ra, c), cell_at(b, rb, c))) return false;
    return true;
}

static void put_cell(scout_buf *b, const ecell *c)
{
    switch (c->type) {
    case SCOUT_VAL_NULL:
        scout_buf_puts(b, "NULL");
        break;
    case SCOUT_VAL_INT:
        scout_buf_printf(b, "%lld", (long long)c->i);
        break;
    case SCOUT_VAL_REAL:
        scout_buf_printf(b, "%.10g", c->d);
        break;
    case SCOUT_VAL_BLOB:
        scout_buf_printf(b, "<blob %zu bytes>", c->len);
        break;
    default:
        scout_buf_printf(b, "'%.*s%s'", (int)(c->len > 40 ? 40 : c->len), c->s,
                         c->len > 40 ? "..." : "");
    }
}

static void put_row(scout_buf *b, const rowview *v, size_t r, int ncols)
{
    scout_buf_putc(b, '(');
    for (int c = 0; c < ncols && c < 8; c++) {
        if (c) scout_buf_puts(b, ", ");
        put_cell(b, cell_at(v, r, c));
    }
    if (ncols > 8) scout_buf_puts(b, ", ...");
    scout_buf_putc(b, ')');
}

static void set_why(char *why, size_t size, const scout_buf *b)
{
    if (why && size) scout_strlcpy(why, scout_buf_cstr(b), size);
}

/* Tolerant multiset match when sorting put near-equal numbers on different
 * sides of a neighbour: each gold row takes the first unused equal row. */
static bool greedy_match(const rowview *g, const rowview *p, size_t n, int ncols, size_t *missing)
{
    bool *used = calloc(n ? n : 1, sizeof *used);
    if (!used) return false;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        bool found = false;
        for (size_t j = 0; j < n && !found; j++)
            if (!used[j] && rows_eq(g, i, p, j, ncols)) found = used[j] = true;
        if (!found) {
            ok = false;
            *missing = i;
        }
    }
    free(used);
    return ok;
}

/* The rows of t read through cols (ncols wide); NULL on memory exhaustion. */
static srow *row_view(const scout_eval_table *t, const int *cols, int ncols)
{
    srow *r = malloc((t->nrows ? t->nrows : 1) * sizeof *r);
    for (size_t i = 0; r && i < t->nrows; i++)
        r[i] = (srow){&t->cells[i * (size_t)t->ncols], cols, ncols};
    return r;
}

static void sort_view(rowview *v, size_t nrows)
{
    if (nrows > 1) qsort(v->rows, nrows, sizeof *v->rows, row_cmp);
}

/* Compares gold with pred read through the column mapping pcols. */
static bool compare_mapped(const scout_eval_table *gold, const scout_eval_table *pred,
                           const int *pcols, bool ordered, scout_buf *why)
{
    int ncols = gold->ncols > 0 ? gold->ncols : 0;
    int *gcols = calloc((size_t)ncols + 1, sizeof *gcols);
    for (int c = 0; gcols && c < ncols; c++) gcols[c] = c;
    rowview g = {row_view(gold, gcols, ncols)}, p = {row_view(pred, pcols, ncols)};
    bool ok = gcols && g.rows && p.rows;
    if (ok && !ordered) {
        sort_view(&g, gold->nrows);
        sort_view(&p, pred->nrows);
    }
    size_t first_diff = SIZE_MAX;
    for (size_t r = 0; ok && r < gold->nrows && first_diff == SIZE_MAX; r++)
        if (!rows_eq(&g, r, &p, r, ncols)) first_diff = r;
    bool equal = ok && first_diff == SIZE_MAX;
    size_t missing = 0;
    if (ok && !equal && !ordered && gold->nrows <= EVAL_GREEDY_MAX_ROWS) {
        equal = greedy_match(&g, &p, gold->nrows, ncols, &missing);
        if (!equal) first_diff = missing;
    }
    if (ok && !equal && why) {
        scout_buf_reset(why);
        if (ordered) {
            scout_buf_printf(why, "row %zu: gold ", first_diff + 1);
            put_row(why, &g, first_diff, ncols);
            scout_buf_puts(why, " vs predicted ");
            put_row(why, &p, first_diff, ncols);
        } else {
            scout_buf_puts(why, "gold row ");
            put_row(why, &g, first_diff, ncols);
            scout_buf_puts(why, " is not in the predicted result");
        }
    }
    free(gcols);
    free(g.rows);
    free(p.rows);
    return equal;
}

/* Column c of pred "could be" column g of gold when the two columns hold the
 * same multiset of values (a necessary condition for a permutation match). */
static bool column_matches(const scout_eval_table *gold, int gc, const scout_eval_table *pred,
                           int pc)
{
    int one_g[1] = {gc}, one_p[1] = {pc};
    rowview g = {row_view(gold, one_g, 1)}, p = {row_view(pred, one_p, 1)};
    bool ok = g.rows && p.rows;
    if (ok) {
        sort_view(&g, gold->nrows);
        sort_view(&p, pred->nrows);
        for (size_t r = 0; ok && r < gold->nrows; r++) ok = rows_eq(&g, r, &p, r, 1);
    }
    free(g.rows);
    free(p.rows);
    return ok;
}

typedef struct perm_search {
    const scout_eval_table *gold, *pred;
    bool ordered;
    const bool *fits; /* fits[g * ncols + p] */
    int *map;         /* map[g] = pred column */
    bool *taken;
    int tries;
} perm_search;

/* Backtracking over column assignments that pass column_matches; each
 * complete assignment is checked as a whole. */
static bool perm_try(perm_search *s, int gcol)
{
    int ncols = s->gold->ncols;
    if (gcol == ncols) {
        if (++s->tries > EVAL_PERM_MAX_TRIES) return false;
        return compare_mapped(s->gold, s->pred, s->map, s->ordered, NULL);
    }
    for (int pc = 0; pc < ncols && s->tries <= EVAL_PERM_MAX_TRIES; pc++) {
        if (s->taken[pc] || !s->fits[gcol * ncols + pc]) continue;
        s->taken[pc] = true;
        s->map[gcol] = pc;
        if (perm_try(s, gcol + 1)) return true;
        s->taken[pc] = false;
    }
    return false;
}

static bool compare_permuted(const scout_eval_table *gold, const scout_eval_table *pred,
                             bool ordered)
{
    int n = gold->ncols;
    if (n < 2 || n > EVAL_PERM_MAX_COLS) return false;
    size_t un = (size_t)n;
    bool *fits = calloc(un * un, sizeof *fits);
    int *map = calloc(un, sizeof *map);
    bool *taken = calloc(un, sizeof *taken);
    bool ok = false;
    if (fits && map && taken) {
        for (int g = 0; g < n; g++)
            for (int p = 0; p < n; p++) fits[g * n + p] = column_matches(gold, g, pred, p);
        perm_search s = {gold, pred, ordered, fits, map, taken, 0};
        ok = perm_try(&s, 0);
    }
    free(fits);
    free(map);
    free(taken);
    return ok;
}

bool scout_eval_tables_equal(const scout_eval_table *gold, const scout_eval_table *pred,
                             bool ordered, char *why, size_t why_size)
{
    scout_buf b;
    scout_buf_init(&b, 4096);
    bool equal = false;
    if (gold->ncols != pred->ncols) {
        scout_buf_printf(&b, "predicted %d columns, gold has %d", pred->ncols, gold->ncols);
    } else if (gold->nrows != pred->nrows) {
        scout_buf_printf(&b, "predicted %zu rows, gold has %zu", pred->nrows, gold->nrows);
    } else {
        int *ident = malloc((size_t)(gold->ncols > 0 ? gold->ncols + 1 : 1) * sizeof *ident);
        for (int c = 0; ident && c < gold->ncols; c++) ident[c] = c;
        equal = ident && compare_mapped(gold, pred, ident, ordered, &b);
        if (!equal && ident) equal = compare_permuted(gold, pred, ordered);
        free(ident);
    }
    if (!equal) set_why(why, why_size, &b);
    scout_buf_free(&b);
    return equal;
}

/* ---- running a suite ---------------------------------------------------- */

void scout_eval_prediction_clear(scout_eval_prediction *p)
{
    if (!p) return;
    free(p->sql);
    free_list(p->tables, p->n_tables);
    free(p->note);
    memset(p, 0, sizeof *p);
}

/* Open connections, one per source, opened on first use. */
typedef struct conn_pool {
    const scout_config *cfg;
    scout_wh **wh; /* parallel to cfg->sources */
} conn_pool;

static scout_rc pool_get(conn_pool *pool, const char *source, scout_wh **out, scout_err *err)
{
    for (size_t i = 0; i < pool->cfg->n_sources; i++) {
        if (strcmp(pool->cfg->sources[i].name, source) != 0) continue;
        if (!pool->wh[i]) {
            scout_rc rc = scout_wh_open(&pool->cfg->sources[i], &pool->wh[i], err);
            if (rc) return scout_err_prefix(err, "source %s", source);
        }
        *out = pool->wh[i];
        return SCOUT_OK;
    }
    return scout_err_set(err, SCOUT_ENOTFOUND, "source '%s' is not configured", source);
}

static void pool_close(conn_pool *pool)
{
    for (size_t i = 0; pool->wh && i < pool->cfg->n_sources; i++) scout_wh_close(pool->wh[i]);
    free(pool->wh);
}

typedef struct run_ctx {
    const scout_config *cfg;
    conn_pool pool;
    scout_wh_limits lim;
    int recall_k;
    scout_eval_predict_fn predict;
    void *ud;
} run_ctx;

static bool has_tag(const scout_eval_case *c, const char *tag)
{
    for (size_t i = 0; i < c->n_tags; i++)
        if (!strcasecmp(c->tags[i], tag)) return true;
    return false;
}

/* Every gold table is among the first k candidates (qualified with the
 * case's source when written schema.table). */
static bool recall_hit(const scout_eval_case *c, const scout_eval_prediction *p, int k)
{
    if (c->n_tables == 0) return false;
    size_t top = p->n_tables < (size_t)k ? p->n_tables : (size_t)k;
    for (size_t g = 0; g < c->n_tables; g++) {
        bool found = false;
        for (size_t i = 0; i < top && !found; i++) {
            char *q = p->tables[i] ? qualify(c->source, p->tables[i]) : NULL;
            found = q && !strcmp(q, c->tables[g]);
            free(q);
        }
        if (!found) return false;
    }
    return true;
}

static void set_detail(scout_eval_result *r, scout_eval_outcome o, const char *what)
{
    r->outcome = o;
    free(r->detail);
    r->detail = scout_strdup(what);
}

/* Runs the predicted SQL and judges it against gold. */
static void judge(run_ctx *x, scout_wh *wh, const scout_eval_case *c, const scout_eval_table *gold,
                  const char *sql, scout_eval_result *r)
{
    scout_err e = {0};
    scout_eval_table *pred = NULL;
    scout_rc rc = scout_eval_table_query(wh, sql, &x->lim, &pred, &e);
    if (rc == SCOUT_ETIMEOUT) {
        set_detail(r, SCOUT_EVAL_TIMEOUT, e.msg);
    } else if (rc) {
        set_detail(r, SCOUT_EVAL_PRED_SQL_ERROR, e.msg);
    } else {
        char why[1024];
        if (scout_eval_tables_equal(gold, pred, scout_eval_sql_orders(c->gold_sql), why,
                                    sizeof why))
            r->outcome = SCOUT_EVAL_PASS;
        else
            set_detail(r, SCOUT_EVAL_WRONG_RESULT, why);
    }
    scout_eval_table_free(pred);
}

/* Calls the predictor, timing it. Fatal errors are returned; others are
 * recorded on the result. */
static scout_rc predict_case(run_ctx *x, const scout_eval_case *c, scout_eval_prediction *p,
                             scout_eval_result *r, scout_err *err)
{
    scout_err pe = {0};
    double t0 = scout_now_ms();
    scout_rc rc = x->predict(x->ud, c, p, &pe);
    double took = scout_now_ms() - t0;
    r->latency_ms = p->latency_ms > 0 ? p->latency_ms : took;
    r->confidence = p->confidence;
    if (rc == SCOUT_EINTERRUPTED || rc == SCOUT_ENOMEM) {
        *err = pe;
        return rc;
    }
    if (rc) set_detail(r, SCOUT_EVAL_PREDICTOR_ERROR, pe.msg[0] ? pe.msg : scout_rc_name(rc));
    return SCOUT_OK;
}

static scout_rc run_case(run_ctx *x, const scout_eval_case *c, scout_eval_result *r, scout_err *err)
{
    *r = (scout_eval_result){.c = c, .latency_ms = -1, .gold_rows = -1};
    scout_err e = {0};
    scout_wh *wh = NULL;
    scout_eval_table *gold = NULL;
    scout_rc rc = pool_get(&x->pool, c->source, &wh, &e);
    if (rc == SCOUT_ENOTFOUND) {
        set_detail(r, SCOUT_EVAL_SUITE_ERROR, e.msg);
        return SCOUT_OK;
    }
    if (rc) {
        *err = e;
        return rc;
    }
    if (scout_eval_table_query(wh, c->gold_sql, &x->lim, &gold, &e)) {
        scout_buf b = SCOUT_BUF_INIT;
        scout_buf_printf(&b, "gold sql failed: %s", e.msg);
        set_detail(r, SCOUT_EVAL_SUITE_ERROR, scout_buf_cstr(&b));
        scout_buf_free(&b);
        return SCOUT_OK;
    }
    r->gold_rows = (int64_t)gold->nrows;
    if (!x->predict) {
        scout_eval_table_free(gold);
        return SCOUT_OK;
    }
    scout_eval_prediction p = {0};
    rc = predict_case(x, c, &p, r, err);
    if (!rc) {
        r->table_hit = recall_hit(c, &p, x->recall_k);
        r->predicted_sql = scout_strdup(p.sql);
        if (r->outcome == SCOUT_EVAL_PASS && !p.sql)
            set_detail(r, SCOUT_EVAL_NO_PREDICTION,
                       p.note ? p.note : "no sql (no answer or a clarification)");
        else if (r->outcome == SCOUT_EVAL_PASS)
            judge(x, wh, c, gold, p.sql, r);
    }
    scout_eval_prediction_clear(&p);
    scout_eval_table_free(gold);
    return rc;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of the sorted values. */
static double percentile(const double *v, size_t n, double pct)
{
    if (n == 0) return 0;
    size_t rank = (size_t)ceil(pct / 100.0 * (double)n);
    return v[rank ? rank - 1 : 0];
}

static void aggregate(scout_eval_report *rep)
{
    double *lat = malloc((rep->n ? rep->n : 1) * sizeof *lat);
    size_t nl = 0;
    for (size_t i = 0; i < rep->n; i++) {
        const scout_eval_result *r = &rep->results[i];
        if (r->outcome == SCOUT_EVAL_SUITE_ERROR) {
            rep->suite_errors++;
            continue;
        }
        rep->passed += r->outcome == SCOUT_EVAL_PASS;
        rep->recall_hits += r->table_hit;
        if (lat && r->latency_ms >= 0) lat[nl++] = r->latency_ms;
    }
    size_t scored = rep->n - rep->suite_errors;
    rep->execution_accuracy = scored ? (double)rep->passed / (double)scored : 0;
    rep->table_recall = scored ? (double)rep->recall_hits / (double)scored : 0;
    if (lat && nl) qsort(lat, nl, sizeof *lat, dbl_cmp);
    rep->p50_ms = lat ? percentile(lat, nl, 50) : 0;
    rep->p95_ms = lat ? percentile(lat, nl, 95) : 0;
    free(lat);
}

static void fill_limits(scout_wh_limits *lim, const scout_eval_opts *o)
{
    *lim = o ? o->lim : (scout_wh_limits){0};
    if (lim->max_rows <= 0) lim->max_rows = EVAL_DEFAULT_ROWS;
    if (lim->max_bytes <= 0) lim->max_bytes = EVAL_DEFAULT_BYTES;
    if (lim->timeout_ms <= 0) lim->timeout_ms = EVAL_DEFAULT_TIMEOUT;
}

scout_rc scout_eval_run(const scout_eval_suite *s, const scout_config *cfg,
                        scout_eval_predict_fn predict, void *ud, const scout_eval_opts *opts,
                        scout_eval_report *rep, scout_err *err)
{
    memset(rep, 0, sizeof *rep);
    if (!cfg) return scout_err_set(err, SCOUT_EUSER, "eval: no config with sources to run against");
    run_ctx x = {cfg,     {cfg, calloc(cfg->n_sources ? cfg->n_sources : 1, sizeof(scout_wh *))},
                 {0},     (opts && opts->recall_k > 0) ? opts->recall_k : 3,
                 predict, ud};
    fill_limits(&x.lim, opts);
    rep->recall_k = x.recall_k;
    rep->results = calloc(s->n ? s->n : 1, sizeof *rep->results);
    if (!x.pool.wh || !rep->results) {
        pool_close(&x.pool);
        scout_eval_report_free(rep);
        return oom(err);
    }
    size_t limit = opts && opts->limit ? opts->limit : SIZE_MAX, total = 0;
    const char *tag = opts ? opts->tag : NULL;
    for (size_t i = 0; i < s->n; i++) total += !tag || has_tag(&s->cases[i].pub, tag);
    if (total > limit) total = limit;
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; i < s->n && rep->n < total && !rc; i++) {
        const scout_eval_case *c = &s->cases[i].pub;
        if (tag && !has_tag(c, tag)) continue;
        rc = run_case(&x, c, &rep->results[rep->n++], err);
        if (opts && opts->progress) opts->progress(opts->progress_ud, rep->n, total, c);
    }
    pool_close(&x.pool);
    if (rc) {
        scout_eval_report_free(rep);
        return rc;
    }
    aggregate(rep);
    return SCOUT_OK;
}

void scout_eval_report_free(scout_eval_report *rep)
{
    if (!rep) return;
    for (size_t i = 0; rep->results && i < rep->n; i++) {
        free(rep->results[i].detail);
        free(rep->results[i].predicted_sql);
    }
    free(rep->results);
    memset(rep, 0, sizeof *rep);
}

const char *scout_eval_outcome_name(scout_eval_outcome o)
{
    switch (o) {
    case SCOUT_EVAL_PASS:
        return "pass";
    case SCOUT_EVAL_WRONG_RESULT:
        return "wrong_result";
    case SCOUT_EVAL_PRED_SQL_ERROR:
        return "predicted_sql_error";
    case SCOUT_EVAL_NO_PREDICTION:
        return "no_prediction";
    case SCOUT_EVAL_TIMEOUT:
        return "timeout";
    case SCOUT_EVAL_PREDICTOR_ERROR:
        return "predictor_error";
    case SCOUT_EVAL_SUITE_ERROR:
        return "suite_error";
    }
    return "unknown";
}

/* ---- report JSON -------------------------------------------------------- */

/* Rounds to 4 decimals so reports diff cleanly between runs. */
static json_t *ratio(double x)
{
    return json_real(round(x * 10000.0) / 10000.0);
}

static void tag_add(json_t *by_tag, const char *tag, const scout_eval_result *r)
{
    json_t *t = json_object_get(by_tag, tag);
    if (!t) {
        t = json_pack("{s:i, s:i, s:i}", "n", 0, "passed", 0, "recall_hits", 0);
        json_object_set_new(by_tag, tag, t);
    }
    json_object_set_new(t, "n", json_integer(json_integer_value(json_object_get(t, "n")) + 1));
    json_int_t passed = json_integer_value(json_object_get(t, "passed"));
    json_int_t hits = json_integer_value(json_object_get(t, "recall_hits"));
    json_object_set_new(t, "passed", json_integer(passed + (r->outcome == SCOUT_EVAL_PASS)));
    json_object_set_new(t, "recall_hits", json_integer(hits + r->table_hit));
}

/* Turns per-tag counts into rates. */
static void tag_finish(json_t *by_tag)
{
    const char *k;
    json_t *t;
    json_object_foreach(by_tag, k, t)
    {
        double n = (double)json_integer_value(json_object_get(t, "n"));
        double p = (double)json_integer_value(json_object_get(t, "passed"));
        double h = (double)json_integer_value(json_object_get(t, "recall_hits"));
        json_object_set_new(t, "execution_accuracy", ratio(n > 0 ? p / n : 0));
        json_object_set_new(t, "table_recall", ratio(n > 0 ? h / n : 0));
        json_object_del(t, "recall_hits");
    }
}

static json_t *failure_json(const scout_eval_result *r)
{
    json_t *tags = json_array();
    for (size_t i = 0; i < r->c->n_tags; i++)
        json_array_append_new(tags, json_string(r->c->tags[i]));
    return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s, s:o}", "id", r->c->id, "question",
                     r->c->question, "reason", scout_eval_outcome_name(r->outcome), "detail",
                     r->detail, "predicted_sql", r->predicted_sql, "gold_sql", r->c->gold_sql,
                     "tags", tags);
}

json_t *scout_eval_report_json(const scout_eval_report *rep)
{
    json_t *by_tag = json_object(), *failures = json_array();
    for (size_t i = 0; i < rep->n; i++) {
        const scout_eval_result *r = &rep->results[i];
        if (r->outcome != SCOUT_EVAL_SUITE_ERROR)
            for (size_t t = 0; t < r->c->n_tags; t++) tag_add(by_tag, r->c->tags[t], r);
        if (r->outcome != SCOUT_EVAL_PASS) json_array_append_new(failures, failure_json(r));
    }
    tag_finish(by_tag);
    return json_pack("{s:I, s:o, s:o, s:f, s:f, s:o, s:o}", "n", (json_int_t)rep->n,
                     "execution_accuracy", ratio(rep->execution_accuracy), "table_recall",
                     ratio(rep->table_recall), "p50_ms", round(rep->p50_ms * 100) / 100, "p95_ms",
                     round(rep->p95_ms * 100) / 100, "by_tag", by_tag, "failures", failures);
}

scout_rc scout_eval_report_write(const scout_eval_report *rep, const char *path, scout_err *err)
{
    char *dir = scout_strdup(path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    scout_rc rc = dir ? SCOUT_OK : oom(err);
    if (slash && slash != dir) {
        *slash = '\0';
        rc = scout_mkdir_p(dir, err);
    }
    free(dir);
    json_t *j = rc ? NULL : scout_eval_report_json(rep);
    char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    if (!rc && !text) rc = oom(err);
    if (!rc) {
        scout_buf b = SCOUT_BUF_INIT;
        rc = scout_buf_printf(&b, "%s\n", text) ? oom(err) : SCOUT_OK;
        if (!rc) rc = scout_write_file_atomic(path, b.data, b.len, err);
        scout_buf_free(&b);
    }
    free(text);
    return rc;
}
