/* history.c — query-history tiers (see history.h).
 *
 * Every log entry and dashboard query is clustered by libpg_query's
 * fingerprint (same shape, different constants = one cluster); statements
 * PostgreSQL's grammar rejects cluster by a hash of their normalised text.
 * Each distinct SQL text is fingerprinted once and each cluster analysed
 * once (sqlinfo), so a log of thousands of repeated dashboard queries costs
 * little more than reading it. Everything is replaced in one transaction.
 *
 * Where the facts live:
 *   query_clusters    one row per shape: tier, tier_reason, runs, users,
 *                     dashboard, first/last seen, example and normalised SQL
 *   cluster_tables    cluster -> fqname with the columns it uses (JSON); a
 *                     canonical cluster is a retrievable example for its tables
 *   table_usage       per fqname: query_count, user_count, last_queried_at,
 *                     usage_score, canonical_queries (copied into tables for
 *                     crawled rows; a trigger copies it into rows crawled later)
 *   join_keys         origin 'query_log', evidence "query log: N runs by M users"
 *   filtered_columns  origin 'query_log': uses = successful runs filtering it
 *   context_files     each log / dashboard file, error = malformed lines */
#include "catalog/history.h"

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/strmap.h"
#include "catalog/catalog_int.h"
#include "catalog/sqlinfo.h"

/* Idempotent DDL for the tables this module adds; run by scout_catalog_open.
 * filtered_columns is shared with lineage.c (identical DDL in both). */
const char scout_history_schema[] =
    "CREATE TABLE IF NOT EXISTS table_usage ("
    "  fqname TEXT PRIMARY KEY,"
    "  query_count INTEGER NOT NULL DEFAULT 0,"
    "  user_count INTEGER NOT NULL DEFAULT 0,"
    "  last_queried_at TEXT,"
    "  usage_score REAL NOT NULL DEFAULT 0,"
    "  canonical_queries INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS filtered_columns ("
    "  fqname TEXT NOT NULL,"
    "  column_name TEXT NOT NULL,"
    "  origin TEXT NOT NULL,"
    "  uses INTEGER NOT NULL DEFAULT 0,"
    "  example TEXT,"
    "  PRIMARY KEY (fqname, column_name, origin));"
    "CREATE INDEX IF NOT EXISTS query_clusters_tier ON query_clusters(tier);"
    "CREATE TRIGGER IF NOT EXISTS table_usage_into_new_table AFTER INSERT ON tables"
    " WHEN EXISTS (SELECT 1 FROM table_usage u WHERE u.fqname = NEW.fqname) BEGIN"
    "  UPDATE tables SET"
    "   query_count = (SELECT query_count FROM table_usage u WHERE u.fqname = NEW.fqname),"
    "   user_count = (SELECT user_count FROM table_usage u WHERE u.fqname = NEW.fqname),"
    "   last_queried_at = (SELECT last_queried_at FROM table_usage u"
    "                      WHERE u.fqname = NEW.fqname),"
    "   usage_score = (SELECT usage_score FROM table_usage u WHERE u.fqname = NEW.fqname)"
    "  WHERE id = NEW.id;"
    " END;";

#define TRUSTED_MIN_USERS   3
#define TRUSTED_RECENT_DAYS 60
#define MAX_LINE            ((size_t)4 << 20)

/* ---------- string -> index maps and string sets ----------
 *
 * All are base/strmap, created on first insertion so that zeroed structs
 * (clusters, usage and join aggregates) need no setup; the per-cluster user
 * sets start small because there is one per distinct query. */

/* The index stored for k, or SIZE_MAX (also when the map is not made yet). */
static size_t index_get(const scout_strmap *m, const char *k)
{
    uint32_t v = scout_strmap_get(m, k, strlen(k));
    return v == UINT32_MAX ? SIZE_MAX : v;
}

/* Stores k -> v; false on OOM (or an index beyond what a strmap value holds). */
static bool index_put(scout_strmap **m, const char *k, size_t v)
{
    if (v >= UINT32_MAX) return false;
    if (!*m && !(*m = scout_strmap_new())) return false;
    return scout_strmap_put(*m, k, strlen(k), (uint32_t)v) == 0;
}

/* Adds k as a set member; returns 1 when new, 0 when present, -1 on OOM. */
static int set_add(scout_strmap **m, const char *k)
{
    if (!*m && !(*m = scout_strmap_new_sized(0))) return -1;
    return scout_strmap_add(*m, k, strlen(k));
}

/* Adds every member of src to *dst; false on OOM. */
static bool set_union(scout_strmap **dst, const scout_strmap *src)
{
    const char *k;
    uint32_t v;
    int r;
    for (size_t i = 0; (r = scout_strmap_at(src, i, &k, &v)) >= 0; i++)
        if (r && set_add(dst, k) < 0) return false;
    return true;
}

/* ---------- clusters ---------- */

