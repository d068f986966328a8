/* lineage.c — context layer 3 (see lineage.h).
 *
 * Models come from dbt projects (scout_dbt_load: raw SQL rendered through
 * jinja with ref/source resolved by the project's nodes) and from folders of
 * plain .sql files (target from a `-- target: source.schema.table` header,
 * else the <folder>/<source>/<schema>/<name>.sql convention). Rendering and
 * parsing run on worker threads in batches; the main thread resolves names
 * and writes, all in one transaction, so a re-import replaces the previous
 * layer-3 facts atomically.
 *
 * Where the facts live (all keyed by fqname, so tables the crawl has not
 * seen keep theirs):
 *   lineage_edges    table edges (column NULL, kind 'table') and column edges
 *                    (kind 'column', transform), origin 'code' or
 *                    'code_fallback' (tokenizer), evidence path:line
 *   join_keys        origin 'code', evidence "path:line"
 *   model_facts      one row per model: path, owner, grain, filters (JSON
 *                    array of readable text), materialized, parse error
 *   similar_tables   both directions, score 0..1 and a readable reason
 *   filtered_columns origin 'code': columns model filters restrict
 *   context_files    every model file read (layer 3), error = parse error
 * tables.grain/filters/pipeline_path (and owner when empty) are copied from
 * model_facts for crawled rows, and a trigger copies them into rows the
 * crawl inserts later; a card can read either. */
#include "catalog/lineage.h"

#include <dirent.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/strmap.h"
#include "catalog/catalog_int.h"
#include "catalog/dbt.h"
#include "catalog/jinja.h"
#include "catalog/sqlinfo.h"

/* Idempotent DDL for the tables this module adds; run by scout_catalog_open.
 * filtered_columns is shared with history.c (identical DDL in both). */
const char scout_lineage_schema[] =
    "CREATE TABLE IF NOT EXISTS model_facts ("
    "  fqname TEXT PRIMARY KEY,"
    "  path TEXT,"
    "  kind TEXT,"
    "  unique_id TEXT,"
    "  owner TEXT,"
    "  grain TEXT,"
    "  filters TEXT,"
    "  materialized TEXT,"
    "  upstreams INTEGER NOT NULL DEFAULT 0,"
    "  parse_error TEXT,"
    "  fallback INTEGER NOT NULL DEFAULT 0,"
    "  jinja_stripped INTEGER NOT NULL DEFAULT 0,"
    "  jinja_warning TEXT);"
    "CREATE TABLE IF NOT EXISTS similar_tables ("
    "  fqname TEXT NOT NULL,"
    "  similar_fqname TEXT NOT NULL,"
    "  score REAL NOT NULL,"
    "  reason TEXT,"
    "  PRIMARY KEY (fqname, similar_fqname));"
    "CREATE TABLE IF NOT EXISTS filtered_columns ("
    "  fqname TEXT NOT NULL,"
    "  column_name TEXT NOT NULL,"
    "  origin TEXT NOT NULL,"
    "  uses INTEGER NOT NULL DEFAULT 0,"
    "  example TEXT,"
    "  PRIMARY KEY (fqname, column_name, origin));"
    "CREATE INDEX IF NOT EXISTS lineage_to_col ON lineage_edges(to_fqname, to_column);"
    "CREATE TRIGGER IF NOT EXISTS model_facts_into_new_table AFTER INSERT ON tables"
    " WHEN EXISTS (SELECT 1 FROM model_facts m WHERE m.fqname = NEW.fqname) BEGIN"
    "  UPDATE tables SET"
    "   grain = (SELECT m.grain FROM model_facts m WHERE m.fqname = NEW.fqname),"
    "   filters = (SELECT group_concat(j.value, '; ') FROM model_facts m, json_each(m.filters) j"
    "              WHERE m.fqname = NEW.fqname),"
    "   pipeline_path = (SELECT m.path FROM model_facts m WHERE m.fqname = NEW.fqname),"
    "   owner = coalesce(NEW.owner, (SELECT m.owner FROM model_facts m"
    "                                WHERE m.fqname = NEW.fqname))"
    "  WHERE id = NEW.id;"
    " END;";

#define BATCH       512
#define MAX_THREADS 4

/* ---------- string sets (targets seen, similar pairs) ---------- */

/* Adds s to *set (a base/strmap made on first use); returns 1 if added, 0 if
 * present, -1 on memory exhaustion. */
static int set_add(scout_strmap **set, const char *s)
{
    if (!*set && !(*set = scout_strmap_new_sized(0))) return -1;
    return scout_strmap_add(*set, s, strlen(s));
}

/* ---------- models ---------- */

typedef struct model {
    char *target;         /* fqname the model builds */
    char *path;           /* file (absolute) */
    const char *kind;     /* "dbt_model" or "sql_model" */
    char *unique_id;      /* dbt only */
    char *owner;          /* dbt meta, else NULL (a header comment may give it) */
    char *default_source; /* first part of target */
    char *raw;            /* SQL as written (Jinja intact) */
    char *grain_extra;    /* "unique: id" from dbt tests, or NULL */
    const scout_dbt_project *project;
    /* filled by the workers */
    scout_jinja_result jinja;
    scout_sql_info *info;
    scout_rc rc;
} model;

typedef struct model_list {
    model *v;
    size_t n, cap;
} model_list;