typedef struct cluster {
    char *key; /* fingerprint, or "text:<hash>" when unparseable */
    char *example_sql;
    char *source; /* first source seen (resolves its table names) */
    char *dashboard;
    char *canonical_by; /* the canonical dashboard / report it is behind */
    char *first_error;
    char *first_seen, *last_seen;
    int64_t runs, errors;
    scout_strmap *users;
    bool parses;
    scout_sql_info *info;
} cluster;

typedef struct dashboard {
    char *name;
    bool canonical;
} dash_info;

typedef struct joinagg {
    int64_t runs;
    scout_strmap *users;
} joinagg;

typedef struct hist {
    scout_catalog *cat;
    scout_sqlinfo_resolver *res;
    cluster *cl;
    size_t n_cl, cap_cl;
    scout_strmap *by_key;  /* cluster key -> index */
    scout_strmap *by_text; /* source '\x1f' sql -> cluster index */
    dash_info *dash;
    size_t n_dash;
    char newest[32]; /* latest timestamp in the logs: "now" for recency */
    int64_t files, errors, records, bad_lines;
} hist;

static bool looks_executive(const char *name)
{
    static const char *const words[] = {"executive", "exec ", "board report", "ceo"};
    char low[256];
    size_t n = 0;
    for (; n < sizeof low - 1 && name[n]; n++)
        low[n] = (char)(name[n] >= 'A' && name[n] <= 'Z' ? name[n] + 32 : name[n]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(low, words[i])) return true;
    return false;
}

/* A dashboard is canonical when its YAML says so, or when it is an
 * executive report (by name). */
static bool dashboard_canonical(const hist *h, const char *name)
{
    for (size_t i = 0; i < h->n_dash; i++)
        if (!strcmp(h->dash[i].name, name)) return h->dash[i].canonical;
    return looks_executive(name);
}

/* Lower-cases, collapses whitespace and replaces literals by '?', so
 * unparseable statements that differ only in constants share a cluster. */
static void text_key(const char *sql, char *out, size_t cap)
{
    scout_buf b = SCOUT_BUF_INIT;
    bool space = false;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'') {
            scout_buf_putc(&b, '?');
            for (p++; *p && !(*p == '\'' && p[1] != '\''); p += (*p == '\'') ? 2 : 1) {
            }
            if (!*p) break;
            continue;
        }
        if (*p >= '0' && *p <= '9' && (p == sql || !(p[-1] == '_' || (p[-1] | 32) >= 'a'))) {
            while ((*p >= '0' && *p <= '9') || *p == '.') p++;
            p--;
            scout_buf_putc(&b, '?');
            continue;
        }
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            space = true;
            continue;
        }
        if (space && b.len) scout_buf_putc(&b, ' ');
        space = false;
        scout_buf_putc(&b, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
    }
    snprintf(out, cap, "text:%016llx",
             (unsigned long long)scout_fnv64_update(SCOUT_FNV64_INIT, b.data, b.len));
    scout_buf_free(&b);
}

/* The cluster for sql (created on first sight); SIZE_MAX on OOM. */
static size_t cluster_for(hist *h, const char *sql, const char *source)
{
    scout_buf tk = SCOUT_BUF_INIT;
    scout_buf_printf(&tk, "%s\x1f%s", source ? source : "", sql);
    size_t idx = index_get(h->by_text, scout_buf_cstr(&tk));
    if (idx != SIZE_MAX) {
        scout_buf_free(&tk);
        return idx;
    }
    char key[64];
    bool parses = scout_sqlinfo_fingerprint(sql, key, sizeof key);
    if (!parses) text_key(sql, key, sizeof key);
    idx = index_get(h->by_key, key);
    if (idx == SIZE_MAX) {
        if (h->n_cl == h->cap_cl) {
            size_t ncap = h->cap_cl ? h->cap_cl * 2 : 128;
            cluster *nv = realloc(h->cl, ncap * sizeof *nv);
            if (!nv) goto oom;
            h->cl = nv;
            h->cap_cl = ncap;
        }
        cluster *c = &h->cl[h->n_cl];
        memset(c, 0, sizeof *c);
        c->key = scout_strdup(key);
        c->example_sql = scout_strdup(sql);
        c->parses = parses;
        if (!c->key || !c->example_sql || !index_put(&h->by_key, key, h->n_cl)) {
            free(c->key);
            free(c->example_sql);
            goto oom;
        }
        idx = h->n_cl++;
    }
    if (!index_put(&h->by_text, scout_buf_cstr(&tk), idx)) goto oom;
    scout_buf_free(&tk);
    return idx;
oom:
    scout_buf_free(&tk);
    return SIZE_MAX;
}

static void set_once(char **dst, const char *s)
{
    if (!*dst && s) *dst = scout_strdup(s);
}

/* One log entry or dashboard query. runs = 0 for a dashboard definition
 * (it marks the cluster without counting as usage). */
static scout_rc add_entry(hist *h, const char *sql, const char *user, const char *ts,
                          const char *dashboard, const char *error, const char *source, int runs)
{
    size_t idx = cluster_for(h, sql, source);
    if (idx == SIZE_MAX) return SCOUT_ENOMEM;
    cluster *c = &h->cl[idx];
    c->runs += runs;
    if (error && *error) {
        c->errors += runs;
        set_once(&c->first_error, error);
    }
    set_once(&c->source, source);
    set_once(&c->dashboard, dashboard);
    if (dashboard && dashboard_canonical(h, dashboard)) set_once(&c->canonical_by, dashboard);
    if (user && runs && !(error && *error) && set_add(&c->users, user) < 0) return SCOUT_ENOMEM;
    if (ts && *ts) {
        if (!c->first_seen || strcmp(ts, c->first_seen) < 0) {
            free(c->first_seen);
            c->first_seen = scout_strdup(ts);
        }
        if (!c->last_seen || strcmp(ts, c->last_seen) > 0) {
            free(c->last_seen);
            c->last_seen = scout_strdup(ts);
        }
        if (strcmp(ts, h->newest) > 0) scout_strlcpy(h->newest, ts, sizeof h->newest);
    }
    return SCOUT_OK;
}

/* ---------- inputs: JSONL logs ---------- */

static scout_rc record_file(hist *h, const char *path, const char *kind, const char *error,
                            scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(
        h->cat,
        "INSERT OR REPLACE INTO context_files (path, kind, layer, loaded_at, error)"
        " VALUES (?, ?, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)",
        &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    if (error)
        sqlite3_bind_text(st, 3, error, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    if (sqlite3_step(st) != SQLITE_DONE) rc = scout_catalog_sqlerr(h->cat, err, "recording a log");
    sqlite3_finalize(st);
    return rc;
}

static scout_rc log_line(hist *h, const char *line, size_t len, const char *path, long lineno,
                         scout_buf *problems)
{
    json_error_t je;
    json_t *o = json_loadb(line, len, 0, &je);
    const char *sql = json_string_value(json_object_get(o, "sql"));
    if (!o || !json_is_object(o) || !sql) {
        h->bad_lines++;
        if (h->bad_lines <= 5) scout_warn("%s:%ld: %s", path, lineno, o ? "no \"sql\"" : je.text);
        if (!problems->len)
            scout_buf_printf(problems, "%s:%ld: %s", path, lineno, o ? "no \"sql\"" : je.text);
        json_decref(o);
        return SCOUT_OK;
    }
    json_t *err = json_object_get(o, "error");
    const char *error = json_is_string(err) ? json_string_value(err)
                        : (err && !json_is_null(err) && !json_is_false(err)) ? "failed"
                                                                             : NULL;
    scout_rc rc = add_entry(h, sql, json_string_value(json_object_get(o, "user")),
                            json_string_value(json_object_get(o, "ts")),
                            json_string_value(json_object_get(o, "dashboard")), error,
                            json_string_value(json_object_get(o, "source")), 1);
    json_decref(o);
    return rc;
}

static scout_rc read_log(hist *h, const char *path, scout_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        scout_warn("cannot read query log %s", path);
        h->errors++;
        return record_file(h, path, "query_log", "cannot read the file", err);
    }
    h->files++;
    scout_buf problems = SCOUT_BUF_INIT;
    int64_t bad_before = h->bad_lines;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    scout_rc rc = SCOUT_OK;
    while (!rc && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
        if (!len) continue;
        if (len > MAX_LINE) {
            h->bad_lines++;
            continue;
        }
        rc = log_line(h, line, len, path, lineno, &problems);
    }
    free(line);
    fclose(f);
    int64_t bad = h->bad_lines - bad_before;
    if (bad) {
        h->errors++;
        scout_buf msg = SCOUT_BUF_INIT;
        scout_buf_printf(&msg, "%lld malformed line%s skipped (first: %s)", (long long)bad,
                         bad == 1 ? "" : "s", scout_buf_cstr(&problems));
        if (!rc) rc = record_file(h, path, "query_log", scout_buf_cstr(&msg), err);
        scout_buf_free(&msg);
    } else if (!rc) {
        rc = record_file(h, path, "query_log", NULL, err);
    }
    scout_buf_free(&problems);
    if (rc == SCOUT_ENOMEM) scout_err_set(err, rc, "out of memory reading %s", path);
    return rc;
}

/* ---------- inputs: dashboard YAML ---------- */

static const char *scalar(yaml_document_t *d, yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const char *k = scalar(d, yaml_document_get_node(d, p->key));
        if (k && !strcmp(k, key)) return yaml_document_get_node(d, p->value);
    }
    return NULL;
}

typedef struct dash_doc {
    yaml_document_t doc;
    char *path;
} dash_doc;