/* Per-model data kept for the similar-tables pass. */
typedef struct sim_model {
    char *fq;
    char **ups;
    size_t n_ups;
    char **cols;
    size_t n_cols;
} sim_model;

typedef struct importer {
    scout_catalog *cat;
    const scout_config *cfg;
    scout_sqlinfo_resolver *res;
    scout_strmap *targets;
    sim_model *sims;
    size_t n_sims, cap_sims;
    sqlite3_stmt *ins_edge, *ins_join, *ins_fact, *ins_file, *ins_filter;
    int64_t records, errors, files;
} importer;

static void model_free(model *m)
{
    free(m->target);
    free(m->path);
    free(m->unique_id);
    free(m->owner);
    free(m->default_source);
    free(m->raw);
    free(m->grain_extra);
    scout_jinja_result_free(&m->jinja);
    scout_sqlinfo_free(m->info);
    memset(m, 0, sizeof *m);
}

static model *model_push(model_list *l)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 64;
        model *nv = realloc(l->v, ncap * sizeof *nv);
        if (!nv) return NULL;
        l->v = nv;
        l->cap = ncap;
    }
    model *m = &l->v[l->n++];
    memset(m, 0, sizeof *m);
    return m;
}

static char *first_part(const char *fq)
{
    const char *dot = strchr(fq, '.');
    size_t n = dot ? (size_t)(dot - fq) : strlen(fq);
    char *s = malloc(n + 1);
    if (!s) return NULL;
    memcpy(s, fq, n);
    s[n] = '\0';
    return s;
}

/* `-- key: value` in the leading comment lines of a model. */
static char *header_value(const char *sql, const char *key)
{
    size_t kl = strlen(key);
    const char *p = sql;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
        if (p[0] != '-' || p[1] != '-') break;
        p += 2;
        while (*p == ' ' || *p == '\t') p++;
        const char *eol = strchr(p, '\n');
        if (!eol) eol = p + strlen(p);
        if (!strncasecmp(p, key, kl) && p[kl] == ':') {
            const char *v = p + kl + 1;
            while (v < eol && (*v == ' ' || *v == '\t')) v++;
            const char *e = eol;
            while (e > v && (e[-1] == ' ' || e[-1] == '\r' || e[-1] == '\t')) e--;
            char *s = malloc((size_t)(e - v) + 1);
            if (!s) return NULL;
            memcpy(s, v, (size_t)(e - v));
            s[e - v] = '\0';
            return s;
        }
        p = eol;
    }
    return NULL;
}

/* ---------- gathering: dbt ---------- */

static bool dbt_resolve(void *ud, scout_jinja_call call, const char *a, const char *b,
                        scout_buf *out)
{
    const scout_dbt_project *p = ud;
    const scout_dbt_node *n = call == SCOUT_JINJA_REF ? scout_dbt_find(p, b ? b : a)
                                                      : scout_dbt_find_source(p, a, b ? b : "");
    if (!n || !n->fqname) return false;
    return scout_buf_puts(out, n->fqname) == SCOUT_OK;
}

static char *unique_columns(const scout_dbt_node *n)
{
    scout_buf b = SCOUT_BUF_INIT;
    for (size_t i = 0; i < n->n_columns; i++)
        if (n->columns[i].unique)
            scout_buf_printf(&b, "%s%s", b.len ? ", " : "unique: ", n->columns[i].name);
    return b.len ? scout_buf_take(&b) : (scout_buf_free(&b), NULL);
}

static scout_rc gather_dbt(importer *im, const scout_dbt_project *p, model_list *out)
{
    for (size_t i = 0; i < p->n_nodes; i++) {
        const scout_dbt_node *n = &p->nodes[i];
        if (!n->raw_sql || !n->fqname) continue;
        if (strcmp(n->resource_type, "model") && strcmp(n->resource_type, "snapshot")) continue;
        int added = set_add(&im->targets, n->fqname);
        if (added < 0) return SCOUT_ENOMEM;
        if (added == 0) continue; /* the same relation from another project */
        model *m = model_push(out);
        if (!m) return SCOUT_ENOMEM;
        m->target = scout_strdup(n->fqname);
        m->path = n->path ? scout_path_join(p->dir, n->path) : scout_strdup(p->dir);
        m->kind = "dbt_model";
        m->unique_id = scout_strdup(n->unique_id);
        m->owner = scout_strdup(n->owner);
        m->default_source = first_part(n->fqname);
        m->raw = scout_strdup(n->raw_sql);
        m->grain_extra = unique_columns(n);
        m->project = p;
        if (!m->target || !m->path || !m->raw || !m->default_source) return SCOUT_ENOMEM;
    }
    return SCOUT_OK;
}

/* ---------- gathering: plain .sql folders ---------- */

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && !strcmp(s + n - k, suf);
}

/* The target of a plain model: its `-- target:` header, else
 * <source>/<schema>/<name>.sql below the folder (fewer parts: as many as
 * there are, resolved later like any written name). */
static char *plain_target(const char *rel, const char *sql)
{
    char *t = header_value(sql, "target");
    if (t) return t;
    size_t n = strlen(rel) - 4; /* without ".sql" */
    char *s = malloc(n + 1);
    if (!s) return NULL;
    for (size_t i = 0; i < n; i++) s[i] = rel[i] == '/' ? '.' : rel[i];
    s[n] = '\0';
    /* Deeper folders: keep the last three parts. */
    int dots = 0;
    for (size_t i = n; i > 0; i--)
        if (s[i - 1] == '.' && ++dots == 3) {
            memmove(s, s + i, n - i + 1);
            break;
        }
    return s;
}