static bool load_yaml(const char *path, yaml_document_t *doc, char *msg, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(msg, cap, "%s: cannot read the file", path);
        return false;
    }
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    bool ok = yaml_parser_load(&p, doc) != 0;
    if (!ok)
        snprintf(msg, cap, "%s:%lu: %s", path, (unsigned long)p.problem_mark.line + 1,
                 p.problem ? p.problem : "bad yaml");
    else if (!yaml_document_get_root_node(doc) ||
             yaml_document_get_root_node(doc)->type != YAML_MAPPING_NODE) {
        snprintf(msg, cap, "%s:1: a dashboard must be a mapping", path);
        yaml_document_delete(doc);
        ok = false;
    }
    yaml_parser_delete(&p);
    fclose(f);
    return ok;
}

static scout_rc dashboard_queries(hist *h, yaml_document_t *d, const char *name, const char *owner)
{
    yaml_node_t *root = yaml_document_get_root_node(d);
    yaml_node_t *qs = map_get(d, root, "queries");
    if (!qs || qs->type != YAML_SEQUENCE_NODE) return SCOUT_OK;
    for (yaml_node_item_t *it = qs->data.sequence.items.start; it < qs->data.sequence.items.top;
         it++) {
        const char *sql = scalar(d, map_get(d, yaml_document_get_node(d, *it), "sql"));
        if (!sql) continue;
        scout_rc rc = add_entry(h, sql, owner, NULL, name, NULL, NULL, 0);
        if (rc) return rc;
    }
    return SCOUT_OK;
}

static bool yes(const char *s)
{
    return s && (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "True"));
}

/* Reads every .yaml / .yml file of the folders: first the names (so log entries
 * know which dashboards are canonical), then their queries. */
static scout_rc read_dashboards(hist *h, const scout_path_list *dirs, scout_err *err)
{
    scout_rc rc = SCOUT_OK;
    dash_doc *docs = NULL;
    size_t n_docs = 0;
    for (size_t i = 0; !rc && i < dirs->n; i++) {
        DIR *dir = opendir(dirs->v[i]);
        if (!dir) {
            scout_warn("cannot read dashboard folder %s", dirs->v[i]);
            h->errors++;
            continue;
        }
        struct dirent *e;
        while (!rc && (e = readdir(dir))) {
            size_t nl = strlen(e->d_name);
            bool yml = (nl > 5 && !strcmp(e->d_name + nl - 5, ".yaml")) ||
                       (nl > 4 && !strcmp(e->d_name + nl - 4, ".yml"));
            if (!yml || e->d_name[0] == '.') continue;
            char *path = scout_path_join(dirs->v[i], e->d_name);
            dash_doc *nd = realloc(docs, (n_docs + 1) * sizeof *nd);
            if (!path || !nd) {
                free(path);
                if (nd) docs = nd;
                rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory reading dashboards");
                break;
            }
            docs = nd;
            char msg[600];
            h->files++;
            if (!load_yaml(path, &docs[n_docs].doc, msg, sizeof msg)) {
                scout_warn("%s", msg);
                h->errors++;
                rc = record_file(h, path, "dashboard", msg, err);
                free(path);
                continue;
            }
            docs[n_docs++].path = path;
        }
        closedir(dir);
    }
    h->dash = n_docs ? calloc(n_docs, sizeof *h->dash) : NULL;
    for (size_t i = 0; !rc && i < n_docs; i++) {
        yaml_node_t *root = yaml_document_get_root_node(&docs[i].doc);
        const char *name = scalar(&docs[i].doc, map_get(&docs[i].doc, root, "name"));
        h->dash[h->n_dash].name = scout_strdup(name ? name : docs[i].path);
        h->dash[h->n_dash++].canonical =
            yes(scalar(&docs[i].doc, map_get(&docs[i].doc, root, "canonical")));
    }
    for (size_t i = 0; !rc && i < n_docs; i++) {
        yaml_node_t *root = yaml_document_get_root_node(&docs[i].doc);
        rc = dashboard_queries(h, &docs[i].doc, h->dash[i].name,
                               scalar(&docs[i].doc, map_get(&docs[i].doc, root, "owner")));
        if (!rc) rc = record_file(h, docs[i].path, "dashboard", NULL, err);
    }
    for (size_t i = 0; i < n_docs; i++) {
        yaml_document_delete(&docs[i].doc);
        free(docs[i].path);
    }
    free(docs);
    if (rc == SCOUT_ENOMEM) scout_err_set(err, rc, "out of memory reading dashboards");
    return rc;
}

/* ---------- tiers ---------- */