static scout_rc add_plain(importer *im, const char *path, const char *rel, model_list *out)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_err err;
    if (scout_buf_read_file(&b, path, &err)) {
        scout_warn("%s", err.msg);
        im->errors++;
        scout_buf_free(&b);
        return SCOUT_OK;
    }
    char *target = plain_target(rel, scout_buf_cstr(&b));
    if (!target) {
        scout_buf_free(&b);
        return SCOUT_ENOMEM;
    }
    int added = set_add(&im->targets, target);
    if (added <= 0) {
        free(target);
        scout_buf_free(&b);
        return added < 0 ? SCOUT_ENOMEM : SCOUT_OK;
    }
    model *m = model_push(out);
    if (!m) {
        free(target);
        scout_buf_free(&b);
        return SCOUT_ENOMEM;
    }
    m->target = target;
    m->path = scout_strdup(path);
    m->kind = "sql_model";
    m->default_source = first_part(target);
    m->raw = scout_buf_take(&b);
    return m->path && m->default_source && m->raw ? SCOUT_OK : SCOUT_ENOMEM;
}

static scout_rc walk_sql(importer *im, const char *root, const char *rel, int depth,
                         model_list *out)
{
    char *dir = rel[0] ? scout_path_join(root, rel) : scout_strdup(root);
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d) {
        if (dir) scout_warn("cannot read model folder %s", dir);
        free(dir);
        return dir ? SCOUT_OK : SCOUT_ENOMEM;
    }
    scout_rc rc = SCOUT_OK;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *sub = rel[0] ? scout_path_join(rel, e->d_name) : scout_strdup(e->d_name);
        char *full = sub ? scout_path_join(root, sub) : NULL;
        if (!full) {
            free(sub);
            rc = SCOUT_ENOMEM;
            break;
        }
        if (scout_path_is_dir(full) && depth < 8)
            rc = walk_sql(im, root, sub, depth + 1, out);
        else if (has_suffix(e->d_name, ".sql"))
            rc = add_plain(im, full, sub, out);
        free(sub);
        free(full);
    }
    closedir(d);
    free(dir);
    return rc;
}

/* Plain folders may use dbt-style Jinja too: ref(x) names another model of
 * the folders by file stem; source('finance_raw', 't') names finance.raw.t
 * when `finance` is a configured source. */
typedef struct plain_ctx {
    const model_list *models;
    const scout_config *cfg;
} plain_ctx;

static bool plain_resolve(void *ud, scout_jinja_call call, const char *a, const char *b,
                          scout_buf *out)
{
    const plain_ctx *pc = ud;
    if (call == SCOUT_JINJA_REF) {
        const char *name = b ? b : a;
        size_t nl = strlen(name);
        for (size_t i = 0; i < pc->models->n; i++) {
            const char *t = pc->models->v[i].target, *dot = strrchr(t, '.');
            const char *last = dot ? dot + 1 : t;
            if (strlen(last) == nl && !strcmp(last, name)) return !scout_buf_puts(out, t);
        }
        return false;
    }
    const char *us = strchr(a, '_');
    for (size_t i = 0; us && b && i < pc->cfg->n_sources; i++) {
        const char *src = pc->cfg->sources[i].name;
        if (strlen(src) == (size_t)(us - a) && !strncmp(src, a, (size_t)(us - a)))
            return !scout_buf_printf(out, "%s.%s.%s", src, us + 1, b);
    }
    return false;
}

/* ---------- analysis (worker threads) ---------- */

typedef struct work {
    model *v;
    size_t n;
    size_t stride, first;
    const plain_ctx *pc;
} work;

static void analyse_one(model *m, const plain_ctx *pc)
{
    scout_jinja_opts o = {.this_relation = m->target};
    if (m->project) {
        o.resolve = dbt_resolve;
        o.ud = (void *)m->project;
    } else {
        o.resolve = plain_resolve;
        o.ud = (void *)pc;
    }
    scout_err err;
    m->rc = scout_jinja_render(m->raw, &o, &m->jinja, &err);
    if (!m->rc) m->rc = scout_sqlinfo_analyze(m->jinja.sql, &m->info, &err);
}

static void *worker(void *arg)
{
    work *w = arg;
    for (size_t i = w->first; i < w->n; i += w->stride) analyse_one(&w->v[i], w->pc);
    return NULL;
}

static int thread_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

/* Analyses v[0..n) on worker threads (the main thread takes one share). */
static void analyse_batch(model *v, size_t n, const plain_ctx *pc)
{
    int nt = thread_count();
    pthread_t th[MAX_THREADS];
    work w[MAX_THREADS];
    int started = 0;
    for (int t = 0; t < nt; t++) w[t] = (work){v, n, (size_t)nt, (size_t)t, pc};
    for (int t = 1; t < nt && n > 8; t++)
        if (pthread_create(&th[t], NULL, worker, &w[t]) == 0) started = t;
    /* Shares whose thread did not start run here. */
    for (size_t i = 0; i < n; i++)
        if ((int)(i % (size_t)nt) == 0 || (int)(i % (size_t)nt) > started) analyse_one(&v[i], pc);
    for (int t = 1; t <= started; t++) pthread_join(th[t], NULL);
}