/* Days since 1970-01-01 of "YYYY-MM-DD...", or -1. */
static long day_number(const char *ts)
{
    int y, m, d;
    if (!ts || sscanf(ts, "%4d-%2d-%2d", &y, &m, &d) != 3) return -1;
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool is_probe(const scout_sql_info *in)
{
    if (!in->n_rels) return true; /* select 1, select now(): connection checks */
    return in->select_star && !in->has_aggregate && !in->has_join &&
           (in->has_limit || !in->has_where);
}

static const char *tier_of(const hist *h, cluster *c, char *why, size_t cap)
{
    int64_t users = (int64_t)scout_strmap_count(c->users);
    if (c->runs && c->errors * 2 >= c->runs) {
        snprintf(why, cap, "failed %lld of %lld runs: %s", (long long)c->errors, (long long)c->runs,
                 c->first_error ? c->first_error : "error");
        return "noise";
    }
    if (!c->parses && c->errors) {
        snprintf(why, cap, "does not parse and failed: %s", c->info->error ? c->info->error : "");
        return "noise";
    }
    if (c->parses && is_probe(c->info)) {
        snprintf(why, cap, "%s",
                 c->info->n_rels ? "select-star probe (no filter, join or aggregate)"
                                 : "reads no table");
        return "noise";
    }
    if (c->canonical_by) {
        snprintf(why, cap, "behind canonical dashboard '%s'", c->canonical_by);
        return "canonical";
    }
    long age = day_number(h->newest) - day_number(c->last_seen);
    if (users >= TRUSTED_MIN_USERS && c->errors == 0 && c->last_seen &&
        age <= TRUSTED_RECENT_DAYS) {
        snprintf(why, cap, "run %lld times by %lld users, last %.10s, no errors",
                 (long long)c->runs, (long long)users, c->last_seen);
        return "trusted";
    }
    snprintf(why, cap, "run %lld time%s by %lld user%s%s", (long long)c->runs,
             c->runs == 1 ? "" : "s", (long long)users, users == 1 ? "" : "s",
             c->errors ? ", some runs failed" : "");
    return "adhoc";
}

/* ---------- derived facts ---------- */

typedef struct usage {
    int64_t runs, canonical;
    scout_strmap *users;
    char last[32];
} usage;

typedef struct filtagg {
    int64_t uses;
    char *example; /* the first filter text seen on the column */
} filtagg;

typedef struct derive {
    scout_strmap *table_idx; /* fqname -> usage index */
    usage *u;
    char **u_name;
    size_t n_u, cap_u;
    scout_strmap *join_idx; /* "l\x1flc\x1fr\x1frc" -> joinagg index */
    joinagg *j;
    char **j_key;
    size_t n_j, cap_j;
    scout_strmap *filt_idx; /* "fq\x1fcol" -> index */
    filtagg *f;
    char **f_key;
    size_t n_f, cap_f;
} derive;

/* Finds or adds key in a keyed vector (generic over the three above). */
static size_t slot(scout_strmap **idx, char ***keys, size_t *n, size_t *cap, void **vals,
                   size_t vsize, const char *key)
{
    size_t i = index_get(*idx, key);
    if (i != SIZE_MAX) return i;
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        char **nk = realloc(*keys, ncap * sizeof *nk);
        if (nk) *keys = nk;
        void *nv = realloc(*vals, ncap * vsize);
        if (nv) *vals = nv;
        if (!nk || !nv) return SIZE_MAX;
        *cap = ncap;
    }
    (*keys)[*n] = scout_strdup(key);
    memset((char *)*vals + *n * vsize, 0, vsize);
    if (!(*keys)[*n] || !index_put(idx, key, *n)) {
        free((*keys)[*n]);
        return SIZE_MAX;
    }
    return (*n)++;
}

static const char *res(hist *h, const cluster *c, const char *written)
{
    return scout_sqlinfo_resolve(h->res, c->source, written);
}

static scout_rc usage_of(hist *h, derive *dv, const cluster *c, const char *fq, bool canonical)
{
    size_t i =
        slot(&dv->table_idx, &dv->u_name, &dv->n_u, &dv->cap_u, (void **)&dv->u, sizeof *dv->u, fq);
    if (i == SIZE_MAX) return SCOUT_ENOMEM;
    usage *u = &dv->u[i];
    u->runs += c->runs - c->errors;
    u->canonical += canonical;
    if (!set_union(&u->users, c->users)) return SCOUT_ENOMEM;
    if (c->last_seen && c->runs > c->errors && strcmp(c->last_seen, u->last) > 0)
        scout_strlcpy(u->last, c->last_seen, sizeof u->last);
    return SCOUT_OK;
}

static scout_rc joins_of(hist *h, derive *dv, const cluster *c)
{
    const scout_sql_info *in = c->info;
    for (size_t i = 0; i < in->n_joins; i++) {
        const scout_sql_join *j = &in->joins[i];
        char *l = scout_strdup(res(h, c, j->left.table));
        const char *r = res(h, c, j->right.table);
        if (!l || !r) {
            free(l);
            return SCOUT_ENOMEM;
        }
        /* One key per unordered pair. */
        bool swap = strcmp(l, r) > 0;
        scout_buf key = SCOUT_BUF_INIT;
        scout_buf_printf(&key, "%s\x1f%s\x1f%s\x1f%s", swap ? r : l,
                         swap ? j->right.column : j->left.column, swap ? l : r,
                         swap ? j->left.column : j->right.column);
        free(l);
        size_t k = slot(&dv->join_idx, &dv->j_key, &dv->n_j, &dv->cap_j, (void **)&dv->j,
                        sizeof *dv->j, scout_buf_cstr(&key));
        scout_buf_free(&key);
        if (k == SIZE_MAX) return SCOUT_ENOMEM;
        dv->j[k].runs += c->runs - c->errors;
        if (!set_union(&dv->j[k].users, c->users)) return SCOUT_ENOMEM;
    }
    return SCOUT_OK;
}

static scout_rc filters_of(hist *h, derive *dv, const cluster *c)
{
    const scout_sql_info *in = c->info;
    for (size_t i = 0; i < in->n_filters; i++)
        for (size_t k = 0; k < in->filters[i].n_columns; k++) {
            const scout_sql_col *col = &in->filters[i].columns[k];
            if (!col->table) continue;
            const char *fq = res(h, c, col->table);
            if (!fq) return SCOUT_ENOMEM;
            scout_buf key = SCOUT_BUF_INIT;
            scout_buf_printf(&key, "%s\x1f%s", fq, col->column);
            size_t f = slot(&dv->filt_idx, &dv->f_key, &dv->n_f, &dv->cap_f, (void **)&dv->f,
                            sizeof *dv->f, scout_buf_cstr(&key));
            scout_buf_free(&key);
            if (f == SIZE_MAX) return SCOUT_ENOMEM;
            if (!dv->f[f].example && !(dv->f[f].example = scout_strdup(in->filters[i].text)))
                return SCOUT_ENOMEM;
            dv->f[f].uses += c->runs - c->errors;
        }
    return SCOUT_OK;
}

static void derive_free(derive *dv)
{
    for (size_t i = 0; i < dv->n_u; i++) {
        scout_strmap_free(dv->u[i].users);
        free(dv->u_name[i]);
    }
    for (size_t i = 0; i < dv->n_j; i++) {
        scout_strmap_free(dv->j[i].users);
        free(dv->j_key[i]);
    }
    for (size_t i = 0; i < dv->n_f; i++) {
        free(dv->f_key[i]);
        free(dv->f[i].example);
    }
    free(dv->u);
    free(dv->u_name);
    free(dv->j);
    free(dv->j_key);
    free(dv->f);
    free(dv->f_key);
    scout_strmap_free(dv->table_idx);
    scout_strmap_free(dv->join_idx);
    scout_strmap_free(dv->filt_idx);
}

/* ---------- writing ---------- */

static scout_rc step(hist *h, sqlite3_stmt *st, scout_err *err, const char *what)
{
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return s == SQLITE_DONE || s == SQLITE_ROW ? SCOUT_OK : scout_catalog_sqlerr(h->cat, err, what);
}