/* ---------- writing ---------- */

static const char SQL_EDGE[] =
    "INSERT INTO lineage_edges (from_fqname, from_column, to_fqname, to_column, kind, transform,"
    " origin, evidence_path, evidence_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_JOIN[] =
    "INSERT INTO join_keys (left_fqname, left_column, right_fqname, right_column, origin,"
    " confidence, evidence) SELECT ?1, ?2, ?3, ?4, 'code', 0.9, ?5 WHERE NOT EXISTS (SELECT 1"
    " FROM join_keys WHERE origin = 'code' AND ((left_fqname = ?1 AND left_column = ?2 AND"
    " right_fqname = ?3 AND right_column = ?4) OR (left_fqname = ?3 AND left_column = ?4 AND"
    " right_fqname = ?1 AND right_column = ?2)))";
static const char SQL_FACT[] =
    "INSERT OR REPLACE INTO model_facts (fqname, path, kind, unique_id, owner, grain, filters,"
    " materialized, upstreams, parse_error, fallback, jinja_stripped, jinja_warning)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_FILE[] =
    "INSERT OR REPLACE INTO context_files (path, kind, layer, content_hash, mtime, loaded_at,"
    " error) VALUES (?, ?, 3, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)";
static const char SQL_FILTER[] =
    "INSERT INTO filtered_columns (fqname, column_name, origin, uses, example)"
    " VALUES (?, ?, 'code', 1, ?) ON CONFLICT (fqname, column_name, origin)"
    " DO UPDATE SET uses = uses + 1";

static scout_rc step_done(importer *im, sqlite3_stmt *st, scout_err *err, const char *what)
{
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (s != SQLITE_DONE) return scout_catalog_sqlerr(im->cat, err, what);
    return SCOUT_OK;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static bool is_placeholder(const char *name)
{
    return strstr(name, SCOUT_JINJA_PLACEHOLDER) != NULL;
}

static const char *resolve(importer *im, const model *m, const char *written)
{
    return scout_sqlinfo_resolve(im->res, m->default_source, written);
}

static scout_rc edge(importer *im, const model *m, const char *from, const char *from_col,
                     const char *to_col, const char *kind, const char *transform, int line,
                     scout_err *err)
{
    sqlite3_stmt *st = im->ins_edge;
    bind_text(st, 1, from);
    bind_text(st, 2, from_col);
    bind_text(st, 3, m->target);
    bind_text(st, 4, to_col);
    bind_text(st, 5, kind);
    bind_text(st, 6, transform);
    bind_text(st, 7, m->info->parsed ? "code" : "code_fallback");
    bind_text(st, 8, m->path);
    if (line > 0)
        sqlite3_bind_int(st, 9, line);
    else
        sqlite3_bind_null(st, 9);
    im->records++;
    return step_done(im, st, err, "storing a lineage edge");
}

static scout_rc sim_add_up(sim_model *s, const char *fq)
{
    for (size_t i = 0; i < s->n_ups; i++)
        if (!strcmp(s->ups[i], fq)) return SCOUT_OK;
    char **v = realloc(s->ups, (s->n_ups + 1) * sizeof *v);
    if (!v) return SCOUT_ENOMEM;
    s->ups = v;
    if (!(s->ups[s->n_ups] = scout_strdup(fq))) return SCOUT_ENOMEM;
    s->n_ups++;
    return SCOUT_OK;
}

/* Table-level edges: the parsed relations, plus what ref()/source() named
 * (the only reliable upstreams when the SQL did not parse). */
static scout_rc table_edges(importer *im, const model *m, sim_model *sim, scout_err *err)
{
    scout_rc rc = SCOUT_OK;
    scout_strmap *seen = NULL;
    const scout_sql_info *in = m->info;
    size_t total = in->n_rels + m->jinja.n_relations;
    for (size_t i = 0; !rc && i < total; i++) {
        bool parsed_rel = i < in->n_rels;
        const char *w = parsed_rel ? in->rels[i].name : m->jinja.relations[i - in->n_rels];
        if (is_placeholder(w)) continue;
        const char *fq = resolve(im, m, w);
        if (!fq) rc = SCOUT_ENOMEM;
        if (rc || !strcmp(fq, m->target)) continue;
        int added = set_add(&seen, fq);
        if (added < 0) rc = SCOUT_ENOMEM;
        if (added <= 0) continue;
        rc = edge(im, m, fq, NULL, NULL, "table", NULL, parsed_rel ? in->rels[i].line : 0, err);
        if (!rc) rc = sim_add_up(sim, fq);
    }
    scout_strmap_free(seen);
    return rc;
}

static scout_rc column_edges(importer *im, const model *m, sim_model *sim, scout_err *err)
{
    const scout_sql_info *in = m->info;
    scout_rc rc = SCOUT_OK;
    if (in->n_outputs) {
        sim->cols = calloc(in->n_outputs, sizeof *sim->cols);
        if (!sim->cols) return SCOUT_ENOMEM;
    }
    for (size_t i = 0; !rc && i < in->n_outputs; i++) {
        const scout_sql_output *o = &in->outputs[i];
        if (!strcmp(o->name, "*")) continue;
        if (!(sim->cols[sim->n_cols++] = scout_strdup(o->name))) return SCOUT_ENOMEM;
        for (size_t k = 0; !rc && k < o->n_sources; k++) {
            const scout_sql_col *c = &o->sources[k];
            if (!c->table || is_placeholder(c->table) || !strcmp(c->column, "*")) continue;
            const char *fq = resolve(im, m, c->table);
            if (!fq) return SCOUT_ENOMEM;
            rc = edge(im, m, fq, c->column, o->name, "column", o->transform, 0, err);
        }
    }
    return rc;
}

static scout_rc join_rows(importer *im, const model *m, scout_err *err)
{
    const scout_sql_info *in = m->info;
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; !rc && i < in->n_joins; i++) {
        const scout_sql_join *j = &in->joins[i];
        if (is_placeholder(j->left.table) || is_placeholder(j->right.table)) continue;
        const char *l = resolve(im, m, j->left.table);
        char *lc = scout_strdup(l); /* the next resolve may grow the cache */
        const char *r = resolve(im, m, j->right.table);
        if (!lc || !r) {
            free(lc);
            return SCOUT_ENOMEM;
        }
        char ev[1200];
        snprintf(ev, sizeof ev, "%s:%d", m->path, j->line);
        sqlite3_stmt *st = im->ins_join;
        bind_text(st, 1, lc);
        bind_text(st, 2, j->left.column);
        bind_text(st, 3, r);
        bind_text(st, 4, j->right.column);
        bind_text(st, 5, ev);
        rc = step_done(im, st, err, "storing a join key");
        if (!rc && sqlite3_changes(im->cat->db) > 0) im->records++;
        free(lc);
    }
    return rc;
}

static scout_rc filter_rows(importer *im, const model *m, scout_buf *json, scout_err *err)
{
    const scout_sql_info *in = m->info;
    json_t *arr = json_array();
    scout_rc rc = arr ? SCOUT_OK : SCOUT_ENOMEM;
    for (size_t i = 0; !rc && i < in->n_filters; i++) {
        const scout_sql_filter *f = &in->filters[i];
        if (is_placeholder(f->text)) continue;
        json_array_append_new(arr, json_string(f->text));
        for (size_t k = 0; !rc && k < f->n_columns; k++) {
            const scout_sql_col *c = &f->columns[k];
            if (!c->table || is_placeholder(c->table)) continue;
            const char *fq = resolve(im, m, c->table);
            if (!fq) rc = SCOUT_ENOMEM;
            if (rc) break;
            bind_text(im->ins_filter, 1, fq);
            bind_text(im->ins_filter, 2, c->column);
            bind_text(im->ins_filter, 3, f->text);
            rc = step_done(im, im->ins_filter, err, "storing a filtered column");
        }
    }
    char *s = arr && json_array_size(arr) ? json_dumps(arr, JSON_COMPACT) : NULL;
    if (s) scout_buf_puts(json, s);
    free(s);
    json_decref(arr);
    return rc;
}

static char *grain_text(const model *m)
{
    const scout_sql_info *in = m->info;
    scout_buf b = SCOUT_BUF_INIT;
    if (in->distinct) {
        scout_buf_puts(&b, "distinct ");
        for (size_t i = 0; i < in->n_outputs; i++)
            scout_buf_printf(&b, "%s%s", i ? ", " : "", in->outputs[i].name);
    } else {
        for (size_t i = 0; i < in->n_grain; i++)
            scout_buf_printf(&b, "%s%s", i ? ", " : "", in->grain[i]);
    }
    if (m->grain_extra) scout_buf_printf(&b, "%s%s", b.len ? "; " : "", m->grain_extra);
    return b.len ? scout_buf_take(&b) : (scout_buf_free(&b), NULL);
}

static scout_rc fact_row(importer *im, const model *m, const char *filters, scout_err *err)
{
    const scout_sql_info *in = m->info;
    char *owner = m->owner ? NULL : header_value(m->raw, "owner");
    char *grain = grain_text(m);
    sqlite3_stmt *st = im->ins_fact;
    bind_text(st, 1, m->target);
    bind_text(st, 2, m->path);
    bind_text(st, 3, m->kind);
    bind_text(st, 4, m->unique_id);
    bind_text(st, 5, m->owner ? m->owner : owner);
    bind_text(st, 6, grain);
    bind_text(st, 7, filters && *filters ? filters : NULL);
    bind_text(st, 8, m->jinja.materialized);
    sqlite3_bind_int64(st, 9, (int64_t)(in->n_rels + m->jinja.n_relations));
    bind_text(st, 10, in->parsed ? NULL : in->error);
    sqlite3_bind_int(st, 11, !in->parsed);
    sqlite3_bind_int(st, 12, scout_jinja_stripped(&m->jinja));
    bind_text(st, 13, m->jinja.warning);
    free(owner);
    free(grain);
    return step_done(im, st, err, "storing model facts");
}

static scout_rc file_row(importer *im, const model *m, scout_err *err)
{
    char hash[24];
    snprintf(hash, sizeof hash, "%016llx",
             (unsigned long long)scout_fnv64_update_str(SCOUT_FNV64_INIT, m->raw));
    struct stat sb;
    sqlite3_stmt *st = im->ins_file;
    bind_text(st, 1, m->path);
    bind_text(st, 2, m->kind);
    bind_text(st, 3, hash);
    if (stat(m->path, &sb) == 0)
        sqlite3_bind_int64(st, 4, (int64_t)sb.st_mtime);
    else
        sqlite3_bind_null(st, 4);
    bind_text(st, 5, m->info->parsed ? NULL : m->info->error);
    return step_done(im, st, err, "recording a model file");
}