static void bind(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* Columns of table `written` a cluster uses, as a JSON array text. */
static char *columns_json(const scout_sql_info *in, const char *written)
{
    json_t *a = json_array();
    scout_strmap *seen = NULL;
    for (size_t i = 0; i < in->n_outputs; i++)
        for (size_t k = 0; k < in->outputs[i].n_sources; k++) {
            const scout_sql_col *c = &in->outputs[i].sources[k];
            if (c->table && !strcmp(c->table, written) && strcmp(c->column, "*") &&
                set_add(&seen, c->column) == 1)
                json_array_append_new(a, json_string(c->column));
        }
    for (size_t i = 0; i < in->n_filters; i++)
        for (size_t k = 0; k < in->filters[i].n_columns; k++) {
            const scout_sql_col *c = &in->filters[i].columns[k];
            if (c->table && !strcmp(c->table, written) && set_add(&seen, c->column) == 1)
                json_array_append_new(a, json_string(c->column));
        }
    for (size_t i = 0; i < in->n_joins; i++) {
        const scout_sql_col *s[2] = {&in->joins[i].left, &in->joins[i].right};
        for (int k = 0; k < 2; k++)
            if (!strcmp(s[k]->table, written) && set_add(&seen, s[k]->column) == 1)
                json_array_append_new(a, json_string(s[k]->column));
    }
    char *out = json_array_size(a) ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    scout_strmap_free(seen);
    return out;
}

static scout_rc write_cluster(hist *h, cluster *c, sqlite3_stmt *ins, sqlite3_stmt *tab, derive *dv,
                              scout_err *err)
{
    char why[512];
    const char *tier = tier_of(h, c, why, sizeof why);
    char *norm = c->parses ? scout_sqlinfo_normalize(c->example_sql) : NULL;
    bind(ins, 1, c->key);
    bind(ins, 2, norm ? norm : c->example_sql);
    bind(ins, 3, c->example_sql);
    bind(ins, 4, tier);
    bind(ins, 5, why);
    sqlite3_bind_int64(ins, 6, c->runs);
    sqlite3_bind_int64(ins, 7, (int64_t)scout_strmap_count(c->users));
    bind(ins, 8, c->dashboard);
    bind(ins, 9, c->first_seen);
    bind(ins, 10, c->last_seen);
    free(norm);
    scout_rc rc = step(h, ins, err, "storing a query cluster");
    if (rc) return rc;
    h->records++;
    int64_t id = sqlite3_last_insert_rowid(h->cat->db);
    bool canonical = !strcmp(tier, "canonical");
    bool failed = !strcmp(tier, "noise") && c->runs && c->errors * 2 >= c->runs;
    for (size_t i = 0; !rc && i < c->info->n_rels; i++) {
        const char *fq = res(h, c, c->info->rels[i].name);
        if (!fq) return SCOUT_ENOMEM;
        char *cols = columns_json(c->info, c->info->rels[i].name);
        sqlite3_bind_int64(tab, 1, id);
        bind(tab, 2, fq);
        bind(tab, 3, cols);
        free(cols);
        rc = step(h, tab, err, "storing a cluster table");
        if (!rc && !failed) rc = usage_of(h, dv, c, fq, canonical);
    }
    if (!rc && !failed) rc = joins_of(h, dv, c);
    if (!rc && !failed) rc = filters_of(h, dv, c);
    return rc;
}

static scout_rc write_usage(hist *h, derive *dv, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(
        h->cat,
        "INSERT INTO table_usage (fqname, query_count, user_count, last_queried_at, usage_score,"
        " canonical_queries) VALUES (?, ?, ?, ?, ?, ?)",
        &st, err);
    long now = day_number(h->newest);
    for (size_t i = 0; !rc && i < dv->n_u; i++) {
        usage *u = &dv->u[i];
        long last = day_number(u->last);
        double recency = last < 0 || now < 0 ? 0.5 : exp(-(double)(now - last) / 90.0);
        /* Breadth of use counts more than volume (one dashboard account can
         * run a query thousands of times); canonical use counts most. */
        double score = (log1p((double)u->runs) + 2.0 * log1p((double)scout_strmap_count(u->users)) +
                        3.0 * (double)(u->canonical > 0)) *
                       recency;
        bind(st, 1, dv->u_name[i]);
        sqlite3_bind_int64(st, 2, u->runs);
        sqlite3_bind_int64(st, 3, (int64_t)scout_strmap_count(u->users));
        bind(st, 4, u->last[0] ? u->last : NULL);
        sqlite3_bind_double(st, 5, round(score * 1000) / 1000);
        sqlite3_bind_int64(st, 6, u->canonical);
        rc = step(h, st, err, "storing table usage");
    }
    sqlite3_finalize(st);
    return rc;
}

static scout_rc write_joins(hist *h, derive *dv, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(
        h->cat,
        "INSERT INTO join_keys (left_fqname, left_column, right_fqname, right_column, origin,"
        " confidence, evidence) VALUES (?, ?, ?, ?, 'query_log', ?, ?)",
        &st, err);
    for (size_t i = 0; !rc && i < dv->n_j; i++) {
        char *parts[4], *save = dv->j_key[i];
        for (int k = 0; k < 4; k++) {
            parts[k] = save;
            char *sep = strchr(save, '\x1f');
            if (sep) *sep = '\0', save = sep + 1;
        }
        size_t users = scout_strmap_count(dv->j[i].users);
        char ev[160];
        snprintf(ev, sizeof ev, "query log: %lld runs by %zu user%s", (long long)dv->j[i].runs,
                 users, users == 1 ? "" : "s");
        for (int k = 0; k < 4; k++) bind(st, k + 1, parts[k]);
        sqlite3_bind_double(st, 5, users >= 5 ? 0.9 : 0.5 + 0.08 * (double)users);
        bind(st, 6, ev);
        rc = step(h, st, err, "storing a join key");
        if (!rc) h->records++;
    }
    sqlite3_finalize(st);
    return rc;
}

static scout_rc write_filters(hist *h, derive *dv, scout_err *err)
{
    sqlite3_stmt *st;
    scout_rc rc = scout_catalog_prepare(h->cat,
                                        "INSERT INTO filtered_columns (fqname, column_name, origin,"
                                        " uses, example) VALUES (?, ?, 'query_log', ?, ?)",
                                        &st, err);
    for (size_t i = 0; !rc && i < dv->n_f; i++) {
        char *sep = strchr(dv->f_key[i], '\x1f');
        if (!sep) continue;
        *sep = '\0';
        bind(st, 1, dv->f_key[i]);
        bind(st, 2, sep + 1);
        sqlite3_bind_int64(st, 3, dv->f[i].uses);
        bind(st, 4, dv->f[i].example);
        rc = step(h, st, err, "storing a filtered column");
    }
    sqlite3_finalize(st);
    return rc;
}

static const char SQL_CLEAR[] =
    "DELETE FROM cluster_tables;"
    "DELETE FROM query_clusters;"
    "DELETE FROM table_usage;"
    "DELETE FROM join_keys WHERE origin = 'query_log';"
    "DELETE FROM filtered_columns WHERE origin = 'query_log';"
    "DELETE FROM context_files WHERE kind IN ('query_log', 'dashboard');"
    "UPDATE tables SET query_count = 0, user_count = 0, last_queried_at = NULL,"
    " usage_score = 0 WHERE query_count <> 0 OR usage_score <> 0 OR last_queried_at IS NOT NULL;";

static const char SQL_APPLY[] =
    "UPDATE tables SET query_count = u.query_count, user_count = u.user_count,"
    " last_queried_at = u.last_queried_at, usage_score = u.usage_score"
    " FROM table_usage u WHERE u.fqname = tables.fqname;";

static scout_rc write_all(hist *h, scout_err *err)
{
    sqlite3_stmt *ins = NULL, *tab = NULL;
    derive dv = {0};
    scout_rc rc = scout_catalog_prepare(
        h->cat,
        "INSERT INTO query_clusters (fingerprint, normalized_sql, example_sql, tier, tier_reason,"
        " run_count, user_count, dashboard, first_seen, last_seen)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &ins, err);
    if (!rc)
        rc = scout_catalog_prepare(h->cat,
                                   "INSERT OR IGNORE INTO cluster_tables (cluster_id, fqname,"
                                   " columns) VALUES (?, ?, ?)",
                                   &tab, err);
    for (size_t i = 0; !rc && i < h->n_cl; i++) {
        cluster *c = &h->cl[i];
        rc = scout_sqlinfo_analyze(c->example_sql, &c->info, err);
        if (!rc) rc = write_cluster(h, c, ins, tab, &dv, err);
        scout_sqlinfo_free(c->info);
        c->info = NULL;
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(tab);
    if (!rc) rc = write_usage(h, &dv, err);
    if (!rc) rc = write_joins(h, &dv, err);
    if (!rc) rc = write_filters(h, &dv, err);
    if (!rc) rc = scout_catalog_exec(h->cat, SQL_APPLY, err);
    derive_free(&dv);
    if (rc == SCOUT_ENOMEM) scout_err_set(err, rc, "out of memory storing query history");
    return rc;
}

static void hist_free(hist *h)
{
    for (size_t i = 0; i < h->n_cl; i++) {
        cluster *c = &h->cl[i];
        free(c->key);
        free(c->example_sql);
        free(c->source);
        free(c->dashboard);
        free(c->canonical_by);
        free(c->first_error);
        free(c->first_seen);
        free(c->last_seen);
        scout_strmap_free(c->users);
        scout_sqlinfo_free(c->info);
    }
    free(h->cl);
    for (size_t i = 0; i < h->n_dash; i++) free(h->dash[i].name);
    free(h->dash);
    scout_strmap_free(h->by_key);
    scout_strmap_free(h->by_text);
    scout_sqlinfo_resolver_free(h->res);
}

static scout_rc run(hist *h, const scout_config *cfg, scout_err *err)
{
    scout_rc rc = scout_catalog_exec(h->cat, SQL_CLEAR, err);
    if (!rc) rc = read_dashboards(h, &cfg->context.dashboards, err);
    for (size_t i = 0; !rc && i < cfg->context.query_logs.n; i++)
        rc = read_log(h, cfg->context.query_logs.v[i], err);
    if (!rc) rc = write_all(h, err);
    return rc;
}

scout_rc scout_history_import(scout_catalog *cat, const scout_config *cfg, scout_layer_stats *st,
                              scout_err *err)
{
    double t0 = scout_now_ms();
    hist h = {.cat = cat};
    if (st) memset(st, 0, sizeof *st);
    h.res = scout_sqlinfo_resolver_new(cat);
    if (!h.res) return scout_err_set(err, SCOUT_ENOMEM, "out of memory importing query history");
    scout_rc rc = scout_catalog_exec(cat, "BEGIN IMMEDIATE", err);
    if (!rc) {
        rc = run(&h, cfg, err);
        if (!rc) rc = scout_catalog_exec(cat, "COMMIT", err);
        if (rc) sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (!rc && st) {
        st->files = h.files;
        st->records = h.records;
        st->errors = h.errors;
        st->elapsed_ms = scout_now_ms() - t0;
    }
    if (!rc && h.bad_lines > 5)
        scout_warn("%lld malformed query-log lines skipped in all", (long long)h.bad_lines);
    hist_free(&h);
    return rc ? scout_err_prefix(err, "query history") : SCOUT_OK;
}