static scout_rc sim_push(importer *im, sim_model **out)
{
    if (im->n_sims == im->cap_sims) {
        size_t ncap = im->cap_sims ? im->cap_sims * 2 : 256;
        sim_model *nv = realloc(im->sims, ncap * sizeof *nv);
        if (!nv) return SCOUT_ENOMEM;
        im->sims = nv;
        im->cap_sims = ncap;
    }
    *out = &im->sims[im->n_sims++];
    memset(*out, 0, sizeof **out);
    return SCOUT_OK;
}

static scout_rc store_model(importer *im, model *m, scout_err *err)
{
    im->files++;
    if (m->rc) return scout_err_set(err, m->rc, "%s: analysing the model failed", m->path);
    if (!m->info->parsed) {
        im->errors++;
        scout_warn("%s: %s (table names taken by the tokenizer)", m->path, m->info->error);
    }
    sim_model *sim;
    scout_rc rc = sim_push(im, &sim);
    if (!rc) rc = (sim->fq = scout_strdup(m->target)) ? SCOUT_OK : SCOUT_ENOMEM;
    scout_buf filters = SCOUT_BUF_INIT;
    if (!rc) rc = table_edges(im, m, sim, err);
    if (!rc) rc = column_edges(im, m, sim, err);
    if (!rc) rc = join_rows(im, m, err);
    if (!rc) rc = filter_rows(im, m, &filters, err);
    if (!rc) rc = fact_row(im, m, scout_buf_cstr(&filters), err);
    if (!rc) rc = file_row(im, m, err);
    scout_buf_free(&filters);
    if (rc == SCOUT_ENOMEM) scout_err_set(err, rc, "out of memory storing lineage");
    return rc;
}

/* ---------- similar tables ---------- */

/* A table name with version/copy/date decorations removed:
 * revenue_daily_v1, revenue_daily_old, tmp_revenue_daily -> revenue_daily. */
static void name_key(const char *fq, char *out, size_t cap)
{
    const char *dot = strrchr(fq, '.');
    scout_strlcpy(out, dot ? dot + 1 : fq, cap);
    static const char *const prefixes[] = {"tmp_", "temp_", "old_", "new_", "bak_"};
    static const char *const suffixes[] = {"_old",    "_new", "_copy",    "_tmp",        "_temp",
                                           "_backup", "_bak", "_legacy",  "_deprecated", "_final",
                                           "_test",   "_dev", "_backfill"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t pl = strlen(prefixes[i]);
        if (!strncmp(out, prefixes[i], pl)) memmove(out, out + pl, strlen(out + pl) + 1);
    }
    for (bool changed = true; changed;) {
        changed = false;
        size_t n = strlen(out);
        for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
            if (has_suffix(out, suffixes[i]) && n > strlen(suffixes[i]) + 2) {
                out[n - strlen(suffixes[i])] = '\0';
                changed = true;
                break;
            }
        /* _v2, _v10, _2024, _2025_06: trailing version or date parts */
        size_t k = strlen(out);
        size_t j = k;
        while (j > 0 && out[j - 1] >= '0' && out[j - 1] <= '9') j--;
        if (!changed && j < k && j > 2 &&
            (out[j - 1] == '_' || (out[j - 1] == 'v' && out[j - 2] == '_'))) {
            out[out[j - 1] == '_' ? j - 1 : j - 2] = '\0';
            changed = true;
        }
    }
}

typedef struct keyed {
    char key[256];
    size_t idx; /* into the candidate list */
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    return strcmp(((const keyed *)a)->key, ((const keyed *)b)->key);
}

static double overlap(char **a, size_t na, char **b, size_t nb, size_t *shared)
{
    size_t s = 0;
    for (size_t i = 0; i < na; i++)
        for (size_t k = 0; k < nb; k++)
            if (!strcmp(a[i], b[k])) {
                s++;
                break;
            }
    *shared = s;
    size_t uni = na + nb - s;
    return uni ? (double)s / (double)uni : 0;
}

static scout_rc store_similar(importer *im, sqlite3_stmt *st, const char *a, const char *b,
                              double score, const char *reason, scout_err *err)
{
    for (int dir = 0; dir < 2; dir++) {
        bind_text(st, 1, dir ? b : a);
        bind_text(st, 2, dir ? a : b);
        sqlite3_bind_double(st, 3, score);
        bind_text(st, 4, reason);
        scout_rc rc = step_done(im, st, err, "storing a similar table");
        if (rc) return rc;
    }
    im->records++;
    return SCOUT_OK;
}

/* Scores one candidate pair and stores it when it is similar enough. */
static scout_rc judge_pair(importer *im, sqlite3_stmt *st, const sim_model *x, const sim_model *y,
                           bool same_name, scout_err *err)
{
    size_t su = 0, sc = 0;
    double ju = overlap(x->ups, x->n_ups, y->ups, y->n_ups, &su);
    double jc = overlap(x->cols, x->n_cols, y->cols, y->n_cols, &sc);
    double score = (same_name ? 0.5 : 0) + 0.3 * ju + 0.2 * jc;
    if (score < 0.35 || (!same_name && su == 0)) return SCOUT_OK;
    char reason[512];
    size_t n = 0;
    if (same_name) n += (size_t)snprintf(reason + n, sizeof reason - n, "near-identical name");
    if (su)
        n += (size_t)snprintf(reason + n, sizeof reason - n, "%sshares %zu of %zu upstreams",
                              n ? "; " : "", su, x->n_ups + y->n_ups - su);
    if (sc && n < sizeof reason)
        snprintf(reason + n, sizeof reason - n, "%s%zu of %zu columns in common", n ? "; " : "", sc,
                 x->n_cols + y->n_cols - sc);
    return store_similar(im, st, x->fq, y->fq, score, reason, err);
}

/* Candidate pairs come from two cheap blockings so 70,000 models never meet
 * pairwise: equal name keys, and upstreams with a small fan-out. */
static scout_rc similar_tables(importer *im, scout_err *err)
{
    size_t n = im->n_sims;
    sqlite3_stmt *st = NULL;
    scout_strmap *pairs = NULL;
    keyed *keys = n ? malloc(n * sizeof *keys) : NULL;
    scout_rc rc = n && !keys ? SCOUT_ENOMEM : SCOUT_OK;
    if (!rc)
        rc = scout_catalog_prepare(im->cat,
                                   "INSERT OR REPLACE INTO similar_tables (fqname, similar_fqname,"
                                   " score, reason) VALUES (?, ?, ?, ?)",
                                   &st, err);
    for (size_t i = 0; !rc && i < n; i++) {
        name_key(im->sims[i].fq, keys[i].key, sizeof keys[i].key);
        keys[i].idx = i;
    }
    if (!rc && n) qsort(keys, n, sizeof *keys, keyed_cmp);
    for (size_t i = 0; !rc && i < n; i++)
        for (size_t k = i + 1; !rc && k < n && k < i + 20 && !strcmp(keys[i].key, keys[k].key);
             k++) {
            const sim_model *x = &im->sims[keys[i].idx], *y = &im->sims[keys[k].idx];
            char pk[1024];
            snprintf(pk, sizeof pk, "%s\x1f%s", strcmp(x->fq, y->fq) < 0 ? x->fq : y->fq,
                     strcmp(x->fq, y->fq) < 0 ? y->fq : x->fq);
            if (set_add(&pairs, pk) < 0) rc = SCOUT_ENOMEM;
            if (!rc) rc = judge_pair(im, st, x, y, true, err);
        }
    /* Shared upstreams: invert (upstream -> models) by sorting. */
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += im->sims[i].n_ups;
    keyed *ups = !rc && total ? malloc(total * sizeof *ups) : NULL;
    if (!rc && total && !ups) rc = SCOUT_ENOMEM;
    size_t u = 0;
    for (size_t i = 0; !rc && i < n; i++)
        for (size_t k = 0; k < im->sims[i].n_ups; k++) {
            scout_strlcpy(ups[u].key, im->sims[i].ups[k], sizeof ups[u].key);
            ups[u++].idx = i;
        }
    if (!rc && total) qsort(ups, total, sizeof *ups, keyed_cmp);
    for (size_t i = 0; !rc && i < total;) {
        size_t j = i;
        while (j < total && !strcmp(ups[j].key, ups[i].key)) j++;
        for (size_t a = i; !rc && j - i <= 25 && a < j; a++)
            for (size_t b = a + 1; !rc && b < j; b++) {
                const sim_model *x = &im->sims[ups[a].idx], *y = &im->sims[ups[b].idx];
                char pk[1024];
                snprintf(pk, sizeof pk, "%s\x1f%s", strcmp(x->fq, y->fq) < 0 ? x->fq : y->fq,
                         strcmp(x->fq, y->fq) < 0 ? y->fq : x->fq);
                int added = set_add(&pairs, pk);
                if (added < 0) rc = SCOUT_ENOMEM;
                if (added > 0) rc = judge_pair(im, st, x, y, false, err);
            }
        i = j;
    }
    free(ups);
    free(keys);
    scout_strmap_free(pairs);
    sqlite3_finalize(st);
    if (rc == SCOUT_ENOMEM) scout_err_set(err, rc, "out of memory finding similar tables");
    return rc;
}

/* ---------- the import ---------- */

static const char SQL_CLEAR[] =
    "DELETE FROM lineage_edges WHERE origin IN ('code', 'code_fallback');"
    "DELETE FROM join_keys WHERE origin = 'code';"
    "DELETE FROM model_facts;"
    "DELETE FROM similar_tables;"
    "DELETE FROM filtered_columns WHERE origin = 'code';"
    "DELETE FROM context_files WHERE layer = 3;"
    "UPDATE tables SET grain = NULL, filters = NULL, pipeline_path = NULL"
    " WHERE grain IS NOT NULL OR filters IS NOT NULL OR pipeline_path IS NOT NULL;";

/* Copies the facts into the crawled rows; owner only where none is set
 * (curated owners win). */
static const char SQL_APPLY[] =
    "UPDATE tables SET grain = m.grain, pipeline_path = m.path,"
    " filters = (SELECT group_concat(j.value, '; ') FROM json_each(m.filters) j),"
    " owner = coalesce(tables.owner, m.owner)"
    " FROM model_facts m WHERE m.fqname = tables.fqname;";

static void importer_free(importer *im)
{
    sqlite3_finalize(im->ins_edge);
    sqlite3_finalize(im->ins_join);
    sqlite3_finalize(im->ins_fact);
    sqlite3_finalize(im->ins_file);
    sqlite3_finalize(im->ins_filter);
    scout_sqlinfo_resolver_free(im->res);
    scout_strmap_free(im->targets);
    for (size_t i = 0; i < im->n_sims; i++) {
        for (size_t k = 0; k < im->sims[i].n_ups; k++) free(im->sims[i].ups[k]);
        for (size_t k = 0; k < im->sims[i].n_cols; k++) free(im->sims[i].cols[k]);
        free(im->sims[i].ups);
        free(im->sims[i].cols);
        free(im->sims[i].fq);
    }
    free(im->sims);
}

static scout_rc prepare_all(importer *im, scout_err *err)
{
    scout_rc rc = scout_catalog_prepare(im->cat, SQL_EDGE, &im->ins_edge, err);
    if (!rc) rc = scout_catalog_prepare(im->cat, SQL_JOIN, &im->ins_join, err);
    if (!rc) rc = scout_catalog_prepare(im->cat, SQL_FACT, &im->ins_fact, err);
    if (!rc) rc = scout_catalog_prepare(im->cat, SQL_FILE, &im->ins_file, err);
    if (!rc) rc = scout_catalog_prepare(im->cat, SQL_FILTER, &im->ins_filter, err);
    return rc;
}

/* Analyses and stores one list of models in batches (bounded memory). */
static scout_rc process(importer *im, model_list *ml, const plain_ctx *pc, scout_err *err)
{
    scout_rc rc = SCOUT_OK;
    for (size_t at = 0; !rc && at < ml->n; at += BATCH) {
        size_t n = ml->n - at < BATCH ? ml->n - at : BATCH;
        analyse_batch(ml->v + at, n, pc);
        for (size_t i = 0; i < n; i++) {
            if (!rc) rc = store_model(im, &ml->v[at + i], err);
            /* The raw SQL and analysis go; target/path stay for ref lookups. */
            scout_jinja_result_free(&ml->v[at + i].jinja);
            scout_sqlinfo_free(ml->v[at + i].info);
            ml->v[at + i].info = NULL;
            free(ml->v[at + i].raw);
            ml->v[at + i].raw = NULL;
        }
    }
    return rc;
}

static void list_free(model_list *ml)
{
    for (size_t i = 0; i < ml->n; i++) model_free(&ml->v[i]);
    free(ml->v);
    memset(ml, 0, sizeof *ml);
}

static scout_rc import_dbt(importer *im, const char *dir, scout_err *err)
{
    scout_dbt_project *p = NULL;
    scout_err derr;
    if (scout_dbt_load(dir, &p, &derr)) {
        scout_warn("%s", derr.msg);
        im->errors++;
        return SCOUT_OK; /* a broken project is reported; the other inputs still load */
    }
    model_list ml = {0};
    scout_rc rc = gather_dbt(im, p, &ml);
    if (!rc) rc = process(im, &ml, NULL, err);
    list_free(&ml);
    scout_dbt_free(p);
    return rc;
}

static scout_rc import_plain(importer *im, const char *dir, scout_err *err)
{
    model_list ml = {0};
    scout_rc rc = walk_sql(im, dir, "", 0, &ml);
    plain_ctx pc = {&ml, im->cfg};
    if (!rc) rc = process(im, &ml, &pc, err);
    list_free(&ml);
    return rc;
}

static scout_rc run(importer *im, scout_err *err)
{
    const scout_context_cfg *cx = &im->cfg->context;
    scout_rc rc = scout_catalog_exec(im->cat, SQL_CLEAR, err);
    if (!rc) rc = prepare_all(im, err);
    for (size_t i = 0; !rc && i < cx->dbt.n; i++) rc = import_dbt(im, cx->dbt.v[i], err);
    for (size_t i = 0; !rc && i < cx->models.n; i++) rc = import_plain(im, cx->models.v[i], err);
    if (!rc) rc = similar_tables(im, err);
    if (!rc) rc = scout_catalog_exec(im->cat, SQL_APPLY, err);
    return rc;
}

scout_rc scout_lineage_import(scout_catalog *cat, const scout_config *cfg, scout_layer_stats *st,
                              scout_err *err)
{
    double t0 = scout_now_ms();
    importer im = {.cat = cat, .cfg = cfg};
    if (st) memset(st, 0, sizeof *st);
    im.res = scout_sqlinfo_resolver_new(cat);
    if (!im.res) return scout_err_set(err, SCOUT_ENOMEM, "out of memory importing lineage");
    scout_rc rc = scout_catalog_exec(cat, "BEGIN IMMEDIATE", err);
    if (!rc) {
        rc = run(&im, err);
        /* Statements must be finalized before COMMIT can release the lock. */
        importer_free(&im);
        im = (importer){.records = im.records, .errors = im.errors, .files = im.files};
        if (!rc) rc = scout_catalog_exec(cat, "COMMIT", err);
        if (rc) sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
    }
    int64_t records = im.records, errors = im.errors, files = im.files;
    importer_free(&im);
    if (rc) return scout_err_prefix(err, "code enrichment");
    if (st) {
        st->files = files;
        st->records = records;
        st->errors = errors;
        st->elapsed_ms = scout_now_ms() - t0;
    }
    return SCOUT_OK;
}
